"""The embedded TM: one SQLite file, no server.

WAL mode, and every write one ``BEGIN IMMEDIATE`` transaction: writers queue
for the lock (busy timeout, then retries) instead of failing on a lock
upgrade, so two processes writing at once lose nothing, and a killed process
leaves the memory as it was before its write. The postings live in a
contentless FTS5 table whose "text" is a unit's term keys in hex (the
``ascii`` tokenizer, no positions): FTS5 builds posting lists in memory and
writes them compressed, five times faster than a (term, unit) B-tree row per
posting here, and a tenth of its size.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from ..errors import DiskFull, TransflowError
from ..textio import no_space_at
from . import index
from .base import COLUMNS, UNIT_COLUMNS, Memory, Row, TMUnit, prepare, unit_of

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
CREATE VIRTUAL TABLE IF NOT EXISTS tm_postings USING fts5 (terms, content='', detail=none, tokenize='ascii');
"""
_STAGING = f"""CREATE TEMP TABLE IF NOT EXISTS tm_incoming (
    id INTEGER PRIMARY KEY, {COLUMNS}, terms TEXT NOT NULL, fresh INTEGER NOT NULL DEFAULT 0)"""
_MERGE = [
    """UPDATE temp.tm_incoming SET fresh = 1 WHERE NOT EXISTS (
           SELECT 1 FROM tm_units u WHERE u.norm_key = tm_incoming.norm_key AND u.target_key = tm_incoming.target_key)""",
    """UPDATE tm_units SET origin = i.origin, article = i.article, prev = i.prev, next = i.next, updated = i.updated
       FROM temp.tm_incoming i WHERE NOT i.fresh AND tm_units.norm_key = i.norm_key AND tm_units.target_key = i.target_key""",
    f"INSERT INTO tm_units (id, {COLUMNS}) SELECT id, {COLUMNS} FROM temp.tm_incoming WHERE fresh ORDER BY id",
    "INSERT INTO tm_postings (rowid, terms) SELECT id, terms FROM temp.tm_incoming WHERE fresh ORDER BY id",
    "DELETE FROM temp.tm_incoming",
]


def damaged(location: str, err: Exception) -> TransflowError:
    return TransflowError(
        f"{location}: the translation memory is damaged ({err}); repair it with 'transflow tm repair --tm {location}' "
        "(it keeps every readable unit and the damaged file beside it; PO and XLIFF files are not affected)"
    )


def unusable(location: str, err: sqlite3.OperationalError) -> TransflowError:
    """An SQLite error that is not damage (a full disk, a read-only file, a busy lock): never sends the user to repair."""
    text = str(err)
    if "full" in text or no_space_at(Path(location)):
        return DiskFull(f"{location}: the disk is full; the translation memory is sound and was not changed by the unfinished step; free some space and run again")
    if "readonly" in text or "read-only" in text:
        return TransflowError(f"{location}: the translation memory is read-only here ({text}); run on a writable copy, or ask for write access")
    if "locked" in text or "busy" in text:
        return TransflowError(f"{location}: translation memory is busy ({text}); try again")
    if _read_only(Path(location)):
        return TransflowError(f"{location}: is on a read-only disk or folder; transflow keeps its TM in a writable place (copy it, or set [memory] path)")
    return TransflowError(f"{location}: the translation memory cannot be used ({text}); check the disk and the file's permissions, then try again")


_OLD_TABLES = ("units_vocab", "units_fts", "units")  # the FTS5 trigram layout of transflow before 0.2
_CHUNK = 500  # host parameters per IN list


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
        except sqlite3.OperationalError as err:
            raise unusable(self.location, err) from None
        except sqlite3.DatabaseError as err:
            raise damaged(self.location, err) from None
        except OSError as err:
            raise TransflowError(f"{self.location}: cannot open the translation memory ({err.strerror}); check the path and its folder") from None

    def _disconnect(self) -> None:
        self.db.close()

    def _settle(self) -> None:
        """Merge the FTS5 segments into one: a term's postings are then one seek (lookups measured 2x faster at 200,000 units)."""
        with self._reading():
            self._transaction(lambda: self.db.execute("INSERT INTO tm_postings (tm_postings) VALUES ('optimize')"))

    def _retry(self, work, attempts: int = 20):
        for attempt in range(attempts):
            try:
                return work()
            except sqlite3.OperationalError as err:
                if "locked" not in str(err) and "busy" not in str(err):
                    raise unusable(self.location, err) from None
                if attempt == attempts - 1:
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

    def _bulk(self, write) -> None:
        with self._reading():
            self._transaction(lambda: write(self._stage, self._merge))

    def _stage(self, rows: list[Row]) -> None:
        """Rows into the temporary table, with the ids they get if new; SQLite merges them in a few statements."""
        self.db.execute(_STAGING)
        first = (self.db.execute("SELECT max(id) FROM tm_units").fetchone()[0] or 0) + 1
        self.db.executemany(
            f"INSERT INTO temp.tm_incoming (id, {COLUMNS}, terms) VALUES ({','.join('?' * 14)})",
            ((first + i, *row.values(), ("%x " * len(row.terms)) % tuple(row.terms)) for i, row in enumerate(rows)),
        )

    def _merge(self) -> None:
        for statement in _MERGE:
            self.db.execute(statement)

    def _migrate(self) -> None:
        """Move the units of an older TM file (FTS5 trigram layout) into this layout, in one transaction."""
        tables = {name for (name,) in self.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "units" not in tables:
            return

        def move() -> None:
            old = self.db.execute("SELECT source_lang, target_lang, source, target, origin, article, prev, next, created, updated FROM units ORDER BY id")
            self._stage(prepare(TMUnit(*row) for row in old.fetchall()))
            self._merge()
            for trigger in ("units_added", "units_removed"):
                self.db.execute(f"DROP TRIGGER IF EXISTS {trigger}")
            for table in _OLD_TABLES:
                self.db.execute(f"DROP TABLE IF EXISTS {table}")

        self._transaction(move)

    def _with_norm_keys(self, norm_keys: Sequence[int]) -> dict[int, list[tuple[int, TMUnit]]]:
        found: dict[int, list[tuple[int, TMUnit]]] = {}
        with self._reading():
            for start in range(0, len(norm_keys), _CHUNK):
                chunk = norm_keys[start : start + _CHUNK]
                query = f"SELECT norm_key, {UNIT_COLUMNS} FROM tm_units WHERE norm_key IN ({','.join('?' * len(chunk))})"
                for norm_key, *row in self.db.execute(query, chunk):
                    found.setdefault(norm_key, []).append(unit_of(row))
        return found

    def _counts(self, keys: Sequence[int]) -> dict[int, int]:
        count = f"(SELECT count(*) FROM (SELECT 1 FROM tm_postings WHERE tm_postings MATCH ? LIMIT {index.COUNTED}))"
        counts: dict[int, int] = {}
        with self._reading():
            for start in range(0, len(keys), _CHUNK):  # a result row holds at most 2,000 columns
                chunk = keys[start : start + _CHUNK]
                query = "SELECT " + ", ".join([count] * len(chunk))
                counts.update(zip(chunk, self.db.execute(query, [f'"{key:x}"' for key in chunk]).fetchone()))
        return counts

    def _candidates(self, chosen: Sequence[Sequence[int]]) -> list[list[tuple[int, TMUnit]]]:
        """One query per list: in-process, a round trip costs nothing."""
        found = []
        with self._reading():
            for terms in chosen:
                postings = " UNION ALL ".join(
                    [f"SELECT * FROM (SELECT rowid AS unit FROM tm_postings WHERE tm_postings MATCH ? ORDER BY rowid DESC LIMIT {index.READ})"] * len(terms)
                )
                query = f"""SELECT {', '.join('u.' + c.strip() for c in UNIT_COLUMNS.split(','))}
                            FROM (SELECT unit, count(*) AS n FROM ({postings}) GROUP BY unit ORDER BY n DESC, unit DESC LIMIT {index.CANDIDATES}) v
                            JOIN tm_units u ON u.id = v.unit"""
                found.append([unit_of(row) for row in self.db.execute(query, [f'"{key:x}"' for key in terms])])
        return found

    def export(self, source_lang: str, target_lang: str) -> Iterator[TMUnit]:
        with self._reading():
            rows = self.db.execute(f"SELECT {UNIT_COLUMNS} FROM tm_units WHERE source_lang = ? AND target_lang = ? ORDER BY id", (source_lang, target_lang))
            for row in rows:
                yield unit_of(row)[1]

    def stats(self) -> list[tuple[str, str, int, int, int]]:
        with self._reading():
            return self.db.execute(
                """SELECT source_lang, target_lang, COUNT(*), SUM(origin = 'human'), SUM(origin != 'human')
                   FROM tm_units GROUP BY source_lang, target_lang ORDER BY source_lang, target_lang"""
            ).fetchall()

    @contextmanager
    def _reading(self) -> Iterator[None]:
        """A damaged page met while reading is a one-line error naming the repair, not a traceback."""
        try:
            yield
        except sqlite3.OperationalError as err:
            raise unusable(self.location, err) from None
        except sqlite3.DatabaseError as err:
            raise damaged(self.location, err) from None


def _read_only(path: Path) -> bool:
    try:
        return bool(os.statvfs(path.parent).f_flag & os.ST_RDONLY) or not os.access(path.parent, os.W_OK)
    except OSError:
        return False
