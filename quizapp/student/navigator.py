"""The question page's navigator, built in Python rather than by a template loop.

A 100-question quiz's page has 100 buttons; a Jinja loop with the conditions and escaping
each needs cost about 10 microseconds a button, a third of the whole page at that length.
Built here from plain integers, each costs a tenth of that, so a page of a long quiz costs
about what a page of a short one does. Nothing here comes from the user: positions are
integers and the words are fixed, so no escaping is needed.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup

from quizapp.services.attempt_views import NavigatorEntry


def navigator_buttons(entries: Sequence[NavigatorEntry], current: int) -> Markup:
    """One ``<li>`` per question: a submit button going to it, marked answered or not and
    current or not (``aria-current`` too), labelled for screen readers."""
    items = []
    for entry in entries:
        position = int(entry.position)
        state = "answered" if entry.answered else "unanswered"
        classes = "nav-item answered" if entry.answered else "nav-item"
        marks = ' aria-current="step"' if position == current else ""
        if marks:
            classes += " current"
        items.append(
            f'<li><button type="submit" name="action" value="goto-{position}" '
            f'class="{classes}"{marks} aria-label="Question {position}, {state}">'
            f"{position}</button></li>"
        )
    return Markup("\n".join(items))
