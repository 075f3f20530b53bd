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
        return {unit.source: unit for unit in self.units}

    def updated(self, units: list[Unit], source_language: str, language: str) -> Catalog:
        """This catalogue with *units* as its current entries; translations they no longer use become obsolete.

        An old sentence whose translation a revised one inherited is not
        obsolete; an obsolete unit the article uses again comes back to life.
        """
        current = {unit.source for unit in units} | {unit.previous_source for unit in units if unit.previous_source}
        dropped = [unit for unit in self.units if unit.source not in current and unit.target]
        obsolete = dropped + [unit for unit in self.obsolete if unit.source not in current]
        return replace(self, units=units, source_language=source_language, language=language, obsolete=obsolete)

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
