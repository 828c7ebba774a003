"""A small school for the student-data tests: a student in two classes with different
choices for a deleted student's attempts, practice of her own, and a classmate."""

from __future__ import annotations

import random
from dataclasses import dataclass

from sqlalchemy import func, select

from quizapp.extensions import db
from quizapp.models import DeletedStudentData, User
from quizapp.services.attempts import submit_attempt
from quizapp.services.practice import start_practice
from tests.factories import (
    ECONOMY,
    GRACE,
    NOW,
    answer,
    correct_answer,
    create_assessment,
    create_class,
    create_student,
    create_teacher,
    enrol,
    items_of,
    load_article,
    section_rule,
    submitted_attempt_for,
)


@dataclass(frozen=True)
class StudentDataWorld:
    """Ids: Grace teaches History (keeps a deleted student's attempts, anonymised) and
    Economics (deletes them); Alan teaches a class of his own. Ada is in History and
    Economics, has a submitted attempt at each class's quiz and a submitted practice
    attempt, extra time on the Economics quiz; Bob is in History with an attempt."""

    teacher_id: int
    other_teacher_id: int
    keep_class_id: int
    remove_class_id: int
    other_class_id: int
    keep_quiz_id: int
    remove_quiz_id: int
    ada_id: int
    bob_id: int
    ada_keep_attempt_id: int
    ada_remove_attempt_id: int
    ada_practice_attempt_id: int
    ada_practice_quiz_id: int
    bob_attempt_id: int


def build_student_data_world() -> StudentDataWorld:
    """Create the :class:`StudentDataWorld` (inside an application context)."""
    article = load_article((ECONOMY,))
    teacher = create_teacher()
    other_teacher = create_teacher("alan@example.com", "Alan Turing")
    keep_class = create_class(teacher, "History 10B")
    remove_class = create_class(teacher, "Economics 11")
    remove_class.deleted_student_data = DeletedStudentData.REMOVE
    other_class = create_class(other_teacher, "Physics 9")
    db.session.commit()
    ada = create_student("ada@example.com", "Ada Lovelace")
    bob = create_student("bob@example.com", "Bob Student")
    for student, school_class in ((ada, keep_class), (ada, remove_class), (bob, keep_class)):
        enrol(student, school_class)
    rules = [section_rule(article, ECONOMY, 2)]
    keep_quiz = create_assessment(teacher, keep_class, article, rules=rules, title="Economy check")
    remove_quiz = create_assessment(
        teacher,
        remove_class,
        article,
        rules=rules,
        title="=Trade quiz",  # a formula-like title: the CSV must defuse it
        extra_seconds={ada.id: 120},
    )
    ada_keep = submitted_attempt_for(keep_quiz, ada, right=1)
    ada_remove = submitted_attempt_for(remove_quiz, ada, right=2)
    practice = start_practice(
        ada.id,
        article_id=article.id,
        section_id=None,
        question_count=2,
        now=NOW,
        grace=GRACE,
        rng=random.Random(3),
    )
    answer(practice, 1, correct_answer(items_of(practice)[0].question))
    submit_attempt(practice, now=NOW)
    bob_attempt = submitted_attempt_for(keep_quiz, bob, right=2)
    return StudentDataWorld(
        teacher_id=teacher.id,
        other_teacher_id=other_teacher.id,
        keep_class_id=keep_class.id,
        remove_class_id=remove_class.id,
        other_class_id=other_class.id,
        keep_quiz_id=keep_quiz.id,
        remove_quiz_id=remove_quiz.id,
        ada_id=ada.id,
        bob_id=bob.id,
        ada_keep_attempt_id=ada_keep.id,
        ada_remove_attempt_id=ada_remove.id,
        ada_practice_attempt_id=practice.id,
        ada_practice_quiz_id=practice.quiz_id,
        bob_attempt_id=bob_attempt.id,
    )


def dangling_references() -> dict[str, int]:
    """Rows whose foreign key names a row that does not exist, per ``table.column``.

    Every foreign key of the schema is checked, so a table added later that points at
    users (or anything else) is covered too. Empty when the database is consistent.
    """
    found = {}
    for table in db.metadata.sorted_tables:
        for key in table.foreign_keys:
            column, target = key.parent, key.column
            count = db.session.scalar(
                select(func.count())
                .select_from(table)
                .where(column.is_not(None), column.not_in(select(target)))
            )
            if count:
                found[f"{table.name}.{column.name}"] = count
    return found


def user_row(user_id: int) -> User | None:
    """The account's row as stored now (nothing cached)."""
    db.session.expire_all()
    return db.session.get(User, user_id)
