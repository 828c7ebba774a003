"""Attempts: at most one in progress per quiz and student (a partial unique index).

Revision ID: c4a9e2f7d1b3
Revises: e8b2c6d4f0a1
Create Date: 2026-12-01 10:00:00.000000

Parallel starts could open two attempts at one quiz for one student; the index makes the
database refuse the second. Databases that already hold such twins are cleaned up first:
of each set, the attempt holding answers (else the latest started) is kept, and the
others are deleted when no answer was saved in them. A twin that holds
answers is never deleted: the upgrade stops and names it, so that someone decides (for
example by submitting it through the app, which grades it) and runs the upgrade again.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c4a9e2f7d1b3"
down_revision = "e8b2c6d4f0a1"
branch_labels = None
depends_on = None

INDEX = "uq_attempts_quiz_id_student_id_in_progress"
IN_PROGRESS = "state = 'in_progress'"


def _twins_to_remove(connection):
    """Ids of the open attempts that lose to a twin, and those of them holding answers."""
    rows = connection.execute(
        sa.text(
            "SELECT a.id, a.quiz_id, a.student_id, a.started_at,"
            " MAX(r.saved_at) AS last_saved,"
            " COUNT(r.answer) AS answers"
            " FROM attempts a"
            " LEFT JOIN attempt_questions q ON q.attempt_id = a.id"
            " LEFT JOIN responses r ON r.attempt_question_id = q.id"
            f" WHERE a.{IN_PROGRESS}"
            " AND EXISTS (SELECT 1 FROM attempts b"
            f"   WHERE b.{IN_PROGRESS} AND b.quiz_id = a.quiz_id"
            "    AND b.student_id = a.student_id AND b.id <> a.id)"
            " GROUP BY a.id, a.quiz_id, a.student_id, a.started_at"
        )
    ).all()
    groups = {}
    for row in rows:
        groups.setdefault((row.quiz_id, row.student_id), []).append(row)
    empty, answered = [], []
    for twins in groups.values():
        # Kept first: one holding answers, then the latest activity (last answer saved, else
        # the start), then the highest id.
        twins.sort(
            key=lambda r: (r.answers > 0, r.last_saved or r.started_at, r.started_at, r.id),
            reverse=True,
        )
        for loser in twins[1:]:
            (answered if loser.answers else empty).append(loser.id)
    return empty, answered


def upgrade():
    connection = op.get_bind()
    empty, answered = _twins_to_remove(connection)
    if answered:
        raise RuntimeError(
            "These attempts are open twins of another open attempt and hold saved answers: "
            f"{sorted(answered)}. Submit them (or the twin) first, then upgrade again."
        )
    if empty:
        ids = sa.bindparam("ids", expanding=True)
        connection.execute(
            sa.text(
                "DELETE FROM responses WHERE attempt_question_id IN "
                "(SELECT id FROM attempt_questions WHERE attempt_id IN :ids)"
            ).bindparams(ids),
            {"ids": empty},
        )
        connection.execute(
            sa.text("DELETE FROM attempt_questions WHERE attempt_id IN :ids").bindparams(ids),
            {"ids": empty},
        )
        connection.execute(
            sa.text("DELETE FROM attempts WHERE id IN :ids").bindparams(ids), {"ids": empty}
        )
    with op.batch_alter_table("attempts", schema=None) as batch_op:
        batch_op.create_index(
            INDEX,
            ["quiz_id", "student_id"],
            unique=True,
            sqlite_where=sa.text(IN_PROGRESS),
            postgresql_where=sa.text(IN_PROGRESS),
        )


def downgrade():
    with op.batch_alter_table("attempts", schema=None) as batch_op:
        batch_op.drop_index(INDEX)
