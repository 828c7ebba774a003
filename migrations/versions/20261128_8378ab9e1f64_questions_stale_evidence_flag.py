"""Questions: flag evidence that no longer matches its section after an article edit.

Revision ID: 8378ab9e1f64
Revises: 63b7b29bd21c
Create Date: 2026-11-28 14:32:20

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "8378ab9e1f64"
down_revision = "63b7b29bd21c"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("questions", schema=None) as batch_op:
        # Existing questions were checked when loaded: none is stale.
        batch_op.add_column(
            sa.Column("evidence_stale", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade():
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.drop_column("evidence_stale")
