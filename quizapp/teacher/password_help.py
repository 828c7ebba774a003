"""A one-time password reset code for a student of one of the teacher's classes."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from quizapp.clock import utcnow
from quizapp.forms import EmptyForm
from quizapp.services.password_resets import issue_reset_code
from quizapp.teacher import blueprint


@blueprint.post("/classes/<int:class_id>/students/<int:student_id>/reset-code")
def reset_code(class_id: int, student_id: int) -> str | Response:
    """Issue a code and show it once (only its hash is kept; earlier codes stop working)."""
    if not EmptyForm().validate_on_submit():
        flash("The page had expired, so no code was made. Try again.", "error")
        return redirect(url_for("teacher.class_page", class_id=class_id))
    issued = issue_reset_code(
        student_id, teacher_id=current_user.id, now=utcnow(), class_id=class_id
    )
    return render_template("teacher/reset_code.html", issued=issued, class_id=class_id)
