"""Rules about how the package is put together."""

from __future__ import annotations

import ast
from dataclasses import dataclass
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


# ------------------------------------------------------------------------------ blueprints

BLUEPRINT_PACKAGES = ("auth", "student", "teacher", "articles", "media")
MAX_ROUTE_LINES = 30
MAX_SERVICE_CALLS = 1
ROUTE_DECORATORS = {"route", "get", "post"}


def blueprint_imports_forbidden(source: str) -> list[str]:
    """What ``source`` imports from quizapp.models or quizapp.extensions."""
    bad: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            bad += [a.name for a in node.names if _is_persistence(a.name)]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "quizapp":
                bad += [
                    f"quizapp.{a.name}" for a in node.names if a.name in ("models", "extensions")
                ]
            elif _is_persistence(node.module):
                bad += [f"{node.module}.{a.name}" for a in node.names]
    return sorted(bad)


def _is_persistence(name: str) -> bool:
    return name in ("quizapp.models", "quizapp.extensions") or name.startswith("quizapp.models.")


def _service_names(tree: ast.Module) -> tuple[set[str], set[str]]:
    """(functions and classes imported from quizapp.services.*, service modules imported)."""
    functions: set[str] = set()
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "quizapp.services":
                modules.update(a.asname or a.name for a in node.names)
            elif node.module.startswith("quizapp.services."):
                functions.update(a.asname or a.name for a in node.names)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("quizapp.services.") and alias.asname:
                    modules.add(alias.asname)
    return functions, modules


def _is_route(function: ast.FunctionDef) -> bool:
    return any(
        isinstance(d, ast.Call)
        and isinstance(d.func, ast.Attribute)
        and d.func.attr in ROUTE_DECORATORS
        for d in function.decorator_list
    )


@dataclass(frozen=True)
class RouteShape:
    """How long a route function is and how many service calls it makes."""

    name: str
    lines: int
    service_calls: int


def route_shapes(source: str) -> list[RouteShape]:
    """Every route function of a module (decorated with ``<bp>.route/get/post``)."""
    tree = ast.parse(source)
    functions, modules = _service_names(tree)
    shapes = []
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and _is_route(node):
            calls = sum(
                1
                for call in ast.walk(node)
                if isinstance(call, ast.Call)
                and (
                    (isinstance(call.func, ast.Name) and call.func.id in functions)
                    or (
                        isinstance(call.func, ast.Attribute)
                        and isinstance(call.func.value, ast.Name)
                        and call.func.value.id in modules
                    )
                )
            )
            lines = (node.end_lineno or node.lineno) - node.lineno + 1
            shapes.append(RouteShape(node.name, lines, calls))
    return shapes


def too_big(shapes: list[RouteShape]) -> list[RouteShape]:
    """The routes that are too long or ask more than one service."""
    return [
        shape
        for shape in shapes
        if shape.lines > MAX_ROUTE_LINES or shape.service_calls > MAX_SERVICE_CALLS
    ]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from quizapp.models import Quiz", ["quizapp.models.Quiz"]),
        ("from quizapp.models.quizzes import Quiz", ["quizapp.models.quizzes.Quiz"]),
        ("import quizapp.models", ["quizapp.models"]),
        ("from quizapp import models, forms", ["quizapp.models"]),
        ("from quizapp.extensions import db", ["quizapp.extensions.db"]),
        (
            "from quizapp.extensions import db, limiter",
            ["quizapp.extensions.db", "quizapp.extensions.limiter"],
        ),
        ("from quizapp.rate_limit import limiter", []),
        ("import quizapp.extensions", ["quizapp.extensions"]),
        ("from quizapp import extensions", ["quizapp.extensions"]),
        ("from quizapp.services.quizzes import QuizSpec\nimport quizapp.modelsish", []),
    ],
)
def test_checker_recognises_persistence_imports(source: str, expected: list[str]) -> None:
    assert blueprint_imports_forbidden(source) == expected


_ROUTE = """
from quizapp.services import attempt_pages
from quizapp.services.dashboard import practise, student_dashboard as dash
import quizapp.services.users as users

@bp.{decorator}("/x")
def view():
{body}

def helper():
    dash(1)
    dash(2)
"""


@pytest.mark.parametrize(
    ("decorator", "body", "expected"),
    [
        ("get", "    return dash(1)", [RouteShape("view", 2, 1)]),
        ("post", "    practise(1)\n    return dash(1)", [RouteShape("view", 3, 2)]),
        ("route", "    return attempt_pages.question_page(1)", [RouteShape("view", 2, 1)]),
        ("get", "    return users.sign_up_student(1) or dash(2)", [RouteShape("view", 2, 2)]),
        ("get", "    return render_template(str(1))", [RouteShape("view", 2, 0)]),
        ("get", "    x = 1\n" * 30 + "    return x", [RouteShape("view", 32, 0)]),
        ("errorhandler", "    return dash(1)", []),
    ],
)
def test_checker_measures_route_functions(decorator: str, body: str, expected: list) -> None:
    assert route_shapes(_ROUTE.format(decorator=decorator, body=body)) == expected


@pytest.mark.parametrize(
    ("shape", "is_too_big"),
    [
        (RouteShape("v", 30, 1), False),
        (RouteShape("v", 31, 1), True),
        (RouteShape("v", 10, 2), True),
        (RouteShape("v", 10, 0), False),
    ],
)
def test_checker_flags_long_routes_and_routes_asking_several_services(
    shape: RouteShape, is_too_big: bool
) -> None:
    assert (too_big([shape]) == [shape]) is is_too_big


def _blueprint_modules() -> list[Path]:
    files = sorted(p for package in BLUEPRINT_PACKAGES for p in (PACKAGE / package).rglob("*.py"))
    assert files, "no blueprint modules found"
    return files


def test_blueprints_import_neither_models_nor_the_database() -> None:
    offenders = {
        path.relative_to(PACKAGE).as_posix(): bad
        for path in _blueprint_modules()
        if (bad := blueprint_imports_forbidden(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}


def test_routes_are_short_and_ask_one_service() -> None:
    offenders = {
        path.relative_to(PACKAGE).as_posix(): bad
        for path in _blueprint_modules()
        if (bad := too_big(route_shapes(path.read_text(encoding="utf-8"))))
    }
    assert offenders == {}


# ------------------------------------------------------------------------------- services

MAX_SERVICE_MODULE_LINES = 500


def test_no_service_module_does_several_jobs_in_over_500_lines() -> None:
    sizes = {
        path.name: len(path.read_text(encoding="utf-8").splitlines())
        for path in sorted((PACKAGE / "services").glob("*.py"))
    }
    assert sizes, "quizapp/services has no modules"
    assert {name: n for name, n in sizes.items() if n > MAX_SERVICE_MODULE_LINES} == {}
