"""Importing questions from GIFT, Moodle XML and Aiken files, and exporting them."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import zlib
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from sqlalchemy.orm import joinedload

from quizapp.domain.interchange import FileRefused, InterchangeError, InterchangeProblem
from quizapp.domain.interchange.aiken import parse_aiken
from quizapp.domain.interchange.gift import dump_gift, parse_gift
from quizapp.domain.interchange.moodle_xml import dump_moodle_xml, parse_moodle_xml
from quizapp.domain.media import MediaCollector
from quizapp.domain.questions import Question as DomainQuestion
from quizapp.extensions import db
from quizapp.models import Article, Question, Section
from quizapp.services.articles import articles_with_sections
from quizapp.services.errors import AuthoringError, RequestRefused
from quizapp.services.media import media_store
from quizapp.services.question_authoring import AddedQuestion, add_questions
from quizapp.services.questions import PreviewQuestion, version_to_domain


class Parser(Protocol):
    """A format's reader: the file's bytes and name, and the most questions to accept."""

    def __call__(
        self, data: bytes, path: str, /, *, max_questions: int | None = None
    ) -> list[DomainQuestion]: ...


IMPORT_FORMATS: dict[str, tuple[str, Parser]] = {
    "gift": ("GIFT", parse_gift),
    "moodle-xml": ("Moodle XML", parse_moodle_xml),
    "aiken": ("Aiken", parse_aiken),
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


def parse_file(
    data: bytes,
    filename: str,
    format_name: str,
    *,
    max_bytes: int,
    warnings: list[str] | None = None,
) -> list[DomainQuestion]:
    """Parse an uploaded file and store the images it carries; raises ``InterchangeError``
    listing every problem.

    Files over ``max_bytes`` are refused before any parsing, and files holding more than
    ``MAX_QUESTIONS_PER_IMPORT`` questions before any question is read (both as
    :class:`FileRefused`). Images (Moodle XML only) are stored only once the whole file
    reads well; being content-addressed, storing them again on confirmation writes
    nothing. What the teacher should know but that stops nothing goes to ``warnings``.
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
        questions = parse_moodle_xml(
            data, filename, max_questions=MAX_QUESTIONS_PER_IMPORT, media=media
        )
    else:
        parse = IMPORT_FORMATS[format_name][1]
        questions = parse(data, filename, max_questions=MAX_QUESTIONS_PER_IMPORT)
    if not questions:
        raise InterchangeError(
            [InterchangeProblem(path=filename, message="the file holds no questions")]
        )
    if media is not None:
        store.store(media.files.values())
        if warnings is not None:
            warnings.extend(media.warnings)
    return questions


def import_questions(
    target: ImportTarget,
    questions: Sequence[DomainQuestion],
    *,
    author_id: int | None,
    now: dt.datetime,
) -> list[AddedQuestion]:
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
    questions = current_questions(section_id)
    if format_name == "moodle-xml":
        return dump_moodle_xml(questions, category=category, media=media_store().read)
    return EXPORT_FORMATS[format_name](questions, category=category)


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
    """The upload form (again), with what was wrong with the file or the section.

    ``problems`` lists the first ``PROBLEMS_LISTED`` of ``problem_count`` problems;
    ``file_error`` is a limit the file is over, shown next to the file field.
    """

    sections: tuple[SectionChoice, ...]
    problems: tuple[str, ...] = ()
    problem_count: int = 0
    section_error: str | None = None
    file_error: str | None = None

    @property
    def more_problems(self) -> str | None:
        """The line standing for the problems not listed, if any."""
        more = self.problem_count - len(self.problems)
        return more_problems(more) if more > 0 else None


@dataclass(frozen=True)
class TypeCount:
    """How many questions of one type the file holds."""

    type_name: str
    count: int


@dataclass(frozen=True)
class ImportPreview:
    """The file's first questions as students will see them, before anything is saved.

    ``questions`` are the first ``PREVIEW_QUESTIONS`` of ``question_count``, so the page
    stays small whatever the file holds; ``type_counts`` sums up all of them.
    ``content`` and ``encoding`` carry the file to the confirmation (see
    :func:`encode_upload`). ``warnings`` are what the teacher should know before
    confirming (an image that came without alt text).
    """

    sections: tuple[SectionChoice, ...]
    filename: str
    article_title: str
    section_title: str
    content: str
    encoding: str
    question_count: int
    type_counts: tuple[TypeCount, ...]
    questions: tuple[PreviewQuestion, ...]
    warnings: tuple[str, ...] = ()

    @property
    def not_shown(self) -> int:
        """How many questions the page does not show."""
        return self.question_count - len(self.questions)


@dataclass(frozen=True)
class ImportDone:
    """The questions were saved."""

    count: int
    article_id: int
    section_id: int
    section_title: str


# Files up to this size travel as plain base64; bigger ones compressed first (a 4.5 MB
# GIFT file is about 0.5 MB compressed), so the preview page does not carry 6 MB back.
_PLAIN_UPLOAD_BYTES = 64 * 1024
ZLIB = "zlib"
DAMAGED = "The previewed file was damaged; upload it again."


def encode_upload(data: bytes) -> tuple[str, str]:
    """The file as text for the preview page's hidden field, and how it is encoded."""
    if len(data) <= _PLAIN_UPLOAD_BYTES:
        return base64.b64encode(data).decode("ascii"), ""
    return base64.b64encode(zlib.compress(data, 6)).decode("ascii"), ZLIB


def decode_upload(content: str, encoding: str, *, max_bytes: int) -> bytes:
    """The file back from :func:`encode_upload`'s text; raises ``RequestRefused`` if damaged.

    Decompression stops past ``max_bytes``, so tampered content cannot blow up in memory.
    """
    try:
        raw = base64.b64decode(content, validate=True)
        if encoding == "":
            return raw
        if encoding != ZLIB:
            raise ValueError(f"unknown encoding {encoding!r}")
        inflater = zlib.decompressobj()
        data = inflater.decompress(raw, max_bytes + 1)
    except (binascii.Error, ValueError, zlib.error) as error:
        raise RequestRefused(DAMAGED) from error
    # Unfinished and not over the limit: cut short. (Over it, the size check says so.)
    if not inflater.eof and len(data) <= max_bytes:
        raise RequestRefused(DAMAGED)
    return data


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


def _problem_page(sections: tuple[SectionChoice, ...], problems: Sequence[object]) -> ImportPage:
    listed, _ = first_problems(problems)
    return ImportPage(sections, tuple(str(p) for p in listed), problem_count=len(problems))


def _refused_page(sections: tuple[SectionChoice, ...], error: FileRefused) -> ImportPage:
    return ImportPage(sections, file_error="; ".join(str(p) for p in error.problems))


def preview_import(upload: ImportUpload | None, *, max_bytes: int) -> ImportPage | ImportPreview:
    """Read an uploaded file and show its first questions, or say what is wrong with it.

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
        warnings: list[str] = []
        questions = parse_file(
            data, upload.filename, upload.format_name, max_bytes=max_bytes, warnings=warnings
        )
    except FileRefused as error:
        return _refused_page(sections, error)
    except InterchangeError as error:
        return _problem_page(sections, error.problems)
    content, encoding = encode_upload(data)
    counts = Counter(q.type_name for q in questions)
    return ImportPreview(
        sections,
        upload.filename,
        target.article.title,
        target.section.title,
        content,
        encoding,
        len(questions),
        tuple(TypeCount(name, count) for name, count in counts.items()),
        tuple(PreviewQuestion(q) for q in questions[:PREVIEW_QUESTIONS]),
        tuple(warnings[:PROBLEMS_LISTED]),
    )


def confirm_import(
    section_id: str,
    filename: str,
    format_name: str,
    content: str,
    encoding: str = "",
    *,
    author_id: int,
    now: dt.datetime,
    max_bytes: int,
) -> ImportDone | ImportPage:
    """Save the previewed questions, all or nothing; or the upload form with the problems.

    ``content`` is the preview page's text of the file; damaged text raises
    ``RequestRefused``.
    """
    data = decode_upload(content, encoding, max_bytes=max_bytes)
    target = _target_of(section_id)
    if target is None:
        raise RequestRefused("Choose a section for the imported questions.")
    try:
        questions = parse_file(data, filename, format_name, max_bytes=max_bytes)
        import_questions(target, questions, author_id=author_id, now=now)
    except FileRefused as error:
        return _refused_page(_section_choices(), error)
    except InterchangeError as error:
        return _problem_page(_section_choices(), error.problems)
    except AuthoringError as error:
        return _problem_page(_section_choices(), error.problems)
    return ImportDone(len(questions), target.article.id, target.section.id, target.section.title)
