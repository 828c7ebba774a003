"""Re-importing a file without duplicates: each question of the file is matched with the
section's questions, then added, skipped as unchanged, or saved as a new version.

A question the file names (GIFT ``::title::`` or ``[id:...]``, XML ``<name>`` or
``<idnumber>``) is matched by the bank id that name gives, within the target section
(also as ``<id>-2``, ``-3``..., the ids a first import gives when the article already
used the name). A question with the same content is the same question whatever its name,
so an unnamed question is "unchanged" when the section holds its content already.

Content is compared on what the file's format carries: a format with no place for
evidence, difficulty (and for GIFT points, for Aiken also explanation and tags) leaves
those as the teacher set them in QuizApp, and a new version keeps them.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from quizapp.domain.interchange import ReadQuestion
from quizapp.domain.questions import Question as DomainQuestion
from quizapp.domain.questions import QuestionInvalid, question_from_mapping
from quizapp.extensions import db
from quizapp.models import Question, QuestionEventKind
from quizapp.services.errors import AuthoringError
from quizapp.services.question_bulk import (
    NewEvent,
    NewQuestion,
    NewVersion,
    bank_id_base,
    free_bank_id,
    insert_history,
    insert_questions,
    insert_versions,
    taken_bank_ids,
    version_content,
)
from quizapp.services.questions import version_to_domain
from quizapp.services.unit_of_work import unit_of_work


class Match(enum.StrEnum):
    """What importing one question of the file does."""

    NEW = "new"
    UNCHANGED = "unchanged"
    NEW_VERSION = "new version"


@dataclass(frozen=True)
class PlannedQuestion:
    """One question of the file and what importing it does.

    ``stored`` is the content to save (for a new version, the file's content with the
    fields the format does not carry taken from the existing question); ``existing_id``
    and ``existing_bank_id`` name the matched question (none for a new one).
    """

    stored: DomainQuestion
    match: Match
    existing_id: int | None = None
    existing_bank_id: str | None = None
    existing_version: int = 0

    @property
    def label(self) -> str:
        """How the preview names what happens: "new", "unchanged", "new version of x"."""
        if self.match is Match.NEW_VERSION:
            return f"new version of {self.existing_bank_id}"
        if self.match is Match.UNCHANGED:
            return f"unchanged ({self.existing_bank_id}): not imported again"
        return "new"


@dataclass(frozen=True)
class _Existing:
    id: int
    bank_id: str
    version: int
    question: DomainQuestion


def _compared(question: DomainQuestion, not_carried: frozenset[str]) -> str:
    """A fingerprint of what the format carries of ``question`` (its id excluded)."""
    mapping = question.to_mapping()
    kept = {k: v for k, v in mapping.items() if k != "id" and k not in not_carried}
    canonical = json.dumps(kept, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _section_questions(section_id: int) -> list[_Existing]:
    rows = db.session.execute(
        db.select(Question)
        .options(joinedload(Question.current_version))
        .where(Question.section_id == section_id, Question.retired_at.is_(None))
        .order_by(Question.id)
    ).scalars()
    return [
        _Existing(
            row.id,
            row.bank_id,
            row.current_version_number,
            version_to_domain(row.current_version, row.bank_id),
        )
        for row in rows
    ]


class _Names:
    """The section's questions by bank id, and by the name their id was made from when
    it had to take a number (``name-2``)."""

    def __init__(self, existing: Sequence[_Existing]) -> None:
        self.exact = {item.bank_id: item for item in existing}
        self.numbered: dict[str, list[_Existing]] = {}
        for item in existing:
            base, dash, number = item.bank_id.rpartition("-")
            if dash and number.isdigit():
                self.numbered.setdefault(base, []).append(item)

    def find(self, names: Iterable[str], used: set[int]) -> _Existing | None:
        for name in names:
            candidates = [self.exact[name]] if name in self.exact else []
            for item in [*candidates, *self.numbered.get(name, ())]:
                if item.id not in used:
                    return item
        return None


def _merged(
    read: DomainQuestion, existing: DomainQuestion, not_carried: frozenset[str]
) -> DomainQuestion:
    """The file's question keeping what its format cannot say from the existing one."""
    mapping = read.to_mapping()
    kept = existing.to_mapping()
    for field in not_carried:
        mapping.pop(field, None)
        if field in kept:
            mapping[field] = kept[field]
    mapping["id"] = existing.id
    try:
        return question_from_mapping(mapping, require_evidence=False)
    except QuestionInvalid:
        # The kept fields no longer fit the file's question: store the file's as it is.
        return read


def plan_import(
    section_id: int, questions: Sequence[ReadQuestion], not_carried: frozenset[str]
) -> list[PlannedQuestion]:
    """What importing each question into the section would do, in file order."""
    existing = _section_questions(section_id)
    names = _Names(existing)
    by_content: dict[str, _Existing] = {}
    for item in existing:
        by_content.setdefault(_compared(item.question, not_carried), item)
    used: set[int] = set()
    plan: list[PlannedQuestion] = []
    for read in questions:
        fingerprint = _compared(read.question, not_carried)
        found = names.find(read.names, used)
        if found is None:
            same = by_content.get(fingerprint)
            found = same if same is not None and same.id not in used else None
        if found is None:
            plan.append(PlannedQuestion(read.question, Match.NEW))
            continue
        used.add(found.id)
        if _compared(found.question, not_carried) == fingerprint:
            match, stored = Match.UNCHANGED, found.question
        else:
            match, stored = Match.NEW_VERSION, _merged(read.question, found.question, not_carried)
        plan.append(PlannedQuestion(stored, match, found.id, found.bank_id, found.version))
    return plan


@dataclass(frozen=True)
class AppliedPlan:
    """How many questions an import added, gave a new version, and left alone."""

    added: int
    new_versions: int
    unchanged: int


def apply_plan(
    *,
    article_id: int,
    section_id: int,
    plan: Sequence[PlannedQuestion],
    author_id: int | None,
    now: dt.datetime,
) -> AppliedPlan:
    """Save the plan in the caller's unit of work (or its own): new questions in bulk, new
    versions as the editor saves them (a version and an "edit" entry in the history).

    A version number or bank id taken by someone importing at the same moment raises
    :class:`AuthoringError`, and nothing is written.
    """
    new = [item for item in plan if item.match is Match.NEW]
    versions = [item for item in plan if item.match is Match.NEW_VERSION]
    try:
        with unit_of_work():
            taken = taken_bank_ids(article_id)
            insert_questions(
                article_id,
                [
                    NewQuestion(
                        section_id,
                        free_bank_id(bank_id_base(item.stored.id or item.stored.prompt), taken),
                        version_content(item.stored),
                    )
                    for item in new
                ],
                author_id=author_id,
                now=now,
            )
            _save_versions(versions, author_id=author_id, now=now)
    except IntegrityError as error:
        raise AuthoringError(
            ["Someone else changed this section's questions at the same moment. Import again."]
        ) from error
    return AppliedPlan(len(new), len(versions), len(plan) - len(new) - len(versions))


def _save_versions(
    versions: Sequence[PlannedQuestion], *, author_id: int | None, now: dt.datetime
) -> None:
    if not versions:
        return
    numbered = [
        NewVersion(item.existing_id or 0, item.existing_version + 1, version_content(item.stored))
        for item in versions
    ]
    insert_versions(numbered, author_id=author_id, now=now)
    # A concurrent edit that took one of these numbers made the insert above fail on the
    # unique (question, number), so a question only moves to a version written here.
    db.session.execute(
        update(Question),
        [{"id": v.question_id, "current_version_number": v.number} for v in numbered],
    )
    insert_history(
        [NewEvent(v.question_id, QuestionEventKind.EDIT, v.number) for v in numbered],
        actor_id=author_id,
        now=now,
    )
