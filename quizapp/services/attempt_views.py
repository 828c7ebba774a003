"""What the attempt pages show: frozen view models, and how they are built from loaded rows.

The use cases that return them are in ``attempt_pages`` (the learner's pages) and
``quiz_pages`` (a teacher's review); templates read them without touching the database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from quizapp.domain.answers import is_answered
from quizapp.domain.questions import Question as DomainQuestion
from quizapp.models import Attempt, AttemptState, FeedbackTiming, QuizKind
from quizapp.services.attempts import DrawnQuestion, drawn_questions, feedback_visible
from quizapp.services.live_quizzes import LiveQuiz, questions_held_back

# ---------------------------------------------------------------------------- view models


@dataclass(frozen=True)
class AttemptView:
    """What the attempt pages show about the attempt itself."""

    id: int
    quiz_title: str
    number: int
    student_name: str
    deadline_at: dt.datetime | None
    immediate_feedback: bool
    submitted: bool
    submitted_automatically: bool
    submitted_at: dt.datetime | None
    score: float | None
    max_score: float | None


@dataclass(frozen=True)
class QuestionView:
    """One question of an attempt as a page shows it: the question, the answer, feedback."""

    position: int
    question: DomainQuestion
    answer: object | None
    # Bank indices in the order they are shown; None: the bank's order.
    display_order: tuple[int, ...] | None
    # What the page submits for each part, by bank index (see services/answer_tokens.py).
    tokens: tuple[str, ...]
    # Practice keeps back the key of a question a live quiz of the class may draw.
    held_back_by: LiveQuiz | None
    is_final: bool
    answered: bool
    graded: bool
    feedback_visible: bool
    fraction: float | None
    section_title: str
    article_slug: str


@dataclass(frozen=True)
class NavigatorEntry:
    """One button of the question page's navigator."""

    position: int
    answered: bool


@dataclass(frozen=True)
class QuestionPage:
    """One question of an attempt in progress, with the navigator's view of the others."""

    attempt: AttemptView
    total: int
    navigator: tuple[NavigatorEntry, ...]
    item: QuestionView
    now: dt.datetime
    error: str | None = None


@dataclass(frozen=True)
class SubmitPage:
    """The confirmation before submitting: how many questions, which are unanswered."""

    attempt: AttemptView
    total: int
    unanswered: tuple[int, ...]


@dataclass(frozen=True)
class ReviewPage:
    """A submitted attempt (the learner's result) or any attempt (a teacher's review)."""

    attempt: AttemptView
    items: tuple[QuestionView, ...]


@dataclass(frozen=True)
class AttemptClosed:
    """The attempt is submitted: the page goes to the result, saying why if an answer came."""

    attempt_id: int
    message: str


@dataclass(frozen=True)
class AnswerSaved:
    """The answer is stored; ``total`` lets the page work out where to go next."""

    saved_at: dt.datetime
    total: int


@dataclass(frozen=True)
class NothingSent:
    """The request carried none of the question's fields: nothing was read or changed."""

    message: str
    total: int


@dataclass(frozen=True)
class AnswerFinal:
    """The answer was checked already (or is otherwise final) and did not change."""

    message: str
    total: int


@dataclass(frozen=True)
class AnswerRefused:
    """The answer could not be read; the question page to show again, with the reason."""

    message: str
    page: QuestionPage


@dataclass(frozen=True)
class AttemptStarted:
    """The attempt to go to (a new one, or the one already open)."""

    attempt_id: int


@dataclass(frozen=True)
class StartRefused:
    """Why the attempt cannot start, for the learner."""

    message: str


def attempt_view(attempt: Attempt, student_name: str = "") -> AttemptView:
    """The plain view of a loaded attempt (with its quiz); a teacher's page names the student."""
    return AttemptView(
        id=attempt.id,
        quiz_title=attempt.quiz.title,
        number=attempt.number,
        student_name=student_name,
        deadline_at=attempt.deadline_at,
        immediate_feedback=attempt.quiz.feedback_timing is FeedbackTiming.IMMEDIATE,
        submitted=attempt.state is AttemptState.SUBMITTED,
        submitted_automatically=attempt.submitted_automatically,
        submitted_at=attempt.submitted_at,
        score=attempt.score,
        max_score=attempt.max_score,
    )


def question_views(
    attempt: Attempt, held_back: Mapping[int, LiveQuiz] | None = None
) -> tuple[QuestionView, ...]:
    """Every question of a loaded attempt (see ``attempt_query``), in order.

    ``held_back`` names the questions whose key the page must not show yet (practice
    while a quiz that may draw them is open; see ``live_quizzes.questions_held_back``).
    """
    held = held_back or {}
    return tuple(question_view(attempt, item, held) for item in drawn_questions(attempt))


def held_back_keys(attempt: Attempt, now: dt.datetime) -> Mapping[int, LiveQuiz]:
    """What a practice page keeps back; looked up only when some feedback shows."""
    if attempt.quiz.kind is not QuizKind.PRACTICE:
        return {}
    shows_feedback = attempt.state is AttemptState.SUBMITTED or any(
        row.response is not None and row.response.checked_at is not None
        for row in attempt.questions
    )
    return questions_held_back(attempt.student_id, now) if shows_feedback else {}


def question_view(
    attempt: Attempt, item: DrawnQuestion, held_back: Mapping[int, LiveQuiz]
) -> QuestionView:
    row = item.row
    response = row.response
    section = row.question_version.question.section
    return QuestionView(
        position=row.position,
        question=item.question,
        answer=item.answer,
        display_order=tuple(row.display_order) if row.display_order else None,
        tokens=item.tokens.values,
        held_back_by=held_back.get(row.question_version.question_id),
        is_final=item.is_final,
        answered=is_answered(item.question, item.answer),
        graded=response is not None and response.fraction is not None,
        feedback_visible=feedback_visible(attempt, item),
        fraction=response.fraction if response else None,
        section_title=section.title,
        article_slug=section.article.slug,
    )
