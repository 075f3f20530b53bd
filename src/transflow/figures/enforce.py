"""Figures through MT, enforced the way glossary terms are.

Each figure of a source sentence becomes a span whose replacement is the
figure in the target's house style. NMT models copy numbers through, so by
default a figure goes to MT as it is written and the model's rendering of the
same value is rewritten in house style afterwards (found by value, read in
either language's convention); only a figure that does not come back that way
costs its sentence a second pass, with the figure as a placeholder. With
``placeholders=True`` figures ride the glossary's placeholders from the first
pass instead, and one repaired after its placeholder was lost is flagged
(benchmarks/figure_enforcement.py measures both ways). A figure still
missing, or put back after a lost placeholder, is a typed problem on the unit
(``figure``, ``figure-repaired``), which the exchange formats show the
reviewer and risk scoring counts.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..document import UnitProblem
from ..glossary.enforce import TermSpan
from . import DATE, Figure, same
from .recognise import find
from .style import HouseStyle


# Problem ids on a unit: a figure MT lost and no repair could restore, one put back in the unprotected
# output, and one carried as the source writes it because no house-style rendering would say the same.
NOT_ENFORCED = "figure"
REPAIRED = "figure-repaired"
KEPT = "figure-kept"

# Decimal arithmetic keeps 28 significant digits: a figure with more cannot be rendered exactly.
EXACT_DIGITS = 28
_DATE_SHAPED = re.compile(r"(?<![\d/.,-])\d{1,4}([/.-])\d{1,2}\1\d{1,4}(?![\d/.-]\d)")
_DIGIT_RUN = re.compile(r"\d(?:[\d,.\u00a0\u202f ]*\d)?")


@dataclass(frozen=True)
class FigureSpan(TermSpan):
    """A figure to protect: ``replacement`` is the figure in house style, or as written when ``kept`` says why."""

    figure: Figure | None = None
    kept: str = ""


def carried(text: str, lang: str, blocked: Sequence[tuple[int, int]] = ()) -> list[tuple[int, int, str]]:
    """Figures of *text* that no house style can render exactly, and why: a date-shaped figure that is no
    date (31/02/2024), a number with more significant digits than transflow computes with. They travel
    as written, so a draft never rounds a 70-digit debt nor checks itself against a date that is not one."""
    found: list[tuple[int, int, str]] = []
    free = lambda start, end: not any(start < b_end and b_start < end for b_start, b_end in [*blocked, *((s, e) for s, e, _ in found)])  # noqa: E731
    for match in _DATE_SHAPED.finditer(text):
        dates = [f for f in find(match.group(0), lang) if f.kind == DATE and (f.start, f.end) == (0, len(match.group(0)))]
        if not dates and free(*match.span()):
            found.append((match.start(), match.end(), "not a date transflow can write in another style"))
    for match in _DIGIT_RUN.finditer(text):
        digits = "".join(ch for ch in match.group(0) if ch.isdigit()).lstrip("0")
        if len(digits) > EXACT_DIGITS and free(*match.span()):
            found.append((match.start(), match.end(), f"more than {EXACT_DIGITS} digits, more than transflow renders exactly"))
    return sorted(found)


class FigureEnforcer:
    """The figures of *source* sentences, rendered for *target*."""

    def __init__(self, source: str, target: str, styles: Mapping[str, HouseStyle], placeholders: bool = False) -> None:
        """*placeholders*: protect figures in the first MT pass rather than repair them after it."""
        self.source, self.target = source, target
        self.style = styles.get(target) or HouseStyle(target)
        self.placeholders = placeholders

    def spans(self, text: str, blocked: Sequence[tuple[int, int]] = ()) -> list[FigureSpan]:
        """One span per figure of *text* outside *blocked* (inline codes, glossary terms).

        A figure whose house-style rendering reads back as another value
        (24:00 as 午前12時, midnight at the start of the day) is carried as
        written instead, and says so, like the figures ``carried`` finds.
        """
        kept = carried(text, self.source, blocked)
        spans = [FigureSpan(start, end, text[start:end], (), None, why) for start, end, why in kept]
        for figure in find(text, self.source, [*blocked, *((start, end) for start, end, _ in kept)]):
            rendered = self.style.render(figure)
            if self._exact(figure, rendered):
                spans.append(FigureSpan(figure.start, figure.end, rendered, (), figure))
            else:
                why = f"its {self.target} house style ({rendered}) would read as another value"
                spans.append(FigureSpan(figure.start, figure.end, text[figure.start : figure.end], (), figure, why))
        return sorted(spans, key=lambda span: span.start)

    def _exact(self, figure: Figure, rendered: str) -> bool:
        """Whether *rendered* reads back as *figure*'s value; a rendering the target's reader does not know is trusted."""
        readings = [f for f in find(rendered, self.target, tolerant=True) if (f.start, f.end) == (0, len(rendered))]
        if not readings:
            return True
        wanted = figure.keys()
        return any(len(f.keys()) == len(wanted) and all(same(w, k) for w, k in zip(wanted, f.keys())) for f in readings)


def missing(output: str, spans: Sequence[FigureSpan]) -> list[FigureSpan]:
    """The spans whose house-style figure *output* lacks (each occurrence counts)."""
    short = Counter(span.replacement for span in spans)
    for text in short:
        short[text] -= output.count(text)
    absent = []
    for span in reversed(spans):
        if short[span.replacement] > 0:
            absent.append(span)
            short[span.replacement] -= 1
    return absent[::-1]


def repair(output: str, spans: Sequence[FigureSpan], source: str, target: str, keep: re.Pattern[str] | None = None) -> str:
    """*output* with the model's rendering of each missing figure replaced by the house-style one.

    The model may have copied the source's convention or written its own: the
    output is read both ways, and a figure of the same value that is not
    already a house-style one is swapped. Text matching *keep* (the
    placeholders still to be restored) is never read as a figure.
    """
    for span in missing(output, spans):
        if span.figure is None or span.kept:  # carried as written: nothing else to look for
            continue
        wanted = span.figure.keys()
        taken = [(i, i + len(s.replacement)) for s in spans for i in _occurrences(output, s.replacement)]
        taken += [match.span() for match in keep.finditer(output)] if keep is not None else []
        candidates = find(output, source, taken, tolerant=True) + find(output, target, taken, tolerant=True)
        for found in sorted(candidates, key=lambda f: (f.start, -f.end)):
            keys = found.keys()
            if len(keys) == len(wanted) and all(same(w, k) for w, k in zip(wanted, keys)):
                output = output[: found.start] + span.replacement + output[found.end :]
                break
    return output


def problem(source: str, span: FigureSpan, check: str) -> UnitProblem:
    """The reviewer's problem for *span* of *source*: not enforced (fix by hand) or repaired (check its place)."""
    written, wanted = source[span.start : span.end], span.replacement
    if check == KEPT:
        return UnitProblem(check, f"{written!r} carried as written: {span.kept}; check it reads right")
    if check == NOT_ENFORCED:
        return UnitProblem(check, f"NOT ENFORCED: {written!r} must read {wanted!r}; fix this entry by hand")
    return UnitProblem(check, f"{written!r} put back as {wanted!r} after MT lost its placeholder; check its place")


def _occurrences(text: str, part: str) -> list[int]:
    found, start = [], text.find(part)
    while part and start >= 0:
        found.append(start)
        start = text.find(part, start + 1)
    return found
