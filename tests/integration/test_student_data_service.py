"""quizapp.services.student_data and student_deletion: a student's downloads, deleting
the account under each class's choice, and a teacher removing a student's data."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from flask import Flask

from quizapp.extensions import db
from quizapp.models import (
    Attempt,
    AttemptQuestion,
    DeletedStudentData,
    Enrolment,
    ExtraTime,
    Quiz,
    Response,
    ReviewCard,
    SchoolClass,
    User,
)
from quizapp.services import gradebook
from quizapp.services.errors import NotFound
from quizapp.services.student_data import (
    CSV_HEADER,
    student_answers_csv,
    student_data_json,
    student_data_page,
)
from quizapp.services.student_deletion import (
    AccountDeleted,
    DeletionRefused,
    change_deleted_student_data,
    delete_student_account,
    deleted_student_email,
    remove_student_data,
    student_data_removal,
)
from quizapp.services.users import AccountError, authenticate, sign_up_student
from tests.factories import NOW, PASSWORD, create_admin, submitted_attempt_for
from tests.student_data_support import (
    StudentDataWorld,
    build_student_data_world,
    dangling_references,
    user_row,
)


@pytest.fixture
def world(app_context: Flask) -> StudentDataWorld:
    return build_student_data_world()


def _attempt_ids(student_id: int) -> set[int]:
    return set(db.session.scalars(db.select(Attempt.id).where(Attempt.student_id == student_id)))


def _count(model: Any, *where: Any) -> int:
    return len(db.session.execute(db.select(model).where(*where)).all())


def _responses_of(attempt_id: int) -> int:
    return _count(
        Response,
        Response.attempt_question_id.in_(
            db.select(AttemptQuestion.id).where(AttemptQuestion.attempt_id == attempt_id)
        ),
    )


# ------------------------------------------------------------------------------ downloads


def test_json_download_holds_the_account_classes_attempts_progress_and_cards(
    world: StudentDataWorld,
) -> None:
    data = json.loads(student_data_json(world.ada_id, now=NOW).content.decode())

    assert data["account"] == {
        "name": "Ada Lovelace",
        "email": "ada@example.com",
        "created_at": NOW.isoformat(),
    }
    assert [(c["name"], c["teacher"]) for c in data["classes"]] == [
        ("History 10B", "Grace Hopper"),
        ("Economics 11", "Grace Hopper"),
    ]
    attempts = data["attempts"]
    assert [(a["quiz"], a["class"], a["kind"], a["state"]) for a in attempts] == [
        ("Economy check", "History 10B", "assessment", "submitted"),
        ("=Trade quiz", "Economics 11", "assessment", "submitted"),
        (attempts[2]["quiz"], None, "practice", "submitted"),
    ]
    assert attempts[2]["quiz"].startswith("Practice: ")
    # One right answer of two in the first attempt, both right in the second.
    first, second = attempts[0], attempts[1]
    assert [q["fraction"] for q in first["questions"]] == [1.0, 0.0]
    assert [q["fraction"] for q in second["questions"]] == [1.0, 1.0]
    assert (first["score"], first["max_score"]) == (1.0, 2.0)
    stored = db.session.execute(
        db.select(AttemptQuestion.position, Response.answer)
        .join(Response, Response.attempt_question_id == AttemptQuestion.id)
        .where(AttemptQuestion.attempt_id == world.ada_keep_attempt_id)
        .order_by(AttemptQuestion.position)
    ).all()
    assert len(stored) == 2
    for question in first["questions"]:
        assert question["prompt"] and question["type"]
        # The answer in words (the review page's wording), never the stored indices.
        assert isinstance(question["answer"], str) and question["answer"] != "No answer"
        assert question["answered"] is True
        assert question["points"] == 1.0 and question["mark"] == question["fraction"]
    assert {(p["section"], p["questions"]) for p in data["progress"]} >= {
        ("What are their economic ties?", 11)
    }
    assert data["review_cards"], "submitting graded questions makes review cards"
    cards = db.session.scalars(
        db.select(ReviewCard).where(ReviewCard.student_id == world.ada_id)
    ).all()
    assert len(data["review_cards"]) == len(cards)
    assert {"article", "section", "prompt", "due_at", "reviews", "last_fraction"} <= set(
        data["review_cards"][0]
    )


def test_json_download_never_holds_a_classmates_data(world: StudentDataWorld) -> None:
    text = student_data_json(world.ada_id, now=NOW).content.decode()

    assert "bob@example.com" not in text and "Bob Student" not in text
    assert len(json.loads(text)["attempts"]) == len(_attempt_ids(world.ada_id)) == 3


def test_csv_download_has_a_row_per_response_with_formulas_defused(
    world: StudentDataWorld,
) -> None:
    download = student_answers_csv(world.ada_id, now=NOW)

    assert download.filename == "quizapp-answers-2026-11-02.csv"
    rows = list(csv.reader(io.StringIO(download.content.decode().removeprefix("\ufeff"))))
    assert tuple(rows[0]) == CSV_HEADER
    responses = sum(_responses_of(a) for a in _attempt_ids(world.ada_id))
    assert len(rows) - 1 == responses == 6
    by_quiz = [row[0] for row in rows[1:]]
    assert by_quiz[:4] == ["Economy check"] * 2 + ["'=Trade quiz"] * 2
    first = dict(zip(CSV_HEADER, rows[1], strict=True))
    assert (first["Class"], first["State"], first["Fraction"], first["Mark"]) == (
        "History 10B",
        "submitted",
        "1",
        "1",
    )


def test_data_page_says_what_deletion_does_in_each_class(world: StudentDataWorld) -> None:
    page = student_data_page(world.ada_id)

    assert [(c.name, c.attempts, c.deleted_student_data) for c in page.classes] == [
        ("Economics 11", 1, DeletedStudentData.REMOVE),
        ("History 10B", 1, DeletedStudentData.ANONYMISE),
    ]
    assert page.attempts_outside_classes == 1


def test_teachers_and_admins_have_no_student_data(world: StudentDataWorld) -> None:
    admin = create_admin()
    for account_id in (world.teacher_id, admin.id):
        with pytest.raises(NotFound):
            student_data_page(account_id)
        with pytest.raises(NotFound):
            delete_student_account(account_id, "grace@example.com", now=NOW)
    assert user_row(world.teacher_id) is not None


# ------------------------------------------------------------------------------- deletion


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (None, ""),
        ("", "That is not this account's email address; type it exactly as shown above."),
        (
            "bob@example.com",
            "That is not this account's email address; type it exactly as shown above.",
        ),
        (
            "ada@example.org",
            "That is not this account's email address; type it exactly as shown above.",
        ),
    ],
)
def test_deletion_needs_the_accounts_email_typed(
    world: StudentDataWorld, typed: str | None, message: str
) -> None:
    outcome = delete_student_account(world.ada_id, typed, now=NOW)

    assert isinstance(outcome, DeletionRefused)
    assert outcome.message == message
    assert outcome.page.email == "ada@example.com"
    assert user_row(world.ada_id) is not None
    assert len(_attempt_ids(world.ada_id)) == 3


def test_deletion_anonymises_kept_attempts_and_deletes_the_rest(world: StudentDataWorld) -> None:
    keep_responses = _responses_of(world.ada_keep_attempt_id)

    # Typed as people type: other case, spaces around it.
    outcome = delete_student_account(world.ada_id, "  ADA@Example.com ", now=NOW)

    assert outcome == AccountDeleted(anonymised_attempts=1, deleted_attempts=2)
    row = user_row(world.ada_id)
    assert row is not None
    assert (row.name, row.email, row.deleted_at) == (
        f"Deleted student {world.ada_id}",
        f"deleted-{world.ada_id}@invalid",
        NOW,
    )
    assert "Lovelace" not in row.password_hash and "$" not in row.password_hash
    # The History attempt stays with every answer; Economics and practice are gone.
    assert _attempt_ids(world.ada_id) == {world.ada_keep_attempt_id}
    assert _responses_of(world.ada_keep_attempt_id) == keep_responses
    for gone in (world.ada_remove_attempt_id, world.ada_practice_attempt_id):
        assert _count(AttemptQuestion, AttemptQuestion.attempt_id == gone) == 0
    assert db.session.get(Quiz, world.ada_practice_quiz_id) is None
    assert _count(ReviewCard, ReviewCard.student_id == world.ada_id) == 0
    assert _count(ExtraTime, ExtraTime.student_id == world.ada_id) == 0
    # History keeps her on its roster (its gradebook lists current students); Economics
    # keeps nothing of her.
    enrolments = db.session.execute(
        db.select(Enrolment.class_id, Enrolment.removed_at).where(
            Enrolment.student_id == world.ada_id
        )
    ).all()
    assert enrolments == [(world.keep_class_id, None)]
    # Bob is untouched.
    assert _attempt_ids(world.bob_id) == {world.bob_attempt_id}
    assert dangling_references() == {}


def test_the_gradebooks_show_the_anonymous_name_or_no_row(world: StudentDataWorld) -> None:
    delete_student_account(world.ada_id, "ada@example.com", now=NOW)

    keep = gradebook.gradebook(db.session.get_one(SchoolClass, world.keep_class_id))
    names = {row.student.name: row.cells[world.keep_quiz_id].grade for row in keep.rows}
    assert names == {f"Deleted student {world.ada_id}": 1.0, "Bob Student": 2.0}
    remove = gradebook.gradebook(db.session.get_one(SchoolClass, world.remove_class_id))
    assert remove.rows == []


def test_deletion_with_nothing_kept_deletes_the_account_row(world: StudentDataWorld) -> None:
    db.session.get_one(
        SchoolClass, world.keep_class_id
    ).deleted_student_data = DeletedStudentData.REMOVE
    db.session.commit()

    outcome = delete_student_account(world.ada_id, "ada@example.com", now=NOW)

    assert outcome == AccountDeleted(anonymised_attempts=0, deleted_attempts=3)
    assert user_row(world.ada_id) is None
    assert _count(Enrolment, Enrolment.student_id == world.ada_id) == 0
    assert _attempt_ids(world.bob_id) == {world.bob_attempt_id}
    assert dangling_references() == {}


def test_a_deleted_account_cannot_log_in_sign_up_again_or_be_deleted_twice(
    world: StudentDataWorld,
) -> None:
    delete_student_account(world.ada_id, "ada@example.com", now=NOW)

    assert authenticate("ada@example.com", PASSWORD) is None
    assert authenticate(deleted_student_email(world.ada_id), PASSWORD) is None
    assert authenticate(deleted_student_email(world.ada_id), "!deleted-account") is None
    with pytest.raises(AccountError, match="is not an email address"):
        sign_up_student(deleted_student_email(world.ada_id), PASSWORD, name="Eve", now=NOW)
    with pytest.raises(NotFound):
        delete_student_account(world.ada_id, deleted_student_email(world.ada_id), now=NOW)
    with pytest.raises(NotFound):
        student_data_json(world.ada_id, now=NOW)
    # The old address is free: the person may sign up again, as a new account.
    fresh = sign_up_student("ada@example.com", PASSWORD, name="Ada Again", now=NOW)
    assert fresh.id != world.ada_id and _attempt_ids(fresh.id) == set()


# ------------------------------------------------------------------ a teacher's removal


def test_a_teacher_removes_a_students_data_from_their_class(world: StudentDataWorld) -> None:
    removal = student_data_removal(world.teacher_id, world.remove_class_id, world.ada_id)
    assert (removal.student_name, removal.class_name, removal.attempts) == (
        "Ada Lovelace",
        "Economics 11",
        1,
    )

    removed = remove_student_data(
        world.teacher_id, world.remove_class_id, world.ada_id, confirmed=True, now=NOW
    )

    assert removed is not None and removed.attempts == 1
    assert _attempt_ids(world.ada_id) == {
        world.ada_keep_attempt_id,
        world.ada_practice_attempt_id,
    }
    assert _count(ExtraTime, ExtraTime.student_id == world.ada_id) == 0
    enrolment = db.session.execute(
        db.select(Enrolment).where(
            Enrolment.student_id == world.ada_id, Enrolment.class_id == world.remove_class_id
        )
    ).scalar_one()
    assert enrolment.removed_at == NOW
    row = user_row(world.ada_id)
    assert row is not None and row.name == "Ada Lovelace" and row.deleted_at is None
    assert _count(ReviewCard, ReviewCard.student_id == world.ada_id) > 0
    assert dangling_references() == {}


def test_removal_without_confirmation_changes_nothing(world: StudentDataWorld) -> None:
    removed = remove_student_data(
        world.teacher_id, world.remove_class_id, world.ada_id, confirmed=False, now=NOW
    )

    assert removed is None
    assert len(_attempt_ids(world.ada_id)) == 3


@pytest.mark.parametrize(
    ("teacher", "school_class", "student"),
    [
        ("other_teacher_id", "remove_class_id", "ada_id"),  # another teacher's class
        ("teacher_id", "other_class_id", "ada_id"),  # a class not hers
        ("teacher_id", "remove_class_id", "bob_id"),  # never in that class
        ("teacher_id", "remove_class_id", "teacher_id"),  # not a student of it at all
    ],
)
def test_removal_is_for_the_owning_teacher_and_a_student_of_the_class(
    world: StudentDataWorld, teacher: str, school_class: str, student: str
) -> None:
    ids = (getattr(world, teacher), getattr(world, school_class), getattr(world, student))
    with pytest.raises(NotFound):
        student_data_removal(*ids)
    with pytest.raises(NotFound):
        remove_student_data(*ids, confirmed=True, now=NOW)
    assert len(_attempt_ids(world.ada_id)) == 3


def test_removing_a_deleted_students_last_kept_attempts_deletes_the_row(
    world: StudentDataWorld,
) -> None:
    delete_student_account(world.ada_id, "ada@example.com", now=NOW)

    remove_student_data(
        world.teacher_id, world.keep_class_id, world.ada_id, confirmed=True, now=NOW
    )

    assert user_row(world.ada_id) is None
    assert _attempt_ids(world.bob_id) == {world.bob_attempt_id}
    assert dangling_references() == {}


# -------------------------------------------------------------------- the class's choice


@pytest.mark.parametrize(
    ("choice", "problem", "stored"),
    [
        ("remove", None, DeletedStudentData.REMOVE),
        ("anonymise", None, DeletedStudentData.ANONYMISE),
        ("forget", "'forget' is not one of the choices for a deleted student's attempts.", None),
        (None, "The form expired or was not filled in; please choose again.", None),
    ],
)
def test_a_teacher_chooses_what_a_deleted_students_attempts_become(
    world: StudentDataWorld, choice: str | None, problem: str | None, stored: Any
) -> None:
    assert change_deleted_student_data(world.teacher_id, world.keep_class_id, choice) == problem

    db.session.expire_all()
    school_class = db.session.get_one(SchoolClass, world.keep_class_id)
    assert school_class.deleted_student_data is (stored or DeletedStudentData.ANONYMISE)


def test_only_the_owning_teacher_chooses(world: StudentDataWorld) -> None:
    with pytest.raises(NotFound):
        change_deleted_student_data(world.other_teacher_id, world.keep_class_id, "remove")


def test_a_new_class_keeps_a_deleted_students_attempts_anonymised(
    world: StudentDataWorld,
) -> None:
    school_class = db.session.get_one(SchoolClass, world.other_class_id)
    assert school_class.deleted_student_data is DeletedStudentData.ANONYMISE


# ------------------------------------------------------------------------------- queries


def test_the_downloads_run_a_fixed_number_of_queries(
    world: StudentDataWorld, count_queries: Any
) -> None:
    def count(use_case: Any) -> int:
        db.session.expire_all()  # the account is read afresh each time
        with count_queries() as counter:
            use_case()
        return counter.count

    def counts() -> tuple[int, int, int]:
        return (
            count(lambda: student_data_json(world.ada_id, now=NOW)),
            count(lambda: student_answers_csv(world.ada_id, now=NOW)),
            count(lambda: student_data_page(world.ada_id)),
        )

    before = counts()
    quiz = db.session.get_one(Quiz, world.keep_quiz_id)
    ada = db.session.get_one(User, world.ada_id)
    for seed in range(2, 6):
        submitted_attempt_for(quiz, ada, seed=seed, right=seed % 3)

    # More attempts, the same statements: the account, then the JSON's progress (3),
    # classes, attempts and review cards; the CSV's attempts; the page's two.
    assert counts() == before == (7, 2, 3)
