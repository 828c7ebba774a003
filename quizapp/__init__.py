"""QuizApp: learn from articles with quizzes drawn from a question bank."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from quizapp.config import (
    DEFAULT_SQLITE_FILE,
    load_settings,
    normalise_database_url,
    resolve_secret_key,
)


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the application: defaults, then ``QUIZAPP_*`` variables, then ``test_config``."""
    app = Flask(__name__, instance_relative_config=True)
    load_settings(app.config)
    if test_config is not None:
        app.config.from_mapping(test_config)
    _configure_database(app)
    _configure_secret_key(app)
    _trust_proxies(app)
    _warn_of_renamed_settings(app)

    from quizapp import cli, errors, health, rendering, routing, security
    from quizapp.account.routes import blueprint as account_blueprint
    from quizapp.articles.routes import blueprint as articles_blueprint
    from quizapp.auth.routes import blueprint as auth_blueprint
    from quizapp.extensions import init_extensions
    from quizapp.media.routes import blueprint as media_blueprint
    from quizapp.student.routes import blueprint as student_blueprint
    from quizapp.teacher import blueprint as teacher_blueprint

    init_extensions(app)
    # Before the blueprints: their rules are built with the converters registered now.
    routing.init_app(app)
    rendering.init_app(app)
    errors.init_app(app)
    security.init_app(app)
    cli.init_app(app)
    app.register_blueprint(articles_blueprint)
    app.register_blueprint(auth_blueprint)
    app.register_blueprint(account_blueprint)
    app.register_blueprint(student_blueprint)
    app.register_blueprint(teacher_blueprint)
    app.register_blueprint(health.blueprint)
    app.register_blueprint(media_blueprint)
    return app


def _configure_database(app: Flask) -> None:
    url = app.config.get("SQLALCHEMY_DATABASE_URI") or app.config.get("DATABASE_URL")
    if not url:
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{Path(app.instance_path) / DEFAULT_SQLITE_FILE}"
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(url)


def _configure_secret_key(app: Flask) -> None:
    if app.config.get("SECRET_KEY"):
        return
    may_generate = app.debug or app.testing
    key = resolve_secret_key(Path(app.instance_path), may_generate=may_generate)
    if key is None:
        raise RuntimeError(
            "QUIZAPP_SECRET_KEY is not set. Set it in the environment for a real deployment, "
            f"or put a random key in {Path(app.instance_path) / 'secret_key'} for local use "
            "(`make run` does this for you)."
        )
    app.config["SECRET_KEY"] = key


def _trust_proxies(app: Flask) -> None:
    count = app.config["TRUSTED_PROXY_COUNT"]
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise RuntimeError(
            "QUIZAPP_TRUSTED_PROXY_COUNT must be a whole number of 0 or more (how many reverse "
            f"proxies stand in front of the app), not {count!r}."
        )
    if count:
        # The client address and scheme come from the last ``count`` X-Forwarded-For and
        # X-Forwarded-Proto entries, the ones our own proxies wrote. Flask's documented
        # `app.wsgi_app = ProxyFix(...)`, through the instance dict: type checkers see a method.
        vars(app)["wsgi_app"] = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)


# Settings that changed meaning: a value set under the old name would be silently ignored.
RENAMED_SETTINGS = {
    "LOGIN_LIMIT_PER_ACCOUNT": (
        "LOGIN_LIMIT_PER_ACCOUNT_AND_ADDRESS",
        "refused log-ins now count per account and client address",
    ),
}


def _warn_of_renamed_settings(app: Flask) -> None:
    for old, (new, why) in RENAMED_SETTINGS.items():
        if old in app.config:
            logging.getLogger(__name__).warning(
                "QUIZAPP_%s is no longer read: %s; set QUIZAPP_%s instead (see docs/deploy.md).",
                old,
                why,
                new,
            )
