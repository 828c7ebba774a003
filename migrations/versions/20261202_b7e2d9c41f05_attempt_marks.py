"""Attempt marks: each submitted attempt's marks in one row, for item analysis.

Revision ID: b7e2d9c41f05
Revises: c4a9e2f7d1b3
Create Date: 2026-12-02 04:00:00.000000

Item analysis read every response of a quiz (a million for 50,000 attempts of 20
questions); it now reads one row per attempt. The rows are written the first time a
report needs them, so nothing is copied here: the first analysis of an existing quiz
writes its attempts' rows once.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b7e2d9c41f05"
down_revision = "c4a9e2f7d1b3"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "attempt_marks",
        sa.Column("attempt_id", sa.Integer(), nullable=False),
        sa.Column("total", sa.Double(), nullable=False),
        sa.Column("marks", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["attempt_id"],
            ["attempts.id"],
            name=op.f("fk_attempt_marks_attempt_id_attempts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("attempt_id", name=op.f("pk_attempt_marks")),
    )


def downgrade():
    op.drop_table("attempt_marks")
