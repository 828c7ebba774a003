"""What the report pages keep about submitted attempts, so they need not reread every answer."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column

from quizapp.extensions import Model


class AttemptMarks(Model):
    """One submitted attempt's marks in one row: what item analysis needs of it.

    A submitted attempt's answers and grades never change, so this row, written the first
    time a report needs it, stays true; deleting the attempt deletes it. ``total`` is the
    exact sum (``math.fsum``) of the attempt's marks. ``marks`` holds one line per drawn
    question: ``<question version id>:<fraction>:<answer>``, the fraction as Python's
    ``repr`` of the float (it reads back to the same float; empty when ungraded) and the
    answer as compact JSON for choice questions (empty for other types and no answer).
    """

    __tablename__ = "attempt_marks"

    attempt_id: Mapped[int] = mapped_column(
        ForeignKey("attempts.id", ondelete="CASCADE"), primary_key=True
    )
    total: Mapped[float]
    marks: Mapped[str] = mapped_column(Text)
