"""QuizApp: learn from articles with quizzes drawn from a question bank."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from quizapp.config import (
    DEFAULT_SQLITE_FILE,
    DefaultConfig,
    normalise_database_url,
    resolve_secret_key,
)


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the application: defaults, then ``QUIZAPP_*`` variables, then ``test_config``."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(DefaultConfig)
    app.config.from_prefixed_env(prefix="QUIZAPP")
    if test_config is not None:
        app.config.from_mapping(test_config)
    _configure_database(app)
    _configure_secret_key(app)

    from quizapp import cli, errors, rendering, routing, security
    from quizapp.articles.routes import blueprint as articles_blueprint
    from quizapp.auth.routes import blueprint as auth_blueprint
    from quizapp.extensions import init_extensions
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
    app.register_blueprint(student_blueprint)
    app.register_blueprint(teacher_blueprint)
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
