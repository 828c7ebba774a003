"""Taking an attempt through the test client: questions, saving, tampering, time, results."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from html.parser import HTMLParser

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from quizapp.domain.answers import describe_answer, describe_key
from quizapp.domain.question_types.answer_fields import AnswerTokens
from quizapp.domain.questions import Question
from quizapp.extensions import db
from quizapp.models import (
    Article,
    AttemptState,
    QuestionVersion,
    Quiz,
    ReviewCard,
    SchoolClass,
    User,
)
from quizapp.rendering import format_number
from quizapp.services import questions as question_service
from quizapp.services.quizzes import RuleSpec
from tests.factories import (
    ECONOMY,
    NOW,
    ClassWorld,
    Clock,
    answer_form,
    build_class_world,
    correct_answer,
    create_assessment,
    create_student,
    enrol,
    freeze_views,
    items_of,
    logged_in_client,
    normalise_text,
    page_text,
    partial_answer,
    reload_attempt,
    session_token,
    start,
    stored_answers,
    submitted_attempt_for,
    word_windows,
    wrong_answer,
)

QUESTION_TYPES = ("single", "multiple", "true_false", "short", "numeric", "matching", "ordering")


# ------------------------------------------------------------------------------ fixtures


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    """The views' clock: an hour after the attempts started."""
    return freeze_views(monkeypatch, NOW + dt.timedelta(hours=1))


@pytest.fixture
def bank_sections() -> tuple[str, ...] | None:
    """Whose questions to load; tests needing the whole bank parametrize this to None."""
    return (ECONOMY,)


WHOLE_BANK = pytest.mark.parametrize("bank_sections", [None], ids=["whole bank"])


@pytest.fixture
def world(app: Flask, bank_sections: tuple[str, ...] | None, clock: Clock) -> ClassWorld:
    """Ada's three-question attempt (question 1 answered wrongly)."""
    return build_class_world(app, bank_sections=bank_sections)


@pytest.fixture
def every_type(app: Flask, clock: Clock) -> ClassWorld:
    """Ada's attempt at all 11 questions of the economy section: every question type."""
    world = build_class_world(app, questions=11)
    assert set(world.types.values()) == set(QUESTION_TYPES)
    return world


@pytest.fixture
def ada(app: Flask) -> FlaskClient:
    return logged_in_client(app, "ada@example.com")


@dataclass(frozen=True)
class Shown:
    """What a test needs to know about one question of an attempt."""

    position: int
    question: Question
    display_order: list[int] | None
    question_id: int
    tokens: AnswerTokens


def _questions(app: Flask, attempt_id: int) -> dict[int, Shown]:
    with app.app_context():
        return {
            item.row.position: Shown(
                item.row.position,
                item.question,
                item.row.display_order,
                item.row.question_version.question_id,
                item.tokens,
            )
            for item in items_of(reload_attempt(attempt_id))
        }


def _url(world: ClassWorld | int, position: int | None = None, suffix: str = "") -> str:
    attempt_id = world if isinstance(world, int) else world.attempt_id
    if position is None:
        return f"/student/attempts/{attempt_id}{suffix}"
    return f"/student/attempts/{attempt_id}/questions/{position}{suffix}"


def _save(
    client: FlaskClient, attempt_id: int, position: int, form: dict, action: str = "next"
) -> TestResponse:
    return client.post(
        _url(attempt_id, position),
        data={**form, "action": action, "csrf_token": session_token(client)},
    )


def _autosave(client: FlaskClient, attempt_id: int, position: int, form: dict) -> TestResponse:
    return client.post(
        _url(attempt_id, position, "/autosave"),
        data=form,
        headers={"X-CSRFToken": session_token(client), "Accept": "application/json"},
    )


def _submit(client: FlaskClient, attempt_id: int) -> TestResponse:
    return client.post(
        _url(attempt_id, suffix="/submit"), data={"csrf_token": session_token(client)}
    )


def _stored(app: Flask, attempt_id: int) -> dict[int, object]:
    with app.app_context():
        return stored_answers(attempt_id)


def _attempt(app: Flask, attempt_id: int) -> dict[str, object]:
    with app.app_context():
        attempt = reload_attempt(attempt_id)
        return {
            "state": attempt.state,
            "score": attempt.score,
            "max_score": attempt.max_score,
            "submitted_at": attempt.submitted_at,
            "automatically": attempt.submitted_automatically,
        }


def _answered(stored: dict[int, object]) -> dict[int, object]:
    return {position: value for position, value in stored.items() if value is not None}


def _flashes(html: str) -> list[str]:
    return [page_text(m) for m in re.findall(r'<p class="flash[^"]*">(.*?)</p>', html, re.S)]


# --------------------------------------------------------------------- reading the page


class QuestionPage(HTMLParser):
    """The controls of a question page: inputs, selects with options, labels, legend."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.inputs: list[dict[str, str | None]] = []
        self.selects: list[dict] = []
        self.labels: dict[str, str] = {}
        self.legends: list[str] = []
        self.fieldsets: list[dict[str, str | None]] = []
        self.buttons: list[dict[str, str | None]] = []
        self._label_for: str | None = None
        self._text: list[str] = []
        self._in_legend = False
        self._option: dict | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "input":
            self.inputs.append(attributes)
        elif tag == "select":
            self.selects.append({"attrs": attributes, "options": []})
        elif tag == "option":
            self._option = {
                "value": attributes.get("value"),
                "selected": "selected" in attributes,
                "text": "",
            }
            self.selects[-1]["options"].append(self._option)
        elif tag == "label":
            self._label_for = attributes.get("for")
            self._text = []
        elif tag == "legend":
            self._in_legend = True
            self._text = []
        elif tag == "fieldset":
            self.fieldsets.append(attributes)
        elif tag == "button":
            self.buttons.append(attributes)

    def handle_endtag(self, tag: str) -> None:
        if tag == "label" and self._label_for:
            self.labels[self._label_for] = " ".join("".join(self._text).split())
            self._label_for = None
        elif tag == "legend":
            self.legends.append(" ".join("".join(self._text).split()))
            self._in_legend = False
        elif tag == "option":
            self._option = None

    def handle_data(self, data: str) -> None:
        if self._label_for or self._in_legend:
            self._text.append(data)
        if self._option is not None:
            self._option["text"] += data

    def answer_inputs(self) -> list[dict[str, str | None]]:
        """The inputs a learner answers with (not the field a page always sends)."""
        return [i for i in self.inputs if i.get("name") == "answer" and i.get("type") != "hidden"]

    def shown_answer(self, question: Question, tokens: AnswerTokens) -> object | None:
        """The answer the page shows as chosen, in stored form (tokens read as indices)."""
        kind = question.type_name
        index = tokens.values.index
        if kind in ("single", "true_false"):
            checked = [i["value"] or "" for i in self.answer_inputs() if "checked" in i]
            if not checked:
                return None
            return (checked[0] == "true") if kind == "true_false" else index(checked[0])
        if kind == "multiple":
            return sorted(index(i["value"] or "") for i in self.answer_inputs() if "checked" in i)
        if kind in ("short", "numeric"):
            return self.answer_inputs()[0].get("value") or None
        chosen = {}
        for select in self.selects:
            name = select["attrs"]["name"].partition("-")[2]
            selected = [o["value"] for o in select["options"] if o["selected"] and o["value"]]
            if not selected:
                continue
            if kind == "matching":
                chosen[name] = index(selected[0])
            else:
                chosen[str(index(name))] = int(selected[0])
        return chosen or None


def _form_of(app: Flask, world: ClassWorld, position: int, *, wrong: bool) -> dict:
    item = _questions(app, world.attempt_id)[position]
    question = item.question
    return answer_form(item, wrong_answer(question) if wrong else correct_answer(question))


def _plain(text: str) -> str:
    """Markdown emphasis and code marks removed, whitespace collapsed."""
    return " ".join(re.sub(r"[*_`]", "", text).split())


# ------------------------------------------------------------------------ taking an attempt


def test_question_page_shows_where_you_are_and_the_prompt_as_legend(
    app: Flask, clock: Clock
) -> None:
    world = build_class_world(app, questions=10)
    client = logged_in_client(app)
    shown = _questions(app, world.attempt_id)

    response = client.get(_url(world, 3))

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Question 3 of 10" in page_text(html)
    page = QuestionPage(html)
    assert len(page.fieldsets) == 1
    assert page.legends == [_plain(shown[3].question.prompt)]


def test_every_question_type_renders_its_own_input(
    app: Flask, every_type: ClassWorld, ada: FlaskClient
) -> None:
    seen = set()
    for position, shown in _questions(app, every_type.attempt_id).items():
        question = shown.question
        html = ada.get(_url(every_type, position)).get_data(as_text=True)
        page = QuestionPage(html)
        kind = question.type_name
        seen.add(kind)
        answer_inputs = page.answer_inputs()
        if kind in ("single", "multiple"):
            input_type = "radio" if kind == "single" else "checkbox"
            assert [i["type"] for i in answer_inputs] == [input_type] * len(question.choices)
            labels = [page.labels[i["id"]] for i in answer_inputs]
            assert sorted(labels) == sorted(_plain(c.text) for c in question.choices)
            assert page.selects == []
        elif kind == "true_false":
            assert [(i["type"], i["value"]) for i in answer_inputs] == [
                ("radio", "true"),
                ("radio", "false"),
            ]
            assert [page.labels[i["id"]] for i in answer_inputs] == ["True", "False"]
        elif kind in ("short", "numeric"):
            assert len(answer_inputs) == 1
            field = answer_inputs[0]
            assert field["type"] == "text"
            assert page.labels[field["id"]] == "Your answer"
            if kind == "numeric" and question.unit:
                unit_id = field.get("aria-describedby")
                assert unit_id
                unit = re.search(rf'<span id="{unit_id}"[^>]*>([^<]*)</span>', html)
                assert unit and unit.group(1) == question.unit
                # The unit sits beside the field, inside the same wrapper.
                wrapper = re.search(r'<span class="with-unit">(.*?)</span>\s*</span>', html, re.S)
                assert wrapper and 'name="answer"' in wrapper.group(1)
        elif kind == "matching":
            count = len(question.pairs)
            assert [s["attrs"]["name"] for s in page.selects] == [
                f"match-{i}" for i in range(count)
            ]
            for left, select in enumerate(page.selects):
                assert page.labels[select["attrs"]["id"]] == _plain(question.pairs[left].left)
                values = [o["value"] for o in select["options"] if o["value"]]
                assert sorted(values) == sorted(shown.tokens.values)
                texts = sorted(o["text"] for o in select["options"] if o["value"])
                assert texts == sorted(p.right for p in question.pairs)
        elif kind == "ordering":
            count = len(question.items)
            names = sorted(s["attrs"]["name"] for s in page.selects)
            assert names == sorted(f"position-{token}" for token in shown.tokens.values)
            for select in page.selects:
                values = [o["value"] for o in select["options"] if o["value"]]
                assert values == [str(p) for p in range(1, count + 1)]
    assert seen == set(QUESTION_TYPES)


def test_navigator_marks_answered_and_unanswered_questions(
    world: ClassWorld, ada: FlaskClient
) -> None:
    html = ada.get(_url(world, 2)).get_data(as_text=True)

    navigator = re.findall(r'<button[^>]*value="goto-(\d)"[^>]*>', html)
    assert len(navigator) == 3
    labels = re.findall(r'aria-label="(Question \d, (?:answered|unanswered))"', html)
    assert labels == ["Question 1, answered", "Question 2, unanswered", "Question 3, unanswered"]
    classes = dict(re.findall(r'<button[^>]*value="goto-(\d)"\s+class="([^"]*)"', html))
    assert "answered" in classes["1"].split()
    assert "answered" not in classes["2"].split()
    assert "answered" not in classes["3"].split()
    current = re.search(r'<button[^>]*aria-current="step"[^>]*>', html)
    assert current and 'value="goto-2"' in current.group(0)
    assert re.search(
        r'<button[^>]*name="action"[^>]*value="next"[^>]*>Save and next</button>', html
    )


MOVES = [
    (2, "next", "/questions/3"),
    (2, "previous", "/questions/1"),
    (3, "previous", "/questions/2"),
    (2, "goto-3", "/questions/3"),
    (2, "goto-1", "/questions/1"),
    (2, "goto-99", "/questions/3"),
    (2, "goto-0", "/questions/1"),
    (2, "goto-x", "/questions/3"),
    (2, "finish", "/submit"),
    (3, "next", "/submit"),
    (2, "check", "/questions/2"),
]


def _cleared(app: Flask, world: ClassWorld, position: int) -> dict[str, list[str]]:
    """The question's fields sent empty, as a page with nothing chosen sends them."""
    item = _questions(app, world.attempt_id)[position]
    kind = item.question.type_name
    if kind == "matching":
        return {"match-0": [""]}
    if kind == "ordering":
        return {f"position-{item.tokens.values[0]}": [""]}
    return {"answer": [""]}


def test_save_and_move_stores_the_answer_and_goes_where_asked(
    app: Flask, world: ClassWorld, ada: FlaskClient
) -> None:
    for position, action, destination in MOVES:
        _save(ada, world.attempt_id, position, _cleared(app, world, position), "next")
        assert _stored(app, world.attempt_id).get(position) is None

        response = _save(ada, world.attempt_id, position, world.forms[position], action)

        case = (position, action)
        assert response.status_code == 302, case
        location = response.headers["Location"]
        assert location == f"/student/attempts/{world.attempt_id}{destination}", case
        assert _stored(app, world.attempt_id)[position] == world.keys[position], case


def test_autosave_stores_the_answer_and_says_saved(
    app: Flask, world: ClassWorld, ada: FlaskClient
) -> None:
    response = _autosave(ada, world.attempt_id, 2, world.forms[2])

    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "saved"
    assert set(body) == {"status", "saved_at"}
    assert _stored(app, world.attempt_id)[2] == world.keys[2]

    again = _autosave(ada, world.attempt_id, 2, _form_of(app, world, 2, wrong=True))
    assert again.get_json()["status"] == "saved"
    assert _stored(app, world.attempt_id)[2] == world.wrong[2]


def test_a_worker_that_never_showed_the_question_reads_it_to_save_the_answer(
    app: Flask, world: ClassWorld, ada: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Another worker showed the page; this one's cache of domain questions is empty.
    form = world.forms[3]
    monkeypatch.setattr(question_service, "_DOMAIN_CACHE", {})

    response = _autosave(ada, world.attempt_id, 3, form)

    assert response.get_json()["status"] == "saved"
    assert _stored(app, world.attempt_id)[3] == world.keys[3]
    assert len(question_service._DOMAIN_CACHE) == 1


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/json", '{"answer": "x"}'),
        ("text/plain", "answer=x"),
        (None, ""),
    ],
)
def test_autosave_takes_form_bodies_only_and_keeps_the_saved_answer(
    app: Flask, world: ClassWorld, ada: FlaskClient, content_type: str | None, body: str
) -> None:
    assert _autosave(ada, world.attempt_id, 2, world.forms[2]).status_code == 200
    headers = {"X-CSRFToken": session_token(ada), "Accept": "application/json"}
    if content_type:
        headers["Content-Type"] = content_type

    response = ada.post(_url(world.attempt_id, 2, "/autosave"), data=body, headers=headers)

    assert response.status_code == 415
    assert "form fields" in response.get_json()["message"]
    assert _stored(app, world.attempt_id)[2] == world.keys[2]


@pytest.mark.parametrize(
    ("body", "status"),
    [({}, 415), ({"unrelated": "x"}, 400), ({"match": "0", "position": "1"}, 400)],
)
def test_an_autosave_without_the_questions_fields_keeps_the_saved_answer(
    app: Flask, every_type: ClassWorld, ada: FlaskClient, body: dict, status: int
) -> None:
    attempt_id = every_type.attempt_id
    for position in range(1, 12):
        assert _autosave(ada, attempt_id, position, every_type.forms[position]).status_code == 200
    saved = _stored(app, attempt_id)

    for position in range(1, 12):
        response = _autosave(ada, attempt_id, position, body)
        # An empty body has no form type at all (415); a form without the fields, 400.
        assert response.status_code == status, every_type.types[position]
        assert response.get_json()["message"]
    assert _stored(app, attempt_id) == saved


def test_unticking_every_choice_is_an_answer_the_page_sends(
    app: Flask, every_type: ClassWorld, ada: FlaskClient
) -> None:
    position = next(p for p, t in every_type.types.items() if t == "multiple")
    _save(ada, every_type.attempt_id, position, every_type.forms[position])
    html = ada.get(_url(every_type.attempt_id, position)).get_data(as_text=True)
    # The page always sends the field, so a form with every box unticked still says so.
    assert re.search(r'<input type="hidden" name="answer" value=""', html)

    _autosave(ada, every_type.attempt_id, position, {"answer": [""]})

    assert _stored(app, every_type.attempt_id)[position] is None


def test_resuming_in_another_browser_shows_every_saved_answer(
    app: Flask, every_type: ClassWorld, ada: FlaskClient
) -> None:
    shown = _questions(app, every_type.attempt_id)
    plan = {}
    for position, item in shown.items():
        question = item.question
        plan[position] = wrong_answer(question) if position % 2 else correct_answer(question)
        if position % 3 == 0:
            _autosave(ada, every_type.attempt_id, position, answer_form(item, plan[position]))
        else:
            _save(ada, every_type.attempt_id, position, answer_form(item, plan[position]))
    assert _stored(app, every_type.attempt_id) == plan

    other_browser = logged_in_client(app, "ada@example.com")
    for position, item in shown.items():
        page = QuestionPage(other_browser.get(_url(every_type, position)).get_data(as_text=True))
        shown = page.shown_answer(item.question, item.tokens)
        assert shown == plan[position], item.question.type_name


def test_choice_order_is_shuffled_per_attempt_and_stable_on_reload(
    app: Flask, every_type: ClassWorld, ada: FlaskClient
) -> None:
    with app.app_context():
        quiz = db.session.get(Quiz, every_type.quiz_id)
        bob_attempt = start(quiz, db.session.get(User, every_type.bob_id), seed=2).id
    bob = logged_in_client(app, "bob@example.com")
    ada_questions = _questions(app, every_type.attempt_id)
    bob_positions = {s.question_id: s.position for s in _questions(app, bob_attempt).values()}

    def rendered(client: FlaskClient, attempt_id: int, position: int) -> list[tuple[str, str]]:
        """(label, submitted value) of each choice, in the order shown."""
        html = client.get(_url(attempt_id, position)).get_data(as_text=True)
        page = QuestionPage(html)
        return [(page.labels[i["id"] or ""], i["value"] or "") for i in page.answer_inputs()]

    differs = shuffled = 0
    for position, item in ada_questions.items():
        if item.question.type_name not in ("single", "multiple"):
            continue
        first = rendered(ada, every_type.attempt_id, position)
        assert rendered(ada, every_type.attempt_id, position) == first  # reload
        choices = item.question.choices
        assert first == [
            (_plain(choices[i].text), item.tokens.values[i]) for i in item.display_order
        ]
        labels = [label for label, _ in first]
        shuffled += labels != [_plain(c.text) for c in choices]
        other = rendered(bob, bob_attempt, bob_positions[item.question_id])
        assert sorted(label for label, _ in other) == sorted(labels)
        # Another attempt submits other values for the same choices.
        assert not {v for _, v in other} & {v for _, v in first}
        differs += [label for label, _ in other] != labels
    assert shuffled, "no choice question was shown in a shuffled order"
    assert differs, "two attempts showed every choice question in the same order"


def _leaks(html: str, question: Question) -> list[str]:
    """Everything on the page that gives away the answer to ``question``."""
    text = normalise_text(page_text(html))
    # Prompts and options often quote the article, as evidence does: a run of words the
    # question itself shows is no leak.
    own = " | ".join(
        [
            question.prompt,
            *(c.text for c in getattr(question, "choices", ())),
            *(p.left + " | " + p.right for p in getattr(question, "pairs", ())),
            *getattr(question, "items", ()),
        ]
    )
    own = normalise_text(_plain(own))
    found = []
    for name, value in (("explanation", question.explanation), ("evidence", question.evidence)):
        for window in word_windows(value or ""):
            if window in text and window not in own:
                found.append(f"{name}: {window!r}")
                break
    feedback = [c.feedback for c in getattr(question, "choices", ()) if c.feedback]
    feedback += [getattr(question, f, "") for f in ("feedback_true", "feedback_false")]
    for entry in filter(None, feedback):
        for window in word_windows(entry, 4):
            if window in text and window not in own:
                found.append(f"choice feedback: {window!r}")
                break
    if question.type_name in ("short", "numeric", "matching", "ordering"):
        key = describe_key(question)
        if key in text and key not in _plain(question.prompt):
            found.append(f"answer key {key!r}")
    for marker in ("Right answer", "Why", "Correct", "Incorrect", "Partially correct"):
        if re.search(rf"\b{marker}\b", text) and marker not in own:
            found.append(f"marker {marker!r}")
    for tag in re.findall(r"<[a-z][^>]*>", html):
        # What the learner typed may say anything; the page's own markup may not.
        markup = re.sub(r'\svalue="[^"]*"', "", tag)
        if re.search(r"correct|feedback-|data-key|data-answer", markup, re.I):
            found.append(f"tag {tag}")
    return found


def test_question_pages_never_reveal_the_answer_before_it_is_final(
    app: Flask, every_type: ClassWorld, ada: FlaskClient
) -> None:
    shown = _questions(app, every_type.attempt_id)
    leaks = {}
    for position, item in shown.items():
        # Save the right answer first: the page must not tell that it is right either.
        save = _save(ada, every_type.attempt_id, position, every_type.forms[position], "check")
        assert save.status_code == 302
        html = ada.get(_url(every_type, position)).get_data(as_text=True)
        found = _leaks(html, item.question)
        if found:
            leaks[f"{position} {item.question.type_name}"] = found
    assert leaks == {}

    # Control: once submitted, the review shows the explanations and evidence that the
    # check above looked for, so the check does find them when they are there.
    _submit(ada, every_type.attempt_id)
    review = normalise_text(page_text(ada.get(_url(every_type)).get_data(as_text=True)))
    for item in shown.values():
        assert any(w in review for w in word_windows(item.question.explanation or "")), (
            item.question.id
        )
        assert any(w in review for w in word_windows(item.question.evidence or "")), (
            item.question.id
        )


# ----------------------------------------------------------------------------- tampering


# "<0>" stands for the token of the part with bank index 0 on the page being tampered with.
TAMPERED = {
    "single": [
        ({"answer": "0"}, "not one of this question's options"),
        ({"answer": "99"}, "not one of this question's options"),
        ({"answer": "-1"}, "not one of this question's options"),
        ({"answer": "first"}, "not one of this question's options"),
        ({"answer": "1.0"}, "not one of this question's options"),
        ({"answer": "01"}, "not one of this question's options"),
        ({"answer": "9" * 40}, "not one of this question's options"),
        ({"answer": ["<0>", "<1>"]}, "Only one answer can be chosen"),
    ],
    "multiple": [
        ({"answer": ["<0>", "99"]}, "not one of this question's options"),
        ({"answer": ["0", "1"]}, "not one of this question's options"),
        ({"answer": ["-1"]}, "not one of this question's options"),
        ({"answer": ["zero"]}, "not one of this question's options"),
    ],
    "true_false": [
        ({"answer": "yes"}, "neither True nor False"),
        ({"answer": ["true", "false"]}, "Only one answer can be chosen"),
    ],
    "matching": [
        ({"match-0": "0"}, "not one of this question's options"),
        ({"match-0": "99"}, "not one of this question's options"),
        ({"match-0": "-1"}, "not one of this question's options"),
        ({"match-0": "x"}, "not one of this question's options"),
        ({"match-99": "<0>"}, "not one of this question's items"),
        ({"match-abc": "<0>"}, "not one of this question's items"),
    ],
    "ordering": [
        ({"position-<0>": "99"}, "Position 99 does not exist"),
        ({"position-<0>": "0"}, "Position 0 does not exist"),
        ({"position-<0>": "-1"}, "Choose a position from 1 to"),
        ({"position-<0>": "first"}, "Choose a position from 1 to"),
        ({"position-0": "1"}, "not one of this question's items"),
        ({"position-99": "1"}, "not one of this question's items"),
    ],
    "short": [
        ({"answer": "x" * 501}, "longer than 500 characters"),
        ({"answer": "bad\x00byte"}, "control character"),
    ],
    "numeric": [
        ({"answer": "1" * 101}, "longer than 100 characters"),
    ],
}


def _with_tokens(form: dict, tokens: AnswerTokens) -> dict:
    """``form`` with every "<i>" in names and values replaced by the token of part i."""

    def fill(text: str) -> str:
        return re.sub(r"<(\d+)>", lambda m: tokens.values[int(m[1])], text)

    return {
        fill(name): [fill(v) for v in value] if isinstance(value, list) else fill(value)
        for name, value in form.items()
    }


def test_tampered_answers_get_a_clear_400_and_keep_the_saved_answer(
    app: Flask, every_type: ClassWorld, ada: FlaskClient
) -> None:
    attempt_id = every_type.attempt_id
    for position in range(1, 12):
        assert _save(ada, attempt_id, position, every_type.forms[position]).status_code == 302
    saved = _stored(app, attempt_id)
    token = session_token(ada)
    questions = _questions(app, attempt_id)

    for kind, cases in TAMPERED.items():
        position = next(p for p, t in every_type.types.items() if t == kind)
        for template, message in cases:
            form = _with_tokens(template, questions[position].tokens)
            response = ada.post(
                _url(attempt_id, position), data={**form, "action": "next", "csrf_token": token}
            )
            html = response.get_data(as_text=True)
            assert response.status_code == 400, (kind, form, response.status_code)
            alert = re.search(r'<div class="error-summary" role="alert">(.*?)</div>', html, re.S)
            assert alert, (kind, form)
            assert message in page_text(alert.group(1)), (kind, form, page_text(alert.group(1)))
            assert "Your answer was not saved." in page_text(alert.group(1))
            # The page still shows the question and the answer saved before.
            item = questions[position]
            shown = QuestionPage(html).shown_answer(item.question, item.tokens)
            assert shown == every_type.keys[position], (kind, form)
            assert _stored(app, attempt_id) == saved, (kind, form)

            autosaved = _autosave(ada, attempt_id, position, form)
            assert autosaved.status_code == 400, (kind, form, autosaved.status_code)
            assert message in autosaved.get_json()["message"], (kind, form)
            assert _stored(app, attempt_id) == saved, (kind, form)


def test_a_body_over_the_size_limit_is_refused_without_an_error_page(
    app: Flask, world: ClassWorld, ada: FlaskClient
) -> None:
    before = _stored(app, world.attempt_id)
    huge = "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)

    response = _save(ada, world.attempt_id, 2, {"answer": huge})

    assert response.status_code == 413
    assert "Traceback" not in response.get_data(as_text=True)
    assert _stored(app, world.attempt_id) == before


def test_numeric_overflow_and_nan_are_saved_but_grade_zero(
    app: Flask, every_type: ClassWorld, ada: FlaskClient
) -> None:
    attempt_id = every_type.attempt_id
    # The first two of the section's numeric questions.
    first, second = [p for p, t in every_type.types.items() if t == "numeric"][:2]
    for typed in ("inf", "-1e999", "Infinity", "1e999"):
        assert _save(ada, attempt_id, first, {"answer": typed}).status_code == 302, typed
        assert _stored(app, attempt_id)[first] == typed
    assert _autosave(ada, attempt_id, second, {"answer": "NaN"}).status_code == 200

    assert _submit(ada, attempt_id).status_code == 302

    with app.app_context():
        rows = reload_attempt(attempt_id).questions
        assert rows[first - 1].response.fraction == 0.0
        assert rows[second - 1].response.fraction == 0.0
    result = ada.get(_url(attempt_id))
    assert result.status_code == 200
    sections = _review_sections(result.get_data(as_text=True))
    for position, typed in ((first, "1e999"), (second, "NaN")):
        assert "Incorrect" in page_text(sections[position])
        assert _definition(sections[position], "Your answer") == typed


def test_a_form_without_the_questions_fields_keeps_the_saved_answer(
    app: Flask, world: ClassWorld, ada: FlaskClient
) -> None:
    saved = _stored(app, world.attempt_id)[1]
    assert saved is not None

    response = _save(ada, world.attempt_id, 1, {})

    # Nothing arrived, so nothing changes; the learner still moves on.
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/questions/2")
    assert _stored(app, world.attempt_id)[1] == saved


def test_the_questions_fields_sent_empty_leave_it_unanswered(
    app: Flask, world: ClassWorld, ada: FlaskClient
) -> None:
    assert _stored(app, world.attempt_id)[1] is not None

    response = _save(ada, world.attempt_id, 1, _cleared(app, world, 1))

    assert response.status_code == 302
    assert _stored(app, world.attempt_id)[1] is None
    html = ada.get(_url(world, 2)).get_data(as_text=True)
    assert 'aria-label="Question 1, unanswered"' in html
    confirm = page_text(ada.get(_url(world, suffix="/submit")).get_data(as_text=True))
    assert "3 of 3 questions unanswered" in confirm


def test_a_question_number_outside_the_attempt_is_not_found(
    world: ClassWorld, ada: FlaskClient
) -> None:
    token = session_token(ada)
    for position in (0, 4, 999):
        assert ada.get(_url(world, position)).status_code == 404
        posted = ada.post(_url(world, position), data={"csrf_token": token, "answer": "0"})
        assert posted.status_code == 404
    assert ada.get(f"/student/attempts/{world.attempt_id}/questions/-1").status_code == 404
    assert ada.get("/student/attempts/999999/questions/1").status_code == 404


def test_posting_to_a_submitted_attempt_goes_to_the_result_and_changes_nothing(
    app: Flask, world: ClassWorld, ada: FlaskClient
) -> None:
    _submit(ada, world.attempt_id)
    before = (_stored(app, world.attempt_id), _attempt(app, world.attempt_id))
    token = session_token(ada)

    response = ada.post(
        _url(world, 2), data={**world.forms[2], "action": "next", "csrf_token": token}
    )

    assert response.status_code == 302
    assert response.headers["Location"] == _url(world)
    flashes = _flashes(ada.get(_url(world)).get_data(as_text=True))
    assert any("already submitted" in f for f in flashes), flashes
    autosaved = _autosave(ada, world.attempt_id, 2, world.forms[2])
    assert autosaved.status_code == 409
    assert autosaved.get_json()["redirect"] == _url(world)
    assert ada.get(_url(world, 2)).headers["Location"] == _url(world)
    assert (_stored(app, world.attempt_id), _attempt(app, world.attempt_id)) == before


# ----------------------------------------------------------------------------- the timer


@pytest.fixture
def timed(app: Flask, clock: Clock) -> ClassWorld:
    """A 10-minute quiz started at NOW by Ada; Bob gets 5 minutes more."""
    return build_class_world(app, time_limit_seconds=600, bob_extra_seconds=300)


def test_the_question_page_shows_the_deadline(
    timed: ClassWorld, ada: FlaskClient, clock: Clock
) -> None:
    clock.now = NOW + dt.timedelta(minutes=1)

    html = ada.get(_url(timed, 1)).get_data(as_text=True)

    deadline = (NOW + dt.timedelta(minutes=10)).isoformat()
    assert f'data-deadline="{deadline}"' in html
    assert "until 09:10 UTC" in html


def test_an_answer_after_the_deadline_and_grace_is_refused_and_the_attempt_submitted(
    app: Flask, timed: ClassWorld, ada: FlaskClient, clock: Clock
) -> None:
    clock.now = NOW + dt.timedelta(seconds=590)
    token = session_token(ada)

    # In time, and within the 15 s grace for an answer in flight: saved.
    for seconds, position in ((600, 2), (615, 3)):
        clock.now = NOW + dt.timedelta(seconds=seconds)
        response = ada.post(
            _url(timed, position),
            data={**timed.forms[position], "action": "next", "csrf_token": token},
        )
        assert response.status_code == 302, seconds
        assert _stored(app, timed.attempt_id)[position] == timed.keys[position], seconds
        assert _attempt(app, timed.attempt_id)["state"] is AttemptState.IN_PROGRESS
    before = _stored(app, timed.attempt_id)

    clock.now = NOW + dt.timedelta(seconds=616)
    response = ada.post(
        _url(timed, 1), data={**timed.forms[1], "action": "next", "csrf_token": token}
    )

    assert response.status_code == 302
    assert response.headers["Location"] == _url(timed)
    assert _stored(app, timed.attempt_id) == before
    state = _attempt(app, timed.attempt_id)
    assert state["state"] is AttemptState.SUBMITTED
    assert state["automatically"] is True
    with app.app_context():
        points = [item.question.points for item in items_of(reload_attempt(timed.attempt_id))]
    assert state["score"] == points[1] + points[2]  # graded on what was saved in time
    html = ada.get(_url(timed)).get_data(as_text=True)
    # The refusal says the change was not saved and why, and so does the result page.
    assert any("Time is up" in f and "not saved" in f for f in _flashes(html)), _flashes(html)
    assert "Time ran out" in html
    # The attempt ended at its deadline, not when the late answer arrived.
    with app.app_context():
        attempt = reload_attempt(timed.attempt_id)
        assert attempt.submitted_at == attempt.deadline_at


def test_autosave_after_the_deadline_is_refused_with_a_redirect(
    app: Flask, timed: ClassWorld, ada: FlaskClient, clock: Clock
) -> None:
    clock.now = NOW + dt.timedelta(seconds=700)

    response = _autosave(ada, timed.attempt_id, 2, timed.forms[2])

    assert response.status_code == 409
    assert response.get_json()["redirect"] == _url(timed)
    assert "Time is up" in response.get_json()["message"]
    assert _attempt(app, timed.attempt_id)["state"] is AttemptState.SUBMITTED
    assert _stored(app, timed.attempt_id).get(2) is None


def test_an_abandoned_attempt_is_finalised_when_the_student_comes_back(
    app: Flask, timed: ClassWorld, ada: FlaskClient, clock: Clock
) -> None:
    clock.now = NOW + dt.timedelta(hours=2)

    html = ada.get("/student/").get_data(as_text=True)

    state = _attempt(app, timed.attempt_id)
    assert state["state"] is AttemptState.SUBMITTED
    assert state["automatically"] is True
    assert state["score"] == 0
    assert f'href="/student/attempts/{timed.attempt_id}"' in html
    assert "Resume Economy check" not in html
    assert _stored(app, timed.attempt_id)[1] == timed.wrong[1]


def test_the_result_page_submits_when_the_countdown_ends(
    app: Flask, timed: ClassWorld, ada: FlaskClient, clock: Clock
) -> None:
    clock.now = NOW + dt.timedelta(seconds=600)

    response = ada.get(_url(timed))

    assert response.status_code == 200
    assert "Score: 0 / " in page_text(response.get_data(as_text=True))
    assert _attempt(app, timed.attempt_id)["automatically"] is True


def test_extra_time_extends_one_students_deadline(
    app: Flask, timed: ClassWorld, clock: Clock
) -> None:
    with app.app_context():
        quiz = db.session.get(Quiz, timed.quiz_id)
        bob_attempt = start(quiz, db.session.get(User, timed.bob_id)).id
    bob = logged_in_client(app, "bob@example.com")
    clock.now = NOW + dt.timedelta(seconds=600 + 60)
    token = session_token(bob)
    item = _questions(app, bob_attempt)[1]
    question = item.question
    form = answer_form(item, correct_answer(question))

    saved = bob.post(_url(bob_attempt, 1), data={**form, "action": "next", "csrf_token": token})

    assert saved.status_code == 302
    assert saved.headers["Location"] == _url(bob_attempt, 2)
    assert _stored(app, bob_attempt)[1] == correct_answer(question)
    clock.now = NOW + dt.timedelta(seconds=900 + 16)
    late = bob.post(_url(bob_attempt, 2), data={**form, "action": "next", "csrf_token": token})
    assert late.headers["Location"] == _url(bob_attempt)
    assert _attempt(app, bob_attempt)["automatically"] is True


# ----------------------------------------------------------------------------- submitting


def test_the_confirmation_page_says_what_is_unanswered(world: ClassWorld, ada: FlaskClient) -> None:
    html = ada.get(_url(world, suffix="/submit")).get_data(as_text=True)

    text = page_text(html)
    assert "2 of 3 questions unanswered: question 2, question 3." in text
    assert 'value="Submit quiz"' in html
    assert f'href="{_url(world, 2)}"' in html

    for position in (2, 3):
        _save(ada, world.attempt_id, position, world.forms[position])
    text = page_text(ada.get(_url(world, suffix="/submit")).get_data(as_text=True))
    assert "You have answered all 3 questions." in text
    assert "unanswered" not in text


def _cards(app: Flask, student_id: int) -> dict[int, tuple[int, dt.datetime, float | None]]:
    with app.app_context():
        return {
            card.question_id: (card.review_count, card.due_at, card.last_fraction)
            for card in db.session.execute(
                db.select(ReviewCard).where(ReviewCard.student_id == student_id)
            ).scalars()
        }


def test_submitting_twice_grades_once(
    app: Flask, world: ClassWorld, ada: FlaskClient, clock: Clock
) -> None:
    _save(ada, world.attempt_id, 2, world.forms[2])

    first = _submit(ada, world.attempt_id)
    after_first = (_attempt(app, world.attempt_id), _cards(app, world.ada_id))
    clock.advance(minutes=30)
    second = _submit(ada, world.attempt_id)

    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"] == _url(world)
    assert after_first[0]["state"] is AttemptState.SUBMITTED
    assert len(after_first[1]) == 3
    assert {count for count, _, _ in after_first[1].values()} == {1}
    assert (_attempt(app, world.attempt_id), _cards(app, world.ada_id)) == after_first
    assert ada.get(_url(world, suffix="/submit")).headers["Location"] == _url(world)


def _review_sections(html: str) -> dict[int, str]:
    return {
        int(position): body
        for position, body in re.findall(
            r'<section aria-labelledby="review-(\d+)">(.*?)</section>', html, re.S
        )
    }


def _definition(section_html: str, term: str) -> str | None:
    found = re.search(rf"<dt>{term}</dt><dd>(.*?)</dd>", section_html, re.S)
    return page_text(found.group(1)) if found else None


def test_the_result_page_reviews_every_question(
    app: Flask, every_type: ClassWorld, ada: FlaskClient
) -> None:
    attempt_id = every_type.attempt_id
    shown = _questions(app, attempt_id)
    plan: dict[int, tuple[object | None, float]] = {}
    for position, item in shown.items():
        question = item.question
        if question.type_name == "matching":
            plan[position] = (partial_answer(question), 1 / len(question.pairs))
        elif position == 11:
            plan[position] = (None, 0.0)
        elif position % 2:
            plan[position] = (correct_answer(question), 1.0)
        else:
            plan[position] = (wrong_answer(question), 0.0)
        if plan[position][0] is not None:
            _save(ada, attempt_id, position, answer_form(item, plan[position][0]))
        else:
            _save(ada, attempt_id, position, {})
    _submit(ada, attempt_id)

    html = ada.get(_url(attempt_id)).get_data(as_text=True)

    earned = sum(shown[p].question.points * fraction for p, (_, fraction) in plan.items())
    possible = sum(item.question.points for item in shown.values())
    assert f"Score: {format_number(earned)} / {format_number(possible)}" in page_text(html)
    sections = _review_sections(html)
    assert sorted(sections) == list(range(1, 12))
    outcomes = {1.0: "Correct", 0.0: "Incorrect"}
    for position, (stored, fraction) in plan.items():
        question = shown[position].question
        section = sections[position]
        outcome = re.search(r'<p class="outcome"><strong>([^<]+)</strong>', section)
        assert outcome and outcome.group(1) == outcomes.get(fraction, "Partially correct")
        marks = f"{format_number(question.points * fraction)} of {format_number(question.points)}"
        assert f"— {marks} mark" in page_text(section), section
        assert _definition(section, "Your answer") == _plain(describe_answer(question, stored))
        assert _definition(section, "Right answer") == _plain(describe_key(question))
        assert _definition(section, "Why") == _plain(question.explanation or "")
        quote = re.search(r"<blockquote>(.*?)</blockquote>", section, re.S)
        assert quote and page_text(quote.group(1)) == " ".join((question.evidence or "").split())
        link = re.search(r'<a href="([^"]+)">Read in the article</a>', section)
        assert link, position
    single = next(p for p, item in shown.items() if item.question.type_name == "single")
    right_choice = next(c.text for c in shown[single].question.choices if c.correct)
    assert _definition(sections[single], "Right answer") == _plain(right_choice)
    assert _definition(sections[11], "Your answer") == "No answer"


def test_read_in_the_article_highlights_the_evidence(
    app: Flask, every_type: ClassWorld, ada: FlaskClient
) -> None:
    attempt_id = every_type.attempt_id
    shown = _questions(app, attempt_id)
    _submit(ada, attempt_id)
    sections = _review_sections(ada.get(_url(attempt_id)).get_data(as_text=True))

    missing = []
    for position, item in shown.items():
        href = re.search(r'<a href="([^"]+)">Read in the article</a>', sections[position])
        target = href.group(1).replace("&amp;", "&")
        assert target.startswith(f"/articles/{every_type.article_slug}?")
        assert target.endswith("#evidence")
        html = ada.get(target.partition("#")[0]).get_data(as_text=True)
        mark = re.search(r'<mark id="evidence"[^>]*>(.*?)</mark>', html, re.S)
        if mark is None:
            missing.append(item.question.id)
            continue
        assert html.count('<mark id="evidence"') == 1
        assert normalise_text(page_text(mark.group(1))) == normalise_text(
            item.question.evidence or ""
        )
        # The highlight is inside the question's section of the article.
        section_start = html.index(f'<section id="{ECONOMY}"')
        section_end = html.index("</section>", section_start)
        assert section_start < mark.start() < section_end
    assert missing == []


# --------------------------------------------------------------------------- feedback timing


def test_after_submit_quizzes_show_no_feedback_before_submission(
    app: Flask, world: ClassWorld, ada: FlaskClient
) -> None:
    html = ada.get(_url(world, 2)).get_data(as_text=True)
    assert "Check answer" not in html

    response = _save(ada, world.attempt_id, 2, world.forms[2], "check")

    assert response.status_code == 302
    page = ada.get(_url(world, 2)).get_data(as_text=True)
    assert "Right answer" not in page
    assert 'class="feedback' not in page
    assert "disabled" not in page
    # Not locked either: the answer can still change.
    _save(ada, world.attempt_id, 2, _form_of(app, world, 2, wrong=True))
    assert _stored(app, world.attempt_id)[2] == world.wrong[2]


def _start_practice(client: FlaskClient, world: ClassWorld, count: int = 3) -> int:
    token = session_token(client)
    response = client.post(
        "/student/practice",
        data={
            "csrf_token": token,
            "section": f"section-{world.section_ids[ECONOMY]}",
            "question_count": str(count),
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(re.search(r"/attempts/(\d+)/", response.headers["Location"]).group(1))


def test_practice_keeps_the_keys_of_a_live_class_quiz_until_it_closes(
    app: Flask, world: ClassWorld, ada: FlaskClient
) -> None:
    # The class quiz draws from the economy section, which Ada practises.
    attempt_id = _start_practice(ada, world)
    first = _questions(app, attempt_id)[1]
    question = first.question

    checked = _save(ada, attempt_id, 1, answer_form(first, correct_answer(question)), "check")

    html = ada.get(checked.headers["Location"]).get_data(as_text=True)
    assert "Correct" in page_text(html)  # right or wrong, she learns
    assert _definition(html, "Right answer") is None
    assert _definition(html, "Why") is None
    assert '<figure class="evidence">' not in html
    assert "Read in the article" not in html
    assert "may ask this question" in page_text(html)
    # The evidence is not marked in the article either.
    article = ada.get(f"/articles/{world.article_slug}?attempt={attempt_id}&question=1")
    assert "<mark" not in article.get_data(as_text=True)

    # Once the quiz has closed, the key, the explanation and the evidence show.
    with app.app_context():
        db.session.get(Quiz, world.quiz_id).closes_at = NOW - dt.timedelta(minutes=1)
        db.session.commit()
    html = ada.get(checked.headers["Location"]).get_data(as_text=True)
    assert _definition(html, "Right answer") == _plain(describe_key(question))
    assert "Read in the article" in html
    article = ada.get(f"/articles/{world.article_slug}?attempt={attempt_id}&question=1")
    assert "<mark" in article.get_data(as_text=True)


def test_a_teacher_can_let_practice_show_a_live_quizs_keys(
    app: Flask, world: ClassWorld, ada: FlaskClient
) -> None:
    _let_practice_show_keys(app, world)
    attempt_id = _start_practice(ada, world)
    first = _questions(app, attempt_id)[1]

    checked = _save(ada, attempt_id, 1, answer_form(first, correct_answer(first.question)), "check")

    html = ada.get(checked.headers["Location"]).get_data(as_text=True)
    assert _definition(html, "Right answer") == _plain(describe_key(first.question))


def _let_practice_show_keys(app: Flask, world: ClassWorld, allowed: bool = True) -> None:
    """What the teacher's "let practice show the answers" box does to the class quiz."""
    with app.app_context():
        db.session.get(Quiz, world.quiz_id).keys_in_practice = allowed
        db.session.commit()


def test_practice_shows_feedback_after_check_and_then_locks_the_answer(
    app: Flask, world: ClassWorld, ada: FlaskClient
) -> None:
    _let_practice_show_keys(app, world)
    attempt_id = _start_practice(ada, world)
    first = _questions(app, attempt_id)[1]
    question = first.question
    before = ada.get(_url(attempt_id, 1)).get_data(as_text=True)
    assert re.search(r'<button[^>]*value="check"[^>]*>Check answer</button>', before)
    assert _leaks(before, question) == []

    checked = _save(ada, attempt_id, 1, answer_form(first, correct_answer(question)), "check")

    assert checked.status_code == 302
    assert checked.headers["Location"] == _url(attempt_id, 1)
    html = ada.get(_url(attempt_id, 1)).get_data(as_text=True)
    assert re.search(r'<p class="outcome"><strong>Correct</strong>', html)
    assert _definition(html, "Right answer") == _plain(describe_key(question))
    text = normalise_text(page_text(html))
    assert any(w in text for w in word_windows(question.explanation or ""))
    assert re.search(r'<fieldset class="question"\s+disabled', html)
    assert "Check answer" not in html
    # The checked answer is final: neither a form post nor autosave changes it.
    wrong = answer_form(first, wrong_answer(question))
    assert _save(ada, attempt_id, 1, wrong).status_code == 302
    assert _stored(app, attempt_id)[1] == correct_answer(question)
    locked = _autosave(ada, attempt_id, 1, wrong)
    assert locked.status_code == 409
    assert "can no longer change" in locked.get_json()["message"]
    assert _stored(app, attempt_id)[1] == correct_answer(question)
    # The attempt itself goes on.
    assert _attempt(app, attempt_id)["state"] is AttemptState.IN_PROGRESS
    other = _questions(app, attempt_id)[2]
    assert (
        _autosave(
            ada, attempt_id, 2, answer_form(other, correct_answer(other.question))
        ).status_code
        == 200
    )


def test_checking_without_an_answer_reveals_nothing(
    app: Flask, world: ClassWorld, ada: FlaskClient
) -> None:
    attempt_id = _start_practice(ada, world)
    question = _questions(app, attempt_id)[1].question

    _save(ada, attempt_id, 1, {}, "check")

    html = ada.get(_url(attempt_id, 1)).get_data(as_text=True)
    assert _leaks(html, question) == []
    assert "Check answer" in html


# ---------------------------------------------------------------------------- query counts


def _measure(client: FlaskClient, count_queries, attempt_id: int, form: dict) -> dict[str, int]:
    """Statements run by the question page, an autosave and the result page."""
    counts = {}
    client.get(_url(attempt_id, 2))  # warm-up: the same page once before counting
    with count_queries() as counter:
        assert client.get(_url(attempt_id, 2)).status_code == 200
    counts["question page"] = counter.count

    token = session_token(client)
    headers = {"X-CSRFToken": token}
    assert (
        client.post(_url(attempt_id, 2, "/autosave"), data=form, headers=headers).status_code == 200
    )
    with count_queries() as counter:
        response = client.post(_url(attempt_id, 2, "/autosave"), data=form, headers=headers)
        assert response.status_code == 200
    counts["autosave"] = counter.count

    client.post(_url(attempt_id, suffix="/submit"), data={"csrf_token": token})
    client.get(_url(attempt_id))
    with count_queries() as counter:
        assert client.get(_url(attempt_id)).status_code == 200
    counts["result page"] = counter.count
    return counts


@WHOLE_BANK
def test_attempt_pages_run_a_fixed_number_of_queries(
    app: Flask, world: ClassWorld, ada: FlaskClient, count_queries
) -> None:
    small = _measure(ada, count_queries, world.attempt_id, world.forms[2])

    with app.app_context():
        quiz = db.session.get(Quiz, world.quiz_id)
        school_class = db.session.get(SchoolClass, world.class_id)
        for n in range(5):
            other = create_student(f"student{n}@example.com", f"Student {n}")
            enrol(other, school_class)
            submitted_attempt_for(quiz, other, seed=10 + n, right=n % 3)
        long_quiz = create_assessment(
            db.session.get(User, world.teacher_id),
            school_class,
            db.session.get(Article, world.article_id),
            rules=[RuleSpec(question_count=20)],
            title="Long quiz",
        )
        big = start(long_quiz, db.session.get(User, world.ada_id), seed=3)
        big_id = big.id
        assert len(big.questions) == 20
        second = items_of(big)[1]
        big_form = answer_form(second, correct_answer(second.question))

    large = _measure(ada, count_queries, big_id, big_form)

    assert large == small
    # The question page: the user, then the attempt with its one question (attempt_slot).
    # The save: the user, the write lock (SQLite's BEGIN IMMEDIATE), the locked attempt
    # with its question, the upsert. The result page: the user, the attempt, its questions.
    assert small["question page"] <= 2, small
    assert small["autosave"] <= 4, small
    assert small["result page"] <= 3, small


@WHOLE_BANK
def test_starting_a_quiz_runs_a_fixed_number_of_queries(
    app: Flask, world: ClassWorld, count_queries
) -> None:
    # An exam opening is hundreds of these at once: each statement is a round trip.
    with app.app_context():
        school_class = db.session.get(SchoolClass, world.class_id)
        teacher = db.session.get(User, world.teacher_id)
        article = db.session.get(Article, world.article_id)
        quizzes = [
            create_assessment(
                teacher, school_class, article, rules=[RuleSpec(question_count=n)], title=title
            ).id
            for n, title in ((3, "Short quiz"), (20, "Long quiz"))
        ]
        for version in db.session.scalars(db.select(QuestionVersion)):
            # Every version built once, as a worker that has served a while has them.
            question_service.version_to_domain(version, version.question.bank_id)
    counts = []
    for quiz_id in quizzes:
        client = logged_in_client(app, "ada@example.com")
        token = session_token(client)
        with count_queries() as counter:
            started = client.post(f"/student/quizzes/{quiz_id}/start", data={"csrf_token": token})
            assert started.status_code == 302, started.status_code
        counts.append(counter.count)

    # The user; the quiz with its rules; SQLite's BEGIN IMMEDIATE; the attempt in
    # progress, enrolment, extra time and attempts made; the candidates with their
    # versions and how often this student saw each; the attempt's INSERT; its questions'.
    assert counts[0] == counts[1] <= 7, counts
