"""Leverage: what the translation memory already knows, before any MT.

An exact match (same text after NFC and whitespace folding, hence the same
inline codes) is a finished translation; a fuzzy match above the threshold is
a fuzzy suggestion whose numbers and glossary terms are corrected where the
new sentence differs from the remembered one, and flagged where they cannot
be.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from . import markup
from .glossary.enforce import Enforcer
from .memory import Memory, Query, TMMatch

_NUMBER = re.compile(r"\d+(?:[.,\u202f\u00a0 ]\d+)*")
_FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@dataclass
class Suggestion:
    """A translation from the TM; ``detail`` says which (score, remembered source or article),
    ``notes`` what was corrected in it, ``warnings`` what the reviewer must check."""

    target: str
    fuzzy: bool
    detail: str = ""
    notes: list[str] = field(default_factory=list)
    score: int = 100
    warnings: list[str] = field(default_factory=list)


def suggest(
    memory: Memory, source_lang: str, target_lang: str, text: str, prev: str, next_: str, threshold: float, enforcer: Enforcer | None
) -> Suggestion | None:
    return suggest_many(memory, source_lang, target_lang, [Query(text, prev, next_)], threshold, enforcer)[0]


def suggest_many(
    memory: Memory, source_lang: str, target_lang: str, queries: Sequence[Query], threshold: float, enforcer: Enforcer | None
) -> list[Suggestion | None]:
    """What the TM offers for each sentence: its exact match, else its best fuzzy one, adapted. The exact
    matches of a whole article are read at once, then the fuzzy ones of the sentences left (a server's
    round trips are per batch, not per sentence)."""
    found: list[Suggestion | None] = [None] * len(queries)
    for i, (query, exact) in enumerate(zip(queries, memory.exact_many(source_lang, target_lang, queries))):
        if exact is not None and markup.foreign(query.text, exact.unit.target) is None:
            label = "100 % in context" if exact.in_context else "100 %"
            found[i] = Suggestion(exact.unit.target, False, f"{label}, {exact.unit.origin}, {exact.unit.article or 'imported'}")
    left = [i for i, suggestion in enumerate(found) if suggestion is None]
    for i, match in zip(left, memory.fuzzy_many(source_lang, target_lang, [queries[i].text for i in left], threshold)):
        if match is not None and markup.foreign(queries[i].text, match.unit.target) is None:  # markup its source lacks is never replayed
            found[i] = _adapt(match, queries[i].text, enforcer)
    return found


def _adapt(match: TMMatch, text: str, enforcer: Enforcer | None) -> Suggestion:
    target = match.unit.target
    notes: list[str] = []
    warnings: list[str] = []
    old_numbers, new_numbers = _NUMBER.findall(match.unit.source), _NUMBER.findall(text)
    if len(old_numbers) == len(new_numbers):
        for old, new in zip(old_numbers, new_numbers):
            if old != new:
                target, fixed = _replace_number(target, old, new)
                if fixed:
                    notes.append(f"TM: number {old} → {new} corrected")
                else:
                    warnings.append(f"TM: number {old} → {new} NOT corrected; check it")
    elif old_numbers != new_numbers:
        warnings.append(f"TM: numbers differ ({', '.join(old_numbers)} → {', '.join(new_numbers)}); check them")
    if enforcer is not None:
        target = _swap_terms(target, match.unit.source, text, enforcer, notes, warnings)
    return Suggestion(target, True, f"{match.score} %: {match.unit.source}", notes, match.score, warnings)


def _renderings(number: str) -> list[tuple[str, Callable[[str], str]]]:
    """Ways a number may be written in a translation, each with how to write another number the same way."""
    swap = str.maketrans(".,", ",.")
    plain = lambda n: n  # noqa: E731
    swapped = lambda n: n.translate(swap)  # noqa: E731
    bare = lambda n: re.sub(r"[.,\u202f\u00a0 ](?=\d{3}\b)", "", n)  # noqa: E731
    wide = lambda n: n.translate(_FULLWIDTH)  # noqa: E731
    return [(style(number), style) for style in (plain, swapped, bare, wide)]


def _replace_number(target: str, old: str, new: str) -> tuple[str, bool]:
    for rendered, style in _renderings(old):
        if len(re.findall(rf"(?<![\d.,]){re.escape(rendered)}(?![\d]|[.,]\d)", target)) == 1:
            return re.sub(rf"(?<![\d.,]){re.escape(rendered)}(?![\d]|[.,]\d)", style(new), target, count=1), True
    return target, False


def _swap_terms(target: str, old_source: str, new_source: str, enforcer: Enforcer, notes: list[str], warnings: list[str]) -> str:
    old_terms = [span.replacement for span in enforcer.spans(old_source)[0]]
    new_terms = [span.replacement for span in enforcer.spans(new_source)[0]]
    if old_terms == new_terms:
        return target
    if len(old_terms) == len(new_terms):
        for old, new in zip(old_terms, new_terms):
            if old != new and target.count(old) == 1:
                target = target.replace(old, new)
                notes.append(f"TM: glossary term {old} → {new} corrected")
            elif old != new:
                warnings.append(f"TM: glossary term {old} → {new} NOT corrected; check it")
        return target
    warnings.append(f"TM: glossary terms differ ({', '.join(old_terms)} → {', '.join(new_terms)}); check them")
    return target
