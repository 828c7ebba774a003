"""Ordering: put items in order; the bank lists them in the correct order.

Form: ``position-<item index>`` = 1..n ("" for none). Stored: ``{"<item>": position}`` of
the placed ones. Response: the item indices in the chosen order. ``grading`` names one of
qtype_ordering's grading types in our words (``GRADINGS``; default: kept adjacent pairs).
GIFT: qtype_ordering's block, ``{>3 ALL VERTICAL RELATIVE_NEXT_EXCLUDE_LAST SHOW none``
then one item per line in the right order. Moodle XML: qtype_ordering's ``ordering``. Both
formats carry Moodle's settings for the question: reading takes the grading type and
ignores the others (every item is shown here), writing states the question's grading and
our fixed settings.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
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

__all__ = ["DEFAULT_GRADING", "GRADINGS", "Grading", "Ordering"]

# Our model in qtype_ordering's settings, in the order its GIFT header lists them: every
# item is shown (ALL); the grading type is the question's (the default is shown here).
MOODLE_SETTINGS = {
    "selecttype": "ALL",
    "layouttype": "VERTICAL",
    "gradingtype": "RELATIVE_NEXT_EXCLUDE_LAST",
    "showgrading": "SHOW",
    "numberingstyle": "none",
}

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


# -- grading: qtype_ordering's grading types, each scoring a full order of the items
#
# ``order`` lists the item indices as the learner placed them; the correct order is
# 0, 1, ..., n-1 (the bank order). Each function follows qtype_ordering's
# ``grade_response`` for a question that shows every item.


def _places(order: Sequence[int]) -> list[int]:
    """Where each item was placed: ``places[item]`` is its 0-based position."""
    places = [0] * len(order)
    for place, item in enumerate(order):
        places[item] = place
    return places


def _all_or_nothing(order: Sequence[int]) -> float:
    return 1.0 if list(order) == list(range(len(order))) else 0.0


def _absolute_position(order: Sequence[int]) -> float:
    return sum(1 for place, item in enumerate(order) if place == item) / len(order)


def _kept_next(order: Sequence[int]) -> int:
    """Items directly followed by the item that follows them in the correct order."""
    places = _places(order)
    return sum(1 for item in range(len(order) - 1) if places[item + 1] == places[item] + 1)


def _relative_next_exclude_last(order: Sequence[int]) -> float:
    return _kept_next(order) / (len(order) - 1)


def _relative_next_include_last(order: Sequence[int]) -> float:
    # The last item of the correct order scores when nothing follows it.
    last_kept = 1 if order[-1] == len(order) - 1 else 0
    return (_kept_next(order) + last_kept) / len(order)


def _relative_one_previous_and_next(order: Sequence[int]) -> float:
    """Each item scores for its right neighbour on each side ("none" at an end counts)."""
    count = len(order)
    places = _places(order)
    score = 0
    for item in range(count):
        place = places[item]
        before = order[place - 1] if place > 0 else None
        after = order[place + 1] if place < count - 1 else None
        score += before == (item - 1 if item > 0 else None)
        score += after == (item + 1 if item < count - 1 else None)
    return score / (2 * count)


def _relative_all_previous_and_next(order: Sequence[int]) -> float:
    """Pairs of items kept in their relative order, out of all pairs.

    qtype_ordering counts each pair twice (once from each item), which cancels out.
    """
    count = len(order)
    places = _places(order)
    kept = sum(
        1
        for first in range(count)
        for second in range(first + 1, count)
        if places[first] < places[second]
    )
    return kept / (count * (count - 1) // 2)


def _scored_subset(length: int, count: int) -> float:
    # qtype_ordering keeps only subsets of two items or more: one item alone scores 0.
    return length / count if length >= 2 else 0.0


def _longest_ordered_subset(order: Sequence[int]) -> float:
    """The longest run of items, not necessarily adjacent, in increasing correct order."""
    longest_ending_at: list[int] = []
    for place, item in enumerate(order):
        before = [longest_ending_at[p] for p in range(place) if order[p] < item]
        longest_ending_at.append(1 + max(before, default=0))
    return _scored_subset(max(longest_ending_at), len(order))


def _longest_contiguous_subset(order: Sequence[int]) -> float:
    """The longest run of consecutive items of the correct order that the learner put in
    that order, not necessarily next to each other (what qtype_ordering's search finds)."""
    places = _places(order)
    longest = run = 1
    for item in range(1, len(order)):
        run = run + 1 if places[item] > places[item - 1] else 1
        longest = max(longest, run)
    return _scored_subset(longest, len(order))


def _relative_to_correct(order: Sequence[int]) -> float:
    """Each item scores (n - 1) less its distance from its right place, never below 0."""
    count = len(order)
    places = _places(order)
    score = sum(max(0, count - 1 - abs(places[item] - item)) for item in range(count))
    return score / (count * (count - 1))


@dataclass(frozen=True)
class Grading:
    """One of qtype_ordering's grading types: its Moodle name, a label and its score."""

    moodle: str
    label: str
    score: Callable[[Sequence[int]], float]


DEFAULT_GRADING = "relative_next_exclude_last"
# Our names, in the order the teacher's form offers them; the default first.
GRADINGS: dict[str, Grading] = {
    "relative_next_exclude_last": Grading(
        "RELATIVE_NEXT_EXCLUDE_LAST",
        "Pairs kept: each item directly followed by the item that should follow it",
        _relative_next_exclude_last,
    ),
    "absolute_position": Grading(
        "ABSOLUTE_POSITION",
        "Right places: each item in its exact position",
        _absolute_position,
    ),
    "all_or_nothing": Grading(
        "ALL_OR_NOTHING",
        "All or nothing: full marks only for the whole order right",
        _all_or_nothing,
    ),
    "relative_next_include_last": Grading(
        "RELATIVE_NEXT_INCLUDE_LAST",
        "Pairs kept, and the last item last",
        _relative_next_include_last,
    ),
    "relative_one_previous_and_next": Grading(
        "RELATIVE_ONE_PREVIOUS_AND_NEXT",
        "Right neighbours: the item just before and just after each item",
        _relative_one_previous_and_next,
    ),
    "relative_all_previous_and_next": Grading(
        "RELATIVE_ALL_PREVIOUS_AND_NEXT",
        "Pairs in the right order: every two items, before or after each other",
        _relative_all_previous_and_next,
    ),
    "longest_ordered_subset": Grading(
        "LONGEST_ORDERED_SUBSET",
        "Longest ordered run: the most items in the right order, gaps allowed",
        _longest_ordered_subset,
    ),
    "longest_contiguous_subset": Grading(
        "LONGEST_CONTIGUOUS_SUBSET",
        "Longest unbroken run: the most consecutive items kept in the right order",
        _longest_contiguous_subset,
    ),
    "relative_to_correct": Grading(
        "RELATIVE_TO_CORRECT",
        "Closeness: each item scores less the further it is from its place",
        _relative_to_correct,
    ),
}
# qtype_ordering's words for its grading types, as its imports read them (any case in
# Moodle XML): the names it writes, and the short ones it also accepts.
_MOODLE_GRADINGS = {
    **{grading.moodle: name for name, grading in GRADINGS.items()},
    "ABS": "absolute_position",
    "ABSOLUTE": "absolute_position",
    "REL": "relative_next_exclude_last",
    "RELATIVE": "relative_next_exclude_last",
}
# The words qtype_ordering's GIFT import accepts after ">count", each optional, in this
# order (its import_from_gift); only the grading type changes anything here.
_GIFT_SETTINGS: tuple[tuple[str, frozenset[str]], ...] = (
    ("select type", frozenset({"ALL", "EXACT", "RANDOM", "REL", "CONTIGUOUS", "CONTIG"})),
    ("layout", frozenset({"HORIZONTAL", "HORI", "H", "1", "VERTICAL", "VERT", "V", "0"})),
    ("grading type", frozenset(_MOODLE_GRADINGS)),
    ("show grading", frozenset({"SHOW", "TRUE", "YES", "1", "HIDE", "FALSE", "NO", "0"})),
    ("numbering style", frozenset({"none", "123", "abc", "ABCD", "iii", "IIII"})),
)


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
    grading: str = DEFAULT_GRADING

    @classmethod
    def parse_fields(
        cls, data: Mapping[str, object]
    ) -> tuple[dict[str, object], list[FieldProblem]]:
        """Validate ``items`` (at least three distinct texts) and the optional ``grading``."""
        check = Checker()
        items: list[tuple[Path, str | None]] = [
            (("items", i), check.text_value(value, ("items", i)))
            for i, value in enumerate(check.entries(data, "items", minimum=3))
        ]
        check.unique(items, "item")
        fields: dict[str, object] = {"items": tuple(item for _, item in items if item is not None)}
        grading = data.get("grading")
        if grading is not None:
            if isinstance(grading, str) and grading in GRADINGS:
                fields["grading"] = grading
            else:
                check.add(
                    ("grading",),
                    f"grading {grading!r} is not a grading type; write one of "
                    f"{', '.join(GRADINGS)} (default {DEFAULT_GRADING})",
                )
        return fields, check.problems

    def grade(self, response: object) -> float:
        """The order's score under ``grading``; the response must be a permutation of
        the item indices (anything else grades 0)."""
        count = len(self.items)
        if not isinstance(response, list | tuple) or count < 2:
            return 0.0
        order = read_indices(response, count)
        if order is None or sorted(order) != list(range(count)):
            return 0.0
        return GRADINGS[self.grading].score(order)

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

    def moodle_settings(self) -> dict[str, str]:
        """qtype_ordering's settings for this question, in its GIFT header's order."""
        return {**MOODLE_SETTINGS, "gradingtype": GRADINGS[self.grading].moodle}

    def gift_answer_lines(self) -> list[str]:
        """``>count`` and Moodle's settings, then one item per line in the right order."""
        header = f">{len(self.items)} {' '.join(self.moodle_settings().values())}"
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
        grading = DEFAULT_GRADING
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
            if _GIFT_SETTINGS[slot][0] == "grading type":
                grading = _MOODLE_GRADINGS[word]
            slot += 1
        items: list[str] = []
        for _, line in lines:
            text = line.strip()
            if text.is_empty():
                continue
            reader.where[("items", len(items))] = text.position
            items.append(reader.convert(text.raw, reader.format, text.position))
        reader.where[("items",)] = answers.position
        fields: dict[str, object] = {"type": cls.type_name, "items": items}
        if grading != DEFAULT_GRADING:
            fields["grading"] = grading
        return fields

    # -- Moodle XML

    def moodle_xml_body(self, problems: list[str]) -> str:
        """qtype_ordering's settings and one ``<answer>`` per item, in the right order."""
        settings = {**self.moodle_settings(), "selectcount": str(len(self.items))}
        body = ""
        for name in _XML_SETTINGS:
            body += f"    <{name}>{settings[name]}</{name}>\n"
        for position, item in enumerate(self.items, 1):
            body += f'    <answer fraction="{position}" format="{XML_FORMAT}">\n'
            body += f"      <text>{escape(item)}</text>\n    </answer>\n"
        return body

    @classmethod
    def read_moodle_xml(cls, reader: XmlReader, mapping: dict[str, object]) -> XmlSources:
        """The ``<answer>`` elements in their right order ("fraction" is only a sort key)
        and the ``<gradingtype>``; the other settings are Moodle's display and ignored."""
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
        grading = _xml_grading(reader)
        if grading is not None and grading != DEFAULT_GRADING:
            mapping["grading"] = grading
        return {"items": [f"<answer> {i}" for i in range(1, len(items) + 1)]}


def _xml_grading(reader: XmlReader) -> str | None:
    """Our name for ``<gradingtype>``, read as qtype_ordering does (any case; absent or
    empty is its default); None, with a problem recorded, for a word it does not know."""
    word = (reader.element.findtext("gradingtype") or "").strip()
    if not word:
        return DEFAULT_GRADING
    grading = _MOODLE_GRADINGS.get(word.upper())
    if grading is None:
        # qtype_ordering would silently grade such a question by its default instead.
        reader.problem(
            f"<gradingtype> {word!r} is not one of qtype_ordering's grading types; "
            f"expected one of {', '.join(_MOODLE_GRADINGS)}"
        )
    return grading


def _gift_item(text: str) -> str:
    """An item as one line of an ordering block.

    qtype_ordering takes the lines as they are (GIFT escapes reach Moodle as codes
    like ``&&061;``), so only what would break the block is escaped: a backslash, braces,
    a line break and the ``####`` that starts the general feedback.
    """
    escaped = text.replace("\\", "\\\\").replace("{", "\\{").replace("}", "\\}")
    escaped = escaped.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    return escaped.replace("####", "\\#\\#\\#\\#")
