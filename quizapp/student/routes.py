"""Student routes: each parses the request, asks one use case and renders what it returns."""

from __future__ import annotations

import datetime as dt

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user, logout_user
from werkzeug.exceptions import NotFound as HTTPNotFound
from werkzeug.wrappers import Response as WerkzeugResponse

from quizapp.clock import utcnow
from quizapp.domain.answers import answer_feedback, describe_answer, describe_key
from quizapp.domain.progress import outcome
from quizapp.downloads import attachment
from quizapp.security import student_required
from quizapp.services import attempt_pages
from quizapp.services.attempt_views import (
    AnswerFinal,
    AnswerRefused,
    AttemptClosed,
    AttemptStarted,
    NothingSent,
    QuestionPage,
)
from quizapp.services.dashboard import (
    DashboardAgain,
    StudentDashboard,
    join_class_by_code,
    practise,
    student_dashboard,
)
from quizapp.services.errors import NotFound
from quizapp.services.progress import progress_page
from quizapp.services.student_data import (
    student_answers_csv,
    student_data_json,
    student_data_page,
)
from quizapp.services.student_deletion import DeletionRefused, delete_student_account
from quizapp.student.forms import (
    DeleteAccountForm,
    JoinClassForm,
    PracticeForm,
    StartQuizForm,
    SubmitAttemptForm,
)
from quizapp.student.navigator import navigator_buttons

# The bodies a page sends (autosave sends the form URL-encoded).
FORM_BODIES = ("application/x-www-form-urlencoded", "multipart/form-data")

blueprint = Blueprint("student", __name__, url_prefix="/student")
# The feedback macro describes answers through these, whatever the question type.
blueprint.add_app_template_global(describe_answer, "describe_answer")
blueprint.add_app_template_global(describe_key, "describe_key")
blueprint.add_app_template_global(answer_feedback, "answer_feedback")
blueprint.add_app_template_global(outcome, "outcome_of")
blueprint.add_app_template_global(navigator_buttons, "navigator_buttons")


@blueprint.before_request
@student_required
def _students_only() -> None:
    """Every route here is for logged-in students."""


@blueprint.errorhandler(NotFound)
def _not_found(error: NotFound) -> ResponseReturnValue:
    # Someone else's attempt, or a position past the last question: the usual 404 page.
    return current_app.handle_http_exception(HTTPNotFound(description=str(error)))


def _grace() -> dt.timedelta:
    return dt.timedelta(seconds=current_app.config["ANSWER_GRACE_SECONDS"])


# ----------------------------------------------------------------------------- dashboard


@blueprint.get("/")
def dashboard() -> tuple[str, int]:
    """Due reviews, classes, quizzes to take, practice, recent results."""
    data = student_dashboard(current_user.id, now=utcnow(), grace=_grace())
    return _render_dashboard(data, JoinClassForm(), PracticeForm())


def _render_dashboard(
    data: StudentDashboard,
    join_form: JoinClassForm,
    practice_form: PracticeForm,
    status: int = 200,
) -> tuple[str, int]:
    practice_form.set_choices(data.practice_choices)
    page = render_template(
        "student/dashboard.html",
        dashboard=data,
        join_form=join_form,
        practice_form=practice_form,
        start_form=StartQuizForm(),
    )
    return page, status


def _dashboard_again(
    again: DashboardAgain, join_form: JoinClassForm, practice_form: PracticeForm
) -> tuple[str, int]:
    """The dashboard again (400), the failed form's problem next to its field."""
    form = join_form if again.field == "code" else practice_form
    if again.field and again.message:
        getattr(form, again.field).errors.append(again.message)
    return _render_dashboard(again.dashboard, join_form, practice_form, status=400)


@blueprint.post("/classes/join")
def join() -> WerkzeugResponse | tuple[str, int]:
    """Join a class with its code."""
    form = JoinClassForm()
    code = (form.code.data or "") if form.validate_on_submit() else None
    joined = join_class_by_code(current_user.id, code, now=utcnow(), grace=_grace())
    if isinstance(joined, DashboardAgain):
        return _dashboard_again(joined, form, PracticeForm(formdata=None))
    flash(f"You joined {joined.class_name}.", "success")
    return redirect(url_for("student.dashboard"))


@blueprint.post("/practice")
def practice() -> WerkzeugResponse | tuple[str, int]:
    """Start a practice attempt on a section (or a whole article)."""
    form = PracticeForm()
    choice = (form.section.data or "") if form.validate_on_submit() else None
    started = practise(
        current_user.id,
        choice,
        form.question_count.data or 0,
        now=utcnow(),
        grace=_grace(),
    )
    if isinstance(started, DashboardAgain):
        return _dashboard_again(started, JoinClassForm(formdata=None), form)
    return redirect(url_for("student.question", attempt_id=started.attempt_id, position=1))


@blueprint.post("/quizzes/<int:quiz_id>/start")
def start_quiz(quiz_id: int) -> WerkzeugResponse:
    """Start (or resume) an attempt at one of the class's quizzes."""
    if not StartQuizForm().validate_on_submit():
        abort(400, description="The form expired; please try again.")
    started = attempt_pages.start_quiz(quiz_id, current_user.id, now=utcnow(), grace=_grace())
    if not isinstance(started, AttemptStarted):
        flash(started.message, "error")
        return redirect(url_for("student.dashboard"))
    return redirect(url_for("student.question", attempt_id=started.attempt_id, position=1))


# ------------------------------------------------------------------------------ attempts


def _render_question(page: QuestionPage, status: int = 200) -> tuple[str, int]:
    return render_template("student/question.html", page=page), status


def _result_url(attempt_id: int) -> str:
    return url_for("student.result", attempt_id=attempt_id)


@blueprint.get("/attempts/<int:attempt_id>/questions/<int:position>")
def question(attempt_id: int, position: int) -> WerkzeugResponse | tuple[str, int]:
    """One question per page."""
    page = attempt_pages.question_page(
        attempt_id, current_user.id, position, now=utcnow(), grace=_grace()
    )
    if isinstance(page, AttemptClosed):
        return redirect(_result_url(attempt_id))
    return _render_question(page)


@blueprint.post("/attempts/<int:attempt_id>/questions/<int:position>")
def save(attempt_id: int, position: int) -> WerkzeugResponse | tuple[str, int]:
    """Save the answer, then move where the learner asked."""
    action = request.form.get("action", "next")
    saved = attempt_pages.answer_question(
        attempt_id,
        current_user.id,
        position,
        request.form.to_dict(flat=False),
        now=utcnow(),
        grace=_grace(),
        check=action == "check",
    )
    if isinstance(saved, AttemptClosed):
        flash(saved.message, "error")
        return redirect(_result_url(attempt_id))
    if isinstance(saved, AnswerRefused):
        return _render_question(saved.page, status=400)
    return redirect(_destination(attempt_id, position, saved.total, action))


def _destination(attempt_id: int, position: int, total: int, action: str) -> str:
    if action == "check":
        return url_for("student.question", attempt_id=attempt_id, position=position)
    if action == "previous":
        target = max(1, position - 1)
    elif action.startswith("goto-") and action[5:].isdigit():
        target = min(max(1, int(action[5:])), total)
    elif action == "finish" or position >= total:
        return url_for("student.confirm_submit", attempt_id=attempt_id)
    else:
        target = position + 1
    return url_for("student.question", attempt_id=attempt_id, position=target)


@blueprint.post("/attempts/<int:attempt_id>/questions/<int:position>/autosave")
def autosave(attempt_id: int, position: int) -> tuple[WerkzeugResponse, int]:
    """Save an answer as it changes (JavaScript); the CSRF token comes in a header."""
    if request.mimetype not in FORM_BODIES:
        # A JSON body would read as an empty form and erase the saved answer.
        return jsonify(message="Send the answer as form fields, as the page does."), 415
    saved = attempt_pages.answer_question(
        attempt_id,
        current_user.id,
        position,
        request.form.to_dict(flat=False),
        now=utcnow(),
        grace=_grace(),
    )
    if isinstance(saved, AttemptClosed):
        return jsonify(message=saved.message, redirect=_result_url(attempt_id)), 409
    if isinstance(saved, AnswerFinal):
        return jsonify(message=saved.message), 409
    if isinstance(saved, AnswerRefused | NothingSent):
        return jsonify(message=saved.message), 400
    return jsonify(status="saved", saved_at=saved.saved_at.isoformat()), 200


@blueprint.route("/attempts/<int:attempt_id>/submit", methods=["GET", "POST"])
def confirm_submit(attempt_id: int) -> WerkzeugResponse | str:
    """Confirm, showing what is unanswered; POST submits (twice grades once)."""
    form = SubmitAttemptForm()
    page = attempt_pages.submit_page(
        attempt_id,
        current_user.id,
        now=utcnow(),
        grace=_grace(),
        confirmed=form.validate_on_submit(),
    )
    if isinstance(page, AttemptClosed):
        return redirect(_result_url(attempt_id))
    return render_template("student/submit.html", page=page, form=form)


@blueprint.get("/attempts/<int:attempt_id>")
def result(attempt_id: int) -> WerkzeugResponse | str:
    """Score and per-question review once the attempt is submitted."""
    page = attempt_pages.result_page(attempt_id, current_user.id, now=utcnow(), grace=_grace())
    if page is None:
        return redirect(url_for("student.question", attempt_id=attempt_id, position=1))
    return render_template("student/result.html", page=page)


@blueprint.get("/progress")
def progress() -> str:
    """Mastery by section, reviews due, and the history of attempts."""
    page = progress_page(current_user.id, now=utcnow())
    return render_template("student/progress.html", page=page)


# ----------------------------------------------------------------------------- your data


@blueprint.get("/data")
def data() -> str:
    """Your data: the two downloads, and deleting the account."""
    page = student_data_page(current_user.id)
    return render_template("student/data.html", page=page, form=DeleteAccountForm())


@blueprint.get("/data.json")
def data_json() -> Response:
    """Everything about the student as one JSON file."""
    return attachment(student_data_json(current_user.id, now=utcnow()))


@blueprint.get("/data.csv")
def data_csv() -> Response:
    """The student's answers as a CSV file, one row per response."""
    return attachment(student_answers_csv(current_user.id, now=utcnow()))


@blueprint.post("/data/delete")
def delete_account() -> WerkzeugResponse | tuple[str, int]:
    """Delete the account once its email is typed; then log out for good."""
    form = DeleteAccountForm()
    typed = (form.email.data or "") if form.validate_on_submit() else None
    outcome = delete_student_account(current_user.id, typed, now=utcnow())
    if isinstance(outcome, DeletionRefused):
        if outcome.message:
            form.email.errors.append(outcome.message)
        return render_template("student/data.html", page=outcome.page, form=form), 400
    logout_user()
    session.clear()
    flash("Your account is deleted. You have been logged out.", "success")
    return redirect(url_for("articles.index"))
