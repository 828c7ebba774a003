"""Student data: each class's policy for a deleted student's attempts; deleted accounts.

Revision ID: c4a7e9b2d6f1
Revises: b5d8f2a4c6e9
Create Date: 2026-12-02 12:30:00.000000

``classes.deleted_student_data`` is 'anonymise' (existing classes too: a student's deletion
keeps their attempts under an anonymous name) or 'remove', checked by
``ck_classes_deleted_student_data``. ``users.deleted_at`` is set on the scrubbed row a
deleted student leaves behind while anonymised attempts point to it.

On SQLite both columns are added, and dropped, in place (``ALTER TABLE``): a batch copy
would drop and recreate the tables, and with foreign keys enforced, dropping ``classes``
deletes every enrolment (``ON DELETE CASCADE``) and dropping ``users`` fails on the rows
that point to it. A CHECK written in the column's own definition lets SQLite drop the
column again.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c4a7e9b2d6f1"
down_revision = "b5d8f2a4c6e9"
branch_labels = None
depends_on = None

CHECK = "ck_classes_deleted_student_data"
RULE = "deleted_student_data IN ('anonymise', 'remove')"


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        # A plain ADD COLUMN on every database (no batch copy).
        batch_op.add_column(sa.Column("deleted_at", sa.DateTime(), nullable=True))
    if _sqlite():
        op.execute(
            "ALTER TABLE classes ADD COLUMN deleted_student_data VARCHAR(16)"
            f" DEFAULT 'anonymise' NOT NULL CONSTRAINT {CHECK} CHECK ({RULE})"
        )
        return
    with op.batch_alter_table("classes", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "deleted_student_data",
                sa.Enum(
                    "anonymise",
                    "remove",
                    name="deletedstudentdata",
                    native_enum=False,
                    length=16,
                ),
                server_default="anonymise",
                nullable=False,
            )
        )
        batch_op.create_check_constraint(op.f(CHECK), RULE)


def downgrade():
    if _sqlite():
        op.execute("ALTER TABLE classes DROP COLUMN deleted_student_data")
        op.execute("ALTER TABLE users DROP COLUMN deleted_at")
        return
    with op.batch_alter_table("classes", schema=None) as batch_op:
        batch_op.drop_constraint(op.f(CHECK), type_="check")
        batch_op.drop_column("deleted_student_data")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("deleted_at")
