"""What every TM backend shares: the units, the matching rules, and the work done before the database.

A backend only stores prepared rows and answers three questions (units with
this normalized source, candidates for these terms, everything of a pair);
normalizing, keys, scoring and the choice among exact matches live here, so
SQLite and PostgreSQL give the same answers.
"""

from __future__ import annotations

import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

from . import index


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


@dataclass(frozen=True)
class Row:
    """A unit ready to store: its keys and index terms computed once, by the writer."""

    norm_key: int
    target_key: int
    unit: TMUnit
    terms: list[int]

    def values(self) -> tuple:
        u = self.unit
        return (self.norm_key, self.target_key, u.source_lang, u.target_lang, u.source, u.target, u.origin, u.article, u.prev, u.next, u.created, u.updated)


COLUMNS = "norm_key, target_key, source_lang, target_lang, source, target, origin, article, prev, next, created, updated"
UNIT_COLUMNS = "id, source_lang, target_lang, source, target, origin, article, prev, next, created, updated"
EXPORT_BATCH = 5_000
SETTLE_AFTER = 10_000  # units written in one session before closing compacts the index


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def prepare(units: Iterable[TMUnit]) -> list[Row]:
    """Rows for the non-empty *units*, one per (pair, normalized source, target): the last given wins."""
    now = _now()
    rows: dict[tuple[int, int], Row] = {}
    for u in units:
        if not (u.source.strip() and u.target.strip()):
            continue
        norm = normalize(u.source)
        norm_key = index.key64(u.source_lang, u.target_lang, norm)
        target_key = index.key64(u.target)
        stored = TMUnit(u.source_lang, u.target_lang, u.source, u.target, u.origin, u.article, normalize(u.prev), normalize(u.next), u.created or now, u.updated or now)
        rows[norm_key, target_key] = Row(norm_key, target_key, stored, index.term_keys(u.source_lang, u.target_lang, norm))
    return list(rows.values())


class Memory(ABC):
    """A translation memory; use it as a context manager so its connection is closed."""

    location: str
    _written = 0

    def __enter__(self) -> Memory:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection; after a bulk write (tm import, tm copy), first settle the index for fast lookups."""
        if self._written >= SETTLE_AFTER:
            self._settle()
        self._disconnect()

    def add(self, units: Iterable[TMUnit]) -> int:
        """Store *units* in one transaction; an existing (source, target) pair is refreshed, not duplicated."""
        rows = prepare(units)
        if rows:
            self._store(rows)
            self._written += len(rows)
        return len(rows)

    def exact(self, source_lang: str, target_lang: str, text: str, prev: str = "", next_: str = "") -> TMMatch | None:
        """The unit with this source (newest first), preferring one seen between the same neighbours."""
        norm = normalize(text)
        found = [
            (id_, u)
            for id_, u in self._with_norm_key(index.key64(source_lang, target_lang, norm))
            if (u.source_lang, u.target_lang) == (source_lang, target_lang) and normalize(u.source) == norm
        ]
        if not found:
            return None
        units = [u for _, u in sorted(found, key=lambda item: (item[1].updated, item[0]), reverse=True)]
        context = (normalize(prev), normalize(next_))
        in_context = [u for u in units if (u.prev, u.next) == context and any(context)]
        return TMMatch(in_context[0], 100, True) if in_context else TMMatch(units[0], 100)

    def fuzzy(self, source_lang: str, target_lang: str, text: str, threshold: float) -> TMMatch | None:
        """The most similar unit scoring at least *threshold* (0–100) in rapidfuzz's ratio, if any (newest on ties)."""
        from rapidfuzz import fuzz

        norm = normalize(text)
        keys = index.term_keys(source_lang, target_lang, norm)
        chosen = index.choose(keys, self._term_counts(keys))
        if not chosen:
            return None
        best: tuple[float, int, TMUnit] | None = None
        for id_, unit in self._candidates(chosen):
            if (unit.source_lang, unit.target_lang) != (source_lang, target_lang):
                continue
            score = fuzz.ratio(norm, normalize(unit.source), score_cutoff=threshold)
            if score and (best is None or (score, id_) > best[:2]):
                best = (score, id_, unit)
        return TMMatch(best[2], int(best[0])) if best else None

    def _term_counts(self, keys: list[int]) -> dict[int, int]:
        """Capped posting counts of *keys*. A term once common stays common (units are never removed),
        so common terms are remembered and never counted again: with Zipf's law, most terms of most sentences."""
        common: set[int] = self.__dict__.setdefault("_common", set())
        rare = [key for key in keys if key not in common]
        counts = self._counts(rare) if rare else {}
        common.update(key for key, count in counts.items() if count >= index.COUNTED)
        return {key: counts.get(key, index.COUNTED) for key in keys}

    @abstractmethod
    def _disconnect(self) -> None: ...

    @abstractmethod
    def _settle(self) -> None:
        """Compact the index after many writes (merge FTS5 segments; vacuum for index-only scans)."""

    @abstractmethod
    def _store(self, rows: Sequence[Row]) -> None:
        """Insert new rows with their postings and term counts, refresh existing ones; one transaction."""

    @abstractmethod
    def _with_norm_key(self, norm_key: int) -> list[tuple[int, TMUnit]]: ...

    @abstractmethod
    def _counts(self, keys: Sequence[int]) -> dict[int, int]:
        """Postings per term key, counted up to index.COUNTED."""

    @abstractmethod
    def _candidates(self, chosen: Sequence[int]) -> list[tuple[int, TMUnit]]:
        """The index.CANDIDATES units most voted for by the chosen terms (index.READ newest postings each; ties: newest)."""

    @abstractmethod
    def export(self, source_lang: str, target_lang: str) -> Iterator[TMUnit]:
        """Every unit of a language pair in the order it was first stored, streamed."""

    @abstractmethod
    def stats(self) -> list[tuple[str, str, int, int, int]]:
        """(source, target, units, human, machine) per language pair."""


def unit_of(row: Sequence) -> tuple[int, TMUnit]:
    """(id, unit) from a row selected as UNIT_COLUMNS."""
    return row[0], TMUnit(*row[1:])
