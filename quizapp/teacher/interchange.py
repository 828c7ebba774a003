"""Importing question files: upload, preview every question and every error, confirm."""

from __future__ import annotations

import io

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from werkzeug.wrappers import Response
from wtforms import HiddenField, SelectField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired

from quizapp.clock import utcnow
from quizapp.services import interchange
from quizapp.services.interchange import (
    IMPORT_FORMATS,
    MAX_QUESTIONS_PER_IMPORT,
    ImportDone,
    ImportPage,
    ImportUpload,
    SectionChoice,
)
from quizapp.teacher import blueprint


class _TargetFields(FlaskForm):
    format_name = SelectField(
        "Format", choices={key: label for key, (label, _) in IMPORT_FORMATS.items()}
    )
    # The use case checks the section exists (the choices come from it).
    section_id = SelectField("Section", validators=[DataRequired()], validate_choice=False)

    def set_sections(self, sections: tuple[SectionChoice, ...]) -> None:
        self.section_id.choices = [
            SelectChoice(s.value, s.label, optgroup=s.article_title) for s in sections
        ]


class UploadForm(_TargetFields):
    """The file and where its questions go."""

    file = FileField("Question file", validators=[FileRequired("Choose a file to import.")])
    submit = SubmitField("Preview")


class ConfirmForm(_TargetFields):
    """The previewed file, carried to the confirmation."""

    content = HiddenField(validators=[DataRequired()])
    encoding = HiddenField()
    filename = HiddenField()
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
    )


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
    page = interchange.preview_import(
        _upload(form) if form.validate_on_submit() else None,
        max_bytes=current_app.config["IMPORT_MAX_BYTES"],
    )
    if isinstance(page, ImportPage):
        return _upload_page(form, page)
    confirm = ConfirmForm(
        formdata=None,
        format_name=form.format_name.data,
        section_id=form.section_id.data,
        content=page.content,
        encoding=page.encoding,
        filename=page.filename,
    )
    confirm.set_sections(page.sections)
    return render_template("teacher/import/preview.html", form=confirm, preview=page)


@blueprint.post("/import/confirm")
def import_confirm() -> Response | tuple[str, int]:
    """Save the previewed questions, all or nothing."""
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400, description="The preview expired; upload the file again.")
    done = interchange.confirm_import(
        form.section_id.data or "",
        form.filename.data or "upload",
        form.format_name.data,
        form.content.data or "",
        form.encoding.data or "",
        author_id=current_user.id,
        now=utcnow(),
        max_bytes=current_app.config["IMPORT_MAX_BYTES"],
    )
    if not isinstance(done, ImportDone):
        upload = UploadForm(
            formdata=None, format_name=form.format_name.data, section_id=form.section_id.data
        )
        return _upload_page(upload, done)[0], 400
    flash(
        f"Imported {done.count} questions into '{done.section_title}'. Add an evidence "
        "quote to each: until then the bank flags them with “no evidence”.",
        "success",
    )
    return redirect(url_for("teacher.questions", article=done.article_id, section=done.section_id))
