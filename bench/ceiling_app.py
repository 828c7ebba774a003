"""The ceiling: a minimal Flask + Flask-SQLAlchemy app, served like QuizApp is.

Two endpoints, the least a page and a save can do on this stack: a GET that renders a
small template (``/page``) and a POST that inserts one row and commits (``/insert``). The
SQLite file gets the same settings QuizApp's connections get (WAL, NORMAL sync, busy
timeout), so the two are compared on equal terms. ``bench_http.py`` serves it with
gunicorn beside QuizApp and reports QuizApp's figures as a share of these.

    CEILING_DATABASE_URL=sqlite:////tmp/ceiling.sqlite3 gunicorn -w 2 ceiling_app:app
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

from flask import Flask, render_template_string, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import event
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class Row(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[str]
    saved_at: Mapped[dt.datetime]


PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title></head>
<body><main><h1>{{ title }}</h1>
<ol>{% for item in items %}<li>{{ item }}</li>{% endfor %}</ol>
</main></body></html>"""


def create_app() -> Flask:
    app = Flask(__name__)
    app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["CEILING_DATABASE_URL"]
    db.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":

            @event.listens_for(db.engine, "connect")
            def set_pragmas(dbapi_connection: Any, _record: Any) -> None:
                cursor = dbapi_connection.cursor()
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA busy_timeout=5000")
                cursor.execute("PRAGMA synchronous=NORMAL")
                cursor.close()

        db.create_all()

    @app.get("/page")
    def page() -> str:
        return render_template_string(PAGE, title="Ceiling", items=range(20))

    @app.post("/insert")
    def insert() -> dict[str, int]:
        row = Row(value=request.form.get("value", ""), saved_at=dt.datetime.now(dt.UTC))
        db.session.add(row)
        db.session.commit()
        return {"id": row.id}

    return app


app = create_app()
