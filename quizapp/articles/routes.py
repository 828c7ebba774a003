"""Routes for reading articles."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, current_app, render_template, request
from flask_login import current_user
from markupsafe import Markup

from quizapp.clock import utcnow
from quizapp.domain.text import quote_span
from quizapp.rendering import markdown_with_highlight
from quizapp.services.articles import SectionView, get_article_sections, list_articles
from quizapp.services.attempts import evidence_to_highlight

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
    return render_template(
        "articles/article.html",
        article=article,
        sections=sections,
        highlighted=_evidence_highlight(sections),
    )


def _evidence_highlight(sections: list[SectionView]) -> dict[int, Markup]:
    """The section HTML with the evidence marked, for "Read in the article" links.

    The link names the learner's attempt and question; the quote is only marked when
    that learner may already see the question's feedback.
    """
    attempt_id = request.args.get("attempt", type=int)
    position = request.args.get("question", type=int)
    if attempt_id is None or position is None or not current_user.is_authenticated:
        return {}
    found = evidence_to_highlight(
        attempt_id,
        position,
        current_user.id,
        now=utcnow(),
        grace=dt.timedelta(seconds=current_app.config["ANSWER_GRACE_SECONDS"]),
    )
    if found is None:
        return {}
    section_id, evidence = found
    for view in sections:
        if view.section.id == section_id:
            span = quote_span(view.section.body, evidence)
            return {section_id: markdown_with_highlight(view.section.body, span)}
    return {}
