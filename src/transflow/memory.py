"""The project translation memory: every reviewed sentence, reusable in every later article.

SQLite (``.transflow/tm.sqlite``) in WAL mode with a busy timeout, each write
one transaction retried while another process holds the database, so two
writers lose nothing and a killed process leaves no damage. Exact lookups
use an index on the normalized source (NFC, whitespace folded); fuzzy ones
ask an FTS5 trigram index for candidates and rescore them with rapidfuzz's
character-level ratio, which works for Japanese (no spaces) as for English
and Vietnamese, without scanning the whole memory per sentence.
"""

from __future__ import annotations

import sqlite3
import time
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from .errors import TransflowError

_SCHEMA = """
CREATE TABLE IF NOT EXISTS units (
    id INTEGER PRIMARY KEY,
    source_lang TEXT NOT NULL,
    target_lang TEXT NOT NULL,
    source TEXT NOT NULL,
    norm TEXT NOT NULL,
    target TEXT NOT NULL,
    origin TEXT NOT NULL,
    article TEXT NOT NULL DEFAULT '',
    prev TEXT NOT NULL DEFAULT '',
    next TEXT NOT NULL DEFAULT '',
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    UNIQUE (source_lang, target_lang, norm, target)
);
CREATE INDEX IF NOT EXISTS units_lookup ON units (source_lang, target_lang, norm);
CREATE VIRTUAL TABLE IF NOT EXISTS units_fts USING fts5 (norm, content='units', content_rowid='id', tokenize='trigram');
CREATE VIRTUAL TABLE IF NOT EXISTS units_vocab USING fts5vocab (units_fts, 'row');
CREATE TRIGGER IF NOT EXISTS units_added AFTER INSERT ON units BEGIN
    INSERT INTO units_fts (rowid, norm) VALUES (new.id, new.norm);
END;
CREATE TRIGGER IF NOT EXISTS units_removed AFTER DELETE ON units BEGIN
    INSERT INTO units_fts (units_fts, rowid, norm) VALUES ('delete', old.id, old.norm);
END;
"""
_COLUMNS = "source_lang, target_lang, source, target, origin, article, prev, next, created, updated"
_CANDIDATES = 30
_RARE_TRIGRAMS = 12
_MIN_TRIGRAMS = 4
_POSTINGS_BUDGET = 20_000  # rowids read per lookup, beyond the first few trigrams


def normalize(text: str) -> str:
    """The form sentences are compared in: NFC, whitespace runs folded to one space."""
    return " ".join(unicodedata.normalize("NFC", text).split())


@dataclass(frozen=True)
class TMUnit:
    source_lang: str
    target_lang: str
    source: str
    target: str
    origin: str = "human"
    article: str = ""
    prev: str = ""
    next: str = ""
    created: str = ""
    updated: str = ""


@dataclass(frozen=True)
class TMMatch:
    unit: TMUnit
    score: int
    in_context: bool = False


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class Memory:
    def __init__(self, path: Path) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(str(path), timeout=30)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self._retry(lambda: self.db.executescript(_SCHEMA))
        except sqlite3.DatabaseError as err:
            raise TransflowError(f"{path}: not a usable translation memory ({err}); move it aside and import your TMX again") from None
        self.path = path
        self._frequency: dict[str, int] | None = None

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Memory:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _retry(self, work, attempts: int = 20):
        for attempt in range(attempts):
            try:
                return work()
            except sqlite3.OperationalError as err:
                if "locked" not in str(err) and "busy" not in str(err) or attempt == attempts - 1:
                    raise TransflowError(f"{self.path}: translation memory is busy ({err}); try again") from None
                time.sleep(0.05 * (attempt + 1))

    def add(self, units: Iterable[TMUnit]) -> int:
        """Store *units* in one transaction; an existing pair is refreshed, not duplicated."""
        now = _now()
        rows = [
            (u.source_lang, u.target_lang, u.source, normalize(u.source), u.target, u.origin, u.article, normalize(u.prev), normalize(u.next), u.created or now, u.updated or now)
            for u in units
            if u.source.strip() and u.target.strip()
        ]

        def write() -> int:
            with self.db:
                self.db.executemany(
                    """INSERT INTO units (source_lang, target_lang, source, norm, target, origin, article, prev, next, created, updated)
                       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                       ON CONFLICT (source_lang, target_lang, norm, target) DO UPDATE SET
                         origin = excluded.origin, article = excluded.article, prev = excluded.prev,
                         next = excluded.next, updated = excluded.updated""",
                    rows,
                )
            return len(rows)

        return self._retry(write)

    def exact(self, source_lang: str, target_lang: str, text: str, prev: str = "", next_: str = "") -> TMMatch | None:
        rows = self.db.execute(
            f"SELECT {_COLUMNS} FROM units WHERE source_lang = ? AND target_lang = ? AND norm = ? ORDER BY updated DESC",
            (source_lang, target_lang, normalize(text)),
        ).fetchall()
        if not rows:
            return None
        units = [TMUnit(*row) for row in rows]
        context = (normalize(prev), normalize(next_))
        in_context = [u for u in units if (u.prev, u.next) == context and any(context)]
        return TMMatch(in_context[0], 100, True) if in_context else TMMatch(units[0], 100)

    def fuzzy(self, source_lang: str, target_lang: str, text: str, threshold: float) -> TMMatch | None:
        """The most similar unit scoring at least *threshold* (0–100), if any."""
        from rapidfuzz import fuzz

        norm = normalize(text)
        votes: Counter[int] = Counter()
        for gram in self._rare_trigrams(norm):
            quoted = '"' + gram.replace('"', '""') + '"'
            votes.update(rowid for (rowid,) in self.db.execute("SELECT rowid FROM units_fts WHERE units_fts MATCH ?", (quoted,)))
        candidates = [rowid for rowid, _ in votes.most_common(_CANDIDATES)]
        if not candidates:
            return None
        rows = self.db.execute(
            f"SELECT {_COLUMNS}, norm FROM units WHERE id IN ({','.join('?' * len(candidates))}) AND source_lang = ? AND target_lang = ?",
            (*candidates, source_lang, target_lang),
        ).fetchall()
        best: TMMatch | None = None
        for row in rows:
            score = fuzz.ratio(norm, row[-1], score_cutoff=threshold)
            if score and (best is None or score > best.score):
                best = TMMatch(TMUnit(*row[:-1]), int(score))
        return best

    def _rare_trigrams(self, norm: str) -> list[str]:
        """The sentence's rarest trigrams in the memory.

        Common trigrams (" th", "the") occur in most units; the rarest ones
        point at the few that can be similar: each votes for the units that
        contain it, and the most voted are scored by rapidfuzz. Reading stops
        at a budget of postings, so a lookup costs about the same in a large
        memory as in a small one. Document
        frequencies are read once per session (fts5vocab cannot look a term up
        by index).
        """
        if self._frequency is None:
            self._frequency = dict(self.db.execute("SELECT term, doc FROM units_vocab"))
        frequency = self._frequency
        chosen, postings = [], 0
        for gram in sorted((g for g in _trigrams(norm) if g in frequency), key=frequency.__getitem__):
            if len(chosen) >= _RARE_TRIGRAMS or (len(chosen) >= _MIN_TRIGRAMS and postings + frequency[gram] > _POSTINGS_BUDGET):
                break
            chosen.append(gram)
            postings += frequency[gram]
        return chosen

    def export(self, source_lang: str, target_lang: str) -> Iterator[TMUnit]:
        rows = self.db.execute(
            f"SELECT {_COLUMNS} FROM units WHERE source_lang = ? AND target_lang = ? ORDER BY id", (source_lang, target_lang)
        )
        for row in rows:
            yield TMUnit(*row)

    def stats(self) -> list[tuple[str, str, int, int, int]]:
        """(source, target, units, human, machine) per language pair."""
        return self.db.execute(
            """SELECT source_lang, target_lang, COUNT(*), SUM(origin = 'human'), SUM(origin != 'human')
               FROM units GROUP BY source_lang, target_lang ORDER BY source_lang, target_lang"""
        ).fetchall()


def _trigrams(norm: str) -> list[str]:
    lowered = norm.lower()
    return list(dict.fromkeys(lowered[i : i + 3] for i in range(len(lowered) - 2) if lowered[i : i + 3].strip()))
