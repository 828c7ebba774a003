"""Reading an article, with a learner's evidence quote marked when they may see it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from quizapp.domain.evidence import EvidenceSearch
from quizapp.domain.text import quote_span
from quizapp.models import Article
from quizapp.services.articles import SectionView, get_article_sections
from quizapp.services.attempts import evidence_to_highlight
from quizapp.services.errors import NotFound
from quizapp.services.live_quizzes import questions_held_back


class ArticleNotFound(NotFound):
    """No article has this slug."""


@dataclass(frozen=True)
class Highlight:
    """Where to mark a question's evidence quote: the section, and (start, end) in its text.

    ``span`` is None when the quote is no longer found in the section's text (or, for a
    further quote, in any section: then the question's own section is named).
    """

    section_id: int
    span: tuple[int, int] | None


@dataclass(frozen=True)
class ArticlePage:
    """An article with its sections, and the evidence to mark, if any."""

    article: Article
    sections: list[SectionView]
    highlight: Highlight | None


def article_page(
    slug: str,
    *,
    reader_id: int | None,
    attempt_id: int | None,
    position: int | None,
    now: dt.datetime,
    grace: dt.timedelta,
    quote: int = 1,
) -> ArticlePage:
    """The article; a "Read in the article" link (attempt and question) marks the quote.

    ``quote`` numbers the question's evidence quotes from 1 (the one in its own section);
    a further quote is marked in the section that holds it. The quote is only marked for
    the learner whose attempt it is, once they may see that question's feedback.
    """
    found = get_article_sections(slug)
    if found is None:
        raise ArticleNotFound(f"There is no article called '{slug}'.")
    article, sections = found
    highlight = _highlight(sections, reader_id, attempt_id, position, quote, now, grace)
    return ArticlePage(article, sections, highlight)


def _highlight(
    sections: list[SectionView],
    reader_id: int | None,
    attempt_id: int | None,
    position: int | None,
    quote: int,
    now: dt.datetime,
    grace: dt.timedelta,
) -> Highlight | None:
    if reader_id is None or attempt_id is None or position is None:
        return None
    found = evidence_to_highlight(attempt_id, position, reader_id, now=now, grace=grace)
    if found is None:
        return None
    section_id, quotes, question_id, practice = found
    if not 1 <= quote <= len(quotes):
        return None
    if practice and question_id in questions_held_back(reader_id, now):
        return None  # the evidence waits, like the key, until the live quiz closes
    own = next((view.section for view in sections if view.section.id == section_id), None)
    if own is None:
        return None
    text = quotes[quote - 1]
    holder = own
    if quote > 1:
        # A further quote may come from any section; the own one is looked at first.
        found_in = EvidenceSearch([view.section for view in sections]).section_of(text, own)
        holder = found_in if found_in is not None else own
    return Highlight(holder.id, quote_span(holder.body, text))
