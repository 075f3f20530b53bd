"""The MT cache: a sentence already machine-translated with the same model is not sent again.

Keyed by the engine's origin label (model and version), the language pair and
the protected source text (placeholders included), so a change of model,
glossary or markup is a miss. SQLite in WAL mode with a busy timeout lets two
processes share it; each batch commits at once, so a killed run keeps what it
had translated and the next one resumes from there. The model's score and the
pivot language are kept with each output, so a cached draft is assessed for
review risk like a fresh one. The same database keeps the last machine draft
of each source sentence as it was written to PO/XLIFF (placeholders
restored), which ``glossary suggest --from-reviews`` compares with what the
reviewers made of it, and what each model did with each placeholder form
(``FormHistory``), so that a run starts from what earlier runs learned.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path

from .engines import Engine, Scored, Translation, translate_scored
from .protect import Record
from .statefiles import operational, replace_damaged

_WHAT = "MT cache"

_SCHEMA = "CREATE TABLE IF NOT EXISTS mt (key TEXT PRIMARY KEY, output TEXT NOT NULL, score REAL, pivot TEXT)"
_DRAFTS = (
    "CREATE TABLE IF NOT EXISTS drafts (source_lang TEXT NOT NULL, target_lang TEXT NOT NULL, source TEXT NOT NULL,"
    " draft TEXT NOT NULL, PRIMARY KEY (source_lang, target_lang, source))"
)
_FORMS = (
    "CREATE TABLE IF NOT EXISTS placeholder_forms (origin TEXT NOT NULL, source_lang TEXT NOT NULL, target_lang TEXT NOT NULL,"
    " form TEXT NOT NULL, sent INTEGER NOT NULL, kept INTEGER NOT NULL, PRIMARY KEY (origin, source_lang, target_lang, form))"
)
# Caches written before scores were kept gain the columns (their rows have no score).
_ADDED_COLUMNS = (("score", "REAL"), ("pivot", "TEXT"))


class CachedEngine(Scored):
    """Wraps an engine; ``sent`` counts the texts that really reached it (for reports and tests)."""

    def __init__(self, engine: Engine, path: Path) -> None:
        self.engine = engine
        self.name = engine.name
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.db = _open(path)
        except sqlite3.DatabaseError as err:
            self.db = self._rebuilt(err)
        self.sent = 0
        self.hits = 0

    def _rebuilt(self, err: sqlite3.DatabaseError) -> sqlite3.Connection:
        """A damaged cache is only a cache: start a new one in its place.

        A busy or unreadable one (OperationalError) may be in use by another run: never removed.
        """
        if isinstance(err, sqlite3.OperationalError):
            raise operational(self.path, _WHAT, err) from None
        replace_damaged(self.path, _WHAT, "sentences it held are sent to MT again", keep=False)
        return _open(self.path)

    def check(self, source: str, target: str) -> None:
        self.engine.check(source, target)

    def origin(self, source: str, target: str) -> str | None:
        return self.engine.origin(source, target)

    def translate_scored(self, texts: Sequence[str], source: str, target: str) -> list[Translation]:
        origin = self.engine.origin(source, target) or ""
        keys = [hashlib.sha256(f"{origin}\0{source}\0{target}\0{text}".encode()).hexdigest() for text in texts]
        known: dict[str, Translation] = {}
        unique = list(dict.fromkeys(keys))
        try:
            for start in range(0, len(unique), 500):
                chunk = unique[start : start + 500]
                rows = self.db.execute(f"SELECT key, output, score, pivot FROM mt WHERE key IN ({','.join('?' * len(chunk))})", chunk)
                known.update((key, Translation(output, score, pivot)) for key, output, score, pivot in rows)
        except sqlite3.DatabaseError as err:
            self.db.close()
            self.db, known = self._rebuilt(err), {}
        missing = list(dict.fromkeys((key, text) for key, text in zip(keys, texts) if key not in known))
        self.hits += len(texts) - sum(1 for key in keys if key not in known)
        if missing:
            outputs = translate_scored(self.engine, [text for _, text in missing], source, target)
            self.sent += len(missing)
            fresh = {key: output for (key, _), output in zip(missing, outputs)}
            try:
                with self.db:
                    self.db.executemany(
                        "INSERT OR REPLACE INTO mt (key, output, score, pivot) VALUES (?, ?, ?, ?)",
                        [(key, t.text, t.score, t.pivot) for key, t in fresh.items()],
                    )
            except sqlite3.DatabaseError as err:
                self.db.close()
                self.db = self._rebuilt(err)
            known.update(fresh)
        return [known[key] for key in keys]

    def close(self) -> None:
        self.db.close()


def _open(path: Path) -> sqlite3.Connection:
    # A batch looks up and translates in its MT thread while the main thread prepares the next chunk.
    db = sqlite3.connect(str(path), timeout=60, check_same_thread=False)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute(_SCHEMA)
        columns = {row[1] for row in db.execute("PRAGMA table_info(mt)")}
        for name, kind in _ADDED_COLUMNS:
            if name not in columns:
                db.execute(f"ALTER TABLE mt ADD COLUMN {name} {kind}")
    except sqlite3.DatabaseError:
        db.close()
        raise
    return db


class Drafts:
    """The machine drafts last written for each source sentence, per language pair.

    The database is opened on first use, so a job that writes no draft (a
    refused input, ``--engine none``) leaves no file behind.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._db: sqlite3.Connection | None = None
        self._inode: int | None = None

    @property
    def db(self) -> sqlite3.Connection:
        """The connection, reopened when the file was replaced (the MT cache beside it started afresh)."""
        if self._db is not None and self._inode != _inode(self.path):
            self._db.close()
            self._db = None
        if self._db is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = self._safely(self._open)
        return self._db

    def _open(self) -> sqlite3.Connection:
        db = _connect(self.path, _DRAFTS, timeout=60)
        self._inode = _inode(self.path)
        return db

    def _safely(self, work):
        """*work*, once more on a fresh file if this one turns out damaged."""
        try:
            return work()
        except sqlite3.OperationalError as err:
            raise operational(self.path, _WHAT, err) from None
        except sqlite3.DatabaseError:
            if self._db is not None:
                self._db.close()
                self._db = None
            replace_damaged(self.path, _WHAT, "sentences it held are sent to MT again", keep=False)
            return work()

    def __enter__(self) -> Drafts:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._db is not None:
            self._db.close()

    def record(self, source_lang: str, target_lang: str, drafts: Iterable[tuple[str, str]]) -> None:
        rows = [(source_lang, target_lang, source, draft) for source, draft in drafts if draft]

        def write() -> None:
            with self.db:
                self.db.executemany("INSERT OR REPLACE INTO drafts VALUES (?, ?, ?, ?)", rows)

        if rows:
            self._safely(write)

    def find(self, source_lang: str, target_lang: str, sources: Sequence[str]) -> dict[str, str]:
        """The draft of each of *sources* that has one."""
        def read() -> dict[str, str]:
            found: dict[str, str] = {}
            unique = list(dict.fromkeys(sources))
            for start in range(0, len(unique), 500):
                chunk = unique[start : start + 500]
                rows = self.db.execute(
                    f"SELECT source, draft FROM drafts WHERE source_lang = ? AND target_lang = ? AND source IN ({','.join('?' * len(chunk))})",
                    [source_lang, target_lang, *chunk],
                )
                found.update(rows.fetchall())
            return found

        return self._safely(read)


def _connect(path: Path, schema: str, timeout: float) -> sqlite3.Connection:
    """A WAL connection to the cache file with *schema*'s table in place; a damaged file raises, closed."""
    db = sqlite3.connect(str(path), timeout=timeout)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute(schema)
    except sqlite3.DatabaseError:
        db.close()
        raise
    return db


def _inode(path: Path) -> int | None:
    try:
        return path.stat().st_ino
    except OSError:
        return None


class FormHistory:
    """What each model (by its origin label) did with each placeholder form, per language pair, across runs.

    Runs add their counts, so two runs at once both count. Read once per model
    and pair in a job and written once per MT batch, each time on a connection
    of its own: a batch learns in its MT thread, and a cache another part of
    the run started afresh is simply the file found next time. A busy or
    damaged file only costs the learning (the run starts from nothing, keeps
    nothing); the MT cache and the drafts beside it mend the file.
    """

    def __init__(self, path: Path) -> None:
        self.path = path

    def __enter__(self) -> FormHistory:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        return _connect(self.path, _FORMS, timeout=10)

    def load(self, origin: str, source: str, target: str) -> dict[str, Record]:
        try:
            db = self._connect()
        except sqlite3.DatabaseError:
            return {}
        try:
            rows = db.execute(
                "SELECT form, sent, kept FROM placeholder_forms WHERE origin = ? AND source_lang = ? AND target_lang = ?", (origin, source, target)
            ).fetchall()
        except sqlite3.DatabaseError:
            return {}
        finally:
            db.close()
        return {form: Record(sent, kept) for form, sent, kept in rows}

    def add(self, origin: str, source: str, target: str, records: dict[str, Record]) -> None:
        try:
            db = self._connect()
        except sqlite3.DatabaseError:
            return
        try:
            with db:
                db.executemany(
                    "INSERT INTO placeholder_forms VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (origin, source_lang, target_lang, form)"
                    " DO UPDATE SET sent = sent + excluded.sent, kept = kept + excluded.kept",
                    [(origin, source, target, form, r.sent, r.kept) for form, r in records.items()],
                )
        except sqlite3.DatabaseError:
            pass
        finally:
            db.close()
