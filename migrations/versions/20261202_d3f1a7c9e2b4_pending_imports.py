"""Pending imports: an uploaded file kept between its preview and its confirmation.

Revision ID: d3f1a7c9e2b4
Revises: b7e2d9c41f05
Create Date: 2026-12-02 07:00:00.000000

The preview page carried the whole file back in a hidden field (a 3.9 MB file made a
2.5 MB page); it now carries this table's id. Rows belong to a teacher, are deleted on
confirmation, and expire after a day.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "d3f1a7c9e2b4"
down_revision = "b7e2d9c41f05"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "pending_imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("section_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=300), nullable=False),
        sa.Column("format_name", sa.String(length=20), nullable=False),
        sa.Column("skip_problems", sa.Boolean(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_pending_imports_owner_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["section_id"],
            ["sections.id"],
            name=op.f("fk_pending_imports_section_id_sections"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_imports")),
        # Ids are never reused, so a second confirmation cannot find a later upload.
        sqlite_autoincrement=True,
    )
    op.create_index(
        op.f("ix_pending_imports_owner_id"), "pending_imports", ["owner_id"], unique=False
    )
    op.create_index(
        op.f("ix_pending_imports_created_at"), "pending_imports", ["created_at"], unique=False
    )


def downgrade():
    op.drop_index(op.f("ix_pending_imports_created_at"), table_name="pending_imports")
    op.drop_index(op.f("ix_pending_imports_owner_id"), table_name="pending_imports")
    op.drop_table("pending_imports")
