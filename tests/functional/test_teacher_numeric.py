"""Writing and editing numeric questions with several answers and units through the form."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from quizapp.domain.questions import question_from_mapping
from quizapp.services import question_authoring
from tests.factories import NOW
from tests.functional import test_teacher_questions as pages

world = pages.world
teacher = pages.teacher

SECTION = "the-tea-trade"
EVIDENCE = "Britain imported 10 million pounds of tea in 1750."


def new_url(world: pages.World) -> str:
    return pages.new_url(world, "numeric")


def edit_url(question_id: int) -> str:
    return f"/teacher/questions/{question_id}/edit"


def typed_question(world: pages.World) -> dict[str, str]:
    return {
        "section": str(world.sections[SECTION]),
        "prompt": "How many million pounds of tea did Britain import in 1750?",
        "evidence": EVIDENCE,
        "answers-0-value": "10",
        "answers-0-tolerance": "0",
        "answers-0-fraction": "1",
        "answers-0-feedback": "Right: 10 million pounds.",
        "answers-1-value": "10",
        "answers-1-tolerance": "2",
        "answers-1-fraction": "0.5",
        "answers-1-feedback": "Close.",
        "units-0-unit": "million pounds",
        "units-0-multiplier": "1",
        "units-1-unit": "thousand pounds",
        "units-1-multiplier": "1000",
    }


def add_rows(client: FlaskClient, url: str, typed: dict[str, str]) -> dict[str, str]:
    """Press "Add answer" and "Add unit" as a teacher would, keeping what was typed."""
    page = pages.post_form(client, url, typed, add_answer="Add answer")
    data = pages.form_data(page.get_data(as_text=True))
    page = client.post(url, data={**data, "add_unit": "Add unit"})
    return pages.form_data(page.get_data(as_text=True))


def test_a_question_with_several_answers_and_units_is_written_and_edited(
    app: Flask, world: pages.World, teacher: FlaskClient
) -> None:
    typed = typed_question(world)
    data = add_rows(teacher, new_url(world), {})
    assert "answers-1-value" in data and "units-1-unit" in data

    question_id = pages.saved_id(teacher.post(new_url(world), data={**data, **typed}))

    mapping = pages.current_mapping(app, question_id)
    assert mapping["answers"] == [
        {"value": 10, "feedback": "Right: 10 million pounds."},
        {"value": 10, "tolerance": 2, "fraction": 0.5, "feedback": "Close."},
    ]
    assert mapping["units"] == [
        {"unit": "million pounds", "multiplier": 1},
        {"unit": "thousand pounds", "multiplier": 1000},
    ]
    assert "answer" not in mapping and "unit" not in mapping

    # The edit form shows every answer and unit; saving it unchanged adds no version.
    shown = pages.form_data(teacher.get(edit_url(question_id)).get_data(as_text=True))
    for name, value in typed.items():
        assert shown.get(name) == value, name
    assert pages.saved_id(pages.post_form(teacher, edit_url(question_id), {})) == question_id
    assert len(pages.versions(app, question_id)) == 1

    # Taking the half-credit answer and the second unit away leaves today's form.
    pages.saved_id(
        pages.post_form(
            teacher,
            edit_url(question_id),
            {
                "answers-0-feedback": "",
                "answers-1-value": "",
                "answers-1-tolerance": "",
                "answers-1-feedback": "",
                "units-1-unit": "",
                "units-1-multiplier": "",
            },
        )
    )
    mapping = pages.current_mapping(app, question_id)
    assert (mapping["answer"], mapping["unit"]) == (10, "million pounds")
    assert "answers" not in mapping and "units" not in mapping and "tolerance" not in mapping


def test_an_old_single_answer_question_edits_as_before(
    app: Flask, world: pages.World, teacher: FlaskClient
) -> None:
    with app.app_context():
        question = question_from_mapping(
            {
                "id": "tea-1750",
                "type": "numeric",
                "prompt": "How many million pounds?",
                "answer": 10,
                "tolerance": 0.5,
                "unit": "million pounds",
                "evidence": EVIDENCE,
            }
        )
        question_id = question_authoring.save_question(
            article_id=world.article_id,
            section_id=world.sections[SECTION],
            question=question,
            author_id=world.teacher_id,
            now=NOW,
        ).id

    shown = pages.form_data(teacher.get(edit_url(question_id)).get_data(as_text=True))
    assert (shown["answers-0-value"], shown["answers-0-tolerance"]) == ("10", "0.5")
    assert (shown["answers-0-fraction"], shown["answers-0-feedback"]) == ("1", "")
    assert (shown["units-0-unit"], shown["units-0-multiplier"]) == ("million pounds", "1")
    assert "answers-1-value" not in shown and "units-1-unit" not in shown

    pages.saved_id(pages.post_form(teacher, edit_url(question_id), {"prompt": "How many?"}))

    mapping = pages.current_mapping(app, question_id)
    assert {key: mapping.get(key) for key in ("answer", "tolerance", "unit", "prompt")} == {
        "answer": 10,
        "tolerance": 0.5,
        "unit": "million pounds",
        "prompt": "How many?",
    }
    assert len(pages.versions(app, question_id)) == 2


def test_a_question_without_units_saves_none(
    app: Flask, world: pages.World, teacher: FlaskClient
) -> None:
    typed = {
        "section": str(world.sections[SECTION]),
        "prompt": "In which year?",
        "evidence": EVIDENCE,
        "answers-0-value": "1750",
    }
    question_id = pages.saved_id(pages.post_form(teacher, new_url(world), typed))
    mapping = pages.current_mapping(app, question_id)
    assert mapping["answer"] == 1750
    assert "unit" not in mapping and "units" not in mapping


def test_the_grade_select_offers_moodles_grades(world: pages.World, teacher: FlaskClient) -> None:
    html = teacher.get(new_url(world)).get_data(as_text=True)
    select = re.search(r'<select[^>]*name="answers-0-fraction".*?</select>', html, re.S)
    assert select is not None
    options = re.findall(r'<option[^>]*value="([^"]*)"[^>]*>([^<]*)</option>', select.group(0))
    assert options[:3] == [("1", "100%"), ("0.9", "90%"), ("0.8333333", "83.33333%")]
    assert ("0.5", "50%") in options and ("0", "None") in options
    assert ("-1", "-100%") in options and len(options) == 41
    assert re.search(r'<option selected value="1">|<option value="1" selected>', select.group(0))


def test_mistakes_are_shown_on_the_fields_they_concern(
    world: pages.World, teacher: FlaskClient
) -> None:
    typed = {
        **typed_question(world),
        "answers-0-fraction": "0.5",
        "units-0-multiplier": "0.001",
        "units-1-unit": "Million Pounds",
    }
    data = add_rows(teacher, new_url(world), {})

    html = teacher.post(new_url(world), data={**data, **typed}).get_data(as_text=True)

    assert "no answer is worth full marks (they are worth 50%, 50%)" in (
        pages.field_error(html, "answers") or ""
    )
    assert "units[0].multiplier must be 1, not 0.001" in (
        pages.field_error(html, "units-0-multiplier") or ""
    )
    assert pages.field_error(html, "units-1-unit") == "unit 'million pounds' repeats units[0].unit"


def test_answers_and_units_are_added_and_removed_keeping_what_was_typed(
    world: pages.World, teacher: FlaskClient
) -> None:
    url = new_url(world)
    data = add_rows(teacher, url, {"answers-0-value": "1", "units-0-unit": "m"})
    data.update({"answers-1-value": "2", "units-1-unit": "km", "units-1-multiplier": "0.001"})

    html = teacher.post(url, data={**data, "answers-0-remove": "1"}).get_data(as_text=True)
    data = pages.form_data(html)
    assert data["answers-0-value"] == "2" and "answers-1-value" not in data
    assert (data["units-0-unit"], data["units-1-unit"]) == ("m", "km")

    html = teacher.post(url, data={**data, "units-0-remove": "1"}).get_data(as_text=True)
    data = pages.form_data(html)
    assert (data["units-0-unit"], data["units-0-multiplier"]) == ("km", "0.001")
    assert "units-1-unit" not in data
