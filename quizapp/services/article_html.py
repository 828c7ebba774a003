"""Sections' HTML, rendered from their Markdown once per worker, not on every view.

Why an in-process cache keyed by a hash of the text, rather than a column holding the
HTML: the key is the content itself, so the cache cannot go stale. An edit changes the
text, hence the key, on whichever server made it; every other worker and server misses
once on the new text and renders it, with nothing to invalidate or share. A column
would spare that first render per worker but needs a migration, must be re-rendered
whenever the renderer's rules change (the tags ``quizapp.rendering`` allows), and could
disagree with the body if anything wrote one without the other. The first render is
bounded: an article is at most ``MAX_ARTICLE_BYTES`` (300 KB of Markdown renders in well
under a second; worst cases a few seconds), and saving an article renders its sections
in the saving worker, so the teacher pays for it, not the next reader.

Keys are SHA-256 digests, not the text, and the cache is bounded by the size of the HTML
it holds, so long articles cannot fill a worker's memory.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Iterable

from markupsafe import Markup

from quizapp.rendering import markdown_to_html

# HTML kept per worker: the shipped article's is 20 KB, the largest allowed about 1 MB.
CACHE_BYTES = 32 * 1024 * 1024

_cache: OrderedDict[bytes, Markup] = OrderedDict()
_cached_bytes = 0
_lock = threading.Lock()


def _key(body: str) -> bytes:
    return hashlib.sha256(body.encode("utf-8", errors="surrogatepass")).digest()


def section_html(body: str) -> Markup:
    """The sanitised HTML of a section's Markdown, rendered once per distinct text."""
    global _cached_bytes
    key = _key(body)
    with _lock:
        html = _cache.get(key)
        if html is not None:
            _cache.move_to_end(key)
            return html
    # Rendered outside the lock (another thread may render the same text: same result).
    # The uncached renderer: its own cache would keep the whole text as a key.
    html = markdown_to_html.__wrapped__(body)
    with _lock:
        if key not in _cache:
            _cache[key] = html
            _cached_bytes += len(html)
        while _cached_bytes > CACHE_BYTES and len(_cache) > 1:
            _, dropped = _cache.popitem(last=False)
            _cached_bytes -= len(dropped)
    return html


def render_ahead(bodies: Iterable[str]) -> None:
    """Render sections just saved, so this worker's first reader finds them cached."""
    for body in bodies:
        section_html(body)


def clear_cache() -> None:
    """Forget every rendered section (tests start from an empty cache)."""
    global _cached_bytes
    with _lock:
        _cache.clear()
        _cached_bytes = 0
