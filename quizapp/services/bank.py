"""Loading the question bank into the database, and exporting it back to files."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import selectinload

from quizapp.domain.bank import (
    Article as DomainArticle,
)
from quizapp.domain.bank import (
    ArticleBank,
    BankError,
    BankProblem,
    bank_media_names,
    read_bank,
    write_bank,
)
from quizapp.domain.bank import (
    Section as DomainSection,
)
from quizapp.domain.media import MediaFile
from quizapp.extensions import db
from quizapp.models import Article, Question, QuestionEventKind, Section
from quizapp.services.live_quizzes import quizzes_left_short
from quizapp.services.media import MediaStore, media_store
from quizapp.services.question_bulk import (
    NewEvent,
    NewQuestion,
    NewVersion,
    insert_history,
    insert_questions,
    insert_versions,
    version_content,
)
from quizapp.services.questions import version_to_domain
from quizapp.services.quizzes import live_candidates
from quizapp.services.unit_of_work import unit_of_work


@dataclass(frozen=True)
class SectionLoadResult:
    """What one load did to one section's questions."""

    article_slug: str
    section_slug: str
    section_title: str
    questions: int
    added: int
    new_versions: int


@dataclass(frozen=True)
class LoadReport:
    """The outcome of a bank load, section by section."""

    sections: tuple[SectionLoadResult, ...]

    @property
    def questions(self) -> int:
        return sum(s.questions for s in self.sections)

    @property
    def added(self) -> int:
        return sum(s.added for s in self.sections)

    @property
    def new_versions(self) -> int:
        return sum(s.new_versions for s in self.sections)


def load_bank(path: Path, *, now: dt.datetime) -> LoadReport:
    """Upsert every article and question under ``path``, all or nothing.

    Questions are keyed by article slug + question id. An unchanged question is left
    alone; a changed one gets a new version. New, changed and moved questions get an
    entry in their history with no actor (the bank files made the change). Raises
    ``BankError`` (and writes nothing) when the files are invalid or conflict with what is
    stored.
    """
    banks = read_bank(path)
    # Before the rows that show them; content-addressed, so a repeated load writes nothing.
    media_store().store(image for bank in banks for image in bank.media)
    results: list[SectionLoadResult] = []
    with unit_of_work():
        for bank in banks:
            results.extend(_upsert_article_bank(bank, path, now))
    return LoadReport(tuple(results))


def _upsert_article_bank(
    bank: ArticleBank, root: Path, now: dt.datetime
) -> list[SectionLoadResult]:
    parsed = bank.article
    article = db.session.execute(
        db.select(Article)
        .where(Article.slug == parsed.slug)
        .options(selectinload(Article.sections))
    ).scalar_one_or_none()
    # What open quizzes could draw before the load: a load must not leave one short.
    drawable_before = live_candidates(article.id) if article is not None else []
    if article is None:
        article = Article(slug=parsed.slug, created_at=now)
        db.session.add(article)
    article.title = parsed.title
    article.authors = list(parsed.authors)
    article.published = parsed.published
    article.source = parsed.source

    sections = _sync_sections(article, parsed, root)
    db.session.flush()

    stored = {
        q.bank_id: q
        for q in db.session.execute(
            db.select(Question)
            .where(Question.article_id == article.id)
            .options(selectinload(Question.current_version))
        ).scalars()
    }
    # Rows are gathered and written in bulk after the loop (see question_bulk).
    new_questions: list[NewQuestion] = []
    new_versions: list[NewVersion] = []
    edits: list[NewEvent] = []
    results = []
    for section_slug, questions in bank.questions_by_section.items():
        section = sections[section_slug]
        added = changed = 0
        for question in questions:
            content = version_content(question)
            existing = stored.get(question.id)
            if existing is None:
                new_questions.append(NewQuestion(section.id, question.id, content))
                added += 1
                continue
            moved = existing.section_id != section.id
            if moved:
                existing.section_id = section.id
            edited = existing.current_version.content_hash != content.content_hash
            if edited:
                number = existing.current_version_number + 1
                new_versions.append(NewVersion(existing.id, number, content))
                existing.current_version_number = number
                changed += 1
            if moved or edited:
                edits.append(
                    NewEvent(existing.id, QuestionEventKind.EDIT, existing.current_version_number)
                )
        results.append(
            SectionLoadResult(
                article_slug=parsed.slug,
                section_slug=section_slug,
                section_title=section.title,
                questions=len(questions),
                added=added,
                new_versions=changed,
            )
        )
    insert_questions(article.id, new_questions, author_id=None, now=now)
    insert_versions(new_versions, author_id=None, now=now)
    insert_history(edits, actor_id=None, now=now)
    db.session.flush()
    short = quizzes_left_short(article.id, drawable_before, live_candidates(article.id), now)
    if short:
        where = str(root / parsed.slug)
        raise BankError([BankProblem(where, 0, problem) for problem in short])
    return results


def _sync_sections(article: Article, parsed: DomainArticle, root: Path) -> dict[str, Section]:
    by_slug = {s.slug: s for s in article.sections}
    wanted = {s.slug for s in parsed.sections}
    for slug, section in by_slug.items():
        if slug in wanted:
            continue
        if section.id is not None and _section_has_questions(section.id):
            raise BankError(
                (
                    BankProblem(
                        str(root / parsed.slug / "article.md"),
                        1,
                        f"section '{section.title}' ({slug}) is missing, but the database "
                        "has questions tied to it; keep the section or move its questions",
                    ),
                )
            )
        article.sections.remove(section)
    place_sections(article, parsed.sections, by_slug)
    return {slug: by_slug[slug] for slug in wanted}


def place_sections(
    article: Article, parsed_sections: Sequence[DomainSection], by_slug: dict[str, Section]
) -> None:
    """Give the article's sections (``by_slug``) the parsed titles, positions and text,
    adding the new ones to the article and to ``by_slug``."""
    for parsed_section in parsed_sections:
        kept = by_slug.get(parsed_section.slug)
        if kept is None:
            kept = Section(slug=parsed_section.slug)
            article.sections.append(kept)
            by_slug[parsed_section.slug] = kept
        kept.title = parsed_section.title
        kept.position = parsed_section.position
        kept.body = parsed_section.body


def _section_has_questions(section_id: int) -> bool:
    return (
        db.session.execute(
            db.select(Question.id).where(Question.section_id == section_id).limit(1)
        ).first()
        is not None
    )


def export_bank(out_dir: Path) -> list[Path]:
    """Write every article and its current, unretired questions in the bank format."""
    articles = db.session.execute(
        db.select(Article).options(selectinload(Article.sections)).order_by(Article.slug)
    ).scalars()
    questions_by_article: dict[int, list[Question]] = defaultdict(list)
    for question in db.session.execute(
        db.select(Question)
        .where(Question.retired_at.is_(None))
        .options(selectinload(Question.current_version), selectinload(Question.section))
        .order_by(Question.id)
    ).scalars():
        questions_by_article[question.article_id].append(question)

    store = media_store()
    banks = []
    for article in articles:
        by_section: dict[str, list] = {s.slug: [] for s in article.sections}
        for question in questions_by_article[article.id]:
            by_section[question.section.slug].append(
                version_to_domain(question.current_version, question.bank_id)
            )
        shown = bank_media_names(q for group in by_section.values() for q in group)
        banks.append(
            ArticleBank(
                article=article_to_domain(article),
                questions_by_section={k: tuple(v) for k, v in by_section.items() if v},
                media=tuple(_stored_images(store, shown)),
            )
        )
    return write_bank(banks, out_dir)


def _stored_images(store: MediaStore, names: list[str]) -> Iterator[MediaFile]:
    # A missing file (a media folder not copied to this server) is left out: the
    # question's alt text still reads, and the export names what it wrote.
    for name in names:
        data = store.read(name)
        if data is not None:
            yield MediaFile(name, data)


def article_to_domain(article: Article) -> DomainArticle:
    """The stored article (with its sections) as the domain's article."""
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
