"""Question versions: evidence may be several quotes.

Revision ID: a9c3e5f7b1d2
Revises: f4b8e1a6c3d7
Create Date: 2026-12-02 09:00:00.000000

``evidence`` keeps the first quote (found in the question's own section), so every
stored version means what it meant; the quotes after it, each found in some section of
the same article, go to the new JSON column ``further_evidence`` (NULL: none). A version
with one quote has the same canonical content as before, so no content hash changes.
Downgrading drops the further quotes, keeps the first, and takes the content hash of
the versions that lost quotes again, so a bank reload compares like with like.
"""

import hashlib
import json

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a9c3e5f7b1d2"
down_revision = "f4b8e1a6c3d7"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("question_versions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("further_evidence", sa.JSON(), nullable=True))


_VERSIONS = sa.table(
    "question_versions",
    sa.column("id", sa.Integer),
    sa.column("type", sa.String),
    sa.column("prompt", sa.Text),
    sa.column("fields", sa.JSON),
    sa.column("evidence", sa.Text),
    sa.column("further_evidence", sa.JSON),
    sa.column("explanation", sa.Text),
    sa.column("difficulty", sa.Integer),
    sa.column("points", sa.Float),
    sa.column("tags", sa.JSON),
    sa.column("content_hash", sa.String),
)


def _one_quote_hash(row) -> str:
    """The hash ``services.questions.content_hash`` gives the version's question with its
    first quote only (its canonical bank mapping without the id, built by the domain)."""
    from quizapp.domain.questions import question_from_mapping

    fields = row.fields if isinstance(row.fields, dict) else json.loads(row.fields)
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


def downgrade():
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(_VERSIONS).where(_VERSIONS.c.further_evidence.is_not(None))
    ).all()
    for row in rows:
        connection.execute(
            _VERSIONS.update()
            .where(_VERSIONS.c.id == row.id)
            .values(content_hash=_one_quote_hash(row))
        )
    with op.batch_alter_table("question_versions", schema=None) as batch_op:
        batch_op.drop_column("further_evidence")
