"""Moodle XML: import into our question types and export back (docs/interchange-moodle-xml.md).

Import is all or nothing: every problem in the file is collected, each naming the question's
position among the ``<question>`` elements and its ``<name>``, and one
:class:`~quizapp.domain.interchange.InterchangeError` is raised. The XML is parsed only by
defusedxml with DTDs, entities and external references forbidden, so an entity-expansion
bomb or an external entity is refused before anything is expanded or fetched.

Moodle text in HTML is turned into the plain text with Markdown emphasis that our prompts
are (``html_to_text``); nothing that could run script survives. Export writes our text with
``format="markdown"``, which Moodle renders as Markdown and which we read back verbatim, so
export followed by import gives back the same questions (difficulty and evidence aside:
Moodle has no place for them).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from html.parser import HTMLParser
from urllib.parse import quote
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeElementTree
import nh3
from defusedxml import DefusedXmlException

from quizapp.domain.interchange import (
    InterchangeError,
    InterchangeProblem,
    decode_text,
    unique_id,
)
from quizapp.domain.questions import (
    Matching,
    MultipleChoice,
    Numeric,
    Ordering,
    Question,
    QuestionInvalid,
    ShortAnswer,
    SingleChoice,
    TrueFalse,
    question_from_mapping,
)

__all__ = ["MOODLE_FRACTIONS", "dump_moodle_xml", "html_to_text", "parse_moodle_xml"]

# Moodle's grade options (question_bank::fraction_options_full) as percentages, exact. The
# XML carries them rounded to 5 decimals (33.33333), so matching allows that much slack.
MOODLE_FRACTIONS: tuple[float, ...] = (
    100.0, 90.0, 250 / 3, 80.0, 75.0, 70.0, 200 / 3, 60.0, 50.0, 40.0, 100 / 3, 30.0, 25.0,
    20.0, 50 / 3, 100 / 7, 12.5, 100 / 9, 10.0, 5.0, 0.0,
)  # fmt: skip
_FRACTION_SLACK = 1e-5
_ALLOWED_FRACTIONS_TEXT = (
    "100, 90, 83.33333, 80, 75, 70, 66.66667, 60, 50, 40, 33.33333, 30, 25, 20, 16.66667, "
    "14.28571, 12.5, 11.11111, 10, 5, 0 or one of these negated"
)

# Moodle types we recognise but cannot represent, with the reason a teacher needs to hear.
_UNSUPPORTED = {
    "essay": "it is graded by hand; our questions are graded automatically",
    "description": "it only shows text and asks nothing",
    "cloze": "it embeds several sub-questions in one text; split it into separate questions",
    "multianswer": (
        "an embedded-answers (Cloze) question holds several sub-questions in one text; "
        "split it into separate questions"
    ),
    "calculated": (
        "its answer comes from a formula with random values; use a numerical question "
        "with a fixed answer"
    ),
    "calculatedsimple": (
        "its answer comes from a formula with random values; use a numerical question "
        "with a fixed answer"
    ),
    "calculatedmulti": (
        "its choices come from formulas with random values; use a multichoice question "
        "with fixed choices"
    ),
    "randomsamatch": "it draws short-answer questions at random when the quiz starts",
    "random": "it stands for a question drawn at random from a category",
    "ddwtos": "drag-and-drop into text has no counterpart among our question types",
    "gapselect": "select-missing-words has no counterpart among our question types",
    "ddimageortext": "it is built on an image, and our questions hold no images",
    "ddmarker": "it is built on an image, and our questions hold no images",
    "multichoiceset": (
        "all-or-nothing multiple choice would be graded with partial credit here; "
        "export it from Moodle as multichoice"
    ),
}

_XML_FORMAT = "markdown"
# Characters XML 1.0 cannot carry at all, not even as character references.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_VALID_ID = re.compile(r"[a-z0-9-]+")
_UNESCAPED_STAR = re.compile(r"(?<!\\)\*+")


# ------------------------------------------------------------------------ HTML to text


# Tags whose content is never text a learner should see (or could be a script in disguise).
_DROP_WITH_CONTENT = {
    "script", "style", "noscript", "template", "textarea", "iframe", "object", "embed",
    "noembed", "noframes", "xmp", "title", "select", "head",
}  # fmt: skip
_BLOCK_TAGS = {
    "p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre",
    "table", "tr", "dl", "dt", "dd", "hr", "section", "article", "figure",
}  # fmt: skip
_EMPHASIS = {"b": "**", "strong": "**", "i": "*", "em": "*"}
_KEPT_TAGS = {*_BLOCK_TAGS, *_EMPHASIS, "br", "a", "img", "td", "th"}
# Markdown would read these as emphasis, code, links or escapes; in HTML they were text.
_MARKDOWN_SPECIAL = re.compile(r"([\\*_`\[\]])")
_ENTITY_LIKE = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
# What our prompt check (and any HTML renderer) would take for the start of a tag.
_TAG_OPENER = re.compile(r"<(?=[A-Za-z/!?])")
_HTML_SPACE = re.compile(r"[ \t\n\r\f\xa0]+")
_SPACES = re.compile(r" {2,}")
# Left alone in a link target; anything else (spaces, brackets, < >, quotes) is %-encoded so
# the Markdown link cannot end early or carry markup.
_URL_SAFE = ":/?#@!$&'*+,;=%~-._"


class _MarkdownWriter(HTMLParser):
    """Turns sanitised HTML into plain text with Markdown emphasis and links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.open_emphasis: list[tuple[str, str, int]] = []
        self.links: list[str | None] = []
        self.images = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _EMPHASIS:
            self.open_emphasis.append((tag, _EMPHASIS[tag], len(self.parts)))
            self.parts.append("")
        elif tag == "br":
            self.parts.append("\n")
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")
        elif tag in ("td", "th"):
            self.parts.append(" ")
        elif tag == "img":
            self.images += 1
        elif tag == "a":
            href = dict(attrs).get("href")
            self.links.append(href)
            if href:
                self.parts.append("[")

    def handle_endtag(self, tag: str) -> None:
        if tag in _EMPHASIS:
            self._close_emphasis(tag)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")
        elif tag == "a" and self.links:
            href = self.links.pop()
            if href:
                self.parts.append(f"]({quote(href, safe=_URL_SAFE)})")

    def _close_emphasis(self, tag: str) -> None:
        if not any(open_tag == tag for open_tag, _, _ in self.open_emphasis):
            return
        while self.open_emphasis:
            open_tag, marker, start = self.open_emphasis.pop()
            content = "".join(self.parts[start + 1 :])
            inner = content.strip()
            # "** bold **" is not emphasis in Markdown: keep the spaces outside the markers.
            lead = content[: len(content) - len(content.lstrip())]
            trail = content[len(content.rstrip()) :]
            marked = f"{lead}{marker}{inner}{marker}{trail}" if inner else content
            del self.parts[start:]
            self.parts.append(marked)
            if open_tag == tag:
                return

    def handle_data(self, data: str) -> None:
        text = _HTML_SPACE.sub(" ", data)
        text = _MARKDOWN_SPECIAL.sub(r"\\\1", text)
        text = _ENTITY_LIKE.sub(r"\\&", text)
        self.parts.append(_TAG_OPENER.sub("< ", text))

    def text(self) -> str:
        while self.open_emphasis:
            self._close_emphasis(self.open_emphasis[-1][0])
        # HTML shows any run of spaces as one, also across tags ("a <b> b</b>").
        lines = [_SPACES.sub(" ", line).strip() for line in "".join(self.parts).split("\n")]
        return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _convert_html(html: str) -> tuple[str, int]:
    """Sanitise and convert; also count the images the text had (they cannot come along)."""
    cleaned = nh3.clean(
        html,
        tags=_KEPT_TAGS,
        clean_content_tags=_DROP_WITH_CONTENT,
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        link_rel=None,
        strip_comments=True,
    )
    writer = _MarkdownWriter()
    writer.feed(cleaned)
    writer.close()
    return writer.text(), writer.images


def html_to_text(html: str) -> str:
    """Convert Moodle HTML to plain text with Markdown emphasis, safe to use as a prompt.

    The HTML is first sanitised with nh3 (scripts, styles and every attribute but a link's
    http/https/mailto ``href`` removed), then written out as text: entities decoded,
    ``<br>`` a line break, paragraphs and other blocks separated by a blank line,
    ``<b>``/``<strong>`` as ``**``, ``<i>``/``<em>`` as ``*``, links as ``[text](url)``,
    every other tag dropped with its text kept. Characters Markdown would misread
    (``* _ ` [ ] \\``) are backslash-escaped, and a ``<`` that would open a tag once
    decoded (``&lt;script&gt;``) is followed by a space so it stays inert text.
    """
    return _convert_html(html)[0]


# ------------------------------------------------------------------------------ reading


def _parse_xml(text: str, path: str) -> Element:
    """Parse with every DTD and entity feature off; raise InterchangeError on any failure."""
    try:
        return SafeElementTree.fromstring(
            text, forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
    except DefusedXmlException as error:
        found = re.search(r"<!DOCTYPE|<!ENTITY", text)
        line = text.count("\n", 0, found.start()) + 1 if found else None
        message = (
            f"the file declares a DTD or entities ({type(error).__name__}); Moodle XML needs "
            "none, and they are refused because they allow entity-expansion bombs and "
            "reading other files"
        )
        raise InterchangeError(
            [InterchangeProblem(path=path, message=message, line=line or 1)]
        ) from None
    except ParseError as error:
        line, column = getattr(error, "position", (1, 0))
        reason = re.sub(r": line \d+, column \d+$", "", str(error))
        if reason.startswith("undefined entity"):
            reason += " (HTML entities such as &nbsp; only work inside <![CDATA[ ... ]]>)"
        message = f"malformed XML: {reason}"
        raise InterchangeError(
            [InterchangeProblem(path=path, message=message, line=line, column=column + 1)]
        ) from None


def _raw_text(element: Element | None) -> str:
    """Text of ``<x><text>...</text></x>`` or of ``<x>...</x>``; "" when absent."""
    if element is None:
        return ""
    holder = element.find("text")
    if holder is None:
        return element.text or "" if not len(element) else ""
    return holder.text or ""


def _to_number(text: str) -> float | None:
    stripped = text.strip()
    if not _NUMBER.fullmatch(stripped):
        return None
    value = float(stripped)
    return value if math.isfinite(value) else None


def _number_text(value: float) -> str:
    """A number as Moodle and we both read it back exactly: 2, 2.5, 1e-05."""
    if value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    return repr(value)


class _Reader:
    """Reads one ``<question>`` element, recording problems under its position and name."""

    def __init__(self, path: str, position: int, element: Element) -> None:
        self.path = path
        self.position = position
        self.element = element
        name = _raw_text(element.find("name")).strip()
        self.name = name or None
        self.problems: list[InterchangeProblem] = []

    def problem(self, message: str) -> None:
        self.problems.append(
            InterchangeProblem(
                path=self.path, message=message, position=self.position, name=self.name
            )
        )

    def refuse(self, why: str) -> None:
        self.problem(f"not imported: {why}")

    def rich_text(self, element: Element | None, where: str) -> str:
        """The text of a formatted element (``format="..."``), converted to our Markdown."""
        if element is None:
            return ""
        holder = element.find("text")
        if holder is None:
            # Only the old one-level form (<tag>text</tag>) has no <text>; with other
            # children (an <answer> with just a <feedback>) the text is simply missing.
            holder = element if not len(element) else Element("text")
        if len(holder):
            self.problem(
                f"{where} holds the element <{holder[0].tag}> inside its text; put HTML "
                "inside <![CDATA[ ... ]]> so it is read as text"
            )
            return ""
        text = holder.text or ""
        text_format = (element.get("format") or "html").strip().lower()
        if text_format in ("markdown", "plain_text"):
            return text.strip()
        if text_format in ("moodle_auto_format", "wiki_like"):
            # Moodle auto-format is HTML in which a line break is a <br>.
            text = text.replace("\r\n", "\n").replace("\n", "<br>")
        converted, images = _convert_html(text)
        if images:
            self.refuse(
                f"{where} shows an image, and our questions cannot hold images; "
                "describe it in words or remove it in Moodle first"
            )
        return converted

    def fraction(self, answer: Element, index: int) -> float | None:
        """The answer's grade as one of Moodle's percentages, or None (problem recorded)."""
        raw = answer.get("fraction", "0")
        value = _to_number(raw)
        if value is None:
            self.problem(
                f"<answer> {index}: fraction {raw!r} is not a number; "
                f"expected one of {_ALLOWED_FRACTIONS_TEXT}"
            )
            return None
        for allowed in MOODLE_FRACTIONS:
            if abs(abs(value) - allowed) <= _FRACTION_SLACK:
                return math.copysign(allowed, value) if allowed else 0.0
        self.problem(
            f"<answer> {index}: fraction {raw!r} is not one of Moodle's grades; "
            f"expected one of {_ALLOWED_FRACTIONS_TEXT}"
        )
        return None

    def boolean(self, tag: str, default: bool) -> bool | None:
        element = self.element.find(tag)
        if element is None:
            return default
        value = (element.text or "").strip().lower()
        if value in ("true", "1"):
            return True
        if value in ("false", "0", ""):
            return False if value else default
        self.problem(f"<{tag}> must be true or false (or 1 or 0), not {value!r}")
        return None


# Each converter fills the type-specific fields of the bank mapping and returns the names of
# the Moodle elements our list fields came from, so validation problems can point at them.
_Sources = dict[str, list[str]]
_Converter = Callable[[_Reader, dict[str, object]], _Sources]


def _multichoice(reader: _Reader, mapping: dict[str, object]) -> _Sources:
    answers = reader.element.findall("answer")
    if len(answers) < 2:
        reader.problem(
            f"a multichoice question needs at least two <answer> elements, found {len(answers)}"
        )
        return {}
    single = reader.boolean("single", True)
    fractions = [reader.fraction(answer, i) for i, answer in enumerate(answers, 1)]
    choices = [
        {
            "text": reader.rich_text(answer, f"<answer> {i}"),
            "feedback": reader.rich_text(answer.find("feedback"), f"<answer> {i} <feedback>")
            or None,
        }
        for i, answer in enumerate(answers, 1)
    ]
    if single is None or any(fraction is None for fraction in fractions):
        return {}
    weights = [fraction or 0.0 for fraction in fractions]
    if single:
        partial = [w for w in weights if 0 < w < 100]
        full = sum(1 for w in weights if w == 100)
        if partial:
            reader.refuse(
                f"a choice is worth {_number_text(round(partial[0], 5))}%, and our "
                "single-choice questions give full marks for one choice and none for the rest"
            )
            return {}
        if full != 1:
            reader.refuse(
                f"{full} answers are worth 100%, and a single-choice question needs exactly one"
                if full
                else "no answer is worth 100%, so no choice would be right"
            )
            return {}
        mapping["type"] = SingleChoice.type_name
    else:
        positive = [w for w in weights if w > 0]
        if not positive:
            reader.refuse("no answer has a positive fraction, so no choice would be right")
            return {}
        if any(abs(w - positive[0]) > 1e-9 for w in positive) or (abs(sum(positive) - 100) > 1e-6):
            shown = ", ".join(_number_text(round(w, 5)) for w in positive)
            reader.refuse(
                f"the right answers are worth {shown}%; our multiple-choice questions need "
                "every right answer to be worth the same share of 100%"
            )
            return {}
        mapping["type"] = MultipleChoice.type_name
    for choice, weight in zip(choices, weights, strict=True):
        choice["correct"] = weight > 0
    mapping["choices"] = [{k: v for k, v in c.items() if v is not None} for c in choices]
    return {"choices": [f"<answer> {i}" for i in range(1, len(choices) + 1)]}


def _truefalse(reader: _Reader, mapping: dict[str, object]) -> _Sources:
    answers = reader.element.findall("answer")
    by_value: dict[bool, tuple[float | None, str]] = {}
    for i, answer in enumerate(answers, 1):
        word = _raw_text(answer).strip().lower()
        if word not in ("true", "false") or (word == "true") in by_value:
            by_value.clear()
            break
        fraction = reader.fraction(answer, i)
        feedback = reader.rich_text(answer.find("feedback"), f"<answer> {i} <feedback>")
        by_value[word == "true"] = (fraction, feedback)
    if len(answers) != 2 or len(by_value) != 2:
        reader.problem(
            "a truefalse question needs two <answer> elements, one with the text 'true' "
            "and one with 'false'"
        )
        return {}
    (true_fraction, feedback_true), (false_fraction, feedback_false) = (
        by_value[True],
        by_value[False],
    )
    if true_fraction is None or false_fraction is None:
        return {}
    if sorted((true_fraction, false_fraction)) != [0.0, 100.0]:
        reader.problem(
            "a truefalse question needs one answer worth 100 and the other worth 0, found "
            f"true {_number_text(round(true_fraction, 5))} and "
            f"false {_number_text(round(false_fraction, 5))}"
        )
        return {}
    mapping["type"] = TrueFalse.type_name
    mapping["answer"] = true_fraction == 100
    if feedback_true:
        mapping["feedback_true"] = feedback_true
    if feedback_false:
        mapping["feedback_false"] = feedback_false
    return {}


def _shortanswer(reader: _Reader, mapping: dict[str, object]) -> _Sources:
    before = len(reader.problems)
    accepted: list[str] = []
    sources: list[str] = []
    for i, answer in enumerate(reader.element.findall("answer"), 1):
        fraction = reader.fraction(answer, i)
        text = _raw_text(answer).strip()
        if fraction is None or fraction <= 0:
            # Worth nothing: Moodle uses these only to give feedback on a wrong answer.
            continue
        if fraction < 100:
            reader.refuse(
                f"<answer> {i} {text!r} earns partial credit "
                f"({_number_text(round(fraction, 5))}%), and our short answers are "
                "right or wrong"
            )
            continue
        if _UNESCAPED_STAR.search(text):
            reader.refuse(
                f"<answer> {i} {text!r} uses the * wildcard, which our short answers do not "
                "have; list the accepted answers instead (write \\* for a literal star)"
            )
            continue
        accepted.append(text.replace("\\*", "*"))
        sources.append(f"<answer> {i}")
    if not accepted and len(reader.problems) == before:
        reader.problem("a shortanswer question needs an <answer> worth 100%")
    mapping["type"] = ShortAnswer.type_name
    mapping["answers"] = accepted
    case = reader.boolean("usecase", False)
    if case is not None:
        mapping["case_sensitive"] = case
    return {"answers": sources}


def _numerical(reader: _Reader, mapping: dict[str, object]) -> _Sources:
    before = len(reader.problems)
    right: list[tuple[float, float]] = []
    for i, answer in enumerate(reader.element.findall("answer"), 1):
        fraction = reader.fraction(answer, i)
        text = _raw_text(answer).strip()
        if text == "*":
            if fraction is not None and fraction > 0:
                reader.refuse(f"<answer> {i} '*' accepts any number as right")
            continue  # a catch-all that only gives feedback to every other response
        value = _to_number(text)
        if value is None:
            reader.problem(
                f"<answer> {i}: {text!r} is not a number; expected a number such as 42, "
                "-3.5 or 6.02e23"
            )
        tolerance_text = _raw_text(answer.find("tolerance")).strip() or "0"
        tolerance = _to_number(tolerance_text)
        if tolerance is None or tolerance < 0:
            reader.problem(
                f"<answer> {i}: <tolerance> {tolerance_text!r} must be a number of at least 0"
            )
        if fraction is None or value is None or tolerance is None or fraction <= 0:
            continue
        if fraction < 100:
            reader.refuse(
                f"<answer> {i} earns partial credit ({_number_text(round(fraction, 5))}%), "
                "and our numeric questions are right or wrong"
            )
            continue
        right.append((value, tolerance))
    if len(right) > 1:
        reader.refuse(
            f"{len(right)} answers are worth 100%, and our numeric questions have one answer "
            "with a tolerance"
        )
    elif not right and len(reader.problems) == before:
        reader.problem("a numerical question needs an <answer> worth 100%")
    mapping["type"] = Numeric.type_name
    if len(right) == 1:
        mapping["answer"], tolerance = right[0]
        if tolerance:
            mapping["tolerance"] = tolerance
    units = reader.element.findall("units/unit")
    if units:
        names = [
            _raw_text(unit.find("unit_name")).strip()
            for unit in units
            if _to_number(_raw_text(unit.find("multiplier")) or "1") == 1
        ]
        names = [name for name in names if name]
        if names:
            mapping["unit"] = names[0]
        else:
            reader.refuse(
                "none of its <units> has multiplier 1, so the answer's own unit is unknown"
            )
    return {}


def _matching(reader: _Reader, mapping: dict[str, object]) -> _Sources:
    before = len(reader.problems)
    pairs: list[dict[str, str]] = []
    sources: list[str] = []
    for i, sub in enumerate(reader.element.findall("subquestion"), 1):
        left = reader.rich_text(sub, f"<subquestion> {i}")
        right = _raw_text(sub.find("answer")).strip()
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
    mapping["type"] = Matching.type_name
    mapping["pairs"] = pairs
    return {"pairs": sources}


def _ordering(reader: _Reader, mapping: dict[str, object]) -> _Sources:
    # qtype_ordering lists the items in their right order; "fraction" is only a sort key.
    answers = reader.element.findall("answer")
    items = [reader.rich_text(answer, f"<answer> {i}") for i, answer in enumerate(answers, 1)]
    if len(items) < 3:
        reader.problem(
            f"our ordering questions need at least three items (<answer> elements), "
            f"found {len(items)}"
        )
    mapping["type"] = Ordering.type_name
    mapping["items"] = items
    return {"items": [f"<answer> {i}" for i in range(1, len(items) + 1)]}


_CONVERTERS: dict[str, _Converter] = {
    "multichoice": _multichoice,
    "truefalse": _truefalse,
    "shortanswer": _shortanswer,
    "numerical": _numerical,
    "matching": _matching,
    "ordering": _ordering,
}

# Where each bank field came from in the Moodle question, for validation messages.
_FIELD_ELEMENTS = {
    "id": "<name>",
    "prompt": "<questiontext>",
    "explanation": "<generalfeedback>",
    "points": "<defaultgrade>",
    "tags": "<tags>",
    "answer": "<answer>",
    "tolerance": "<tolerance>",
    "unit": "<unit_name>",
    "feedback_true": "the 'true' <answer> <feedback>",
    "feedback_false": "the 'false' <answer> <feedback>",
}


def _where(path: tuple[str | int, ...], sources: _Sources) -> str:
    if not path:
        return ""
    field = str(path[0])
    if len(path) > 1 and isinstance(path[1], int) and field in sources:
        listed = sources[field]
        return listed[path[1]] if path[1] < len(listed) else f"<{field}>"
    return _FIELD_ELEMENTS.get(field, f"<{field}>")


def _in_moodle_terms(message: str, sources: _Sources) -> str:
    """Replace our field paths in a message ("choices[0].text") with Moodle's ("<answer> 1")."""
    for field_name, listed in sources.items():

        def name(match: re.Match[str], listed: list[str] = listed) -> str:
            index = int(match[1])
            return listed[index] if index < len(listed) else match[0]

        message = re.sub(rf"\b{field_name}\[(\d+)\](?:\.\w+)?", name, message)
    return message


def _category_tag(element: Element) -> str | None:
    """The last meaningful segment of a category path, e.g. "$course$/top/EU/Trade" -> "Trade".

    Moodle writes a "/" inside a category name as "//". The automatic "top" level, the
    "$course$"-style context markers and the automatic "Default for ..." categories carry
    no subject, so they give no tag.
    """
    path = _raw_text(element.find("category")).strip()
    segments = [s.replace("\0", "/").strip() for s in path.replace("//", "\0").split("/")]
    for segment in reversed(segments):
        if segment and segment != "top" and not re.fullmatch(r"\$\w+\$", segment):
            return None if segment.startswith("Default for ") else segment
    return None


def _common_fields(reader: _Reader, mapping: dict[str, object], category: str | None) -> set[str]:
    """Fill the fields every type has; return those already found wrong."""
    blamed: set[str] = set()
    before = len(reader.problems)
    prompt = reader.rich_text(reader.element.find("questiontext"), "<questiontext>")
    if not prompt and len(reader.problems) == before:
        reader.problem("<questiontext> is empty; a question needs a prompt")
    if len(reader.problems) > before:
        blamed.add("prompt")
    mapping["prompt"] = prompt
    explanation = reader.rich_text(reader.element.find("generalfeedback"), "<generalfeedback>")
    if explanation:
        mapping["explanation"] = explanation
    grade = reader.element.find("defaultgrade")
    if grade is not None and (grade.text or "").strip():
        points = _to_number(grade.text or "")
        if points is None or points <= 0:
            reader.problem(
                f"<defaultgrade> {(grade.text or '').strip()!r} must be a number greater than 0"
            )
            blamed.add("points")
        else:
            mapping["points"] = points
    tags: list[str] = []
    for tag in reader.element.findall("tags/tag"):
        text = _raw_text(tag).strip()
        if text:
            tags.append(text)
    if category and category not in tags:
        tags.append(category)
    if tags:
        mapping["tags"] = tags
    return blamed


def _question_id(reader: _Reader, prompt: str, taken: set[str]) -> str:
    name = reader.name or ""
    if _VALID_ID.fullmatch(name) and name not in taken:
        taken.add(name)
        return name
    return unique_id(name or prompt, taken)


def _read_question(
    reader: _Reader, qtype: str, category: str | None, taken: set[str]
) -> Question | None:
    converter = _CONVERTERS[qtype]
    mapping: dict[str, object] = {}
    blamed = _common_fields(reader, mapping, category)
    before = len(reader.problems)
    sources = converter(reader, mapping)
    if len(reader.problems) > before:
        # The type's own fields are incomplete; checking them further would only repeat.
        return None
    mapping["id"] = _question_id(reader, str(mapping.get("prompt", "")), taken)
    try:
        question = question_from_mapping(mapping, require_evidence=False)
    except QuestionInvalid as invalid:
        for field_problem in invalid.problems:
            if field_problem.path[:1] and field_problem.path[0] in blamed:
                continue  # already reported in Moodle's terms
            where = _where(field_problem.path, sources)
            message = _in_moodle_terms(field_problem.message, sources)
            reader.problem(f"{where}: {message}" if where else message)
        return None
    return None if reader.problems else question


def parse_moodle_xml(data: bytes | str, path: str) -> list[Question]:
    """Read a Moodle XML question file into our questions, all or nothing.

    ``path`` is only used to name the file in problems. Raises
    :class:`~quizapp.domain.interchange.InterchangeError` listing every problem: a file
    that is not UTF-8 or not well-formed XML (with line and column), a DTD or entity
    declaration, and per question (position among ``<question>`` elements and name) an
    unknown or unsupported type, a fraction that is not one of Moodle's grades, a
    numerical answer that is not a number, too few answers, and anything our own
    validation rejects. ``category`` pseudo-questions add their last path segment as a tag
    to the questions that follow them. Never raises anything else.
    """
    text = decode_text(data, path)
    problems: list[InterchangeProblem] = []
    root = _parse_xml(text, path)
    if root.tag != "quiz":
        raise InterchangeError(
            [
                InterchangeProblem(
                    path=path,
                    message=f"expected <quiz> as the root element, found <{root.tag}>",
                    line=1,
                )
            ]
        )
    questions: list[Question] = []
    taken: set[str] = set()
    category: str | None = None
    for position, element in enumerate(root.findall("question"), 1):
        reader = _Reader(path, position, element)
        qtype = (element.get("type") or "").strip()
        if qtype == "category":
            category = _category_tag(element)
            continue
        if qtype in _UNSUPPORTED:
            reader.problem(f"type not supported: {qtype} ({_UNSUPPORTED[qtype]})")
        elif qtype not in _CONVERTERS:
            known = ", ".join(["category", *_CONVERTERS])
            shown = f"unknown question type {qtype!r}" if qtype else "<question> has no type"
            reader.problem(f"{shown}; expected one of {known}")
        else:
            question = _read_question(reader, qtype, category, taken)
            if question is not None:
                questions.append(question)
        problems.extend(reader.problems)
    if problems:
        raise InterchangeError(problems)
    return questions


# ------------------------------------------------------------------------------ writing


def _escape(text: str) -> str:
    # A raw CR would come back as LF (XML normalises line ends); a reference keeps it.
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    )


def _text(tag: str, text: str, indent: str, text_format: str | None = _XML_FORMAT) -> str:
    attribute = f' format="{text_format}"' if text_format else ""
    return f"{indent}<{tag}{attribute}>\n{indent}  <text>{_escape(text)}</text>\n{indent}</{tag}>\n"


def _answer(
    fraction: str,
    text: str,
    *,
    text_format: str,
    feedback: str = "",
    extra: str = "",
) -> str:
    out = f'    <answer fraction="{fraction}" format="{text_format}">\n'
    out += f"      <text>{_escape(text)}</text>\n"
    out += _text("feedback", feedback, "      ")
    out += extra
    return out + "    </answer>\n"


def _fraction_text(percent: float) -> str:
    text = f"{percent:.5f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _share(count: int) -> float | None:
    """Moodle's grade for one of ``count`` equal shares of 100%, if Moodle has one."""
    exact = 100 / count
    return next((a for a in MOODLE_FRACTIONS if abs(a - exact) < 1e-9), None)


def _nearest_share(count: int) -> float:
    exact = 100 / count
    return min((a for a in MOODLE_FRACTIONS if a > 0), key=lambda a: abs(a - exact))


def _write_choices(question: Question, problems: list[str]) -> tuple[str, str]:
    assert isinstance(question, SingleChoice | MultipleChoice)
    single = isinstance(question, SingleChoice)
    right = sum(choice.correct for choice in question.choices)
    wrong = len(question.choices) - right
    if single:
        right_grade, wrong_grade = 100.0, 0.0
    else:
        share = _share(right)
        if share is None:
            problems.append(
                f"{right} right choices cannot each be worth an equal share of 100% in "
                f"Moodle (it has no grade for 1/{right}); Moodle can split 100% among "
                "1-10 or 20 right choices"
            )
            return "", ""
        # -1/wrong per wrong choice makes Moodle's sum-and-clamp equal our grading formula.
        right_grade, wrong_grade = share, -_nearest_share(wrong)
    body = f"    <single>{'true' if single else 'false'}</single>\n"
    body += "    <shuffleanswers>true</shuffleanswers>\n"
    body += "    <answernumbering>abc</answernumbering>\n"
    for choice in question.choices:
        grade = right_grade if choice.correct else wrong_grade
        body += _answer(
            _fraction_text(grade), choice.text, text_format=_XML_FORMAT, feedback=choice.feedback
        )
    return "multichoice", body


def _write_true_false(question: Question, problems: list[str]) -> tuple[str, str]:
    assert isinstance(question, TrueFalse)
    body = ""
    for value, feedback in ((True, question.feedback_true), (False, question.feedback_false)):
        grade = "100" if value == question.answer else "0"
        word = "true" if value else "false"
        body += _answer(grade, word, text_format="moodle_auto_format", feedback=feedback)
    return "truefalse", body


def _write_short(question: Question, problems: list[str]) -> tuple[str, str]:
    assert isinstance(question, ShortAnswer)
    body = f"    <usecase>{1 if question.case_sensitive else 0}</usecase>\n"
    for answer in question.answers:
        # Moodle reads an unescaped * as a wildcard; ours are literal stars.
        body += _answer("100", answer.replace("*", "\\*"), text_format="moodle_auto_format")
    return "shortanswer", body


def _write_numeric(question: Question, problems: list[str]) -> tuple[str, str]:
    assert isinstance(question, Numeric)
    tolerance = f"      <tolerance>{_number_text(question.tolerance)}</tolerance>\n"
    body = _answer(
        "100", _number_text(question.answer), text_format="moodle_auto_format", extra=tolerance
    )
    if question.unit:
        body += "    <units>\n      <unit>\n        <multiplier>1</multiplier>\n"
        body += f"        <unit_name>{_escape(question.unit)}</unit_name>\n"
        body += "      </unit>\n    </units>\n"
    # Units optional and typed after the number, as our grading accepts them; no unit: none.
    body += "    <unitgradingtype>0</unitgradingtype>\n    <unitpenalty>0.1</unitpenalty>\n"
    body += f"    <showunits>{0 if question.unit else 3}</showunits>\n"
    body += "    <unitsleft>0</unitsleft>\n"
    return "numerical", body


def _write_matching(question: Question, problems: list[str]) -> tuple[str, str]:
    assert isinstance(question, Matching)
    body = "    <shuffleanswers>true</shuffleanswers>\n"
    for pair in question.pairs:
        body += f'    <subquestion format="{_XML_FORMAT}">\n'
        body += f"      <text>{_escape(pair.left)}</text>\n"
        body += f"      <answer>\n        <text>{_escape(pair.right)}</text>\n      </answer>\n"
        body += "    </subquestion>\n"
    return "matching", body


def _write_ordering(question: Question, problems: list[str]) -> tuple[str, str]:
    assert isinstance(question, Ordering)
    body = "    <layouttype>VERTICAL</layouttype>\n    <selecttype>ALL</selecttype>\n"
    body += f"    <selectcount>{len(question.items)}</selectcount>\n"
    # The grading Moodle has that matches ours: kept adjacent pairs / (items - 1).
    body += "    <gradingtype>RELATIVE_NEXT_EXCLUDE_LAST</gradingtype>\n"
    body += "    <showgrading>SHOW</showgrading>\n    <numberingstyle>none</numberingstyle>\n"
    for position, item in enumerate(question.items, 1):
        body += f'    <answer fraction="{position}" format="{_XML_FORMAT}">\n'
        body += f"      <text>{_escape(item)}</text>\n    </answer>\n"
    return "ordering", body


_WRITERS: Mapping[str, Callable[[Question, list[str]], tuple[str, str]]] = {
    SingleChoice.type_name: _write_choices,
    MultipleChoice.type_name: _write_choices,
    TrueFalse.type_name: _write_true_false,
    ShortAnswer.type_name: _write_short,
    Numeric.type_name: _write_numeric,
    Matching.type_name: _write_matching,
    Ordering.type_name: _write_ordering,
}


def _texts(question: Question) -> list[str]:
    """Every piece of text the export writes, to check that XML 1.0 can carry it."""
    texts = [question.id, question.prompt, question.explanation or "", *question.tags]
    for value in question.to_mapping().values():
        stack = [value]
        while stack:
            item = stack.pop()
            if isinstance(item, str):
                texts.append(item)
            elif isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                stack.extend(item.values())
    return texts


def dump_moodle_xml(questions: Sequence[Question], *, category: str | None = None) -> str:
    """Write questions as a Moodle XML file (UTF-8 text) that Moodle and our import read.

    Texts are written with ``format="markdown"``, ids as ``<name>``, ``explanation`` as
    ``<generalfeedback>``, ``points`` as ``<defaultgrade>`` and tags as ``<tags>``. With
    ``category`` (e.g. ``"Geopolitics/China"``) the file starts with a category
    pseudo-question ``$course$/top/<category>`` so Moodle files the questions there; our
    import then adds the category's last segment as a tag. Raises
    :class:`~quizapp.domain.interchange.InterchangeError` for a question Moodle XML cannot
    carry (a character XML 1.0 forbids, or a multiple-choice question whose right choices
    cannot share 100% equally in Moodle's grades).
    """
    problems: list[InterchangeProblem] = []
    out = '<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n'
    if category:
        path = category if category.startswith("$") else f"$course$/top/{category}"
        out += '  <question type="category">\n'
        out += _text("category", path, "    ", None)
        out += "  </question>\n"
    for position, question in enumerate(questions, 1):
        reasons: list[str] = []
        if any(_XML_INVALID.search(text) for text in _texts(question)):
            reasons.append("it contains a control character that XML 1.0 cannot carry")
        qtype, body = _WRITERS[question.type_name](question, reasons)
        for reason in reasons:
            problems.append(
                InterchangeProblem(
                    path="Moodle XML export",
                    message=f"cannot export: {reason}",
                    position=position,
                    name=question.id,
                )
            )
        if reasons:
            continue
        out += f'  <question type="{qtype}">\n'
        out += _text("name", question.id, "    ", None)
        out += _text("questiontext", question.prompt, "    ")
        out += _text("generalfeedback", question.explanation or "", "    ")
        out += f"    <defaultgrade>{_number_text(question.points)}</defaultgrade>\n"
        out += f"    <penalty>{'1' if qtype == 'truefalse' else '0.3333333'}</penalty>\n"
        out += "    <hidden>0</hidden>\n"
        out += body
        if question.tags:
            out += "    <tags>\n"
            for tag in question.tags:
                out += f"      <tag>\n        <text>{_escape(tag)}</text>\n      </tag>\n"
            out += "    </tags>\n"
        out += "  </question>\n"
    if problems:
        raise InterchangeError(problems)
    return out + "</quiz>\n"
