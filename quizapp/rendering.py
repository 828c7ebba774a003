"""Markdown to safe HTML for article text and question prompts."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import nh3
from flask import Flask
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from markupsafe import Markup

from quizapp.domain.media import MarkdownImage

# Tags Markdown can produce for prose and tables; anything else is stripped.
ALLOWED_TAGS = {
    "p", "br", "hr", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li",
    "a", "img", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "sup", "sub",
}  # fmt: skip
# No style attributes: the Content-Security-Policy allows no inline styles.
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt"}}
# Where the media route serves a stored image (quizapp/media/routes.py).
MEDIA_URL_PREFIX = "/media/"
# Private-use characters survive Markdown and sanitising, so they can mark where the
# evidence highlight goes once the HTML is safe.
_MARK_START, _MARK_END = "\ue000", "\ue001"


def _render_image(
    renderer: RendererHTML, tokens: Sequence[Token], index: int, options: OptionsDict, env: EnvType
) -> str:
    """Only our stored images become ``<img>``; any other image shows as its alt text.

    No remote images: they would tell another site who reads the question (and the CSP
    would block them anyway). An image without alt text shows nothing.
    """
    token = tokens[index]
    alt = renderer.renderInlineAsText(token.children or [], options, env)
    name = MarkdownImage(alt, str(token.attrGet("src") or "")).media_name
    if name is None or not alt.strip():
        return escapeHtml(alt)
    return f'<img src="{MEDIA_URL_PREFIX}{name}" alt="{escapeHtml(alt)}">'


_markdown = MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table")
_markdown.add_render_rule("image", _render_image)


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
    """Render one line of Markdown (emphasis, code, links, our images) without a paragraph.

    For prompts inside ``<legend>`` and choice labels, where block elements are invalid.
    """
    cleaned = nh3.clean(
        _markdown.renderInline(text),
        tags={"em", "strong", "code", "a", "sup", "sub", "img"},
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
