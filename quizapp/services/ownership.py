"""The teacher's own classes and quizzes, for the use cases that read them.

One check per resource: another teacher's class or quiz is reported exactly like a
missing one (:class:`NotFound`), so its existence does not leak.
"""

from __future__ import annotations

from quizapp.models import Quiz, SchoolClass
from quizapp.services.classes import owned_class
from quizapp.services.errors import NotFound
from quizapp.services.quizzes import owned_quiz


def require_owned_class(class_id: int, teacher_id: int) -> SchoolClass:
    """The teacher's class; raises :class:`NotFound` for any other."""
    school_class = owned_class(class_id, teacher_id)
    if school_class is None:
        raise NotFound("There is no such class among yours.")
    return school_class


def require_owned_quiz(quiz_id: int, teacher_id: int) -> Quiz:
    """The teacher's class quiz; raises :class:`NotFound` for any other."""
    quiz = owned_quiz(quiz_id, teacher_id)
    if quiz is None:
        raise NotFound("There is no such quiz among yours.")
    return quiz
