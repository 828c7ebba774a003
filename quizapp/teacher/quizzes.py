"""The quiz builder, publishing, and each quiz's attempts."""

from __future__ import annotations

import datetime as dt

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from quizapp.clock import utcnow
from quizapp.extensions import db
from quizapp.forms import EmptyForm
from quizapp.models import Article, FeedbackTiming, GradingMethod, Quiz, QuizKind
from quizapp.services import attempts as attempt_service
from quizapp.services.classes import classes_taught_by
from quizapp.services.quizzes import (
    QuizError,
    QuizSettings,
    RuleSpec,
    create_quiz,
    owned_quiz,
    parse_extra_time,
    section_question_counts,
    set_published,
    update_quiz,
)
from quizapp.services.teacher_attempts import quiz_attempts, teacher_attempt
from quizapp.teacher import blueprint
from quizapp.teacher.forms import QuizForm


def get_owned_quiz_or_404(quiz_id: int) -> Quiz:
    """The current teacher's quiz; anyone else's is a 404."""
    quiz = owned_quiz(quiz_id, current_user.id)
    if quiz is None:
        abort(404, description="There is no such quiz among yours.")
    return quiz


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    # The form's datetime-local fields are entered in UTC (their labels say so).
    return value.replace(tzinfo=dt.UTC) if value else None


def _prepare_form(form: QuizForm, article: Article, quiz: Quiz | None) -> None:
    """Class choices, and one rule row per section plus one for "all sections"."""
    form.class_id.choices = {str(c.id): c.name for c, _ in classes_taught_by(current_user.id)}
    if request.method == "GET":
        existing = {rule.section_id: rule for rule in quiz.rules} if quiz else {}
        while form.rules.entries:
            form.rules.pop_entry()
        for section_id in [None, *(s.id for s in article.sections)]:
            rule = existing.get(section_id)
            form.rules.append_entry(
                {
                    "section_id": "" if section_id is None else str(section_id),
                    "question_count": rule.question_count if rule else 0,
                    "difficulties": [str(d) for d in rule.difficulties] if rule else [],
                }
            )


def _rules(form: QuizForm, article: Article) -> list[RuleSpec]:
    section_ids = {str(s.id) for s in article.sections}
    rules = []
    for entry in form.rules.entries:
        count = entry.form.question_count.data or 0
        raw_section = entry.form.section_id.data or ""
        if count <= 0:
            continue
        if raw_section and raw_section not in section_ids:
            abort(400, description="A rule names a section of another article.")
        rules.append(
            RuleSpec(
                question_count=count,
                section_id=int(raw_section) if raw_section else None,
                difficulties=tuple(int(d) for d in entry.form.difficulties.data or []),
            )
        )
    return rules


def _settings(form: QuizForm, class_id: int) -> QuizSettings:
    return QuizSettings(
        time_limit_seconds=(form.time_limit_minutes.data or 0) * 60 or None,
        attempts_allowed=form.attempts_allowed.data or None,
        grading_method=GradingMethod(form.grading_method.data),
        feedback_timing=FeedbackTiming(form.feedback_timing.data),
        shuffle_choices=bool(form.shuffle_choices.data),
        opens_at=_utc(form.opens_at.data),
        closes_at=_utc(form.closes_at.data),
        extra_seconds=parse_extra_time(class_id, form.extra_time.data or ""),
    )


def _save(form: QuizForm, article: Article, quiz: Quiz | None) -> Quiz | None:
    """Validate and save; on failure the problems are attached to the form."""
    if not form.validate_on_submit():
        return None
    class_id = int(form.class_id.data)
    try:
        rules = _rules(form, article)
        settings = _settings(form, class_id)
        if not rules:
            raise QuizError(["Ask for at least one question in one of the rules."])
        if quiz is None:
            return create_quiz(
                owner_id=current_user.id,
                article_id=article.id,
                title=form.title.data or "",
                kind=QuizKind.ASSESSMENT,
                rules=rules,
                settings=settings,
                now=utcnow(),
                class_id=class_id,
            )
        return update_quiz(
            quiz,
            title=form.title.data or "",
            class_id=class_id,
            rules=rules,
            settings=settings,
            now=utcnow(),
        )
    except QuizError as error:
        form.form_errors.extend(error.problems)
        return None


def _render_builder(
    form: QuizForm, article: Article, quiz: Quiz | None, status: int
) -> tuple[str, int]:
    return (
        render_template(
            "teacher/quiz_form.html",
            form=form,
            article=article,
            quiz=quiz,
            sections={str(s.id): s for s in article.sections},
            counts=section_question_counts(article.id),
        ),
        status,
    )


@blueprint.route("/quizzes/new", methods=["GET", "POST"])
def new_quiz() -> str | Response | tuple[str, int]:
    """Step 1: choose the article; step 2: title, class, rules and settings."""
    article_id = request.args.get("article", type=int)
    if article_id is None:
        articles = db.session.execute(db.select(Article).order_by(Article.title)).scalars().all()
        return render_template("teacher/quiz_pick_article.html", articles=articles)
    article = db.get_or_404(Article, article_id)
    form = QuizForm()
    _prepare_form(form, article, None)
    if not form.class_id.choices:
        flash("Create a class first: a quiz is set for one class.", "error")
        return redirect(url_for("teacher.new_class"))
    quiz = _save(form, article, None)
    if quiz is not None:
        flash("Quiz saved as a draft. Publish it when it is ready.", "success")
        return redirect(url_for("teacher.quiz_page", quiz_id=quiz.id))
    return _render_builder(form, article, None, 400 if request.method == "POST" else 200)


@blueprint.route("/quizzes/<int:quiz_id>/edit", methods=["GET", "POST"])
def edit_quiz(quiz_id: int) -> Response | tuple[str, int]:
    """Change the rules and settings; attempts already started keep their questions."""
    quiz = get_owned_quiz_or_404(quiz_id)
    form = QuizForm(obj=None)
    if request.method == "GET":
        form.title.data = quiz.title
        form.class_id.data = str(quiz.class_id)
        form.time_limit_minutes.data = (
            (quiz.time_limit_seconds // 60) if quiz.time_limit_seconds else None
        )
        form.attempts_allowed.data = quiz.attempts_allowed
        form.grading_method.data = quiz.grading_method.value
        form.feedback_timing.data = quiz.feedback_timing.value
        form.shuffle_choices.data = quiz.shuffle_choices
        form.opens_at.data = quiz.opens_at.replace(tzinfo=None) if quiz.opens_at else None
        form.closes_at.data = quiz.closes_at.replace(tzinfo=None) if quiz.closes_at else None
        emails = (
            {e.student_id: e.student.email for e in quiz.school_class.enrolments}
            if quiz.school_class
            else {}
        )
        form.extra_time.data = "\n".join(
            f"{emails.get(extra.student_id, '?')} {extra.extra_seconds // 60}"
            for extra in quiz.extra_times
        )
    _prepare_form(form, quiz.article, quiz)
    if _save(form, quiz.article, quiz) is not None:
        flash("Quiz updated. Attempts already started keep their questions.", "success")
        return redirect(url_for("teacher.quiz_page", quiz_id=quiz.id))
    return _render_builder(form, quiz.article, quiz, 400 if request.method == "POST" else 200)


@blueprint.get("/quizzes/<int:quiz_id>")
def quiz_page(quiz_id: int) -> str:
    """Settings, publishing, and every attempt with its score, duration and state."""
    quiz = get_owned_quiz_or_404(quiz_id)
    return render_template(
        "teacher/quiz.html",
        quiz=quiz,
        attempts=quiz_attempts(
            quiz.id,
            now=utcnow(),
            grace=dt.timedelta(seconds=current_app.config["ANSWER_GRACE_SECONDS"]),
        ),
        form=EmptyForm(),
    )


@blueprint.post("/quizzes/<int:quiz_id>/publish")
def publish(quiz_id: int) -> Response:
    """Students of the class can start the quiz (within its open and close times)."""
    quiz = get_owned_quiz_or_404(quiz_id)
    if EmptyForm().validate_on_submit():
        set_published(quiz, True, now=utcnow())
        flash("Published: the class can take it now.", "success")
    return redirect(url_for("teacher.quiz_page", quiz_id=quiz.id))


@blueprint.post("/quizzes/<int:quiz_id>/unpublish")
def unpublish(quiz_id: int) -> Response:
    """Back to draft: no new attempts; attempts in progress can still be finished."""
    quiz = get_owned_quiz_or_404(quiz_id)
    if EmptyForm().validate_on_submit():
        set_published(quiz, False, now=utcnow())
        flash("Unpublished: students can no longer start it.", "success")
    return redirect(url_for("teacher.quiz_page", quiz_id=quiz.id))


@blueprint.get("/quizzes/<int:quiz_id>/attempts/<int:attempt_id>")
def attempt_review(quiz_id: int, attempt_id: int) -> str:
    """One learner's attempt, question by question, as the learner's review shows it."""
    quiz = get_owned_quiz_or_404(quiz_id)
    attempt = teacher_attempt(quiz.id, attempt_id)
    if attempt is None:
        abort(404, description="This quiz has no such attempt.")
    return render_template(
        "teacher/attempt.html",
        quiz=quiz,
        attempt=attempt,
        items=attempt_service.drawn_questions(attempt),
    )
