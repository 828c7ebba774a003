"""The teacher's import pages: upload a file, preview it, confirm.

The upload is read question by question. In "all or nothing" mode any problem sends the
teacher back to the form with every problem; in "import what can be imported" mode the
preview lists the skipped questions with where and why, and the confirmation imports the
others. Either way each question is matched with the section's (``import_matching``), so
importing a file again adds nothing that is already there. The file waits on the server
between preview and confirmation (``pending_imports``); the page carries only its id.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import joinedload

from quizapp.domain.interchange import FileRefused, InterchangeError, ReadResult
from quizapp.extensions import db
from quizapp.models import Section
from quizapp.services.articles import articles_with_sections
from quizapp.services.errors import AuthoringError, NotFound, RequestRefused
from quizapp.services.import_matching import Match, apply_plan, plan_import
from quizapp.services.interchange import (
    IMPORT_FORMATS,
    PREVIEW_QUESTIONS,
    PROBLEMS_LISTED,
    ImportTarget,
    check_size,
    first_problems,
    more_problems,
    nothing_to_import,
    read_file,
)
from quizapp.services.pending_imports import (
    GONE,
    discard_upload,
    keep_upload,
    pending_upload,
)
from quizapp.services.questions import PreviewQuestion
from quizapp.services.unit_of_work import unit_of_work


@dataclass(frozen=True)
class SectionChoice:
    """A section imported questions can go to, grouped by its article."""

    value: str
    label: str
    article_title: str


@dataclass(frozen=True)
class ImportUpload:
    """A file sent for import: its size is known before ``read`` is called.

    ``skip_problems`` is the teacher's choice: import what can be imported (true), or
    all or nothing (false, the default).
    """

    filename: str
    format_name: str
    section_id: str
    size: int
    read: Callable[[], bytes]
    skip_problems: bool = False


@dataclass(frozen=True)
class ImportPage:
    """The upload form (again), with what was wrong with the file or the section.

    ``problems`` lists the first ``PROBLEMS_LISTED`` of ``problem_count`` problems under
    ``summary``; ``file_error`` is a limit the file is over, shown next to the file field.
    """

    sections: tuple[SectionChoice, ...]
    problems: tuple[str, ...] = ()
    problem_count: int = 0
    section_error: str | None = None
    file_error: str | None = None
    summary: str = ""

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

    ``questions`` are the first ``PREVIEW_QUESTIONS`` of ``question_count`` importable
    questions, each with what importing it does (``matches``: "new", "unchanged...",
    "new version of x"); ``type_counts`` sums up all of them. ``skipped`` lists the first
    skipped questions (where and why) of ``skipped_count``. ``pending_id`` is the upload
    kept on the server for the confirmation.
    """

    sections: tuple[SectionChoice, ...]
    pending_id: int
    filename: str
    article_title: str
    section_title: str
    question_count: int
    type_counts: tuple[TypeCount, ...]
    questions: tuple[PreviewQuestion, ...]
    matches: tuple[str, ...]
    new_count: int
    version_count: int
    unchanged_count: int
    skipped: tuple[str, ...] = ()
    skipped_count: int = 0
    # What the teacher should know before confirming (an image that came without alt text).
    warnings: tuple[str, ...] = ()

    @property
    def not_shown(self) -> int:
        """How many questions the page does not show."""
        return self.question_count - len(self.questions)

    @property
    def more_skipped(self) -> int:
        """How many skipped questions the page does not list."""
        return self.skipped_count - len(self.skipped)


@dataclass(frozen=True)
class ImportDone:
    """The import was saved: how many questions were added, versioned, left, skipped."""

    added: int
    new_versions: int
    unchanged: int
    skipped: int
    article_id: int
    section_id: int
    section_title: str

    @property
    def count(self) -> int:
        """How many questions were written (added or given a new version)."""
        return self.added + self.new_versions


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


def _problem_page(
    sections: tuple[SectionChoice, ...], problems: Sequence[object], summary: str = ""
) -> ImportPage:
    listed, _ = first_problems(problems)
    count = len(problems)
    summary = (
        summary or f"{count:,} problem{'' if count == 1 else 's'} found; nothing was imported."
    )
    return ImportPage(sections, tuple(str(p) for p in listed), problem_count=count, summary=summary)


def _refused_page(sections: tuple[SectionChoice, ...], error: FileRefused) -> ImportPage:
    return ImportPage(sections, file_error="; ".join(str(p) for p in error.problems))


def _unusable(
    sections: tuple[SectionChoice, ...], result: ReadResult, skip: bool
) -> ImportPage | None:
    """The page saying why nothing can be imported, or None when something can."""
    nothing = nothing_to_import(result, skip_problems=skip)
    if nothing is None:
        return None
    if nothing.none_importable:
        summary = f"{nothing.none_importable_summary} Each is listed with where it is and why:"
        return _problem_page(sections, nothing.problems, summary)
    return _problem_page(sections, nothing.problems)


def _read(
    data: bytes,
    filename: str,
    format_name: str,
    max_bytes: int,
    warnings: list[str] | None = None,
) -> ReadResult | FileRefused | InterchangeError:
    try:
        return read_file(data, filename, format_name, max_bytes=max_bytes, warnings=warnings)
    except InterchangeError as error:
        return error


def _error_page(sections: tuple[SectionChoice, ...], error: InterchangeError) -> ImportPage:
    if isinstance(error, FileRefused):
        return _refused_page(sections, error)
    return _problem_page(sections, error.problems)


def preview_import(
    upload: ImportUpload | None, *, owner_id: int, now: dt.datetime, max_bytes: int
) -> ImportPage | ImportPreview:
    """Read an uploaded file, keep it for the confirmation and show its first questions
    with what importing each would do; or say what is wrong with it.

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
    except FileRefused as error:
        return _refused_page(sections, error)
    data = upload.read()
    warnings: list[str] = []
    result = _read(data, upload.filename, upload.format_name, max_bytes, warnings)
    if isinstance(result, InterchangeError):
        return _error_page(sections, result)
    unusable = _unusable(sections, result, upload.skip_problems)
    if unusable is not None:
        return unusable
    plan = plan_import(
        target.section.id, result.questions, IMPORT_FORMATS[upload.format_name].not_carried
    )
    pending_id = keep_upload(
        owner_id=owner_id,
        section_id=target.section.id,
        filename=upload.filename,
        format_name=upload.format_name,
        skip_problems=upload.skip_problems,
        content=data,
        now=now,
    )
    shown = plan[:PREVIEW_QUESTIONS]
    counts = Counter(item.match for item in plan)
    skipped, _ = first_problems(result.skipped)
    return ImportPreview(
        sections,
        pending_id,
        upload.filename,
        target.article.title,
        target.section.title,
        len(plan),
        tuple(
            TypeCount(n, c)
            for n, c in Counter(r.question.type_name for r in result.questions).items()
        ),
        tuple(PreviewQuestion(read.question) for read in result.questions[:PREVIEW_QUESTIONS]),
        tuple(item.label for item in shown),
        counts[Match.NEW],
        counts[Match.NEW_VERSION],
        counts[Match.UNCHANGED],
        tuple(str(s) for s in skipped),
        len(result.skipped),
        tuple(warnings[:PROBLEMS_LISTED]),
    )


def confirm_import(
    pending_id: int, *, owner_id: int, now: dt.datetime, max_bytes: int
) -> ImportDone | ImportPage:
    """Save the previewed file's questions; or the upload form with the problems.

    The upload must be the teacher's and still waiting (:class:`NotFound` otherwise:
    confirmed already, expired, or someone else's). It is read again and matched again
    with the section as it is now, then saved and deleted in one transaction: in "all or
    nothing" mode nothing is saved if any question has a problem.
    """
    pending = pending_upload(pending_id, owner_id=owner_id, now=now)
    target = _target_of(str(pending.section_id))
    if target is None:
        raise RequestRefused("Choose a section for the imported questions.")
    result = _read(pending.content, pending.filename, pending.format_name, max_bytes)
    if isinstance(result, InterchangeError):
        return _error_page(_section_choices(), result)
    unusable = _unusable(_section_choices(), result, pending.skip_problems)
    if unusable is not None:
        return unusable
    try:
        with unit_of_work():
            if not discard_upload(pending.id, owner_id=owner_id):
                raise NotFound(GONE)
            plan = plan_import(
                target.section.id,
                result.questions,
                IMPORT_FORMATS[pending.format_name].not_carried,
            )
            applied = apply_plan(
                article_id=target.article.id,
                section_id=target.section.id,
                plan=plan,
                author_id=owner_id,
                now=now,
            )
    except AuthoringError as error:
        return _problem_page(_section_choices(), error.problems)
    return ImportDone(
        applied.added,
        applied.new_versions,
        applied.unchanged,
        len(result.skipped),
        target.article.id,
        target.section.id,
        target.section.title,
    )
