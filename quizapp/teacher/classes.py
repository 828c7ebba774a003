"""Teacher home, classes (codes, roster) and promoting accounts."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from quizapp.clock import utcnow
from quizapp.forms import EmptyForm
from quizapp.models import SchoolClass
from quizapp.services.classes import (
    ClassError,
    classes_taught_by,
    create_class,
    owned_class,
    readmit_student,
    regenerate_join_code,
    remove_student,
    roster,
)
from quizapp.services.quizzes import quizzes_of_teacher
from quizapp.services.users import AccountError, promote_to_teacher
from quizapp.teacher import blueprint
from quizapp.teacher.forms import ClassForm, PromoteForm


def get_owned_class_or_404(class_id: int) -> SchoolClass:
    """The current teacher's class; any other class is a 404, never a 403 (no leaks)."""
    school_class = owned_class(class_id, current_user.id)
    if school_class is None:
        abort(404, description="There is no such class among yours.")
    return school_class


@blueprint.get("/")
def dashboard() -> str:
    """Classes and quizzes at a glance."""
    return render_template(
        "teacher/dashboard.html",
        classes=classes_taught_by(current_user.id),
        quizzes=quizzes_of_teacher(current_user.id),
    )


@blueprint.route("/classes/new", methods=["GET", "POST"])
def new_class() -> str | Response:
    """Create a class; it gets a join code at once."""
    form = ClassForm()
    if form.validate_on_submit():
        try:
            school_class = create_class(current_user, form.name.data or "", now=utcnow())
        except ClassError as error:
            form.name.errors.append(str(error))
        else:
            flash(
                f"Class {school_class.name} created. Its join code is {school_class.join_code}.",
                "success",
            )
            return redirect(url_for("teacher.class_page", class_id=school_class.id))
    return render_template("teacher/class_new.html", form=form)


@blueprint.get("/classes/<int:class_id>")
def class_page(class_id: int) -> str:
    """The join code, the roster and the class's reports."""
    school_class = get_owned_class_or_404(class_id)
    return render_template(
        "teacher/class.html",
        school_class=school_class,
        enrolments=roster(school_class.id),
        form=EmptyForm(),
    )


@blueprint.post("/classes/<int:class_id>/code")
def new_join_code(class_id: int) -> Response:
    """Replace the join code (the old one stops working)."""
    school_class = get_owned_class_or_404(class_id)
    if EmptyForm().validate_on_submit():
        code = regenerate_join_code(school_class)
        flash(f"The new join code is {code}; the old one no longer works.", "success")
    return redirect(url_for("teacher.class_page", class_id=class_id))


@blueprint.post("/classes/<int:class_id>/students/<int:student_id>/remove")
def remove(class_id: int, student_id: int) -> Response:
    """Take a student off the roster; their attempts are kept."""
    school_class = get_owned_class_or_404(class_id)
    if EmptyForm().validate_on_submit():
        try:
            remove_student(school_class, student_id, now=utcnow())
        except ClassError as error:
            flash(str(error), "error")
        else:
            flash("The student was removed; their attempts and grades are kept.", "success")
    return redirect(url_for("teacher.class_page", class_id=class_id))


@blueprint.post("/classes/<int:class_id>/students/<int:student_id>/readmit")
def readmit(class_id: int, student_id: int) -> Response:
    """Put a removed student back on the roster."""
    school_class = get_owned_class_or_404(class_id)
    if EmptyForm().validate_on_submit():
        try:
            readmit_student(school_class, student_id)
        except ClassError as error:
            flash(str(error), "error")
        else:
            flash("The student is back in the class.", "success")
    return redirect(url_for("teacher.class_page", class_id=class_id))


@blueprint.route("/teachers", methods=["GET", "POST"])
def promote() -> str | Response:
    """Make an existing account a teacher."""
    form = PromoteForm()
    if form.validate_on_submit():
        try:
            user = promote_to_teacher(form.email.data or "")
        except AccountError as error:
            form.email.errors.append(str(error))
        else:
            flash(f"{user.name} ({user.email}) is now a teacher.", "success")
            return redirect(url_for("teacher.promote"))
    return render_template("teacher/promote.html", form=form)
