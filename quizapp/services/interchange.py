"""Importing questions from GIFT, Moodle XML and Aiken files, and exporting them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple, Protocol, TypeVar

from sqlalchemy.orm import joinedload

from quizapp.domain.interchange import (
    FileRefused,
    InterchangeError,
    InterchangeProblem,
    ReadResult,
)
from quizapp.domain.interchange.aiken import read_aiken
from quizapp.domain.interchange.gift import dump_gift, read_gift
from quizapp.domain.interchange.moodle_xml import dump_moodle_xml, read_moodle_xml
from quizapp.domain.media import MediaCollector
from quizapp.domain.questions import Question as DomainQuestion
from quizapp.extensions import db
from quizapp.models import Article, Question, Section
from quizapp.services.media import media_store
from quizapp.services.questions import version_to_domain


class Reader(Protocol):
    """A format's reader: the file's bytes and name, and the most questions to accept."""

    def __call__(
        self, data: bytes, path: str, /, *, max_questions: int | None = None
    ) -> ReadResult: ...


class ImportFormat(NamedTuple):
    """A format files are imported from: its name for people, its reader, and the bank
    fields it has no place for (a re-import leaves them as they are in QuizApp)."""

    label: str
    read: Reader
    not_carried: frozenset[str]


IMPORT_FORMATS: dict[str, ImportFormat] = {
    "gift": ImportFormat("GIFT", read_gift, frozenset({"evidence", "difficulty", "points"})),
    "moodle-xml": ImportFormat(
        "Moodle XML", read_moodle_xml, frozenset({"evidence", "difficulty"})
    ),
    "aiken": ImportFormat(
        "Aiken",
        read_aiken,
        frozenset({"evidence", "difficulty", "points", "explanation", "tags"}),
    ),
}
EXPORT_FORMATS: dict[str, Callable[..., str]] = {
    "gift": dump_gift,
    "moodle-xml": dump_moodle_xml,
}

# One import adds at most this many questions: far above any real quiz bank, and what
# the bulk insert does in a few seconds (bench/bench_import.py), well inside a request.
MAX_QUESTIONS_PER_IMPORT = 10_000
# A file with more problems lists the first ones and counts the rest: 600 KB of broken
# GIFT made 199,999 problems, an 18.9 MB page.
PROBLEMS_LISTED = 100
# The preview shows this many questions and counts the rest, whatever the file's size.
PREVIEW_QUESTIONS = 50

ProblemT = TypeVar("ProblemT")


def first_problems(problems: Sequence[ProblemT]) -> tuple[Sequence[ProblemT], int]:
    """The problems to list (the first ``PROBLEMS_LISTED``) and how many more there are."""
    return problems[:PROBLEMS_LISTED], max(0, len(problems) - PROBLEMS_LISTED)


def more_problems(count: int) -> str:
    """The line that stands for the problems not listed."""
    return f"and {count:,} more problem{'' if count == 1 else 's'} (fix these first)"


@dataclass(frozen=True)
class NothingToImport:
    """Why nothing of a read file is imported, and what to list.

    Either the teacher asked for all or nothing and some question has a problem
    (``problems``: every problem, in file order), or no question of the file can be
    imported at all (``none_importable``; ``problems``: the skipped questions).
    """

    problems: Sequence[object]
    none_importable: bool

    @property
    def none_importable_summary(self) -> str:
        """The line saying that no question can be imported (when that is the reason)."""
        count = len(self.problems)
        return (
            f"None of the {count:,} question{'' if count == 1 else 's'} in the file can be "
            "imported, so nothing was imported."
        )


def nothing_to_import(result: ReadResult, *, skip_problems: bool) -> NothingToImport | None:
    """Why nothing of ``result`` is imported, or None when some questions are.

    ``skip_problems`` is "import what can be imported"; without it, all or nothing.
    """
    if result.skipped and not skip_problems:
        return NothingToImport(result.problems, none_importable=False)
    if not result.questions:
        return NothingToImport(result.skipped, none_importable=True)
    return None


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
        raise FileRefused(
            [
                InterchangeProblem(
                    path=filename, message=f"the file is {size:,} bytes; the limit is {max_bytes:,}"
                )
            ]
        )


def read_file(
    data: bytes,
    filename: str,
    format_name: str,
    *,
    max_bytes: int,
    warnings: list[str] | None = None,
) -> ReadResult:
    """Read an uploaded file question by question (see :class:`ReadResult`) and store the
    images it carries.

    Raises ``InterchangeError`` for the file as a whole: an unknown format, a file the
    format cannot read at all, a file with no question. Files over ``max_bytes`` are
    refused before any reading, and files holding more than ``MAX_QUESTIONS_PER_IMPORT``
    questions before any question is read (both as :class:`FileRefused`). Images (Moodle
    XML only) are stored once the file has been read, so the preview can show them; being
    content-addressed, storing them again on confirmation writes nothing. What the teacher
    should know but that stops nothing (an image without alt text) goes to ``warnings``.
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
    store = media_store()
    media: MediaCollector | None = None
    if format_name == "moodle-xml":
        media = store.collector()
        result = read_moodle_xml(
            data, filename, max_questions=MAX_QUESTIONS_PER_IMPORT, media=media
        )
    else:
        read = IMPORT_FORMATS[format_name].read
        result = read(data, filename, max_questions=MAX_QUESTIONS_PER_IMPORT)
    if not result.questions and not result.skipped:
        raise InterchangeError(
            [InterchangeProblem(path=filename, message="the file holds no questions")]
        )
    if media is not None:
        store.store(media.files.values())
        if warnings is not None:
            warnings.extend(media.warnings)
    return result


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
    questions = current_questions(section_id)
    if format_name == "moodle-xml":
        return dump_moodle_xml(questions, category=category, media=media_store().read)
    return EXPORT_FORMATS[format_name](questions, category=category)
