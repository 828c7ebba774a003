"""GIFT, Moodle's plain-text question format: import (:func:`parse_gift`) and export
(:func:`dump_gift`).

The reading follows Moodle's own importer (question/format/gift/format.php): questions
are separated by blank lines, whole-line ``//`` comments are dropped (Moodle's
``// [tag:...]`` and ``// [id:...]`` markers in them are read), ``$CATEGORY:`` switches
the category, ``::title::`` names a question, one ``{...}`` block holds the answers and
``####`` the general feedback. Where Moodle guesses silently (a choice block with no
right answer, a number that is not a number, an unclosed brace) we stop with a problem
that says where and what was expected. docs/interchange-gift.md lists every mapping rule.

Export writes what this importer (and Moodle's) reads back as the same question, as far
as GIFT can say it: points, difficulty, evidence, numeric units and case sensitivity have
no GIFT syntax. Ordering questions use qtype_ordering's block (``{>3 ALL ...`` and one
item per line), which Moodle reads when that plugin is installed (it ships with 4.4+).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from quizapp.domain.interchange import (
    InterchangeError,
    InterchangeProblem,
    ItemNamer,
    ReadQuestion,
    ReadResult,
    SkippedQuestion,
    decode_text,
    in_plain_words,
    refuse_question_count,
    unique_id,
)
from quizapp.domain.interchange.gift_syntax import (
    CONTROL,
    GiftReader,
    GiftSource,
    GiftSpan,
    Position,
    Refused,
    escape,
    escape_text,
)
from quizapp.domain.media import media_names, texts_with_paths
from quizapp.domain.question_types import QUESTION_TYPES, Question, QuestionInvalid
from quizapp.domain.questions import question_from_mapping

__all__ = ["dump_gift", "parse_gift", "read_gift"]

_BLANK = "_____"
_CATEGORY = "$CATEGORY:"
# One Moodle tag or idnumber marker in a comment; "\]" is a "]" inside it.
_MARKER = re.compile(r"\[(tag|id):((?:\\[\\\]]|\\|[^\\\]\x00-\x1f\x7f])*)\]")
_MARKER_ESCAPE = re.compile(r"\\([\\\]])")
_CONTEXT_SEGMENT = re.compile(r"\$\w+\$")
_BANK_ID = re.compile(r"[a-z0-9-]+")
# Far above any real question (an essay prompt is a few KB); a bigger block is not read.
MAX_QUESTION_CHARACTERS = 100_000

# The types that read GIFT answer blocks, in the order they are asked whether a block is
# theirs (numbers start with '#', so they go before choices, which go before matching...).
_GIFT_READERS = sorted(
    (cls for cls in QUESTION_TYPES.values() if cls.gift_read_order is not None),
    key=lambda cls: cls.gift_read_order or 0,
)


# ------------------------------------------------------------------------------- reading


def _read_block(
    reader: GiftReader, title: GiftSpan | None, body: GiftSpan
) -> dict[str, object] | None:
    """Read the question text and its answer block; None when it was refused."""
    try:
        return _read_answers(reader, title, body)
    except Refused:
        return None


def _read_answers(
    reader: GiftReader, title: GiftSpan | None, body: GiftSpan
) -> dict[str, object] | None:
    open_at = body.find("{")
    close_at = body.find("}")
    if close_at >= 0 and (open_at < 0 or close_at < open_at):
        raise reader.refuse(
            body.at(close_at),
            "'}' closes an answer block that was never opened (write \\} for a literal brace)",
        )
    if open_at < 0:
        raise reader.refuse(
            body.position,
            f"description questions are not supported: {reader.label()} has no answer "
            "block {...}; GIFT text without answers is a Moodle description, which only "
            "shows text and asks nothing",
        )
    if close_at < 0:
        raise reader.refuse(
            body.at(open_at),
            "this '{' opens an answer block that is never closed: expected '}' before "
            "the blank line that ends the question",
        )
    nested = body.find("{", open_at + 1)
    if 0 <= nested < close_at:
        line, column = body.at(open_at)
        raise reader.refuse(
            body.at(nested),
            f"unexpected '{{' inside the answer block opened at line {line}, column "
            f"{column}: expected '}}' first (write \\{{ for a literal brace)",
        )
    extra = min(
        (i for i in (body.find("{", close_at + 1), body.find("}", close_at + 1)) if i >= 0),
        default=-1,
    )
    if extra >= 0:
        raise reader.refuse(
            body.at(extra),
            "cloze (embedded answers) questions are not supported: this is a second "
            "answer block; a GIFT question has one block, and several blanks need "
            "Moodle's embedded-answers type: split it into separate questions",
        )

    block = body.sub(open_at + 1, close_at)
    before, after = body.sub(body.start, open_at), body.sub(close_at + 1)
    prompt_span, reader.format = reader.formatted(before.lstrip(), "moodle")
    prompt = prompt_span.raw
    if not after.is_empty():
        # Missing-word form: the answers stood mid-sentence, so the blank goes there,
        # keeping the spaces around it.
        prompt = f"{prompt}{_BLANK}{after.raw}"
    mapping: dict[str, object] = {"prompt": reader.convert(prompt, reader.format, body.position)}
    reader.where[("prompt",)] = body.position
    if title is not None:
        reader.where[("id",)] = title.position

    feedback_at = block.rfind("####")
    answers = block.strip()
    if feedback_at >= 0:
        explanation = reader.text(block.sub(feedback_at + 4))
        if explanation.value:
            mapping["explanation"] = explanation.value
            reader.where[("explanation",)] = block.at(feedback_at)
        answers = block.sub(block.start, feedback_at).strip()

    open_where = body.at(open_at)
    if answers.is_empty():
        raise reader.refuse(
            open_where,
            f"essay questions are not supported: {reader.label()} has an empty answer "
            "block, which is Moodle's essay, graded by hand; our questions are graded "
            "automatically",
        )
    reader.open_where = open_where
    reader_class = next((cls for cls in _GIFT_READERS if cls.gift_reads(answers)), None)
    if reader_class is None:
        raise reader.refuse(answers.position, _unknown_block(answers.literal()))
    mapping.update(reader_class.read_gift(reader, answers))
    return None if reader.failed else mapping


def _unknown_block(written: str) -> str:
    if written.casefold() in {"t", "true", "f", "false"}:
        return (
            f"{{{written}}} is not a true/false answer: write {{T}} or {{TRUE}}, {{F}} or "
            "{FALSE} in capitals (Moodle reads anything else as a short answer)"
        )
    shown = written if len(written) <= 40 else written[:37] + "..."
    return (
        f"unknown answer block {{{shown}}}: expected {{T}} or {{F}}, choices =right "
        "~wrong, short answers =answer, a number #3.14 or pairs =left -> right"
    )


# ------------------------------------------------------------------------------- parsing


def _lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _chunks(lines: Sequence[str]) -> list[list[tuple[int, str]]]:
    """Split into questions at blank lines, as Moodle does; lines keep their numbers."""
    chunks: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] = []
    for number, line in enumerate(lines, start=1):
        if line.strip():
            current.append((number, line))
        elif current:
            chunks.append(current)
            current = []
    if current:
        chunks.append(current)
    return chunks


def _question_count(lines: Sequence[str]) -> int:
    """How many blocks hold a question (not only comments, not a $CATEGORY line).

    One lean pass, so a huge file is refused before it is split into blocks.
    """
    count = 0
    # True once the current block's first non-comment line was seen (it decides the block).
    decided = False
    for line in lines:
        stripped = line.strip()
        if not stripped:
            decided = False
        elif not decided and not stripped.startswith("//"):
            decided = True
            count += not stripped.startswith(_CATEGORY)
    return count


def _markers(
    comments: Sequence[tuple[int, str]],
) -> tuple[list[tuple[str, Position]], str | None]:
    """Moodle's ``[tag:...]`` and ``[id:...]`` markers in a question's comment lines."""
    tags: list[tuple[str, Position]] = []
    idnumber: str | None = None
    for number, comment in comments:
        for match in _MARKER.finditer(comment):
            value = _MARKER_ESCAPE.sub(r"\1", match[2]).strip()
            if match[1] == "tag" and value:
                tags.append((value, (number, match.start() + 1)))
            elif match[1] == "id" and value and idnumber is None:
                idnumber = value
    return tags, idnumber


def _category_tag(category: str) -> str | None:
    """The tag a ``$CATEGORY:`` path gives: its last segment ("//" is a literal "/")."""
    segments = re.split(r"(?<!/)/(?!/)", category)
    last = segments[-1].replace("//", "/").strip()
    if not last or last == "top" or _CONTEXT_SEGMENT.fullmatch(last):
        return None
    # Moodle's automatic per-course category says nothing about the subject.
    return None if last.startswith("Default for ") else last


def parse_gift(
    text_or_bytes: str | bytes, path: str, *, max_questions: int | None = None
) -> list[Question]:
    """Read a GIFT file into questions, all or nothing.

    Every problem found in the file is raised as one :class:`InterchangeError` (each
    with line and column); no question is returned unless the whole file is valid.
    Nothing else is ever raised. See :func:`read_gift` for the rest.
    """
    return read_gift(text_or_bytes, path, max_questions=max_questions).all_or_nothing()


def read_gift(
    text_or_bytes: str | bytes, path: str, *, max_questions: int | None = None
) -> ReadResult:
    """Read a GIFT file question by question.

    ``path`` names the file in problems. A question (a block between blank lines) that
    cannot be imported is skipped with every problem found in it, each with line and
    column; the others are read. Question ids come from ``::title::`` (else a
    ``[id:...]`` comment marker, else the prompt), made unique within the file; tags
    come from ``[tag:...]`` comment markers and from the last segment of the current
    ``$CATEGORY:``. Raises :class:`InterchangeError` only for the file as a whole (not
    UTF-8, no question at all), and :class:`FileRefused` before any question is read for
    a file with more than ``max_questions`` question blocks.
    """
    text = decode_text(text_or_bytes, path)
    lines = _lines(text)
    refuse_question_count(path, _question_count(lines), max_questions)
    chunks = _chunks(lines)
    problems: list[InterchangeProblem] = []
    questions: list[ReadQuestion] = []
    skipped: list[SkippedQuestion] = []
    taken: set[str] = set()
    category: str | None = None
    for chunk in chunks:
        before = len(problems)
        category = _read_chunk(path, chunk, category, taken, problems, questions)
        if len(problems) > before:
            skipped.append(SkippedQuestion(tuple(problems[before:])))
    if not questions and not skipped:
        raise InterchangeError(
            [
                InterchangeProblem(
                    path=path,
                    line=1,
                    message="no questions found: a GIFT question is text followed by an "
                    "answer block, e.g. 'Water boils at 100 °C at sea level.{T}'",
                )
            ]
        )
    return ReadResult(tuple(questions), tuple(skipped))


def _read_chunk(
    path: str,
    chunk: Sequence[tuple[int, str]],
    category: str | None,
    taken: set[str],
    problems: list[InterchangeProblem],
    questions: list[ReadQuestion],
) -> str | None:
    """Read one block: a ``$CATEGORY:`` line or a question. Returns the category now in force."""
    comments = [(number, line) for number, line in chunk if line.strip().startswith("//")]
    body = [(number, line) for number, line in chunk if not line.strip().startswith("//")]
    if not body:
        return category
    first_line, first = body[0]
    if first.strip().startswith(_CATEGORY):
        column = len(first) - len(first.lstrip()) + 1
        if len(body) > 1:
            problems.append(
                InterchangeProblem(
                    path=path,
                    line=body[1][0],
                    column=len(body[1][1]) - len(body[1][1].lstrip()) + 1,
                    message="expected a blank line after the $CATEGORY line (Moodle "
                    "would read this line as part of the category name)",
                )
            )
            return category
        name = first.strip()[len(_CATEGORY) :].strip()
        if not name:
            problems.append(
                InterchangeProblem(
                    path=path,
                    line=first_line,
                    column=column,
                    message="expected a category after $CATEGORY:, "
                    "e.g. $CATEGORY: $course$/top/Geography",
                )
            )
            return category
        return _category_tag(name)
    size = sum(len(line) for _, line in body)
    if size > MAX_QUESTION_CHARACTERS:
        problems.append(
            InterchangeProblem(
                path=path,
                line=first_line,
                message=f"this question is {size:,} characters long; a question may be "
                f"at most {MAX_QUESTION_CHARACTERS:,} (is a blank line missing between "
                "two questions?)",
            )
        )
        return category
    question = _read_question(path, GiftSource(body), comments, category, taken, problems)
    if question is not None:
        questions.append(question)
    return category


def _read_question(
    path: str,
    source: GiftSource,
    comments: Sequence[tuple[int, str]],
    category: str | None,
    taken: set[str],
    problems: list[InterchangeProblem],
) -> ReadQuestion | None:
    """One question from its chunk, or None after recording why it cannot be imported."""
    reader = GiftReader(path, problems)
    span = source.span().strip()
    title: GiftSpan | None = None
    if span.startswith("::"):
        close = span.find("::", span.start + 2)
        if close < 0:
            reader.problem(
                span.position,
                "the question title opened with '::' is never closed: expected '::' after "
                "the title (write \\: for a literal colon)",
            )
            return None
        title = span.sub(span.start + 2, close)
        reader.name = title.literal() or None
        span = span.sub(close + 2).strip()
    if reader.name is None:
        words = span.literal().split()
        reader.name = " ".join(words[:8])[:60] or None
    mapping = _read_block(reader, title, span)
    if mapping is None:
        return None

    marked, idnumber = _markers(comments)
    if category is not None:
        marked.append((category, span.position))
    tags: dict[str, Position] = {}
    for tag, where in marked:
        tags.setdefault(tag, where)
    if tags:
        mapping["tags"] = list(tags)
        for index, where in enumerate(tags.values()):
            reader.where[("tags", index)] = where
    title_text = title.literal() if title is not None else ""
    mapping["id"] = _question_id(title_text, idnumber, str(mapping["prompt"]), taken)
    try:
        question = question_from_mapping(mapping, require_evidence=False)
    except QuestionInvalid as invalid:
        for field_problem in invalid.problems:
            where = _closest(reader.where, field_problem.path, span.position)
            reader.problem(where, in_plain_words(field_problem.message, _namer(reader.where)))
        return None
    names = [question.id] if title_text or idnumber else []
    if title_text and idnumber:
        names.append(unique_id(idnumber, set()))
    return ReadQuestion(question, tuple(names))


# How a GIFT author knows the entries of an answer block.
_ENTRY_WORDS = {"choices": "answer", "answers": "answer", "pairs": "pair"}


def _namer(where: dict[tuple[str | int, ...], Position]) -> ItemNamer:
    """Name an entry of the answer block by its number and place: "answer 2 (line 4,
    column 6)", "the right side of pair 1 (line 3, column 5)"."""

    def name(field: str, index: int, part: str | None) -> str | None:
        word = _ENTRY_WORDS.get(field)
        position = where.get((field, index))
        if word is None or position is None:
            return None
        named = f"{word} {index + 1} (line {position[0]}, column {position[1]})"
        return f"the {part} side of {named}" if part in ("left", "right") else named

    return name


def _question_id(title: str, idnumber: str | None, prompt: str, taken: set[str]) -> str:
    """The bank id: the title (kept as is when it already is a bank id), else the
    Moodle idnumber, else the prompt's first words; unique within the file."""
    if _BANK_ID.fullmatch(title) and title not in taken:
        # Our own exports write the id as the title; slugifying could change it ("a--b").
        taken.add(title)
        return title
    return unique_id(title or idnumber or " ".join(prompt.split()[:8]), taken)


def _closest(
    where: dict[tuple[str | int, ...], Position], path: tuple[str | int, ...], default: Position
) -> Position:
    for length in range(len(path), 0, -1):
        if path[:length] in where:
            return where[path[:length]]
    return default


# ------------------------------------------------------------------------------- writing


def _comment(text: str) -> str:
    return "// " + " ".join(CONTROL.sub(" ", text).split())


def _skipped(question: Question, reason: str) -> list[str]:
    lines = [
        _comment(f"Not exported: {question.type_name} question {question.id!r}: {reason}."),
        _comment(f"Prompt: {question.prompt}"),
    ]
    return lines + [_comment(line) for line in question.gift_skipped_lines()]


def _tag(tag: str) -> str:
    value = CONTROL.sub(" ", tag).replace("\\", "\\\\").replace("]", "\\]")
    return f"[tag:{value}]"


def _general_feedback(question: Question) -> str:
    return f"####{escape_text(question.explanation)}" if question.explanation else ""


def _image_problem(question: Question) -> str | None:
    """Why a question showing images cannot be written: GIFT carries no files, so Moodle
    would show broken images (Moodle XML carries them)."""
    for _, text in texts_with_paths(question.to_mapping()):
        if media_names(text):
            return "it shows an image, and GIFT cannot carry image files; export it as Moodle XML"
    return None


def dump_gift(questions: Sequence[Question], *, category: str | None = None) -> str:
    """Write questions as a GIFT file that :func:`parse_gift` and Moodle read back.

    ``category`` is a Moodle category path (e.g. ``$course$/top/China and Russia``),
    written as a ``$CATEGORY:`` line before the questions; on import its last segment
    becomes a tag. The question id becomes the ``::title::``, tags become Moodle's
    ``// [tag:...]`` comment markers, the explanation the general feedback. Questions
    GIFT cannot express (the few cases listed in docs/interchange-gift.md) are written
    as comments saying why, so Moodle and our importer skip them. Raises ValueError for
    a category that is not one line of text.
    """
    out = [_comment(f"Exported from QuizApp: {len(questions)} questions in Moodle GIFT format")]
    out.append("")
    if category is not None:
        if not category.strip() or CONTROL.search(category):
            raise ValueError("category must be one non-empty line of text")
        out += [f"{_CATEGORY} {category.strip()}", ""]
    for question in questions:
        reason = _image_problem(question) or question.gift_problem()
        if reason is not None:
            out += [*_skipped(question, reason), ""]
            continue
        if question.tags:
            out.append("// " + " ".join(_tag(tag) for tag in question.tags))
        prompt = f"::{question.id}::[markdown]{escape(question.prompt)}"
        out += [prompt + question.gift_answer_block(_general_feedback(question)), ""]
    return "\n".join(out)
