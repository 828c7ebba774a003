"""Teachers' authoring: questions of the shared bank, and articles from article.md text.

Every function takes explicit ids and ``now`` and owns its transaction. Problems a
teacher can fix are raised as :class:`QuestionInvalid` (located on a question field, so the
form can show them next to that field) or :class:`AuthoringError` (about the whole action).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import Text, and_, cast, func
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager, selectinload

from quizapp.domain.bank import Article as DomainArticle
from quizapp.domain.bank import BankError, dump_article, parse_article
from quizapp.domain.bank import Section as DomainSection
from quizapp.domain.questions import FieldProblem, QuestionInvalid, question_from_mapping
from quizapp.domain.questions import Question as DomainQuestion
from quizapp.domain.text import closest_passage, contains_quote, normalise_quote, slugify
from quizapp.extensions import db
from quizapp.models import (
    Article,
    AttemptQuestion,
    Question,
    QuestionVersion,
    QuizRule,
    Response,
    Section,
    User,
)
from quizapp.services.questions import content_hash, new_version, version_to_domain

__all__ = [
    "HEALTH_FLAGS",
    "MIN_RESPONSES",
    "TOO_EASY_ABOVE",
    "TOO_HARD_BELOW",
    "ArticleUpdate",
    "AuthoringError",
    "BankPage",
    "BankRow",
    "EditableQuestion",
    "EvidenceNotFound",
    "VersionInfo",
    "article_text",
    "articles_with_sections",
    "bank_page",
    "check_question",
    "create_article",
    "delete_question",
    "get_article",
    "question_for_edit",
    "restore_question",
    "retire_question",
    "save_question",
    "update_article",
]

# Health flags in the order the bank browser shows them.
HEALTH_FLAGS = ("no evidence", "stale evidence", "retired", "too easy", "too hard")
# Fewer graded responses than this say little about a question's difficulty.
MIN_RESPONSES = 5
TOO_EASY_ABOVE = 0.9
TOO_HARD_BELOW = 0.2
# Ids are slugs of the prompt; long prompts are cut at a word boundary so ids stay readable.
_BANK_ID_LENGTH = 60
# The name a version gets when no teacher wrote it (loaded from the bank files).
BANK_FILE_AUTHOR = "the bank files"


class AuthoringError(ValueError):
    """Why an authoring action cannot be done, one message per reason, worded for teachers."""

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems: tuple[str, ...] = tuple(problems)
        super().__init__(" ".join(self.problems))


class EvidenceNotFound(QuestionInvalid):
    """The evidence quote does not occur in the chosen section."""

    def __init__(self, section_title: str, passage: str) -> None:
        self.section_title = section_title
        self.passage = passage
        message = f"Not found in section '{section_title}'. Closest passage: \"{passage}\""
        super().__init__([FieldProblem(path=("evidence",), message=message)])


# ------------------------------------------------------------------------------ questions


def _section_problem(
    article_id: int, section_id: int | None
) -> tuple[Section | None, list[FieldProblem]]:
    section = db.session.get(Section, section_id) if section_id is not None else None
    if section is None or section.article_id != article_id:
        return None, [FieldProblem(path=("section",), message="Choose a section of this article.")]
    return section, []


def _evidence_problem(section: Section, evidence: object) -> EvidenceNotFound | None:
    if not isinstance(evidence, str) or not evidence.strip():
        return None
    if contains_quote(section.body, evidence):
        return None
    return EvidenceNotFound(section.title, closest_passage(section.body, evidence))


def check_question(
    mapping: Mapping[str, object], *, article_id: int, section_id: int | None
) -> DomainQuestion:
    """Validate a bank-format mapping and its evidence against the chosen section.

    Raises :class:`QuestionInvalid` with every problem at once: the domain's field
    problems (evidence optional, as for web-authored questions), a section outside the
    article, and an evidence quote missing from the section with the closest passage.
    """
    section, problems = _section_problem(article_id, section_id)
    question = None
    try:
        question = question_from_mapping(mapping, require_evidence=False)
    except QuestionInvalid as invalid:
        problems.extend(invalid.problems)
    if section is not None:
        miss = _evidence_problem(section, mapping.get("evidence"))
        if miss is not None:
            problems.extend(miss.problems)
    if problems or question is None:
        raise QuestionInvalid(problems)
    return question


def save_question(
    *,
    article_id: int,
    section_id: int,
    question: DomainQuestion,
    author_id: int,
    now: dt.datetime,
    question_id: int | None = None,
    based_on_version: int | None = None,
) -> Question:
    """Add a question to the bank, or save an edit of one as a new version.

    A new question gets a ``bank_id`` slugified from its prompt, unique in the article
    (``question.id`` is ignored). An edit adds a version, written by ``author_id``, only
    when the content changed; the section may change without a new version. Raises
    :class:`QuestionInvalid` for a section outside the article or evidence not in the
    section, and :class:`AuthoringError` when ``based_on_version`` is no longer the current
    version (someone saved in between) or the question does not exist.
    """
    section, problems = _section_problem(article_id, section_id)
    if section is None:
        raise QuestionInvalid(problems)
    miss = _evidence_problem(section, question.evidence)
    if miss is not None:
        raise miss
    try:
        if question_id is None:
            row = _add_question(section, question, author_id, now)
        else:
            row = _edit_question(question_id, section, question, author_id, now, based_on_version)
        db.session.commit()
    except IntegrityError as error:
        # Two saves raced for the same version number or bank id; nothing was written.
        db.session.rollback()
        raise AuthoringError(
            ["Someone else saved this question at the same moment. Review it and save again."]
        ) from error
    except BaseException:
        db.session.rollback()
        raise
    return row


def add_questions(
    *,
    article_id: int,
    section_id: int,
    questions: Sequence[DomainQuestion],
    author_id: int | None,
    now: dt.datetime,
) -> list[Question]:
    """Add several new questions to one section in one transaction (an import).

    All or nothing: an evidence quote missing from the section (imports usually carry
    none) raises :class:`AuthoringError` naming each question, and nothing is written.
    """
    section, problems = _section_problem(article_id, section_id)
    if section is None:
        raise AuthoringError([problem.message for problem in problems])
    misses = [
        f"Question {n} ({question.id}): evidence not found in section '{section.title}'."
        for n, question in enumerate(questions, start=1)
        if _evidence_problem(section, question.evidence) is not None
    ]
    if misses:
        raise AuthoringError(misses)
    try:
        # Imported questions keep their own names (GIFT titles, XML names) as bank ids.
        rows = [
            _add_question(section, question, author_id, now, id_base=question.id)
            for question in questions
        ]
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return rows


def _add_question(
    section: Section,
    question: DomainQuestion,
    author_id: int | None,
    now: dt.datetime,
    *,
    id_base: str | None = None,
) -> Question:
    row = Question(
        article_id=section.article_id,
        section_id=section.id,
        bank_id=_free_bank_id(section.article_id, id_base or question.prompt),
        current_version_number=1,
        evidence_stale=False,
        created_at=now,
    )
    version = new_version(question, number=1)
    version.created_by_id = author_id
    version.created_at = now
    row.versions.append(version)
    db.session.add(row)
    return row


def _edit_question(
    question_id: int,
    section: Section,
    question: DomainQuestion,
    author_id: int,
    now: dt.datetime,
    based_on_version: int | None,
) -> Question:
    row = db.session.execute(
        db.select(Question)
        .where(Question.id == question_id)
        .options(selectinload(Question.current_version))
    ).scalar_one_or_none()
    if row is None or row.article_id != section.article_id:
        raise AuthoringError(["There is no such question in this article."])
    if based_on_version is not None and row.current_version_number != based_on_version:
        raise AuthoringError(
            [
                f"Someone saved version {row.current_version_number} while you were editing "
                f"version {based_on_version}. Your changes are below: check them against the "
                "new version and save again."
            ]
        )
    row.section_id = section.id
    # The evidence was just found in its section, so it is no longer stale.
    row.evidence_stale = False
    if row.current_version.content_hash != content_hash(question):
        number = row.current_version_number + 1
        version = new_version(question, number=number)
        version.question_id = row.id
        version.created_by_id = author_id
        version.created_at = now
        db.session.add(version)
        row.current_version_number = number
    return row


def _free_bank_id(article_id: int, prompt: str) -> str:
    base = slugify(prompt)
    if len(base) > _BANK_ID_LENGTH:
        cut = base[:_BANK_ID_LENGTH]
        base = cut.rsplit("-", 1)[0] if "-" in cut else cut
    base = base or "question"
    # Slugs hold only [a-z0-9-], so they are safe inside a LIKE pattern.
    taken = set(
        db.session.execute(
            db.select(Question.bank_id).where(
                Question.article_id == article_id,
                (Question.bank_id == base) | Question.bank_id.like(f"{base}-%"),
            )
        ).scalars()
    )
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


def _question_row(question_id: int) -> Question:
    row = db.session.get(Question, question_id)
    if row is None:
        raise AuthoringError(["There is no such question."])
    return row


def retire_question(question_id: int, *, now: dt.datetime) -> Question:
    """Keep the question for the attempts that used it, but draw it no more."""
    row = _question_row(question_id)
    if row.retired_at is None:
        row.retired_at = now
        db.session.commit()
    return row


def restore_question(question_id: int) -> Question:
    """Let new attempts draw a retired question again."""
    row = _question_row(question_id)
    if row.retired_at is not None:
        row.retired_at = None
        db.session.commit()
    return row


def delete_question(question_id: int) -> None:
    """Delete a question that no attempt ever drew; otherwise raise :class:`AuthoringError`.

    An attempt keeps the version it showed, so a question drawn even once must stay: it
    can only be retired.
    """
    row = _question_row(question_id)
    drawn = db.session.scalar(
        db.select(func.count(AttemptQuestion.id))
        .join(QuestionVersion, QuestionVersion.id == AttemptQuestion.question_version_id)
        .where(QuestionVersion.question_id == question_id)
    )
    if drawn:
        who = "An attempt has" if drawn == 1 else f"{drawn} attempts have"
        raise AuthoringError(
            [
                f"{who} drawn this question and must keep it, so it cannot be deleted. "
                "Retire it instead: it stays for those attempts, but new quizzes no longer "
                "draw it."
            ]
        )
    db.session.delete(row)
    db.session.commit()


@dataclass(frozen=True)
class VersionInfo:
    """Who wrote one version of a question, and when."""

    number: int
    author: str
    created_at: dt.datetime


@dataclass(frozen=True)
class EditableQuestion:
    """A question with its current content as a domain object and its version history."""

    row: Question
    question: DomainQuestion
    versions: tuple[VersionInfo, ...]

    @property
    def current(self) -> VersionInfo:
        """The current version's number, author and date."""
        return next(v for v in self.versions if v.number == self.row.current_version_number)


def question_for_edit(question_id: int) -> EditableQuestion | None:
    """The question, its section and article, current content and authors; None if absent."""
    row = db.session.execute(
        db.select(Question)
        .where(Question.id == question_id)
        .options(
            selectinload(Question.section).selectinload(Section.article),
            selectinload(Question.versions),
        )
    ).scalar_one_or_none()
    if row is None:
        return None
    author_ids = {v.created_by_id for v in row.versions if v.created_by_id is not None}
    names: dict[int | None, str] = {}
    if author_ids:
        names.update(
            db.session.execute(db.select(User.id, User.name).where(User.id.in_(author_ids))).all()
        )
    versions = tuple(
        VersionInfo(
            number=v.number,
            author=names.get(v.created_by_id, BANK_FILE_AUTHOR),
            created_at=v.created_at,
        )
        for v in row.versions
    )
    current = next(v for v in row.versions if v.number == row.current_version_number)
    return EditableQuestion(row, version_to_domain(current, row.bank_id), versions)


# ------------------------------------------------------------------------------- articles


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
    db.session.add(article)
    try:
        db.session.commit()
    except IntegrityError as error:
        db.session.rollback()
        raise AuthoringError(
            ["Another article with this title was saved at the same moment."]
        ) from error
    return article


def update_article(article_id: int, text: str, now: dt.datetime) -> ArticleUpdate:
    """Replace an article's metadata and sections from article.md text.

    Sections are matched by slug, so questions stay tied to a section whose heading is
    unchanged. A section that disappears while questions or quiz rules still use it is
    refused. Afterwards every question's evidence is checked against its section again:
    ``Question.evidence_stale`` is set or cleared, and the counts come back.
    """
    article = db.session.execute(
        db.select(Article).where(Article.id == article_id).options(selectinload(Article.sections))
    ).scalar_one_or_none()
    if article is None:
        raise AuthoringError(["There is no such article."])
    parsed = _parse(text)
    _slug_taken(parsed.slug, text, other_than=article.id)
    try:
        _sync_sections(article, parsed)
        article.slug = parsed.slug
        article.title = parsed.title
        article.authors = list(parsed.authors)
        article.published = parsed.published
        article.source = parsed.source
        article.updated_at = now
        db.session.flush()
        went_stale, cleared = _recheck_evidence(article)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
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
    for parsed_section in parsed.sections:
        section = by_slug.get(parsed_section.slug)
        if section is None:
            section = Section(slug=parsed_section.slug)
            article.sections.append(section)
        section.title = parsed_section.title
        section.position = parsed_section.position
        section.body = parsed_section.body


def _recheck_evidence(article: Article) -> tuple[int, int]:
    # contains_quote per question would normalise the same section text again each time.
    bodies = {s.id: normalise_quote(s.body) for s in article.sections}
    rows = db.session.execute(
        db.select(Question, QuestionVersion.evidence)
        .join(
            QuestionVersion,
            (QuestionVersion.question_id == Question.id)
            & (QuestionVersion.number == Question.current_version_number),
        )
        .where(Question.article_id == article.id)
    ).all()
    went_stale = cleared = 0
    for question, evidence in rows:
        stale = bool(evidence) and normalise_quote(evidence) not in bodies[question.section_id]
        if stale and not question.evidence_stale:
            went_stale += 1
        elif question.evidence_stale and not stale:
            cleared += 1
        question.evidence_stale = stale
    return went_stale, cleared


def _to_domain(article: Article) -> DomainArticle:
    return DomainArticle(
        slug=article.slug,
        title=article.title,
        authors=tuple(article.authors),
        published=article.published,
        source=article.source,
        sections=tuple(
            DomainSection(slug=s.slug, title=s.title, position=s.position, body=s.body, line=0)
            for s in article.sections
        ),
    )


def get_article(article_id: int) -> Article | None:
    """The article with its sections loaded, or None."""
    return db.session.execute(
        db.select(Article).where(Article.id == article_id).options(selectinload(Article.sections))
    ).scalar_one_or_none()


def article_text(article_id: int) -> tuple[Article, str] | None:
    """The article and its text rebuilt in article.md form, or None when there is none."""
    article = get_article(article_id)
    if article is None:
        return None
    return article, dump_article(_to_domain(article))


def articles_with_sections() -> list[Article]:
    """Every article by title, sections loaded (two queries)."""
    return list(
        db.session.execute(
            db.select(Article).options(selectinload(Article.sections)).order_by(Article.title)
        ).scalars()
    )


# ---------------------------------------------------------------------------- bank browser


@dataclass(frozen=True)
class BankRow:
    """One question as the bank browser lists it."""

    question: Question
    responses: int
    mean_fraction: float | None
    flags: tuple[str, ...]

    @property
    def version(self) -> QuestionVersion:
        """The question's current version (loaded with the row)."""
        return self.question.current_version


@dataclass(frozen=True)
class BankPage:
    """One page of the bank browser, plus the articles for its filters."""

    rows: list[BankRow]
    total: int
    page: int
    per_page: int
    articles: list[Article]

    @property
    def pages(self) -> int:
        """How many pages the matching questions fill (at least one)."""
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def has_previous(self) -> bool:
        """Whether there is a page before this one."""
        return self.page > 1

    @property
    def has_next(self) -> bool:
        """Whether there is a page after this one."""
        return self.page < self.pages


def _response_stats():
    # Graded responses to any version of each question, aggregated in the database.
    return (
        db.select(
            QuestionVersion.question_id.label("question_id"),
            func.count(Response.fraction).label("responses"),
            func.avg(Response.fraction).label("mean_fraction"),
        )
        .join(AttemptQuestion, AttemptQuestion.question_version_id == QuestionVersion.id)
        .join(Response, Response.attempt_question_id == AttemptQuestion.id)
        .where(Response.fraction.is_not(None))
        .group_by(QuestionVersion.question_id)
        .subquery()
    )


def _flags(
    question: Question, evidence: str | None, responses: int, mean: float | None
) -> tuple[str, ...]:
    flags = []
    if not evidence:
        flags.append("no evidence")
    if question.evidence_stale:
        flags.append("stale evidence")
    if question.retired_at is not None:
        flags.append("retired")
    if responses >= MIN_RESPONSES and mean is not None:
        if mean > TOO_EASY_ABOVE:
            flags.append("too easy")
        elif mean < TOO_HARD_BELOW:
            flags.append("too hard")
    return tuple(flags)


def bank_page(
    *,
    article_id: int | None = None,
    section_id: int | None = None,
    type: str | None = None,
    difficulty: int | None = None,
    tag: str | None = None,
    health: str | None = None,
    search: str | None = None,
    page: int = 1,
    per_page: int = 20,
) -> BankPage:
    """One page of questions matching the filters, in four queries whatever the size.

    Each row has its current version, section and article loaded, the count and mean of
    graded responses to any of its versions, and its health flags (``HEALTH_FLAGS``);
    ``health`` keeps only questions with that flag. ``tag`` matches one whole tag and
    ``search`` a part of the prompt, both ignoring case. Raises ``ValueError`` for an unknown
    ``health``.
    """
    if health is not None and health not in HEALTH_FLAGS:
        raise ValueError(f"unknown health flag {health!r}")
    stats = _response_stats()
    responses = func.coalesce(stats.c.responses, 0)
    enough = responses >= MIN_RESPONSES
    health_filters = {
        "no evidence": QuestionVersion.evidence.is_(None),
        "stale evidence": Question.evidence_stale.is_(True),
        "retired": Question.retired_at.is_not(None),
        "too easy": and_(enough, stats.c.mean_fraction > TOO_EASY_ABOVE),
        "too hard": and_(enough, stats.c.mean_fraction < TOO_HARD_BELOW),
    }
    filters = []
    if article_id is not None:
        filters.append(Question.article_id == article_id)
    if section_id is not None:
        filters.append(Question.section_id == section_id)
    if type:
        filters.append(QuestionVersion.type == type)
    if difficulty is not None:
        filters.append(QuestionVersion.difficulty == difficulty)
    if tag:
        # Tags are a JSON list; its text holds each tag JSON-encoded, quotes included, so
        # this matches whole tags, ignoring case, the same way on SQLite and PostgreSQL.
        filters.append(
            cast(QuestionVersion.tags, Text).icontains(
                json.dumps(tag.strip().lower()), autoescape=True
            )
        )
    if health is not None:
        filters.append(health_filters[health])
    if search and search.strip():
        filters.append(QuestionVersion.prompt.icontains(search.strip(), autoescape=True))

    def joined(query):
        return (
            query.join(
                QuestionVersion,
                (QuestionVersion.question_id == Question.id)
                & (QuestionVersion.number == Question.current_version_number),
            )
            .join(Section, Section.id == Question.section_id)
            .join(Article, Article.id == Question.article_id)
            .outerjoin(stats, stats.c.question_id == Question.id)
            .where(*filters)
        )

    total = db.session.scalar(joined(db.select(func.count(Question.id)).select_from(Question)))
    per_page = max(1, per_page)
    page = min(max(1, page), max(1, math.ceil((total or 0) / per_page)))
    rows = db.session.execute(
        joined(db.select(Question, responses, stats.c.mean_fraction))
        .options(
            contains_eager(Question.current_version),
            contains_eager(Question.section).contains_eager(Section.article),
        )
        .order_by(Article.title, Section.position, Question.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    items = []
    for question, count, mean in rows:
        # PostgreSQL's avg() may come back as a Decimal.
        mean_fraction = float(mean) if mean is not None else None
        items.append(
            BankRow(
                question=question,
                responses=int(count),
                mean_fraction=mean_fraction,
                flags=_flags(
                    question, question.current_version.evidence, int(count), mean_fraction
                ),
            )
        )
    return BankPage(
        rows=items,
        total=total or 0,
        page=page,
        per_page=per_page,
        articles=articles_with_sections(),
    )
