"""Teacher home, classes (codes, roster) and promoting accounts (admins only)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from quizapp.clock import utcnow
from quizapp.forms import EmptyForm
from quizapp.security import admin_required
from quizapp.services import classes as class_service
from quizapp.services.classes import ClassError
from quizapp.services.student_deletion import (
    change_deleted_student_data,
    remove_student_data,
    student_data_removal,
)
from quizapp.services.users import AccountError, promote_to_teacher
from quizapp.teacher import blueprint
from quizapp.teacher.forms import ClassForm, DeletedStudentDataForm, PromoteForm


@blueprint.get("/")
def dashboard() -> str:
    """Classes and quizzes at a glance."""
    page = class_service.teacher_dashboard(current_user.id)
    return render_template("teacher/dashboard.html", classes=page.classes, quizzes=page.quizzes)


@blueprint.route("/classes/new", methods=["GET", "POST"])
def new_class() -> str | Response:
    """Create a class; it gets a join code at once."""
    form = ClassForm()
    if form.validate_on_submit():
        try:
            created = class_service.create_class_for(
                current_user.id, form.name.data or "", now=utcnow()
            )
        except ClassError as error:
            form.name.errors.append(str(error))
        else:
            flash(f"Class {created.name} created. Its join code is {created.join_code}.", "success")
            return redirect(url_for("teacher.class_page", class_id=created.id))
    return render_template("teacher/class_new.html", form=form)


@blueprint.get("/classes/<int:class_id>")
def class_page(class_id: int) -> str:
    """The join code, the roster and the class's reports."""
    page = class_service.class_page(current_user.id, class_id)
    policy = page.school_class.deleted_student_data.value
    return render_template(
        "teacher/class.html",
        school_class=page.school_class,
        enrolments=page.enrolments,
        form=EmptyForm(),
        policy_form=DeletedStudentDataForm(formdata=None, policy=policy),
    )


@blueprint.post("/classes/<int:class_id>/deleted-student-data")
def deleted_student_data(class_id: int) -> Response:
    """Choose what the class keeps of a student who deletes their account."""
    form = DeletedStudentDataForm()
    choice = (form.policy.data or "") if form.validate_on_submit() else None
    problem = change_deleted_student_data(current_user.id, class_id, choice)
    done = "Saved what happens to the attempts of a student who deletes their account."
    flash(problem or done, "error" if problem else "success")
    return redirect(url_for("teacher.class_page", class_id=class_id))


@blueprint.get("/classes/<int:class_id>/students/<int:student_id>/data")
def student_data(class_id: int, student_id: int) -> str:
    """Confirm removing a student's data from the class."""
    removal = student_data_removal(current_user.id, class_id, student_id)
    return render_template("teacher/student_data.html", removal=removal, form=EmptyForm())


@blueprint.post("/classes/<int:class_id>/students/<int:student_id>/data")
def remove_data(class_id: int, student_id: int) -> Response:
    """Delete the student's attempts in the class and take them off its roster."""
    confirmed = EmptyForm().validate_on_submit()
    removed = remove_student_data(
        current_user.id, class_id, student_id, confirmed=confirmed, now=utcnow()
    )
    if removed is None:
        flash("The form expired; nothing was removed. Please try again.", "error")
        return redirect(url_for("teacher.student_data", class_id=class_id, student_id=student_id))
    attempts = f"{removed.attempts} attempt{'' if removed.attempts == 1 else 's'}"
    flash(
        f"{removed.student_name}'s data is removed from this class: {attempts} deleted.", "success"
    )
    return redirect(url_for("teacher.class_page", class_id=class_id))


@blueprint.post("/classes/<int:class_id>/code")
def new_join_code(class_id: int) -> Response:
    """Replace the join code (the old one stops working)."""
    confirmed = EmptyForm().validate_on_submit()
    code = class_service.replace_join_code(current_user.id, class_id, confirmed)
    if code is not None:
        flash(f"The new join code is {code}; the old one no longer works.", "success")
    return redirect(url_for("teacher.class_page", class_id=class_id))


def _enrolment_changed(class_id: int, student_id: int, *, remove: bool, done: str) -> Response:
    """Remove or readmit, then say how it went (nothing happens without a valid token)."""
    confirmed = EmptyForm().validate_on_submit()
    problem = class_service.change_enrolment(
        current_user.id, class_id, student_id, remove=remove, confirmed=confirmed, now=utcnow()
    )
    if confirmed:
        flash(problem or done, "error" if problem else "success")
    return redirect(url_for("teacher.class_page", class_id=class_id))


@blueprint.post("/classes/<int:class_id>/students/<int:student_id>/remove")
def remove(class_id: int, student_id: int) -> Response:
    """Take a student off the roster; their attempts are kept."""
    done = "The student was removed; their attempts and grades are kept."
    return _enrolment_changed(class_id, student_id, remove=True, done=done)


@blueprint.post("/classes/<int:class_id>/students/<int:student_id>/readmit")
def readmit(class_id: int, student_id: int) -> Response:
    """Put a removed student back on the roster."""
    done = "The student is back in the class."
    return _enrolment_changed(class_id, student_id, remove=False, done=done)


@blueprint.route("/teachers", methods=["GET", "POST"])
@admin_required
def promote() -> str | Response:
    """Make an existing account a teacher; plain teachers get a 403."""
    form = PromoteForm()
    if form.validate_on_submit():
        try:
            user = promote_to_teacher(form.email.data or "", admin_id=current_user.id)
        except AccountError as error:
            form.email.errors.append(str(error))
        else:
            flash(f"{user.name} ({user.email}) is now a teacher.", "success")
            return redirect(url_for("teacher.promote"))
    return render_template("teacher/promote.html", form=form)
