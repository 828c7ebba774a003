"""Matching: match each left item to its right item; the bank lists the pairs matched.

The answers offered for every left item (:attr:`Matching.right_options`) are the distinct
rights of the pairs, in bank order, then the ``distractors`` (extra answers that match no
left item). Rights may repeat across pairs ("cat -> mammal", "dog -> mammal"), as in
Moodle, which offers each distinct text once. Form: ``match-<left index>`` = the chosen
option's token ("" for none). Stored: ``{"<left>": option index}`` of the chosen ones.
Response: ``{left: option}`` ints. A question whose rights are distinct and that has no
distractors offers option i = pair i's right, so answers stored before distractors
existed keep their meaning. GIFT: ``{=left -> right = -> distractor}``. Moodle XML:
``matching`` (a distractor is a ``<subquestion>`` with empty text).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar

from quizapp.domain.interchange.gift_syntax import GiftReader, GiftSpan, escape, escape_text
from quizapp.domain.interchange.moodle_xml_syntax import XML_FORMAT, XmlReader, raw_text
from quizapp.domain.interchange.moodle_xml_syntax import escape as xml_escape
from quizapp.domain.question_types.answer_fields import (
    NOT_A_CHOICE,
    NOT_AN_ITEM,
    AnswerTokens,
    form_index,
    index_mapping,
    json_index,
    prefixed_fields,
)
from quizapp.domain.question_types.base import (
    Checker,
    FieldProblem,
    Path,
    Question,
    XmlSources,
    field_label,
    kind_of,
    read_index,
)

__all__ = ["Matching", "Pair"]


@dataclass(frozen=True, kw_only=True)
class Pair:
    """A left/right pair of a matching question; the bank lists pairs already matched."""

    left: str
    right: str


@dataclass(frozen=True, kw_only=True)
class Matching(Question):
    """Match each left item to its right item; the bank lists the pairs already matched."""

    type_name: ClassVar[str] = "matching"
    # The right-hand options are shuffled (see shuffled_count); the lefts stay in bank order.
    shuffled_field: ClassVar[str | None] = "pairs"
    moodle_qtype: ClassVar[str | None] = "matching"
    moodle_qtypes_read: ClassVar[tuple[str, ...]] = ("matching",)
    gift_read_order: ClassVar[int | None] = 30

    pairs: tuple[Pair, ...]
    distractors: tuple[str, ...] = ()

    @classmethod
    def parse_fields(
        cls, data: Mapping[str, object]
    ) -> tuple[dict[str, object], list[FieldProblem]]:
        """Validate ``pairs`` (at least two, lefts unique) and ``distractors`` (optional;
        each unique and none equal to a pair's right); at least two answers to choose from."""
        check = Checker()
        pairs = []
        lefts: list[tuple[Path, str | None]] = []
        right_at: dict[str, Path] = {}
        for i, entry in enumerate(check.entries(data, "pairs", minimum=2)):
            path: Path = ("pairs", i)
            record = check.record(entry, path, ("left", "right"))
            if record is None:
                continue
            left = check.text(record, "left", prefix=path)
            right = check.text(record, "right", prefix=path)
            lefts.append(((*path, "left"), left))
            if right is not None:
                right_at.setdefault(right, (*path, "right"))
            if left is not None and right is not None:
                pairs.append(Pair(left=left, right=right))
        check.unique(lefts, "left")
        distractors = _read_distractors(check, data.get("distractors"), right_at)
        if not check.problems and len(right_at) + len(distractors) < 2:
            check.add(
                ("pairs",),
                f"every pair has the right {next(iter(right_at))!r} and there is no "
                "distractor: give at least two different answers to choose from",
            )
        return {"pairs": tuple(pairs), "distractors": tuple(distractors)}, check.problems

    # -- the answers offered

    @property
    def right_options(self) -> tuple[str, ...]:
        """The answers offered for every left item, as option indices count them: each
        distinct right in pair order, then the distractors."""
        return (*dict.fromkeys(pair.right for pair in self.pairs), *self.distractors)

    def key_options(self) -> tuple[int, ...]:
        """For each left item, the index of its right in :attr:`right_options`."""
        index = {text: i for i, text in reversed(list(enumerate(self.right_options)))}
        return tuple(index[pair.right] for pair in self.pairs)

    def shuffled_count(self) -> int:
        """The options are what is shuffled: the rights and the distractors."""
        return len(self.right_options)

    def grade(self, response: object) -> float:
        """Correct pairs / all pairs; response maps left index -> option index.

        A left is matched rightly when the chosen option is its right's text, so two
        lefts sharing a right are both right with that one option.
        """
        if not isinstance(response, Mapping):
            return 0.0
        count = len(self.pairs)
        options = len(self.right_options)
        chosen: dict[int, int] = {}
        for key, value in response.items():
            left, right = read_index(key, count), read_index(value, options)
            # "0" and 0 both present would be two answers for one left item.
            if left is None or right is None or left in chosen:
                return 0.0
            chosen[left] = right
        if not count:
            return 0.0
        key = self.key_options()
        return sum(1 for left, right in chosen.items() if key[left] == right) / count

    # -- the answer format

    def read_form(
        self, form: Mapping[str, Sequence[str]], tokens: AnswerTokens
    ) -> dict[str, int] | None:
        """``match-<left>`` fields: the chosen option's token per left item."""
        count = len(self.pairs)
        chosen: dict[int, int] = {}
        for suffix, value in prefixed_fields(form, "match-"):
            # Lefts are shown in bank order, so their index says nothing about the key.
            left = form_index(suffix, count, NOT_AN_ITEM)
            if value is not None:
                chosen[left] = tokens.index_of(value, NOT_A_CHOICE)
        return {str(left): chosen[left] for left in sorted(chosen)} or None

    def form_carries_answer(self, form: Mapping[str, Sequence[str]]) -> bool:
        """Any ``match-<left>`` field."""
        return any(name.startswith("match-") for name in form)

    def check_stored(self, stored: object) -> dict[str, int] | None:
        """A stored ``{"<left>": option}`` mapping with indices in range."""
        options = len(self.right_options)
        return index_mapping(
            stored,
            len(self.pairs),
            NOT_AN_ITEM,
            lambda value: json_index(value, options, NOT_A_CHOICE),
        )

    def stored_to_response(self, stored: dict[str, int]) -> dict[int, int]:
        """``{left: option}`` with int keys."""
        return {int(left): right for left, right in stored.items()}

    def stored_is_complete(self, stored: dict[str, int]) -> bool:
        """Every left item matched."""
        return len(stored) == len(self.pairs)

    def describe_stored(self, stored: dict[str, int]) -> str:
        """ "left → chosen answer" for every left item."""
        options = self.right_options
        parts = []
        for left, pair in enumerate(self.pairs):
            right = stored.get(str(left))
            chosen = "(no answer)" if right is None else options[right]
            parts.append(f"{pair.left} → {chosen}")
        return "; ".join(parts)

    def describe_key(self) -> str:
        """ "left → right" for every pair."""
        return "; ".join(f"{pair.left} → {pair.right}" for pair in self.pairs)

    # -- GIFT

    def gift_problem(self) -> str | None:
        """A left item with '->' cannot be written: GIFT has no escape for it."""
        for pair in self.pairs:
            if "->" in pair.left:
                return f"the left item {pair.left!r} contains '->', which GIFT cannot escape"
        return None

    def gift_answer_lines(self) -> list[str]:
        """One ``=left -> right`` line per pair, then ``= -> distractor`` (Moodle's form)."""
        lines = [f"={escape_text(pair.left)} -> {escape(pair.right)}" for pair in self.pairs]
        return lines + [f"= -> {escape(text)}" for text in self.distractors]

    @classmethod
    def gift_reads(cls, answers: GiftSpan) -> bool:
        """A block with ``=`` and ``->``."""
        return answers.find("=") >= 0 and answers.find("->") >= 0

    @classmethod
    def read_gift(cls, reader: GiftReader, answers: GiftSpan) -> dict[str, object]:
        """``{=left -> right ...}``; an empty left (``= -> text``) is a distractor."""
        head, parts = answers.split_at("=")
        if not head.is_empty():
            raise reader.refuse(
                head.strip().position,
                f"expected '=' before {head.literal()!r} (matching pairs are written "
                "=left -> right)",
            )
        pairs: list[dict[str, object]] = []
        distractors: list[tuple[str, GiftSpan]] = []
        for _, part in parts:
            left, right = part.partition("->")
            if right is None:
                raise reader.refuse(
                    part.strip().position,
                    f"expected 'left -> right' in a matching block, found {part.literal()!r}",
                )
            left_text = reader.text(left)
            if not left_text.value and right.is_empty():
                raise reader.refuse(
                    part.strip().position,
                    "expected text on either side of '->' (=left -> right is a pair, "
                    "= -> answer an extra answer that matches no left item)",
                )
            if left_text.value:
                reader.where[("pairs", len(pairs))] = part.strip().position
                pairs.append({"left": left_text.value, "right": right.literal()})
            else:
                distractors.append((right.literal(), part.strip()))
        reader.where[("pairs",)] = answers.position
        mapping: dict[str, object] = {"type": cls.type_name, "pairs": pairs}
        kept = [distractors[i] for i in _adding_an_answer(pairs, [t for t, _ in distractors])]
        for index, (_, span) in enumerate(kept):
            reader.where[("distractors", index)] = span.position
        if kept:
            mapping["distractors"] = [text for text, _ in kept]
        return mapping

    # -- Moodle XML

    def moodle_xml_body(self, problems: list[str]) -> str:
        """One ``<subquestion>`` per pair, its right side as the ``<answer>``; then one
        with empty text per distractor (Moodle's form of an extra answer)."""
        body = "    <shuffleanswers>true</shuffleanswers>\n"
        subquestions = [(pair.left, pair.right) for pair in self.pairs]
        subquestions += [("", text) for text in self.distractors]
        for left, right in subquestions:
            body += f'    <subquestion format="{XML_FORMAT}">\n'
            body += f"      <text>{xml_escape(left)}</text>\n"
            body += f"      <answer>\n        <text>{xml_escape(right)}</text>\n      </answer>\n"
            body += "    </subquestion>\n"
        return body

    @classmethod
    def read_moodle_xml(cls, reader: XmlReader, mapping: dict[str, object]) -> XmlSources:
        """Each ``<subquestion>`` with text is a pair; one without text is a distractor,
        and one with neither text nor answer is skipped (as Moodle does)."""
        before = len(reader.problems)
        pairs: list[dict[str, object]] = []
        pair_sources: list[str] = []
        distractors: list[tuple[str, str]] = []
        for i, sub in enumerate(reader.element.findall("subquestion"), 1):
            left = reader.rich_text(sub, f"<subquestion> {i}")
            right = raw_text(sub.find("answer")).strip()
            if left:
                pairs.append({"left": left, "right": right})
                pair_sources.append(f"<subquestion> {i}")
            elif right:
                distractors.append((right, f"<subquestion> {i}"))
        if len(pairs) < 2 and len(reader.problems) == before:
            others = " with question text (the others are distractors)" if distractors else ""
            reader.problem(
                "a matching question needs at least two <subquestion> elements, "
                f"found {len(pairs)}{others}"
            )
        kept = [distractors[i] for i in _adding_an_answer(pairs, [t for t, _ in distractors])]
        mapping["type"] = cls.type_name
        mapping["pairs"] = pairs
        if kept:
            mapping["distractors"] = [text for text, _ in kept]
        return {"pairs": pair_sources, "distractors": [source for _, source in kept]}


def _read_distractors(check: Checker, value: object, right_at: Mapping[str, Path]) -> list[str]:
    """The optional ``distractors`` list: texts that are no pair's right, each once."""
    if value is None:
        return []
    if not isinstance(value, list | tuple):
        check.add(("distractors",), f"distractors must be a list of texts, not {kind_of(value)}")
        return []
    texts: list[str] = []
    seen: dict[str, Path] = {}
    for i, entry in enumerate(value):
        path: Path = ("distractors", i)
        text = check.text_value(entry, path)
        if text is None:
            continue
        if text in right_at:
            check.add(
                path,
                f"distractor {text!r} is already the right of {field_label(right_at[text])}: "
                "a distractor must match no left item (remove it, or change its text)",
            )
        elif text in seen:
            check.add(path, f"distractor {text!r} repeats {field_label(seen[text])}")
        else:
            seen[text] = path
            texts.append(text)
    return texts


def _adding_an_answer(pairs: Sequence[Mapping[str, object]], distractors: list[str]) -> list[int]:
    """The indices of the imported distractors that add an answer: Moodle offers each
    distinct text once, so one equal to a pair's right or to an earlier distractor
    changes nothing and is left out."""
    taken = {pair["right"] for pair in pairs}
    kept: list[int] = []
    for index, text in enumerate(distractors):
        if text not in taken:
            taken.add(text)
            kept.append(index)
    return kept
