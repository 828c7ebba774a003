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
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"style"}, "td": {"style"}}

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
        filter_style_properties={"text-align"},
    )
    return Markup(cleaned)


def init_app(app: Flask) -> None:
    """Make ``|markdown`` available in templates."""
    app.add_template_filter(markdown_to_html, "markdown")
