"""Classes: creating them and joining them with a code."""

from __future__ import annotations

import datetime as dt
import random

from quizapp.extensions import db
from quizapp.models import Enrolment, SchoolClass, User

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


def create_class(teacher: User, name: str, *, now: dt.datetime) -> SchoolClass:
    """A new class for ``teacher`` with a fresh, unused join code."""
    name = name.strip()
    if not name:
        raise ClassError("the class name is empty")
    code = new_join_code()
    while db.session.execute(
        db.select(SchoolClass.id).where(SchoolClass.join_code == code)
    ).first():
        code = new_join_code()
    school_class = SchoolClass(name=name, teacher_id=teacher.id, join_code=code, created_at=now)
    db.session.add(school_class)
    db.session.commit()
    return school_class


def join_class(student: User, code: str, *, now: dt.datetime) -> SchoolClass:
    """Enrol ``student`` in the class with ``code``; joining twice is harmless."""
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
            Enrolment.class_id == school_class.id, Enrolment.student_id == student.id
        )
    ).scalar_one_or_none()
    if enrolment is not None and enrolment.removed_at is not None:
        raise ClassError(
            f"Your teacher removed you from {school_class.name}; ask them to add you again."
        )
    if enrolment is None:
        db.session.add(Enrolment(class_id=school_class.id, student_id=student.id, joined_at=now))
        db.session.commit()
    return school_class


def classes_of(student_id: int) -> list[SchoolClass]:
    """The classes a student is currently enrolled in, by name."""
    return list(
        db.session.execute(
            db.select(SchoolClass)
            .join(Enrolment, Enrolment.class_id == SchoolClass.id)
            .where(Enrolment.student_id == student_id, Enrolment.removed_at.is_(None))
            .order_by(SchoolClass.name)
        ).scalars()
    )
