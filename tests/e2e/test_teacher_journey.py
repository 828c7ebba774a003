"""A teacher's whole journey in Chromium: log in, create a class, write a question of every
type (one refused first for evidence missing from its section), build and publish a quiz,
and, once a student has taken it, read the gradebook, the attempt, the item analysis and
the responses CSV. axe checks the authoring and report pages on the way."""

from __future__ import annotations

import csv
import io
import re

import pytest
from flask import Flask

from quizapp.models import Role
from quizapp.services.users import create_user
from tests.e2e.helpers import PASSWORD, log_in, now, section_questions, sign_up
from tests.e2e.teacher_helpers import (
    NEW_QUESTIONS,
    TYPED_ANSWER,
    answer_anything,
    blocking_violations,
    fill_question_form,
)

pytestmark = pytest.mark.browser

TEACHER = ("Ms Teacher", "teacher@example.org")
STUDENT = ("Sam Student", "sam@example.org")
CLASS_NAME = "Year 11 Politics"
QUIZ_TITLE = "China and Russia: the introduction"
SECTION_TITLE = "Introduction"
SECTION_SLUG = "introduction"
# Not in the section: the introduction says the 2000s.
WRONG_EVIDENCE = "The two formally resolved their border dispute in the 1990s"
CSV_HEADER = [
    "Student",
    "Email",
    "Attempt",
    "State",
    "Question",
    "Question id",
    "Version",
    "Type",
    "Answer",
    "Fraction",
    "Mark",
    "Out of",
    "Saved at (UTC)",
    "Attempt score",
    "Attempt out of",
    "Attempt (%)",
]


def test_teacher_writes_questions_sets_a_quiz_and_reads_the_reports(
    app: Flask, browser, page, live_server: str
) -> None:
    from playwright.sync_api import expect

    # The quiz asks for the whole section: the bank's questions and the seven new ones.
    question_count = len(section_questions(SECTION_SLUG)) + len(NEW_QUESTIONS)
    with app.app_context():
        create_user(TEACHER[1], PASSWORD, role=Role.TEACHER, name=TEACHER[0], now=now())
    main_nav = page.get_by_role("navigation", name="Main")
    flash = page.get_by_role("status")
    axe_problems: list[str] = []

    def check_accessibility(what: str) -> None:
        axe_problems.extend(f"{what} ({page.url}): {line}" for line in blocking_violations(page))

    # --- log in, create a class, read its join code
    log_in(page, live_server, TEACHER[1], TEACHER[0])
    page.get_by_role("link", name="New class").click()
    page.get_by_label("Class name").fill(CLASS_NAME)
    page.get_by_role("button", name="Create class").click()
    expect(page.get_by_role("heading", level=1, name=CLASS_NAME)).to_be_visible()
    join_line = page.get_by_text(re.compile(r"^Join code: [A-Z0-9]{8}$"))
    expect(join_line).to_be_visible()
    join_code = join_line.inner_text().removeprefix("Join code: ")
    expect(flash).to_contain_text(f"Its join code is {join_code}.")

    # --- write one question of each type
    for index, question in enumerate(NEW_QUESTIONS):
        main_nav.get_by_role("link", name="Question bank").click()
        page.get_by_role("link", name="New question").click()
        page.get_by_label("Type").select_option(label=question.type_label)
        page.get_by_role("button", name="Continue").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            f"New question: {question.type_label.lower()}"
        )
        if index == 0:
            check_accessibility("the new-question form")
            # A quote the section does not have is refused, the closest passage shown.
            fill_question_form(page, question, SECTION_TITLE, WRONG_EVIDENCE)
            page.get_by_role("button", name="Save question").click()
            expect(page.get_by_role("alert")).to_contain_text(
                "Please correct the highlighted fields."
            )
            evidence = page.get_by_label("Evidence", exact=True)
            expect(evidence).to_have_attribute("aria-invalid", "true")
            expect(evidence).to_have_accessible_description(
                re.compile(
                    rf"Not found in section '{SECTION_TITLE}'\. "
                    rf'Closest passage: ".*{re.escape(question.evidence)}.*"'
                )
            )
            expect(page.get_by_text("Closest passage:")).to_be_visible()
            expect(page.get_by_label("Prompt", exact=True)).to_have_value(question.prompt)
            check_accessibility("the question form refusing its evidence")
            evidence.fill(question.evidence)
        else:
            fill_question_form(page, question, SECTION_TITLE, question.evidence)
        page.get_by_role("button", name="Save question").click()
        expect(flash).to_contain_text("Question saved as")
        expect(page.get_by_role("heading", level=1)).to_contain_text("Edit question")

    # --- build the quiz: the whole section, any difficulty; save, publish
    main_nav.get_by_role("link", name="Dashboard").click()
    page.get_by_role("link", name="New quiz").click()
    page.get_by_role("button", name="Continue").click()  # the only article
    expect(page.get_by_role("heading", level=1, name="New quiz")).to_be_visible()
    section_row = page.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name=SECTION_TITLE, exact=True)
    )
    expect(section_row).to_contain_text(f"{question_count} (")
    check_accessibility("the quiz builder")
    page.get_by_label("Title").fill(QUIZ_TITLE)
    page.get_by_label("Class", exact=True).select_option(label=CLASS_NAME)
    page.get_by_role("spinbutton", name=f"{SECTION_TITLE} questions").fill(str(question_count))
    page.get_by_role("button", name="Save quiz").click()
    expect(page.get_by_role("heading", level=1, name=QUIZ_TITLE)).to_be_visible()
    expect(flash).to_contain_text("Quiz saved as a draft.")
    page.get_by_role("button", name="Publish").click()
    expect(flash).to_contain_text("Published: the class can take it now.")
    quiz_url = page.url

    # --- a student joins and takes the quiz in their own browser context
    score, prompts = _student_takes_quiz(browser, live_server, join_code, question_count)
    assert {question.prompt for question in NEW_QUESTIONS} <= set(prompts)

    # --- the gradebook shows the student's grade
    page.goto(quiz_url)
    page.get_by_role("link", name="Gradebook").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Gradebook: {CLASS_NAME}")
    student_row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=STUDENT[0]))
    expect(student_row.get_by_role("cell")).to_have_text([score])
    check_accessibility("the gradebook")

    # --- the quiz page lists the attempt; the attempt page shows the answers
    page.goto(quiz_url)
    attempt_row = page.get_by_role("row").filter(has=page.get_by_role("rowheader", name=STUDENT[0]))
    expect(attempt_row).to_contain_text("Submitted")
    expect(attempt_row).to_contain_text(score)
    attempt_row.get_by_role("link", name=STUDENT[0]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"{STUDENT[0]}: {QUIZ_TITLE}, attempt 1"
    )
    expect(page.get_by_text(f"Score: {score}", exact=True)).to_be_visible()
    reviews = page.get_by_role("region", name=re.compile(r"^Question \d+$"))
    expect(reviews).to_have_count(question_count)
    expect(page.get_by_text("No answer", exact=True)).to_have_count(0)
    short = next(q for q in NEW_QUESTIONS if q.answers)
    expect(reviews.filter(has_text=short.prompt)).to_contain_text(
        re.compile(rf"Your answer\s*{TYPED_ANSWER}")
    )

    # --- item analysis with its figures
    page.goto(quiz_url)
    page.get_by_role("link", name="Item analysis").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Item analysis: {QUIZ_TITLE}")
    expect(page.get_by_text("Based on 1 attempt (")).to_be_visible()
    whole_quiz = page.get_by_role("region", name="The whole quiz")
    average = whole_quiz.get_by_role("row").filter(
        has=page.get_by_role("rowheader", name="Average score")
    )
    expect(average.get_by_role("cell").first).to_have_text(score.split(" / ")[0])
    per_question = page.get_by_role("region", name="Questions", exact=True)
    facility_rows = per_question.get_by_role("table").first.get_by_role("row")
    expect(facility_rows).to_have_count(question_count + 1)  # and the header row
    expect(facility_rows.nth(1).get_by_role("cell").nth(1)).to_have_text(re.compile(r"^\d"))
    check_accessibility("the item analysis")

    # --- the responses CSV: a header, then one row per response
    page.goto(quiz_url)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download CSV").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    with open(download.path(), encoding="utf-8-sig", newline="") as file:
        text = file.read()
    assert text.splitlines()[0] == ",".join(CSV_HEADER)
    header, *rows = list(csv.reader(io.StringIO(text)))
    assert header == CSV_HEADER
    assert len(rows) == question_count, f"{len(rows)} response rows for {question_count} answers"
    assert {(row[0], row[1], row[3]) for row in rows} == {(*STUDENT, "submitted")}
    assert sorted(int(row[4]) for row in rows) == list(range(1, question_count + 1))

    assert not axe_problems, "axe found serious or critical problems:\n" + "\n".join(axe_problems)


def _student_takes_quiz(
    browser, live_server: str, join_code: str, question_count: int
) -> tuple[str, list[str]]:
    """Sign up, join the class, answer every question somehow and submit.

    Returns the score as the result page prints it ("3 / 18") and the prompts seen.
    """
    from playwright.sync_api import expect

    context = browser.new_context()
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        sign_up(page, live_server, *STUDENT)
        page.get_by_label("Class code").fill(join_code)
        page.get_by_role("button", name="Join class").click()
        expect(page.get_by_text(f"You joined {CLASS_NAME}.")).to_be_visible()
        quiz = page.get_by_role("listitem").filter(has=page.get_by_role("heading", name=QUIZ_TITLE))
        quiz.get_by_role("button", name="Start quiz").click()

        prompts = []
        for position in range(1, question_count + 1):
            expect(
                page.get_by_text(f"Question {position} of {question_count}", exact=True)
            ).to_be_visible()
            prompts.append(answer_anything(page))
            page.get_by_role("button", name="Save and next").click()

        expect(page.get_by_role("heading", level=1)).to_have_text(f"Submit {QUIZ_TITLE}?")
        expect(
            page.get_by_text(f"You have answered all {question_count} questions.")
        ).to_be_visible()
        page.get_by_role("button", name="Submit quiz").click()
        score = page.get_by_text(re.compile(r"^Score: [\d.]+ / [\d.]+$"))
        expect(score).to_be_visible()
        return score.inner_text().removeprefix("Score: "), prompts
    finally:
        context.close()
