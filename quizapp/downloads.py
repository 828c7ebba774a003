"""Sending a file the services built (a report, a student's data) as a download."""

from __future__ import annotations

from flask import Response

from quizapp.services.spreadsheets import Download


def attachment(file: Download) -> Response:
    """The file as an attachment: the browser saves it under its name."""
    return Response(
        file.content,
        mimetype=file.mimetype,
        headers={"Content-Disposition": f'attachment; filename="{file.filename}"'},
    )
