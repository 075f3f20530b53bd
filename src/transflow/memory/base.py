"""What every TM backend shares: the units, the matching rules, and the work done before the database.

A backend only stores prepared rows and answers three questions (units with
this normalized source, candidates for these terms, everything of a pair);
normalizing, keys, scoring and the choice among exact matches live here, so
SQLite and PostgreSQL give the same answers.
"""

from __future__ import annotations

import itertools
import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import NamedTuple

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
class Query:
    """A sentence to look up, with its neighbours (an exact match seen between the same ones is preferred)."""

    text: str
    prev: str = ""
    next: str = ""


class Row(NamedTuple):
    """A unit ready to store: its keys and index terms computed once, by the writer (a tuple: an import makes millions)."""

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
CHUNK = 20_000  # units prepared in Python while the database merges the chunk before
SETTLE_AFTER = 10_000  # units written in one session before closing compacts the index


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def prepare(units: Iterable[TMUnit]) -> list[Row]:
    """Rows for the non-empty *units*, one per (pair, normalized source, target): the last given wins."""
    now = _now()
    kept: dict[tuple[int, int], tuple[TMUnit, str]] = {}
    for u in units:
        if not (u.source.strip() and u.target.strip()):
            continue
        norm = normalize(u.source)
        stored = TMUnit(u.source_lang, u.target_lang, u.source, u.target, u.origin, u.article, normalize(u.prev), normalize(u.next), u.created or now, u.updated or now)
        kept[index.key64(u.source_lang, u.target_lang, norm), index.key64(u.target)] = stored, norm
    pairs: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for keys, (unit, _) in kept.items():
        pairs.setdefault((unit.source_lang, unit.target_lang), []).append(keys)
    rows = []
    for (source_lang, target_lang), group in pairs.items():
        terms = index.filed_keys(source_lang, target_lang, [kept[keys][1] for keys in group])
        rows += [Row(*keys, kept[keys][0], found) for keys, found in zip(group, terms)]
    return rows


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

    def add(self, units: Iterable[TMUnit], progress: Callable[[int], None] | None = None) -> int:
        """Store *units* in one transaction; an existing (source, target) pair is refreshed, not duplicated.
        Returns how many distinct units were given. *progress(n)* is told, as each chunk reaches the
        database, how many of the given units have (a retried transaction counts again from the start).

        Units are prepared (normalized, keyed) CHUNK at a time in a worker
        thread while the database merges the chunk before: SQLite and the
        PostgreSQL driver release the GIL while the database works, so the
        two halves of an import overlap on two cores. A retried transaction
        replays the units an earlier attempt took.
        """
        given = iter(units)
        taken: list[TMUnit] = []
        distinct: set[tuple[int, int]] = set()

        def write(stage: Callable[[list[Row]], None], merge: Callable[[], None]) -> None:
            distinct.clear()
            chunks = _chunks(itertools.chain(list(taken), _taking(given, taken)))
            done = 0
            with ThreadPoolExecutor(1) as pool:
                upcoming = pool.submit(next, chunks, None)
                while chunk := upcoming.result():
                    count, rows = chunk
                    if rows:
                        stage(rows)
                    upcoming = pool.submit(next, chunks, None)  # only now: preparing during the staging would fight it for the GIL
                    if rows:
                        merge()
                        distinct.update((row.norm_key, row.target_key) for row in rows)
                    done += count
                    if progress:
                        progress(done)

        self._bulk(write)
        self._written += len(distinct)
        return len(distinct)

    def exact(self, source_lang: str, target_lang: str, text: str, prev: str = "", next_: str = "") -> TMMatch | None:
        """The unit with this source (newest first), preferring one seen between the same neighbours."""
        return self.exact_many(source_lang, target_lang, [Query(text, prev, next_)])[0]

    def exact_many(self, source_lang: str, target_lang: str, queries: Sequence[Query]) -> list[TMMatch | None]:
        """exact() for each of *queries*, read in one round trip: a whole article's sentences at once."""
        norms = [normalize(q.text) for q in queries]
        keys = [index.key64(source_lang, target_lang, norm) for norm in norms]
        stored = self._with_norm_keys(list(dict.fromkeys(keys))) if keys else {}
        return [_exact(stored.get(key, []), source_lang, target_lang, norm, q) for key, norm, q in zip(keys, norms, queries)]

    def fuzzy(self, source_lang: str, target_lang: str, text: str, threshold: float) -> TMMatch | None:
        """The most similar unit scoring at least *threshold* (0–100) in rapidfuzz's ratio, if any (newest on ties)."""
        return self.fuzzy_many(source_lang, target_lang, [text], threshold)[0]

    def fuzzy_many(self, source_lang: str, target_lang: str, texts: Sequence[str], threshold: float) -> list[TMMatch | None]:
        """fuzzy() for each of *texts*: their terms counted together and their candidates read together, so a batch
        costs a server two round trips, not two per sentence."""
        from rapidfuzz import fuzz

        norms = [normalize(text) for text in texts]
        keys = [index.term_keys(source_lang, target_lang, norm) for norm in norms]
        counts = self._term_counts(list(dict.fromkeys(key for found in keys for key in found)))
        chosen = [index.choose(found, counts) for found in keys]
        asked = [i for i, terms in enumerate(chosen) if terms]
        candidates = dict(zip(asked, self._candidates([chosen[i] for i in asked]))) if asked else {}
        matches: list[TMMatch | None] = []
        for i, norm in enumerate(norms):
            best: tuple[float, int, TMUnit] | None = None
            for id_, unit in candidates.get(i, []):
                if (unit.source_lang, unit.target_lang) != (source_lang, target_lang):
                    continue
                score = fuzz.ratio(norm, normalize(unit.source), score_cutoff=threshold)
                if score and (best is None or (score, id_) > best[:2]):
                    best = (score, id_, unit)
            matches.append(TMMatch(best[2], int(best[0])) if best else None)
        return matches

    def _term_counts(self, keys: Sequence[int]) -> dict[int, int]:
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
    def _bulk(self, write: Callable[[Callable[[list[Row]], None], Callable[[], None]], None]) -> None:
        """Run *write(stage, merge)* in one transaction, retried whole when the database asks: *stage(rows)*
        hands the database a chunk of rows, *merge()* inserts the new ones with their postings and
        refreshes the existing ones."""

    @abstractmethod
    def _with_norm_keys(self, norm_keys: Sequence[int]) -> dict[int, list[tuple[int, TMUnit]]]:
        """The (id, unit) rows filed under each of *norm_keys*, in one round trip."""

    @abstractmethod
    def _counts(self, keys: Sequence[int]) -> dict[int, int]:
        """Postings per term key, counted up to index.COUNTED."""

    @abstractmethod
    def _candidates(self, chosen: Sequence[Sequence[int]]) -> list[list[tuple[int, TMUnit]]]:
        """For each list of chosen terms, the index.CANDIDATES units most voted for by them (index.READ newest postings
        each; ties: newest); every list answered in one round trip."""

    @abstractmethod
    def export(self, source_lang: str, target_lang: str) -> Iterator[TMUnit]:
        """Every unit of a language pair in the order it was first stored, streamed."""

    @abstractmethod
    def stats(self) -> list[tuple[str, str, int, int, int]]:
        """(source, target, units, human, machine) per language pair."""


def _exact(found: list[tuple[int, TMUnit]], source_lang: str, target_lang: str, norm: str, query: Query) -> TMMatch | None:
    """Of the units filed under a sentence's key, the newest with exactly its source, preferring its neighbours'."""
    same = [(id_, u) for id_, u in found if (u.source_lang, u.target_lang) == (source_lang, target_lang) and normalize(u.source) == norm]
    if not same:
        return None
    units = [u for _, u in sorted(same, key=lambda item: (item[1].updated, item[0]), reverse=True)]
    context = (normalize(query.prev), normalize(query.next))
    in_context = [u for u in units if (u.prev, u.next) == context and any(context)]
    return TMMatch(in_context[0], 100, True) if in_context else TMMatch(units[0], 100)


def _taking(units: Iterator[TMUnit], taken: list[TMUnit]) -> Iterator[TMUnit]:
    for unit in units:
        taken.append(unit)
        yield unit


def _chunks(units: Iterator[TMUnit]) -> Iterator[tuple[int, list[Row]]]:
    """(units taken, their rows) CHUNK units at a time."""
    while batch := list(itertools.islice(units, CHUNK)):
        yield len(batch), prepare(batch)


def unit_of(row: Sequence) -> tuple[int, TMUnit]:
    """(id, unit) from a row selected as UNIT_COLUMNS."""
    return row[0], TMUnit(*row[1:])
