"""``transflow glossary check``: what a terminologist must fix, with file:line.

Duplicates (the same source form in two entries), conflicting targets (the
same source form with different preferred translations), empty cells and
unknown languages.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from . import Entry, parse
from .match import auto_case_sensitive, fold
from .problems import Problem


def check(paths: Sequence[Path]) -> list[Problem]:
    problems: list[Problem] = []
    entries: list[Entry] = []
    for path in paths:
        found, issues = parse(path)
        entries.extend(found)
        problems.extend(issues)
    problems.extend(_clashes(entries))
    return problems


def _clashes(entries: list[Entry]) -> list[Problem]:
    problems = []
    seen: dict[tuple[str, str], Entry] = {}
    for entry in entries:
        for lang, terms in entry.terms.items():
            for term in terms:
                if term.status == "deprecated":
                    continue
                sensitive = entry.case_sensitive if entry.case_sensitive is not None else auto_case_sensitive(term.text)
                key = (lang, fold(term.text, sensitive)[0])
                first = seen.setdefault(key, entry)
                if first is entry:
                    continue
                others = sorted(set(first.terms) & set(entry.terms) - {lang})
                conflicts = [o for o in others if first.target(o) != entry.target(o) and not (first.dnt and entry.dnt)]
                if conflicts:
                    detail = ", ".join(f"{o}: {first.target(o)!r} vs {entry.target(o)!r}" for o in conflicts)
                    problems.append(Problem(entry.origin, f"conflicting targets for {lang} {term.text!r} ({detail}); first at {first.origin}"))
                else:
                    problems.append(Problem(entry.origin, f"duplicate {lang} term {term.text!r}; first at {first.origin}"))
    return problems
