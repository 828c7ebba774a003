"""Short answers: stars stored before wildcards existed stay literal stars.

Revision ID: f4b8e1a6c3d7
Revises: d3f1a7c9e2b4
Create Date: 2026-12-02 08:00:00.000000

A ``*`` in a short answer now means "any text", as in Moodle, and ``\\*`` a star. Every
star stored before this meant a star (the bank, the form and GIFT took it literally; the
Moodle XML import turned ``\\*`` into ``*``), so each is written ``\\*`` here and the
answer keeps its meaning. The version's content hash is taken again from the new content,
so a bank reload or an edit compares like with like. Downgrading writes the stars back.
"""

import hashlib
import json

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "f4b8e1a6c3d7"
down_revision = "d3f1a7c9e2b4"
branch_labels = None
depends_on = None

_VERSIONS = sa.table(
    "question_versions",
    sa.column("id", sa.Integer),
    sa.column("type", sa.String),
    sa.column("prompt", sa.Text),
    sa.column("fields", sa.JSON),
    sa.column("evidence", sa.Text),
    sa.column("explanation", sa.Text),
    sa.column("difficulty", sa.Integer),
    sa.column("points", sa.Float),
    sa.column("tags", sa.JSON),
    sa.column("content_hash", sa.String),
)


def _with_answers(answers: list, change) -> list:
    """The answers with ``change`` applied to each one's text (a string or {text, ...})."""
    changed = []
    for answer in answers:
        if isinstance(answer, dict):
            changed.append({**answer, "text": change(answer.get("text", ""))})
        else:
            changed.append(change(answer))
    return changed


def _content_hash(row, fields: dict) -> str:
    """The hash ``services.questions.content_hash`` gives the version's question: its
    canonical bank mapping without the id (built by the domain, as the app builds it)."""
    from quizapp.domain.questions import question_from_mapping

    mapping = {"id": "migrated", "type": row.type, "prompt": row.prompt, **fields}
    optional = {
        "evidence": row.evidence,
        "explanation": row.explanation,
        "difficulty": row.difficulty,
        "points": row.points,
        "tags": row.tags,
    }
    mapping.update({k: v for k, v in optional.items() if v is not None})
    canonical = question_from_mapping(mapping).to_mapping()
    canonical.pop("id", None)
    text = json.dumps(canonical, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _rewrite(change, needs) -> None:
    connection = op.get_bind()
    rows = connection.execute(sa.select(_VERSIONS).where(_VERSIONS.c.type == "short")).all()
    for row in rows:
        fields = row.fields if isinstance(row.fields, dict) else json.loads(row.fields)
        answers = fields.get("answers") or []
        texts = [a.get("text", "") if isinstance(a, dict) else a for a in answers]
        if not any(needs(text) for text in texts if isinstance(text, str)):
            continue
        fields = {**fields, "answers": _with_answers(answers, change)}
        connection.execute(
            _VERSIONS.update()
            .where(_VERSIONS.c.id == row.id)
            .values(fields=fields, content_hash=_content_hash(row, fields))
        )


def upgrade():
    _rewrite(lambda text: text.replace("*", "\\*"), lambda text: "*" in text)


def downgrade():
    _rewrite(lambda text: text.replace("\\*", "*"), lambda text: "\\*" in text)
