"""Reading, checking and writing the on-disk question bank (docs/bank-format.md).

A bank is a folder of article folders, each holding ``article.md`` and one
``<section-slug>.yaml`` file of questions per section. Loading reports every problem
found across all files as ``file:line: message`` in one :class:`BankError`; nothing is
returned unless the whole bank is valid.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from quizapp.domain.evidence import EvidenceSearch
from quizapp.domain.media import (
    MediaFile,
    MediaRefused,
    map_texts,
    media_file,
    media_names,
    texts_with_paths,
    with_media_names,
)
from quizapp.domain.questions import Question, QuestionInvalid, question_from_mapping
from quizapp.domain.text import slugify

__all__ = [
    "MAX_ARTICLE_BYTES",
    "MAX_SECTIONS",
    "Article",
    "ArticleBank",
    "BankError",
    "BankProblem",
    "Section",
    "bank_media_names",
    "dump_article",
    "dump_questions",
    "parse_article",
    "parse_questions",
    "read_article_dir",
    "read_bank",
    "write_bank",
]

ARTICLE_FILE = "article.md"
QUESTION_SUFFIXES = (".yaml", ".yml")
# The article's images: questions show them as ![alt](media/<file name>).
MEDIA_DIR = "media"
# Fields that are never Markdown: an image link there is only text.
_PLAIN_FIELDS = frozenset({"id", "type", "tags", "evidence"})
# Limits on one article, far above a real one (the shipped article is 15 KB in 6
# sections): every reader's page holds the whole article, and the quiz builder has a rule
# row per section. 300 KB of Markdown renders in under a second (a few seconds for the
# worst text found), once per worker (services/article_html.py).
MAX_ARTICLE_BYTES = 300_000
MAX_SECTIONS = 200
_FRONT_MATTER_KEYS = ("title", "authors", "published", "source")


@dataclass(frozen=True, kw_only=True)
class Section:
    """A ``## `` section of an article.

    ``line`` is where the heading sits in article.md; it is location metadata for error
    messages, so it takes no part in equality (a re-exported article may lay out blank
    lines differently and still be the same article).
    """

    slug: str
    title: str
    position: int
    body: str
    line: int = field(compare=False)


@dataclass(frozen=True, kw_only=True)
class Article:
    """An article's metadata and its sections in reading order."""

    slug: str
    title: str
    authors: tuple[str, ...]
    published: datetime.date
    source: str
    sections: tuple[Section, ...]

    def section(self, slug: str) -> Section | None:
        """Return the section with this slug, or None."""
        return next((section for section in self.sections if section.slug == slug), None)


@dataclass(frozen=True, kw_only=True)
class ArticleBank:
    """An article with its questions, keyed by section slug.

    Every section of the article has an entry (empty when it has no questions), in
    article order; questions keep their file order.
    """

    article: Article
    questions_by_section: dict[str, tuple[Question, ...]] = field(default_factory=dict)
    # The images of the article's media/ folder (read), or those its questions show (export).
    media: tuple[MediaFile, ...] = ()

    def questions(self) -> list[Question]:
        """All questions of the article, section by section."""
        return [question for group in self.questions_by_section.values() for question in group]


@dataclass(frozen=True)
class BankProblem:
    """One problem in a bank file.

    ``line`` is 1-based; 0 marks a path that has no lines to point at (a missing file, a
    folder).
    """

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class BankError(Exception):
    """Raised with every problem found while loading; str() lists them one per line."""

    def __init__(self, problems: Iterable[BankProblem]) -> None:
        self.problems: tuple[BankProblem, ...] = tuple(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


# ------------------------------------------------------------------------------ YAML nodes


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _node_line(root: yaml.Node, path: Sequence[str | int]) -> int:
    """Find the line of the value a problem path points at.

    A field resolves to its key's line, a list entry to the entry's line; when the path
    leads nowhere (a missing field) the deepest node found is used, which for a question
    is the line where the question starts.
    """
    node = root
    for depth, part in enumerate(path):
        if isinstance(node, yaml.MappingNode) and isinstance(part, str):
            for key_node, value_node in node.value:
                if isinstance(key_node, yaml.ScalarNode) and key_node.value == part:
                    if depth == len(path) - 1:
                        return _line(key_node)
                    node = value_node
                    break
            else:
                break
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if not 0 <= part < len(node.value):
                break
            node = node.value[part]
        else:
            break
    return _line(node)


def _duplicate_keys(root: yaml.Node) -> list[tuple[int, str]]:
    """Find repeated mapping keys, which PyYAML would otherwise silently collapse."""
    found: list[tuple[int, str]] = []
    seen_nodes: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        # Aliases can make the node graph cyclic.
        if id(node) in seen_nodes:
            continue
        seen_nodes.add(id(node))
        if isinstance(node, yaml.MappingNode):
            first: dict[str, int] = {}
            for key_node, value_node in node.value:
                if isinstance(key_node, yaml.ScalarNode):
                    if key_node.value in first:
                        found.append(
                            (
                                _line(key_node),
                                f"duplicate key '{key_node.value}' (first at line "
                                f"{first[key_node.value]}); YAML would keep only the last one",
                            )
                        )
                    else:
                        first[key_node.value] = _line(key_node)
                stack.append(value_node)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return sorted(found)


# libyaml's parser when PyYAML was built with it: the pure-Python one took 22 of the 25 s
# a bank of 3,000 questions spent loading. Its error messages and lines differ, so a
# document it refuses is read again by the pure-Python parser for the problem to report.
_FAST_LOADER = getattr(yaml, "CSafeLoader", None)


def _compose(loader_class: type[yaml.SafeLoader], text: str) -> tuple[yaml.Node | None, object]:
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        return node, loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()


def _compose_either(text: str) -> tuple[yaml.Node | None, object]:
    if _FAST_LOADER is not None:
        try:
            return _compose(_FAST_LOADER, text)
        except yaml.YAMLError:
            pass  # read again below, for the pure-Python parser's message and line
    return _compose(yaml.SafeLoader, text)


def _load_yaml(
    text: str, path: str, first_line: int
) -> tuple[yaml.Node | None, object, list[BankProblem]]:
    """Compose and construct a YAML document, turning errors into problems.

    ``first_line`` is the file line the text starts on (front matter starts on line 2).
    Returns no node for an empty document and for a syntax error (then with a problem);
    duplicate keys are reported but the document is still returned.
    """
    try:
        node, data = _compose_either(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        line = first_line + (mark.line if mark is not None else 0)
        parts = (getattr(error, "context", None), getattr(error, "problem", None))
        detail = " ".join(str(part) for part in parts if part) or str(error)
        return None, None, [BankProblem(path, line, f"invalid YAML: {detail}")]
    if node is None:
        return None, None, []
    problems = [
        BankProblem(path, first_line - 1 + line, message) for line, message in _duplicate_keys(node)
    ]
    return node, data, problems


# -------------------------------------------------------------------------------- articles


@dataclass
class _ArticleParse:
    article: Article | None
    problems: list[BankProblem]
    title_line: int


def _front_matter_value(key: str, value: object) -> tuple[object, str | None]:
    """Check one front matter value; returns (clean value, problem message or None)."""
    if key == "published":
        # datetime is a date subclass, but a time of day in "published" is a slip.
        if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
            return value, None
        if isinstance(value, str):
            try:
                return datetime.date.fromisoformat(value.strip()), None
            except ValueError:
                pass
        return None, f"published must be a date like 2024-03-29, not {value!r}"
    if key == "authors":
        if not isinstance(value, list) or not value:
            return None, 'authors must be a non-empty list of names, e.g. ["A. Writer"]'
        names = tuple(name.strip() for name in value if isinstance(name, str) and name.strip())
        if len(names) != len(value):
            return None, "every author must be a non-empty name in quotes"
        return names, None
    if not isinstance(value, str) or not value.strip():
        return None, f"{key} must be non-empty text"
    return value.strip(), None


def _parse_article(text: str, path: str) -> _ArticleParse:
    problems: list[BankProblem] = []
    size = len(text.encode("utf-8", errors="replace"))
    if size > MAX_ARTICLE_BYTES:
        message = (
            f"the article is {size:,} bytes; an article may be at most {MAX_ARTICLE_BYTES:,} "
            "bytes: split it into several articles"
        )
        return _ArticleParse(None, [BankProblem(path, 1, message)], 1)
    lines = text.removeprefix("\ufeff").splitlines()
    if not lines or lines[0].strip() != "---":
        problems.append(
            BankProblem(path, 1, "article.md must start with YAML front matter: a '---' line")
        )
        return _ArticleParse(None, problems, 1)
    close = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if close is None:
        problems.append(BankProblem(path, 1, "front matter is never closed by a '---' line"))
        return _ArticleParse(None, problems, 1)

    node, meta, yaml_problems = _load_yaml("\n".join(lines[1:close]), path, 2)
    problems.extend(yaml_problems)
    values: dict[str, Any] = {}
    title_line = 1
    if node is None and yaml_problems:
        pass  # a syntax error: already reported, nothing more to check
    elif not isinstance(meta, Mapping):
        keys = ", ".join(_FRONT_MATTER_KEYS)
        problems.append(BankProblem(path, 1, f"front matter must be a mapping with {keys}"))
    else:
        for key, value in meta.items():
            # Front matter text starts on file line 2.
            line = 1 + (_node_line(node, [str(key)]) if node is not None else 0)
            if key not in _FRONT_MATTER_KEYS:
                known = ", ".join(_FRONT_MATTER_KEYS)
                message = f"unknown front matter key '{key}'; known: {known}"
                problems.append(BankProblem(path, line, message))
                continue
            if key == "title":
                title_line = line
            values[key], value_problem = _front_matter_value(key, value)
            if value_problem:
                problems.append(BankProblem(path, line, value_problem))
        for key in _FRONT_MATTER_KEYS:
            if key not in meta:
                problems.append(BankProblem(path, 1, f"front matter is missing '{key}'"))

    title = values.get("title")
    slug = slugify(title) if isinstance(title, str) else ""
    if isinstance(title, str) and not slug:
        problems.append(BankProblem(path, title_line, "title has no letters or digits"))

    sections, body_problems = _parse_sections(lines, close + 1, path)
    problems.extend(body_problems)
    if problems or any(values.get(key) is None for key in _FRONT_MATTER_KEYS):
        return _ArticleParse(None, problems, title_line)
    article = Article(
        slug=slug,
        title=values["title"],
        authors=values["authors"],
        published=values["published"],
        source=values["source"],
        sections=tuple(sections),
    )
    return _ArticleParse(article, problems, title_line)


def _parse_sections(
    lines: list[str], start: int, path: str
) -> tuple[list[Section], list[BankProblem]]:
    """Split the body (``lines[start:]``) into sections at ``## `` headings."""
    problems: list[BankProblem] = []
    headings: list[tuple[int, str]] = []
    stray_reported = False
    for index in range(start, len(lines)):
        line = lines[index]
        if line.startswith("## ") or line.rstrip() == "##":
            headings.append((index, line[2:].strip()))
        elif not headings and line.strip() and not stray_reported:
            stray_reported = True
            problems.append(
                BankProblem(
                    path,
                    index + 1,
                    "text before the first '## ' section heading is not allowed: "
                    f"{line.strip()[:60]!r}",
                )
            )
    if not headings:
        problems.append(
            BankProblem(path, start + 1, "article has no sections; start each with '## Title'")
        )
        return [], problems
    if len(headings) > MAX_SECTIONS:
        message = (
            f"the article has {len(headings):,} sections; an article may have at most "
            f"{MAX_SECTIONS:,}: this is section {MAX_SECTIONS + 1:,}"
        )
        problems.append(BankProblem(path, headings[MAX_SECTIONS][0] + 1, message))
        return [], problems

    sections: list[Section] = []
    first_line: dict[str, int] = {}
    for position, (index, title) in enumerate(headings):
        end = headings[position + 1][0] if position + 1 < len(headings) else len(lines)
        slug = slugify(title)
        if not slug:
            problems.append(
                BankProblem(path, index + 1, "section heading needs a title with letters")
            )
            continue
        if slug in first_line:
            problems.append(
                BankProblem(
                    path,
                    index + 1,
                    f"section '{title}' has the same slug '{slug}' as the section at line "
                    f"{first_line[slug]}",
                )
            )
            continue
        first_line[slug] = index + 1
        body = "\n".join(lines[index + 1 : end]).strip()
        sections.append(
            Section(slug=slug, title=title, position=position, body=body, line=index + 1)
        )
    return sections, problems


def parse_article(text: str, path: str) -> Article:
    """Parse article.md text; ``path`` is only used in error messages.

    Raises :class:`BankError` with every problem: missing or unclosed front matter,
    missing, unknown or ill-typed keys, text before the first ``## `` heading, no
    sections, sections whose titles give the same slug.
    """
    parsed = _parse_article(text, path)
    if parsed.article is None:
        raise BankError(parsed.problems)
    return parsed.article


# ------------------------------------------------------------------------------- questions


@dataclass
class _QuestionsParse:
    questions: list[Question]
    ids: list[tuple[str, int]]
    problems: list[BankProblem]


def _parse_questions(
    text: str,
    path: str,
    section: Section | None,
    *,
    require_evidence: bool,
    media: Mapping[str, MediaFile] | None = None,
    article_sections: Sequence[Section] | None = None,
) -> _QuestionsParse:
    """Parse one section file; ``section`` None skips the evidence check.

    Further evidence quotes are looked for in ``article_sections`` (the section alone
    when None).

    The article may be broken while its question files are fine or not; checking them
    anyway lets one load report everything.
    """
    result = _QuestionsParse([], [], [])
    root, data, problems = _load_yaml(text, path, 1)
    result.problems.extend(problems)
    if root is None or data is None:
        return result
    if not isinstance(root, yaml.SequenceNode) or not isinstance(data, list):
        result.problems.append(
            BankProblem(path, 1, "a section file must be a YAML list of questions ('- id: ...')")
        )
        return result

    # The section is normalised once for the file, not once per question.
    search = EvidenceSearch(
        article_sections if article_sections is not None else [section] if section else []
    )
    for number, (item, node) in enumerate(zip(data, root.value, strict=True), start=1):
        line = _line(node)
        if not isinstance(item, Mapping):
            result.problems.append(
                BankProblem(path, line, f"question {number} must be a mapping of fields")
            )
            continue
        raw_id = item.get("id")
        if isinstance(raw_id, str) and raw_id.strip():
            name = f"question '{raw_id.strip()}'"
            result.ids.append((raw_id.strip(), line))
        else:
            name = f"question {number}"

        if media is not None:
            item = _with_media_names(item, media)
        try:
            question = question_from_mapping(item, require_evidence=require_evidence)
        except QuestionInvalid as invalid:
            for problem in invalid.problems:
                problem_line = _node_line(node, problem.path)
                result.problems.append(
                    BankProblem(path, problem_line, f"{name}: {problem.message}")
                )
        else:
            result.questions.append(question)
            if media is not None:
                result.problems.extend(_images_not_in_folder(question, media, path, line, name))

        if section is not None:
            result.problems.extend(_evidence_problems(item, node, search, section, path, name))
    return result


def _evidence_problems(
    item: Mapping[str, object],
    node: yaml.Node,
    search: EvidenceSearch[Section],
    section: Section,
    path: str,
    name: str,
) -> list[BankProblem]:
    """The evidence quotes not found where they must be, each at its own line.

    Checked even when other fields are wrong, so one load reports everything; quotes
    that are not non-empty text are the question's own problems, reported already.
    """
    evidence = item.get("evidence")
    listed = isinstance(evidence, list)
    values = evidence if isinstance(evidence, list) else [evidence]
    quotes = [value for value in values if isinstance(value, str) and value.strip()]
    if not quotes or len(quotes) != len(values):
        return []
    problems = []
    for miss in search.missing(quotes, section):
        label = f"evidence quote {miss.number}" if miss.numbered else "evidence"
        where: list[str | int] = ["evidence", miss.index] if listed else ["evidence"]
        problems.append(
            BankProblem(
                path,
                _node_line(node, where),
                f'{name}: {label} not found in {miss.where}; closest passage: "{miss.passage}"',
            )
        )
    return problems


def _with_media_names(item: Mapping[str, object], media: Mapping[str, MediaFile]) -> dict[str, Any]:
    """The question with its ``media/<file name>`` images named by their content."""

    def change(text: str) -> str:
        return with_media_names(text, media)

    return {
        key: value if key in _PLAIN_FIELDS else map_texts(value, change)
        for key, value in item.items()
    }


def _images_not_in_folder(
    question: Question, media: Mapping[str, MediaFile], path: str, line: int, name: str
) -> list[BankProblem]:
    """A ``media:<sha256>.<ext>`` image must be in the folder too, or another server
    loading the bank would show a broken image."""
    in_folder = {image.name for image in media.values()}
    return [
        BankProblem(
            path,
            line,
            f"{name}: the image media:{image} is not in the article's media folder; "
            f"put the file there (as media/{image}, or under any name and link it so)",
        )
        for image in bank_media_names([question])
        if image not in in_folder
    ]


def _duplicate_ids(entries: Iterable[tuple[str, str, int]]) -> list[BankProblem]:
    """Report every reuse of a question id after its first (path, line)."""
    first: dict[str, tuple[str, int]] = {}
    problems = []
    for question_id, path, line in entries:
        if question_id in first:
            where = "{}:{}".format(*first[question_id])
            problems.append(
                BankProblem(path, line, f"duplicate question id '{question_id}' (first at {where})")
            )
        else:
            first[question_id] = (path, line)
    return problems


def parse_questions(
    text: str,
    path: str,
    section: Section,
    *,
    require_evidence: bool,
    article_sections: Sequence[Section] | None = None,
) -> tuple[Question, ...]:
    """Parse a ``<section-slug>.yaml`` file's text into questions.

    An empty file or ``[]`` gives no questions. Evidence, whenever given, must occur in
    ``section`` (its first quote; further quotes in any of ``article_sections``, or in
    ``section`` when None); ``require_evidence`` additionally makes evidence and
    explanation mandatory. Raises :class:`BankError` with every problem and its line.
    """
    parsed = _parse_questions(
        text,
        path,
        section,
        require_evidence=require_evidence,
        article_sections=article_sections,
    )
    problems = parsed.problems + _duplicate_ids((qid, path, line) for qid, line in parsed.ids)
    if problems:
        raise BankError(sorted(problems, key=lambda problem: problem.line))
    return tuple(parsed.questions)


# ------------------------------------------------------------------------------- folders


def _read_text(path: Path, shown: str, problems: list[BankProblem]) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        problems.append(BankProblem(shown, 1, "file is not valid UTF-8 text"))
    except OSError as error:
        problems.append(BankProblem(shown, 1, f"cannot read file: {error.strerror}"))
    return None


def _shown(path: Path, display_root: Path | None) -> str:
    if display_root is not None:
        try:
            return str(path.relative_to(display_root))
        except ValueError:
            pass
    return str(path)


def _read_media_dir(
    directory: Path, display_root: Path | None, problems: list[BankProblem]
) -> dict[str, MediaFile]:
    """The images in an article's media/ folder, by file name; refused ones are problems."""
    files: dict[str, MediaFile] = {}
    if not directory.is_dir():
        return files
    for path in sorted(directory.iterdir()):
        if path.name.startswith(".") or not path.is_file():
            continue
        shown = _shown(path, display_root)
        try:
            files[path.name] = media_file(path.read_bytes())
        except MediaRefused as refused:
            problems.append(BankProblem(shown, 0, str(refused)))
        except OSError as error:
            problems.append(BankProblem(shown, 0, f"cannot read file: {error.strerror}"))
    return files


def _read_article_dir(
    directory: Path, display_root: Path | None
) -> tuple[ArticleBank | None, list[BankProblem]]:
    problems: list[BankProblem] = []
    article_path = directory / ARTICLE_FILE
    article_shown = _shown(article_path, display_root)
    if not article_path.is_file():
        problems.append(BankProblem(article_shown, 0, f"missing {ARTICLE_FILE}"))
        return None, problems
    article_text = _read_text(article_path, article_shown, problems)
    parsed = _ArticleParse(None, [], 1)
    if article_text is not None:
        parsed = _parse_article(article_text, article_shown)
        problems.extend(parsed.problems)
    article = parsed.article
    if article is not None and directory.name != article.slug:
        problems.append(
            BankProblem(
                article_shown,
                parsed.title_line,
                f"folder '{directory.name}' does not match the article slug '{article.slug}' "
                "made from the title; rename the folder",
            )
        )

    media = _read_media_dir(directory / MEDIA_DIR, display_root, problems)
    # Hidden files are editor droppings (".#x.yaml", swap files), not section files.
    files = [
        path
        for path in directory.iterdir()
        if path.suffix in QUESTION_SUFFIXES and path.is_file() and not path.name.startswith(".")
    ]
    by_section: dict[str, list[Question]] = {}
    file_for_section: dict[str, str] = {}
    ids: list[tuple[str, str, int]] = []
    # Files are read in article order so "first" in duplicate-id messages means the
    # earlier section, as a reader would expect.
    order = {section.slug: section.position for section in article.sections} if article else {}
    files.sort(key=lambda path: (order.get(path.stem, len(order)), path.name))
    for path in files:
        shown = _shown(path, display_root)
        section = article.section(path.stem) if article else None
        if article is not None and section is None:
            valid = ", ".join(s.slug for s in article.sections)
            problems.append(
                BankProblem(
                    shown,
                    1,
                    f"'{path.name}' does not match any section of the article; "
                    f"section files are named <section-slug>.yaml with one of: {valid}",
                )
            )
        if path.stem in file_for_section:
            problems.append(
                BankProblem(
                    shown,
                    1,
                    f"section '{path.stem}' already has a question file "
                    f"({file_for_section[path.stem]}); keep one file per section",
                )
            )
        file_for_section.setdefault(path.stem, shown)
        text = _read_text(path, shown, problems)
        if text is None:
            continue
        result = _parse_questions(
            text,
            shown,
            section,
            require_evidence=True,
            media=media,
            article_sections=article.sections if article is not None else None,
        )
        problems.extend(result.problems)
        ids.extend((question_id, shown, line) for question_id, line in result.ids)
        by_section.setdefault(path.stem, []).extend(result.questions)
    problems.extend(_duplicate_ids(ids))

    if problems or article is None:
        return None, problems
    questions = {s.slug: tuple(by_section.get(s.slug, ())) for s in article.sections}
    unique_media = tuple({file.name: file for file in media.values()}.values())
    bank = ArticleBank(article=article, questions_by_section=questions, media=unique_media)
    return bank, problems


def _sorted(problems: list[BankProblem]) -> list[BankProblem]:
    return sorted(problems, key=lambda problem: (problem.path, problem.line))


def read_article_dir(directory: Path, *, display_root: Path | None = None) -> ArticleBank:
    """Load one article folder (article.md plus its section files).

    Paths in messages are ``directory / name`` as given, or relative to ``display_root``
    when the folder lies inside it. Question files must be named after a section slug,
    need evidence and an explanation for every question, and may not reuse a question id
    within the article. Raises :class:`BankError` with every problem, sorted by path and
    line.
    """
    bank, problems = _read_article_dir(directory, display_root)
    if problems or bank is None:
        raise BankError(_sorted(problems))
    return bank


def read_bank(path: Path) -> list[ArticleBank]:
    """Load a bank: a folder of article folders, or a single article folder.

    Article folders are read in name order; hidden folders are skipped, any other folder
    without article.md is a problem. Everything is checked before anything is returned:
    one :class:`BankError` lists every problem in every file.
    """
    if (path / ARTICLE_FILE).is_file():
        return [read_article_dir(path)]
    if not path.is_dir():
        raise BankError([BankProblem(str(path), 0, "no such folder")])
    folders = sorted(
        child for child in path.iterdir() if child.is_dir() and not child.name.startswith(".")
    )
    if not folders:
        raise BankError(
            [BankProblem(str(path), 0, "no article folders (each needs an article.md)")]
        )
    banks: list[ArticleBank] = []
    problems: list[BankProblem] = []
    for folder in folders:
        bank, folder_problems = _read_article_dir(folder, None)
        problems.extend(folder_problems)
        if bank is not None:
            banks.append(bank)
    if problems:
        raise BankError(_sorted(problems))
    return banks


# -------------------------------------------------------------------------------- writing

# Characters YAML cannot hold literally inside a double-quoted scalar: non-printables,
# and the Unicode line separators that YAML would fold into spaces.
_YAML_UNSAFE = re.compile(
    "[^\t\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|[\u2028\u2029\ufeff]"
)


def _quoted(text: str) -> str:
    """A YAML double-quoted scalar that keeps non-ASCII letters readable."""
    encoded = json.dumps(text, ensure_ascii=False)
    return _YAML_UNSAFE.sub(
        lambda match: (
            f"\\u{ord(match[0]):04x}" if ord(match[0]) <= 0xFFFF else f"\\U{ord(match[0]):08x}"
        ),
        encoded,
    )


def dump_article(article: Article) -> str:
    """Write an article back as article.md text; ``parse_article`` reads it back equal."""
    authors = ", ".join(_quoted(author) for author in article.authors)
    parts = [
        "---\n",
        f"title: {_quoted(article.title)}\n",
        f"authors: [{authors}]\n",
        f"published: {article.published.isoformat()}\n",
        f"source: {_quoted(article.source)}\n",
        "---\n",
    ]
    for section in article.sections:
        parts.append(f"\n## {section.title}\n")
        if section.body:
            parts.append(f"\n{section.body}\n")
    return "".join(parts)


class _BankDumper(yaml.SafeDumper):
    """SafeDumper that indents nested lists and writes multi-line text as blocks."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        """Indent list entries under their key, as people write YAML by hand."""
        super().increase_indent(flow, False)


def _represent_text(dumper: yaml.SafeDumper, text: str) -> yaml.ScalarNode:
    style = "|" if "\n" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


class _FlowList(list[object]):
    """A list written inline (``tags: [a, b]``), the way short tag lists are written by hand."""


def _represent_flow_list(dumper: yaml.SafeDumper, items: _FlowList) -> yaml.SequenceNode:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", items, flow_style=True)


_BankDumper.add_representer(str, _represent_text)
_BankDumper.add_representer(_FlowList, _represent_flow_list)
# Wide enough that prompts and quotes stay on one line each, as authors wrote them.
_NO_FOLDING = 1_000_000


def _for_yaml(question: Question) -> dict[str, object]:
    mapping = question.to_mapping()
    tags = mapping.get("tags")
    if isinstance(tags, list):
        mapping["tags"] = _FlowList(tags)
    return mapping


def dump_questions(questions: Sequence[Question]) -> str:
    """Write questions as a section file: a YAML list, a blank line between questions."""
    if not questions:
        return "[]\n"
    return "\n".join(
        yaml.dump(
            [_for_yaml(question)],
            Dumper=_BankDumper,
            sort_keys=False,
            allow_unicode=True,
            width=_NO_FOLDING,
        )
        for question in questions
    )


def bank_media_names(questions: Iterable[Question]) -> list[str]:
    """The stored images the questions show (every Markdown field), each once."""
    names: dict[str, None] = {}
    for question in questions:
        for key, value in question.to_mapping().items():
            if key not in _PLAIN_FIELDS:
                for _, text in texts_with_paths(value):
                    names.update(dict.fromkeys(media_names(text)))
    return list(names)


def write_bank(banks: Sequence[ArticleBank], root: Path) -> list[Path]:
    """Write banks under ``root`` in the bank format and return the files written.

    Writes ``<article-slug>/article.md``, one ``<section-slug>.yaml`` per section
    that has questions, and each of the bank's images as ``media/<sha256>.<ext>`` (the
    questions name them ``media:<sha256>.<ext>``, which reads back as written). A
    section file left over from an earlier export for a section that now has no
    questions is removed, or reading the folder back would resurrect those questions.
    """
    written: list[Path] = []
    for bank in banks:
        folder = root / bank.article.slug
        folder.mkdir(parents=True, exist_ok=True)
        article_path = folder / ARTICLE_FILE
        article_path.write_text(dump_article(bank.article), encoding="utf-8")
        written.append(article_path)
        for section in bank.article.sections:
            questions = bank.questions_by_section.get(section.slug, ())
            for suffix in QUESTION_SUFFIXES:
                stale = folder / f"{section.slug}{suffix}"
                if stale.exists() and (suffix != ".yaml" or not questions):
                    stale.unlink()
            if questions:
                path = folder / f"{section.slug}.yaml"
                path.write_text(dump_questions(questions), encoding="utf-8")
                written.append(path)
        for image in bank.media:
            path = folder / MEDIA_DIR / image.name
            path.parent.mkdir(exist_ok=True)
            path.write_bytes(image.data)
            written.append(path)
    return written
