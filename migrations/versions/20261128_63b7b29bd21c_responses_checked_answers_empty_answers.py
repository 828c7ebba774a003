"""Responses: answers checked before submission, and empty answers for unanswered questions.

Revision ID: 63b7b29bd21c
Revises: ba1677a68dca
Create Date: 2026-11-28 14:19:24.823311

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "63b7b29bd21c"
down_revision = "ba1677a68dca"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("checked_at", sa.DateTime(), nullable=True))
        batch_op.alter_column("answer", existing_type=sa.JSON(), nullable=True)


def downgrade():
    # Rows for questions left unanswered carry no answer; the old schema cannot hold them.
    # They grade 0 and are recreated at the next submission, so dropping them loses nothing.
    op.execute("DELETE FROM responses WHERE answer IS NULL")
    with op.batch_alter_table("responses", schema=None) as batch_op:
        batch_op.alter_column("answer", existing_type=sa.JSON(), nullable=False)
        batch_op.drop_column("checked_at")
