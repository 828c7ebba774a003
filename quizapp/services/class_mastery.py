"""Class insight: each current student's mastery of each section (the heatmap page)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func

from quizapp.extensions import db
from quizapp.models import Question, ReviewCard, SchoolClass, Section
from quizapp.services.articles import live_question_counts
from quizapp.services.classes import require_owned_class
from quizapp.services.gradebook import (
    ClassRef,
    Paging,
    StudentRef,
    current_student_refs,
    paging,
)


@dataclass(frozen=True)
class SectionRef:
    """A section as a column of the heatmap."""

    id: int
    slug: str
    title: str


@dataclass(frozen=True)
class MasteryGrid:
    """Students x sections mastery for one class (the heatmap and its table)."""

    sections: list[SectionRef]
    rows: list[tuple[StudentRef, list[float]]]
    paging: Paging


@dataclass(frozen=True)
class MasteryPage:
    """The mastery page: the class and its grid."""

    school_class: ClassRef
    grid: MasteryGrid


def class_mastery_page(class_id: int, *, teacher_id: int, page: int = 1) -> MasteryPage:
    """The mastery page's use case: the teacher's class (else :class:`NotFound`) and grid.

    Shows one page of ``STUDENTS_PER_PAGE`` students, by name.
    """
    school_class = require_owned_class(class_id, teacher_id)
    return MasteryPage(
        school_class=ClassRef(id=school_class.id, name=school_class.name),
        grid=class_mastery(school_class, page=page),
    )


def class_mastery(school_class: SchoolClass, *, page: int | None = None) -> MasteryGrid:
    """Mean latest grade per section for each current student, unseen counting 0.

    Only sections with questions a quiz can draw are shown; retired questions count no more.
    ``page`` (1-based) keeps one page of ``STUDENTS_PER_PAGE`` students by name; None keeps
    every student.
    """
    everyone = current_student_refs(school_class.id)
    shown = paging(len(everyone), page)
    students = everyone[shown.first - 1 : shown.last]
    counts = live_question_counts()
    question_counts = dict(
        db.session.execute(db.select(counts.c.section_id, counts.c.question_count)).all()
    )
    sections = [
        SectionRef(id=section_id, slug=slug, title=title)
        for section_id, slug, title in db.session.execute(
            db.select(Section.id, Section.slug, Section.title).order_by(
                Section.article_id, Section.position
            )
        )
        if question_counts.get(section_id)
    ]
    sums: dict[tuple[int, int], float] = {}
    if students:
        for student_id, section_id, total in db.session.execute(
            db.select(
                ReviewCard.student_id, Question.section_id, func.sum(ReviewCard.last_fraction)
            )
            .join(Question, Question.id == ReviewCard.question_id)
            .where(
                ReviewCard.student_id.in_([s.id for s in students]),
                Question.retired_at.is_(None),
            )
            .group_by(ReviewCard.student_id, Question.section_id)
        ):
            sums[(student_id, section_id)] = float(total or 0.0)
    rows = [
        (
            student,
            [round(sums.get((student.id, s.id), 0.0) / question_counts[s.id], 9) for s in sections],
        )
        for student in students
    ]
    return MasteryGrid(sections, rows, shown)
