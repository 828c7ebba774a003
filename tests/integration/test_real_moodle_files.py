"""Real question files from public Moodle sources, read by our importers and graded against
the key Moodle itself gives (issue 11).

The files sit byte for byte in tests/data/interchange/real (ORIGINS.md says where each
comes from); expected.yaml gives, per question, Moodle's type and a list of responses with
the grade Moodle's own question types give them. Each question is read on its own through
the public readers (a file of GIFT blocks, one Moodle XML ``<question>`` in a ``<quiz>``),
so one question we cannot read does not hide the others. A supported question passes when
it imports as the matching QuizApp type, with as many choices, stems or items as Moodle
has, and our ``grade()`` of every listed response equals Moodle's grade within 1e-6.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import pytest
import yaml
from defusedxml import ElementTree

from quizapp.domain.answers import response_for_grading
from quizapp.domain.interchange import InterchangeError
from quizapp.domain.interchange.aiken import parse_aiken
from quizapp.domain.interchange.gift import parse_gift
from quizapp.domain.interchange.moodle_xml import parse_moodle_xml
from quizapp.domain.question_types import Question
from quizapp.domain.question_types.matching import Matching

REAL = Path(__file__).resolve().parents[1] / "data" / "interchange" / "real"
KEY_FILE = REAL / "expected.yaml"
ORIGINS = REAL / "ORIGINS.md"
MINIMUM_SHARE = 0.95
TOLERANCE = 1e-6

Reader = Callable[[bytes | str, str], list[Question]]
READERS: dict[str, Reader] = {
    "gift": parse_gift,
    "moodle-xml": parse_moodle_xml,
    "aiken": parse_aiken,
}

# Moodle's question type -> ours (multichoice splits on Moodle's "single" flag).
OUR_TYPES = {
    "truefalse": "true_false",
    "shortanswer": "short",
    "numerical": "numeric",
    "match": "matching",
    "ordering": "ordering",
}
# Words a refusal of an unsupported question may use to name its type.
TYPE_WORDS = {
    "essay": ("essay",),
    "description": ("description",),
    "multianswer": ("cloze", "multianswer"),
    "cloze": ("cloze", "multianswer"),
    "gapselect": ("gapselect", "missing words"),
}


Entry = dict[str, object]


def _key() -> dict[str, Entry]:
    with KEY_FILE.open(encoding="utf-8") as handle:
        return cast(dict[str, Entry], yaml.safe_load(handle)["files"])


KEY = _key()


def _entries(name: str) -> list[Entry]:
    """The questions expected.yaml lists for the file."""
    return cast(list[Entry], KEY[name]["questions"])


CORPUS = sorted(
    str(path.relative_to(REAL))
    for path in REAL.rglob("*")
    if path.is_file() and path not in (KEY_FILE, ORIGINS)
)


# ------------------------------------------------------------------ splitting a file


def _text(data: bytes) -> str:
    return data.decode("utf-8").removeprefix("\ufeff")


def _blocks(text: str) -> list[str]:
    """Blank-line-separated blocks, as Moodle splits GIFT and Aiken files.

    Comment-only blocks and ``$CATEGORY:`` lines are not questions (Moodle skips the
    first and turns the second into a category). Each block is padded with the lines
    before it, so a reader's line numbers are the file's.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = 0
    for number, line in enumerate(lines):
        if line.strip():
            if not current:
                start = number
            current.append(line)
        elif current:
            blocks.append((start, current))
            current = []
    if current:
        blocks.append((start, current))
    questions = []
    for first, block in blocks:
        body = [line for line in block if not line.strip().startswith("//")]
        if not body or body[0].strip().startswith("$CATEGORY:"):
            continue
        questions.append("\n" * first + "\n".join(block) + "\n")
    return questions


def _xml_questions(data: bytes) -> list[str]:
    """Each non-category ``<question>`` of the file, alone in a ``<quiz>``."""
    root = ElementTree.fromstring(data)
    elements = [root] if root.tag == "question" else root.findall("question")
    return [
        '<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n'
        + ElementTree.tostring(element, encoding="unicode")
        + "\n</quiz>\n"
        for element in elements
        if element.get("type") != "category"
    ]


def _pieces(name: str) -> list[str]:
    """The file's questions, each as a file of its own, in the order Moodle reads them."""
    fmt = str(KEY[name]["format"])
    data = (REAL / name).read_bytes()
    return _xml_questions(data) if fmt == "moodle-xml" else _blocks(_text(data))


# ------------------------------------------------------------------ reading, answering


@dataclass(frozen=True)
class Read:
    """One question read alone: what came back, or why nothing did."""

    question: Question | None
    problem: str


def _read(name: str, piece: str) -> Read:
    reader = READERS[str(KEY[name]["format"])]
    try:
        questions = reader(piece, name)
    except InterchangeError as refused:
        return Read(None, "; ".join(p.message for p in refused.problems) or "refused")
    except Exception as crash:  # a crash fails this question in the table, never hides it
        return Read(None, f"crashed: {type(crash).__name__}: {crash}")
    if len(questions) != 1:
        return Read(None, f"read as {len(questions)} questions, Moodle reads one")
    return Read(questions[0], "")


def _our_type(expected: Mapping[str, object]) -> str:
    qtype = str(expected["qtype"])
    if qtype == "multichoice":
        return "single" if expected.get("single", True) else "multiple"
    return OUR_TYPES[qtype]


def _plain(text: str) -> str:
    return " ".join(text.split())


def _matching_stored(question: Question, response: Mapping[int, str]) -> dict[str, int]:
    """Moodle's stem -> answer text, as our stored ``{"<left>": option index}``: the
    options are the distinct rights, then the distractors (``Matching.right_options``),
    each text once, as Moodle shows them."""
    assert isinstance(question, Matching)
    options = [_plain(text) for text in question.right_options]
    stored = {}
    for stem, text in response.items():
        if _plain(text) not in options:
            raise LookupError(f"no right-hand option reads {text!r}")
        stored[str(stem)] = options.index(_plain(text))
    return stored


def _stored(question: Question, response: object) -> object:
    """A response written in file order (expected.yaml's form) as our stored answer."""
    kind = question.type_name
    if kind == "multiple" and isinstance(response, list):
        return sorted(response)
    if kind == "matching" and isinstance(response, dict):
        return _matching_stored(question, response)
    if kind == "ordering" and isinstance(response, list):
        return {str(item): place for place, item in enumerate(response, start=1)}
    return response


def _size_problem(question: Question, expected: Mapping[str, object]) -> str:
    """A count of choices, stems or items that differs from Moodle's, else ''."""
    for field, ours in (
        ("choices", "choices"),
        ("stems", "pairs"),
        ("items", "items"),
    ):
        if field in expected:
            count = len(getattr(question, ours, ()))
            if count != expected[field]:
                return f"has {count} {field}, Moodle has {expected[field]}"
    return ""


def _grade_problems(question: Question, expected: Mapping[str, object]) -> list[str]:
    """Every listed response whose grade differs from Moodle's."""
    problems = []
    responses = cast(Sequence[tuple[object, float]], expected.get("responses", []))
    for response, moodle in responses:
        try:
            graded = question.grade(response_for_grading(question, _stored(question, response)))
        except LookupError as missing:
            problems.append(f"{response!r}: {missing}")
            continue
        if abs(graded - float(moodle)) > TOLERANCE:
            problems.append(f"{response!r} grades {graded:.4g}, Moodle {float(moodle):.4g}")
    return problems


def _verdict(name: str, expected: Mapping[str, object], read: Read) -> str:
    """'' when the question imports with Moodle's key, else why not."""
    if "moodle_refuses" in expected:
        if read.question is None:
            return ""
        return f"imported, but Moodle refuses it: {expected['moodle_refuses']}"
    if read.question is None:
        return f"refused: {read.problem}"
    wanted = _our_type(expected)
    if read.question.type_name != wanted:
        return f"imported as {read.question.type_name}, Moodle's {expected['qtype']} is {wanted}"
    size = _size_problem(read.question, expected)
    if size:
        return size
    wrong = _grade_problems(read.question, expected)
    return "; ".join(wrong[:3]) + (f" (+{len(wrong) - 3} more)" if len(wrong) > 3 else "")


# ------------------------------------------------------------------ the corpus


def _questions() -> list[tuple[str, Entry, str]]:
    """Every question of the key with its piece of file: (file, expected, piece)."""
    found = []
    for name in CORPUS:
        pieces = _pieces(name)
        for entry in _entries(name):
            found.append((name, entry, pieces[int(str(entry["n"]))]))
    return found


def _cause(expected: Mapping[str, object], why: str) -> str:
    """A failure's kind, for the summary: the refusal's wording, or what differs."""
    if why.startswith("refused: "):
        return why.split(" (")[0][:80]
    if why.startswith(("imported as", "imported, but")):
        return why
    if why.startswith("has "):
        return f"{expected['qtype']}: a different count of {why.split()[2]}"
    return f"{expected['qtype']}: grades differ"


def _label(name: str, expected: Mapping[str, object]) -> str:
    return f"{name} #{expected['n']} ({expected['name']})"


def test_key_covers_every_file_and_question() -> None:
    """expected.yaml and ORIGINS.md name every file; each file holds the questions listed."""
    assert sorted(KEY) == CORPUS
    origins = ORIGINS.read_text(encoding="utf-8")
    assert [name for name in CORPUS if f"`{name}`" not in origins] == []
    for name in CORPUS:
        numbers = [entry["n"] for entry in _entries(name)]
        assert numbers == list(range(len(_pieces(name)))), name
    assert len(CORPUS) >= 60
    assert sum(len(_entries(name)) for name in CORPUS) >= 200


@pytest.mark.parametrize("name", CORPUS)
def test_reading_a_whole_file_never_crashes(name: str) -> None:
    """The whole file is read or refused with problems; nothing else escapes the reader."""
    reader = READERS[str(KEY[name]["format"])]
    try:
        questions = reader((REAL / name).read_bytes(), name)
    except InterchangeError as refused:
        assert refused.problems
        assert all(str(problem) for problem in refused.problems)
    else:
        assert questions


def test_unsupported_questions_are_refused_naming_their_type() -> None:
    """Essays, descriptions and the like are refused with a message that names the type."""
    wrong = []
    for name, expected, piece in _questions():
        if expected.get("supported", True):
            continue
        read = _read(name, piece)
        words = TYPE_WORDS.get(str(expected["qtype"]), (str(expected["qtype"]),))
        if read.question is not None:
            wrong.append(f"{_label(name, expected)}: imported as {read.question.type_name}")
        elif not any(word in read.problem.lower() for word in words):
            wrong.append(f"{_label(name, expected)}: refused without naming it: {read.problem}")
    assert wrong == []


def test_supported_questions_import_with_moodles_key() -> None:
    """At least 95% of the supported questions import and grade every response as Moodle."""
    checked = 0
    failures: list[tuple[str, str]] = []
    causes: Counter[str] = Counter()
    for name, expected, piece in _questions():
        if not expected.get("supported", True) or "no_key" in expected:
            continue
        checked += 1
        why = _verdict(name, expected, _read(name, piece))
        if why:
            failures.append((_label(name, expected), why))
            causes[_cause(expected, why)] += 1
    share = 1 - len(failures) / checked
    table = "\n".join(f"  {label}: {why}" for label, why in failures)
    summary = "\n".join(f"  {count:3} x {cause}" for cause, count in causes.most_common())
    assert share >= MINIMUM_SHARE, (
        f"{checked - len(failures)} of {checked} supported questions ({share:.0%}) import "
        f"with Moodle's key; at least {MINIMUM_SHARE:.0%} must.\n"
        f"Causes:\n{summary}\nFailures:\n{table}"
    )
