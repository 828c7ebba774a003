"""Quizzes: defining them (rules checked against the bank) and listing them for students."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import Select, bindparam, func
from sqlalchemy.orm import joinedload, selectinload

from quizapp.domain.generate import Candidate, DrawRule, check_rules
from quizapp.extensions import db
from quizapp.models import (
    Attempt,
    AttemptState,
    Enrolment,
    ExtraTime,
    FeedbackTiming,
    GradingMethod,
    Question,
    QuestionVersion,
    Quiz,
    QuizKind,
    QuizRule,
    Section,
    User,
)
from quizapp.services.errors import NotFound
from quizapp.services.unit_of_work import unit_of_work


class QuizError(ValueError):
    """A quiz definition that cannot work, with every reason."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(self.problems))


@dataclass(frozen=True)
class RuleSpec:
    """Draw ``question_count`` questions from a section (None: all sections)."""

    question_count: int
    section_id: int | None = None
    difficulties: tuple[int, ...] = ()


@dataclass(frozen=True)
class QuizSettings:
    """Everything about a quiz except its questions."""

    time_limit_seconds: int | None = None
    attempts_allowed: int | None = None
    grading_method: GradingMethod = GradingMethod.HIGHEST
    feedback_timing: FeedbackTiming = FeedbackTiming.AFTER_SUBMIT
    shuffle_choices: bool = True
    keys_in_practice: bool = False
    opens_at: dt.datetime | None = None
    closes_at: dt.datetime | None = None
    extra_seconds: dict[int, int] = field(default_factory=dict)


@dataclass(frozen=True)
class QuizSpec:
    """A quiz as the builder form states it: plain values, checked when saved.

    ``grading_method`` and ``feedback_timing`` are the values of ``GRADING_METHODS`` and
    ``FEEDBACK_TIMINGS``; ``extra_time`` is "email minutes" lines.
    """

    title: str
    class_id: int | None
    rules: tuple[RuleSpec, ...]
    time_limit_seconds: int | None = None
    attempts_allowed: int | None = None
    grading_method: str = GradingMethod.HIGHEST.value
    feedback_timing: str = FeedbackTiming.AFTER_SUBMIT.value
    shuffle_choices: bool = True
    keys_in_practice: bool = False
    opens_at: dt.datetime | None = None
    closes_at: dt.datetime | None = None
    extra_time: str = ""


# The settings' choices, for forms that must not depend on the models.
GRADING_METHODS = tuple(method.value for method in GradingMethod)
FEEDBACK_TIMINGS = tuple(timing.value for timing in FeedbackTiming)


def live_candidates(article_id: int) -> list[Candidate]:
    """Every question of the article a new attempt may draw.

    Retired questions and questions whose evidence went stale are left out. Every start
    runs it, so its statement is built once per worker (as in ``attempt_slot``).
    """
    rows = db.session.execute(live_candidates_query(), {"article_id": article_id}).all()
    return [Candidate(question_id=q, section_id=s, difficulty=d) for q, s, d in rows]


@functools.cache
def live_candidates_query() -> Select[int, int, int]:
    """``live_candidates``' statement (question id, section id, difficulty), which a start
    extends with what it ranks by."""
    return (
        db.select(Question.id, Question.section_id, QuestionVersion.difficulty)
        .join(
            QuestionVersion,
            (QuestionVersion.question_id == Question.id)
            & (QuestionVersion.number == Question.current_version_number),
        )
        .where(
            Question.article_id == bindparam("article_id"),
            Question.retired_at.is_(None),
            Question.evidence_stale.is_(False),
        )
        .order_by(Question.id)
    )


def _difficulty_text(difficulties: Sequence[int]) -> str:
    return f" (difficulty {', '.join(map(str, sorted(difficulties)))})" if difficulties else ""


def draw_rules(rules: Sequence[RuleSpec], sections: dict[int, Section]) -> list[DrawRule]:
    """Domain rules with labels that name the section as a teacher knows it."""
    return [
        DrawRule(
            count=rule.question_count,
            section_id=rule.section_id,
            difficulties=frozenset(rule.difficulties),
            label=(
                (sections[rule.section_id].title if rule.section_id in sections else "All sections")
                + _difficulty_text(rule.difficulties)
            ),
        )
        for rule in rules
    ]


def rule_spec(rule: QuizRule) -> RuleSpec:
    """A stored rule as plain values."""
    return RuleSpec(rule.question_count, rule.section_id, tuple(rule.difficulties))


def quiz_draw_rules(quiz: Quiz, sections: dict[int, Section]) -> list[DrawRule]:
    """The quiz's stored rules as the domain's draw rules, labelled by ``sections``."""
    return draw_rules([rule_spec(rule) for rule in quiz.rules], sections)


def article_sections(article_id: int) -> dict[int, Section]:
    """The article's sections by id."""
    return {
        s.id: s
        for s in db.session.execute(
            db.select(Section).where(Section.article_id == article_id)
        ).scalars()
    }


def _problems(
    article_id: int, title: str, rules: Sequence[RuleSpec], settings: QuizSettings
) -> list[str]:
    sections = article_sections(article_id)
    problems = [
        f"Rule {n}: that section is not part of this article."
        for n, rule in enumerate(rules, start=1)
        if rule.section_id is not None and rule.section_id not in sections
    ]
    if not title.strip():
        problems.append("The quiz needs a title.")
    if settings.opens_at and settings.closes_at and settings.closes_at <= settings.opens_at:
        problems.append("The quiz must close after it opens.")
    if not problems:
        problems = check_rules(draw_rules(rules, sections), live_candidates(article_id))
    return problems


def _apply(quiz: Quiz, title: str, rules: Sequence[RuleSpec], settings: QuizSettings) -> None:
    quiz.title = title.strip()
    quiz.time_limit_seconds = settings.time_limit_seconds
    quiz.attempts_allowed = settings.attempts_allowed
    quiz.grading_method = settings.grading_method
    quiz.feedback_timing = settings.feedback_timing
    quiz.shuffle_choices = settings.shuffle_choices
    quiz.keys_in_practice = settings.keys_in_practice
    quiz.opens_at = settings.opens_at
    quiz.closes_at = settings.closes_at
    quiz.rules = [
        QuizRule(
            position=position,
            section_id=rule.section_id,
            question_count=rule.question_count,
            difficulties=sorted(rule.difficulties),
        )
        for position, rule in enumerate(rules)
    ]
    quiz.extra_times = [
        ExtraTime(student_id=student_id, extra_seconds=seconds)
        for student_id, seconds in settings.extra_seconds.items()
    ]


def create_quiz(
    *,
    owner_id: int,
    article_id: int,
    title: str,
    kind: QuizKind,
    rules: Sequence[RuleSpec],
    settings: QuizSettings,
    now: dt.datetime,
    class_id: int | None = None,
    publish: bool = False,
) -> Quiz:
    """Save a quiz whose rules the bank can satisfy; raises ``QuizError`` otherwise."""
    problems = _problems(article_id, title, rules, settings)
    if problems:
        raise QuizError(problems)
    quiz = Quiz(
        kind=kind,
        article_id=article_id,
        class_id=class_id,
        owner_id=owner_id,
        published_at=now if publish else None,
        created_at=now,
        updated_at=now,
    )
    with unit_of_work() as session:
        _apply(quiz, title, rules, settings)
        session.add(quiz)
    return quiz


def update_quiz(
    quiz: Quiz,
    *,
    title: str,
    class_id: int,
    rules: Sequence[RuleSpec],
    settings: QuizSettings,
    now: dt.datetime,
) -> Quiz:
    """Change a quiz's rules and settings; attempts already started keep their questions."""
    problems = _problems(quiz.article_id, title, rules, settings)
    if problems:
        raise QuizError(problems)
    # Rules and extra times are replaced whole; flush the removals before the inserts
    # so the (quiz, position) and (quiz, student) keys never collide.
    with unit_of_work() as session:
        quiz.rules = []
        quiz.extra_times = []
        session.flush()
        quiz.class_id = class_id
        quiz.updated_at = now
        _apply(quiz, title, rules, settings)
        session.flush()
        _follow_quiz_timing(quiz)
    return quiz


def deadline_for(quiz: Quiz, started_at: dt.datetime, extra_seconds: int) -> dt.datetime | None:
    """Start + limit + the student's extra time, never after the quiz closes."""
    deadline = None
    if quiz.time_limit_seconds:
        deadline = started_at + dt.timedelta(seconds=quiz.time_limit_seconds + extra_seconds)
    if quiz.closes_at is not None:
        deadline = min(deadline, quiz.closes_at) if deadline else quiz.closes_at
    return deadline


def _follow_quiz_timing(quiz: Quiz) -> None:
    """Give the quiz's open attempts the deadline its timing now sets.

    Moving the close time earlier (into the past, even) ends open attempts at the new
    close time: the deadline rule then submits them with what was saved the next time
    anyone looks, and Start no longer resumes them. Moving it later gives the time back.
    """
    extra = {e.student_id: e.extra_seconds for e in quiz.extra_times}
    open_attempts = db.session.execute(
        db.select(Attempt).where(
            Attempt.quiz_id == quiz.id, Attempt.state == AttemptState.IN_PROGRESS
        )
    ).scalars()
    for attempt in open_attempts:
        attempt.deadline_at = deadline_for(
            quiz, attempt.started_at, extra.get(attempt.student_id, 0)
        )


def set_published(quiz: Quiz, published: bool, *, now: dt.datetime) -> None:
    """Publish (students of the class can start it) or take it back to draft.

    Publishing checks the rules against the bank as it is now (questions may have been
    retired or gone stale since the quiz was saved): a quiz that could not be drawn is
    not published, and :class:`QuizError` says which rule falls short.
    """
    if published:
        rules = quiz_draw_rules(quiz, article_sections(quiz.article_id))
        problems = check_rules(rules, live_candidates(quiz.article_id))
        if problems:
            raise QuizError(
                [f"“{quiz.title}” cannot be published: its rules cannot be drawn now.", *problems]
            )
    with unit_of_work():
        quiz.published_at = now if published else None


def owned_quiz(quiz_id: int, teacher_id: int) -> Quiz | None:
    """The teacher's own class quiz, or None."""
    return db.session.execute(
        db.select(Quiz)
        .options(selectinload(Quiz.rules), selectinload(Quiz.extra_times))
        .where(Quiz.id == quiz_id, Quiz.owner_id == teacher_id, Quiz.kind == QuizKind.ASSESSMENT)
    ).scalar_one_or_none()


def require_owned_quiz(quiz_id: int, teacher_id: int) -> Quiz:
    """The teacher's class quiz; raises :class:`NotFound` for any other."""
    quiz = owned_quiz(quiz_id, teacher_id)
    if quiz is None:
        raise NotFound("There is no such quiz among yours.")
    return quiz


def quizzes_of_teacher(teacher_id: int) -> list[tuple[Quiz, int]]:
    """The teacher's quizzes, newest first, each with its number of submitted attempts."""
    submitted = (
        db.select(func.count(Attempt.id))
        .where(Attempt.quiz_id == Quiz.id, Attempt.state == AttemptState.SUBMITTED)
        .correlate(Quiz)
        .scalar_subquery()
    )
    rows = db.session.execute(
        db.select(Quiz, submitted)
        .options(joinedload(Quiz.school_class), joinedload(Quiz.article))
        .where(Quiz.owner_id == teacher_id, Quiz.kind == QuizKind.ASSESSMENT)
        .order_by(Quiz.created_at.desc())
    ).all()
    return [(quiz, count) for quiz, count in rows]


def section_question_counts(article_id: int) -> dict[int, dict[int, int]]:
    """Drawable questions per section and difficulty, for the builder's labels."""
    counts: dict[int, dict[int, int]] = {}
    for candidate in live_candidates(article_id):
        by_difficulty = counts.setdefault(candidate.section_id, {})
        by_difficulty[candidate.difficulty] = by_difficulty.get(candidate.difficulty, 0) + 1
    return counts


def parse_extra_time(class_id: int, text: str) -> dict[int, int]:
    """Read "email minutes" lines into {student id: seconds}; raises ``QuizError``."""
    wanted: list[tuple[int, str, str]] = []
    problems: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = line.split()
        if len(parts) != 2 or not parts[1].isdigit() or not 0 < int(parts[1]) <= 24 * 60:
            problems.append(
                f"Extra time, line {number}: write an email and a number of minutes "
                f"(1 to 1440), e.g. sam@example.org 15 — got “{line.strip()}”."
            )
            continue
        wanted.append((number, parts[0].lower(), parts[1]))
    students = dict(
        db.session.execute(
            db.select(User.email, User.id)
            .join(Enrolment, Enrolment.student_id == User.id)
            .where(
                Enrolment.class_id == class_id,
                Enrolment.removed_at.is_(None),
                User.email.in_([email for _, email, _ in wanted]),
            )
        ).all()
    )
    extra: dict[int, int] = {}
    for number, email, minutes in wanted:
        if email not in students:
            problems.append(f"Extra time, line {number}: {email} is not a student of this class.")
        else:
            extra[students[email]] = int(minutes) * 60
    if problems:
        raise QuizError(problems)
    return extra


def quizzes_for_student(student_id: int) -> list[Quiz]:
    """Published assessments of the classes the student is enrolled in, newest first."""
    return list(
        db.session.execute(
            db.select(Quiz)
            .join(Enrolment, Enrolment.class_id == Quiz.class_id)
            .where(
                Enrolment.student_id == student_id,
                Enrolment.removed_at.is_(None),
                Quiz.kind == QuizKind.ASSESSMENT,
                Quiz.published_at.is_not(None),
            )
            .order_by(Quiz.created_at.desc())
        ).scalars()
    )
