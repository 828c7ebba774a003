"""Articles: the read side of the article pages, and teachers' article authoring.

Teachers add an article from article.md text and edit it as text; every teacher may edit
every article. Writes run in one unit of work; problems a teacher can fix are raised as
:class:`AuthoringError`, each message starting "Line N:" where the text has a line to show.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from markupsafe import Markup
from sqlalchemy import Subquery, func
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from quizapp.domain.bank import Article as DomainArticle
from quizapp.domain.bank import BankError, dump_article, parse_article
from quizapp.domain.evidence import EvidenceSearch
from quizapp.extensions import db
from quizapp.models import Article, Question, QuestionVersion, QuizRule, Section
from quizapp.services.article_html import render_ahead, section_html
from quizapp.services.bank import article_to_domain, place_sections
from quizapp.services.errors import AuthoringError, NotFound
from quizapp.services.live_quizzes import quizzes_left_short
from quizapp.services.quizzes import live_candidates
from quizapp.services.unit_of_work import unit_of_work

# ------------------------------------------------------------------------------ read side


@dataclass(frozen=True)
class ArticleSummary:
    """An article as listed on the home page."""

    article: Article
    section_count: int
    question_count: int


@dataclass(frozen=True)
class SectionView:
    """A section with the number of questions a quiz can draw from it."""

    section: Section
    question_count: int

    @property
    def html(self) -> Markup:
        """The section's text as HTML (rendered once per worker and text)."""
        return section_html(self.section.body)


def live_question_counts() -> Subquery:
    """Questions per section, as a subquery (section_id, question_count).

    Retired questions are kept for old attempts but no longer count as the bank's.
    """
    return (
        db.select(Question.section_id, func.count(Question.id).label("question_count"))
        .where(Question.retired_at.is_(None))
        .group_by(Question.section_id)
        .subquery()
    )


def list_articles() -> list[ArticleSummary]:
    """Every article with its section and question counts, in one query."""
    counts = live_question_counts()
    rows = db.session.execute(
        db.select(
            Article,
            func.count(Section.id),
            func.coalesce(func.sum(counts.c.question_count), 0),
        )
        .outerjoin(Section, Section.article_id == Article.id)
        .outerjoin(counts, counts.c.section_id == Section.id)
        .group_by(Article.id)
        .order_by(Article.published.desc(), Article.title)
    ).all()
    return [
        ArticleSummary(article, int(sections), int(questions))
        for article, sections, questions in rows
    ]


def get_article_sections(slug: str) -> tuple[Article, list[SectionView]] | None:
    """The article with ``slug`` and its sections in order, or None when there is none."""
    article = db.session.execute(
        db.select(Article).where(Article.slug == slug)
    ).scalar_one_or_none()
    if article is None:
        return None
    counts = live_question_counts()
    rows = db.session.execute(
        db.select(Section, func.coalesce(counts.c.question_count, 0))
        .outerjoin(counts, counts.c.section_id == Section.id)
        .where(Section.article_id == article.id)
        .order_by(Section.position)
    ).all()
    return article, [SectionView(section, int(count)) for section, count in rows]


def get_article(article_id: int) -> Article | None:
    """The article with its sections loaded, or None."""
    return db.session.execute(
        db.select(Article).where(Article.id == article_id).options(selectinload(Article.sections))
    ).scalar_one_or_none()


def articles_with_sections() -> list[Article]:
    """Every article by title, sections loaded (two queries)."""
    return list(
        db.session.execute(
            db.select(Article).options(selectinload(Article.sections)).order_by(Article.title)
        ).scalars()
    )


@dataclass(frozen=True)
class SectionChoice:
    """A section as a select offers it."""

    id: int
    title: str


@dataclass(frozen=True)
class ArticleChoice:
    """An article as a select offers it, with its sections in order."""

    id: int
    title: str
    sections: tuple[SectionChoice, ...]


def article_choice(article: Article) -> ArticleChoice:
    """The plain view of an article row whose sections are loaded."""
    return ArticleChoice(
        id=article.id,
        title=article.title,
        sections=tuple(SectionChoice(id=s.id, title=s.title) for s in article.sections),
    )


def article_choices() -> list[ArticleChoice]:
    """Every article by title with its sections, as plain values (two queries)."""
    return [article_choice(article) for article in articles_with_sections()]


# ------------------------------------------------------------------------------ authoring


@dataclass(frozen=True)
class ArticleUpdate:
    """What saving an article's text did to its questions' evidence."""

    article: Article
    went_stale: int
    no_longer_stale: int


def _parse(text: str) -> DomainArticle:
    try:
        return parse_article(text, "article.md")
    except BankError as error:
        raise AuthoringError(
            f"Line {p.line}: {p.message}" if p.line else p.message for p in error.problems
        ) from error


def _title_line(text: str) -> int:
    """The line of the front matter's ``title:``, to point at it in a message."""
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("title:"):
            return number
    return 1


def _slug_taken(slug: str, text: str, *, other_than: int | None = None) -> None:
    query = db.select(Article.id).where(Article.slug == slug)
    if other_than is not None:
        query = query.where(Article.id != other_than)
    if db.session.execute(query).first() is not None:
        raise AuthoringError(
            [
                f"Line {_title_line(text)}: another article already has a title that gives "
                f"the slug '{slug}'; choose a different title."
            ]
        )


def create_article(text: str, now: dt.datetime) -> Article:
    """Store a new article from article.md text (front matter, then ``## `` sections).

    Raises :class:`AuthoringError` with every problem, each starting "Line N:".
    """
    parsed = _parse(text)
    _slug_taken(parsed.slug, text)
    article = Article(
        slug=parsed.slug,
        title=parsed.title,
        authors=list(parsed.authors),
        published=parsed.published,
        source=parsed.source,
        created_at=now,
        updated_at=now,
        sections=[
            Section(slug=s.slug, title=s.title, position=s.position, body=s.body)
            for s in parsed.sections
        ],
    )
    try:
        with unit_of_work() as session:
            session.add(article)
    except IntegrityError as error:
        # Two saves raced for the same slug; nothing was written.
        raise AuthoringError(
            ["Another article with this title was saved at the same moment."]
        ) from error
    render_ahead(section.body for section in parsed.sections)
    return article


@dataclass(frozen=True)
class AddedArticle:
    """A newly added article, as the page reporting it needs it."""

    id: int
    title: str
    section_count: int


def add_article(text: str, *, now: dt.datetime) -> AddedArticle:
    """Add an article from article.md text (the "new article" page's use case).

    Raises :class:`AuthoringError` as :func:`create_article` does.
    """
    article = create_article(text, now)
    return AddedArticle(id=article.id, title=article.title, section_count=len(article.sections))


def update_article(article_id: int, text: str, now: dt.datetime) -> ArticleUpdate:
    """Replace an article's metadata and sections from article.md text.

    Sections are matched by slug, so questions stay tied to a section whose heading is
    unchanged. A section that disappears while questions or quiz rules still use it is
    refused. Afterwards every question's evidence is checked against its section again:
    ``Question.evidence_stale`` is set or cleared, and the counts come back. An edit after
    which an open published quiz could no longer draw its questions (quotes gone stale) is
    refused, naming the quiz, and nothing is saved.
    """
    with unit_of_work() as session:
        article = get_article(article_id)
        if article is None:
            raise AuthoringError(["There is no such article."])
        drawable_before = live_candidates(article.id)
        parsed = _parse(text)
        _slug_taken(parsed.slug, text, other_than=article.id)
        _sync_sections(article, parsed)
        article.slug = parsed.slug
        article.title = parsed.title
        article.authors = list(parsed.authors)
        article.published = parsed.published
        article.source = parsed.source
        article.updated_at = now
        session.flush()
        went_stale, cleared = _recheck_evidence(article)
        session.flush()
        short = quizzes_left_short(article.id, drawable_before, live_candidates(article.id), now)
        if short:
            raise AuthoringError(short)
    render_ahead(section.body for section in parsed.sections)
    return ArticleUpdate(article=article, went_stale=went_stale, no_longer_stale=cleared)


def _sync_sections(article: Article, parsed: DomainArticle) -> None:
    by_slug = {s.slug: s for s in article.sections}
    wanted = {s.slug for s in parsed.sections}
    dropped = [s for slug, s in by_slug.items() if slug not in wanted]
    if dropped:
        ids = [s.id for s in dropped]
        questions = dict(
            db.session.execute(
                db.select(Question.section_id, func.count(Question.id))
                .where(Question.section_id.in_(ids))
                .group_by(Question.section_id)
            ).all()
        )
        rules = dict(
            db.session.execute(
                db.select(QuizRule.section_id, func.count(QuizRule.id))
                .where(QuizRule.section_id.in_(ids))
                .group_by(QuizRule.section_id)
            ).all()
        )
        problems = []
        for section in dropped:
            if questions.get(section.id):
                count = questions[section.id]
                problems.append(
                    f"The section '{section.title}' is gone from the text, but "
                    f"{count} question{'s are' if count != 1 else ' is'} tied to it. Keep its "
                    "'## ' heading, or move or delete those questions first."
                )
            elif rules.get(section.id):
                problems.append(
                    f"The section '{section.title}' is gone from the text, but quizzes draw "
                    "questions from it. Keep its '## ' heading."
                )
        if problems:
            raise AuthoringError(problems)
        for section in dropped:
            article.sections.remove(section)
    place_sections(article, parsed.sections, by_slug)


def _recheck_evidence(article: Article) -> tuple[int, int]:
    # One search for the article normalises each section once, whatever the questions.
    search = EvidenceSearch(article.sections)
    sections = {s.id: s for s in article.sections}
    rows = db.session.execute(
        db.select(Question, QuestionVersion.evidence, QuestionVersion.further_evidence)
        .join(
            QuestionVersion,
            (QuestionVersion.question_id == Question.id)
            & (QuestionVersion.number == Question.current_version_number),
        )
        .where(Question.article_id == article.id)
    ).all()
    went_stale = cleared = 0
    for question, evidence, further_evidence in rows:
        # The first quote must stay in the question's section, the others in the article.
        quotes = [evidence, *(further_evidence or [])] if evidence else []
        stale = search.stale(quotes, sections[question.section_id])
        if stale and not question.evidence_stale:
            went_stale += 1
        elif question.evidence_stale and not stale:
            cleared += 1
        question.evidence_stale = stale
    return went_stale, cleared


def article_text(article_id: int) -> tuple[Article, str] | None:
    """The article and its text rebuilt in article.md form, or None when there is none."""
    article = get_article(article_id)
    if article is None:
        return None
    return article, dump_article(article_to_domain(article))


@dataclass(frozen=True)
class ArticleEditor:
    """The article edit page: the article's text, and what saving new text did.

    ``saved`` is set when new text was saved; ``problems`` says why it was not.
    """

    article_id: int
    title: str
    text: str
    went_stale: int = 0
    no_longer_stale: int = 0
    saved: bool = False
    problems: tuple[str, ...] = ()


def edit_article(
    article_id: int, *, save: bool, new_text: str | None = None, now: dt.datetime
) -> ArticleEditor:
    """The article edit page's use case: the article's text and, when ``save``, a save.

    ``new_text`` None saves the stored text again (a form posted without its text keeps
    it). Raises :class:`NotFound` when there is no such article. A save that cannot be
    done comes back with its ``problems`` (nothing is written); see :func:`update_article`.
    """
    found = article_text(article_id)
    if found is None:
        raise NotFound("There is no such article.")
    article, text = found
    editor = ArticleEditor(article_id=article.id, title=article.title, text=text)
    if not save:
        return editor
    try:
        update = update_article(article.id, text if new_text is None else new_text, now)
    except AuthoringError as error:
        return replace(editor, problems=error.problems)
    return replace(
        editor,
        went_stale=update.went_stale,
        no_longer_stale=update.no_longer_stale,
        saved=True,
    )
