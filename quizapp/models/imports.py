"""Uploads waiting between an import's preview and its confirmation."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from quizapp.clock import utcnow
from quizapp.extensions import Model


class PendingImport(Model):
    """A file a teacher previewed and has not confirmed yet.

    Kept on the server so the preview page carries only this row's id, not the file
    (a 3.9 MB file made a 2.5 MB page). Only its owner may confirm it; confirming deletes
    it, and rows older than a day are deleted by the next upload (anyone's).
    ``skip_problems`` is the teacher's choice: import what can be imported (true) or
    all or nothing (false).
    """

    __tablename__ = "pending_imports"
    # Never reuse an id (SQLite would reuse the highest after a delete): a second
    # confirmation of an imported file must not find the teacher's next upload.
    __table_args__ = ({"sqlite_autoincrement": True},)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("sections.id", ondelete="CASCADE"))
    filename: Mapped[str] = mapped_column(String(300))
    format_name: Mapped[str] = mapped_column(String(20))
    skip_problems: Mapped[bool]
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
