"""Tests for quizapp.domain.bank: reading, error reporting and writing the bank format."""

import datetime
import textwrap
from pathlib import Path

import pytest

from quizapp.domain.bank import (
    Article,
    ArticleBank,
    BankError,
    BankProblem,
    Section,
    dump_article,
    dump_questions,
    parse_article,
    parse_questions,
    read_article_dir,
    read_bank,
    write_bank,
)
from quizapp.domain.question_types import Numeric, TrueFalse
from quizapp.domain.questions import QUESTION_TYPES

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT / "tests" / "data" / "banks"
VALID = DATA / "valid"
INVALID = DATA / "invalid"
VALID_SLUG = "the-water-cycle-a-short-guide"
REAL_SLUG = "china-and-russia-exploring-ties-between-two-authoritarian-powers"
REAL_ARTICLE = ROOT / "questions" / REAL_SLUG / "article.md"


# ------------------------------------------------------------------------------ valid bank


def test_read_valid_bank() -> None:
    (bank,) = read_bank(VALID)
    article = bank.article
    assert article.slug == VALID_SLUG
    assert article.title == "The Water Cycle: A Short Guide"
    assert article.authors == ("Ada Example", "Bo Sample")
    assert article.published == datetime.date(2023, 5, 4)
    assert article.source == "QuizApp test fixtures"
    assert [s.slug for s in article.sections] == [
        "how-does-water-evaporate",
        "what-happens-in-clouds",
    ]
    assert [(s.position, s.line) for s in article.sections] == [(0, 8), (1, 16)]
    assert "### A note on plants" in article.sections[0].body
    assert article.section("what-happens-in-clouds") is article.sections[1]
    assert article.section("nope") is None

    ids = {slug: [q.id for q in qs] for slug, qs in bank.questions_by_section.items()}
    assert ids == {
        "how-does-water-evaporate": [
            "evaporation-source",
            "vapour-rises",
            "transpiration",
            "ocean-share",
        ],
        "what-happens-in-clouds": ["precipitation-forms", "cloud-terms", "cloud-sequence"],
    }
    assert {q.type_name for q in bank.questions()} == set(QUESTION_TYPES)
    ocean = bank.questions_by_section["how-does-water-evaporate"][3]
    assert ocean == Numeric(
        id="ocean-share",
        prompt="What share of global evaporation comes from the oceans, in percent?",
        answer=86,
        tolerance=1,
        unit="percent",
        evidence="about 86% of global evaporation comes from the oceans",
        explanation="The section gives about 86%.\n"
        "Answers within one point are accepted because the article rounds.",
        points=2,
    )


def test_a_single_article_folder_reads_the_same() -> None:
    assert read_bank(VALID / VALID_SLUG) == read_bank(VALID)
    assert [read_article_dir(VALID / VALID_SLUG)] == read_bank(VALID)


def test_section_without_questions_has_an_empty_entry(tmp_path: Path) -> None:
    folder = tmp_path / VALID_SLUG
    folder.mkdir()
    (folder / "article.md").write_text(
        (VALID / VALID_SLUG / "article.md").read_text(encoding="utf-8"), encoding="utf-8"
    )
    (folder / "what-happens-in-clouds.yaml").write_text("[]\n", encoding="utf-8")
    bank = read_article_dir(folder)
    assert bank.questions_by_section == {
        "how-does-water-evaporate": (),
        "what-happens-in-clouds": (),
    }


# ---------------------------------------------------------------------------- invalid banks

INVALID_CASES = [
    (
        "text-before-heading",
        [
            (
                "article.md",
                8,
                "text before the first '## ' section heading is not allowed: "
                "'This line is not allowed.'",
            )
        ],
    ),
    ("broken-yaml", [("only-section.yaml", 5, "invalid YAML: mapping values are not allowed")]),
    ("unknown-type", [("only-section.yaml", 9, "question 'floods': unknown type 'essay'")]),
    (
        "duplicate-ids",
        [
            (
                "second-part.yaml",
                8,
                "duplicate question id 'silt' (first at "
                f"{INVALID / 'duplicate-ids' / 'first-part.yaml'}:1)",
            )
        ],
    ),
    (
        "none-correct",
        [
            (
                "only-section.yaml",
                4,
                "question 'floods': at least one choice must be correct (worth full marks); "
                "none is",
            )
        ],
    ),
    (
        "evidence-missing",
        [
            (
                "only-section.yaml",
                6,
                "question 'silt': evidence not found in section 'Only section'; closest "
                'passage: "The river carried 40 tonnes of silt every day."',
            )
        ],
    ),
    (
        "unknown-section-file",
        [
            (
                "conclusion.yaml",
                1,
                "'conclusion.yaml' does not match any section of the article; section files "
                "are named <section-slug>.yaml with one of: only-section",
            )
        ],
    ),
    (
        "wrong-folder-name",
        [
            (
                "article.md",
                2,
                "folder 'wrong-folder-name' does not match the article slug 'a-different-title'",
            )
        ],
    ),
]


@pytest.mark.parametrize(("folder", "expected"), INVALID_CASES, ids=[c[0] for c in INVALID_CASES])
def test_invalid_article_folder(folder: str, expected: list[tuple[str, int, str]]) -> None:
    with pytest.raises(BankError) as caught:
        read_article_dir(INVALID / folder)
    problems = caught.value.problems
    assert [(p.path, p.line) for p in problems] == [
        (str(INVALID / folder / name), line) for name, line, _ in expected
    ]
    for problem, (name, line, message) in zip(problems, expected, strict=True):
        assert str(problem).startswith(f"{INVALID / folder / name}:{line}: {message}")


def test_every_problem_of_the_bank_in_one_error() -> None:
    with pytest.raises(BankError) as caught:
        read_bank(INVALID)
    problems = caught.value.problems
    expected = sorted(
        (str(INVALID / folder / name), line)
        for folder, cases in INVALID_CASES
        for name, line, _ in cases
    )
    assert [(p.path, p.line) for p in problems] == expected
    assert str(caught.value).splitlines() == [str(p) for p in problems]


def test_paths_stay_relative_to_the_path_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(DATA)
    with pytest.raises(BankError) as caught:
        read_bank(Path("invalid"))
    paths = {p.path for p in caught.value.problems}
    assert "invalid/none-correct/only-section.yaml" in paths
    assert all(path.startswith("invalid/") for path in paths)


def test_display_root() -> None:
    with pytest.raises(BankError) as caught:
        read_article_dir(INVALID / "none-correct", display_root=DATA)
    assert [p.path for p in caught.value.problems] == ["invalid/none-correct/only-section.yaml"]


def test_problems_from_a_broken_article_and_its_questions_together(tmp_path: Path) -> None:
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "article.md").write_text("no front matter\n", encoding="utf-8")
    (folder / "anything.yaml").write_text("- id: q1\n  type: essay\n", encoding="utf-8")
    with pytest.raises(BankError) as caught:
        read_bank(tmp_path)
    assert [str(p) for p in caught.value.problems] == [
        f"{folder / 'anything.yaml'}:1: question 'q1': missing required field 'prompt'",
        f"{folder / 'anything.yaml'}:1: question 'q1': missing required field 'evidence'",
        f"{folder / 'anything.yaml'}:1: question 'q1': missing required field 'explanation'",
        f"{folder / 'anything.yaml'}:2: question 'q1': unknown type 'essay'; known types: "
        "single, multiple, true_false, short, numeric, matching, ordering",
        f"{folder / 'article.md'}:1: article.md must start with YAML front matter: a '---' line",
    ]


@pytest.mark.parametrize(
    ("layout", "message"),
    [
        ({}, "no article folders"),
        ({"stray/notes.txt": "x"}, "missing article.md"),
    ],
)
def test_folder_problems(tmp_path: Path, layout: dict[str, str], message: str) -> None:
    for name, text in layout.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    with pytest.raises(BankError, match=message):
        read_bank(tmp_path)


def test_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(BankError) as caught:
        read_bank(tmp_path / "nowhere")
    assert str(caught.value) == f"{tmp_path / 'nowhere'}:0: no such folder"


def test_yml_and_yaml_for_one_section(tmp_path: Path) -> None:
    folder = tmp_path / VALID_SLUG
    folder.mkdir()
    for source in (VALID / VALID_SLUG).iterdir():
        (folder / source.name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "what-happens-in-clouds.yml").write_text("[]\n", encoding="utf-8")
    with pytest.raises(BankError) as caught:
        read_article_dir(folder)
    assert [str(p) for p in caught.value.problems] == [
        f"{folder / 'what-happens-in-clouds.yml'}:1: section 'what-happens-in-clouds' already "
        f"has a question file ({folder / 'what-happens-in-clouds.yaml'}); keep one file per "
        "section"
    ]


# ------------------------------------------------------------------------------- article.md

FRONT = '---\ntitle: "T"\nauthors: ["A"]\npublished: 2024-03-29\nsource: "S"\n---\n'


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("## Intro\n", 1, "article.md must start with YAML front matter"),
        ("", 1, "article.md must start with YAML front matter"),
        ("---\ntitle: T\n## Intro\n", 1, "front matter is never closed"),
        ("---\n---\n## Intro\n", 1, "front matter must be a mapping"),
        ("---\ntitle: [unclosed\n---\n## Intro\n", 2, "invalid YAML: while parsing a flow"),
        (FRONT.replace('source: "S"\n', 'source: "S"\nlang: en\n') + "## A\n", 6, "unknown front"),
        (FRONT.replace('source: "S"\n', "") + "## A\n", 1, "front matter is missing 'source'"),
        (FRONT.replace("2024-03-29", "March 2024") + "## A\n", 4, "published must be a date"),
        (FRONT.replace("2024-03-29", "2024-03-29 10:00:00") + "## A\n", 4, "published must be"),
        (FRONT.replace('["A"]', "[]") + "## A\n", 3, "authors must be a non-empty list"),
        (FRONT.replace('["A"]', '"A, B"') + "## A\n", 3, "authors must be a non-empty list"),
        (FRONT.replace('["A"]', '["A", 3]') + "## A\n", 3, "every author must be"),
        (FRONT.replace('"T"', '""') + "## A\n", 2, "title must be non-empty text"),
        (FRONT.replace('"T"', '"???"') + "## A\n", 2, "title has no letters or digits"),
        (FRONT.replace('title: "T"', 'title: "T"\ntitle: "U"') + "## A\n", 3, "duplicate key"),
        (FRONT + "\n\nHello\n## A\n", 9, "text before the first '## '"),
        (FRONT + "# Big title\n## A\n", 7, "text before the first '## '"),
        (FRONT + "\n", 7, "article has no sections"),
        (FRONT + "### Only a subheading\n", 7, "text before the first"),
        (FRONT + "## Allies?\ntext\n## Allies!\n", 9, "section 'Allies!' has the same slug"),
        (FRONT + "## ???\n", 7, "section heading needs a title"),
    ],
)
def test_parse_article_problems(text: str, line: int, message: str) -> None:
    with pytest.raises(BankError) as caught:
        parse_article(text, "a/article.md")
    assert any(
        p.path == "a/article.md" and p.line == line and p.message.startswith(message)
        for p in caught.value.problems
    ), caught.value.problems


def test_parse_article_sections() -> None:
    text = FRONT.replace("2024-03-29", '"2024-03-29"') + (
        "\n## One\n\nPara one.\n\n### Sub\n\nMore.\n##Not a heading\n## Two  \n"
    )
    article = parse_article(text, "x")
    assert article.published == datetime.date(2024, 3, 29)
    assert article.sections == (
        Section(
            slug="one",
            title="One",
            position=0,
            body="Para one.\n\n### Sub\n\nMore.\n##Not a heading",
            line=8,
        ),
        Section(slug="two", title="Two", position=1, body="", line=16),
    )
    # line is location metadata, so it is left out of equality; check it directly.
    assert [s.line for s in article.sections] == [8, 16]


def test_parse_the_real_article() -> None:
    text = REAL_ARTICLE.read_text(encoding="utf-8")
    article = parse_article(text, str(REAL_ARTICLE))
    assert article.slug == REAL_SLUG
    assert article.title == "China and Russia: Exploring Ties Between Two Authoritarian Powers"
    assert article.authors == ("Clara Fong", "Lindsay Maizland")
    assert article.published == datetime.date(2024, 3, 29)
    assert article.source == "Council on Foreign Relations"
    assert [s.title for s in article.sections] == [
        "Introduction",
        "Are China and Russia allies?",
        "How do their foreign policies and interests compare?",
        "What are major challenges for the relationship?",
        "What are their economic ties?",
        "What are their military ties?",
    ]
    assert [s.position for s in article.sections] == list(range(6))
    economy = article.section("what-are-their-economic-ties")
    assert economy is not None
    assert "### Russia Is More Dependent on China Than Vice Versa" in economy.body
    # Exporting must not churn the hand-written file.
    assert dump_article(article) == text


# ---------------------------------------------------------------------------- section files

SECTION = Section(
    slug="only-section",
    title="Only section",
    position=0,
    body="The river carried 40 tonnes of silt every day. Floods came in \u201cspring\u201d.",
    line=8,
)


def parse(text: str, *, require_evidence: bool = False) -> tuple:
    return parse_questions(
        textwrap.dedent(text), "s.yaml", SECTION, require_evidence=require_evidence
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            """\
            - id: q1
              type: true_false
              prompt: Floods?
              answer: true
              explaination: typo
            """,
            [(5, "question 'q1': unknown field 'explaination' (did you mean 'explanation'?)")],
            id="unknown field at its key",
        ),
        pytest.param(
            """\
            # a comment
            - id: q1
              type: single
              prompt: When?
              choices:
                - text: Spring
                  correct: true
                - Autumn
                - text: Winter
                  correct: "no"
            """,
            [
                (
                    8,
                    "question 'q1': choices[1] must be a mapping with text, correct, fraction, "
                    "feedback",
                ),
                (10, "question 'q1': choices[2].correct must be true or false"),
            ],
            id="choice problems at the choice",
        ),
        pytest.param(
            """\
            - id: q1
              type: true_false
              answer: true

            - id: q2
              type: short
              prompt: Season?
              answers: [spring, no]
              tags:
                - ok
                - ""
            """,
            [
                (1, "question 'q1': missing required field 'prompt'"),
                (8, "question 'q2': answers[1] must be text; YAML read it as the boolean false"),
                (11, "question 'q2': tags[1] must not be empty"),
            ],
            id="missing field at the question",
        ),
        pytest.param(
            """\
            - id: q1
              type: numeric
              prompt: How many tonnes?
              answer: 40
              evidence: The river carried 400 tonnes of silt.
            """,
            [
                (
                    5,
                    "question 'q1': evidence not found in section 'Only section'; closest "
                    'passage: "The river carried 40 tonnes of silt every day."',
                )
            ],
            id="evidence not found",
        ),
        pytest.param(
            """\
            - id: q1
              type: true_false
              prompt: Floods?
              prompt: Floods in spring?
              answer: true
            """,
            [(4, "duplicate key 'prompt' (first at line 3)")],
            id="duplicate key",
        ),
        pytest.param(
            """\
            - id: q1
              type: true_false
              prompt: "Floods?
            """,
            [(4, "invalid YAML: while scanning a quoted scalar")],
            id="yaml syntax error",
        ),
        pytest.param(
            "id: q1\ntype: true_false\n",
            [(1, "a section file must be a YAML list of questions")],
            id="top level mapping",
        ),
        pytest.param(
            "- just text\n- [1, 2]\n",
            [(1, "question 1 must be a mapping of fields"), (2, "question 2 must be")],
            id="items not mappings",
        ),
        pytest.param(
            """\
            - id: q1
              type: true_false
              prompt: A?
              answer: true
            - id: q1
              type: true_false
              prompt: B?
              answer: false
            """,
            [(5, "duplicate question id 'q1' (first at s.yaml:1)")],
            id="duplicate id in one file",
        ),
        pytest.param(
            """\
            - type: true_false
              prompt: No id
              answer: yes
            """,
            [(1, "question 1: missing required field 'id'")],
            id="no id names the position",
        ),
    ],
)
def test_parse_questions_problems(text: str, expected: list[tuple[int, str]]) -> None:
    with pytest.raises(BankError) as caught:
        parse(text)
    problems = caught.value.problems
    assert [p.line for p in problems] == [line for line, _ in expected]
    for problem, (_, message) in zip(problems, expected, strict=True):
        assert problem.path == "s.yaml"
        assert problem.message.startswith(message), problem


@pytest.mark.parametrize("text", ["", "\n", "# nothing yet\n", "[]\n", "~\n"])
def test_empty_section_file(text: str) -> None:
    assert parse(text) == ()


def test_evidence_is_normalised_and_optional_outside_questions() -> None:
    text = """\
        - id: q1
          type: true_false
          prompt: Floods in spring?
          answer: true
          evidence: 'Floods came in "spring".'
        - id: q2
          type: true_false
          prompt: Silt?
          answer: true
        """
    assert [q.id for q in parse(text)] == ["q1", "q2"]
    with pytest.raises(BankError) as caught:
        parse(text, require_evidence=True)
    assert [str(p) for p in caught.value.problems] == [
        "s.yaml:1: question 'q1': missing required field 'explanation'",
        "s.yaml:6: question 'q2': missing required field 'evidence'",
        "s.yaml:6: question 'q2': missing required field 'explanation'",
    ]


# --------------------------------------------------------------------------------- writing


def test_round_trip_through_write_bank(tmp_path: Path) -> None:
    banks = read_bank(VALID)
    written = write_bank(banks, tmp_path)
    folder = tmp_path / VALID_SLUG
    assert written == [
        folder / "article.md",
        folder / "how-does-water-evaporate.yaml",
        folder / "what-happens-in-clouds.yaml",
    ]
    assert read_bank(tmp_path) == banks
    # A second export over the first changes nothing.
    before = {path: path.read_text(encoding="utf-8") for path in written}
    write_bank(read_bank(tmp_path), tmp_path)
    assert {path: path.read_text(encoding="utf-8") for path in written} == before


def test_write_bank_removes_files_of_sections_that_lost_their_questions(tmp_path: Path) -> None:
    (bank,) = read_bank(VALID)
    write_bank([bank], tmp_path)
    emptied = ArticleBank(
        article=bank.article,
        questions_by_section={**bank.questions_by_section, "what-happens-in-clouds": ()},
    )
    written = write_bank([emptied], tmp_path)
    assert not (tmp_path / VALID_SLUG / "what-happens-in-clouds.yaml").exists()
    assert len(written) == 2
    assert read_bank(tmp_path) == [emptied]


def test_dump_questions_layout() -> None:
    questions = [
        TrueFalse(id="a", prompt=("A " * 80).strip(), answer=True),
        TrueFalse(id="b", prompt="\u201cB\u201d?", answer=False, explanation="One.\nTwo."),
    ]
    text = dump_questions(questions)
    assert text == (
        f"- id: a\n  type: true_false\n  prompt: {'A ' * 79}A\n  answer: true\n"
        "\n"
        "- id: b\n  type: true_false\n  prompt: \u201cB\u201d?\n  answer: false\n"
        "  explanation: |-\n    One.\n    Two.\n"
    )
    assert parse(text) == tuple(questions)
    assert dump_questions([]) == "[]\n"


@pytest.mark.parametrize(
    "title",
    [
        "Plain",
        'With "quotes" and \\ backslash',
        "Caf\u00e9: \u201cna\u00efve\u201d \u2014 ok",
        "tab\there",
    ],
)
def test_dump_article_round_trip(title: str) -> None:
    article = Article(
        slug="x",
        title=title,
        authors=("J\u00fcrgen M\u00fcller", "O'Brien"),
        published=datetime.date(2020, 1, 2),
        source="Line\u2028separator \x85 and \x7f",
        sections=(
            Section(slug="one", title="One", position=0, body="Body.\n\n### Sub\n\nMore.", line=0),
            Section(slug="two", title="Two", position=1, body="", line=0),
        ),
    )
    parsed = parse_article(dump_article(article), "x")
    assert parsed == Article(**{**article.__dict__, "slug": parsed.slug})


def test_bank_problem_and_error_text() -> None:
    problems = [BankProblem("q/a.yaml", 3, "bad"), BankProblem("q/b.yaml", 0, "worse")]
    error = BankError(problems)
    assert str(problems[0]) == "q/a.yaml:3: bad"
    assert str(error) == "q/a.yaml:3: bad\nq/b.yaml:0: worse"
    assert error.problems == tuple(problems)


def test_dump_questions_quotes_tricky_tags() -> None:
    question = TrueFalse(id="t", prompt="p", answer=True, tags=("a, b", "x: y", "[z]", "yes"))
    text = dump_questions([question])
    assert "  tags: ['a, b', 'x: y', '[z]', 'yes']\n" in text
    assert parse(text) == (question,)
