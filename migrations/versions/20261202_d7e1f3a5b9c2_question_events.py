"""Question history: who wrote, edited, retired and restored each question, and when.

Reviewed by hand: portable types only (the kind is a VARCHAR enum), named constraints.
Creating a table needs no batch mode on SQLite; nothing existing is altered.

Existing questions get the history the database already knows: a "create" event from
version 1 and an "edit" event from each later version (their ``created_by_id`` and
``created_at``), and a "retire" event at ``retired_at`` for questions retired now, with no
actor because who retired them was never recorded.

The ``users.role`` column needs no change for the new "admin" role: it is a VARCHAR(16)
without a CHECK constraint (``quizapp.database.enum_type``).

Revision ID: d7e1f3a5b9c2
Revises: 8378ab9e1f64
Create Date: 2026-12-02 09:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "d7e1f3a5b9c2"
down_revision = "8378ab9e1f64"
branch_labels = None
depends_on = None

KINDS = ("create", "edit", "retire", "restore")


def upgrade():
    events = op.create_table(
        "question_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(*KINDS, name="questioneventkind", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("version_number", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["users.id"],
            name=op.f("fk_question_events_actor_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["questions.id"],
            name=op.f("fk_question_events_question_id_questions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_question_events")),
    )
    op.create_index(
        op.f("ix_question_events_question_id"), "question_events", ["question_id"], unique=False
    )

    versions = sa.table(
        "question_versions",
        sa.column("question_id", sa.Integer()),
        sa.column("number", sa.Integer()),
        sa.column("created_by_id", sa.Integer()),
        sa.column("created_at", sa.DateTime()),
    )
    questions = sa.table(
        "questions",
        sa.column("id", sa.Integer()),
        sa.column("retired_at", sa.DateTime()),
    )
    columns = ["question_id", "kind", "actor_id", "version_number", "at"]
    op.execute(
        events.insert().from_select(
            columns,
            sa.select(
                versions.c.question_id,
                sa.case((versions.c.number == 1, "create"), else_="edit"),
                versions.c.created_by_id,
                versions.c.number,
                versions.c.created_at,
            ).order_by(versions.c.question_id, versions.c.number),
        )
    )
    op.execute(
        events.insert().from_select(
            columns,
            sa.select(
                questions.c.id,
                sa.literal("retire"),
                sa.null(),
                sa.null(),
                questions.c.retired_at,
            )
            .where(questions.c.retired_at.is_not(None))
            .order_by(questions.c.id),
        )
    )


def downgrade():
    op.drop_index(op.f("ix_question_events_question_id"), table_name="question_events")
    op.drop_table("question_events")
