"""Matching: match each left item to its right item; the bank lists the pairs matched.

Form: ``match-<left index>`` = the chosen right's index ("" for none). Stored:
``{"<left>": right}`` of the chosen ones. Response: ``{left: right}`` ints. GIFT:
``{=left -> right}``. Moodle XML: ``matching``.
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
    # The right-hand options are shuffled; the lefts stay in bank order.
    shuffled_field: ClassVar[str | None] = "pairs"
    moodle_qtype: ClassVar[str | None] = "matching"
    moodle_qtypes_read: ClassVar[tuple[str, ...]] = ("matching",)
    gift_read_order: ClassVar[int | None] = 30

    pairs: tuple[Pair, ...]

    @classmethod
    def parse_fields(
        cls, data: Mapping[str, object]
    ) -> tuple[dict[str, object], list[FieldProblem]]:
        """Validate ``pairs``: at least two, lefts unique, rights unique."""
        check = Checker()
        pairs = []
        lefts: list[tuple[Path, str | None]] = []
        rights: list[tuple[Path, str | None]] = []
        for i, entry in enumerate(check.entries(data, "pairs", minimum=2)):
            path: Path = ("pairs", i)
            record = check.record(entry, path, ("left", "right"))
            if record is None:
                continue
            left = check.text(record, "left", prefix=path)
            right = check.text(record, "right", prefix=path)
            lefts.append(((*path, "left"), left))
            rights.append(((*path, "right"), right))
            if left is not None and right is not None:
                pairs.append(Pair(left=left, right=right))
        check.unique(lefts, "left")
        check.unique(rights, "right")
        return {"pairs": tuple(pairs)}, check.problems

    def grade(self, response: object) -> float:
        """Correct pairs / all pairs; response maps left index -> right index."""
        if not isinstance(response, Mapping):
            return 0.0
        count = len(self.pairs)
        chosen: dict[int, int] = {}
        for key, value in response.items():
            left, right = read_index(key, count), read_index(value, count)
            # "0" and 0 both present would be two answers for one left item.
            if left is None or right is None or left in chosen:
                return 0.0
            chosen[left] = right
        if not count:
            return 0.0
        return sum(1 for left, right in chosen.items() if left == right) / count

    # -- the answer format

    def read_form(
        self, form: Mapping[str, Sequence[str]], tokens: AnswerTokens
    ) -> dict[str, int] | None:
        """``match-<left>`` fields: the chosen right side's token per left item."""
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
        """A stored ``{"<left>": right}`` mapping with indices in range."""
        count = len(self.pairs)
        return index_mapping(
            stored, count, NOT_AN_ITEM, lambda value: json_index(value, count, NOT_A_CHOICE)
        )

    def stored_to_response(self, stored: dict[str, int]) -> dict[int, int]:
        """``{left: right}`` with int keys."""
        return {int(left): right for left, right in stored.items()}

    def stored_is_complete(self, stored: dict[str, int]) -> bool:
        """Every left item matched."""
        return len(stored) == len(self.pairs)

    def describe_stored(self, stored: dict[str, int]) -> str:
        """ "left → chosen right" for every left item."""
        parts = []
        for left, pair in enumerate(self.pairs):
            right = stored.get(str(left))
            chosen = "(no answer)" if right is None else self.pairs[right].right
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
        """One ``=left -> right`` line per pair."""
        return [f"={escape_text(pair.left)} -> {escape(pair.right)}" for pair in self.pairs]

    @classmethod
    def gift_reads(cls, answers: GiftSpan) -> bool:
        """A block with ``=`` and ``->``."""
        return answers.find("=") >= 0 and answers.find("->") >= 0

    @classmethod
    def read_gift(cls, reader: GiftReader, answers: GiftSpan) -> dict[str, object]:
        """``{=left -> right ...}``; an empty left (a distractor) is refused."""
        head, parts = answers.split_at("=")
        if not head.is_empty():
            raise reader.refuse(
                head.strip().position,
                f"expected '=' before {head.literal()!r} (matching pairs are written "
                "=left -> right)",
            )
        pairs: list[dict[str, object]] = []
        for _, part in parts:
            left, right = part.partition("->")
            if right is None:
                raise reader.refuse(
                    part.strip().position,
                    f"expected 'left -> right' in a matching block, found {part.literal()!r}",
                )
            left_text = reader.text(left)
            if not left_text.value:
                raise reader.refuse(
                    part.strip().position,
                    f"'= -> {right.literal()}' is an extra wrong answer (a distractor), which "
                    "our matching questions do not have: each right item pairs with exactly "
                    "one left item",
                )
            reader.where[("pairs", len(pairs))] = part.strip().position
            pairs.append({"left": left_text.value, "right": right.literal()})
        reader.where[("pairs",)] = answers.position
        return {"type": cls.type_name, "pairs": pairs}

    # -- Moodle XML

    def moodle_xml_body(self, problems: list[str]) -> str:
        """One ``<subquestion>`` per pair, its right side as the ``<answer>``."""
        body = "    <shuffleanswers>true</shuffleanswers>\n"
        for pair in self.pairs:
            body += f'    <subquestion format="{XML_FORMAT}">\n'
            body += f"      <text>{xml_escape(pair.left)}</text>\n"
            body += (
                f"      <answer>\n        <text>{xml_escape(pair.right)}</text>\n      </answer>\n"
            )
            body += "    </subquestion>\n"
        return body

    @classmethod
    def read_moodle_xml(cls, reader: XmlReader, mapping: dict[str, object]) -> XmlSources:
        """Each ``<subquestion>`` with text is a pair; one without is refused."""
        before = len(reader.problems)
        pairs: list[dict[str, str]] = []
        sources: list[str] = []
        for i, sub in enumerate(reader.element.findall("subquestion"), 1):
            left = reader.rich_text(sub, f"<subquestion> {i}")
            right = raw_text(sub.find("answer")).strip()
            if not left:
                reader.refuse(
                    f"<subquestion> {i} is an extra answer without a question ({right!r}); our "
                    "matching questions pair every right item with one left item"
                )
                continue
            pairs.append({"left": left, "right": right})
            sources.append(f"<subquestion> {i}")
        if len(pairs) < 2 and len(reader.problems) == before:
            reader.problem(
                f"a matching question needs at least two <subquestion> elements, found {len(pairs)}"
            )
        mapping["type"] = cls.type_name
        mapping["pairs"] = pairs
        return {"pairs": sources}
