"""GIFT carries no image files: a question showing one is written as a comment saying why."""

from __future__ import annotations

import pytest

from quizapp.domain.interchange.gift import dump_gift, parse_gift
from quizapp.domain.questions import question_from_mapping

IMAGE = "![A map of the border](media:" + "a" * 64 + ".png)"


@pytest.mark.parametrize(
    "mapping",
    [
        {"type": "true_false", "prompt": f"Is this Siberia? {IMAGE}", "answer": True},
        {
            "type": "single",
            "prompt": "Which map shows the pipeline?",
            "choices": [{"text": IMAGE, "correct": True}, {"text": "Neither", "correct": False}],
        },
        {"type": "true_false", "prompt": "Siberia?", "answer": True, "explanation": IMAGE},
    ],
)
def test_a_question_showing_an_image_is_a_comment_saying_why(mapping: dict) -> None:
    question = question_from_mapping({"id": "with-image", **mapping})
    plain = question_from_mapping(
        {"id": "plain", "type": "true_false", "prompt": "Tea?", "answer": True}
    )

    written = dump_gift([question, plain])

    assert (
        "// Not exported: " + question.type_name + " question 'with-image': it shows an image, "
        "and GIFT cannot carry image files; export it as Moodle XML." in written
    )
    # Moodle and our importer skip the comment; the other question comes back alone.
    assert [q.id for q in parse_gift(written, "export.gift")] == ["plain"]
