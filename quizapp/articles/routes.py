"""Routes for reading articles."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from quizapp.services.articles import get_article_sections, list_articles

blueprint = Blueprint("articles", __name__)


@blueprint.get("/")
def index() -> str:
    """Home page: every article with its size."""
    return render_template("articles/index.html", summaries=list_articles())


@blueprint.get("/articles/<slug>")
def article(slug: str) -> str:
    """One article, each section under an anchor named after its slug."""
    found = get_article_sections(slug)
    if found is None:
        abort(404, description=f"There is no article called '{slug}'.")
    article, sections = found
    return render_template("articles/article.html", article=article, sections=sections)
