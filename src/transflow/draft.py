"""Drafting: an article's segments become PO units, reviewed ones kept, the rest sent to MT.

One call per article and target language sends every segment that needs MT
to the engine at once. Placeholders that do not survive are retried in the
next form; a segment whose inline codes cannot be placed is drafted without
them and flagged for the reviewer, never silently.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .document import Segment, Unit
from .engines import Engine
from .protect import FORMS, Protected, protect, restore, usable_forms


# Notes naming where a translation came from; they stay with it once it is reviewed.
ORIGIN_PREFIXES = ("MT ", "TM ")


@dataclass
class DraftStats:
    segments: int = 0
    kept: int = 0
    machine: int = 0
    flagged: int = 0


def collect_units(segments: Sequence[Segment], reference: str) -> list[Unit]:
    """One unit per distinct source text, in order of first appearance, with every occurrence."""
    units: dict[str, Unit] = {}
    for seg in segments:
        unit = units.get(seg.text)
        if unit is None:
            unit = units[seg.text] = Unit(seg.text, notes=[f"block: {seg.block.kind}"])
        occurrence = (reference, seg.block.line)
        if occurrence not in unit.occurrences:
            unit.occurrences.append(occurrence)
    return list(units.values())


def draft(
    units: list[Unit],
    codes: Mapping[str, Sequence],
    previous: Mapping[str, Unit],
    engine: Engine,
    source: str,
    target: str,
) -> DraftStats:
    """Fill *units* in place: reviewed translations from *previous*, machine drafts for the rest."""
    stats = DraftStats(segments=len(units))
    pending: list[Unit] = []
    for unit in units:
        old = previous.get(unit.source)
        if old is not None:
            unit.translator_comment = old.translator_comment
        if old is not None and old.reviewed:
            unit.target, unit.fuzzy = old.target, False
            unit.notes += [note for note in old.notes if note.startswith(ORIGIN_PREFIXES)]
            stats.kept += 1
        else:
            pending.append(unit)
    origin = engine.origin(source, target)
    if origin is None or not pending:
        for unit in pending:
            unit.target, unit.fuzzy = "", False
        return stats
    outputs = _machine_translate(pending, codes, engine, source, target)
    for unit, (text, problem) in zip(pending, outputs):
        unit.target, unit.fuzzy = text, True
        unit.notes.append(origin)
        if problem:
            unit.notes.append(problem)
            stats.flagged += 1
        stats.machine += 1
    return stats


def _machine_translate(
    units: list[Unit], codes: Mapping[str, Sequence], engine: Engine, source: str, target: str
) -> list[tuple[str, str | None]]:
    """MT for *units*, retrying placeholder forms; (text, problem note or None) per unit."""
    results: dict[int, tuple[str, str | None]] = {}
    attempts = {i: usable_forms(unit.source) for i, unit in enumerate(units)}
    while True:
        batch: list[tuple[int, Protected]] = []
        for i, forms in attempts.items():
            if i not in results and forms:
                batch.append((i, protect(units[i].source, codes.get(units[i].source, ()), forms.pop(0))))
        if not batch:
            break
        outputs = engine.translate([p.text for _, p in batch], source, target)
        for (i, prepared), output in zip(batch, outputs):
            restored = restore(prepared, output)
            if restored is not None:
                results[i] = (restored, None)
    missing = [i for i in range(len(units)) if i not in results]
    if missing:
        bare = [protect(units[i].source, codes.get(units[i].source, ()), FORMS[0]) for i in missing]
        texts = [FORMS[0].pattern().sub("", p.text) for p in bare]
        for i, prepared, output in zip(missing, bare, engine.translate(texts, source, target)):
            results[i] = (prepared.prefix + output + prepared.suffix, "check markup: MT lost the inline codes; they are missing from this draft")
    return [results[i] for i in range(len(units))]
