"""quizapp.services.exports: CSV cells made safe, the gradebook as CSV."""

from __future__ import annotations

import csv
import io

import pytest

from quizapp.extensions import db
from quizapp.services import exports, gradebook, spreadsheets
from tests.factories import (
    ECONOMY,
    create_assessment,
    section_rule,
)
from tests.integration.report_support import School, scored

# ------------------------------------------------------------------------------- safe_cell


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Ada Lovelace", "Ada Lovelace"),
        ("a=b+c", "a=b+c"),  # only a leading sign makes a formula
        ("ada@example.com", "ada@example.com"),
        ("'quoted", "'quoted"),
        ("", ""),
        (None, ""),
        (0, "0"),
        (42, "42"),
        (2.5, "2.5"),
        ("Zoë", "Zoë"),
    ],
)
def test_safe_cell(value: object, cell: str) -> None:
    assert exports.safe_cell(value) == cell


def test_gradebook_csv_neutralises_every_cell(school: School) -> None:
    quiz = create_assessment(
        school.teacher,
        school.school_class,
        school.article,
        rules=[section_rule(school.article, ECONOMY, 1)],
        title="@quiz",
    )
    school.bob.name = "-Bob"
    db.session.commit()
    scored(quiz, school.bob, 2.5, minutes=1)

    rows = list(
        csv.reader(
            io.StringIO(
                spreadsheets.csv_text(
                    exports.gradebook_table(gradebook.gradebook(school.school_class))
                )
            )
        )
    )

    assert rows == [
        ["Student", "Email", "'@quiz (points, max 4)", "'@quiz (%)"],
        ["'-Bob", "bob@example.com", "2.5", "62.5"],
        ["Ada Lovelace", "ada@example.com", "", ""],
        ["Cy Student", "cy@example.com", "", ""],
    ]
