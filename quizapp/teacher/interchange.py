"""Importing question files: upload, preview every question and every error, confirm."""

from __future__ import annotations

import base64
import binascii
import io
from types import SimpleNamespace

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from werkzeug.wrappers import Response
from wtforms import HiddenField, SelectField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired

from quizapp.clock import utcnow
from quizapp.domain.interchange import InterchangeError
from quizapp.extensions import db
from quizapp.models import Section
from quizapp.services.articles import articles_with_sections
from quizapp.services.errors import AuthoringError
from quizapp.services.interchange import (
    IMPORT_FORMATS,
    ImportTarget,
    check_size,
    import_questions,
    parse_file,
)
from quizapp.teacher import blueprint


class _TargetFields(FlaskForm):
    format_name = SelectField(
        "Format", choices={key: label for key, (label, _) in IMPORT_FORMATS.items()}
    )
    section_id = SelectField("Section", validators=[DataRequired()])

    def set_sections(self) -> None:
        self.section_id.choices = [
            SelectChoice(str(section.id), section.title, optgroup=article.title)
            for article in articles_with_sections()
            for section in article.sections
        ]


class UploadForm(_TargetFields):
    """The file and where its questions go."""

    file = FileField("Question file", validators=[FileRequired("Choose a file to import.")])
    submit = SubmitField("Preview")


class ConfirmForm(_TargetFields):
    """The previewed file, carried to the confirmation."""

    content = HiddenField(validators=[DataRequired()])
    filename = HiddenField()
    submit = SubmitField("Import questions")


def _target(section_id: str | None) -> ImportTarget:
    section = db.session.get(Section, int(section_id)) if (section_id or "").isdigit() else None
    if section is None:
        abort(400, description="Choose a section for the imported questions.")
    return ImportTarget(section.article, section)


def _preview_items(questions: list) -> list[SimpleNamespace]:
    # The student macros need an attempt-like item: the question, no answer, bank order.
    return [
        SimpleNamespace(question=q, answer=None, row=SimpleNamespace(display_order=None))
        for q in questions
    ]


@blueprint.route("/import", methods=["GET", "POST"])
def import_upload() -> str | tuple[str, int]:
    """Upload a GIFT, Moodle XML or Aiken file and preview what it holds."""
    form = UploadForm()
    form.set_sections()
    if not form.validate_on_submit():
        return render_template("teacher/import/upload.html", form=form, problems=[]), (
            400 if form.is_submitted() else 200
        )
    upload = form.file.data
    filename = upload.filename or "upload"
    target = _target(form.section_id.data)
    max_bytes = current_app.config["IMPORT_MAX_BYTES"]
    try:
        # Measure before reading, so an oversized file is refused with its real size.
        upload.stream.seek(0, io.SEEK_END)
        check_size(upload.stream.tell(), filename, max_bytes=max_bytes)
        upload.stream.seek(0)
        data = upload.read()
        questions = parse_file(
            data,
            filename,
            form.format_name.data,
            max_bytes=max_bytes,
        )
    except InterchangeError as error:
        return render_template(
            "teacher/import/upload.html", form=form, problems=[str(p) for p in error.problems]
        ), 400
    confirm = ConfirmForm(
        formdata=None,
        format_name=form.format_name.data,
        section_id=form.section_id.data,
        content=base64.b64encode(data).decode("ascii"),
        filename=filename,
    )
    confirm.set_sections()
    return render_template(
        "teacher/import/preview.html",
        form=confirm,
        target=target,
        filename=filename,
        items=_preview_items(questions),
    )


@blueprint.post("/import/confirm")
def import_confirm() -> Response | tuple[str, int]:
    """Save the previewed questions, all or nothing."""
    form = ConfirmForm()
    form.set_sections()
    if not form.validate_on_submit():
        abort(400, description="The preview expired; upload the file again.")
    try:
        data = base64.b64decode(form.content.data or "", validate=True)
    except (binascii.Error, ValueError):
        abort(400, description="The previewed file was damaged; upload it again.")
    target = _target(form.section_id.data)
    filename = form.filename.data or "upload"
    try:
        questions = parse_file(
            data,
            filename,
            form.format_name.data,
            max_bytes=current_app.config["IMPORT_MAX_BYTES"],
        )
        import_questions(target, questions, author_id=current_user.id, now=utcnow())
    except (InterchangeError, AuthoringError) as error:
        upload = UploadForm(
            formdata=None, format_name=form.format_name.data, section_id=form.section_id.data
        )
        upload.set_sections()
        problems = [str(p) for p in getattr(error, "problems", [])] or [str(error)]
        return render_template("teacher/import/upload.html", form=upload, problems=problems), 400
    flash(
        f"Imported {len(questions)} questions into '{target.section.title}'. Add an evidence "
        "quote to each: until then the bank flags them with “no evidence”.",
        "success",
    )
    return redirect(
        url_for("teacher.questions", article=target.article.id, section=target.section.id)
    )
