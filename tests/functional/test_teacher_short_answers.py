"""The short-answer form: each expected answer with a grade (Moodle's) and feedback."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from tests.factories import page_text
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


def test_the_form_offers_moodle_s_grades_and_explains_the_wildcard(
    world: World, teacher: FlaskClient
) -> None:
    html = teacher.get(new_url(world, "short")).get_data(as_text=True)
    assert form_data(html)["answers-0-fraction"] == "100"
    for grade, label in [
        ("100", "100%"),
        ("33.33333", "33.33%"),
        ("5", "5%"),
        ("0", "0% (feedback only)"),
    ]:
        assert f'value="{grade}">{label}</option>' in html
    text = page_text(html)
    assert '* matches any text (also none), so "Par*" accepts "Paris"' in text
    assert "write \\* for a star that must be typed" in text


def test_a_short_answer_with_partial_credit_is_written_and_edited_through_the_form(
    app: Flask, world: World, teacher: FlaskClient
) -> None:
    url = new_url(world, "short")
    typed = {
        "section": str(world.sections["tea-in-europe"]),
        "prompt": "Where was tea first sold?",
        "answers-0-text": "apothecar*",
        "answers-0-feedback": "Yes: as a medicine.",
    }
    second = post_form(teacher, url, typed, add_answer="Add")
    third = post_form_from(teacher, url, second.get_data(as_text=True), {
        "answers-1-text": "shops",
        "answers-1-fraction": "50",
        "answers-1-feedback": "Which kind of shop?",
    }, add_answer="Add")  # fmt: skip
    question_id = saved_id(
        post_form_from(
            teacher,
            url,
            third.get_data(as_text=True),
            {"answers-2-text": "*", "answers-2-fraction": "0", "answers-2-feedback": "No."},
        )
    )

    expected = [
        {"text": "apothecar*", "feedback": "Yes: as a medicine."},
        {"text": "shops", "fraction": 0.5, "feedback": "Which kind of shop?"},
        {"text": "*", "fraction": 0, "feedback": "No."},
    ]
    assert current_mapping(app, question_id)["answers"] == expected

    # The edit form shows each grade and feedback; saving it unchanged adds no version.
    edit_url = f"/teacher/questions/{question_id}/edit"
    shown = form_data(teacher.get(edit_url).get_data(as_text=True))
    assert [shown[f"answers-{i}-fraction"] for i in range(3)] == ["100", "50", "0"]
    assert shown["answers-1-feedback"] == "Which kind of shop?"
    saved_id(post_form(teacher, edit_url, {}))
    assert len(versions(app, question_id)) == 1

    # A third of the marks, no feedback on the first: a new version in the bank's words.
    saved_id(
        post_form(
            teacher,
            edit_url,
            {"answers-0-feedback": "", "answers-1-fraction": "33.33333"},
        )
    )
    assert current_mapping(app, question_id)["answers"] == [
        "apothecar*",
        {"text": "shops", "fraction": 0.3333333, "feedback": "Which kind of shop?"},
        {"text": "*", "fraction": 0, "feedback": "No."},
    ]
    assert len(versions(app, question_id)) == 2


def test_problems_with_the_answers_are_shown_next_to_them(
    world: World, teacher: FlaskClient
) -> None:
    url = new_url(world, "short")
    typed = {"prompt": "Where was tea first sold?", "answers-0-text": "*"}
    html = post_form(teacher, url, typed).get_data(as_text=True)
    assert "the answer '*' accepts every response for full marks" in (
        field_error(html, "answers-0-text") or ""
    )

    typed = {
        "prompt": "Where was tea first sold?",
        "answers-0-text": "shops",
        "answers-0-fraction": "50",
    }
    response = post_form(teacher, url, typed)
    assert response.status_code == 400
    assert "at least one answer worth full marks" in page_text(response.get_data(as_text=True))

    for forged in ("7", "abc", "nan"):
        typed = {"prompt": "Tea?", "answers-0-text": "x", "answers-0-fraction": forged}
        response = post_form(teacher, url, typed)
        assert response.status_code == 400
        assert field_error(response.get_data(as_text=True), "answers-0-fraction") == (
            "Not a valid choice."
        )


def post_form_from(
    client: FlaskClient, url: str, html: str, changes: dict[str, str], **pressed: str
):
    """POST the form shown in ``html`` (a page the last POST returned) with ``changes``."""
    data = form_data(html)
    data.update(changes)
    data.update(pressed)
    return client.post(url, data=data)
