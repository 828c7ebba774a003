"""Routes for reading articles."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user
from werkzeug.exceptions import NotFound as HTTPNotFound

from quizapp.clock import utcnow
from quizapp.rendering import markdown_with_highlight
from quizapp.services.articles import list_articles
from quizapp.services.errors import NotFound
from quizapp.services.reading import ArticlePage, article_page

blueprint = Blueprint("articles", __name__)


@blueprint.errorhandler(NotFound)
def _not_found(error: NotFound) -> ResponseReturnValue:
    return current_app.handle_http_exception(HTTPNotFound(description=str(error)))


@blueprint.get("/")
def index() -> str:
    """Home page: every article with its size."""
    return render_template("articles/index.html", summaries=list_articles())


@blueprint.get("/articles/<slug>")
def article(slug: str) -> str:
    """One article, each section under an anchor named after its slug.

    A "Read in the article" link names the learner's attempt and question (and which of
    its evidence quotes, from 1); the quote is marked when that learner may already see
    the question's feedback.
    """
    page = article_page(
        slug,
        reader_id=current_user.id if current_user.is_authenticated else None,
        attempt_id=request.args.get("attempt", type=int),
        position=request.args.get("question", type=int),
        now=utcnow(),
        grace=dt.timedelta(seconds=current_app.config["ANSWER_GRACE_SECONDS"]),
        quote=request.args.get("quote", default=1, type=int),
    )
    return render_template(
        "articles/article.html",
        article=page.article,
        sections=page.sections,
        highlighted=_highlighted(page),
    )


def _highlighted(page: ArticlePage) -> dict:
    """The marked section's HTML, by section id (rendering is the page's business)."""
    highlight = page.highlight
    if highlight is None:
        return {}
    body = next(v.section.body for v in page.sections if v.section.id == highlight.section_id)
    return {highlight.section_id: markdown_with_highlight(body, highlight.span)}
