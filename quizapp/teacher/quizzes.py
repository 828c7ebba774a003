"""The quiz builder, publishing, and each quiz's attempts."""

from __future__ import annotations

import datetime as dt

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from quizapp.clock import utcnow
from quizapp.forms import EmptyForm
from quizapp.services import quiz_pages
from quizapp.services.quiz_pages import ArticleChoice, BuilderPage, QuizSaved
from quizapp.teacher import blueprint
from quizapp.teacher.forms import QuizForm


def _grace() -> dt.timedelta:
    return dt.timedelta(seconds=current_app.config["ANSWER_GRACE_SECONDS"])


def _builder(form: QuizForm, page: BuilderPage) -> tuple[str, int] | Response:
    """The builder page; a teacher without a class is sent to create one first."""
    if not page.class_choices:
        flash("Create a class first: a quiz is set for one class.", "error")
        return redirect(url_for("teacher.new_class"))
    form.class_id.choices = page.class_choices
    form.form_errors.extend(page.problems)
    for name, message in page.field_errors.items():
        getattr(form, name).errors.append(message)
    html = render_template(
        "teacher/quiz_form.html",
        form=form,
        article=page.article,
        quiz=page.quiz,
        sections=page.sections,
        counts=page.counts,
    )
    return html, 400 if request.method == "POST" else 200


@blueprint.route("/quizzes/new", methods=["GET", "POST"])
def new_quiz() -> str | Response | tuple[str, int]:
    """Step 1: choose the article; step 2: title, class, rules and settings."""
    form = QuizForm()
    page = quiz_pages.quiz_builder(
        current_user.id,
        form.to_spec() if form.validate_on_submit() else None,
        article_id=request.args.get("article", type=int),
        now=utcnow(),
    )
    if isinstance(page, ArticleChoice):
        return render_template("teacher/quiz_pick_article.html", articles=page.articles)
    if isinstance(page, QuizSaved):
        flash("Quiz saved as a draft. Publish it when it is ready.", "success")
        return redirect(url_for("teacher.quiz_page", quiz_id=page.quiz_id))
    if request.method == "GET":
        form.set_rule_rows(page.rule_sections, ())
    return _builder(form, page)


@blueprint.route("/quizzes/<int:quiz_id>/edit", methods=["GET", "POST"])
def edit_quiz(quiz_id: int) -> Response | tuple[str, int]:
    """Change the rules and settings; attempts already started keep their questions."""
    form = QuizForm()
    page = quiz_pages.quiz_builder(
        current_user.id,
        form.to_spec() if form.validate_on_submit() else None,
        quiz_id=quiz_id,
        now=utcnow(),
    )
    if isinstance(page, QuizSaved):
        flash("Quiz updated. Attempts already started keep their questions.", "success")
        return redirect(url_for("teacher.quiz_page", quiz_id=quiz_id))
    assert isinstance(page, BuilderPage)  # an edit always has its article
    if request.method == "GET" and page.current is not None:
        form = QuizForm.from_quiz(page.current, page.rule_sections)
    return _builder(form, page)


@blueprint.get("/quizzes/<int:quiz_id>")
def quiz_page(quiz_id: int) -> str:
    """Settings, publishing, and every attempt with its score, duration and state."""
    page = quiz_pages.quiz_page(current_user.id, quiz_id, now=utcnow(), grace=_grace())
    return render_template(
        "teacher/quiz.html", quiz=page.quiz, attempts=page.attempts, form=EmptyForm()
    )


@blueprint.post("/quizzes/<int:quiz_id>/publish")
def publish(quiz_id: int) -> Response:
    """Students of the class can start the quiz (within its open and close times)."""
    confirmed = EmptyForm().validate_on_submit()
    problems = quiz_pages.publish_quiz(
        current_user.id, quiz_id, True if confirmed else None, now=utcnow()
    )
    for problem in problems:
        flash(problem, "error")
    if confirmed and not problems:
        flash("Published: the class can take it now.", "success")
    return redirect(url_for("teacher.quiz_page", quiz_id=quiz_id))


@blueprint.post("/quizzes/<int:quiz_id>/unpublish")
def unpublish(quiz_id: int) -> Response:
    """Back to draft: no new attempts; attempts in progress can still be finished."""
    confirmed = EmptyForm().validate_on_submit()
    quiz_pages.publish_quiz(current_user.id, quiz_id, False if confirmed else None, now=utcnow())
    if confirmed:
        flash("Unpublished: students can no longer start it.", "success")
    return redirect(url_for("teacher.quiz_page", quiz_id=quiz_id))


@blueprint.get("/quizzes/<int:quiz_id>/attempts/<int:attempt_id>")
def attempt_review(quiz_id: int, attempt_id: int) -> str:
    """One learner's attempt, question by question, as the learner's review shows it."""
    page = quiz_pages.attempt_review(current_user.id, quiz_id, attempt_id)
    return render_template("teacher/attempt.html", page=page)
