"""The question types, one module each, and the registry built from them.

``QUESTION_TYPES`` maps the bank's type name to its class, in the order forms list them.
Everything that depends on the type asks the class (see ``base.Question``) or looks it up
here; adding a type is one module plus a line below (docs/adding-a-question-type.md).
"""

from __future__ import annotations

from types import MappingProxyType

from quizapp.domain.question_types.answer_fields import AnswerRejected
from quizapp.domain.question_types.base import FieldProblem, Question, QuestionInvalid
from quizapp.domain.question_types.choices import Choice, ChoiceQuestion
from quizapp.domain.question_types.matching import Matching, Pair
from quizapp.domain.question_types.multiple import MultipleChoice
from quizapp.domain.question_types.numeric import Numeric, parse_number
from quizapp.domain.question_types.ordering import Ordering
from quizapp.domain.question_types.short import ShortAnswer
from quizapp.domain.question_types.single import SingleChoice
from quizapp.domain.question_types.true_false import TrueFalse

__all__ = [
    "QUESTION_TYPES",
    "AnswerRejected",
    "Choice",
    "ChoiceQuestion",
    "FieldProblem",
    "Matching",
    "MultipleChoice",
    "Numeric",
    "Ordering",
    "Pair",
    "Question",
    "QuestionInvalid",
    "ShortAnswer",
    "SingleChoice",
    "TrueFalse",
    "UnknownQuestionType",
    "build_registry",
    "parse_number",
    "question_type",
]

_CLASSES: tuple[type[Question], ...] = (
    SingleChoice,
    MultipleChoice,
    TrueFalse,
    ShortAnswer,
    Numeric,
    Matching,
    Ordering,
)


def build_registry(classes: tuple[type[Question], ...]) -> dict[str, type[Question]]:
    """Map each class's ``type_name`` to it; a name used twice is a ValueError."""
    registry: dict[str, type[Question]] = {}
    for cls in classes:
        if cls.type_name in registry:
            raise ValueError(f"question type {cls.type_name!r} is registered twice")
        registry[cls.type_name] = cls
    return registry


QUESTION_TYPES: MappingProxyType[str, type[Question]] = MappingProxyType(build_registry(_CLASSES))


class UnknownQuestionType(LookupError):
    """A type name that is not registered; the message lists the known ones."""

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(
            f"unknown question type {name!r}; known types: {', '.join(QUESTION_TYPES)}"
        )


def question_type(name: str) -> type[Question]:
    """The class registered under ``name``; raises :class:`UnknownQuestionType`."""
    try:
        return QUESTION_TYPES[name]
    except KeyError:
        raise UnknownQuestionType(name) from None
