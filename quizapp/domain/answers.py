"""A learner's answer on its way from the HTML form to storage, to grading and to review.

Three shapes of an answer:

* the *form*: the submitted fields, name -> list of values (like werkzeug's
  ``MultiDict.to_dict(flat=False)``); the field names are fixed because templates use them;
* the *stored answer*: JSON-serialisable, in bank indices, None when unanswered; it is
  what the autosave endpoint sends back as ``{"answer": ...}``;
* the *response*: what ``Question.grade`` takes (docs/bank-format.md).

Each question type reads, checks, grades and describes its own answers (its module in
``quizapp.domain.question_types``); the functions here are the one entry point for the rest
of the code, so no code here switches on type names.
Each type module's docstring gives its form fields and stored shape.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from quizapp.domain.question_types.answer_fields import AnswerRejected, AnswerTokens
from quizapp.domain.question_types.base import Question
from quizapp.domain.question_types.numeric import NUMERIC_LIMIT
from quizapp.domain.question_types.short import SHORT_LIMIT

__all__ = [
    "NO_ANSWER",
    "NUMERIC_LIMIT",
    "SHORT_LIMIT",
    "AnswerRejected",
    "answer_feedback",
    "describe_answer",
    "describe_key",
    "is_answered",
    "is_complete",
    "read_answer",
    "response_for_grading",
    "validate_stored",
]

NO_ANSWER = "No answer"


# ------------------------------------------------------------------------------ the API


def read_answer(
    question: Question, form: Mapping[str, Sequence[str]], tokens: AnswerTokens
) -> object | None:
    """Parse a submitted form into the stored answer; None when the question is unanswered.

    ``form`` maps field names to lists of values. Fields that do not belong to the
    question's type (csrf_token, buttons) are ignored. Choices, match targets and items
    arrive as ``tokens`` (the page never shows bank indices). Raises
    :class:`AnswerRejected` for values the page cannot have produced (a token that is not
    the question's, a field sent twice where one is expected) and for text over the
    length limit.
    """
    return question.read_form(form, tokens)


def validate_stored(question: Question, stored: object) -> object | None:
    """Check an answer that arrived as JSON in stored form; return it normalised.

    Unanswered forms (None, an empty list or mapping, blank text) come back as None.
    Raises :class:`AnswerRejected` for the wrong shape: bools or floats where indices are
    expected, strings for indices, indices out of range, text over the limit.
    """
    if stored is None:
        return None
    return question.check_stored(stored)


def _readable(question: Question, stored: object | None) -> object | None:
    """The stored answer normalised, or None when it is missing or malformed.

    Answers in the database passed validation when saved; a malformed one can only come
    from a bug or a hand edit, and it is treated like a missing answer (grades 0),
    never an error page.
    """
    try:
        return validate_stored(question, stored)
    except AnswerRejected:
        return None


def response_for_grading(question: Question, stored: object | None) -> object:
    """Convert a stored answer to the response ``question.grade`` expects.

    Matching becomes {left int: right int}; ordering becomes the list of item indices in
    the chosen order, but only when the positions are exactly 1..n, each used once,
    otherwise None. None (unanswered or malformed) stays None and grades 0.
    """
    answer = _readable(question, stored)
    return None if answer is None else question.stored_to_response(answer)


def is_answered(question: Question, stored: object | None) -> bool:
    """True when the learner gave an answer; for matching and ordering one choice counts."""
    return _readable(question, stored) is not None


def is_complete(question: Question, stored: object | None) -> bool:
    """True when every part is answered: each left matched, each item placed."""
    answer = _readable(question, stored)
    return answer is not None and question.stored_is_complete(answer)


def describe_answer(question: Question, stored: object | None) -> str:
    """The learner's answer as plain text for the review page; "No answer" when none."""
    answer = _readable(question, stored)
    return NO_ANSWER if answer is None else question.describe_stored(answer)


def describe_key(question: Question) -> str:
    """The right answer as plain text for the review page."""
    return question.describe_key()


def answer_feedback(question: Question, stored: object | None) -> tuple[str, ...]:
    """The feedback written for the learner's answer (Markdown), for the review once the
    answer is final; empty when unanswered or when the answer carries none."""
    return question.feedback_for(response_for_grading(question, stored))
