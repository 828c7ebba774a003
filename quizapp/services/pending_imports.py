"""Uploads kept on the server between an import's preview and its confirmation.

The preview page carries only the row's id. A row belongs to the teacher who uploaded
it: anyone else asking for it gets :class:`NotFound`, worded like a missing one, so
another teacher's uploads do not show. Confirming takes the row away; rows older than
``PENDING_IMPORT_LIFETIME`` are deleted by the next upload.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete

from quizapp.extensions import db
from quizapp.models import PendingImport
from quizapp.services.errors import NotFound
from quizapp.services.unit_of_work import unit_of_work

# Long enough to preview, read and confirm the next morning; short enough that files
# nobody confirmed do not pile up.
PENDING_IMPORT_LIFETIME = dt.timedelta(hours=24)
GONE = (
    "This import is no longer waiting to be confirmed: it was imported already, or it "
    "expired (an upload is kept for 24 hours). Upload the file again."
)


@dataclass(frozen=True)
class PendingUpload:
    """What a pending import holds, read back for the confirmation."""

    id: int
    section_id: int
    filename: str
    format_name: str
    skip_problems: bool
    content: bytes


def keep_upload(
    *,
    owner_id: int,
    section_id: int,
    filename: str,
    format_name: str,
    skip_problems: bool,
    content: bytes,
    now: dt.datetime,
) -> int:
    """Store a previewed upload for its owner and return its id; expired ones go first."""
    with unit_of_work():
        db.session.execute(
            delete(PendingImport).where(PendingImport.created_at < now - PENDING_IMPORT_LIFETIME)
        )
        row = PendingImport(
            owner_id=owner_id,
            section_id=section_id,
            filename=filename[:300],
            format_name=format_name,
            skip_problems=skip_problems,
            content=content,
            created_at=now,
        )
        db.session.add(row)
        db.session.flush()
        return row.id


def pending_upload(pending_id: int, *, owner_id: int, now: dt.datetime) -> PendingUpload:
    """The owner's pending upload; :class:`NotFound` if confirmed, expired or not theirs."""
    row = db.session.execute(
        db.select(PendingImport).where(
            PendingImport.id == pending_id,
            PendingImport.owner_id == owner_id,
            PendingImport.created_at >= now - PENDING_IMPORT_LIFETIME,
        )
    ).scalar_one_or_none()
    if row is None:
        raise NotFound(GONE)
    return PendingUpload(
        row.id, row.section_id, row.filename, row.format_name, row.skip_problems, row.content
    )


def discard_upload(pending_id: int, *, owner_id: int) -> bool:
    """Delete the pending upload inside the caller's unit of work.

    Returns False when it was gone already (another confirmation took it first), so
    two confirmations racing import the file once.
    """
    deleted = db.session.execute(
        delete(PendingImport).where(
            PendingImport.id == pending_id, PendingImport.owner_id == owner_id
        )
    )
    return bool(getattr(deleted, "rowcount", 0))
