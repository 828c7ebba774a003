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
        further_evidence=further_evidence_column(question),
        explanation=question.explanation,
        difficulty=question.difficulty,
        points=question.points,
        tags=list(question.tags),
        content_hash=content_hash(question),
    )


def further_evidence_column(question: DomainQuestion) -> list[str] | None:
    """What a version's ``further_evidence`` column holds: the quotes after the first."""
    return list(question.further_evidence) or None


# Versions are immutable and domain questions are frozen, so each worker keeps the ones it
# has built: a question page rebuilds nothing it showed before. The key carries the content
# hash and bank id as well as the row id, so two databases served by one process (tests do
# that) cannot hand each other their questions. Bounded: cleared when it fills.
_DOMAIN_CACHE: dict[tuple[int, str, str], DomainQuestion] = {}
DOMAIN_CACHE_SIZE = 20_000


def version_to_domain(version: QuestionVersion, bank_id: str) -> DomainQuestion:
    """The domain question a stored version describes (built once per worker)."""
    if version.id is None:
        return _build_domain(version, bank_id)
    key = (version.id, version.content_hash, bank_id)
    question = _DOMAIN_CACHE.get(key)
    if question is None:
        question = _build_domain(version, bank_id)
        if len(_DOMAIN_CACHE) >= DOMAIN_CACHE_SIZE:
            _DOMAIN_CACHE.clear()
        _DOMAIN_CACHE[key] = question
    return question


def cached_domain(version_id: int, content_hash: str, bank_id: str) -> DomainQuestion | None:
    """The domain question of a version this worker has built already, if any: lets a
    caller that read only the version's id and hash skip reading its content."""
    return _DOMAIN_CACHE.get((version_id, content_hash, bank_id))


def _build_domain(version: QuestionVersion, bank_id: str) -> DomainQuestion:
    mapping: dict[str, Any] = {"id": bank_id, "type": version.type, "prompt": version.prompt}
    mapping.update(version.fields)
    evidence: str | list[str] | None = version.evidence
    if version.evidence is not None and version.further_evidence:
        evidence = [version.evidence, *version.further_evidence]
    optional = {
        "evidence": evidence,
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
