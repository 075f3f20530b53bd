"""What each article × language was last translated from: ``<state>/manifest.sqlite``.

One row per article and language, committed as soon as its files are
written, so a killed run resumes after the last article it finished. An
archive of a million articles is neither held in memory nor rewritten after
each article (a JSON manifest would be: quadratic in the archive). A
``manifest.json`` of an older transflow is taken over once. A database
damaged anywhere (header, middle or tail, found on opening or on any later
read or write) is set aside with a one-line note and started afresh: the
work it described is checked again against the files on disk, which keep
every reviewed translation.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from .statefiles import operational, replace_damaged

_SCHEMA = "CREATE TABLE IF NOT EXISTS manifest (key TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, at TEXT NOT NULL)"


class Manifest:
    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.db = self._open()
        except sqlite3.OperationalError as err:
            raise operational(path, _WHAT, err) from None
        except sqlite3.DatabaseError:
            self.db = self._fresh()

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(str(self.path), timeout=60)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            with db:
                if db.execute("SELECT name FROM sqlite_master WHERE name = 'manifest'").fetchone() is None:
                    db.execute(_SCHEMA)
                    db.executemany("INSERT OR REPLACE INTO manifest VALUES (?, ?, ?)", _legacy(self.path.with_suffix(".json")))
        except sqlite3.DatabaseError:
            db.close()
            raise
        return db

    def _fresh(self) -> sqlite3.Connection:
        replace_damaged(self.path, _WHAT, "every article is checked again; translation files keep their reviewed work", keep=True)
        return self._open()

    def _safely(self, work: Callable[[], T]) -> T:
        """*work*, once more on a fresh manifest if this one turns out damaged."""
        try:
            return work()
        except sqlite3.OperationalError as err:
            raise operational(self.path, _WHAT, err) from None
        except sqlite3.DatabaseError:
            self.db.close()
            self.db = self._fresh()
            return work()

    def unchanged(self, key: str, fingerprint: str, outputs: list[Path]) -> bool:
        row = self._safely(lambda: self.db.execute("SELECT fingerprint FROM manifest WHERE key = ?", (key,)).fetchone())
        return row is not None and row[0] == fingerprint and all(p.exists() for p in outputs)

    def record(self, key: str, fingerprint: str) -> None:
        def write() -> None:
            with self.db:
                self.db.execute("INSERT OR REPLACE INTO manifest VALUES (?, ?, ?)", (key, fingerprint, time.strftime("%Y-%m-%dT%H:%M:%S")))

        self._safely(write)

    def close(self) -> None:
        self.db.close()


_WHAT = "batch manifest"
T = TypeVar("T")


def _legacy(path: Path) -> list[tuple[str, str, str]]:
    """The entries of an older transflow's JSON manifest (none when it is missing or damaged)."""
    try:
        entries = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        return [(key, str(entry["fingerprint"]), str(entry.get("at", ""))) for key, entry in entries.items()]
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return []
