"""The worker's cache of domain questions, keyed by version id, content hash and bank id."""

from __future__ import annotations

from quizapp.domain.questions import question_from_mapping
from quizapp.models import QuestionVersion
from quizapp.services.questions import cached_domain, new_version, version_to_domain


def _stored(prompt: str, version_id: int) -> QuestionVersion:
    question = question_from_mapping(
        {"id": "q", "type": "true_false", "prompt": prompt, "answer": True}
    )
    version = new_version(question, number=1)
    version.id = version_id
    return version


def test_a_version_is_built_once_and_then_served_from_the_cache() -> None:
    version = _stored("Built once?", 9_000_001)
    assert cached_domain(version.id, version.content_hash, "cache-a") is None

    first = version_to_domain(version, "cache-a")

    assert cached_domain(version.id, version.content_hash, "cache-a") is first
    assert version_to_domain(version, "cache-a") is first
    assert first.prompt == "Built once?"


def test_the_same_id_with_other_content_is_another_question() -> None:
    # Two databases served by one process may both have a version 9000002.
    one = version_to_domain(_stored("First database", 9_000_002), "cache-b")
    other = version_to_domain(_stored("Second database", 9_000_002), "cache-b")

    assert (one.prompt, other.prompt) == ("First database", "Second database")


def test_the_same_version_under_another_bank_id_keeps_its_own_id() -> None:
    version = _stored("Renamed question", 9_000_003)

    assert version_to_domain(version, "old-id").id == "old-id"
    assert version_to_domain(version, "new-id").id == "new-id"


def test_an_unsaved_version_is_built_every_time() -> None:
    version = _stored("Not saved yet", 0)
    version.id = None  # a version not flushed yet has no id to key on

    assert version_to_domain(version, "cache-c") is not version_to_domain(version, "cache-c")
