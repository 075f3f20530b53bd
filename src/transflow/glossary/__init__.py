"""The newsroom glossary: official titles, bloc names and people, per language.

Entries come from CSV/TSV or TBX files (several combine, first file first);
each knows its preferred target term, the variants it accepts, and the
deprecated forms that must never appear in a translation.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import UsageError
from .problems import Problem

PREFERRED = "preferred"
ADMITTED = "admitted"
DEPRECATED = "deprecated"


@dataclass(frozen=True)
class Term:
    text: str
    status: str = PREFERRED


@dataclass
class Entry:
    """One concept: its terms in each language, and how to treat them."""

    terms: dict[str, list[Term]] = field(default_factory=dict)
    note: str = ""
    kind: str = ""
    dnt: bool = False
    case_sensitive: bool | None = None
    origin: str = ""

    def usable(self, lang: str) -> list[str]:
        """Preferred and admitted forms in *lang*: accepted in source text, allowed in targets."""
        return [t.text for t in self.terms.get(lang, []) if t.status != DEPRECATED]

    def deprecated(self, lang: str) -> list[str]:
        return [t.text for t in self.terms.get(lang, []) if t.status == DEPRECATED]

    def target(self, lang: str) -> str | None:
        """The form a translation into *lang* must use (first usable form), if the glossary has one."""
        usable = self.usable(lang)
        return usable[0] if usable else None

    def label(self, source: str, target: str) -> str:
        src = self.target(source) or ""
        tgt = src if self.dnt else self.target(target) or ""
        return f"{src} → {tgt}"


@dataclass
class Glossary:
    entries: list[Entry] = field(default_factory=list)

    def languages(self) -> set[str]:
        return {lang for entry in self.entries for lang in entry.terms}


def parse(path: Path) -> tuple[list[Entry], list[Problem]]:
    """The entries of one glossary file (CSV/TSV or TBX, by extension) and every problem in it."""
    from . import csvfile, tbx

    if not path.is_file():
        raise UsageError(f"{path}: no such glossary; check --glossary or glossary.files in transflow.toml")
    return (tbx.parse if path.suffix.lower() in (".tbx", ".xml") else csvfile.parse)(path)


def load(paths: Sequence[Path]) -> Glossary:
    """Combine the glossaries at *paths*, in order; a file with a fatal problem is refused."""
    entries: list[Entry] = []
    for path in paths:
        found, problems = parse(path)
        fatal = [p for p in problems if p.fatal]
        if fatal:
            raise UsageError(f"{fatal[0]}; run 'transflow glossary check {path}'")
        entries.extend(found)
    return Glossary(entries)


def write(glossary: Glossary, path: Path) -> None:
    """Write *glossary* as CSV/TSV or TBX (v3), chosen by the file extension."""
    from . import csvfile, tbx

    writer = tbx.write if path.suffix.lower() in (".tbx", ".xml") else csvfile.write
    writer(glossary, path)


def languages_of(entries: Iterable[Entry]) -> list[str]:
    """Languages in first-seen order, English first where present (the usual column order)."""
    seen = list(dict.fromkeys(lang for entry in entries for lang in entry.terms))
    return sorted(seen, key=lambda lang: (lang != "en", seen.index(lang)))
