"""Ordering questions' grading type, chosen in the teacher's form (issue 11)."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from quizapp.domain.question_types.ordering import GRADINGS
from quizapp.services.attempts import submit_attempt
from quizapp.services.practice import start_practice
from tests.factories import GRACE, NOW, answer, page_text
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
from tests.functional.test_teacher_questions import student as student
from tests.functional.test_teacher_questions import teacher as teacher
from tests.functional.test_teacher_questions import world as world

ITEMS = ["Tea reaches Europe", "Apothecaries sell tea", "Britain imports 10 million pounds"]
TYPED = {
    "prompt": "Put these in order.",
    **{f"items-{n}-text": item for n, item in enumerate(ITEMS)},
}


def create(world: World, teacher: FlaskClient, typed: dict[str, str]) -> int:
    section = {"section": str(world.sections["tea-in-europe"])}
    return saved_id(post_form(teacher, new_url(world, "ordering"), {**section, **typed}))


def test_the_form_offers_every_grading_type_in_plain_words(
    world: World, teacher: FlaskClient
) -> None:
    html = teacher.get(new_url(world, "ordering")).get_data(as_text=True)

    assert '<label for="grading">How it is graded</label>' in html
    select = re.search(r'<select[^>]* name="grading"[^>]*>(.*?)</select>', html, re.S)
    assert select is not None, html[html.find('id="grading"') - 300 :][:1500]
    options = re.findall(r'<option (?:selected )?value="([a-z_]+)"', select.group(1))
    assert options == list(GRADINGS)
    # The default, kept adjacent pairs, is chosen until the teacher picks another.
    assert form_data(html)["grading"] == "relative_next_exclude_last"
    assert "Right places: each item in its exact position" in select.group(1)


def test_absolute_position_grading_is_written_and_edited_through_the_form(
    app: Flask, world: World, teacher: FlaskClient
) -> None:
    question_id = create(world, teacher, {**TYPED, "grading": "absolute_position"})

    assert current_mapping(app, question_id) == {
        "type": "ordering",
        "prompt": "Put these in order.",
        "items": ITEMS,
        "grading": "absolute_position",
    }

    # The edit form shows it chosen; saving unchanged adds no version.
    edit_url = f"/teacher/questions/{question_id}/edit"
    assert form_data(teacher.get(edit_url).get_data(as_text=True))["grading"] == (
        "absolute_position"
    )
    saved_id(post_form(teacher, edit_url, {}))
    assert len(versions(app, question_id)) == 1

    # Back to the default: a new version, written without the field as before issue 11.
    saved_id(post_form(teacher, edit_url, {"grading": "relative_next_exclude_last"}))
    assert [v.number for v in versions(app, question_id)] == [1, 2]
    assert "grading" not in current_mapping(app, question_id)


def test_a_question_saved_without_choosing_keeps_todays_grading(
    app: Flask, world: World, teacher: FlaskClient
) -> None:
    question_id = create(world, teacher, TYPED)

    assert "grading" not in current_mapping(app, question_id)


def test_a_grading_the_select_never_offers_is_refused_on_its_field(
    app: Flask, world: World, teacher: FlaskClient
) -> None:
    section = {"section": str(world.sections["tea-in-europe"])}
    typed = {**section, **TYPED, "grading": "by_height"}

    response = post_form(teacher, new_url(world, "ordering"), typed)

    assert response.status_code == 400
    assert field_error(response.get_data(as_text=True), "grading") == "Not a valid choice."


def test_the_students_review_reads_well_with_absolute_position_grading(
    app: Flask, world: World, teacher: FlaskClient, student: FlaskClient
) -> None:
    create(world, teacher, {**TYPED, "grading": "absolute_position"})
    with app.app_context():
        attempt = start_practice(
            world.student_id,
            article_id=world.article_id,
            section_id=None,
            question_count=1,
            now=NOW,
            grace=GRACE,
        )
        # The first two swapped: only the third item is in its place (a third of the
        # marks); kept adjacent pairs would give nothing.
        answer(attempt, 1, {"0": 2, "1": 1, "2": 3})
        submit_attempt(attempt, now=NOW)
        attempt_id = attempt.id

    review = page_text(student.get(f"/student/attempts/{attempt_id}").get_data(as_text=True))

    # page_text runs the <dt> and <dd> together.
    assert "Score: 0.33 / 1" in review
    assert "Partially correct — 0.33 of 1 mark" in review
    assert (
        "Your answer1. Apothecaries sell tea; 2. Tea reaches Europe; "
        "3. Britain imports 10 million pounds" in review
    )
    assert (
        "Right answer1. Tea reaches Europe; 2. Apothecaries sell tea; "
        "3. Britain imports 10 million pounds" in review
    )
