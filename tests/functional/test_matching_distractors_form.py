"""Matching questions with extra answers (distractors) and shared rights, written and
edited through the teacher's form and shown on the question page."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from tests.functional.test_teacher_questions import (
    World,
    current_mapping,
    field_error,
    form_data,
    new_url,
    post_form,
    saved_id,
    versions,
)

# The fixtures of the teacher's question pages.
from tests.functional.test_teacher_questions import teacher as teacher
from tests.functional.test_teacher_questions import world as world

TYPED = {
    "prompt": "Match each drink to where it grows.",
    "pairs-0-left": "Tea",
    "pairs-0-right": "Asia",
    "pairs-1-left": "Coffee",
    "pairs-1-right": "Africa",
    "pairs-2-left": "Rooibos",
    "pairs-2-right": "Africa",
    "distractors-0-text": "Antarctica",
}
SAVED = {
    "type": "matching",
    "prompt": "Match each drink to where it grows.",
    "pairs": [
        {"left": "Tea", "right": "Asia"},
        {"left": "Coffee", "right": "Africa"},
        {"left": "Rooibos", "right": "Africa"},
    ],
    "distractors": ["Antarctica"],
}


def create(world: World, teacher: FlaskClient, typed: dict[str, str]) -> int:
    section = {"section": str(world.sections["the-tea-trade"])}
    return saved_id(post_form(teacher, new_url(world, "matching"), {**section, **typed}))


def test_distractors_and_a_shared_right_are_written_and_edited_through_the_form(
    app: Flask, world: World, teacher: FlaskClient
) -> None:
    question_id = create(world, teacher, TYPED)

    assert current_mapping(app, question_id) == SAVED

    # The edit form shows them as saved; saving it unchanged adds no version.
    edit_url = f"/teacher/questions/{question_id}/edit"
    shown = form_data(teacher.get(edit_url).get_data(as_text=True))
    for name, value in TYPED.items():
        assert shown.get(name) == value, name
    saved_id(post_form(teacher, edit_url, {}))
    assert len(versions(app, question_id)) == 1

    # "Add extra answer" gives an empty row and keeps what was typed.
    page = post_form(teacher, edit_url, {"prompt": SAVED["prompt"]}, add_distractor="1")
    html = page.get_data(as_text=True)
    shown = form_data(html)
    assert shown["distractors-0-text"] == "Antarctica"
    assert shown["distractors-1-text"] == ""
    assert len(versions(app, question_id)) == 1

    # A second distractor, and the first one removed: a new version.
    saved_id(
        post_form(teacher, edit_url, {"distractors-0-text": "", "distractors-1-text": "Europe"})
    )
    assert [v.number for v in versions(app, question_id)] == [1, 2]
    assert current_mapping(app, question_id)["distractors"] == ["Europe"]

    # Emptying every distractor leaves none: the question is written without the field.
    saved_id(post_form(teacher, edit_url, {"distractors-0-text": ""}))
    assert "distractors" not in current_mapping(app, question_id)


def test_a_distractor_equal_to_a_right_is_refused_on_its_field(
    world: World, teacher: FlaskClient
) -> None:
    typed = {**TYPED, "distractors-0-text": "Africa"}

    response = post_form(teacher, new_url(world, "matching"), typed)

    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert field_error(html, "distractors-0-text") == (
        "distractor 'Africa' is already the right of pairs[1].right: a distractor must "
        "match no left item (remove it, or change its text)"
    )
    assert field_error(html, "pairs-2-right") is None


def test_every_pair_sharing_one_right_and_no_distractor_is_refused(
    world: World, teacher: FlaskClient
) -> None:
    typed = {**TYPED, "pairs-0-right": "Africa", "distractors-0-text": ""}

    response = post_form(teacher, new_url(world, "matching"), typed)

    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "give at least two different answers to choose from" in field_error(html, "pairs")


def test_the_question_page_offers_each_answer_once_to_every_left_item(
    world: World, teacher: FlaskClient
) -> None:
    question_id = create(world, teacher, TYPED)

    html = teacher.get(f"/teacher/questions/{question_id}/preview").get_data(as_text=True)

    question_part = html.partition("<h2>Answer key</h2>")[0]
    selects = re.findall(r'<select name="(match-\d+)"[^>]*>(.*?)</select>', question_part, re.S)
    assert [name for name, _ in selects] == ["match-0", "match-1", "match-2"]
    for _, options in selects:
        # A preview shows bank order: the distinct rights, then the distractors.
        shown = re.findall(r'<option value="(\d+)"\s*>([^<]*)</option>', options)
        assert shown == [("0", "Asia"), ("1", "Africa"), ("2", "Antarctica")]
