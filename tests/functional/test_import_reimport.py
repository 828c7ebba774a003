"""Importing a file again adds nothing that is already there: each question is matched by
its name (or id number) within the section and is new, unchanged, or a new version."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from quizapp.domain.interchange.gift import parse_gift
from quizapp.domain.questions import question_from_mapping
from quizapp.extensions import db
from quizapp.models import Question, QuestionEvent, QuestionEventKind, QuestionVersion, Section
from quizapp.services.question_authoring import add_questions
from quizapp.services.questions import new_version, version_to_domain
from tests.factories import NOW, page_text
from tests.functional.test_import import (
    CONFIRM,
    GIFT,
    World,
    form_fields,
    question_count,
    teacher,
    upload,
    world,
)

__all__ = ["teacher", "world"]  # fixtures


def import_file(
    client: FlaskClient, world: World, content: bytes, **kwargs: str
) -> tuple[list[str], str]:
    """Upload, read what the preview says of each question, confirm; the bank's message."""
    preview = upload(client, world, content, **kwargs)
    assert preview.status_code == 200, page_text(preview.get_data(as_text=True))
    html = preview.get_data(as_text=True)
    matches = [page_text(m) for m in re.findall(r'<span class="import-match">(.*?)</span>', html)]
    done = client.post(CONFIRM, data=form_fields(html, CONFIRM))
    assert done.status_code == 302
    return matches, page_text(client.get(done.location).get_data(as_text=True))


def version_count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(db.select(db.func.count(QuestionVersion.id)))


def test_importing_the_same_file_twice_adds_nothing(
    app: Flask, teacher: FlaskClient, world: World
) -> None:
    first, _ = import_file(teacher, world, GIFT.encode())
    assert first == ["new"] * 4

    again, message = import_file(teacher, world, GIFT.encode())

    assert again == [
        f"unchanged ({name}): not imported again" for name in ("capital", "sky", "boiling", "pairs")
    ]
    assert "Imported 0 questions into 'Introduction'." in message
    assert "4 questions already there unchanged: not imported again." in message
    assert question_count(app) == 4
    assert version_count(app) == 4


def test_a_changed_prompt_makes_one_new_version_keeping_the_history(
    app: Flask, teacher: FlaskClient, world: World
) -> None:
    import_file(teacher, world, GIFT.encode())
    changed = GIFT.replace("The sky is blue on a clear day.", "The sky is blue at noon.")

    matches, message = import_file(teacher, world, changed.encode())

    assert matches == [
        "unchanged (capital): not imported again",
        "new version of sky",
        "unchanged (boiling): not imported again",
        "unchanged (pairs): not imported again",
    ]
    assert "1 new version of questions already there" in message
    assert question_count(app) == 4
    with app.app_context():
        sky = db.session.scalar(db.select(Question).where(Question.bank_id == "sky"))
        assert sky.current_version_number == 2
        assert [v.prompt for v in sorted(sky.versions, key=lambda v: v.number)] == [
            "The sky is blue on a clear day.",
            "The sky is blue at noon.",
        ]
        kinds = db.session.scalars(
            db.select(QuestionEvent.kind)
            .where(QuestionEvent.question_id == sky.id)
            .order_by(QuestionEvent.id)
        ).all()
        assert kinds == [QuestionEventKind.CREATE, QuestionEventKind.EDIT]


def test_what_the_format_cannot_say_is_kept_and_does_not_count_as_a_change(
    app: Flask, teacher: FlaskClient, world: World
) -> None:
    """GIFT has no evidence, difficulty or points: the teacher's values stay."""
    import_file(teacher, world, GIFT.encode())
    with app.app_context():
        sky = db.session.scalar(db.select(Question).where(Question.bank_id == "sky"))
        edited = question_from_mapping(
            {**version_to_domain(sky.current_version, "sky").to_mapping(), "difficulty": 3,
             "points": 2.0}
        )  # fmt: skip
        sky.versions.append(new_version(edited, number=2))
        sky.current_version_number = 2
        db.session.commit()

    unchanged, _ = import_file(teacher, world, GIFT.encode())
    changed, _ = import_file(teacher, world, GIFT.replace("clear day", "sunny day").encode())

    assert unchanged[1] == "unchanged (sky): not imported again"
    assert changed[1] == "new version of sky"
    with app.app_context():
        sky = db.session.scalar(db.select(Question).where(Question.bank_id == "sky"))
        assert (sky.current_version.difficulty, sky.current_version.points) == (3, 2.0)
        assert sky.current_version.prompt == "The sky is blue on a sunny day."


def test_moodle_xml_questions_are_found_again_by_their_idnumber(
    app: Flask, teacher: FlaskClient, world: World
) -> None:
    def quiz(name: str, prompt: str) -> bytes:
        return (
            '<quiz><question type="truefalse"><name><text>' + name + "</text></name>"
            "<idnumber>wet</idnumber><questiontext><text>" + prompt + "</text></questiontext>"
            '<answer fraction="100"><text>true</text></answer>'
            '<answer fraction="0"><text>false</text></answer></question></quiz>'
        ).encode()

    options = {"filename": "quiz.xml", "format_name": "moodle-xml"}
    import_file(teacher, world, quiz("wet", "Water is wet."), **options)

    renamed, _ = import_file(teacher, world, quiz("Wet water", "Water is wet."), **options)
    reworded, _ = import_file(teacher, world, quiz("Wet water", "Water is very wet."), **options)

    assert renamed == ["unchanged (wet): not imported again"]
    assert reworded == ["new version of wet"]
    assert question_count(app) == 1


def test_unnamed_questions_are_found_again_by_their_content(
    app: Flask, teacher: FlaskClient, world: World
) -> None:
    aiken = b"Which city is the capital of Italy?\nA) Rome\nB) Milan\nANSWER: A\n"
    options = {"filename": "quiz.txt", "format_name": "aiken"}
    import_file(teacher, world, aiken, **options)

    again, _ = import_file(teacher, world, aiken, **options)

    assert again == ["unchanged (which-city-is-the-capital-of-italy): not imported again"]
    assert question_count(app) == 1


def test_a_name_another_section_uses_is_matched_under_the_id_the_import_gave(
    app: Flask, teacher: FlaskClient, world: World
) -> None:
    """The article already had "capital" elsewhere, so the first import stored
    "capital-2"; the second finds it there instead of adding "capital-3"."""
    with app.app_context():
        other = db.session.scalar(db.select(Section).where(Section.id != world.section_id))
        add_questions(
            article_id=world.article_id,
            section_id=other.id,
            questions=parse_gift("::capital::Rome is in Italy.{T}", "other.gift"),
            author_id=None,
            now=NOW,
        )
    import_file(teacher, world, GIFT.encode())

    again, _ = import_file(teacher, world, GIFT.encode())

    assert again[0] == "unchanged (capital-2): not imported again"
