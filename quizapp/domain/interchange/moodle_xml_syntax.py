"""Moodle XML's parts: HTML to our text, reading one ``<question>`` element, grades, and
the element writers.

``quizapp.domain.interchange.moodle_xml`` reads and writes whole files; each question
type reads and writes its own elements with these tools (its ``read_moodle_xml`` and
``moodle_xml_body``), so this module knows no question type.
"""

from __future__ import annotations

import base64
import binascii
import math
import re
from collections.abc import Callable, Iterable
from html.parser import HTMLParser
from urllib.parse import quote, unquote
from xml.etree.ElementTree import Element

import nh3

from quizapp.domain.grades import ALLOWED_PERCENTAGES_TEXT, MOODLE_PERCENTAGES, percentage_text
from quizapp.domain.interchange import InterchangeProblem
from quizapp.domain.media import MediaCollector, MediaFile, MediaRefused, image_markdown

XML_FORMAT = "markdown"
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")

# Moodle's grade options as exact percentages (``quizapp.domain.grades``). The XML carries
# them rounded to 5 decimals (33.33333), so matching allows that much slack.
MOODLE_FRACTIONS: tuple[float, ...] = (*MOODLE_PERCENTAGES, 0.0)
FRACTION_SLACK = 1e-5
ALLOWED_FRACTIONS_TEXT = ALLOWED_PERCENTAGES_TEXT

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
# How Moodle XML links a text to a file carried with it (``<file name="cat.png">``).
PLUGINFILE = "@@PLUGINFILE@@"
# In a Markdown text: a link target naming a carried file, up to the end of the target.
_PLUGINFILE_TARGET = re.compile(r"@@PLUGINFILE@@(/[^\s)]+)")

# Given an <img>'s src and alt, the Markdown that shows it; "" when its file was refused
# (the problem is recorded), None when it links no file carried with the text.
ImageResolver = Callable[[str, str], str | None]


class _MarkdownWriter(HTMLParser):
    """Turns sanitised HTML into plain text with Markdown emphasis and links."""

    def __init__(self, images: ImageResolver | None = None) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.open_emphasis: list[tuple[str, str, int]] = []
        self.links: list[str | None] = []
        self.resolve_image = images
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
            found = dict(attrs)
            shown = self.resolve_image and self.resolve_image(
                found.get("src") or "", found.get("alt") or ""
            )
            if shown is None:
                self.images += 1
            else:
                self.parts.append(shown)
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


def convert_html(html: str, images: ImageResolver | None = None) -> tuple[str, int]:
    """Sanitise and convert; also count the images that could not come along.

    ``images`` turns an ``<img>``'s src and alt into our Markdown image (a file carried
    with the text); an image it returns None for, or every image without it, is counted.
    """
    cleaned = nh3.clean(
        html,
        tags=_KEPT_TAGS,
        clean_content_tags=_DROP_WITH_CONTENT,
        attributes={"a": {"href"}, "img": {"src", "alt"}},
        url_schemes={"http", "https", "mailto"},
        link_rel=None,
        strip_comments=True,
    )
    writer = _MarkdownWriter(images)
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
    return convert_html(html)[0]


# ------------------------------------------------------------------------------ reading


def raw_text(element: Element | None) -> str:
    """Text of ``<x><text>...</text></x>`` or of ``<x>...</x>``; "" when absent."""
    if element is None:
        return ""
    holder = element.find("text")
    if holder is None:
        return element.text or "" if not len(element) else ""
    return holder.text or ""


def to_number(text: str) -> float | None:
    stripped = text.strip()
    if not _NUMBER.fullmatch(stripped):
        return None
    value = float(stripped)
    return value if math.isfinite(value) else None


def number_text(value: float) -> str:
    """A number as Moodle and we both read it back exactly: 2, 2.5, 1e-05."""
    if value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    return repr(value)


class XmlReader:
    """Reads one ``<question>`` element, recording problems under its position and name."""

    def __init__(
        self, path: str, position: int, element: Element, media: MediaCollector | None = None
    ) -> None:
        self.path = path
        self.position = position
        self.element = element
        name = raw_text(element.find("name")).strip()
        self.name = name or None
        self.problems: list[InterchangeProblem] = []
        # Where the images the question carries go; a reader of its own when not shared.
        self.media = media if media is not None else MediaCollector()

    def problem(self, message: str) -> None:
        self.problems.append(
            InterchangeProblem(
                path=self.path, message=message, position=self.position, name=self.name
            )
        )

    def warn(self, message: str) -> None:
        """Something the teacher should know that does not stop the import."""
        where = InterchangeProblem(
            path=self.path, message=message, position=self.position, name=self.name
        )
        self.media.warnings.append(str(where))

    def embedded_file(self, name: str, content: str, where: str) -> MediaFile | None:
        """Decode and keep one carried image (base64); None after recording why not."""
        try:
            data = base64.b64decode(content, validate=False)
        except (binascii.Error, ValueError):
            self.problem(f"{where} {name!r} is not valid base64")
            return None
        try:
            return self.media.add(data)
        except MediaRefused as refused:
            self.problem(f"{where} {name!r}: {refused}")
            return None

    def image(self, file_name: str, media: MediaFile, alt: str, where: str) -> str:
        """Our Markdown image for a carried file; without alt text, its file name stands in."""
        if not alt.strip():
            alt = file_name.rpartition("/")[2] or "image"
            self.warn(
                f"{where}: the image {file_name!r} has no alt text; its file name stands in "
                "for now: edit the question to say what the image shows"
            )
        return image_markdown(alt, media.name)

    def carried_image(self, file: Element, where: str) -> MediaFile | None:
        """One ``<file>`` an image links, checked and kept; None after recording why not.

        Only files an image links are read: other attachments (a PDF a link points at)
        stay ignored, as before images came along.
        """
        name = (file.get("name") or "").strip()
        encoding = (file.get("encoding") or "base64").strip().lower()
        if encoding != "base64":
            self.problem(f"{where} <file> {name!r}: encoding {encoding!r}; expected base64")
            return None
        return self.embedded_file(name, file.text or "", f"{where} <file>")

    def _carried_files(self, element: Element) -> dict[str, Element]:
        """``element``'s ``<file>`` children by their path (``/cat.png``), as
        ``@@PLUGINFILE@@`` links name them."""
        files: dict[str, Element] = {}
        for file in element.findall("file"):
            folder = (file.get("path") or "/").strip() or "/"
            files.setdefault(folder.rstrip("/") + "/" + (file.get("name") or "").strip(), file)
        return files

    def _file_reader(
        self, element: Element, where: str
    ) -> Callable[[str], MediaFile | bool | None]:
        """Reads a linked file once: its image, False when refused (problem recorded),
        None when ``element`` carries no such file."""
        files = self._carried_files(element)
        read: dict[str, MediaFile | None] = {}

        def linked(file_path: str) -> MediaFile | bool | None:
            if file_path not in files:
                return None
            if file_path not in read:
                read[file_path] = self.carried_image(files[file_path], where)
            return read[file_path] or False

        return linked

    def _image_resolver(self, element: Element, where: str) -> ImageResolver:
        linked = self._file_reader(element, where)

        def resolve(src: str, alt: str) -> str | None:
            if not src.startswith(PLUGINFILE + "/"):
                return None
            file_path = unquote(src[len(PLUGINFILE) :].split("?")[0].split("#")[0])
            media = linked(file_path)
            if isinstance(media, MediaFile):
                return self.image(file_path.lstrip("/"), media, alt, where)
            return None if media is None else ""

        return resolve

    def _markdown_with_files(self, text: str, element: Element, where: str) -> str:
        """A Markdown text's ``@@PLUGINFILE@@/name`` targets as our ``media:`` names."""
        linked = self._file_reader(element, where)

        def replace(match: re.Match[str]) -> str:
            media = linked(unquote(match[1]))
            return f"media:{media.name}" if isinstance(media, MediaFile) else match[0]

        return _PLUGINFILE_TARGET.sub(replace, text) if PLUGINFILE in text else text

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
            return self._markdown_with_files(text.strip(), element, where)
        if text_format in ("moodle_auto_format", "wiki_like"):
            # Moodle auto-format is HTML in which a line break is a <br>.
            text = text.replace("\r\n", "\n").replace("\n", "<br>")
        converted, images = convert_html(text, self._image_resolver(element, where))
        if images:
            self.refuse(
                f"{where} shows an image that is not carried in the file (a <file> element "
                f"next to the text, linked as {PLUGINFILE}/name); export the question from "
                "Moodle with its files, or describe the image in words"
            )
        return converted

    def fraction(self, answer: Element, index: int) -> float | None:
        """The answer's grade as one of Moodle's percentages, or None (problem recorded)."""
        raw = answer.get("fraction", "0")
        value = to_number(raw)
        if value is None:
            self.problem(
                f"<answer> {index}: fraction {raw!r} is not a number; "
                f"expected one of {ALLOWED_FRACTIONS_TEXT}"
            )
            return None
        for allowed in MOODLE_FRACTIONS:
            if abs(abs(value) - allowed) <= FRACTION_SLACK:
                return math.copysign(allowed, value) if allowed else 0.0
        self.problem(
            f"<answer> {index}: fraction {raw!r} is not one of Moodle's grades; "
            f"expected one of {ALLOWED_FRACTIONS_TEXT}"
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


# ------------------------------------------------------------------------------ writing


def escape(text: str) -> str:
    # A raw CR would come back as LF (XML normalises line ends); a reference keeps it.
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    )


def text_element(
    tag: str,
    text: str,
    indent: str,
    text_format: str | None = XML_FORMAT,
    files: Iterable[MediaFile] = (),
) -> str:
    """``<tag format="..."><text>...</text></tag>``, with ``files`` as ``<file>`` elements."""
    attribute = f' format="{text_format}"' if text_format else ""
    out = f"{indent}<{tag}{attribute}>\n{indent}  <text>{escape(text)}</text>\n"
    for media in files:
        content = base64.b64encode(media.data).decode("ascii")
        out += f'{indent}  <file name="{media.name}" path="/" encoding="base64">{content}</file>\n'
    return out + f"{indent}</{tag}>\n"


def with_pluginfile_links(text: str, names: Iterable[str]) -> str:
    """Our ``media:<name>`` image targets as the ``@@PLUGINFILE@@/<name>`` links Moodle
    resolves against the files written next to the text."""
    for name in names:
        text = text.replace(f"](media:{name}", f"]({PLUGINFILE}/{name}")
    return text


def answer_element(
    fraction: str,
    text: str,
    *,
    text_format: str,
    feedback: str = "",
    extra: str = "",
) -> str:
    out = f'    <answer fraction="{fraction}" format="{text_format}">\n'
    out += f"      <text>{escape(text)}</text>\n"
    out += text_element("feedback", feedback, "      ")
    out += extra
    return out + "    </answer>\n"


def fraction_text(percent: float) -> str:
    """A percentage as Moodle XML writes it (``33.33333``)."""
    return percentage_text(percent / 100)


def share(count: int) -> float | None:
    """Moodle's grade for one of ``count`` equal shares of 100%, if Moodle has one."""
    exact = 100 / count
    return next((a for a in MOODLE_FRACTIONS if abs(a - exact) < 1e-9), None)


def nearest_share(count: int) -> float:
    exact = 100 / count
    return min((a for a in MOODLE_FRACTIONS if a > 0), key=lambda a: abs(a - exact))
