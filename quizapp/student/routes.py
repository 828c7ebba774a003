"""Student routes: thin views over the attempts, practice and progress services."""

from __future__ import annotations

import datetime as dt

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response as WerkzeugResponse

from quizapp.clock import utcnow
from quizapp.domain.answers import AnswerRejected, describe_answer, describe_key, read_answer
from quizapp.domain.progress import outcome
from quizapp.extensions import db
from quizapp.models import Article, Attempt, AttemptState, Quiz
from quizapp.security import student_required
from quizapp.services import attempts as attempt_service
from quizapp.services.attempts import AnswerLocked, AttemptError, DrawnQuestion
from quizapp.services.classes import ClassError, join_class
from quizapp.services.dashboard import student_dashboard
from quizapp.services.practice import start_practice
from quizapp.services.progress import attempt_history, due_count, student_progress
from quizapp.student.forms import JoinClassForm, PracticeForm, StartQuizForm, SubmitAttemptForm

blueprint = Blueprint("student", __name__, url_prefix="/student")
# The feedback macro describes answers through these, whatever the question type.
blueprint.add_app_template_global(describe_answer, "describe_answer")
blueprint.add_app_template_global(describe_key, "describe_key")
blueprint.add_app_template_global(outcome, "outcome_of")


@blueprint.before_request
@student_required
def _students_only() -> None:
    """Every route here is for logged-in students."""


def _grace() -> dt.timedelta:
    return dt.timedelta(seconds=current_app.config["ANSWER_GRACE_SECONDS"])


def _attempt_or_404(attempt_id: int) -> Attempt:
    attempt = attempt_service.get_student_attempt(
        attempt_id, current_user.id, now=utcnow(), grace=_grace()
    )
    if attempt is None:
        abort(404, description="There is no such attempt among yours.")
    return attempt


def _practice_form() -> PracticeForm:
    form = PracticeForm()
    articles = db.session.execute(
        db.select(Article).options(selectinload(Article.sections)).order_by(Article.title)
    ).scalars()
    form.set_sections(list(articles))
    return form


# ----------------------------------------------------------------------------- dashboard


@blueprint.get("/")
def dashboard() -> tuple[str, int]:
    """Due reviews, classes, quizzes to take, practice, recent results."""
    return _render_dashboard(JoinClassForm(), _practice_form())


def _render_dashboard(
    join_form: JoinClassForm, practice_form: PracticeForm, status: int = 200
) -> tuple[str, int]:
    data = student_dashboard(current_user.id, now=utcnow(), grace=_grace())
    return (
        render_template(
            "student/dashboard.html",
            dashboard=data,
            join_form=join_form,
            practice_form=practice_form,
            start_form=StartQuizForm(),
        ),
        status,
    )


@blueprint.post("/classes/join")
def join() -> WerkzeugResponse | tuple[str, int]:
    """Join a class with its code."""
    form = JoinClassForm()
    if form.validate_on_submit():
        try:
            school_class = join_class(current_user, form.code.data or "", now=utcnow())
        except ClassError as error:
            form.code.errors.append(str(error))
        else:
            flash(f"You joined {school_class.name}.", "success")
            return redirect(url_for("student.dashboard"))
    return _render_dashboard(form, _practice_form(), status=400)


@blueprint.post("/practice")
def practice() -> WerkzeugResponse | tuple[str, int]:
    """Start a practice attempt on a section (or a whole article)."""
    form = _practice_form()
    if form.validate_on_submit():
        kind, _, raw_id = (form.section.data or "").partition("-")
        try:
            attempt = start_practice(
                current_user.id,
                article_id=int(raw_id) if kind == "article" else None,
                section_id=int(raw_id) if kind == "section" else None,
                question_count=form.question_count.data or 0,
                now=utcnow(),
                grace=_grace(),
            )
        except AttemptError as error:
            form.question_count.errors.append(str(error))
        else:
            return redirect(url_for("student.question", attempt_id=attempt.id, position=1))
    return _render_dashboard(JoinClassForm(formdata=None), form, status=400)


@blueprint.post("/quizzes/<int:quiz_id>/start")
def start_quiz(quiz_id: int) -> WerkzeugResponse:
    """Start (or resume) an attempt at one of the class's quizzes."""
    if not StartQuizForm().validate_on_submit():
        abort(400, description="The form expired; please try again.")
    quiz = db.get_or_404(Quiz, quiz_id)
    try:
        attempt = attempt_service.start_attempt(quiz, current_user.id, now=utcnow(), grace=_grace())
    except AttemptError as error:
        flash(str(error), "error")
        return redirect(url_for("student.dashboard"))
    return redirect(url_for("student.question", attempt_id=attempt.id, position=1))


# ------------------------------------------------------------------------------ attempts


def _closed_message(attempt: Attempt) -> str:
    """Why an answer sent to a submitted attempt was not saved."""
    if attempt.submitted_automatically:
        return (
            "Time is up: this answer arrived after the deadline and was not saved. Your "
            "attempt was submitted with the answers saved before then."
        )
    return "This attempt was already submitted; your last change was not saved."


def _item_at(items: list[DrawnQuestion], position: int) -> DrawnQuestion:
    if not 1 <= position <= len(items):
        abort(404, description=f"This attempt has questions 1 to {len(items)}.")
    return items[position - 1]


def _render_question(
    attempt: Attempt,
    items: list[DrawnQuestion],
    item: DrawnQuestion,
    error: str | None = None,
    status: int = 200,
) -> tuple[str, int]:
    return (
        render_template(
            "student/question.html",
            attempt=attempt,
            items=items,
            item=item,
            error=error,
            feedback=attempt_service.feedback_visible(attempt, item),
            answered=attempt_service.answered_positions(items),
            now=utcnow(),
        ),
        status,
    )


@blueprint.route("/attempts/<int:attempt_id>/questions/<int:position>", methods=["GET", "POST"])
def question(attempt_id: int, position: int) -> WerkzeugResponse | tuple[str, int]:
    """One question per page; POST saves the answer, then moves where the learner asked."""
    attempt = _attempt_or_404(attempt_id)
    if attempt.state is AttemptState.SUBMITTED:
        if request.method == "POST":
            flash(_closed_message(attempt), "error")
        return redirect(url_for("student.result", attempt_id=attempt.id))
    items = attempt_service.drawn_questions(attempt)
    item = _item_at(items, position)
    if request.method == "GET":
        return _render_question(attempt, items, item)

    action = request.form.get("action", "next")
    if not item.is_final:
        try:
            answer = read_answer(item.question, request.form.to_dict(flat=False))
            attempt_service.save_answer(
                attempt, item, answer, now=utcnow(), grace=_grace(), check=action == "check"
            )
        except AnswerRejected as error:
            return _render_question(attempt, items, item, error=str(error), status=400)
        except AttemptError as error:
            flash(str(error), "error")
            return redirect(url_for("student.result", attempt_id=attempt.id))
    return redirect(_destination(attempt, position, len(items), action))


def _destination(attempt: Attempt, position: int, total: int, action: str) -> str:
    if action == "check":
        return url_for("student.question", attempt_id=attempt.id, position=position)
    if action == "previous":
        target = max(1, position - 1)
    elif action.startswith("goto-") and action[5:].isdigit():
        target = min(max(1, int(action[5:])), total)
    elif action == "finish" or position >= total:
        return url_for("student.confirm_submit", attempt_id=attempt.id)
    else:
        target = position + 1
    return url_for("student.question", attempt_id=attempt.id, position=target)


@blueprint.post("/attempts/<int:attempt_id>/questions/<int:position>/autosave")
def autosave(attempt_id: int, position: int) -> tuple[WerkzeugResponse, int]:
    """Save an answer as it changes (JavaScript); the CSRF token comes in a header."""
    attempt = _attempt_or_404(attempt_id)
    result_url = url_for("student.result", attempt_id=attempt.id)
    if attempt.state is AttemptState.SUBMITTED:
        return jsonify(message=_closed_message(attempt), redirect=result_url), 409
    item = _item_at(attempt_service.drawn_questions(attempt), position)
    if item.is_final:
        return jsonify(message="This answer is final and can no longer change."), 409
    try:
        answer = read_answer(item.question, request.form.to_dict(flat=False))
        response = attempt_service.save_answer(attempt, item, answer, now=utcnow(), grace=_grace())
    except AnswerRejected as error:
        return jsonify(message=str(error)), 400
    except AnswerLocked as error:
        return jsonify(message=str(error)), 409
    except AttemptError as error:
        return jsonify(message=str(error), redirect=result_url), 409
    return jsonify(status="saved", saved_at=response.saved_at.isoformat()), 200


@blueprint.route("/attempts/<int:attempt_id>/submit", methods=["GET", "POST"])
def confirm_submit(attempt_id: int) -> WerkzeugResponse | str:
    """Confirm, showing what is unanswered; POST submits (twice grades once)."""
    attempt = _attempt_or_404(attempt_id)
    form = SubmitAttemptForm()
    if attempt.state is AttemptState.IN_PROGRESS and form.validate_on_submit():
        attempt_service.submit_attempt(attempt, now=utcnow())
    if attempt.state is AttemptState.SUBMITTED:
        return redirect(url_for("student.result", attempt_id=attempt.id))
    items = attempt_service.drawn_questions(attempt)
    return render_template(
        "student/submit.html",
        attempt=attempt,
        items=items,
        unanswered=attempt_service.unanswered_positions(items),
        form=form,
    )


@blueprint.get("/attempts/<int:attempt_id>")
def result(attempt_id: int) -> WerkzeugResponse | str:
    """Score and per-question review once the attempt is submitted."""
    attempt = _attempt_or_404(attempt_id)
    now = utcnow()
    if (
        attempt.state is AttemptState.IN_PROGRESS
        and attempt.deadline_at
        and now >= attempt.deadline_at
    ):
        # The learner's own page asks for the result when their countdown ends.
        attempt_service.submit_attempt(attempt, now=now, automatically=True)
    if attempt.state is AttemptState.IN_PROGRESS:
        return redirect(url_for("student.question", attempt_id=attempt.id, position=1))
    return render_template(
        "student/result.html", attempt=attempt, items=attempt_service.drawn_questions(attempt)
    )


@blueprint.get("/progress")
def progress() -> str:
    """Mastery by section, reviews due, and the history of attempts."""
    now = utcnow()
    articles = student_progress(current_user.id, now=now)
    return render_template(
        "student/progress.html",
        articles=articles,
        history=attempt_history(current_user.id),
        due=due_count(current_user.id, now=now),
    )
