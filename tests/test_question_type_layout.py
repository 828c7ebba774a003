"""Where question types live: each in its own modules, named together only by the registry.

A change to one type (its grading, its answer encoding, its GIFT form) should land in that
type's files. This test keeps per-type tables from spreading again: a product file that
names five or more of the types is a table of types, and only the registry may be one.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from quizapp.domain.question_types import QUESTION_TYPES

PACKAGE = Path(__file__).resolve().parent.parent / "quizapp"
# The registry names every type by design; nothing else may.
ALLOWED = {"domain/question_types/__init__.py"}
LIMIT = 5


def types_named(text: str) -> list[str]:
    """The registered types a text names: by class name (or a name built on it, like a
    form class) or by the bank's type name in quotes."""
    return [
        name
        for name, cls in QUESTION_TYPES.items()
        if re.search(rf"\b{cls.__name__}", text) or re.search(rf"""["']{name}["']""", text)
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("class SingleChoiceForm(QuestionForm):", ["single"]),
        ('type_name = "true_false"', ["true_false"]),
        ("{% if kind == 'ordering' %}", ["ordering"]),
        ("a single question, multiple times, in short", []),
        ("Numeric(id='n') and Matching(pairs=())", ["numeric", "matching"]),
    ],
)
def test_types_named_recognises_class_and_type_names(text: str, expected: list[str]) -> None:
    assert types_named(text) == expected


def test_only_the_registry_names_five_or_more_question_types() -> None:
    offenders = {}
    for path in sorted(PACKAGE.rglob("*")):
        if path.suffix not in {".py", ".html", ".js"}:
            continue
        relative = path.relative_to(PACKAGE).as_posix()
        named = types_named(path.read_text(encoding="utf-8"))
        if len(named) >= LIMIT and relative not in ALLOWED:
            offenders[relative] = named
    assert offenders == {}


@pytest.mark.parametrize("type_name", sorted(QUESTION_TYPES))
def test_every_type_has_its_module_form_and_template(type_name: str) -> None:
    assert (PACKAGE / "domain" / "question_types" / f"{type_name}.py").is_file()
    assert (PACKAGE / "teacher" / "question_forms" / f"{type_name}.py").is_file()
    template = (PACKAGE / "templates" / "question_types" / f"{type_name}.html").read_text()
    assert "{% macro input(" in template
    assert "{% macro fields(" in template
