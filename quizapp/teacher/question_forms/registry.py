"""One form class per question type, found by the type's name.

Each type's form lives in ``quizapp.teacher.question_forms.<type name>``, beside the
type's template ``templates/question_types/<type name>.html``; the registry is built from
the domain's registry, so a type without a form fails at start-up, saying which.
"""

from __future__ import annotations

from importlib import import_module
from types import MappingProxyType

from quizapp.domain.question_types import QUESTION_TYPES
from quizapp.teacher.question_forms.base import QuestionForm

__all__ = ["QUESTION_FORMS", "TYPE_LABELS", "form_for_type"]


def _form_class(type_name: str) -> type[QuestionForm]:
    module_name = f"{__package__}.{type_name}"
    try:
        module = import_module(module_name)
    except ModuleNotFoundError as error:
        raise LookupError(
            f"question type {type_name!r} has no form: add the module {module_name}"
        ) from error
    forms = [
        value
        for value in vars(module).values()
        if isinstance(value, type)
        and issubclass(value, QuestionForm)
        and value.__module__ == module_name
    ]
    if len(forms) != 1 or forms[0].type_name != type_name:
        raise LookupError(f"{module_name} must define one form class for {type_name!r}")
    return forms[0]


QUESTION_FORMS: MappingProxyType[str, type[QuestionForm]] = MappingProxyType(
    {name: _form_class(name) for name in QUESTION_TYPES}
)
# How the type select and the bank browser name each type, in the registry's order.
TYPE_LABELS: MappingProxyType[str, str] = MappingProxyType(
    {name: form.type_label for name, form in QUESTION_FORMS.items()}
)


def form_for_type(type_name: str) -> type[QuestionForm]:
    """The form class for ``type_name``; LookupError naming the type when there is none."""
    try:
        return QUESTION_FORMS[type_name]
    except KeyError:
        raise LookupError(f"no form for question type {type_name!r}") from None
