"""Gradebook, CSV and Excel downloads, item analysis and the class mastery heatmap."""

from __future__ import annotations

from flask import Response, abort, render_template, request
from flask_login import current_user

from quizapp.downloads import attachment
from quizapp.gc_pause import cyclic_gc_paused
from quizapp.services.class_mastery import class_mastery_page
from quizapp.services.errors import NotFound
from quizapp.services.exports import analysis_export, gradebook_export, responses_export
from quizapp.services.gradebook import class_gradebook
from quizapp.services.item_analysis import WHICH_ATTEMPTS, UnknownAttempts, quiz_analysis_page
from quizapp.services.spreadsheets import FileFormat
from quizapp.teacher import blueprint
from quizapp.teacher.statistics_text import FIGURE_MEANINGS


@blueprint.get("/classes/<int:class_id>/gradebook")
def gradebook_page(class_id: int) -> str:
    """Students x quizzes, each grade by the quiz's grading method; sortable by column."""
    sort = request.args.get("sort", "name")
    descending = request.args.get("dir") == "desc"
    page = request.args.get("page", 1, type=int)
    # Hundreds of rows: rendering them allocates as much as building them.
    with cyclic_gc_paused():
        try:
            book = class_gradebook(
                class_id, teacher_id=current_user.id, sort=sort, descending=descending, page=page
            )
        except NotFound as missing:
            abort(404, description=missing.message)
        return render_template(
            "teacher/gradebook.html", book=book, sort=sort, descending=descending
        )


def _gradebook_file(class_id: int, file_format: FileFormat) -> Response:
    try:
        return attachment(
            gradebook_export(class_id, teacher_id=current_user.id, file_format=file_format)
        )
    except NotFound as missing:
        abort(404, description=missing.message)


@blueprint.get("/classes/<int:class_id>/gradebook.csv")
def gradebook_download(class_id: int) -> Response:
    """The gradebook as a CSV file: points and percentages as numbers."""
    return _gradebook_file(class_id, "csv")


@blueprint.get("/classes/<int:class_id>/gradebook.xlsx")
def gradebook_xlsx(class_id: int) -> Response:
    """The gradebook as an Excel workbook of typed cells."""
    return _gradebook_file(class_id, "xlsx")


def _responses_file(quiz_id: int, file_format: FileFormat) -> Response:
    try:
        return attachment(
            responses_export(quiz_id, teacher_id=current_user.id, file_format=file_format)
        )
    except NotFound as missing:
        abort(404, description=missing.message)


@blueprint.get("/quizzes/<int:quiz_id>/responses.csv")
def responses_download(quiz_id: int) -> Response:
    """Every response to the quiz as a CSV file, one row per response."""
    return _responses_file(quiz_id, "csv")


@blueprint.get("/quizzes/<int:quiz_id>/responses.xlsx")
def responses_xlsx(quiz_id: int) -> Response:
    """Every response to the quiz as an Excel workbook, one row per response."""
    return _responses_file(quiz_id, "xlsx")


def _analysis_file(quiz_id: int, file_format: FileFormat) -> Response:
    try:
        return attachment(
            analysis_export(
                quiz_id,
                teacher_id=current_user.id,
                which=request.args.get("attempts", "first"),
                file_format=file_format,
            )
        )
    except NotFound as missing:
        abort(404, description=missing.message)
    except UnknownAttempts:
        abort(400, description=f"attempts must be one of: {', '.join(WHICH_ATTEMPTS)}.")


@blueprint.get("/quizzes/<int:quiz_id>/analysis.csv")
def analysis_csv(quiz_id: int) -> Response:
    """The item analysis's figures per question as a CSV file."""
    return _analysis_file(quiz_id, "csv")


@blueprint.get("/quizzes/<int:quiz_id>/analysis.xlsx")
def analysis_xlsx(quiz_id: int) -> Response:
    """Everything the item-analysis page shows as an Excel workbook, a sheet per part."""
    return _analysis_file(quiz_id, "xlsx")


@blueprint.get("/quizzes/<int:quiz_id>/analysis")
def analysis(quiz_id: int) -> str:
    """Item analysis with question health and the score histogram."""
    which = request.args.get("attempts", "first")
    with cyclic_gc_paused():
        try:
            page = quiz_analysis_page(quiz_id, teacher_id=current_user.id, which=which)
        except NotFound as missing:
            abort(404, description=missing.message)
        except UnknownAttempts:
            abort(400, description=f"attempts must be one of: {', '.join(WHICH_ATTEMPTS)}.")
        return render_template(
            "teacher/analysis.html",
            quiz=page.quiz,
            report=page.report,
            which_options=WHICH_ATTEMPTS,
            bins=page.bins,
            meanings=FIGURE_MEANINGS,
        )


@blueprint.get("/classes/<int:class_id>/mastery")
def insight(class_id: int) -> str:
    """Students x sections mastery heatmap, with the same numbers in a table."""
    try:
        page = class_mastery_page(
            class_id, teacher_id=current_user.id, page=request.args.get("page", 1, type=int)
        )
    except NotFound as missing:
        abort(404, description=missing.message)
    return render_template("teacher/insight.html", school_class=page.school_class, grid=page.grid)
