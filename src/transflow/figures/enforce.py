"""Figures through MT, enforced the way glossary terms are.

Each figure of a source sentence becomes a span whose replacement is the
figure in the target's house style; drafting protects it with the same
numbered placeholders as glossary terms, retries the same forms, verifies the
same way, and, when no placeholder form survives the model, repairs the
unprotected output by putting the house-style figure in place of the model's
rendering of the same value. A figure still missing, or put back that way,
is a typed problem on the unit (``figure``, ``figure-repaired``), which the
exchange formats show the reviewer and risk scoring counts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..document import UnitProblem
from ..glossary.enforce import TermSpan
from . import Figure, same
from .recognise import find
from .style import HouseStyle


# Problem ids on a unit: a figure MT lost and no repair could restore, and one put back in the unprotected output.
NOT_ENFORCED = "figure"
REPAIRED = "figure-repaired"


@dataclass(frozen=True)
class FigureSpan(TermSpan):
    """A figure to protect: ``replacement`` is the figure in house style."""

    figure: Figure | None = None


class FigureEnforcer:
    """The figures of *source* sentences, rendered for *target*."""

    def __init__(self, source: str, target: str, styles: Mapping[str, HouseStyle]) -> None:
        self.source, self.target = source, target
        self.style = styles.get(target) or HouseStyle(target)

    def spans(self, text: str, blocked: Sequence[tuple[int, int]] = ()) -> list[FigureSpan]:
        """One span per figure of *text* outside *blocked* (inline codes, glossary terms)."""
        return [
            FigureSpan(figure.start, figure.end, self.style.render(figure), (), figure)
            for figure in find(text, self.source, blocked)
        ]


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


def repair(output: str, spans: Sequence[FigureSpan], source: str, target: str) -> str:
    """*output* with the model's rendering of each missing figure replaced by the house-style one.

    The model may have copied the source's convention or written its own: the
    output is read both ways, and a figure of the same value that is not
    already a house-style one is swapped.
    """
    for span in missing(output, spans):
        assert span.figure is not None
        wanted = span.figure.keys()
        taken = [(i, i + len(s.replacement)) for s in spans for i in _occurrences(output, s.replacement)]
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
    if check == NOT_ENFORCED:
        return UnitProblem(check, f"NOT ENFORCED: {written!r} must read {wanted!r}; fix this entry by hand")
    return UnitProblem(check, f"{written!r} put back as {wanted!r} after MT lost its placeholder; check its place")


def _occurrences(text: str, part: str) -> list[int]:
    found, start = [], text.find(part)
    while part and start >= 0:
        found.append(start)
        start = text.find(part, start + 1)
    return found
