"""Importing question files: upload, preview every question and every error, confirm."""

from __future__ import annotations

import io

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from werkzeug.datastructures import FileStorage
from werkzeug.wrappers import Response
from wtforms import HiddenField, RadioField, SelectField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired

from quizapp.clock import utcnow
from quizapp.services import import_pages
from quizapp.services.import_pages import ImportDone, ImportPage, ImportUpload, SectionChoice
from quizapp.services.interchange import IMPORT_FORMATS, MAX_QUESTIONS_PER_IMPORT
from quizapp.teacher import blueprint

ALL_OR_NOTHING = "all"
SKIP_PROBLEMS = "skip"


class UploadForm(FlaskForm):
    """The file, where its questions go, and what to do with questions that have problems."""

    file = FileField("Question file", validators=[FileRequired("Choose a file to import.")])
    format_name = SelectField(
        "Format", choices={key: fmt.label for key, fmt in IMPORT_FORMATS.items()}
    )
    # The use case checks the section exists (the choices come from it).
    section_id = SelectField("Section", validators=[DataRequired()], validate_choice=False)
    mode = RadioField(
        "Questions with problems",
        choices=[
            SelectChoice(
                ALL_OR_NOTHING, "All or nothing: import nothing if any question has a problem"
            ),
            SelectChoice(
                SKIP_PROBLEMS, "Import what can be imported: skip those questions, listed"
            ),
        ],
        default=ALL_OR_NOTHING,
    )
    submit = SubmitField("Preview")

    def set_sections(self, sections: tuple[SectionChoice, ...]) -> None:
        self.section_id.choices = [
            SelectChoice(s.value, s.label, optgroup=s.article_title) for s in sections
        ]


class ConfirmForm(FlaskForm):
    """The previewed upload, kept on the server: the page carries only its number."""

    pending_id = HiddenField(validators=[DataRequired()])
    submit = SubmitField("Import questions")


def _upload(form: UploadForm) -> ImportUpload:
    upload = form.file.data
    # Measure before reading, so an oversized file is refused with its real size.
    upload.stream.seek(0, io.SEEK_END)
    size = upload.stream.tell()
    upload.stream.seek(0)
    return ImportUpload(
        upload.filename or "upload",
        form.format_name.data,
        form.section_id.data or "",
        size,
        upload.read,
        skip_problems=form.mode.data == SKIP_PROBLEMS,
    )


def _close_upload(form: UploadForm) -> None:
    # A big upload is spooled to a temporary file: close it now the file has been read.
    if isinstance(form.file.data, FileStorage):
        form.file.data.close()


def _upload_page(form: UploadForm, page: ImportPage) -> tuple[str, int]:
    form.set_sections(page.sections)
    if page.section_error:
        form.section_id.errors.append(page.section_error)
    if page.file_error:
        form.file.errors = [page.file_error]
    html = render_template(
        "teacher/import/upload.html",
        form=form,
        page=page,
        max_questions=MAX_QUESTIONS_PER_IMPORT,
    )
    return html, 400 if form.is_submitted() else 200


@blueprint.route("/import", methods=["GET", "POST"])
def import_upload() -> str | tuple[str, int]:
    """Upload a GIFT, Moodle XML or Aiken file and preview what it holds."""
    form = UploadForm()
    page = import_pages.preview_import(
        _upload(form) if form.validate_on_submit() else None,
        owner_id=current_user.id,
        now=utcnow(),
        max_bytes=current_app.config["IMPORT_MAX_BYTES"],
    )
    _close_upload(form)
    if isinstance(page, ImportPage):
        return _upload_page(form, page)
    confirm = ConfirmForm(formdata=None, pending_id=str(page.pending_id))
    return render_template("teacher/import/preview.html", form=confirm, preview=page)


@blueprint.post("/import/confirm")
def import_confirm() -> Response | tuple[str, int]:
    """Save the previewed questions (those that can be, if the teacher chose so)."""
    form = ConfirmForm()
    pending_id = form.pending_id.data or ""
    if not form.validate_on_submit() or not pending_id.isdigit():
        abort(400, description="The preview expired; upload the file again.")
    done = import_pages.confirm_import(
        int(pending_id),
        owner_id=current_user.id,
        now=utcnow(),
        max_bytes=current_app.config["IMPORT_MAX_BYTES"],
    )
    if not isinstance(done, ImportDone):
        return _upload_page(UploadForm(formdata=None), done)[0], 400
    flash(done_message(done), "success")
    return redirect(url_for("teacher.questions", article=done.article_id, section=done.section_id))


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def done_message(done: ImportDone) -> str:
    """What the import did, in one line for the bank page."""
    parts = [f"Imported {_plural(done.added, 'question')}"]
    if done.new_versions:
        parts.append(f"{_plural(done.new_versions, 'new version')} of questions already there")
    message = " and ".join(parts) + f" into '{done.section_title}'."
    if done.unchanged:
        message += (
            f" {_plural(done.unchanged, 'question')} already there unchanged: not imported again."
        )
    if done.skipped:
        message += f" {_plural(done.skipped, 'question')} skipped (problems listed in the preview)."
    if done.added:
        message += (
            " Add an evidence quote to each new question: until then the bank flags them "
            "with “no evidence”."
        )
    return message
