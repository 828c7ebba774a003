"""Articles for teachers: list, add (upload or paste article.md), edit the text."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from werkzeug.wrappers import Response
from wtforms import SubmitField, TextAreaField

from quizapp.clock import utcnow
from quizapp.domain.bank import MAX_ARTICLE_BYTES, MAX_SECTIONS
from quizapp.services import articles as article_service
from quizapp.services.articles import ArticleEditor
from quizapp.services.errors import AuthoringError, NotFound
from quizapp.teacher import blueprint

ARTICLE_FORMAT_HINT = (
    "YAML front matter (title, authors, published, source) between '---' lines, then the "
    f"text; each '## ' heading starts a section. At most {MAX_ARTICLE_BYTES:,} bytes and "
    f"{MAX_SECTIONS} sections."
)


class NewArticleForm(FlaskForm):
    """An article.md file, or its text pasted."""

    file = FileField("Upload article.md")
    text = TextAreaField("Or paste the Markdown", description=ARTICLE_FORMAT_HINT)
    submit = SubmitField("Save article")

    def article_source(self) -> str | None:
        """The text to parse, or None after recording on the fields why there is none."""
        upload = self.file.data
        pasted = (self.text.data or "").strip()
        has_file = bool(upload and getattr(upload, "filename", ""))
        if has_file and pasted:
            self.text.errors = [*self.text.errors, "Upload a file or paste text, not both."]
            return None
        if has_file:
            try:
                return upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                self.file.errors = [*self.file.errors, "The file is not UTF-8 text."]
                return None
        if not pasted:
            self.text.errors = [*self.text.errors, "Upload article.md or paste its text."]
            return None
        return self.text.data

    def source_field(self) -> TextAreaField | FileField:
        """The field the text came from, where its problems are shown."""
        upload = self.file.data
        return self.file if upload and getattr(upload, "filename", "") else self.text


class EditArticleForm(FlaskForm):
    """The article's text in article.md form."""

    text = TextAreaField("Article text", description=ARTICLE_FORMAT_HINT)
    submit = SubmitField("Save article")


@blueprint.get("/articles")
def articles() -> str:
    """Every article with its section and question counts."""
    return render_template("teacher/articles/index.html", summaries=article_service.list_articles())


@blueprint.route("/articles/new", methods=["GET", "POST"])
def new_article() -> str | Response | tuple[str, int]:
    """Add an article from an uploaded article.md or pasted text."""
    form = NewArticleForm()
    text = form.article_source() if form.validate_on_submit() else None
    if text is not None:
        try:
            added = article_service.add_article(text, now=utcnow())
        except AuthoringError as error:
            field = form.source_field()
            field.errors = [*field.errors, *error.problems]
        else:
            count = added.section_count
            flash(
                f"Article “{added.title}” added with {count} section{'s' if count != 1 else ''}.",
                "success",
            )
            return redirect(url_for("teacher.articles"))
    status = 400 if form.is_submitted() else 200
    return render_template("teacher/articles/new.html", form=form), status


@blueprint.route("/articles/<int:article_id>/edit", methods=["GET", "POST"])
def edit_article(article_id: int) -> str | Response | tuple[str, int]:
    """Edit the article's text; questions whose evidence left its section go stale."""
    form = EditArticleForm()
    try:
        editor = article_service.edit_article(
            article_id, save=form.validate_on_submit(), new_text=form.text.data, now=utcnow()
        )
    except NotFound as missing:
        abort(404, description=missing.message)
    if editor.saved:
        flash(_stale_message(editor), "success")
        return redirect(url_for("teacher.edit_article", article_id=editor.article_id))
    if form.text.data is None:
        # Nothing typed yet (or a form posted without its text): show the stored text.
        form.text.data = editor.text
    form.text.errors = [*form.text.errors, *editor.problems]
    status = 400 if form.is_submitted() else 200
    return render_template("teacher/articles/edit.html", form=form, editor=editor), status


def _stale_message(update: ArticleEditor) -> str:
    went = update.went_stale
    if went == 0:
        message = "Article saved. No question got “stale evidence”."
    else:
        message = (
            f"Article saved. {went} question{'s' if went != 1 else ''} got “stale evidence”: "
            "the quote is no longer in its section, so new quizzes leave "
            f"{'them' if went != 1 else 'it'} out until fixed."
        )
    if update.no_longer_stale:
        cleared = update.no_longer_stale
        message += f" {cleared} question{'s' if cleared != 1 else ''} no longer stale."
    return message
