"""Helpers for the browser tests: accounts and classes through the services, the bank's
answer key, and filling a question page the way a learner does (by visible names)."""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Any

import yaml
from flask import Flask

from quizapp.extensions import db
from quizapp.models import Attempt, Role, Section
from quizapp.services.attempts import (
    DrawnQuestion,
    drawn_questions,
    save_answer,
    submit_attempt,
)
from quizapp.services.classes import create_class
from quizapp.services.practice import start_practice
from quizapp.services.users import create_user
from tests.conftest import BANK_PATH
from tests.helpers import ARTICLE_SLUG

PASSWORD = "correct-horse-battery"
# What the question page's save status says while the answer waits for the network.
OFFLINE_STATUS = "Offline: not saved yet. Your answer is kept on this page and will be sent again."

Question = dict[str, Any]


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def create_teacher_with_class(app: Flask, class_name: str = "Year 10 History") -> str:
    """A teacher and one of their classes, made through the services; returns the join code."""
    with app.app_context():
        teacher = create_user(
            "teacher@example.org", PASSWORD, role=Role.TEACHER, name="Ms Teacher", now=now()
        )
        return create_class(teacher, class_name, now=now()).join_code


def create_student(app: Flask, email: str = "student@example.org", name: str = "Sam") -> int:
    """A student account made through the services; returns its id."""
    with app.app_context():
        return create_user(email, PASSWORD, role=Role.STUDENT, name=name, now=now()).id


def _normalised(text: str) -> str:
    """Letters and digits only: a prompt as the page shows it matches the bank's Markdown."""
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


@functools.cache
def _bank() -> tuple[dict[str, Question], dict[str, Question]]:
    by_prompt: dict[str, Question] = {}
    by_id: dict[str, Question] = {}
    for path in sorted((BANK_PATH / ARTICLE_SLUG).glob("*.yaml")):
        for question in yaml.safe_load(path.read_text(encoding="utf-8")):
            by_prompt[_normalised(question["prompt"])] = question
            by_id[question["id"]] = question
    return by_prompt, by_id


def all_bank_questions() -> list[Question]:
    """Every question of the article's bank files, by id."""
    return list(_bank()[1].values())


def section_questions(section_slug: str) -> list[Question]:
    """The bank's questions of one section of the article, in file order."""
    path = BANK_PATH / ARTICLE_SLUG / f"{section_slug}.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def question_by_prompt(prompt: str) -> Question:
    """The bank question whose prompt the page shows."""
    return _bank()[0][_normalised(prompt)]


def question_by_id(question_id: str) -> Question:
    return _bank()[1][question_id]


def right_text_answer(question: Question) -> str:
    """What a learner types for a right short or numeric answer."""
    if question["type"] == "short":
        return question["answers"][0]
    answer = question["answer"]
    return str(int(answer)) if float(answer).is_integer() else str(answer)


def answer_rightly(page: Any, question: Question) -> None:
    """Fill the question page with the right answer, through visible labels only."""
    kind = question["type"]
    if kind == "single":
        text = next(choice["text"] for choice in question["choices"] if choice["correct"])
        page.get_by_role("radio", name=text, exact=True).check()
    elif kind == "true_false":
        page.get_by_role("radio", name="True" if question["answer"] else "False").check()
    elif kind == "multiple":
        for choice in question["choices"]:
            checkbox = page.get_by_role("checkbox", name=choice["text"], exact=True)
            checkbox.set_checked(bool(choice["correct"]))
    elif kind in ("short", "numeric"):
        page.get_by_label("Your answer").fill(right_text_answer(question))
    elif kind == "matching":
        for pair in question["pairs"]:
            page.get_by_label(pair["left"], exact=True).select_option(label=pair["right"])
    elif kind == "ordering":
        for position, item in enumerate(question["items"], start=1):
            page.get_by_label(item, exact=True).select_option(label=str(position))
    else:  # pragma: no cover - a new type needs a branch here
        raise AssertionError(f"no browser answer for question type {kind!r}")


def stored_right_answer(question: Question) -> object:
    """The right answer in the stored shape ``attempts.save_answer`` takes."""
    kind = question["type"]
    if kind == "single":
        return next(i for i, choice in enumerate(question["choices"]) if choice["correct"])
    if kind == "true_false":
        return bool(question["answer"])
    if kind == "multiple":
        return [i for i, choice in enumerate(question["choices"]) if choice["correct"]]
    if kind in ("short", "numeric"):
        return right_text_answer(question)
    if kind == "matching":
        return {str(i): i for i in range(len(question["pairs"]))}
    if kind == "ordering":
        return {str(i): i + 1 for i in range(len(question["items"]))}
    raise AssertionError(f"no stored answer for question type {kind!r}")


def sign_up(page: Any, base_url: str, name: str, email: str) -> None:
    """Create a student account through the sign-up form, starting from the home page."""
    from playwright.sync_api import expect

    page.goto(base_url + "/")
    page.get_by_role("link", name="Sign up").click()
    expect(page.get_by_role("heading", level=1, name="Sign up")).to_be_visible()
    page.get_by_label("Name").fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", level=1, name=f"Hello, {name}")).to_be_visible()


def log_in(page: Any, base_url: str, email: str, name: str) -> None:
    """Log in through the form; lands on the student dashboard."""
    from playwright.sync_api import expect

    page.goto(base_url + "/")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Log in").click()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1, name=f"Hello, {name}")).to_be_visible()


def mastery_cell(page: Any, section_title: str) -> Any:
    """The "Mastery" cell of one section's row in the progress table."""
    row = page.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name=section_title, exact=True)
    )
    return row.get_by_role("cell").first


def practice_attempt(
    app: Flask,
    student_id: int,
    section_slug: str,
    *,
    answered: int = 0,
    submit: bool = False,
) -> tuple[int, list[str]]:
    """A practice attempt on a whole section, made through the services.

    The first ``answered`` questions get their right answer. Returns the attempt id and
    the question types in the attempt's order.
    """
    grace = dt.timedelta(seconds=app.config["ANSWER_GRACE_SECONDS"])
    with app.app_context():
        section = db.session.execute(
            db.select(Section).where(Section.slug == section_slug)
        ).scalar_one()
        attempt = start_practice(
            student_id,
            article_id=None,
            section_id=section.id,
            question_count=len(section_questions(section_slug)),
            now=now(),
            grace=grace,
        )
        items = drawn_questions(attempt)
        for item in items[:answered]:
            _save_right_answer(attempt, item, grace=grace, check=False)
        if submit:
            submit_attempt(attempt, now=now())
        return attempt.id, [item.question.type_name for item in items]


def answer_rightly_at(app: Flask, attempt_id: int, position: int, *, check: bool = False) -> None:
    """Save the right answer to the question at ``position`` (1-based), checked if asked."""
    grace = dt.timedelta(seconds=app.config["ANSWER_GRACE_SECONDS"])
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt is not None
        item = drawn_questions(attempt)[position - 1]
        _save_right_answer(attempt, item, grace=grace, check=check)


def _save_right_answer(
    attempt: Attempt, item: DrawnQuestion, *, grace: dt.timedelta, check: bool
) -> None:
    answer = stored_right_answer(question_by_id(item.question.id))
    save_answer(attempt, item, answer, now=now(), grace=grace, check=check)
