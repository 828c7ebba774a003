"""Rendering Markdown images: only our stored images become <img>, with their alt text."""

from __future__ import annotations

import pytest

from quizapp.rendering import markdown_inline, markdown_to_html

NAME = "ab" * 32 + ".png"
IMG = f'<img src="/media/{NAME}" alt="A cat">'


@pytest.mark.parametrize(
    ("text", "html"),
    [
        (f"Is it black? ![A cat](media:{NAME})", f"Is it black? {IMG}"),
        (
            f'![A "cat" <b>](media:{NAME})',
            f'<img src="/media/{NAME}" alt="A &quot;cat&quot; &lt;b&gt;">',
        ),
        (f"![A *cat*](media:{NAME})", IMG),
        # Not ours: shown as the alt text, never fetched from elsewhere.
        ("![A cat](https://example.org/cat.png)", "A cat"),
        ("![A cat](data:image/png;base64,iVBORw0KGgo=)", "A cat"),
        (f"![A cat](/media/{NAME})", "A cat"),
        (f"![A cat](media:{NAME[:-4]}.svg)", "A cat"),
        # Without alt text an image shows nothing (the bank refuses it anyway).
        (f"![](media:{NAME})", ""),
        # Raw HTML stays text; a link to the media scheme loses its target.
        (
            f'<img src="/media/{NAME}" onerror="x()">',
            f'&lt;img src="/media/{NAME}" onerror="x()"&gt;',
        ),
        (f"[see](media:{NAME})", '<a rel="noopener noreferrer">see</a>'),
    ],
)
def test_inline_images(text: str, html: str) -> None:
    assert str(markdown_inline(text)) == html


def test_block_markdown_renders_our_images_too() -> None:
    assert str(markdown_to_html(f"![A cat](media:{NAME})")) == f"<p>{IMG}</p>\n"
