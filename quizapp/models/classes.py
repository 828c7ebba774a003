"""Teaching groups: a teacher's class and the students enrolled in it."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from quizapp.clock import utcnow
from quizapp.database import enum_type
from quizapp.extensions import Model
from quizapp.models.users import User


class DeletedStudentData(enum.StrEnum):
    """What a student's attempts in a class become when the student deletes their account.

    ``ANONYMISE``: they stay in the class's reports under "Deleted student <n>";
    ``REMOVE``: they are deleted with the account.
    """

    ANONYMISE = "anonymise"
    REMOVE = "remove"


class SchoolClass(Model):
    """A class run by one teacher; students join it with its join code.

    ``deleted_student_data`` is the teacher's choice of what happens to a student's attempts
    here when the student deletes their account (docs/student-data.md).
    """

    __tablename__ = "classes"
    __table_args__ = (
        # Named by the convention (ck_classes_deleted_student_data), as the migration does.
        CheckConstraint(
            "deleted_student_data IN ('anonymise', 'remove')", name="deleted_student_data"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    teacher_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    join_code: Mapped[str] = mapped_column(String(8), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    deleted_student_data: Mapped[DeletedStudentData] = mapped_column(
        enum_type(DeletedStudentData),
        default=DeletedStudentData.ANONYMISE,
        server_default=DeletedStudentData.ANONYMISE.value,
    )

    teacher: Mapped[User] = relationship()
    enrolments: Mapped[list[Enrolment]] = relationship(
        back_populates="school_class", cascade="all, delete-orphan"
    )


class Enrolment(Model):
    """A student's membership of a class; removal is recorded, attempts are kept."""

    __tablename__ = "enrolments"
    __table_args__ = (UniqueConstraint("class_id", "student_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id", ondelete="CASCADE"))
    student_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    joined_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    removed_at: Mapped[dt.datetime | None]

    school_class: Mapped[SchoolClass] = relationship(back_populates="enrolments")
    student: Mapped[User] = relationship()
