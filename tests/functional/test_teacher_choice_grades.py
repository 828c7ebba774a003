"""Partial credit on the single- and multiple-choice forms: a grade select per choice
beside the "Correct" box, through the test client as a teacher's browser uses them."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from quizapp.teacher.question_forms.base import GRADE_OPTIONS
from tests.functional.test_teacher_questions import (
    TEA_EVIDENCE,
    World,
    add_question,
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


def test_every_grade_is_offered_best_first_then_the_penalties(
    world: World, teacher: FlaskClient
) -> None:
    html = teacher.get(new_url(world, "single")).get_data(as_text=True)
    select = re.search(r'<select[^>]*id="choices-0-fraction"[^>]*>(.*?)</select>', html, re.S)
    assert select, "the first choice has a grade select"
    labels = re.findall(r">([^<]*)</option>", select.group(1))
    assert labels[:4] == ["—", "100%", "90%", "83.33333%"]
    assert labels[-3:] == ["-83.33333%", "-90%", "-100%"]
    assert "0%" in labels and "33.33333%" in labels and "-5%" in labels
    assert len(labels) == len(GRADE_OPTIONS) == 1 + 20 + 1 + 20
    assert '<label for="choices-0-fraction">Grade</label>' in html


def test_a_partial_credit_single_choice_is_written_and_edited_through_the_form(
    app: Flask, world: World, teacher: FlaskClient
) -> None:
    typed = {
        "section": str(world.sections["tea-in-europe"]),
        "prompt": "Who brought tea to Europe first?",
        "choices-0-text": "Dutch traders",
        "choices-0-correct": "y",
        "choices-1-text": "Traders",
        "choices-1-fraction": "0.5",
        "choices-1-feedback": "Which ones?",
        "choices-2-text": "English monks",
        "choices-2-fraction": "-0.3333333",
        "choices-3-text": "Dutch merchants",
        "choices-3-correct": "y",
        "evidence": TEA_EVIDENCE,
    }

    question_id = saved_id(post_form(teacher, new_url(world, "single"), typed))

    assert current_mapping(app, question_id)["choices"] == [
        {"text": "Dutch traders", "correct": True},
        {"text": "Traders", "fraction": 0.5, "feedback": "Which ones?"},
        {"text": "English monks", "fraction": -0.3333333},
        {"text": "Dutch merchants", "correct": True},
    ]
    edit_url = f"/teacher/questions/{question_id}/edit"
    shown = form_data(teacher.get(edit_url).get_data(as_text=True))
    for name, value in typed.items():
        assert shown.get(name) == value, name
    assert shown["choices-0-fraction"] == "" and "choices-1-correct" not in shown

    # Unchanged, it saves no version; a new grade is a new version.
    saved_id(post_form(teacher, edit_url, {}))
    assert len(versions(app, question_id)) == 1
    saved_id(post_form(teacher, edit_url, {"choices-1-fraction": "0.25"}))
    assert len(versions(app, question_id)) == 2
    assert current_mapping(app, question_id)["choices"][1] == {
        "text": "Traders",
        "fraction": 0.25,
        "feedback": "Which ones?",
    }


def test_a_partial_credit_multiple_choice_is_written_and_edited_through_the_form(
    app: Flask, world: World, teacher: FlaskClient
) -> None:
    typed = {
        "section": str(world.sections["tea-in-europe"]),
        "prompt": "Which are true?",
        "choices-0-text": "Tea reached Europe in the 17th century",
        "choices-0-fraction": "0.6666667",
        "choices-1-text": "Apothecaries sold tea",
        "choices-1-fraction": "0.3333333",
        "choices-2-text": "Tea was banned",
        "choices-2-fraction": "-1",
        "choices-3-text": "Tea came from Peru",
        "choices-3-fraction": "0",
    }

    question_id = saved_id(post_form(teacher, new_url(world, "multiple"), typed))

    assert current_mapping(app, question_id)["choices"] == [
        {"text": "Tea reached Europe in the 17th century", "fraction": 0.6666667},
        {"text": "Apothecaries sold tea", "fraction": 0.3333333},
        {"text": "Tea was banned", "fraction": -1},
        {"text": "Tea came from Peru", "fraction": 0},
    ]
    edit_url = f"/teacher/questions/{question_id}/edit"
    shown = form_data(teacher.get(edit_url).get_data(as_text=True))
    for name, value in typed.items():
        assert shown.get(name) == value, name
    saved_id(post_form(teacher, edit_url, {}))
    assert len(versions(app, question_id)) == 1

    # Back to ticks: clearing every grade gives today's right/wrong question.
    cleared = {f"choices-{i}-fraction": "" for i in range(4)}
    ticks = {"choices-0-correct": "y", "choices-1-correct": "y"}
    saved_id(post_form(teacher, edit_url, {**cleared, **ticks}))
    assert [c.get("correct") for c in current_mapping(app, question_id)["choices"]] == [
        True,
        True,
        False,
        False,
    ]


def test_an_existing_question_without_grades_edits_exactly_as_before(
    app: Flask, world: World, teacher: FlaskClient
) -> None:
    question_id = add_question(app, world)
    edit_url = f"/teacher/questions/{question_id}/edit"
    before = current_mapping(app, question_id)

    shown = form_data(teacher.get(edit_url).get_data(as_text=True))
    assert [shown.get(f"choices-{i}-fraction") for i in range(2)] == ["", ""]
    assert shown["choices-0-correct"] == "y" and "choices-1-correct" not in shown
    saved_id(post_form(teacher, edit_url, {}))

    assert len(versions(app, question_id)) == 1
    assert current_mapping(app, question_id) == before


def test_grade_mistakes_show_next_to_the_choice(world: World, teacher: FlaskClient) -> None:
    both = {
        "prompt": "Pick one",
        "choices-0-text": "A",
        "choices-0-correct": "y",
        "choices-0-fraction": "1",
        "choices-1-text": "B",
    }
    html = post_form(teacher, new_url(world, "single"), both).get_data(as_text=True)
    assert "choices[0] gives both correct and fraction" in field_error(html, "choices-0-fraction")

    mixed = {
        "prompt": "Pick all",
        "choices-0-text": "A",
        "choices-0-fraction": "1",
        "choices-1-text": "B",
    }
    html = post_form(teacher, new_url(world, "multiple"), mixed).get_data(as_text=True)
    assert "choices[1] has no fraction" in field_error(html, "choices-1-correct")

    short = {
        "prompt": "Pick all",
        "choices-0-text": "A",
        "choices-0-fraction": "0.5",
        "choices-1-text": "B",
        "choices-1-fraction": "0.25",
    }
    html = post_form(teacher, new_url(world, "multiple"), short).get_data(as_text=True)
    assert field_error(html, "choices") == (
        "the positive fractions add up to 0.75 (75%); they must add up to 1"
    )

    forged = {"prompt": "Pick one", "choices-0-text": "A", "choices-0-fraction": "0.45"}
    response = post_form(teacher, new_url(world, "single"), forged)
    assert response.status_code == 400
    assert field_error(response.get_data(as_text=True), "choices-0-fraction")
