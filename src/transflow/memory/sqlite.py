"""The embedded TM: one SQLite file, no server.

WAL mode, and every write one ``BEGIN IMMEDIATE`` transaction: writers queue
for the lock (busy timeout, then retries) instead of failing on a lock
upgrade, so two processes writing at once lose nothing, and a killed process
leaves the memory as it was before its write. Postings are a WITHOUT ROWID
table keyed (term, unit): the postings of a term are one B-tree range.
"""

from __future__ import annotations

import sqlite3
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path

from ..errors import TransflowError
from .base import CANDIDATES_SQL, COLUMNS, UNIT_COLUMNS, Memory, Row, TMUnit, prepare, unit_of

_SCHEMA = """
CREATE TABLE IF NOT EXISTS tm_units (
    id INTEGER PRIMARY KEY,
    norm_key INTEGER NOT NULL,
    target_key INTEGER NOT NULL,
    source_lang TEXT NOT NULL,
    target_lang TEXT NOT NULL,
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    origin TEXT NOT NULL,
    article TEXT NOT NULL,
    prev TEXT NOT NULL,
    next TEXT NOT NULL,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    UNIQUE (norm_key, target_key)
);
CREATE TABLE IF NOT EXISTS tm_postings (term INTEGER NOT NULL, unit INTEGER NOT NULL, PRIMARY KEY (term, unit)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS tm_terms (term INTEGER PRIMARY KEY, df INTEGER NOT NULL);
"""
_OLD_TABLES = ("units_vocab", "units_fts", "units")  # the FTS5 trigram layout of transflow before 0.2
_CHUNK = 500  # host parameters per IN list
_CANDIDATES = {}  # SQL per number of query terms


class SQLiteMemory(Memory):
    def __init__(self, path: Path) -> None:
        self.location = str(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(str(path), timeout=30, isolation_level=None)
            for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "cache_size=-131072", "temp_store=MEMORY"):
                self.db.execute(f"PRAGMA {pragma}")
            self._retry(lambda: self.db.executescript(_SCHEMA))
            self._migrate()
        except sqlite3.DatabaseError as err:
            raise TransflowError(f"{path}: not a usable translation memory ({err}); move it aside and import your TMX again") from None

    def close(self) -> None:
        self.db.close()

    def _retry(self, work, attempts: int = 20):
        for attempt in range(attempts):
            try:
                return work()
            except sqlite3.OperationalError as err:
                if "locked" not in str(err) and "busy" not in str(err) or attempt == attempts - 1:
                    raise TransflowError(f"{self.location}: translation memory is busy ({err}); try again") from None
                time.sleep(0.05 * (attempt + 1))

    def _transaction(self, work) -> None:
        def run() -> None:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                work()
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")

        self._retry(run)

    def _store(self, rows: Sequence[Row]) -> None:
        self._transaction(lambda: self._write(rows))

    def _write(self, rows: Sequence[Row]) -> None:
        existing: dict[tuple[int, int], int] = {}
        for start in range(0, len(rows), _CHUNK):
            keys = [r.norm_key for r in rows[start : start + _CHUNK]]
            query = f"SELECT norm_key, target_key, id FROM tm_units WHERE norm_key IN ({','.join('?' * len(keys))})"
            existing.update(((n, t), id_) for n, t, id_ in self.db.execute(query, keys))
        fresh = [r for r in rows if (r.norm_key, r.target_key) not in existing]
        first = (self.db.execute("SELECT max(id) FROM tm_units").fetchone()[0] or 0) + 1
        placeholders = ",".join("?" * 13)
        self.db.executemany(f"INSERT INTO tm_units (id, {COLUMNS}) VALUES ({placeholders})", ((first + i, *r.values()) for i, r in enumerate(fresh)))
        self.db.executemany(
            "UPDATE tm_units SET origin = ?, article = ?, prev = ?, next = ?, updated = ? WHERE id = ?",
            ((r.unit.origin, r.unit.article, r.unit.prev, r.unit.next, r.unit.updated, existing[r.norm_key, r.target_key]) for r in rows if (r.norm_key, r.target_key) in existing),
        )
        postings = sorted((term, first + i) for i, r in enumerate(fresh) for term in r.terms)
        self.db.executemany("INSERT INTO tm_postings (term, unit) VALUES (?, ?)", postings)
        counts = Counter(term for term, _ in postings)
        self.db.executemany(
            "INSERT INTO tm_terms (term, df) VALUES (?, ?) ON CONFLICT (term) DO UPDATE SET df = df + excluded.df", sorted(counts.items())
        )

    def _migrate(self) -> None:
        """Move the units of an older TM file (FTS5 trigram layout) into this layout, in one transaction."""
        tables = {name for (name,) in self.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "units" not in tables:
            return

        def move() -> None:
            old = self.db.execute("SELECT source_lang, target_lang, source, target, origin, article, prev, next, created, updated FROM units ORDER BY id")
            self._write(prepare(TMUnit(*row) for row in old.fetchall()))
            for trigger in ("units_added", "units_removed"):
                self.db.execute(f"DROP TRIGGER IF EXISTS {trigger}")
            for table in _OLD_TABLES:
                self.db.execute(f"DROP TABLE IF EXISTS {table}")

        self._transaction(move)

    def _with_norm_key(self, norm_key: int) -> list[tuple[int, TMUnit]]:
        return [unit_of(row) for row in self.db.execute(f"SELECT {UNIT_COLUMNS} FROM tm_units WHERE norm_key = ?", (norm_key,))]

    def _candidates(self, keys: Sequence[int]) -> list[tuple[int, TMUnit]]:
        query = _CANDIDATES.get(len(keys))
        if query is None:
            # CROSS JOIN keeps SQLite's planner on the chosen terms first, then each term's postings range.
            query = _CANDIDATES[len(keys)] = CANDIDATES_SQL.format(keys=f"IN ({','.join('?' * len(keys))})", join="CROSS JOIN")
        return [unit_of(row) for row in self.db.execute(query, keys)]

    def export(self, source_lang: str, target_lang: str) -> Iterator[TMUnit]:
        rows = self.db.execute(f"SELECT {UNIT_COLUMNS} FROM tm_units WHERE source_lang = ? AND target_lang = ? ORDER BY id", (source_lang, target_lang))
        for row in rows:
            yield unit_of(row)[1]

    def stats(self) -> list[tuple[str, str, int, int, int]]:
        return self.db.execute(
            """SELECT source_lang, target_lang, COUNT(*), SUM(origin = 'human'), SUM(origin != 'human')
               FROM tm_units GROUP BY source_lang, target_lang ORDER BY source_lang, target_lang"""
        ).fetchall()
