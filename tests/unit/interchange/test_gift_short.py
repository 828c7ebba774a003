"""GIFT short answers with Moodle's weights (``=%50%``), per-answer feedback and the ``*``
wildcard: what is read, what is written, and that the two agree."""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from quizapp.domain.grades import MOODLE_GRADES
from quizapp.domain.interchange import InterchangeError
from quizapp.domain.interchange.gift import dump_gift, parse_gift
from quizapp.domain.question_types.short import ShortAnswer
from quizapp.domain.questions import QuestionInvalid, question_from_mapping
from tests.unit.interchange.test_gift import TEXT


def answers_of(text: str) -> list[object]:
    (question,) = parse_gift(text, "short.gift")
    assert isinstance(question, ShortAnswer)
    answers = question.to_mapping()["answers"]
    assert isinstance(answers, list)
    return answers


def problems_of(text: str) -> list[tuple[int | None, int | None, str]]:
    with pytest.raises(InterchangeError) as caught:
        parse_gift(text, "short.gift")
    return [(p.line, p.column, p.message) for p in caught.value.problems]


READ = [
    ("Q{=Paris}", ["Paris"]),
    ("Q{=%100%Paris}", ["Paris"]),
    ("Q{=Paris =%50%France}", ["Paris", {"text": "France", "fraction": 0.5}]),
    (
        "Q{=Paris#Yes =%50%France#The country. =%0%*#No.}",
        [
            {"text": "Paris", "feedback": "Yes"},
            {"text": "France", "fraction": 0.5, "feedback": "The country."},
            {"text": "*", "fraction": 0, "feedback": "No."},
        ],
    ),
    ("Q{=%33.33333%a =b}", [{"text": "a", "fraction": 0.3333333}, "b"]),
    ("Q{=%33.333%a =b}", [{"text": "a", "fraction": 0.3333333}, "b"]),
    # Moodle has no negative grade for a short answer: it earns what 0% earns.
    ("Q{=%-50%a =b}", [{"text": "a", "fraction": 0}, "b"]),
    # Without '=', a block Moodle reads as a short answer.
    ("Q{Paris}", ["Paris"]),
    ("Q{Paris =Lutetia}", ["Paris", "Lutetia"]),
    ("Q{%50%France =Paris}", [{"text": "France", "fraction": 0.5}, "Paris"]),
    ("Q{Paris#Right!}", [{"text": "Paris", "feedback": "Right!"}]),
    # Wildcards, and stars that are not: GIFT has no escape for *, so \* stays \*.
    ("Q{=Par*}", ["Par*"]),
    ("Q{=a\\*b}", ["a\\*b"]),
    ("Q{=a\\\\*b}", ["a\\*b"]),
    # Formats: an answer is kept as written; feedback is formatted text.
    ("Q{=[plain]<b>x</b>}", ["<b>x</b>"]),
    ("Q{=x#[html]<b>well</b> done}", [{"text": "x", "feedback": "**well** done"}]),
]


@pytest.mark.parametrize(("text", "answers"), READ)
def test_short_answers_are_read_as_moodle_reads_them(text: str, answers: list[object]) -> None:
    assert answers_of(text) == answers


def test_a_short_answer_block_mid_sentence_leaves_a_blank() -> None:
    (question,) = parse_gift("The capital is {Paris =%50%France}.", "short.gift")
    assert question.prompt == "The capital is _____."
    assert question.grade("France") == 0.5


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("Q{=%50%France}", (1, 3, "no full-credit answer: at least one short answer must")),
        ("Q{%50%France =%0%x}", (1, 3, "no full-credit answer")),
        ("Q{=Paris =%45%France}", (1, 11, "weight 45% is not one of Moodle's grades")),
        ("Q{=Paris =%half%France}", (1, 11, "'%half%' is not a weight")),
        ("Q{=*}", (1, 4, "the answer '*' accepts every response for full marks")),
        ("Q{=Paris =%50%}", (1, 11, "an answer has no text (Moodle would drop it)")),
        ("Q{true}", (1, 3, "{true} is not a true/false answer")),
    ],
)
def test_a_bad_short_answer_is_named_where_it_stands(
    text: str, problem: tuple[int, int, str]
) -> None:
    ((line, column, message),) = problems_of(text)
    assert (line, column) == problem[:2]
    assert message.startswith(problem[2])


PARIS = question_from_mapping(
    {
        "id": "capital",
        "type": "short",
        "prompt": "Capital of France?",
        "answers": [
            {"text": "France", "fraction": 0.5, "feedback": "That is the country."},
            "Paris",
            {"text": "Lutèce", "fraction": 1 / 3},
            {"text": "Par\\*s", "fraction": 0.25},
            "paris*",
            {"text": "*", "fraction": 0, "feedback": "Think of the capital."},
        ],
    }
)


def test_export_writes_weights_and_feedback_in_order_as_moodle_reads_them() -> None:
    written = dump_gift([PARIS])
    assert written.endswith(
        "::capital::[markdown]Capital of France?{\n"
        "\t=%50%France#That is the country.\n"
        "\t=Paris\n"
        "\t=%33.33333%Lutèce\n"
        "\t=%25%Par\\\\*s\n"
        "\t=paris*\n"
        "\t=%0%*#Think of the capital.\n"
        "}\n"
    )


def test_an_arrow_in_an_answer_or_its_feedback_cannot_be_written() -> None:
    arrow_text = ShortAnswer(id="a", prompt="?", answers=("x->y",))
    assert arrow_text.gift_problem() == (
        "the answer 'x->y' contains '->', which would turn the block into a matching question"
    )
    arrow_feedback = question_from_mapping(
        {"id": "b", "type": "short", "prompt": "?", "answers": [{"text": "x", "feedback": "->"}]}
    )
    assert arrow_feedback.gift_problem() is not None
    assert "Not exported: short question" in dump_gift([arrow_feedback])


def test_export_then_import_grades_every_response_the_same() -> None:
    question = question_from_mapping(
        {
            "id": "capital",
            "type": "short",
            "prompt": "Capital of France?",
            "answers": [
                {"text": "France", "fraction": 0.5, "feedback": "That is the country."},
                "Paris",
                {"text": "a\\*b", "fraction": 0.25},
                {"text": "*", "fraction": 0, "feedback": "Think of the capital."},
            ],
        }
    )
    written = dump_gift([question])
    assert "\t=%25%a\\\\*b\n" in written  # Moodle reads \\ as \, so the star stays literal
    (back,) = parse_gift(written, "back.gift")
    assert isinstance(back, ShortAnswer)
    for response in ("Paris", "paris.", "France", "a*b", "axb", "Rome", ""):
        assert back.grade(response) == question.grade(response), response
        assert back.feedback_for(response) == question.feedback_for(response), response
    # In bank order: Moodle grades by the first match, as we do.
    assert [entry.text for entry in back.answers] == ["France", "Paris", "a\\*b", "*"]


GRADE = st.sampled_from((1.0, 1.0, 0.0, *MOODLE_GRADES))


@st.composite
def short_answers(draw: st.DrawFn) -> ShortAnswer:
    """Short answers with weights and feedback, in any order (GIFT keeps it)."""
    texts = draw(st.lists(TEXT, min_size=1, max_size=4))
    entries: list[tuple[float, dict[str, object]]] = []
    for index, text in enumerate(texts):
        fraction = 1.0 if index == 0 else draw(GRADE)
        entry: dict[str, object] = {"text": text, "fraction": fraction}
        if draw(st.booleans()):
            entry["feedback"] = draw(TEXT)
        entries.append((fraction, entry))
    mapping = {"id": "q", "type": "short", "prompt": draw(TEXT), "answers": [e for _, e in entries]}
    try:
        question = question_from_mapping(mapping)
    except QuestionInvalid:
        assume(False)
        raise
    assert isinstance(question, ShortAnswer)
    assume(question.gift_problem() is None)
    return question


@settings(max_examples=200, deadline=None)
@given(short_answers())
def test_any_short_answer_survives_export_and_import(question: ShortAnswer) -> None:
    (back,) = parse_gift(dump_gift([question]), "roundtrip.gift")
    assert back.to_mapping()["answers"] == question.to_mapping()["answers"]
