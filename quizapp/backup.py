"""A consistent copy of the database, taken while the app serves (``flask db backup``).

SQLite: the library's online backup API (``sqlite3.Connection.backup``) copies every page
in one step, inside one read transaction, so the copy is the database as it was at one
instant; in WAL mode the app's writers carry on meanwhile. The copy is written beside
PATH under a temporary name, checked, flushed to disk and then renamed to PATH, so PATH
never holds half a backup. PostgreSQL has its own tool for this, ``pg_dump``; for such a
database the command explains how to use it (see docs/backup.md) and makes nothing.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from sqlalchemy.engine import URL, make_url


class BackupError(Exception):
    """No backup was made; the message says why and what to do."""


class UsePgDump(BackupError):
    """The database is PostgreSQL: its own ``pg_dump`` makes the backup."""


@dataclass(frozen=True)
class BackupMade:
    """A finished backup: where it is and how big."""

    source: Path
    path: Path
    size_bytes: int


def backup_database(database_url: str, destination: Path, *, overwrite: bool = False) -> BackupMade:
    """Copy the database at ``database_url`` to ``destination`` while it may be in use.

    Refuses to replace an existing file unless ``overwrite``. Raises :class:`UsePgDump`
    for PostgreSQL and :class:`BackupError` for anything else that stops the backup.
    """
    url = make_url(database_url)
    backend = url.get_backend_name()
    if backend == "postgresql":
        raise UsePgDump(pg_dump_instructions(database_url))
    if backend != "sqlite":
        raise BackupError(f"backups of {backend} databases are not supported; see docs/backup.md")
    if not url.database or url.database == ":memory:" or url.database.startswith("file::memory:"):
        raise BackupError("the database is in memory: there is no file to back up")
    source = Path(url.database)
    if not source.is_file():
        raise BackupError(f"the database file {source} does not exist")
    _check_destination(source, destination, overwrite=overwrite)
    _copy(source, destination)
    return BackupMade(source, destination, destination.stat().st_size)


def _check_destination(source: Path, destination: Path, *, overwrite: bool) -> None:
    if destination.is_dir():
        raise BackupError(
            f"{destination} is a folder: give the backup file's name, "
            f"e.g. {destination / 'quizapp-backup.sqlite3'}"
        )
    if destination.parent.exists() and not destination.parent.is_dir():
        raise BackupError(f"{destination.parent} is a file, not a folder")
    if not destination.parent.is_dir():
        raise BackupError(f"the folder {destination.parent} does not exist (create it first)")
    if destination.exists() and destination.resolve() == source.resolve():
        raise BackupError(f"{destination} is the database itself: choose another file")
    if destination.exists() and not overwrite:
        raise BackupError(f"{destination} already exists: choose another name, or add --force")


def _copy(source: Path, destination: Path) -> None:
    try:
        descriptor, partial_name = tempfile.mkstemp(
            dir=destination.parent, prefix=f".{destination.name}.", suffix=".partial"
        )
    except OSError as error:
        raise BackupError(f"cannot write in {destination.parent}: {error.strerror}") from error
    os.close(descriptor)
    partial = Path(partial_name)
    try:
        # mode=rw: a missing file is an error, never a new empty database.
        reader = sqlite3.connect(f"file:{quote(str(source.resolve()))}?mode=rw", uri=True)
        with closing(reader), closing(sqlite3.connect(partial)) as copy:
            reader.backup(copy)  # every page in one step: one consistent snapshot
            (verdict,) = copy.execute("PRAGMA quick_check").fetchone()
            if verdict != "ok":
                raise BackupError(f"the copy failed its check ({verdict}); nothing was written")
            # A copy of a WAL database is in WAL mode too; one file is easier to move.
            copy.execute("PRAGMA journal_mode = DELETE")
        with partial.open("rb") as written:
            os.fsync(written.fileno())
        os.replace(partial, destination)
    except sqlite3.Error as error:
        raise BackupError(f"the backup failed: {error}; nothing was written") from error
    except OSError as error:
        raise BackupError(f"cannot write {destination}: {error.strerror}") from error
    finally:
        partial.unlink(missing_ok=True)


def pg_dump_instructions(database_url: str) -> str:
    """How to back up and restore the PostgreSQL database at ``database_url``."""
    url = make_url(database_url)
    # libpq's form of the address, without the driver name and without the password.
    address = URL.create(
        "postgresql", username=url.username, host=url.host, port=url.port, database=url.database
    )
    where = address.render_as_string()
    empty = address.set(database="EMPTY_DATABASE").render_as_string()
    return (
        "This database is PostgreSQL: back it up with PostgreSQL's own pg_dump, which takes "
        "a consistent snapshot while the app serves. Nothing was written.\n"
        f"  pg_dump --format=custom --file=PATH '{where}'\n"
        "Restore it into a new, empty database (then point QUIZAPP_DATABASE_URL at it):\n"
        f"  pg_restore --no-owner --dbname='{empty}' PATH\n"
        "The password comes from PGPASSWORD or ~/.pgpass. See docs/backup.md."
    )
