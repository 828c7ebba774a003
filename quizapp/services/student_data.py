"""A student's own data: the "Your data" page and its downloads (JSON and CSV).

Everything is read for the signed-in student's id only, in a fixed number of queries.
What deleting the account does is in ``student_deletion.py``; docs/student-data.md says
what each file holds.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, func

from quizapp.domain.answers import describe_answer
from quizapp.domain.questions import Question as DomainQuestion
from quizapp.extensions import db
from quizapp.models import (
    Article,
    Attempt,
    AttemptQuestion,
    DeletedStudentData,
    Enrolment,
    Question,
    QuestionVersion,
    Quiz,
    Response,
    ReviewCard,
    SchoolClass,
    Section,
    User,
)
from quizapp.services.errors import NotFound
from quizapp.services.progress import student_progress
from quizapp.services.questions import version_to_domain
from quizapp.services.spreadsheets import Cell, Download, Table, download

# What each class's choice means for the student, as the "Your data" page says it.
POLICY_WORDS = {
    DeletedStudentData.ANONYMISE: 'kept in your teacher\'s reports as "Deleted student"',
    DeletedStudentData.REMOVE: "deleted",
}

CSV_HEADER = (
    "Quiz",
    "Class",
    "Attempt",
    "State",
    "Started at (UTC)",
    "Submitted at (UTC)",
    "Score",
    "Out of",
    "Question",
    "Prompt",
    "Type",
    "Your answer",
    "Fraction",
    "Mark",
    "Points",
    "Saved at (UTC)",
)


@dataclass(frozen=True)
class ClassData:
    """One of the student's classes on the "Your data" page, with its teacher's choice."""

    name: str
    teacher: str
    attempts: int
    deleted_student_data: DeletedStudentData
    on_deletion: str


@dataclass(frozen=True)
class StudentDataPage:
    """The account, each class with what deletion does there, and attempts outside classes."""

    name: str
    email: str
    created_at: dt.datetime
    classes: tuple[ClassData, ...]
    attempts_outside_classes: int


def require_student(student_id: int) -> User:
    """The student's account; :class:`NotFound` for a missing, deleted or non-student one."""
    student = db.session.get(User, student_id)
    if student is None or not student.is_student or student.deleted_at is not None:
        raise NotFound("There is no such student account.")
    return student


def student_data_page(student_id: int) -> StudentDataPage:
    """What the "Your data" page shows (2 queries after the account)."""
    student = require_student(student_id)
    counts: dict[int | None, int] = {
        class_id: count
        for class_id, count in db.session.execute(
            db.select(Quiz.class_id, func.count(Attempt.id))
            .join(Quiz, Quiz.id == Attempt.quiz_id)
            .where(Attempt.student_id == student_id)
            .group_by(Quiz.class_id)
        )
    }
    classes = db.session.execute(
        db.select(SchoolClass.id, SchoolClass.name, User.name, SchoolClass.deleted_student_data)
        .join(User, User.id == SchoolClass.teacher_id)
        .where(
            SchoolClass.id.in_(
                db.select(Enrolment.class_id).where(Enrolment.student_id == student_id)
            )
            | SchoolClass.id.in_([class_id for class_id in counts if class_id is not None])
        )
        .order_by(SchoolClass.name, SchoolClass.id)
    ).all()
    return StudentDataPage(
        name=student.name,
        email=student.email,
        created_at=student.created_at,
        classes=tuple(
            ClassData(name, teacher, counts.get(class_id, 0), policy, POLICY_WORDS[policy])
            for class_id, name, teacher, policy in classes
        ),
        attempts_outside_classes=counts.get(None, 0),
    )


# ----------------------------------------------------------------------------- downloads


@dataclass(frozen=True)
class _AnswerRow:
    """One drawn question of one attempt, with the student's response (if any)."""

    attempt_id: int
    attempt: dict[str, Any]
    position: int
    prompt: str
    type: str
    answer: str
    answered: bool
    fraction: float | None
    points: float
    saved_at: dt.datetime | None


def _iso(value: dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _answer_rows(student_id: int) -> list[_AnswerRow]:
    """Every question drawn in the student's attempts, oldest attempt first (1 query)."""
    rows = db.session.execute(
        db.select(
            Attempt.id,
            Attempt.number,
            Attempt.state,
            Attempt.started_at,
            Attempt.submitted_at,
            Attempt.score,
            Attempt.max_score,
            Quiz.title,
            Quiz.kind,
            SchoolClass.name,
            AttemptQuestion.position,
            Question.bank_id,
            QuestionVersion,
            Response.answer,
            Response.fraction,
            Response.saved_at,
        )
        .join(Quiz, Quiz.id == Attempt.quiz_id)
        .outerjoin(SchoolClass, SchoolClass.id == Quiz.class_id)
        .join(AttemptQuestion, AttemptQuestion.attempt_id == Attempt.id)
        .join(QuestionVersion, QuestionVersion.id == AttemptQuestion.question_version_id)
        .join(Question, Question.id == QuestionVersion.question_id)
        .outerjoin(Response, Response.attempt_question_id == AttemptQuestion.id)
        .where(Attempt.student_id == student_id)
        .order_by(Attempt.started_at, Attempt.id, AttemptQuestion.position)
    ).all()
    questions: dict[int, DomainQuestion] = {}
    attempts: dict[int, dict[str, Any]] = {}
    answers = []
    for row in rows:
        version: QuestionVersion = row.QuestionVersion
        if version.id not in questions:
            questions[version.id] = version_to_domain(version, row.bank_id)
        attempt = attempts.setdefault(
            row.id,
            {
                "quiz": row.title,
                "kind": row.kind.value,
                "class": row.name,
                "number": row.number,
                "state": row.state.value,
                "started_at": row.started_at,
                "submitted_at": row.submitted_at,
                "score": row.score,
                "max_score": row.max_score,
            },
        )
        answers.append(
            _AnswerRow(
                attempt_id=row.id,
                attempt=attempt,
                position=row.position,
                prompt=version.prompt,
                type=version.type,
                answer=describe_answer(questions[version.id], row.answer),
                answered=row.answer is not None,
                fraction=row.fraction,
                points=version.points,
                saved_at=row.saved_at,
            )
        )
    return answers


def _mark(row: _AnswerRow) -> float | None:
    return None if row.fraction is None else row.fraction * row.points


def _attempts_json(answers: Sequence[_AnswerRow]) -> list[dict[str, Any]]:
    by_attempt: dict[int, dict[str, Any]] = {}
    for row in answers:
        attempt = by_attempt.setdefault(
            row.attempt_id,
            {
                **row.attempt,
                "started_at": _iso(row.attempt["started_at"]),
                "submitted_at": _iso(row.attempt["submitted_at"]),
                "questions": [],
            },
        )
        attempt["questions"].append(
            {
                "position": row.position,
                "prompt": row.prompt,
                "type": row.type,
                "answer": row.answer,
                "answered": row.answered,
                "fraction": row.fraction,
                "mark": _mark(row),
                "points": row.points,
                "saved_at": _iso(row.saved_at),
            }
        )
    return list(by_attempt.values())


def _review_cards(student_id: int) -> list[dict[str, Any]]:
    """The student's practice review cards, with the question's current prompt (1 query)."""
    rows = db.session.execute(
        db.select(ReviewCard, QuestionVersion.prompt, Section.title, Article.title)
        .join(Question, Question.id == ReviewCard.question_id)
        .join(
            QuestionVersion,
            and_(
                QuestionVersion.question_id == Question.id,
                QuestionVersion.number == Question.current_version_number,
            ),
        )
        .join(Section, Section.id == Question.section_id)
        .join(Article, Article.id == Question.article_id)
        .where(ReviewCard.student_id == student_id)
        .order_by(ReviewCard.due_at, ReviewCard.id)
    ).all()
    return [
        {
            "article": article,
            "section": section,
            "prompt": prompt,
            "due_at": _iso(card.due_at),
            "reviews": card.review_count,
            "last_reviewed_at": _iso(card.last_review_at),
            "last_fraction": card.last_fraction,
        }
        for card, prompt, section, article in rows
    ]


def _classes_json(student_id: int) -> list[dict[str, Any]]:
    rows = db.session.execute(
        db.select(SchoolClass.name, User.name, Enrolment.joined_at, Enrolment.removed_at)
        .join(SchoolClass, SchoolClass.id == Enrolment.class_id)
        .join(User, User.id == SchoolClass.teacher_id)
        .where(Enrolment.student_id == student_id)
        .order_by(Enrolment.joined_at, Enrolment.id)
    ).all()
    return [
        {"name": name, "teacher": teacher, "joined_at": _iso(joined), "left_at": _iso(left)}
        for name, teacher, joined, left in rows
    ]


def student_data_json(student_id: int, *, now: dt.datetime) -> Download:
    """Everything QuizApp holds about the student, as one JSON file."""
    student = require_student(student_id)
    progress = [
        {
            "article": article.article.title,
            "section": section.section.title,
            "questions": section.question_count,
            "answered": section.answered,
            "due": section.due,
            "mastery": section.mastery,
        }
        for article in student_progress(student_id, now=now)
        for section in article.sections
    ]
    data = {
        "exported_at": now.isoformat(),
        "account": {
            "name": student.name,
            "email": student.email,
            "created_at": _iso(student.created_at),
        },
        "classes": _classes_json(student_id),
        "attempts": _attempts_json(_answer_rows(student_id)),
        "progress": progress,
        "review_cards": _review_cards(student_id),
    }
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    return Download(f"quizapp-data-{now:%Y-%m-%d}.json", "application/json", text.encode())


def student_answers_csv(student_id: int, *, now: dt.datetime) -> Download:
    """The student's answers as CSV, one row per response (written as the teachers'
    downloads are: numbers as numbers, formula-like text defused)."""
    require_student(student_id)
    rows: list[list[Cell]] = []
    for row in _answer_rows(student_id):
        if row.saved_at is None:
            continue  # drawn but never answered or submitted: no response
        attempt = row.attempt
        rows.append(
            [
                attempt["quiz"],
                attempt["class"],
                attempt["number"],
                attempt["state"],
                attempt["started_at"],
                attempt["submitted_at"],
                attempt["score"],
                attempt["max_score"],
                row.position,
                row.prompt,
                row.type,
                row.answer,
                row.fraction,
                _mark(row),
                row.points,
                row.saved_at,
            ]
        )
    table = Table("Your answers", CSV_HEADER, rows)
    return download(table, f"quizapp-answers-{now:%Y-%m-%d}", "csv")
