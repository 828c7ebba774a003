"""Classes: creating them and joining them with a code."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy.orm import joinedload

from quizapp.extensions import db
from quizapp.models import Enrolment, Quiz, SchoolClass, User
from quizapp.services.concurrent_writes import dialect_insert
from quizapp.services.errors import NotFound
from quizapp.services.quizzes import quizzes_of_teacher
from quizapp.services.unit_of_work import unit_of_work

# No 0/O, 1/I/L: a code read aloud or copied from a board is typed right the first time.
JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 8
_system_random = random.SystemRandom()


class ClassError(ValueError):
    """Why a class action cannot be done, worded for the person trying it."""


def normalise_join_code(code: str) -> str:
    """Codes are typed case-insensitively, with or without spaces and dashes."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def new_join_code(rng: random.Random = _system_random) -> str:
    """A random code from the unambiguous alphabet."""
    return "".join(rng.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def _unused_join_code() -> str:
    code = new_join_code()
    while db.session.execute(
        db.select(SchoolClass.id).where(SchoolClass.join_code == code)
    ).first():
        code = new_join_code()
    return code


def create_class(teacher: User, name: str, *, now: dt.datetime) -> SchoolClass:
    """A new class for ``teacher`` with a fresh, unused join code."""
    name = name.strip()
    if not name:
        raise ClassError("the class name is empty")
    code = _unused_join_code()
    school_class = SchoolClass(name=name, teacher_id=teacher.id, join_code=code, created_at=now)
    with unit_of_work() as session:
        session.add(school_class)
    return school_class


def join_class(student: User, code: str, *, now: dt.datetime) -> SchoolClass:
    """Enrol ``student`` in the class with ``code``; joining twice is harmless."""
    return enrol_with_code(student.id, code, now=now)


def enrol_with_code(student_id: int, code: str, *, now: dt.datetime) -> SchoolClass:
    """Enrol the student in the class with ``code``; joining twice is harmless."""
    normalised = normalise_join_code(code)
    if len(normalised) != JOIN_CODE_LENGTH:
        raise ClassError(f"A class code has {JOIN_CODE_LENGTH} letters and digits.")
    school_class = db.session.execute(
        db.select(SchoolClass).where(SchoolClass.join_code == normalised)
    ).scalar_one_or_none()
    if school_class is None:
        raise ClassError(f"No class has the code {normalised}. Check it with your teacher.")
    enrolment = db.session.execute(
        db.select(Enrolment).where(
            Enrolment.class_id == school_class.id, Enrolment.student_id == student_id
        )
    ).scalar_one_or_none()
    if enrolment is not None and enrolment.removed_at is not None:
        raise ClassError(
            f"Your teacher removed you from {school_class.name}; ask them to add you again."
        )
    if enrolment is None:
        # A double-clicked Join sends two of these at once: both found no enrolment, and
        # the second INSERT meets the unique (class, student) pair. DO NOTHING makes it
        # what one click gives: the student is in the class, and both requests say so.
        with unit_of_work() as session:
            session.execute(
                dialect_insert(Enrolment)
                .values(class_id=school_class.id, student_id=student_id, joined_at=now)
                .on_conflict_do_nothing(index_elements=["class_id", "student_id"])
            )
    return school_class


def classes_of(student_id: int) -> list[SchoolClass]:
    """The classes a student is currently enrolled in, by name."""
    return list(
        db.session.execute(
            db.select(SchoolClass)
            .options(joinedload(SchoolClass.teacher))
            .join(Enrolment, Enrolment.class_id == SchoolClass.id)
            .where(Enrolment.student_id == student_id, Enrolment.removed_at.is_(None))
            .order_by(SchoolClass.name)
        ).scalars()
    )


def owned_class(class_id: int, teacher_id: int) -> SchoolClass | None:
    """The teacher's own class, or None (another teacher's class does not exist for them)."""
    return db.session.execute(
        db.select(SchoolClass).where(
            SchoolClass.id == class_id, SchoolClass.teacher_id == teacher_id
        )
    ).scalar_one_or_none()


def require_owned_class(class_id: int, teacher_id: int) -> SchoolClass:
    """The teacher's class; raises :class:`NotFound` for any other (its existence never leaks)."""
    school_class = owned_class(class_id, teacher_id)
    if school_class is None:
        raise NotFound("There is no such class among yours.")
    return school_class


def classes_taught_by(teacher_id: int) -> list[tuple[SchoolClass, int]]:
    """The teacher's classes by name, each with its number of current students."""
    student_count = (
        db.select(func.count(Enrolment.id))
        .where(Enrolment.class_id == SchoolClass.id, Enrolment.removed_at.is_(None))
        .correlate(SchoolClass)
        .scalar_subquery()
    )
    rows = db.session.execute(
        db.select(SchoolClass, student_count)
        .where(SchoolClass.teacher_id == teacher_id)
        .order_by(SchoolClass.name)
    ).all()
    return [(school_class, count) for school_class, count in rows]


def regenerate_join_code(school_class: SchoolClass) -> str:
    """Give the class a new code; the old one stops working (e.g. after it leaked)."""
    with unit_of_work():
        code = _unused_join_code()
        school_class.join_code = code
    return code


def roster(class_id: int) -> list[Enrolment]:
    """Everyone ever enrolled, current students first, each with the student loaded."""
    return list(
        db.session.execute(
            db.select(Enrolment)
            .options(joinedload(Enrolment.student))
            .join(User, User.id == Enrolment.student_id)
            .where(Enrolment.class_id == class_id)
            .order_by(Enrolment.removed_at.is_not(None), User.name, User.email)
        ).scalars()
    )


def remove_student(school_class: SchoolClass, student_id: int, *, now: dt.datetime) -> None:
    """Take a student off the roster; their attempts and grades are kept."""
    enrolment = db.session.execute(
        db.select(Enrolment).where(
            Enrolment.class_id == school_class.id,
            Enrolment.student_id == student_id,
            Enrolment.removed_at.is_(None),
        )
    ).scalar_one_or_none()
    if enrolment is None:
        raise ClassError("That student is not in this class.")
    with unit_of_work():
        enrolment.removed_at = now


def readmit_student(school_class: SchoolClass, student_id: int) -> None:
    """Undo a removal: the student is on the roster again with their history."""
    enrolment = db.session.execute(
        db.select(Enrolment).where(
            Enrolment.class_id == school_class.id, Enrolment.student_id == student_id
        )
    ).scalar_one_or_none()
    if enrolment is None:
        raise ClassError("That student was never in this class.")
    with unit_of_work():
        enrolment.removed_at = None


# ------------------------------------------------------------------- the teacher's pages
# Each takes the teacher's id and checks the class is theirs before using it: another
# teacher's class is a 404 (``NotFound``), never a 403, so nothing leaks.


@dataclass(frozen=True)
class TeacherDashboard:
    """The teacher's classes (with student counts) and quizzes (with submitted counts)."""

    classes: list[tuple[SchoolClass, int]]
    quizzes: list[tuple[Quiz, int]]


@dataclass(frozen=True)
class ClassPage:
    """A class's join code and roster (everyone ever enrolled, current students first)."""

    school_class: SchoolClass
    enrolments: list[Enrolment]


@dataclass(frozen=True)
class NewClass:
    """A class just created: the code to give out."""

    id: int
    name: str
    join_code: str


def teacher_dashboard(teacher_id: int) -> TeacherDashboard:
    """Classes and quizzes at a glance."""
    return TeacherDashboard(classes_taught_by(teacher_id), quizzes_of_teacher(teacher_id))


def create_class_for(teacher_id: int, name: str, *, now: dt.datetime) -> NewClass:
    """A new class for the teacher with a fresh join code; raises ``ClassError``."""
    name = name.strip()
    if not name:
        raise ClassError("the class name is empty")
    school_class = SchoolClass(
        name=name, teacher_id=teacher_id, join_code=_unused_join_code(), created_at=now
    )
    with unit_of_work() as session:
        session.add(school_class)
        session.flush()
        return NewClass(school_class.id, school_class.name, school_class.join_code)


def class_page(teacher_id: int, class_id: int) -> ClassPage:
    """The teacher's class with its roster."""
    school_class = require_owned_class(class_id, teacher_id)
    return ClassPage(school_class, roster(school_class.id))


def replace_join_code(teacher_id: int, class_id: int, confirmed: bool) -> str | None:
    """Give the teacher's class a new join code (None when not ``confirmed``)."""
    school_class = require_owned_class(class_id, teacher_id)
    return regenerate_join_code(school_class) if confirmed else None


def change_enrolment(
    teacher_id: int,
    class_id: int,
    student_id: int,
    *,
    remove: bool,
    confirmed: bool,
    now: dt.datetime,
) -> str | None:
    """Remove a student from the teacher's class, or readmit one; says what went wrong.

    Nothing changes unless ``confirmed``; the class must be the teacher's either way.
    """
    school_class = require_owned_class(class_id, teacher_id)
    if not confirmed:
        return None
    try:
        if remove:
            remove_student(school_class, student_id, now=now)
        else:
            readmit_student(school_class, student_id)
    except ClassError as error:
        return str(error)
    return None
