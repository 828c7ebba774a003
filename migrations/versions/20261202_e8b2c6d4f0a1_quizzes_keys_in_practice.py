"""Quizzes: whether practice may show the keys of a live quiz's questions.

Revision ID: e8b2c6d4f0a1
Revises: d7e1f3a5b9c2
Create Date: 2026-12-02 03:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e8b2c6d4f0a1"
down_revision = "d7e1f3a5b9c2"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("quizzes", schema=None) as batch_op:
        # Existing quizzes get the protection too: practice withholds their keys while
        # they are open, until a teacher chooses otherwise.
        batch_op.add_column(
            sa.Column("keys_in_practice", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade():
    with op.batch_alter_table("quizzes", schema=None) as batch_op:
        batch_op.drop_column("keys_in_practice")
