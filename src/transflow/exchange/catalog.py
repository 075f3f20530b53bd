"""The neutral catalogue every exchange format reads into and writes from.

As babel's ``Catalog``: a pure data model that owns merging (what becomes
obsolete when an article changes, as ``msgmerge`` does) and the counts; the
formats (po.py, xliff.py) are thin readers and writers beside it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..document import CODES_DAMAGED, Unit


@dataclass
class Counts:
    """Units (or words, with a weight) per review state, as pocount reports them."""

    translated: int = 0
    fuzzy: int = 0
    untranslated: int = 0

    @property
    def total(self) -> int:
        return self.translated + self.fuzzy + self.untranslated


@dataclass
class Catalog:
    """One article's units in one target language, the header, and the obsolete units carried along."""

    units: list[Unit]
    source_language: str | None = None
    language: str | None = None
    header: dict[str, str] = field(default_factory=dict)
    obsolete: list[Unit] = field(default_factory=list)
    entries_text: str | None = None  # what the file's entries said (po.fingerprint), to keep its dates if unchanged
    header_comment: str | None = None  # the comment above a PO header, kept as the file had it
    source_text: str | None = None  # the file as read: written back as it was when nothing changed

    def by_source(self) -> dict[str, Unit]:
        """Each sentence's translation: the entry without a context (the article's own) wins over a
        reviewer's extra entry with a ``msgctxt``; an obsolete entry answers for a sentence the
        article uses again (as ``msgmerge`` revives it), so its translation is not lost."""
        revived = [unit for unit in self.obsolete if unit.context is None and unit.target]
        return by_source(revived + self.units)

    def updated(self, units: list[Unit], source_language: str, language: str) -> Catalog:
        """This catalogue with *units* as its current entries; translations they no longer use become obsolete.

        An old sentence whose translation a revised one inherited is not
        obsolete; an obsolete unit the article uses again comes back to life.
        A reviewer's extra entry with a context (``msgctxt "alt"``) for a
        current sentence stays, right after that sentence's entry; for a
        sentence the article dropped, it becomes obsolete with it. Nothing a
        reviewer wrote is deleted.
        """
        sources = {unit.source for unit in units}
        current = sources | {unit.previous_source for unit in units if unit.previous_source}
        taken = {_key(unit) for unit in units}
        extras: dict[str, list[Unit]] = {}
        for unit in self.units + self.obsolete:
            if unit.context is not None and unit.source in sources and _key(unit) not in taken:
                taken.add(_key(unit))
                extras.setdefault(unit.source, []).append(unit)
        merged = [item for unit in units for item in (unit, *extras.get(unit.source, ()))]
        dropped = [unit for unit in self.units if _key(unit) not in taken and unit.target and (unit.context is not None or unit.source not in current)]
        kept = {_key(unit) for unit in dropped}
        obsolete = dropped + [
            unit for unit in self.obsolete
            if _key(unit) not in taken and _key(unit) not in kept and (unit.context is not None or unit.source not in current)
        ]
        return replace(self, units=merged, source_language=source_language, language=language, obsolete=obsolete)

    def counts(self, weight: Callable[[Unit], int] = lambda unit: 1) -> Counts:
        """Reviewed / waiting for review / untranslated, each unit counted by *weight*."""
        counts = Counts()
        for unit in self.units:
            state = "translated" if unit.reviewed else "fuzzy" if unit.fuzzy and unit.target else "untranslated"
            setattr(counts, state, getattr(counts, state) + weight(unit))
        return counts

    def usable(self) -> list[Unit]:
        """The units a build or the TM may use at all: not those whose inline codes were damaged."""
        return [unit for unit in self.units if not unit.has_problem(CODES_DAMAGED)]


def _key(unit: Unit) -> tuple[str | None, str]:
    return (unit.context, unit.source)


def by_source(units: Sequence[Unit]) -> dict[str, Unit]:
    """*units* keyed by source text; an entry without a context wins over one with a context, and a later
    entry over an earlier one of the same kind. The article's sentences carry no context: a ``msgctxt``
    entry is a reviewer's addition, used only where its sentence has no other entry."""
    found: dict[str, Unit] = {}
    for unit in units:
        other = found.get(unit.source)
        if other is None or unit.context is None or other.context is not None:
            found[unit.source] = unit
    return found


def duplicates(keys: Sequence[tuple[str | None, str]]) -> int | None:
    """The index of the first repeated (context, source) key, or None; linear, unlike polib's check."""
    seen: set[tuple[str | None, str]] = set()
    for index, key in enumerate(keys):
        if key in seen:
            return index
        seen.add(key)
    return None


@dataclass(frozen=True)
class ExchangeFormat:
    """One exchange format: the ``--format`` name, its file suffixes, and its reader and writer.

    ``read(path)`` returns the catalogue and problems worth telling the user;
    ``write(path, catalog, article, datatype)`` writes atomically.
    """

    name: str
    suffixes: tuple[str, ...]
    description: str
    read: Callable[[Path], tuple[Catalog, list[str]]]
    write: Callable[[Path, Catalog, str, str], None]
