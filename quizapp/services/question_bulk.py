"""Writing many questions at once: a teacher's import, a command-line import, a bank load.

The one-question path (``question_authoring.save_question``) adds ORM objects and looks up
a free bank id with a query, which flushes the session; done once per question, a 3,000
question import took 18 s and 12,000 passed the worker timeout. Here rows are plain
values inserted with a few executemany statements (ids come back through RETURNING in the
order sent), each question's content is turned into its bank mapping once (its hash is
taken from that mapping), and bank ids are chosen against one read of the article's ids.
The rows stored are the same as the one-question path's: a question, version 1 and a
"create" event; a changed question gets a new version and an "edit" event.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert

from quizapp.domain.questions import Question as DomainQuestion
from quizapp.domain.text import slugify
from quizapp.extensions import db
from quizapp.models import Question, QuestionEvent, QuestionEventKind, QuestionVersion
from quizapp.services.questions import COMMON_FIELDS, further_evidence_column

# Ids are slugs of the prompt; long prompts are cut at a word boundary so ids stay readable.
BANK_ID_LENGTH = 60


def bank_id_base(text: str) -> str:
    """The bank id a question named or prompted ``text`` would like to have."""
    base = slugify(text)
    if len(base) > BANK_ID_LENGTH:
        cut = base[:BANK_ID_LENGTH]
        base = cut.rsplit("-", 1)[0] if "-" in cut else cut
    return base or "question"


def free_bank_id(base: str, taken: set[str]) -> str:
    """``base``, or ``base-2``, ``base-3``... whichever is not in ``taken``; added to it."""
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}-{number}", number + 1
    taken.add(candidate)
    return candidate


def taken_bank_ids(article_id: int) -> set[str]:
    """Every bank id already used in the article (one query)."""
    return set(
        db.session.execute(
            db.select(Question.bank_id).where(Question.article_id == article_id)
        ).scalars()
    )


@dataclass(frozen=True)
class VersionContent:
    """A question's content as a version row stores it, with its fingerprint.

    ``content_hash`` equals :func:`quizapp.services.questions.content_hash` of the
    question; it is computed from the same mapping as the columns, so the question is
    turned into a mapping once instead of twice.
    """

    columns: dict[str, Any]
    content_hash: str


def version_content(question: DomainQuestion) -> VersionContent:
    """The version columns and content hash of ``question`` (one ``to_mapping`` call)."""
    mapping = question.to_mapping()
    hashed = {k: v for k, v in mapping.items() if k != "id"}
    canonical = json.dumps(hashed, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    columns = {
        "type": question.type_name,
        "prompt": question.prompt,
        "fields": {k: v for k, v in mapping.items() if k not in COMMON_FIELDS},
        "evidence": question.evidence,
        "further_evidence": further_evidence_column(question),
        "explanation": question.explanation,
        "difficulty": question.difficulty,
        "points": question.points,
        "tags": list(question.tags),
    }
    return VersionContent(columns, hashlib.sha256(canonical.encode("utf-8")).hexdigest())


@dataclass(frozen=True)
class NewQuestion:
    """A question to add: where it goes, its bank id, and its content."""

    section_id: int
    bank_id: str
    content: VersionContent


@dataclass(frozen=True)
class NewVersion:
    """A new version of a stored question (an edit by the bank files)."""

    question_id: int
    number: int
    content: VersionContent


@dataclass(frozen=True)
class NewEvent:
    """One row of a question's history to write."""

    question_id: int
    kind: QuestionEventKind
    version_number: int | None


def insert_questions(
    article_id: int,
    questions: Sequence[NewQuestion],
    *,
    author_id: int | None,
    now: dt.datetime,
) -> list[int]:
    """Insert the questions, their first versions and "create" events; return their ids.

    Runs inside the caller's unit of work; the ids are in the order of ``questions``.
    """
    if not questions:
        return []
    ids = list(
        db.session.scalars(
            insert(Question).returning(Question.id, sort_by_parameter_order=True),
            [
                {
                    "article_id": article_id,
                    "section_id": new.section_id,
                    "bank_id": new.bank_id,
                    "current_version_number": 1,
                    "evidence_stale": False,
                    "created_at": now,
                }
                for new in questions
            ],
        )
    )
    insert_versions(
        [NewVersion(qid, 1, new.content) for qid, new in zip(ids, questions, strict=True)],
        author_id=author_id,
        now=now,
    )
    insert_history(
        [NewEvent(qid, QuestionEventKind.CREATE, 1) for qid in ids],
        actor_id=author_id,
        now=now,
    )
    return ids


def insert_versions(
    versions: Sequence[NewVersion], *, author_id: int | None, now: dt.datetime
) -> None:
    """Insert version rows in one executemany (the caller moves ``current_version_number``)."""
    if versions:
        db.session.execute(
            insert(QuestionVersion),
            [
                {
                    "question_id": version.question_id,
                    "number": version.number,
                    **version.content.columns,
                    "content_hash": version.content.content_hash,
                    "created_by_id": author_id,
                    "created_at": now,
                }
                for version in versions
            ],
        )


def insert_history(entries: Iterable[NewEvent], *, actor_id: int | None, now: dt.datetime) -> None:
    """Add history rows (as ``question_authoring.record_event`` does, in one statement)."""
    rows = [
        {
            "question_id": entry.question_id,
            "kind": entry.kind,
            "actor_id": actor_id,
            "version_number": entry.version_number,
            "at": now,
        }
        for entry in entries
    ]
    if rows:
        db.session.execute(insert(QuestionEvent), rows)
