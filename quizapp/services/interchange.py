"""Importing questions from GIFT, Moodle XML and Aiken files, and exporting them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import joinedload

from quizapp.domain.interchange import InterchangeError, InterchangeProblem
from quizapp.domain.interchange.aiken import parse_aiken
from quizapp.domain.interchange.gift import dump_gift, parse_gift
from quizapp.domain.interchange.moodle_xml import dump_moodle_xml, parse_moodle_xml
from quizapp.domain.questions import Question as DomainQuestion
from quizapp.extensions import db
from quizapp.models import Article, Question, Section
from quizapp.services.articles import articles_with_sections
from quizapp.services.errors import AuthoringError, RequestRefused
from quizapp.services.question_authoring import add_questions
from quizapp.services.questions import PreviewQuestion, version_to_domain

Parser = Callable[[bytes, str], list[DomainQuestion]]
IMPORT_FORMATS: dict[str, tuple[str, Parser]] = {
    "gift": ("GIFT", parse_gift),
    "moodle-xml": ("Moodle XML", parse_moodle_xml),
    "aiken": ("Aiken", parse_aiken),
}
EXPORT_FORMATS: dict[str, Callable[..., str]] = {
    "gift": dump_gift,
    "moodle-xml": dump_moodle_xml,
}


@dataclass(frozen=True)
class ImportTarget:
    """The section imported questions go to."""

    article: Article
    section: Section


def find_target(article_slug: str, section_slug: str) -> ImportTarget | None:
    """The section with these slugs, or None."""
    section = db.session.execute(
        db.select(Section)
        .join(Article, Article.id == Section.article_id)
        .options(joinedload(Section.article))
        .where(Article.slug == article_slug, Section.slug == section_slug)
    ).scalar_one_or_none()
    return ImportTarget(section.article, section) if section else None


def check_size(size: int, filename: str, *, max_bytes: int) -> None:
    """Refuse a file over the limit, saying how big it is, before anything reads it."""
    if size > max_bytes:
        raise InterchangeError(
            [
                InterchangeProblem(
                    path=filename, message=f"the file is {size:,} bytes; the limit is {max_bytes:,}"
                )
            ]
        )


def parse_file(
    data: bytes, filename: str, format_name: str, *, max_bytes: int
) -> list[DomainQuestion]:
    """Parse an uploaded file; raises ``InterchangeError`` listing every problem.

    Files over ``max_bytes`` are refused before any parsing.
    """
    if format_name not in IMPORT_FORMATS:
        raise InterchangeError(
            [
                InterchangeProblem(
                    path=filename,
                    message=f"unknown format '{format_name}'; use one of "
                    + ", ".join(IMPORT_FORMATS),
                )
            ]
        )
    check_size(len(data), filename, max_bytes=max_bytes)
    questions = IMPORT_FORMATS[format_name][1](data, filename)
    if not questions:
        raise InterchangeError(
            [InterchangeProblem(path=filename, message="the file holds no questions")]
        )
    return questions


def import_questions(
    target: ImportTarget,
    questions: Sequence[DomainQuestion],
    *,
    author_id: int | None,
    now: dt.datetime,
) -> list[Question]:
    """Add every question to the section in one transaction (all or nothing)."""
    return add_questions(
        article_id=target.article.id,
        section_id=target.section.id,
        questions=questions,
        author_id=author_id,
        now=now,
    )


def current_questions(section_id: int | None = None) -> list[DomainQuestion]:
    """The current version of every unretired question (of one section, if given)."""
    query = (
        db.select(Question)
        .options(joinedload(Question.current_version))
        .where(Question.retired_at.is_(None))
        .order_by(Question.article_id, Question.section_id, Question.id)
    )
    if section_id is not None:
        query = query.where(Question.section_id == section_id)
    return [
        version_to_domain(q.current_version, q.bank_id) for q in db.session.execute(query).scalars()
    ]


def sections_named(section_slug: str, article_slug: str | None = None) -> list[Section]:
    """Sections with this slug (in the given article, if any)."""
    query = (
        db.select(Section)
        .join(Article, Article.id == Section.article_id)
        .where(Section.slug == section_slug)
    )
    if article_slug:
        query = query.where(Article.slug == article_slug)
    return list(db.session.execute(query).scalars())


def export_questions(format_name: str, section_id: int | None = None) -> str:
    """Current questions (of one section, or all) as GIFT or Moodle XML text.

    One section is written under a category named after it.
    """
    category = None
    if section_id is not None:
        section = db.session.get(Section, section_id)
        if section is None:
            raise LookupError(f"there is no section with id {section_id}")
        category = section.title
    return EXPORT_FORMATS[format_name](current_questions(section_id), category=category)


# ------------------------------------------------------------------- the teacher's pages


@dataclass(frozen=True)
class SectionChoice:
    """A section imported questions can go to, grouped by its article."""

    value: str
    label: str
    article_title: str


@dataclass(frozen=True)
class ImportUpload:
    """A file sent for import: its size is known before ``read`` is called."""

    filename: str
    format_name: str
    section_id: str
    size: int
    read: Callable[[], bytes]


@dataclass(frozen=True)
class ImportPage:
    """The upload form (again), with what was wrong with the file or the section."""

    sections: tuple[SectionChoice, ...]
    problems: tuple[str, ...] = ()
    section_error: str | None = None


@dataclass(frozen=True)
class ImportPreview:
    """Every question of the file as students will see it, before anything is saved."""

    sections: tuple[SectionChoice, ...]
    filename: str
    article_title: str
    section_title: str
    data: bytes
    questions: tuple[PreviewQuestion, ...]


@dataclass(frozen=True)
class ImportDone:
    """The questions were saved."""

    count: int
    article_id: int
    section_id: int
    section_title: str


def _section_choices() -> tuple[SectionChoice, ...]:
    return tuple(
        SectionChoice(str(section.id), section.title, article.title)
        for article in articles_with_sections()
        for section in article.sections
    )


def _target_of(section_id: str) -> ImportTarget | None:
    if not section_id.isdigit():
        return None
    section = db.session.execute(
        db.select(Section).options(joinedload(Section.article)).where(Section.id == int(section_id))
    ).scalar_one_or_none()
    return ImportTarget(section.article, section) if section else None


def preview_import(upload: ImportUpload | None, *, max_bytes: int) -> ImportPage | ImportPreview:
    """Read an uploaded file and show its questions, or say what is wrong with it.

    ``upload`` None (nothing sent yet, or the form was invalid) gives the empty form.
    """
    sections = _section_choices()
    if upload is None:
        return ImportPage(sections)
    target = _target_of(upload.section_id)
    if target is None:
        return ImportPage(sections, section_error="Not a valid choice.")
    try:
        check_size(upload.size, upload.filename, max_bytes=max_bytes)
        data = upload.read()
        questions = parse_file(data, upload.filename, upload.format_name, max_bytes=max_bytes)
    except InterchangeError as error:
        return ImportPage(sections, problems=tuple(str(p) for p in error.problems))
    return ImportPreview(
        sections,
        upload.filename,
        target.article.title,
        target.section.title,
        data,
        tuple(PreviewQuestion(q) for q in questions),
    )


def confirm_import(
    section_id: str,
    filename: str,
    format_name: str,
    data: bytes,
    *,
    author_id: int,
    now: dt.datetime,
    max_bytes: int,
) -> ImportDone | ImportPage:
    """Save the previewed questions, all or nothing; or the upload form with the problems."""
    target = _target_of(section_id)
    if target is None:
        raise RequestRefused("Choose a section for the imported questions.")
    try:
        questions = parse_file(data, filename, format_name, max_bytes=max_bytes)
        import_questions(target, questions, author_id=author_id, now=now)
    except (InterchangeError, AuthoringError) as error:
        problems = [str(p) for p in getattr(error, "problems", [])] or [str(error)]
        return ImportPage(_section_choices(), problems=tuple(problems))
    return ImportDone(len(questions), target.article.id, target.section.id, target.section.title)
