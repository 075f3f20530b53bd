"""The SQLite files a project keeps that only save work (the manifest, the MT cache): damage is mended, not fatal.

Losing either costs time, never a reviewer's text: a fresh manifest makes the
next run check every article again (translation files are merged, reviewed
work kept) and a fresh cache sends sentences to MT again. So a damaged one is
moved aside (the manifest, for a specialist) or deleted (the cache), a fresh
one is started, and the user is told in one line. A busy or unreachable file
(OperationalError) may be in use by another run and is never touched.
"""

from __future__ import annotations

import os
import sqlite3
import sys
from pathlib import Path

from .errors import DiskFull, TransflowError
from .textio import no_space_at

_COMPANIONS = ("", "-wal", "-shm", "-journal")


def note(message: str) -> None:
    """A one-line notice on stderr: something was mended and the run goes on."""
    print(f"transflow: note: {message}", file=sys.stderr, flush=True)


def is_damage(err: BaseException) -> bool:
    """SQLite found the file's pages unreadable (not busy, not a full disk)."""
    return isinstance(err, sqlite3.DatabaseError) and not isinstance(err, sqlite3.OperationalError)


def replace_damaged(path: Path, what: str, consequence: str, keep: bool) -> None:
    """Move *path* (with its log files) aside as ``<name>.damaged``, or delete it, and say so."""
    aside = path.with_name(path.name + ".damaged")
    for suffix in _COMPANIONS:
        current = Path(f"{path}{suffix}")
        try:
            if keep:
                os.replace(current, f"{aside}{suffix}")
            else:
                current.unlink()
        except FileNotFoundError:
            continue
        except OSError as err:
            raise TransflowError(f"{path}: the {what} is damaged and cannot be replaced ({err.strerror}); delete it and run again") from None
    where = f"; the damaged file is kept as {aside.name}" if keep else ""
    note(f"{path}: the {what} was damaged and has been started afresh ({consequence}){where}")


def operational(path: Path, what: str, err: sqlite3.OperationalError) -> TransflowError:
    """A busy, full or unreadable state file, in one line."""
    text = str(err)
    if "full" in text or no_space_at(path):
        return DiskFull(f"{path}: the disk is full, so the {what} could not be saved; free some space and run again")
    return TransflowError(f"{path}: the {what} cannot be used ({text}); try again, or delete it (transflow rebuilds it)")
