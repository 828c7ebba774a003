"""Helpers for the teacher's browser journey: the questions a teacher writes (one per
type, quoting the article's introduction), filling the authoring form and a question page
by visible names, and axe's blocking findings."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

BLOCKING_IMPACTS = ("serious", "critical")


@dataclass(frozen=True)
class NewQuestion:
    """What a teacher types into the form of one question type."""

    type_label: str  # as the "Type" select names it
    prompt: str
    evidence: str  # a verbatim quote of the section
    explanation: str
    choices: tuple[tuple[str, bool], ...] = ()  # single and multiple: (text, correct)
    true_or_false: str = ""  # true_false: "True" or "False"
    answers: tuple[str, ...] = ()  # short: accepted answers
    number: str = ""  # numeric: the answer
    unit: str = ""  # numeric
    pairs: tuple[tuple[str, str], ...] = ()  # matching: (left, right)
    items: tuple[str, ...] = ()  # ordering, in the right order


# One of each of the seven types, every evidence quote taken from "Introduction".
NEW_QUESTIONS = (
    NewQuestion(
        "Single choice",
        prompt="When did China and Russia formally resolve their border dispute?",
        evidence="The two formally resolved their border dispute in the 2000s",
        explanation="The introduction dates the settlement to the 2000s.",
        choices=(
            ("In the 2000s", True),
            ("In the 1960s", False),
            ("In the 1990s", False),
            ("In the 2010s", False),
        ),
    ),
    NewQuestion(
        "Multiple choice",
        prompt="Which forms of security cooperation does the introduction name?",
        evidence="greater security cooperation through joint military drills and arms deals",
        explanation="Joint military drills and arms deals are both named.",
        choices=(
            ("Joint military drills", True),
            ("Arms deals", True),
            ("A mutual defence treaty", False),
            ("A shared nuclear command", False),
        ),
    ),
    NewQuestion(
        "True or false",
        prompt="The economic relationship between China and Russia is balanced.",
        evidence="The economic relationship has deepened, but it remains highly asymmetrical.",
        explanation="It has deepened but remains highly asymmetrical.",
        true_or_false="False",
    ),
    NewQuestion(
        "Short answer",
        prompt="In one word: what do the two militaries not exhibit, despite more joint drills?",
        evidence="the two militaries do not exhibit interoperability",
        explanation="Joint exercises have increased without interoperability.",
        answers=("interoperability",),
    ),
    NewQuestion(
        "Numeric",
        prompt="How long, in miles, is the border China and Russia share?",
        evidence="extensive 2,600-mile (4184 kilometers) shared border",
        explanation="The shared border is 2,600 miles (4,184 kilometres) long.",
        number="2600",
        unit="miles",
    ),
    NewQuestion(
        "Matching",
        prompt="Match each part of the relationship with how the introduction describes it.",
        evidence="However, challenges remain.",
        explanation="Each challenge is described in the introduction's last paragraph.",
        pairs=(
            ("Militaries", "No interoperability"),
            ("Economic ties", "Highly asymmetrical"),
            ("Diplomacy", "Different visions of world order"),
        ),
    ),
    NewQuestion(
        "Ordering",
        prompt="Put these topics in the order the introduction raises them.",
        evidence="China and Russia have a long, complicated history together",
        explanation="History first, then the improved relationship, then the challenges.",
        items=(
            "A long, complicated history",
            "A substantially improved relationship",
            "Challenges that remain",
        ),
    ),
)


def fill_question_form(page: Any, question: NewQuestion, section: str, evidence: str) -> None:
    """Fill the "New question" form of ``question``'s type, as a teacher does."""
    page.get_by_label("Section", exact=True).select_option(label=section)
    page.get_by_label("Prompt", exact=True).fill(question.prompt)
    for index, (text, correct) in enumerate(question.choices, start=1):
        entry = page.get_by_role("group", name=f"Choice {index}", exact=True)
        entry.get_by_label("Text", exact=True).fill(text)
        entry.get_by_label("Correct", exact=True).set_checked(correct)
    if question.true_or_false:
        answer = page.get_by_role("group", name="Answer", exact=True)
        answer.get_by_role("radio", name=question.true_or_false, exact=True).check()
    for index, text in enumerate(question.answers, start=1):
        entry = page.get_by_role("group", name=f"Answer {index}", exact=True)
        entry.get_by_label("Text", exact=True).fill(text)
    if question.number:
        page.get_by_label("Answer", exact=True).fill(question.number)
        page.get_by_label("Unit", exact=True).fill(question.unit)
    for index, (left, right) in enumerate(question.pairs, start=1):
        entry = page.get_by_role("group", name=f"Pair {index}", exact=True)
        entry.get_by_label("Left", exact=True).fill(left)
        entry.get_by_label("Right", exact=True).fill(right)
    for index, text in enumerate(question.items, start=1):
        entry = page.get_by_role("group", name=f"Item {index}", exact=True)
        entry.get_by_label("Text", exact=True).fill(text)
    page.get_by_label("Evidence", exact=True).fill(evidence)
    page.get_by_label("Explanation", exact=True).fill(question.explanation)


TYPED_ANSWER = "42"


def answer_anything(page: Any) -> str:
    """Give some answer to the question on the page, whatever its type; returns its prompt.

    The first radio or checkbox, ``TYPED_ANSWER`` in a text box, a different option in
    each select (so matches and positions never repeat).
    """
    question = page.get_by_role("group").first
    prompt = question.locator("legend").inner_text()
    radios = question.get_by_role("radio")
    checkboxes = question.get_by_role("checkbox")
    textboxes = question.get_by_role("textbox")
    selects = question.get_by_role("combobox")
    if radios.count():
        radios.first.check()
    elif checkboxes.count():
        checkboxes.first.check()
    elif textboxes.count():
        textboxes.first.fill(TYPED_ANSWER)
    elif selects.count():
        for index, select in enumerate(selects.all(), start=1):
            select.select_option(index=index)  # option 0 is the "Choose…" placeholder
    else:  # pragma: no cover - a new type needs a branch here
        raise AssertionError(f"no way to answer the question {prompt!r}")
    return prompt


def blocking_violations(page: Any) -> list[str]:
    """axe's serious and critical violations on the page, one line per rule and element."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{violation['id']} ({violation['impact']}: {violation['help']}) at "
        f"{' '.join(map(str, node['target']))}"
        for violation in results.response["violations"]
        if violation["impact"] in BLOCKING_IMPACTS
        for node in violation["nodes"]
    ]
