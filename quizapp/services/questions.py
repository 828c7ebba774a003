"""Conversion between domain questions and stored question versions."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from quizapp.domain.question_types.answer_fields import AnswerTokens
from quizapp.domain.questions import Question as DomainQuestion
from quizapp.domain.questions import question_from_mapping
from quizapp.models import QuestionVersion

# Bank fields stored in their own columns; every other field goes to ``fields``.
COMMON_FIELDS = ("id", "type", "prompt", "evidence", "explanation", "difficulty", "points", "tags")


def content_hash(question: DomainQuestion) -> str:
    """A stable fingerprint of a question's content (its id excluded)."""
    mapping = question.to_mapping()
    mapping.pop("id", None)
    canonical = json.dumps(mapping, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def new_version(question: DomainQuestion, *, number: int) -> QuestionVersion:
    """A version row holding ``question``'s content (not yet attached to a question)."""
    mapping = question.to_mapping()
    return QuestionVersion(
        number=number,
        type=question.type_name,
        prompt=question.prompt,
        fields={k: v for k, v in mapping.items() if k not in COMMON_FIELDS},
        evidence=question.evidence,
        explanation=question.explanation,
        difficulty=question.difficulty,
        points=question.points,
        tags=list(question.tags),
        content_hash=content_hash(question),
    )


def version_to_domain(version: QuestionVersion, bank_id: str) -> DomainQuestion:
    """Rebuild the domain question a stored version describes."""
    mapping: dict[str, Any] = {"id": bank_id, "type": version.type, "prompt": version.prompt}
    mapping.update(version.fields)
    optional = {
        "evidence": version.evidence,
        "explanation": version.explanation,
        "difficulty": version.difficulty,
        "points": version.points,
        "tags": version.tags,
    }
    mapping.update({k: v for k, v in optional.items() if v is not None})
    return question_from_mapping(mapping)


@dataclass(frozen=True)
class PreviewQuestion:
    """What the student answer macros need to show a question: no answer, bank order."""

    question: DomainQuestion
    answer: object | None = None
    display_order: tuple[int, ...] | None = None

    @property
    def tokens(self) -> tuple[str, ...]:
        """Bank indices as values: a preview is never submitted and shows the key anyway."""
        return AnswerTokens.bank_order(self.question.shuffled_count()).values
