"""Quizzes: defining them (rules checked against the bank) and listing them for students."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from quizapp.domain.generate import Candidate, DrawRule, check_rules
from quizapp.extensions import db
from quizapp.models import (
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
)


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
    opens_at: dt.datetime | None = None
    closes_at: dt.datetime | None = None
    extra_seconds: dict[int, int] = field(default_factory=dict)


def live_candidates(article_id: int) -> list[Candidate]:
    """Every question of the article a new attempt may draw (retired ones excluded)."""
    rows = db.session.execute(
        db.select(Question.id, Question.section_id, QuestionVersion.difficulty)
        .join(
            QuestionVersion,
            (QuestionVersion.question_id == Question.id)
            & (QuestionVersion.number == Question.current_version_number),
        )
        .where(Question.article_id == article_id, Question.retired_at.is_(None))
        .order_by(Question.id)
    ).all()
    return [Candidate(question_id=q, section_id=s, difficulty=d) for q, s, d in rows]


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


def _article_sections(article_id: int) -> dict[int, Section]:
    return {
        s.id: s
        for s in db.session.execute(
            db.select(Section).where(Section.article_id == article_id)
        ).scalars()
    }


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
    sections = _article_sections(article_id)
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
    if problems:
        raise QuizError(problems)
    quiz = Quiz(
        title=title.strip(),
        kind=kind,
        article_id=article_id,
        class_id=class_id,
        owner_id=owner_id,
        time_limit_seconds=settings.time_limit_seconds,
        attempts_allowed=settings.attempts_allowed,
        grading_method=settings.grading_method,
        feedback_timing=settings.feedback_timing,
        shuffle_choices=settings.shuffle_choices,
        opens_at=settings.opens_at,
        closes_at=settings.closes_at,
        published_at=now if publish else None,
        created_at=now,
        updated_at=now,
        rules=[
            QuizRule(
                position=position,
                section_id=rule.section_id,
                question_count=rule.question_count,
                difficulties=sorted(rule.difficulties),
            )
            for position, rule in enumerate(rules)
        ],
    )
    quiz.extra_times = [
        ExtraTime(student_id=student_id, extra_seconds=seconds)
        for student_id, seconds in settings.extra_seconds.items()
    ]
    db.session.add(quiz)
    db.session.commit()
    return quiz


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
