"""The ``flask bank`` and ``flask users`` commands."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import func
from werkzeug.security import check_password_hash

from quizapp.domain.bank import read_bank
from quizapp.extensions import db
from quizapp.models import Question, QuestionVersion, Role, User
from tests.conftest import BANK_PATH
from tests.factories import login
from tests.helpers import (
    ARTICLE_SLUG,
    break_first_evidence,
    copy_bank,
    revise_first_prompt,
    section_file,
)


def count(app: Flask, model: type) -> int:
    with app.app_context():
        return db.session.scalar(db.select(func.count()).select_from(model))


def test_bank_check_passes_on_the_shipped_bank(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["bank", "check", str(BANK_PATH)])
    assert result.exit_code == 0, result.output
    assert f"{ARTICLE_SLUG}: 6 sections" in result.output


def test_the_shipped_bank_has_no_lint_warnings(runner: FlaskCliRunner) -> None:
    # --strict fails on any warning: no restated true/false, no missing answer variant,
    # no prompt that gives its answer away.
    result = runner.invoke(args=["bank", "check", "--strict", str(BANK_PATH)])
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output


def test_bank_check_defaults_to_the_configured_bank(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["bank", "check"])
    assert result.exit_code == 0, result.output


def test_bank_check_names_file_line_and_question_of_a_bad_quote(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    bank = copy_bank(tmp_path / "questions")
    path = section_file(bank, "what-are-their-economic-ties")
    question_id, line = break_first_evidence(path)

    result = runner.invoke(args=["bank", "check", str(bank)])

    assert result.exit_code == 1
    assert f"{path}:{line}: " in result.stderr
    assert question_id in result.stderr
    assert "closest passage" in result.stderr


def test_bank_check_of_a_missing_folder_fails_clearly(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    result = runner.invoke(args=["bank", "check", str(tmp_path / "nope")])
    assert result.exit_code == 1
    assert str(tmp_path / "nope") in result.stderr


def test_bank_load_prints_questions_per_section_and_is_idempotent(
    app: Flask, runner: FlaskCliRunner
) -> None:
    first = runner.invoke(args=["bank", "load"])
    assert first.exit_code == 0, first.output
    per_section = [line for line in first.output.splitlines() if "questions (" in line]
    assert len(per_section) == 6
    assert f"{ARTICLE_SLUG}/introduction" in per_section[0]
    stored = count(app, QuestionVersion)

    second = runner.invoke(args=["bank", "load"])

    assert second.exit_code == 0, second.output
    assert f"0 new, 0 new versions, {stored} unchanged" in second.output
    assert count(app, QuestionVersion) == stored


def test_bank_load_of_an_edited_question_adds_one_version(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    bank = copy_bank(tmp_path / "questions")
    assert runner.invoke(args=["bank", "load", str(bank)]).exit_code == 0
    versions = count(app, QuestionVersion)
    revise_first_prompt(section_file(bank, "are-china-and-russia-allies"))

    result = runner.invoke(args=["bank", "load", str(bank)])

    assert result.exit_code == 0, result.output
    assert "1 new versions" in result.output
    assert count(app, QuestionVersion) == versions + 1


def test_bank_load_of_a_bad_folder_leaves_the_database_as_it_was(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    assert runner.invoke(args=["bank", "load"]).exit_code == 0
    before = (count(app, Question), count(app, QuestionVersion))
    bank = copy_bank(tmp_path / "questions")
    revise_first_prompt(section_file(bank, "introduction"))
    break_first_evidence(section_file(bank, "what-are-their-military-ties"))

    result = runner.invoke(args=["bank", "load", str(bank)])

    assert result.exit_code == 1
    assert "nothing was loaded" in result.stderr
    assert (count(app, Question), count(app, QuestionVersion)) == before


def test_bank_export_round_trips(runner: FlaskCliRunner, tmp_path: Path) -> None:
    assert runner.invoke(args=["bank", "load"]).exit_code == 0

    result = runner.invoke(args=["bank", "export", "--out", str(tmp_path / "out")])

    assert result.exit_code == 0, result.output
    assert read_bank(tmp_path / "out") == read_bank(BANK_PATH)


def test_users_create_reads_the_password_from_stdin(app: Flask, runner: FlaskCliRunner) -> None:
    result = runner.invoke(
        args=["users", "create", "Teacher@School.example", "--role", "teacher", "--password-stdin"],
        input="correct horse battery\n",
    )

    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.execute(db.select(User)).scalar_one()
        assert user.email == "teacher@school.example"
        assert user.role is Role.TEACHER
        assert user.name == "Teacher"
        assert check_password_hash(user.password_hash, "correct horse battery")
        assert user.password_hash.startswith("scrypt:")


def test_users_create_makes_an_admin_who_may_use_the_teacher_pages(
    app: Flask, runner: FlaskCliRunner
) -> None:
    result = runner.invoke(
        args=["users", "create", "head@school.example", "--role", "admin", "--password-stdin"],
        input="correct horse battery\n",
    )

    assert result.exit_code == 0, result.output
    assert "Created admin head@school.example" in result.output
    with app.app_context():
        user = db.session.execute(db.select(User)).scalar_one()
        assert (user.role, user.is_admin, user.is_teacher) == (Role.ADMIN, True, True)
    client = app.test_client()
    assert login(client, "head@school.example", "correct horse battery").status_code == 302
    assert client.get("/teacher/").status_code == 200
    assert client.get("/teacher/teachers").status_code == 200


def test_users_create_prompts_for_the_password_twice(app: Flask, runner: FlaskCliRunner) -> None:
    result = runner.invoke(
        args=["users", "create", "s@example.org", "--role", "student", "--name", "Sam Lee"],
        input="long enough pw\nlong enough pw\n",
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.execute(db.select(User.name)).scalar_one() == "Sam Lee"


@pytest.mark.parametrize(
    ("args", "password", "message"),
    [
        (["not-an-email", "--role", "student"], "long enough pw", "is not an email address"),
        (["a@example.org", "--role", "student"], "short", "at least 10 characters"),
        (["a@example.org", "--role", "owner"], "long enough pw", "'owner' is not one of"),
    ],
)
def test_users_create_rejects_bad_input(
    app: Flask, runner: FlaskCliRunner, args: list[str], password: str, message: str
) -> None:
    result = runner.invoke(
        args=["users", "create", *args, "--password-stdin"], input=password + "\n"
    )
    assert result.exit_code != 0
    assert message in result.output
    assert count(app, User) == 0


def test_users_create_refuses_a_second_account_with_the_same_email(
    app: Flask, runner: FlaskCliRunner
) -> None:
    args = ["users", "create", "a@example.org", "--role", "student", "--password-stdin"]
    assert runner.invoke(args=args, input="long enough pw\n").exit_code == 0

    result = runner.invoke(args=[*args[:2], "A@Example.org", *args[3:]], input="another pw!!\n")

    assert result.exit_code == 1
    assert "already exists" in result.output
    assert count(app, User) == 1
