"""What each article × language was last translated from: ``<state>/manifest.sqlite``.

One row per article and language, committed as soon as its files are
written, so a killed run resumes after the last article it finished. An
archive of a million articles is neither held in memory nor rewritten after
each article (a JSON manifest would be: quadratic in the archive). A
``manifest.json`` of an older transflow is taken over once; a damaged
database is set aside and the work it described is done again.
"""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

_SCHEMA = "CREATE TABLE IF NOT EXISTS manifest (key TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, at TEXT NOT NULL)"


class Manifest:
    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.db = self._open()
        except sqlite3.DatabaseError:
            path.replace(path.with_name(path.name + ".damaged"))
            self.db = self._open()

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

    def unchanged(self, key: str, fingerprint: str, outputs: list[Path]) -> bool:
        row = self.db.execute("SELECT fingerprint FROM manifest WHERE key = ?", (key,)).fetchone()
        return row is not None and row[0] == fingerprint and all(p.exists() for p in outputs)

    def record(self, key: str, fingerprint: str) -> None:
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO manifest VALUES (?, ?, ?)", (key, fingerprint, time.strftime("%Y-%m-%dT%H:%M:%S")))

    def close(self) -> None:
        self.db.close()


def _legacy(path: Path) -> list[tuple[str, str, str]]:
    """The entries of an older transflow's JSON manifest (none when it is missing or damaged)."""
    try:
        entries = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        return [(key, str(entry["fingerprint"]), str(entry.get("at", ""))) for key, entry in entries.items()]
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return []
