"""``/healthz`` for load balancers and monitors: no login, no rate limit, no secrets."""

from __future__ import annotations

from flask import Blueprint, jsonify
from werkzeug.wrappers import Response

from quizapp.rate_limit import limiter
from quizapp.services.health import database_health

blueprint = Blueprint("health", __name__)


@blueprint.get("/healthz")
@limiter.exempt
def healthz() -> tuple[Response, int]:
    """200 when the database answers ``SELECT 1``; 503 with the reason when it does not."""
    health = database_health()
    if health.answers:
        response, status = jsonify(status="ok", database="ok"), 200
    else:
        body = {"status": "unavailable", "database": "unreachable", "reason": health.problem}
        response, status = jsonify(body), 503
    # A monitor must see the answer of now, never one cached on the way.
    response.headers["Cache-Control"] = "no-store"
    return response, status
