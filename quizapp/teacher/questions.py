"""The question bank for teachers: browse, write, edit, preview, retire, restore, delete.

The bank is shared: any teacher may edit any question, and the question's history records
who wrote, edited, retired and restored it. A retire or delete that an open published quiz
depends on is refused by the service, with the quiz named.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from quizapp.clock import utcnow
from quizapp.forms import EmptyForm
from quizapp.security import safe_next_path
from quizapp.services import bank_browser, question_authoring, question_editor
from quizapp.services.articles import ArticleChoice
from quizapp.services.errors import AuthoringError, NotFound
from quizapp.services.question_editor import (
    EditableQuestion,
    ImageUpload,
    QuestionDraft,
    QuestionWrite,
)
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


def _back(default: str) -> str:
    return safe_next_path(request.form.get("next") or request.args.get("next")) or default


# ---------------------------------------------------------------------------- browsing


@blueprint.get("/questions")
def questions() -> str:
    """The bank browser: filter by article, section, type, difficulty, tag, health, prompt."""
    filters = BankFilterForm(formdata=request.args)
    # Ids are not checked against the choices: an unknown one simply matches nothing.
    filters.article.validate_choice = filters.section.validate_choice = False
    page = bank_browser.bank_page(per_page=PER_PAGE, **filters.filters())
    filters.set_articles(page.articles)
    return render_template(
        "teacher/questions/index.html",
        page=page,
        filters=filters,
        type_labels=TYPE_LABELS,
        query={k: v for k, v in request.args.items() if k not in ("page", "submit") and v},
    )


# ------------------------------------------------------------------------------ writing


def _int_or_none(value: str | None) -> int | None:
    try:
        return None if value is None else int(value)
    except ValueError:
        return None


class _FormReader:
    """Builds the question form once the use case knows the article (and the question
    edited), and reads the teacher's draft from it; keeps the form to render it."""

    def __init__(self, form_class: type[QuestionForm] | None = None) -> None:
        self.form_class = form_class
        self.form: QuestionForm | None = None

    def __call__(
        self, article: ArticleChoice, editable: EditableQuestion | None
    ) -> QuestionDraft | None:
        form_class = self.form_class
        if form_class is None and editable is not None:
            form_class = QUESTION_FORMS[editable.question.type_name]
        assert form_class is not None  # a new question's type was chosen before
        data = None
        if editable is not None and request.method == "GET":
            data = form_class.prefill(
                editable.question, editable.section_id, editable.current_version_number
            )
        # On POST the submitted values fill the form; the stored ones only prefill a GET.
        self.form = form = form_class(data=data)
        form.set_sections(article.sections)
        if request.method == "GET" or form.apply_entry_buttons():
            return None
        form.validate_on_submit()
        image = form.image.data
        return QuestionDraft(
            mapping=form.to_mapping(editable.bank_id) if editable else form.to_mapping(),
            section_id=form.section.data,
            based_on_version=_int_or_none(form.based_on_version.data) if editable else None,
            form_ok=not form.errors,
            image=ImageUpload(image.read(), form.image_alt.data or "") if image else None,
        )


@blueprint.route("/questions/new", methods=["GET", "POST"])
def new_question() -> str | Response | tuple[str, int]:
    """Choose a type and article (step one), then write the question in that type's form."""
    chooser = ChooseTypeForm(formdata=request.args or None)
    form_class = QUESTION_FORMS.get(request.args.get("type", ""))
    reader = _FormReader(form_class) if form_class is not None else None
    write = question_editor.write_question(
        reader,
        author_id=current_user.id,
        now=utcnow(),
        article_id=chooser.article.data,
        sole_article="article" not in request.args,
    )
    if reader is None or reader.form is None:
        chooser.set_articles(write.articles)
        if write.article is not None:
            chooser.article.data = write.article.id
        # Only a chosen type means "Continue" was pressed; a link may preselect the article.
        continued = "type" in request.args
        if continued:
            chooser.validate()
        return render_template(
            "teacher/questions/choose_type.html", chooser=chooser, articles=write.articles
        ), (400 if continued else 200)
    return _form_page(reader.form, write)


@blueprint.route("/questions/<int:question_id>/edit", methods=["GET", "POST"])
def edit_question(question_id: int) -> str | Response | tuple[str, int]:
    """Edit a question; a save that changes it adds a version written by this teacher."""
    reader = _FormReader()
    try:
        write = question_editor.write_question(
            reader, author_id=current_user.id, now=utcnow(), question_id=question_id
        )
    except NotFound as missing:
        abort(404, description=missing.message)
    assert reader.form is not None  # an edited question always has its article
    return _form_page(reader.form, write)


def _form_page(form: QuestionForm, write: QuestionWrite) -> str | Response | tuple[str, int]:
    """Redirect after a save, or show the form with what stopped it."""
    saved = write.saved
    if saved is not None:
        if write.editable is None:
            flash(f"Question saved as “{saved.bank_id}”.", "success")
        elif saved.unchanged:
            number = saved.version_number
            flash(f"Nothing changed; the question is still version {number}.", "success")
        else:
            flash(f"Saved as version {saved.version_number}.", "success")
        return redirect(url_for("teacher.edit_question", question_id=saved.id))
    show_problems(form, write.problems)
    form.general_errors.extend(write.errors)
    if write.errors and write.editable is not None:
        # Saving again means saving over the version now current.
        form.based_on_version.data = str(write.editable.current_version_number)
    return render_template(
        "teacher/questions/form.html",
        form=form,
        article=write.article,
        editable=write.editable,
        type_label=TYPE_LABELS.get(form.type_name, form.type_name),
    ), (400 if write.submitted else 200)


@blueprint.get("/questions/<int:question_id>/preview")
def preview_question(question_id: int) -> str:
    """The question exactly as a student sees it, then its answer key."""
    try:
        preview = question_editor.question_preview(question_id)
    except NotFound as missing:
        abort(404, description=missing.message)
    question = preview.editable.question
    return render_template(
        "teacher/questions/preview.html",
        editable=preview.editable,
        item=preview.item,
        type_label=TYPE_LABELS.get(question.type_name, question.type_name),
    )


# ------------------------------------------------------------- retire, restore, delete


def _require_post_form() -> None:
    if not EmptyForm().validate_on_submit():
        abort(400, description="The form expired; please try again.")


@blueprint.post("/questions/<int:question_id>/retire")
def retire_question(question_id: int) -> Response:
    """Stop drawing the question into new attempts; attempts that have it keep it."""
    _require_post_form()
    try:
        question_authoring.retire_question(question_id, actor_id=current_user.id, now=utcnow())
    except NotFound as missing:
        abort(404, description=missing.message)
    except AuthoringError as error:
        flash(str(error), "error")
    else:
        flash("Question retired: new quizzes no longer draw it.", "success")
    return redirect(_back(url_for("teacher.edit_question", question_id=question_id)))


@blueprint.post("/questions/<int:question_id>/restore")
def restore_question(question_id: int) -> Response:
    """Let new attempts draw a retired question again."""
    _require_post_form()
    try:
        question_authoring.restore_question(question_id, actor_id=current_user.id, now=utcnow())
    except NotFound as missing:
        abort(404, description=missing.message)
    flash("Question restored: new quizzes may draw it again.", "success")
    return redirect(_back(url_for("teacher.edit_question", question_id=question_id)))


@blueprint.post("/questions/<int:question_id>/delete")
def delete_question(question_id: int) -> Response:
    """Delete a question no attempt ever drew and no open quiz needs; else say why not."""
    _require_post_form()
    try:
        deleted = question_authoring.delete_question(
            question_id, actor_id=current_user.id, now=utcnow()
        )
    except NotFound as missing:
        abort(404, description=missing.message)
    except AuthoringError as error:
        flash(str(error), "error")
        return redirect(url_for("teacher.edit_question", question_id=question_id))
    flash(f"Question “{deleted.bank_id}” deleted.", "success")
    return redirect(url_for("teacher.questions", article=deleted.article_id))
