"""Gradebook, CSV downloads, item analysis and the class mastery heatmap."""

from __future__ import annotations

from flask import Response, abort, render_template, request

from quizapp.services.reports import (
    WHICH_ATTEMPTS,
    class_mastery,
    cyclic_gc_paused,
    gradebook,
    gradebook_csv,
    histogram,
    quiz_analysis,
    responses_csv,
)
from quizapp.teacher import blueprint
from quizapp.teacher.classes import get_owned_class_or_404
from quizapp.teacher.quizzes import get_owned_quiz_or_404
from quizapp.teacher.statistics_text import FIGURE_MEANINGS


def _csv_download(text: str, filename: str) -> Response:
    # A byte-order mark makes spreadsheet programs read the file as UTF-8.
    return Response(
        "\ufeff" + text,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@blueprint.get("/classes/<int:class_id>/gradebook")
def gradebook_page(class_id: int) -> str:
    """Students x quizzes, each grade by the quiz's grading method; sortable by column."""
    school_class = get_owned_class_or_404(class_id)
    sort = request.args.get("sort", "name")
    descending = request.args.get("dir") == "desc"
    # Thousands of rows: rendering them allocates as much as building them.
    with cyclic_gc_paused():
        return render_template(
            "teacher/gradebook.html",
            book=gradebook(school_class, sort=sort, descending=descending),
            sort=sort,
            descending=descending,
        )


@blueprint.get("/classes/<int:class_id>/gradebook.csv")
def gradebook_download(class_id: int) -> Response:
    """The gradebook as a CSV file."""
    school_class = get_owned_class_or_404(class_id)
    return _csv_download(gradebook_csv(gradebook(school_class)), f"gradebook-class-{class_id}.csv")


@blueprint.get("/quizzes/<int:quiz_id>/responses.csv")
def responses_download(quiz_id: int) -> Response:
    """Every response to the quiz as a CSV file, one row per response."""
    quiz = get_owned_quiz_or_404(quiz_id)
    return _csv_download(responses_csv(quiz), f"responses-quiz-{quiz_id}.csv")


@blueprint.get("/quizzes/<int:quiz_id>/analysis")
def analysis(quiz_id: int) -> str:
    """Item analysis with question health and the score histogram."""
    quiz = get_owned_quiz_or_404(quiz_id)
    which = request.args.get("attempts", "first")
    if which not in WHICH_ATTEMPTS:
        abort(400, description=f"attempts must be one of: {', '.join(WHICH_ATTEMPTS)}.")
    with cyclic_gc_paused():
        report = quiz_analysis(quiz.id, which)
        return render_template(
            "teacher/analysis.html",
            quiz=quiz,
            report=report,
            which_options=WHICH_ATTEMPTS,
            bins=histogram(report.scores),
            meanings=FIGURE_MEANINGS,
        )


@blueprint.get("/classes/<int:class_id>/mastery")
def insight(class_id: int) -> str:
    """Students x sections mastery heatmap, with the same numbers in a table."""
    school_class = get_owned_class_or_404(class_id)
    return render_template(
        "teacher/insight.html", school_class=school_class, grid=class_mastery(school_class)
    )
