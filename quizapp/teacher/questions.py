"""The question bank for teachers: browse, write, edit, preview, retire, restore, delete.

The bank is shared: any teacher may edit any question, and every version records who
wrote it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from quizapp.clock import utcnow
from quizapp.domain.questions import QuestionInvalid
from quizapp.forms import EmptyForm
from quizapp.models import Article
from quizapp.security import safe_next_path
from quizapp.services import authoring
from quizapp.services.authoring import AuthoringError, EditableQuestion
from quizapp.teacher import blueprint
from quizapp.teacher.question_forms import (
    QUESTION_FORMS,
    TYPE_LABELS,
    BankFilterForm,
    ChooseTypeForm,
    QuestionForm,
    show_problems,
)

PER_PAGE = 20


def get_question_or_404(question_id: int) -> EditableQuestion:
    """Any question of the shared bank (every teacher may edit every question)."""
    editable = authoring.question_for_edit(question_id)
    if editable is None:
        abort(404, description="There is no such question in the bank.")
    return editable


def _back(default: str) -> str:
    return safe_next_path(request.form.get("next") or request.args.get("next")) or default


# ---------------------------------------------------------------------------- browsing


@blueprint.get("/questions")
def questions() -> str:
    """The bank browser: filter by article, section, type, difficulty, tag, health, prompt."""
    filters = BankFilterForm(formdata=request.args)
    # Ids are not checked against the choices: an unknown one simply matches nothing.
    filters.article.validate_choice = filters.section.validate_choice = False
    page = authoring.bank_page(per_page=PER_PAGE, **filters.filters())
    filters.set_articles(page.articles)
    return render_template(
        "teacher/questions/index.html",
        page=page,
        filters=filters,
        type_labels=TYPE_LABELS,
        query={k: v for k, v in request.args.items() if k not in ("page", "submit") and v},
    )


# ------------------------------------------------------------------------------ writing


@dataclass
class _BankOrder:
    display_order: list[int] | None = None


@dataclass
class PreviewItem:
    """What the student answer macros need: the question, no answer, bank order."""

    question: Any
    answer: object = None
    row: _BankOrder = field(default_factory=_BankOrder)


def _int_or_none(value: object) -> int | None:
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None


@blueprint.route("/questions/new", methods=["GET", "POST"])
def new_question() -> str | Response | tuple[str, int]:
    """Choose a type and article (step one), then write the question in that type's form."""
    articles = authoring.articles_with_sections()
    chooser = ChooseTypeForm(formdata=request.args or None)
    chooser.set_articles(articles)
    if "article" not in request.args and len(articles) == 1:
        chooser.article.data = articles[0].id
    form_class = QUESTION_FORMS.get(request.args.get("type", ""))
    article = next((a for a in articles if a.id == chooser.article.data), None)
    if form_class is None or article is None:
        # Only a chosen type means "Continue" was pressed; a link may preselect the article.
        continued = "type" in request.args
        if continued:
            chooser.validate()
        return render_template(
            "teacher/questions/choose_type.html", chooser=chooser, articles=articles
        ), (400 if continued else 200)
    form = form_class()
    form.set_sections(article.sections)
    return _write(form, article, editable=None)


@blueprint.route("/questions/<int:question_id>/edit", methods=["GET", "POST"])
def edit_question(question_id: int) -> str | Response | tuple[str, int]:
    """Edit a question; a save that changes it adds a version written by this teacher."""
    editable = get_question_or_404(question_id)
    form_class = QUESTION_FORMS[editable.question.type_name]
    data = form_class.prefill(
        editable.question, editable.row.section_id, editable.row.current_version_number
    )
    # On POST the submitted values fill the form; the stored ones only prefill a GET.
    form = form_class(data=data if request.method == "GET" else None)
    form.set_sections(editable.row.section.article.sections)
    return _write(form, editable.row.section.article, editable=editable)


def _write(
    form: QuestionForm, article: Article, editable: EditableQuestion | None
) -> str | Response | tuple[str, int]:
    """Show the form; on POST apply an add/remove button or check and save."""
    if request.method == "GET" or form.apply_entry_buttons():
        return _render_form(form, article, editable)
    form.validate_on_submit()
    mapping = form.to_mapping(editable.row.bank_id) if editable else form.to_mapping()
    try:
        question = authoring.check_question(
            mapping, article_id=article.id, section_id=form.section.data
        )
        if form.errors:
            return _render_form(form, article, editable, status=400)
        based_on = _int_or_none(form.based_on_version.data) if editable else None
        row = authoring.save_question(
            article_id=article.id,
            section_id=form.section.data,
            question=question,
            author_id=current_user.id,
            now=utcnow(),
            question_id=editable.row.id if editable else None,
            based_on_version=based_on,
        )
    except QuestionInvalid as invalid:
        show_problems(form, invalid.problems)
    except AuthoringError as error:
        form.general_errors.extend(error.problems)
        if editable is not None:
            # Saving again means saving over the version now current.
            fresh = get_question_or_404(editable.row.id)
            form.based_on_version.data = str(fresh.row.current_version_number)
            editable = fresh
    else:
        number = row.current_version_number
        if editable is None:
            flash(f"Question saved as “{row.bank_id}”.", "success")
        elif number == based_on:
            flash(f"Nothing changed; the question is still version {number}.", "success")
        else:
            flash(f"Saved as version {number}.", "success")
        return redirect(url_for("teacher.edit_question", question_id=row.id))
    return _render_form(form, article, editable, status=400)


def _render_form(
    form: QuestionForm, article: Article, editable: EditableQuestion | None, status: int = 200
) -> tuple[str, int]:
    return render_template(
        "teacher/questions/form.html",
        form=form,
        article=article,
        editable=editable,
        type_label=TYPE_LABELS.get(form.type_name, form.type_name),
    ), status


@blueprint.get("/questions/<int:question_id>/preview")
def preview_question(question_id: int) -> str:
    """The question exactly as a student sees it, then its answer key."""
    editable = get_question_or_404(question_id)
    return render_template(
        "teacher/questions/preview.html",
        editable=editable,
        item=PreviewItem(question=editable.question),
        type_label=TYPE_LABELS.get(editable.question.type_name, editable.question.type_name),
    )


# ------------------------------------------------------------- retire, restore, delete


def _require_post_form() -> None:
    if not EmptyForm().validate_on_submit():
        abort(400, description="The form expired; please try again.")


@blueprint.post("/questions/<int:question_id>/retire")
def retire_question(question_id: int) -> Response:
    """Stop drawing the question into new attempts; attempts that have it keep it."""
    _require_post_form()
    editable = get_question_or_404(question_id)
    authoring.retire_question(editable.row.id, now=utcnow())
    flash("Question retired: new quizzes no longer draw it.", "success")
    return redirect(_back(url_for("teacher.edit_question", question_id=question_id)))


@blueprint.post("/questions/<int:question_id>/restore")
def restore_question(question_id: int) -> Response:
    """Let new attempts draw a retired question again."""
    _require_post_form()
    editable = get_question_or_404(question_id)
    authoring.restore_question(editable.row.id)
    flash("Question restored: new quizzes may draw it again.", "success")
    return redirect(_back(url_for("teacher.edit_question", question_id=question_id)))


@blueprint.post("/questions/<int:question_id>/delete")
def delete_question(question_id: int) -> Response:
    """Delete a question no attempt ever drew; otherwise say to retire it."""
    _require_post_form()
    editable = get_question_or_404(question_id)
    try:
        authoring.delete_question(editable.row.id)
    except AuthoringError as error:
        flash(str(error), "error")
        return redirect(url_for("teacher.edit_question", question_id=question_id))
    flash(f"Question “{editable.row.bank_id}” deleted.", "success")
    return redirect(url_for("teacher.questions", article=editable.row.article_id))
