"""Teacher pages: classes, the question bank, quizzes, gradebook and reports.

One blueprint, split into modules by area; each module registers its routes on
``blueprint`` when imported below.
"""

from flask import Blueprint, current_app
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import BadRequest
from werkzeug.exceptions import NotFound as HTTPNotFound

from quizapp.security import teacher_required
from quizapp.services.errors import NotFound, RequestRefused

blueprint = Blueprint("teacher", __name__, url_prefix="/teacher")


@blueprint.before_request
@teacher_required
def _teachers_only() -> None:
    """Every route here is for logged-in teachers; students get a 403."""


@blueprint.errorhandler(NotFound)
def _not_found(error: NotFound) -> ResponseReturnValue:
    # Another teacher's quiz or class does not exist for this one: the usual 404 page.
    return current_app.handle_http_exception(HTTPNotFound(description=str(error)))


@blueprint.errorhandler(RequestRefused)
def _refused(error: RequestRefused) -> ResponseReturnValue:
    return current_app.handle_http_exception(BadRequest(description=str(error)))


from quizapp.teacher import (  # noqa: E402, F401
    articles,
    classes,
    interchange,
    password_help,
    questions,
    quizzes,
    reports,
)
