"""Teacher pages: classes, the question bank, quizzes, gradebook and reports.

One blueprint, split into modules by area; each module registers its routes on
``blueprint`` when imported below.
"""

from flask import Blueprint

from quizapp.security import teacher_required

blueprint = Blueprint("teacher", __name__, url_prefix="/teacher")


@blueprint.before_request
@teacher_required
def _teachers_only() -> None:
    """Every route here is for logged-in teachers; students get a 403."""


from quizapp.teacher import (  # noqa: E402, F401
    articles,
    classes,
    interchange,
    questions,
    quizzes,
    reports,
)
