"""Glossary entries learnt from reviews: what reviewers consistently put in place of the MT's words.

Each reviewed entry is compared with the machine draft it started from (kept
in the MT cache). The words the reviewer replaced are aligned with
difflib, word by word (character by character in Japanese), and nearby
edits are merged into one replacement ("Ngoại trưởng" → "Bộ trưởng Ngoại
giao", even where "trưởng" was kept). A replacement made the same way in at
least N different sentences, and more often than any other replacement of
the same words, is a suggestion; the source phrase it translates is the
phrase all those sentences share that is most particular to them. One-off
edits (style, a typo) never reach N.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ..languages import spaced

_WORD = re.compile(r"\w+(?:[-'’]\w+)*|[^\w\s]")
_CHAR = re.compile(r"\S")
_MAX_PHRASE = 8


@dataclass(frozen=True)
class Reviewed:
    """A reviewed entry and the machine draft it was made from."""

    source: str
    draft: str
    target: str
    file: str = ""


@dataclass
class Substitution:
    """Reviewers wrote ``reviewed`` where the MT wrote ``machine``, for ``source``."""

    source: str
    machine: str
    reviewed: str
    count: int = 0  # sentences where reviewers made this replacement
    seen: int = 0  # reviewed sentences whose draft had the machine words
    examples: list[Reviewed] = field(default_factory=list)


def _units(text: str, lang: str) -> list[re.Match[str]]:
    """Words and punctuation (characters in Japanese), with where they are in *text*."""
    return list((_WORD if spaced(lang) else _CHAR).finditer(text))


def _span(text: str, units: Sequence[re.Match[str]]) -> str:
    return text[units[0].start() : units[-1].end()]


def replacements(draft: str, reviewed: str, lang: str) -> list[tuple[str, str]]:
    """(machine words, reviewer's words) for each place the reviewer replaced words of the draft."""
    a, b = _units(draft, lang), _units(reviewed, lang)
    matcher = difflib.SequenceMatcher(None, [u.group(0) for u in a], [u.group(0) for u in b], autojunk=False)
    merged: list[list[int]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if merged and i1 - merged[-1][1] <= 1 and j1 - merged[-1][3] <= 1:
            merged[-1][1], merged[-1][3] = i2, j2  # a kept word between two edits belongs to one replacement
        else:
            merged.append([i1, i2, j1, j2])
    found = []
    for i1, i2, j1, j2 in merged:
        if i1 == i2 or j1 == j2:
            continue  # a pure insertion or deletion replaces nothing
        machine, words = a[i1:i2], b[j1:j2]
        if not any(u.group(0)[0].isalnum() for u in machine) or not any(u.group(0)[0].isalnum() for u in words):
            continue  # punctuation and spacing are not terminology
        found.append((_span(draft, machine), _span(reviewed, words)))
    return found


def learn(entries: Iterable[Reviewed], source_lang: str, target_lang: str, min_count: int = 3) -> list[Substitution]:
    """Replacements made in at least *min_count* sentences, and the main one for their machine words."""
    entries = [e for e in entries if e.draft and e.target and e.draft != e.target]
    by_pair: dict[tuple[str, str], list[Reviewed]] = defaultdict(list)
    for entry in entries:
        for machine, words in dict.fromkeys(replacements(entry.draft, entry.target, target_lang)):
            if all(e.source != entry.source for e in by_pair[(machine, words)]):
                by_pair[(machine, words)].append(entry)
    per_machine: Counter = Counter()
    for (machine, _), found in by_pair.items():
        per_machine[machine] += len(found)
    suggestions = []
    for (machine, words), found in by_pair.items():
        if len(found) < min_count or len(found) * 2 <= per_machine[machine]:
            continue
        source = _source_phrase([e.source for e in found], [e.source for e in entries], machine, source_lang)
        if source is None:
            continue
        seen = sum(1 for e in entries if machine in e.draft)
        suggestions.append(Substitution(source, machine, words, len(found), seen, found[:3]))
    return sorted(suggestions, key=lambda s: (-s.count, s.source))


def _source_phrase(sources: list[str], every: list[str], machine: str, lang: str) -> str | None:
    """The source phrase the replaced words translate: shared by all *sources*, rare elsewhere.

    Where the MT kept the phrase as it was (names, or a copy), that is the phrase.
    """
    if all(machine in s for s in sources):
        return machine
    grams: set[str] | None = None
    for text in sources:
        units = _units(text, lang)
        here = {
            _span(text, units[i : i + n])
            for n in range(1, _MAX_PHRASE + 1)
            for i in range(len(units) - n + 1)
            if any(u.group(0)[0].isalnum() and len(u.group(0)) > 2 for u in units[i : i + n])
        }
        grams = here if grams is None else grams & here
    if not grams:
        return None
    phrases = list(grams)

    def particular(phrase: str) -> tuple[float, int]:
        elsewhere = sum(1 for s in every if phrase in s)
        return (len(sources) / max(elsewhere, 1), len(phrase))

    return max(phrases, key=particular)
