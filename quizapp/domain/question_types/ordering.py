"""Ordering: put items in order; the bank lists them in the correct order.

Form: ``position-<item index>`` = 1..n ("" for none). Stored: ``{"<item>": position}`` of
the placed ones. Response: the item indices in the chosen order. GIFT: qtype_ordering's
block, ``{>3 ALL VERTICAL RELATIVE_NEXT_EXCLUDE_LAST SHOW none`` then one item per line in
the right order. Moodle XML: qtype_ordering's ``ordering``. Both formats carry Moodle's
settings for the question; ours are fixed (every item shown, our grading), so reading
ignores theirs and writing states ours.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar

from quizapp.domain.interchange.gift_syntax import GiftReader, GiftSpan
from quizapp.domain.interchange.moodle_xml_syntax import XML_FORMAT, XmlReader, escape
from quizapp.domain.question_types.answer_fields import (
    NOT_AN_ITEM,
    AnswerRejected,
    AnswerTokens,
    form_int,
    index_mapping,
    prefixed_fields,
)
from quizapp.domain.question_types.base import (
    Checker,
    FieldProblem,
    Path,
    Question,
    XmlSources,
    read_indices,
)

__all__ = ["Ordering"]

# Our model in qtype_ordering's settings, in the order its GIFT header lists them: every
# item is shown (ALL) and grading counts kept adjacent pairs (RELATIVE_NEXT_EXCLUDE_LAST).
MOODLE_SETTINGS = {
    "selecttype": "ALL",
    "layouttype": "VERTICAL",
    "gradingtype": "RELATIVE_NEXT_EXCLUDE_LAST",
    "showgrading": "SHOW",
    "numberingstyle": "none",
}

# The words qtype_ordering's GIFT import accepts after ">count", each optional, in this
# order (its import_from_gift); the values are Moodle's and change nothing here.
_GIFT_SETTINGS: tuple[tuple[str, frozenset[str]], ...] = (
    ("select type", frozenset({"ALL", "EXACT", "RANDOM", "REL", "CONTIGUOUS", "CONTIG"})),
    ("layout", frozenset({"HORIZONTAL", "HORI", "H", "1", "VERTICAL", "VERT", "V", "0"})),
    (
        "grading type",
        frozenset(
            {
                "ALL_OR_NOTHING",
                "ABSOLUTE_POSITION",
                "ABSOLUTE",
                "ABS",
                "RELATIVE_NEXT_EXCLUDE_LAST",
                "RELATIVE_NEXT_INCLUDE_LAST",
                "RELATIVE_ONE_PREVIOUS_AND_NEXT",
                "RELATIVE_ALL_PREVIOUS_AND_NEXT",
                "RELATIVE_TO_CORRECT",
                "RELATIVE",
                "REL",
                "LONGEST_ORDERED_SUBSET",
                "LONGEST_CONTIGUOUS_SUBSET",
            }
        ),
    ),
    ("show grading", frozenset({"SHOW", "TRUE", "YES", "1", "HIDE", "FALSE", "NO", "0"})),
    ("numbering style", frozenset({"none", "123", "abc", "ABCD", "iii", "IIII"})),
)
_GIFT_EXAMPLE = "{>3 ALL VERTICAL RELATIVE_NEXT_EXCLUDE_LAST SHOW none"
_XML_SETTINGS = (
    "layouttype",
    "selecttype",
    "selectcount",
    "gradingtype",
    "showgrading",
    "numberingstyle",
)
_COUNT = re.compile(r"[0-9]+")


def _position(position: object, count: int) -> int:
    """Check a 1-based position: an int (True is not 1) from 1 to ``count``."""
    if isinstance(position, bool) or not isinstance(position, int):
        raise AnswerRejected(f"Choose a position from 1 to {count}.")
    if not 1 <= position <= count:
        raise AnswerRejected(
            f"Position {position} does not exist: this question has {count} items."
        )
    return position


@dataclass(frozen=True, kw_only=True)
class Ordering(Question):
    """Put items in order; ``items`` lists them in the correct order."""

    type_name: ClassVar[str] = "ordering"
    shuffled_field: ClassVar[str | None] = "items"
    # The bank order IS the answer, so it is never shown, whatever the quiz's settings.
    avoid_identity_order: ClassVar[bool] = True
    moodle_qtype: ClassVar[str | None] = "ordering"
    moodle_qtypes_read: ClassVar[tuple[str, ...]] = ("ordering",)
    # First: Moodle asks qtype_ordering before its own types, and an item may hold the
    # '=', '~' or '->' that make other blocks.
    gift_read_order: ClassVar[int | None] = 5

    items: tuple[str, ...]

    @classmethod
    def parse_fields(
        cls, data: Mapping[str, object]
    ) -> tuple[dict[str, object], list[FieldProblem]]:
        """Validate ``items``: at least three distinct texts."""
        check = Checker()
        items: list[tuple[Path, str | None]] = [
            (("items", i), check.text_value(value, ("items", i)))
            for i, value in enumerate(check.entries(data, "items", minimum=3))
        ]
        check.unique(items, "item")
        return {"items": tuple(item for _, item in items if item is not None)}, check.problems

    def grade(self, response: object) -> float:
        """Kept adjacent pairs / (items - 1); the response must be a permutation of indices."""
        count = len(self.items)
        if not isinstance(response, list | tuple) or count < 2:
            return 0.0
        order = read_indices(response, count)
        if order is None or sorted(order) != list(range(count)):
            return 0.0
        position = {item: place for place, item in enumerate(order)}
        kept = sum(1 for i in range(count - 1) if position[i + 1] == position[i] + 1)
        return kept / (count - 1)

    # -- the answer format

    def read_form(
        self, form: Mapping[str, Sequence[str]], tokens: AnswerTokens
    ) -> dict[str, int] | None:
        """``position-<item token>`` fields: the chosen 1-based position per item."""
        count = len(self.items)
        chosen: dict[int, int] = {}
        for suffix, value in prefixed_fields(form, "position-"):
            # The item's bank index is its right position, so the name carries a token.
            item = tokens.index_of(suffix, NOT_AN_ITEM)
            if value is not None:
                chosen[item] = _position(form_int(value), count)
        return {str(item): chosen[item] for item in sorted(chosen)} or None

    def form_carries_answer(self, form: Mapping[str, Sequence[str]]) -> bool:
        """Any ``position-<item>`` field."""
        return any(name.startswith("position-") for name in form)

    def check_stored(self, stored: object) -> dict[str, int] | None:
        """A stored ``{"<item>": position}`` mapping with items and positions in range."""
        count = len(self.items)
        return index_mapping(stored, count, NOT_AN_ITEM, lambda value: _position(value, count))

    def stored_to_response(self, stored: dict[str, int]) -> list[int] | None:
        """The items in the chosen order, or None unless positions are exactly 1..n."""
        # Grading needs a full order: positions 1..n each used once. Anything else
        # (an item left unplaced, two items in one place) grades 0, as a missing answer.
        if sorted(stored.values()) != list(range(1, len(self.items) + 1)):
            return None
        return [int(item) for item, _ in sorted(stored.items(), key=lambda entry: entry[1])]

    def stored_is_complete(self, stored: dict[str, int]) -> bool:
        """Every item placed."""
        return len(stored) == len(self.items)

    def describe_stored(self, stored: dict[str, int]) -> str:
        """The placed items by position, then the unplaced ones alphabetically."""
        placed = sorted((position, int(item)) for item, position in stored.items())
        parts = [f"{position}. {self.items[item]}" for position, item in placed]
        # Bank order is the correct order, so listing unplaced items in it would reveal
        # the answer on a review page that hides the key; alphabetical reveals nothing.
        unplaced = [text for i, text in enumerate(self.items) if str(i) not in stored]
        parts += [f"(not placed) {text}" for text in sorted(unplaced, key=str.casefold)]
        return "; ".join(parts)

    def describe_key(self) -> str:
        """ "1. first; 2. second; ..."."""
        return "; ".join(f"{place}. {item}" for place, item in enumerate(self.items, 1))

    # -- GIFT: qtype_ordering's block

    def gift_problem(self) -> str | None:
        """An item starting with '//' would be read as a comment line."""
        for item in self.items:
            if item.startswith("//"):
                return f"the item {item!r} starts with '//', which GIFT reads as a comment line"
        return None

    def gift_skipped_lines(self) -> list[str]:
        """The items in their right order, so the comment keeps the whole question."""
        return [f"{n}. {item}" for n, item in enumerate(self.items, start=1)]

    def gift_answer_lines(self) -> list[str]:
        """``>count`` and Moodle's settings, then one item per line in the right order."""
        header = f">{len(self.items)} {' '.join(MOODLE_SETTINGS.values())}"
        return [header, *(_gift_item(item) for item in self.items)]

    @classmethod
    def gift_reads(cls, answers: GiftSpan) -> bool:
        """A block starting with ``>``, as qtype_ordering's import asks."""
        return answers.startswith(">")

    @classmethod
    def read_gift(cls, reader: GiftReader, answers: GiftSpan) -> dict[str, object]:
        """The header line (``>count`` and settings), then the items, one per line."""
        header, lines = answers.split_at("\n")
        words = header.raw[1:].split()
        if not words or not _COUNT.fullmatch(words[0]):
            raise reader.refuse(
                header.position,
                "expected the number of items after '>' in an ordering block, as "
                f"qtype_ordering writes it: {_GIFT_EXAMPLE}, then one item per line",
            )
        slot = 0
        for word in words[1:]:
            while slot < len(_GIFT_SETTINGS) and word not in _GIFT_SETTINGS[slot][1]:
                slot += 1
            if slot == len(_GIFT_SETTINGS):
                raise reader.refuse(
                    header.position,
                    f"{word!r} is not one of qtype_ordering's settings on the line "
                    f"{header.literal()!r} (expected, in this order: "
                    f"{', '.join(name for name, _ in _GIFT_SETTINGS)}, e.g. "
                    f"{_GIFT_EXAMPLE[1:]}); put each item on a line of its own",
                )
            slot += 1
        items: list[str] = []
        for _, line in lines:
            text = line.strip()
            if text.is_empty():
                continue
            reader.where[("items", len(items))] = text.position
            items.append(reader.convert(text.raw, reader.format, text.position))
        reader.where[("items",)] = answers.position
        return {"type": cls.type_name, "items": items}

    # -- Moodle XML

    def moodle_xml_body(self, problems: list[str]) -> str:
        """qtype_ordering's settings and one ``<answer>`` per item, in the right order."""
        settings = {**MOODLE_SETTINGS, "selectcount": str(len(self.items))}
        body = ""
        for name in _XML_SETTINGS:
            body += f"    <{name}>{settings[name]}</{name}>\n"
        for position, item in enumerate(self.items, 1):
            body += f'    <answer fraction="{position}" format="{XML_FORMAT}">\n'
            body += f"      <text>{escape(item)}</text>\n    </answer>\n"
        return body

    @classmethod
    def read_moodle_xml(cls, reader: XmlReader, mapping: dict[str, object]) -> XmlSources:
        """The ``<answer>`` elements in their right order ("fraction" is only a sort key)."""
        # qtype_ordering lists the items in their right order; "fraction" is only a sort key.
        answers = reader.element.findall("answer")
        items = [reader.rich_text(answer, f"<answer> {i}") for i, answer in enumerate(answers, 1)]
        if len(items) < 3:
            reader.problem(
                f"our ordering questions need at least three items (<answer> elements), "
                f"found {len(items)}"
            )
        mapping["type"] = cls.type_name
        mapping["items"] = items
        return {"items": [f"<answer> {i}" for i in range(1, len(items) + 1)]}


def _gift_item(text: str) -> str:
    """An item as one line of an ordering block.

    qtype_ordering takes the lines as they are (GIFT escapes reach Moodle as placeholders
    like ``&&061;``), so only what would break the block is escaped: a backslash, braces,
    a line break and the ``####`` that starts the general feedback.
    """
    escaped = text.replace("\\", "\\\\").replace("{", "\\{").replace("}", "\\}")
    escaped = escaped.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    return escaped.replace("####", "\\#\\#\\#\\#")
