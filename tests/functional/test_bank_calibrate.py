"""``flask bank calibrate``: difficulty from the facility of students' first attempts at
assessments, with a real database, ``--dry-run``, the minimum of first attempts and open
quizzes whose difficulty rules a change would leave short."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask
from flask.testing import FlaskCliRunner

from quizapp.extensions import db
from quizapp.models import Question, QuestionEvent, QuestionEventKind, QuestionVersion, User
from quizapp.models import Quiz as QuizModel
from quizapp.services import attempts as attempt_service
from quizapp.services.quizzes import RuleSpec
from tests.factories import (
    answer,
    correct_answer,
    create_assessment,
    create_class,
    create_student,
    create_teacher,
    enrol,
    items_of,
    load_article,
    section,
    section_rule,
    start,
    wrong_answer,
)

SECTION = "introduction"


@dataclass(frozen=True)
class World:
    quiz_id: int
    class_id: int
    teacher_id: int
    article_id: int
    easy_id: str  # everyone gets it right: calibrates to 1
    hard_id: str  # everyone gets it wrong: calibrates to 3
    hard_difficulty: int


def build_world(app: Flask) -> World:
    """The introduction's questions, a published assessment drawing all of them, and a
    question of difficulty 2 or 3 (to become easy) and one of 1 or 2 (to become hard)."""
    with app.app_context():
        article = load_article([SECTION])
        teacher = create_teacher()
        school_class = create_class(teacher)
        questions = db.session.scalars(
            db.select(Question).where(Question.article_id == article.id).order_by(Question.id)
        ).all()
        # Only the introduction is loaded, so these are all of its questions.
        quiz = create_assessment(
            teacher,
            school_class,
            article,
            rules=[section_rule(article, SECTION, len(questions))],
        )
        easy = next(q for q in questions if q.current_version.difficulty != 1)
        hard = next(q for q in questions if q.current_version.difficulty == 1)
        return World(
            quiz.id,
            school_class.id,
            teacher.id,
            article.id,
            easy.bank_id,
            hard.bank_id,
            hard.current_version.difficulty,
        )


def sit(
    app: Flask,
    world: World,
    first: int,
    count: int,
    *,
    hard_right: bool = False,
    all_wrong: bool = False,
) -> None:
    """Students ``first`` .. ``first + count - 1`` join the class and submit an attempt:
    every answer right but the hard question's (right only when ``hard_right``), or with
    ``all_wrong`` every answer wrong."""
    with app.app_context():
        quiz = db.session.get(QuizModel, world.quiz_id)
        for number in range(first, first + count):
            email = f"student{number}@example.com"
            student = db.session.scalar(db.select(User).where(User.email == email))
            if student is None:
                student = create_student(email, f"Student {number}")
                enrol(student, quiz.school_class)
            attempt = start(quiz, student, seed=number)
            for item in items_of(attempt):
                right = not all_wrong and (hard_right or item.question.id != world.hard_id)
                stored = correct_answer(item.question) if right else wrong_answer(item.question)
                answer(attempt, item.row.position, stored)
            attempt_service.submit_attempt(attempt, now=attempt.started_at)


def difficulty(app: Flask, bank_id: str) -> tuple[int, int]:
    """(current difficulty, current version number) of the question."""
    with app.app_context():
        question = db.session.scalar(db.select(Question).where(Question.bank_id == bank_id))
        return question.current_version.difficulty, question.current_version_number


def test_calibrate_follows_first_attempts_once_there_are_enough(
    app: Flask, runner: FlaskCliRunner
) -> None:
    world = build_world(app)
    easy_before = difficulty(app, world.easy_id)
    hard_before = difficulty(app, world.hard_id)
    sit(app, world, 1, 29)

    too_few = runner.invoke(args=["bank", "calibrate"])

    assert too_few.exit_code == 0, too_few.output
    assert "0 questions changed" in too_few.output
    assert "13 with fewer than 30 first attempts" in too_few.output
    assert difficulty(app, world.easy_id) == easy_before

    sit(app, world, 30, 1)
    # Second attempts do not count: these get the hard question right.
    sit(app, world, 1, 5, hard_right=True)

    dry = runner.invoke(args=["bank", "calibrate", "--dry-run"])

    assert dry.exit_code == 0, dry.output
    assert "Would change:" in dry.output
    assert f"/{world.easy_id}: difficulty {easy_before[0]} → 1 (facility 1.00, n=30)" in dry.output
    assert f"/{world.hard_id}: difficulty 1 → 3 (facility 0.00, n=30)" in dry.output
    assert "Nothing was changed (--dry-run)" in dry.output
    assert difficulty(app, world.easy_id) == easy_before
    assert difficulty(app, world.hard_id) == hard_before

    real = runner.invoke(args=["bank", "calibrate"])

    assert real.exit_code == 0, real.output
    assert "Changed (each a new version):" in real.output
    assert f"/{world.hard_id}: difficulty 1 → 3 (facility 0.00, n=30)" in real.output
    assert difficulty(app, world.easy_id) == (1, easy_before[1] + 1)
    assert difficulty(app, world.hard_id) == (3, hard_before[1] + 1)
    with app.app_context():
        question = db.session.scalar(db.select(Question).where(Question.bank_id == world.hard_id))
        old = db.session.scalar(
            db.select(QuestionVersion).where(
                QuestionVersion.question_id == question.id, QuestionVersion.number == 1
            )
        )
        assert old.difficulty == 1  # attempts drawn with version 1 keep its difficulty
        assert old.prompt == question.current_version.prompt
        edits = db.session.scalars(
            db.select(QuestionEvent).where(
                QuestionEvent.question_id == question.id,
                QuestionEvent.kind == QuestionEventKind.EDIT,
            )
        ).all()
        assert [e.version_number for e in edits] == [2]

    again = runner.invoke(args=["bank", "calibrate"])
    assert "0 questions changed" in again.output
    assert difficulty(app, world.hard_id) == (3, hard_before[1] + 1)


def test_a_change_that_would_leave_an_open_quiz_short_is_refused(
    app: Flask, runner: FlaskCliRunner
) -> None:
    world = build_world(app)
    with app.app_context():
        article_section = section(db.session.get(QuizModel, world.quiz_id).article, SECTION)
        ones = db.session.scalar(
            db.select(db.func.count())
            .select_from(Question)
            .join(
                QuestionVersion,
                (QuestionVersion.question_id == Question.id)
                & (QuestionVersion.number == Question.current_version_number),
            )
            .where(Question.section_id == article_section.id, QuestionVersion.difficulty == 1)
        )
        teacher = db.session.get(User, world.teacher_id)
        quiz = db.session.get(QuizModel, world.quiz_id)
        # Asks for every difficulty-1 question of the section.
        create_assessment(
            teacher,
            quiz.school_class,
            quiz.article,
            title="Easy warm-up",
            rules=[RuleSpec(question_count=ones, section_id=article_section.id, difficulties=[1])],
        )
    # Every question wants difficulty 3; the warm-up needs all its difficulty-1 ones.
    sit(app, world, 1, 30, all_wrong=True)

    result = runner.invoke(args=["bank", "calibrate"])

    assert result.exit_code == 0, result.output
    assert f"/{world.hard_id}: difficulty left at 1, not 3 (facility 0.00, n=30)" in result.output
    assert "“Easy warm-up”" in result.output
    assert "could then no longer draw its questions" in result.output
    assert f"{ones} kept for open quizzes" in result.output
    assert difficulty(app, world.hard_id) == (1, 1)
    # A change that leaves the rule whole still happens.
    with app.app_context():
        medium = db.session.scalars(
            db.select(Question.bank_id)
            .join(QuestionVersion, QuestionVersion.question_id == Question.id)
            .where(QuestionVersion.number == 1, QuestionVersion.difficulty == 2)
        ).all()
    assert medium
    for bank_id in medium:
        assert difficulty(app, bank_id) == (3, 2)
