"""Lints for bank questions: valid, but weak in ways a reviewer would send back.

Each lint is a warning, not a problem: the bank still loads. The rules, as documented
in docs/item-writing.md ("What `flask bank check` warns about"):

- ``restatement``: a true/false statement whose content words (after dropping a leading
  "According to ...," attribution) are at least ``RESTATEMENT_SHARE`` in the evidence.
  A near-verbatim statement tests whether the student saw the sentence, not whether
  they understood it; a paraphrase uses the writer's own words and falls below.
- ``article_variant``: a short answer's accepted answer that starts with an article
  ("the", "a", "an") or a possessive ("Putin's ...") while the same answer without it
  earns less under the question's own matching (so "United Russia party" would be
  marked down where "Putin's United Russia party" is accepted). Only that direction is
  checked: adding "the" to an answer is not always natural English, leaving it out is.
- ``answer_in_prompt``: the prompt contains the key: a short answer worth full marks, a
  numeric answer worth full marks, or a single choice's fully correct choice (unless a
  wrong choice is named in the prompt too: then the prompt merely lists the options).
  Keys of one character or only stop words are ignored.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from quizapp.domain.question_types.base import Question, plain_number
from quizapp.domain.question_types.numeric import Numeric
from quizapp.domain.question_types.short import ShortAnswer
from quizapp.domain.question_types.single import SingleChoice
from quizapp.domain.question_types.true_false import TrueFalse
from quizapp.domain.text import normalise_quote

# A statement sharing at least this share of its content words with the evidence is a
# restatement; the shipped bank's paraphrases share about 0.4-0.7.
RESTATEMENT_SHARE = 0.8
# Fewer content words than this are too few to tell a restatement from a paraphrase.
RESTATEMENT_MIN_WORDS = 3

# Function words: they carry no content, so sharing them says nothing about copying.
_STOP_WORDS_TEXT = """
    a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each
    few for from further had has have having he her here hers him his how i if in into is
    it its itself just me more most my no nor not of off on once only or other our ours
    out over own same she should so some such than that the their theirs them then there
    these they this those through to too under until up very was we were what when where
    which while who whom why will with would you your"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())
ARTICLES = ("the", "a", "an")

_NUMBER_COMMA = re.compile(r"(?<=\d),(?=\d{3}\b)")
_WORD = re.compile(r"[^\W_]+(?:[.'][^\W_]+)*")
_ATTRIBUTION = re.compile(r"^\s*according to [^,]{1,80},\s*", re.IGNORECASE)
_POSSESSIVE = re.compile(r"^[^\W_][\w.-]*(?:'s|s')$")


@dataclass(frozen=True)
class Lint:
    """One warning about one question: which rule (``kind``) and why (``message``)."""

    kind: str
    message: str


def words(text: str) -> list[str]:
    """The words of ``text``, lower case, quotes and dashes normalised, "2,600" as "2600"."""
    plain = unicodedata.normalize("NFKC", normalise_quote(text)).lower()
    return _WORD.findall(_NUMBER_COMMA.sub("", plain))


def content_words(text: str) -> list[str]:
    """The words of ``text`` that are not stop words."""
    return [word for word in words(text) if word not in STOP_WORDS]


def _contains_words(haystack: Sequence[str], needle: Sequence[str]) -> bool:
    size = len(needle)
    return size > 0 and any(
        list(haystack[start : start + size]) == list(needle)
        for start in range(len(haystack) - size + 1)
    )


# ------------------------------------------------------------------------- the rules


def shared_share(statement: str, evidence: str) -> tuple[float, int]:
    """The share of the statement's distinct content words found in the evidence, and how
    many distinct content words the statement has (its attribution clause left out)."""
    own = set(content_words(_ATTRIBUTION.sub("", statement)))
    if not own:
        return 0.0, 0
    shared = own & set(content_words(evidence))
    return len(shared) / len(own), len(own)


def restatement(question: Question) -> list[Lint]:
    """A true/false statement that copies its evidence (``RESTATEMENT_SHARE``)."""
    if not isinstance(question, TrueFalse) or not question.evidence:
        return []
    share, count = shared_share(question.prompt, question.evidence)
    if count < RESTATEMENT_MIN_WORDS or share < RESTATEMENT_SHARE:
        return []
    return [
        Lint(
            "restatement",
            f"the statement repeats its evidence almost word for word ({share:.0%} of its "
            f"{count} content words are in the evidence); reword it so it tests "
            "understanding, not recognition of the sentence",
        )
    ]


def without_leading_modifier(answer: str) -> str | None:
    """``answer`` without a leading article or possessive word, or None when it has none
    (or nothing would be left)."""
    parts = answer.split(maxsplit=1)
    if len(parts) < 2:
        return None
    first = normalise_quote(parts[0]).lower()
    # "it's", "that's", "who's": a stop word before 's is a contraction, not an owner.
    owner = first.removesuffix("'s").removesuffix("'")
    if first in ARTICLES or (_POSSESSIVE.match(first) and owner not in STOP_WORDS):
        return parts[1].strip()
    return None


def article_variant(question: Question) -> list[Lint]:
    """Accepted answers whose form without an article or possessive earns less."""
    if not isinstance(question, ShortAnswer):
        return []
    lints = []
    for entry in question.answers:
        if "*" in entry.text:
            continue  # a pattern: its writer chose what it matches
        bare = without_leading_modifier(entry.text)
        if bare is None or question.grade(bare) >= question.grade(entry.text):
            continue
        lints.append(
            Lint(
                "article_variant",
                f"the answer {entry.text!r} is accepted but {bare!r} is not; add {bare!r} "
                "to answers (students often leave out an article or a possessive)",
            )
        )
    return lints


def _keys(question: Question) -> list[str]:
    if isinstance(question, ShortAnswer):
        return [a.text.replace("*", " ") for a in question.answers if a.fraction >= 1]
    if isinstance(question, Numeric):
        return [str(plain_number(a.value)) for a in question.answers if a.fraction >= 1]
    if isinstance(question, SingleChoice):
        return [choice.text for choice in question.choices if choice.credit >= 1]
    return []


def _meaningful(key: str) -> bool:
    """Not one character, not only stop words."""
    plain = "".join(words(key))
    return len(plain) > 1 and bool(content_words(key))


def answer_in_prompt(question: Question) -> list[Lint]:
    """The key written in the prompt (see the module's docstring)."""
    prompt = words(question.prompt)
    if isinstance(question, SingleChoice) and any(
        _meaningful(choice.text) and _contains_words(prompt, words(choice.text))
        for choice in question.choices
        if choice.credit <= 0
    ):
        return []
    for key in _keys(question):
        if _meaningful(key) and _contains_words(prompt, words(key)):
            return [
                Lint(
                    "answer_in_prompt",
                    f"the prompt contains its own answer {key.strip()!r}; rephrase the "
                    "prompt so it does not give the key away",
                )
            ]
    return []


RULES = (restatement, article_variant, answer_in_prompt)


def lint_question(question: Question) -> list[Lint]:
    """Every lint the question gets, in ``RULES`` order."""
    return [lint for rule in RULES for lint in rule(question)]
