"""Markdown to safe HTML for article text and question prompts."""

from __future__ import annotations

from functools import lru_cache

import nh3
from flask import Flask
from markdown_it import MarkdownIt
from markupsafe import Markup

# Tags Markdown can produce for prose and tables; anything else is stripped.
ALLOWED_TAGS = {
    "p", "br", "hr", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li",
    "a", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "sup", "sub",
}  # fmt: skip
# No style attributes: the Content-Security-Policy allows no inline styles.
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
# Private-use characters survive Markdown and sanitising, so they can mark where the
# evidence highlight goes once the HTML is safe.
_MARK_START, _MARK_END = "\ue000", "\ue001"

_markdown = MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table")


@lru_cache(maxsize=1024)
def markdown_to_html(text: str) -> Markup:
    """Render Markdown and sanitise the result; raw HTML in the source is escaped."""
    html = _markdown.render(text)
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        link_rel="noopener noreferrer",
        url_schemes={"http", "https", "mailto"},
    )
    return Markup(cleaned)


@lru_cache(maxsize=4096)
def markdown_inline(text: str) -> Markup:
    """Render one line of Markdown (emphasis, code, links) without a wrapping paragraph.

    For prompts inside ``<legend>`` and choice labels, where block elements are invalid.
    """
    cleaned = nh3.clean(
        _markdown.renderInline(text),
        tags={"em", "strong", "code", "a", "sup", "sub"},
        attributes=ALLOWED_ATTRIBUTES,
        link_rel="noopener noreferrer",
        url_schemes={"http", "https", "mailto"},
    )
    return Markup(cleaned)


def format_number(value: float | None) -> str:
    """A mark or score as people write it: 2, 2.5, 0.33 (no float noise, no 2.0)."""
    if value is None:
        return "–"
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def markdown_with_highlight(text: str, span: tuple[int, int] | None) -> Markup:
    """Render ``text`` with the characters in ``span`` wrapped in ``<mark id="evidence">``.

    A span that crosses an element boundary (two paragraphs, two table cells) cannot be
    wrapped in one ``<mark>``; the text is then rendered without a highlight.
    """
    if span is None:
        return markdown_to_html(text)
    start, end = span
    marked = text[:start] + _MARK_START + text[start:end] + _MARK_END + text[end:]
    html = str(markdown_to_html(marked))
    inside = html.partition(_MARK_START)[2].partition(_MARK_END)[0]
    if "<" in inside or _MARK_START not in html or _MARK_END not in html:
        return markdown_to_html(text)
    return Markup(
        html.replace(_MARK_START, '<mark id="evidence" tabindex="-1">').replace(
            _MARK_END, "</mark>"
        )
    )


def init_app(app: Flask) -> None:
    """Make ``|markdown``, ``|markdown_inline`` and ``|number`` available in templates."""
    app.add_template_filter(markdown_to_html, "markdown")
    app.add_template_filter(markdown_inline, "markdown_inline")
    app.add_template_filter(format_number, "number")
