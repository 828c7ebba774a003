"""The question page's navigator buttons (built in Python, see quizapp/student/navigator.py)."""

from __future__ import annotations

import pytest

from quizapp.services.attempt_views import NavigatorEntry
from quizapp.student.navigator import navigator_buttons


@pytest.mark.parametrize(
    ("answered", "current", "expected"),
    [
        (
            False,
            False,
            '<li><button type="submit" name="action" value="goto-3" class="nav-item" '
            'aria-label="Question 3, unanswered">3</button></li>',
        ),
        (
            True,
            False,
            '<li><button type="submit" name="action" value="goto-3" class="nav-item answered" '
            'aria-label="Question 3, answered">3</button></li>',
        ),
        (
            True,
            True,
            '<li><button type="submit" name="action" value="goto-3" '
            'class="nav-item answered current" aria-current="step" '
            'aria-label="Question 3, answered">3</button></li>',
        ),
        (
            False,
            True,
            '<li><button type="submit" name="action" value="goto-3" class="nav-item current" '
            'aria-current="step" aria-label="Question 3, unanswered">3</button></li>',
        ),
    ],
)
def test_a_button_says_where_it_goes_and_whether_it_is_answered_or_current(
    answered: bool, current: bool, expected: str
) -> None:
    html = navigator_buttons([NavigatorEntry(3, answered)], current=3 if current else 1)

    assert str(html) == expected


def test_one_button_per_question_in_order() -> None:
    entries = [NavigatorEntry(n, n % 2 == 0) for n in range(1, 101)]

    html = str(navigator_buttons(entries, current=50))

    assert html.count("<li>") == 100
    assert html.index('value="goto-9"') < html.index('value="goto-10"')
    assert html.count('aria-current="step"') == 1
    assert 'value="goto-50" class="nav-item answered current" aria-current="step"' in html
