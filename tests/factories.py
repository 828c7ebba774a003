"""Test data built through the services, and helpers that drive the test client.

The builders need an application context and return model objects; functional tests
build their data inside ``with app.app_context():`` and keep only ids, so the requests
they make afterwards get their own context and session, as a real request would.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html as html_module
import random
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import cache, partial
from html.parser import HTMLParser
from typing import Any
from unittest import mock

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.security import generate_password_hash
from werkzeug.test import TestResponse

from quizapp.domain.bank import ArticleBank, read_bank
from quizapp.domain.question_types import (
    Matching,
    MultipleChoice,
    Numeric,
    Ordering,
    ShortAnswer,
    SingleChoice,
    TrueFalse,
)
from quizapp.domain.questions import Question
from quizapp.extensions import db
from quizapp.models import (
    Article,
    Attempt,
    QuizKind,
    ReviewCard,
    Role,
    SchoolClass,
    Section,
    User,
)
from quizapp.models import Quiz as QuizModel
from quizapp.models import Response as ResponseModel
from quizapp.services import attempt_start
from quizapp.services import attempts as attempt_service
from quizapp.services.attempts import DrawnQuestion
from quizapp.services.bank import load_bank
from quizapp.services.classes import create_class as service_create_class
from quizapp.services.classes import join_class
from quizapp.services.quizzes import QuizSettings, RuleSpec, create_quiz
from quizapp.services.users import create_user
from tests.conftest import BANK_PATH
from tests.helpers import ARTICLE_SLUG

# A fixed clock for everything the tests create; a few weeks before the real "today",
# so nothing depends on when the suite runs.
NOW = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
PASSWORD = "a long enough password"
GRACE = dt.timedelta(seconds=15)  # the app's ANSWER_GRACE_SECONDS default
ECONOMY = "what-are-their-economic-ties"
MILITARY = "what-are-their-military-ties"
ALLIES = "are-china-and-russia-allies"

# scrypt costs ~70 ms a hash; accounts the tests make for themselves use one PBKDF2 round.
# check_password_hash reads the method from the stored hash, so logging in is unchanged.
# The sign-up tests go through the real create_user path with the real hash.
_FAST_HASH = partial(generate_password_hash, method="pbkdf2:sha256:1")


# ------------------------------------------------------------------------------ content


# Parsing the YAML bank takes ~100 ms and its result is immutable (frozen dataclasses), so
# tests that merely need the bank in the database parse it once per run. The bank loader's
# own tests read the files every time.
_read_shipped_bank = cache(read_bank)


def _shipped_bank(sections: Collection[str] | None) -> list[ArticleBank]:
    """The shipped bank, with only the questions of ``sections`` (all when None)."""
    banks = _read_shipped_bank(BANK_PATH)
    if sections is None:
        return banks
    return [
        dataclasses.replace(
            bank,
            questions_by_section={
                slug: questions if slug in sections else ()
                for slug, questions in bank.questions_by_section.items()
            },
        )
        for bank in banks
    ]


def _first_quotes_only(banks: list[ArticleBank]) -> list[ArticleBank]:
    """The banks with each question's further evidence quotes left out."""
    return [
        dataclasses.replace(
            bank,
            questions_by_section={
                slug: tuple(dataclasses.replace(q, further_evidence=()) for q in questions)
                for slug, questions in bank.questions_by_section.items()
            },
        )
        for bank in banks
    ]


def load_article(
    sections: Collection[str] | None = None,
    now: dt.datetime = NOW,
    *,
    first_quotes_only: bool = False,
) -> Article:
    """Load the shipped article, with the questions of ``sections`` only (None: all of them).

    Storing every question is most of a test's setup time; a test that only draws from one
    section loads that section's alone. ``first_quotes_only`` leaves out further evidence
    quotes, for a schema from before they could be stored (the migration tests).
    """
    banks = _shipped_bank(sections)
    if first_quotes_only:
        banks = _first_quotes_only(banks)
    with mock.patch("quizapp.services.bank.read_bank", lambda path: banks):
        load_bank(BANK_PATH, now=now)
    return db.session.execute(db.select(Article).where(Article.slug == ARTICLE_SLUG)).scalar_one()


def section(article: Article, slug: str) -> Section:
    """One section of ``article`` by slug."""
    return next(s for s in article.sections if s.slug == slug)


# ------------------------------------------------------------------------------ people


def create_student(
    email: str = "ada@example.com", name: str = "Ada Lovelace", password: str = PASSWORD
) -> User:
    """A student account (created through ``create_user``)."""
    with mock.patch("quizapp.services.users.generate_password_hash", _FAST_HASH):
        return create_user(email, password, role=Role.STUDENT, name=name, now=NOW)


def create_teacher(
    email: str = "grace@example.com", name: str = "Grace Hopper", password: str = PASSWORD
) -> User:
    """A teacher account."""
    with mock.patch("quizapp.services.users.generate_password_hash", _FAST_HASH):
        return create_user(email, password, role=Role.TEACHER, name=name, now=NOW)


def create_admin(
    email: str = "ida@example.com", name: str = "Ida Admin", password: str = PASSWORD
) -> User:
    """An admin account: a teacher who may also make accounts teachers."""
    with mock.patch("quizapp.services.users.generate_password_hash", _FAST_HASH):
        return create_user(email, password, role=Role.ADMIN, name=name, now=NOW)


def create_class(teacher: User, name: str = "History 10B") -> SchoolClass:
    """A class of ``teacher`` with a fresh join code."""
    return service_create_class(teacher, name, now=NOW)


def enrol(student: User, school_class: SchoolClass) -> None:
    """Join ``school_class`` with its code."""
    join_class(student, school_class.join_code, now=NOW)


def create_assessment(
    teacher: User,
    school_class: SchoolClass,
    article: Article,
    *,
    rules: Sequence[RuleSpec] = (RuleSpec(question_count=3),),
    title: str = "Economy check",
    now: dt.datetime = NOW,
    publish: bool = True,
    **settings: Any,
) -> QuizModel:
    """A teacher's assessment for the class; ``settings`` are ``QuizSettings`` fields."""
    return create_quiz(
        owner_id=teacher.id,
        article_id=article.id,
        title=title,
        kind=QuizKind.ASSESSMENT,
        rules=list(rules),
        settings=QuizSettings(**settings),
        now=now,
        class_id=school_class.id,
        publish=publish,
    )


def section_rule(article: Article, slug: str, count: int | None = None) -> RuleSpec:
    """A rule drawing ``count`` questions (all of them by default) from one section."""
    return RuleSpec(question_count=count or 11, section_id=section(article, slug).id)


def start(quiz: QuizModel, student: User, *, now: dt.datetime = NOW, seed: int = 1) -> Attempt:
    """Start (or resume) an attempt with a seeded random source."""
    return attempt_start.start_attempt(
        quiz, student.id, now=now, grace=GRACE, rng=random.Random(seed)
    )


def items_of(attempt: Attempt) -> list[DrawnQuestion]:
    """The attempt's questions with their domain objects, in order."""
    return attempt_service.drawn_questions(attempt)


def answer(
    attempt: Attempt, position: int, stored: object | None, *, now: dt.datetime = NOW
) -> ResponseModel:
    """Save an answer (in stored form) to the question at ``position``."""
    item = items_of(attempt)[position - 1]
    return attempt_service.save_answer(attempt, item, stored, now=now, grace=GRACE)


def submitted_attempt_for(
    quiz: QuizModel, student: User, *, now: dt.datetime = NOW, seed: int = 1, right: int = 0
) -> Attempt:
    """Start an attempt, answer the first ``right`` questions correctly, the rest wrongly."""
    attempt = start(quiz, student, now=now, seed=seed)
    for item in items_of(attempt):
        good = item.row.position <= right
        stored = correct_answer(item.question) if good else wrong_answer(item.question)
        answer(attempt, item.row.position, stored, now=now)
    attempt_service.submit_attempt(attempt, now=now)
    return attempt


def add_review_card(student: User, question_id: int, due_at: dt.datetime) -> ReviewCard:
    """A review card as the scheduler leaves it after one wrong answer, due at ``due_at``."""
    card = ReviewCard(
        student_id=student.id,
        question_id=question_id,
        state=1,
        step=0,
        stability=1.0,
        difficulty=5.0,
        due_at=due_at,
        last_review_at=due_at - dt.timedelta(days=1),
        last_fraction=0.0,
        review_count=1,
    )
    db.session.add(card)
    db.session.commit()
    return card


def reload_attempt(attempt_id: int) -> Attempt:
    """A fresh copy of an attempt from the database (expire everything first)."""
    db.session.expire_all()
    return db.session.get(Attempt, attempt_id)


def stored_answers(attempt_id: int) -> dict[int, object | None]:
    """position -> stored answer of every saved response of the attempt."""
    db.session.expire_all()
    attempt = db.session.get(Attempt, attempt_id)
    return {
        row.position: row.response.answer for row in attempt.questions if row.response is not None
    }


# ------------------------------------------------------------------ answers by question type


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(value)


def correct_answer(question: Question) -> object:
    """The stored answer that grades 1.0."""
    match question:
        case SingleChoice():
            return next(i for i, c in enumerate(question.choices) if c.correct)
        case MultipleChoice():
            return [i for i, c in enumerate(question.choices) if c.correct]
        case TrueFalse():
            return question.answer
        case ShortAnswer():
            return next(entry.text for entry in question.answers if entry.fraction == 1)
        case Numeric():
            return _number(question.answer)
        case Matching():
            return {str(i): i for i in range(len(question.pairs))}
        case Ordering():
            return {str(i): i + 1 for i in range(len(question.items))}
    raise AssertionError(f"no correct answer for {question.type_name}")


def wrong_answer(question: Question) -> object:
    """A complete stored answer that grades 0.0."""
    match question:
        case SingleChoice() | MultipleChoice():
            wrong = next(i for i, c in enumerate(question.choices) if not c.correct)
            return wrong if isinstance(question, SingleChoice) else [wrong]
        case TrueFalse():
            return not question.answer
        case ShortAnswer():
            return "certainly not the answer"
        case Numeric():
            return "-987654"
        case Matching():
            count = len(question.pairs)
            return {str(i): (i + 1) % count for i in range(count)}
        case Ordering():
            count = len(question.items)
            return {str(i): count - i for i in range(count)}
    raise AssertionError(f"no wrong answer for {question.type_name}")


def partial_answer(question: Question) -> object:
    """A matching answer with exactly one pair right (the question needs 3+ pairs)."""
    assert isinstance(question, Matching) and len(question.pairs) >= 3, question
    count = len(question.pairs)
    # Pair 0 right; the others shifted by one among themselves, so none of them is.
    others = list(range(1, count))
    shifted = others[1:] + others[:1]
    return {"0": 0, **{str(left): right for left, right in zip(others, shifted, strict=True)}}


def answer_form(item: DrawnQuestion, stored: object | None) -> dict[str, list[str]]:
    """The form fields the page of ``item`` sends for ``stored`` (empty when unanswered).

    Choices, match targets and items go as the attempt's tokens, as the page has them.
    """
    if stored is None:
        return {}
    question, tokens = item.question, item.tokens.values
    match question:
        case SingleChoice():
            return {"answer": [tokens[stored]]}  # type: ignore[index]
        case ShortAnswer() | Numeric():
            return {"answer": [str(stored)]}
        case MultipleChoice():
            return {"answer": [tokens[i] for i in stored]}  # type: ignore[union-attr]
        case TrueFalse():
            return {"answer": ["true" if stored else "false"]}
        case Matching():
            return {f"match-{k}": [tokens[v]] for k, v in stored.items()}  # type: ignore[union-attr]
        case Ordering():
            return {f"position-{tokens[int(k)]}": [str(v)] for k, v in stored.items()}  # type: ignore[union-attr]
    raise AssertionError(f"no form for {question.type_name}")


# ------------------------------------------------------------------------- the test client


def csrf_token(html: str) -> str:
    """The value of the first ``csrf_token`` hidden input in ``html``."""
    for tag in re.findall(r"<input\b[^>]*>", html):
        if re.search(r'\bname="csrf_token"', tag):
            value = re.search(r'\bvalue="([^"]*)"', tag)
            assert value, tag
            return html_module.unescape(value.group(1))
    raise AssertionError("no csrf_token input in the page")


def token_for(client: FlaskClient, path: str = "/login") -> str:
    """A CSRF token of ``client``'s session, scraped from the page at ``path``."""
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return csrf_token(response.get_data(as_text=True))


def session_token(client: FlaskClient) -> str:
    """A CSRF token for ``client``'s current session, fetched once and remembered.

    Flask-WTF signs every token from one secret kept in the session, so a token stays
    valid until the session is cleared (log in, log out): do not use this across those.
    """
    token = getattr(client, "_quizapp_csrf_token", None)
    if token is None:
        # The login page has a form for anyone; every page has the log-out form for users.
        page = client.get("/login")
        if page.status_code != 200:
            page = client.get("/")
        token = csrf_token(page.get_data(as_text=True))
        client._quizapp_csrf_token = token  # type: ignore[attr-defined]
    return token


def login(
    client: FlaskClient,
    email: str = "ada@example.com",
    password: str = PASSWORD,
    *,
    next_path: str | None = None,
    **kwargs: Any,
) -> TestResponse:
    """Log in through the form, like a browser: GET the page, POST with its token."""
    token = token_for(client)
    return client.post(
        "/login",
        query_string={"next": next_path} if next_path is not None else None,
        data={"csrf_token": token, "email": email, "password": password},
        **kwargs,
    )


def logged_in_client(app: Flask, email: str = "ada@example.com") -> FlaskClient:
    """A new client (a new browser) logged in as ``email``."""
    client = app.test_client()
    response = login(client, email)
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


# ---------------------------------------------------------------------------------- clock


class Clock:
    """A settable stand-in for ``utcnow`` in the views."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> dt.datetime:
        self.now += dt.timedelta(**delta)
        return self.now


def freeze_views(monkeypatch: pytest.MonkeyPatch, now: dt.datetime = NOW) -> Clock:
    """Make every view read its time from a ``Clock`` starting at ``now``."""
    clock = Clock(now)
    for module in ("quizapp.student.routes", "quizapp.articles.routes", "quizapp.auth.routes"):
        monkeypatch.setattr(f"{module}.utcnow", clock)
    return clock


# ---------------------------------------------------------------------------- HTML reading


class _PageParser(HTMLParser):
    """Collects text, tags with attributes, and inline script/style facts."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.inline_scripts = 0
        self._script_has_src: list[bool] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._script_has_src.append("src" in dict(attrs))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script_has_src:
            self._script_has_src.pop()

    def handle_data(self, data: str) -> None:
        if self._script_has_src and data.strip():
            self.inline_scripts += 1
        self.text.append(data)


def parse(html: str) -> _PageParser:
    """Parse a page once for its text and tags."""
    parser = _PageParser()
    parser.feed(html)
    parser.close()
    return parser


def field_error(html: str, field_id: str) -> str | None:
    """The error shown in ``field_id``'s own field block, right after its input."""
    block = re.search(
        rf'<div class="field field-error">((?:(?!</div>).)*id="{field_id}"(?:(?!</div>).)*)</div>',
        html,
        re.S,
    )
    if block is None:
        return None
    error = re.search(rf'<p class="error" id="{field_id}-error">(.*?)</p>', block.group(1), re.S)
    return html_module.unescape(error.group(1)).strip() if error else None


def page_text(html: str) -> str:
    """The visible text of a page (entities decoded), whitespace collapsed."""
    return " ".join("".join(parse(html).text).split())


_TYPOGRAPHY = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "—": "-", "–": "-"})


def normalise_text(text: str) -> str:
    """Curly quotes and dashes made plain, whitespace collapsed: for comparing prose."""
    return " ".join(text.translate(_TYPOGRAPHY).split())


def word_windows(text: str, size: int = 5) -> list[str]:
    """Runs of ``size`` words of ``text`` (normalised) without Markdown marks in them.

    Used to look for a long text in a page without depending on how its Markdown was
    rendered: if any window shows up in the page's normalised text, the text leaked. A
    text shorter than ``size`` words is one window.
    """
    words = normalise_text(text).split()
    if len(words) < size:
        return [" ".join(words)] if words else []
    return [
        " ".join(words[start : start + size])
        for start in range(len(words) - size + 1)
        if not any(mark in word for word in words[start : start + size] for mark in "*_`[]")
    ]


# --------------------------------------------------------------------------- a whole class


@dataclass(frozen=True)
class ClassWorld:
    """Ids of a small school: one article, a teacher, a class, two students, one quiz.

    Ada and Bob are both in the class; ``attempt_id`` is Ada's open attempt at the quiz,
    with a wrong answer saved to question 1. ``forms`` holds, per position, the form
    fields of the right answer, and ``keys`` the stored right answer.
    """

    article_id: int
    article_slug: str
    section_ids: dict[str, int]
    teacher_id: int
    class_id: int
    join_code: str
    ada_id: int
    bob_id: int
    quiz_id: int
    attempt_id: int
    forms: dict[int, dict[str, list[str]]]
    keys: dict[int, object]
    wrong: dict[int, object]
    types: dict[int, str]


def build_class_world(
    app: Flask,
    *,
    questions: int = 3,
    section_slug: str | None = ECONOMY,
    bank_sections: Collection[str] | None = (ECONOMY,),
    bob_extra_seconds: int | None = None,
    **settings: Any,
) -> ClassWorld:
    """Create the :class:`ClassWorld`.

    The quiz draws ``questions`` questions from one section (from all sections when
    ``section_slug`` is None); ``settings`` are further ``QuizSettings`` fields. Only the
    questions of ``bank_sections`` are loaded (None: the whole bank).
    """
    with app.app_context():
        article = load_article(bank_sections)
        teacher = create_teacher()
        school_class = create_class(teacher)
        ada = create_student("ada@example.com", "Ada Lovelace")
        bob = create_student("bob@example.com", "Bob Student")
        enrol(ada, school_class)
        enrol(bob, school_class)
        if bob_extra_seconds is not None:
            settings["extra_seconds"] = {bob.id: bob_extra_seconds}
        rule = (
            section_rule(article, section_slug, questions)
            if section_slug
            else RuleSpec(question_count=questions)
        )
        quiz = create_assessment(teacher, school_class, article, rules=[rule], **settings)
        attempt = start(quiz, ada)
        items = items_of(attempt)
        answer(attempt, 1, wrong_answer(items[0].question))
        return ClassWorld(
            article_id=article.id,
            article_slug=article.slug,
            section_ids={s.slug: s.id for s in article.sections},
            teacher_id=teacher.id,
            class_id=school_class.id,
            join_code=school_class.join_code,
            ada_id=ada.id,
            bob_id=bob.id,
            quiz_id=quiz.id,
            attempt_id=attempt.id,
            forms={i.row.position: answer_form(i, correct_answer(i.question)) for i in items},
            keys={i.row.position: correct_answer(i.question) for i in items},
            wrong={i.row.position: wrong_answer(i.question) for i in items},
            types={i.row.position: i.question.type_name for i in items},
        )
