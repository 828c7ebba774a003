"""Moodle XML: import into our question types and export back (docs/interchange-moodle-xml.md).

Import reads question by question: every problem in the file is collected, each naming the
question's position among the ``<question>`` elements and its ``<name>``; ``read_moodle_xml``
skips the questions with problems, ``parse_moodle_xml`` (all or nothing) raises one
:class:`~quizapp.domain.interchange.InterchangeError` with them all. The XML is parsed only by
defusedxml with DTDs, entities and external references forbidden, so an entity-expansion
bomb or an external entity is refused before anything is expanded or fetched.

Moodle text in HTML is turned into the plain text with Markdown emphasis that our prompts
are (``html_to_text``); nothing that could run script survives. Export writes our text with
``format="markdown"``, which Moodle renders as Markdown and which we read back verbatim, so
export followed by import gives back the same questions (difficulty and evidence aside:
Moodle has no place for them).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeElementTree
from defusedxml import DefusedXmlException

from quizapp.domain.interchange import (
    InterchangeError,
    InterchangeProblem,
    ReadQuestion,
    ReadResult,
    SkippedQuestion,
    decode_text,
    in_plain_words,
    refuse_question_count,
    unique_id,
)
from quizapp.domain.interchange.moodle_xml_syntax import (
    MOODLE_FRACTIONS,
    XmlReader,
    escape,
    html_to_text,
    number_text,
    raw_text,
    text_element,
    to_number,
    with_pluginfile_links,
)
from quizapp.domain.media import MediaCollector, MediaFile, media_names, texts_with_paths
from quizapp.domain.question_types import QUESTION_TYPES, Question, QuestionInvalid
from quizapp.domain.question_types.base import FormatUnsupported, XmlSources
from quizapp.domain.questions import question_from_mapping

__all__ = [
    "MOODLE_FRACTIONS",
    "dump_moodle_xml",
    "html_to_text",
    "parse_moodle_xml",
    "read_moodle_xml",
]

# Characters XML 1.0 cannot carry at all, not even as character references.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_VALID_ID = re.compile(r"[a-z0-9-]+")

# Moodle types we recognise but cannot represent: how a teacher knows the type, and why.
_CALCULATED = (
    "its answer comes from a formula with random values; use a numerical question with a "
    "fixed answer"
)
_CLOZE = "it holds several sub-questions in one text; split it into separate questions"
_UNSUPPORTED = {
    "essay": ("essay", "it is graded by hand; our questions are graded automatically"),
    "description": ("description", "it only shows text and asks nothing"),
    "cloze": ("cloze (embedded answers)", _CLOZE),
    "multianswer": ("embedded answers (cloze, multianswer)", _CLOZE),
    "calculated": ("calculated", _CALCULATED),
    "calculatedsimple": ("simple calculated", _CALCULATED),
    "calculatedmulti": (
        "calculated multichoice",
        "its choices come from formulas with random values; use a multichoice question "
        "with fixed choices",
    ),
    "randomsamatch": (
        "random short-answer matching",
        "it draws short-answer questions at random when the quiz starts",
    ),
    "random": ("random", "it stands for a question drawn at random from a category"),
    "ddwtos": (
        "drag and drop into text (ddwtos)",
        "it has no counterpart among our question types",
    ),
    "gapselect": (
        "select missing words (gapselect)",
        "it has no counterpart among our question types",
    ),
    "ddimageortext": (
        "drag and drop onto image (ddimageortext)",
        "it has no counterpart among our question types",
    ),
    "ddmarker": (
        "drag and drop markers (ddmarker)",
        "it has no counterpart among our question types",
    ),
    "multichoiceset": (
        "all-or-nothing multiple choice (multichoiceset)",
        "it would be graded with partial credit here; export it from Moodle as multichoice",
    ),
}


# Moodle's question type -> the class that reads it (one reader may serve two of our types:
# a multichoice question becomes single or multiple choice).
_XML_READERS: dict[str, type[Question]] = {
    qtype: cls for cls in QUESTION_TYPES.values() for qtype in cls.moodle_qtypes_read
}


def _parse_xml(text: str, path: str) -> Element:
    """Parse with every DTD and entity feature off; raise InterchangeError on any failure."""
    try:
        root: Element = SafeElementTree.fromstring(
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
    return root


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


def _where(path: tuple[str | int, ...], sources: XmlSources) -> str:
    if not path:
        return ""
    field = str(path[0])
    if len(path) > 1 and isinstance(path[1], int) and field in sources:
        listed = sources[field]
        return listed[path[1]] if path[1] < len(listed) else f"<{field}>"
    return _FIELD_ELEMENTS.get(field, f"<{field}>")


def _in_moodle_terms(message: str, sources: XmlSources) -> str:
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
    path = raw_text(element.find("category")).strip()
    segments = [s.replace("\0", "/").strip() for s in path.replace("//", "\0").split("/")]
    for segment in reversed(segments):
        if segment and segment != "top" and not re.fullmatch(r"\$\w+\$", segment):
            return None if segment.startswith("Default for ") else segment
    return None


def _common_fields(reader: XmlReader, mapping: dict[str, object], category: str | None) -> set[str]:
    """Fill the fields every type has; return those already found wrong."""
    blamed: set[str] = set()
    before = len(reader.problems)
    prompt = reader.rich_text(reader.element.find("questiontext"), "<questiontext>")
    old_image = _old_style_image(reader)
    if old_image:
        prompt = f"{prompt} {old_image}".strip()
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
        points = to_number(grade.text or "")
        if points is None or points <= 0:
            reader.problem(
                f"<defaultgrade> {(grade.text or '').strip()!r} must be a number greater than 0"
            )
            blamed.add("points")
        else:
            mapping["points"] = points
    tags: list[str] = []
    for tag in reader.element.findall("tags/tag"):
        text = raw_text(tag).strip()
        if text:
            tags.append(text)
    if category and category not in tags:
        tags.append(category)
    if tags:
        mapping["tags"] = tags
    return blamed


def _old_style_image(reader: XmlReader) -> str | None:
    """Moodle 1.x's ``<image>name</image><image_base64>...</image_base64>``: shown after the
    question text (as Moodle's own import does), its file name standing in for alt text."""
    content = raw_text(reader.element.find("image_base64"))
    if not content.strip():
        return None
    name = raw_text(reader.element.find("image")).strip().rpartition("/")[2] or "image"
    media = reader.embedded_file(name, content, "<image_base64>")
    return reader.image(name, media, "", "<image>") if media else None


def _question_id(reader: XmlReader, prompt: str, taken: set[str]) -> str:
    """The bank id: the ``<name>``, else the ``<idnumber>``, else the prompt's words."""
    name = reader.name or _idnumber(reader)
    if _VALID_ID.fullmatch(name) and name not in taken:
        taken.add(name)
        return name
    return unique_id(name or prompt, taken)


def _read_question(
    reader: XmlReader, qtype: str, category: str | None, taken: set[str]
) -> Question | None:
    mapping: dict[str, object] = {}
    blamed = _common_fields(reader, mapping, category)
    before = len(reader.problems)
    sources = _XML_READERS[qtype].read_moodle_xml(reader, mapping)
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
            message = in_plain_words(_in_moodle_terms(field_problem.message, sources))
            reader.problem(f"{where}: {message}" if where else message)
        return None
    return None if reader.problems else question


def parse_moodle_xml(
    data: bytes | str,
    path: str,
    *,
    max_questions: int | None = None,
    media: MediaCollector | None = None,
) -> list[Question]:
    """Read a Moodle XML question file into our questions, all or nothing.

    Raises :class:`~quizapp.domain.interchange.InterchangeError` listing every problem
    (see :func:`read_moodle_xml`); never raises anything else.
    """
    return read_moodle_xml(data, path, max_questions=max_questions, media=media).all_or_nothing()


def read_moodle_xml(
    data: bytes | str,
    path: str,
    *,
    max_questions: int | None = None,
    media: MediaCollector | None = None,
) -> ReadResult:
    """Read a Moodle XML question file question by question.

    ``path`` is only used to name the file in problems. A ``<question>`` that cannot be
    imported is skipped with its problems, each naming its position among the
    ``<question>`` elements and its name: an unknown or unsupported type, a fraction that
    is not one of Moodle's grades, a numerical answer that is not a number, too few
    answers, and anything our own validation rejects. ``category`` pseudo-questions add
    their last path segment as a tag to the questions that follow them. Raises
    :class:`~quizapp.domain.interchange.InterchangeError` only for the file as a whole (not
    UTF-8, not well-formed XML, with line and column; a DTD or entity declaration; another
    root than ``<quiz>``), and :class:`FileRefused` before any question is read for a file
    with more than ``max_questions`` questions. Never raises anything else.

    Images carried in the file (``<file>`` elements linked as ``@@PLUGINFILE@@/name``, and
    the old ``<image_base64>``) become ``![alt](media:<sha256>.<ext>)`` in the text; their
    bytes go to ``media`` (within its limits), for the caller to store, and images
    without alt text add a warning there.
    """
    text = decode_text(data, path)
    media = media if media is not None else MediaCollector()
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
    elements = root.findall("question")
    count = sum(1 for e in elements if (e.get("type") or "").strip() != "category")
    refuse_question_count(path, count, max_questions)
    questions: list[ReadQuestion] = []
    skipped: list[SkippedQuestion] = []
    taken: set[str] = set()
    category: str | None = None
    for position, element in enumerate(elements, 1):
        reader = XmlReader(path, position, element, media)
        qtype = (element.get("type") or "").strip()
        if qtype == "category":
            category = _category_tag(element)
            continue
        if qtype in _UNSUPPORTED:
            label, reason = _UNSUPPORTED[qtype]
            reader.problem(f"{label} questions are not supported: {reason}")
        elif qtype not in _XML_READERS:
            known = ", ".join(["category", *_XML_READERS])
            shown = f"unknown question type {qtype!r}" if qtype else "<question> has no type"
            reader.problem(f"{shown}; expected one of {known}")
        else:
            question = _read_question(reader, qtype, category, taken)
            if question is not None:
                questions.append(ReadQuestion(question, _names(reader, question)))
        if reader.problems:
            skipped.append(SkippedQuestion(tuple(reader.problems)))
    return ReadResult(tuple(questions), tuple(skipped))


def _idnumber(reader: XmlReader) -> str:
    return raw_text(reader.element.find("idnumber")).strip()


def _names(reader: XmlReader, question: Question) -> tuple[str, ...]:
    """The bank ids the question's ``<name>`` and ``<idnumber>`` give (see ReadQuestion)."""
    idnumber = _idnumber(reader)
    names = [question.id] if reader.name or idnumber else []
    if reader.name and idnumber:
        names.append(unique_id(idnumber, set()))
    return tuple(names)


# ------------------------------------------------------------------------------ writing


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


# The texts of a question that export carries images for; elsewhere an image is refused.
_TEXTS_WITH_FILES = ("prompt", "explanation")
# Fields that are never Markdown, so hold no images.
_PLAIN_FIELDS = frozenset({"id", "type", "tags", "evidence"})


def _files_of(
    question: Question, media: Callable[[str], bytes | None], reasons: list[str]
) -> dict[str, list[MediaFile]]:
    """The stored images the prompt and explanation show; reasons for any image export
    cannot carry (in another text, or missing from the store)."""
    files: dict[str, list[MediaFile]] = {}
    for field_name, text in (("prompt", question.prompt), ("explanation", question.explanation)):
        files[field_name] = []
        for name in media_names(text or ""):
            data = media(name)
            if data is None:
                reasons.append(f"the image media:{name} in the {field_name} is not stored here")
            else:
                files[field_name].append(MediaFile(name, data))
    mapping = question.to_mapping()
    for key, value in mapping.items():
        if key in _PLAIN_FIELDS or key in _TEXTS_WITH_FILES:
            continue
        for _, text in texts_with_paths(value):
            if media_names(text):
                reasons.append(
                    f"an image in its {key}; Moodle XML export carries images only in the "
                    "question text and the general feedback"
                )
                break
    return files


def _no_media(name: str) -> bytes | None:
    return None


def dump_moodle_xml(
    questions: Sequence[Question],
    *,
    category: str | None = None,
    media: Callable[[str], bytes | None] = _no_media,
) -> str:
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
        out += text_element("category", path, "    ", None)
        out += "  </question>\n"
    for position, question in enumerate(questions, 1):
        reasons: list[str] = []
        if any(_XML_INVALID.search(text) for text in _texts(question)):
            reasons.append("it contains a control character that XML 1.0 cannot carry")
        try:
            body = question.moodle_xml_body(reasons)
        except FormatUnsupported as unsupported:
            reasons.append(str(unsupported))
        files = _files_of(question, media, reasons)
        qtype = question.moodle_qtype
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
        out += text_element("name", question.id, "    ", None)
        prompt = with_pluginfile_links(question.prompt, (f.name for f in files["prompt"]))
        out += text_element("questiontext", prompt, "    ", files=files["prompt"])
        explanation = with_pluginfile_links(
            question.explanation or "", (f.name for f in files["explanation"])
        )
        out += text_element("generalfeedback", explanation, "    ", files=files["explanation"])
        out += f"    <defaultgrade>{number_text(question.points)}</defaultgrade>\n"
        out += f"    <penalty>{'1' if qtype == 'truefalse' else '0.3333333'}</penalty>\n"
        out += "    <hidden>0</hidden>\n"
        out += body
        if question.tags:
            out += "    <tags>\n"
            for tag in question.tags:
                out += f"      <tag>\n        <text>{escape(tag)}</text>\n      </tag>\n"
            out += "    </tags>\n"
        out += "  </question>\n"
    if problems:
        raise InterchangeError(problems)
    return out + "</quiz>\n"
