"""Login sessions kept by the server, and passwords that must be changed.

Revision ID: b5d8f2a4c6e9
Revises: a9c3e5f7b1d2
Create Date: 2026-12-02 12:30:00.000000

The session cookie alone could not be revoked: a copy kept working after logging out.
Each login now has a row here (the SHA-256 of a random token the cookie carries); a
request whose row is gone is signed out. Logging out deletes the row, a password change
or "log out everywhere else" deletes the account's other rows. Sessions signed in before
this migration have no row, so everyone signs in once more.

``users.must_change_password`` is set for a password someone else chose (the first-run
demo teacher's); its owner must replace it before using any other page.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "b5d8f2a4c6e9"
down_revision = "a9c3e5f7b1d2"
branch_labels = None
depends_on = None


def upgrade():
    # A plain ADD COLUMN, not a batch: on SQLite a batch copies the table, and dropping
    # the old users table fails while classes, attempts and the rest point at it.
    op.add_column(
        "users",
        sa.Column("must_change_password", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.create_table(
        "login_sessions",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_login_sessions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_login_sessions")),
    )
    op.create_index(
        op.f("ix_login_sessions_user_id"), "login_sessions", ["user_id"], unique=False
    )


def downgrade():
    op.drop_index(op.f("ix_login_sessions_user_id"), table_name="login_sessions")
    op.drop_table("login_sessions")
    op.drop_column("users", "must_change_password")
