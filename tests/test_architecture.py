"""Rules about how the package is put together."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "quizapp"
# The domain layer must run without a web framework or a database.
FORBIDDEN_PACKAGES = {"flask", "sqlalchemy", "werkzeug"}


def imported_modules(source: str) -> set[str]:
    """Every module name an import statement in ``source`` refers to."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def is_forbidden(name: str) -> bool:
    """True for flask and its extensions, sqlalchemy, werkzeug and quizapp.models."""
    top = name.split(".")[0]
    return (
        top in FORBIDDEN_PACKAGES
        or top.startswith("flask_")
        or name == "quizapp.models"
        or name.startswith("quizapp.models.")
    )


def forbidden(names: set[str]) -> list[str]:
    """The names that break the domain layer's isolation, sorted."""
    return sorted(name for name in names if is_forbidden(name))


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("import flask", ["flask"]),
        ("from flask import Flask", ["flask", "flask.Flask"]),
        ("import flask_login", ["flask_login"]),
        ("from sqlalchemy.orm import Session", ["sqlalchemy.orm", "sqlalchemy.orm.Session"]),
        ("import quizapp.models.users", ["quizapp.models.users"]),
        ("from quizapp import models", ["quizapp.models"]),
        ("import yaml\nfrom quizapp.domain import text", []),
        ("import flaskish", []),
    ],
)
def test_checker_recognises_forbidden_imports(source: str, expected: list[str]) -> None:
    assert forbidden(imported_modules(source)) == expected


def test_domain_layer_imports_no_web_or_database_code() -> None:
    files = sorted((PACKAGE / "domain").rglob("*.py"))
    assert files, "quizapp/domain has no modules"
    offenders = {
        str(path.relative_to(PACKAGE)): bad
        for path in files
        if (bad := forbidden(imported_modules(path.read_text(encoding="utf-8"))))
    }
    assert offenders == {}
