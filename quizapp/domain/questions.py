"""Building questions from bank mappings: the common fields, then the type's own.

The question types themselves live in ``quizapp.domain.question_types``, one module each;
this module checks what every question has (id, type, prompt, evidence, explanation,
difficulty, points, tags), looks the type up in the registry and lets the type check the
rest. The names most code needs are re-exported here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from quizapp.domain.media import image_problems, texts_with_paths
from quizapp.domain.question_types import (
    QUESTION_TYPES,
    UnknownQuestionType,
    question_type,
)
from quizapp.domain.question_types.base import (
    COMMON_FIELDS,
    Checker,
    FieldProblem,
    Question,
    QuestionInvalid,
    kind_of,
)

__all__ = [
    "QUESTION_TYPES",
    "FieldProblem",
    "Question",
    "QuestionInvalid",
    "question_from_mapping",
]

_ID = re.compile(r"[a-z0-9-]+")
# Anything that could open an HTML tag, comment or doctype; "a < b" stays legal.
_HTML = re.compile(r"<[A-Za-z/!]")
# Fields whose text is never rendered as Markdown, so an image there means nothing.
_NOT_MARKDOWN = frozenset({"id", "type", "tags", "evidence"})


def question_from_mapping(
    data: Mapping[str, object], *, require_evidence: bool = False
) -> Question:
    """Build a question from a bank-format mapping, checking it against the contract.

    Raises :class:`QuestionInvalid` listing every problem found. ``require_evidence``
    makes ``evidence`` and ``explanation`` mandatory, which is the rule for files in
    ``questions/``. Text values are stripped.
    """
    check = Checker()
    if not isinstance(data, Mapping):
        check.add((), f"a question must be a mapping of fields, not {kind_of(data)}")
        raise QuestionInvalid(check.problems)

    common: dict[str, object] = {}
    question_id = check.text(data, "id")
    if question_id is not None and not _ID.fullmatch(question_id):
        check.add(
            ("id",),
            f"id {question_id!r} may only use lower-case letters a-z, digits and '-'",
        )
    common["id"] = question_id

    cls: type[Question] | None = None
    type_name = check.text(data, "type")
    if type_name is not None:
        try:
            cls = question_type(type_name)
        except UnknownQuestionType:
            known = ", ".join(QUESTION_TYPES)
            check.add(("type",), f"unknown type {type_name!r}; known types: {known}")

    prompt = check.text(data, "prompt")
    if prompt is not None:
        tag = _HTML.search(prompt)
        if tag:
            check.add(
                ("prompt",),
                "prompt must not contain raw HTML (found "
                f"{prompt[tag.start() : tag.start() + 10]!r}); use Markdown instead",
            )
    common["prompt"] = prompt
    quotes = _evidence_quotes(check, data, required=require_evidence)
    if quotes:
        common["evidence"] = quotes[0]
        common["further_evidence"] = tuple(quotes[1:])
    common["explanation"] = check.text(data, "explanation", required=require_evidence)

    difficulty = data.get("difficulty")
    if difficulty is not None:
        if difficulty in (1, 2, 3) and not isinstance(difficulty, bool | float):
            common["difficulty"] = difficulty
        else:
            check.add(("difficulty",), f"difficulty must be 1, 2 or 3, not {difficulty!r}")

    points = check.number(data, "points", required=False, minimum=0, exclusive=True)
    if points is not None:
        common["points"] = points

    if data.get("tags") is not None:
        raw_tags = check.entries(data, "tags", minimum=0)
        tags = [check.text_value(tag, ("tags", i)) for i, tag in enumerate(raw_tags)]
        common["tags"] = tuple(tag for tag in tags if tag is not None)

    if cls is None:
        # Without a known type a typo cannot be told from a type-specific field, so
        # unknown fields are only reported once the type is right.
        raise QuestionInvalid(check.problems)

    check.unknown_keys(data, (), (*COMMON_FIELDS, *cls.specific_fields()))
    _check_images(check, data)
    specific, specific_problems = cls.parse_fields(data)
    check.problems.extend(specific_problems)
    if check.problems:
        raise QuestionInvalid(check.problems)
    arguments: dict[str, Any] = {key: value for key, value in common.items() if value is not None}
    arguments.update(specific)
    return cls(**arguments)


def _evidence_quotes(
    check: Checker, data: Mapping[str, object], *, required: bool
) -> list[str] | None:
    """The evidence quotes: ``evidence`` is one string or a non-empty list of strings.

    None when evidence is missing or has a problem (recorded in ``check``).
    """
    value = data.get("evidence")
    if not isinstance(value, list | tuple):
        quote = check.text(data, "evidence", required=required)
        return None if quote is None else [quote]
    if not value:
        check.add(("evidence",), "evidence must list at least one quote (or be one quote)")
        return None
    quotes = [check.text_value(quote, ("evidence", i)) for i, quote in enumerate(value)]
    if any(quote is None for quote in quotes):
        return None
    return [quote for quote in quotes if quote is not None]


def _check_images(check: Checker, data: Mapping[str, object]) -> None:
    """Every Markdown image (prompt, explanation, choices, feedback...) must be one of our
    stored images and have alt text."""
    for key, value in data.items():
        if key in _NOT_MARKDOWN:
            continue
        for path, text in texts_with_paths(value, (key,)):
            for problem in image_problems(text):
                check.add(path, problem)
