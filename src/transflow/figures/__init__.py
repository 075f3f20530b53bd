"""Figures: the numbers, money, dates and times of a sentence, as values.

A figure is recognised in the source language (``recognise``), written the way
the target newsroom writes it (``style``, from the house-style table in
transflow.toml), and carried through MT by the glossary's own placeholders and
checks (``enforce``). QA compares figures by value with the same recogniser.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

NUMBER, PERCENT, MONEY, QUANTITY, ORDINAL, YEAR, DATE, TIME, RANGE = (
    "number", "percent", "money", "quantity", "ordinal", "year", "date", "time", "range",
)


@dataclass(frozen=True)
class Figure:
    """One figure of a text: ``text[start:end]`` as written, and what it means.

    ``readings`` are the values a number may stand for (one in its language's
    convention; several when read tolerantly, "3.000" being 3000 or 3).
    ``scaled`` says the writer used a scale word (billion, tỷ, 億), which the
    rendering keeps. A range holds its two ends in ``parts``.
    """

    kind: str
    start: int
    end: int
    readings: tuple[Decimal, ...] = ()
    scaled: bool = False
    currency: str | None = None
    unit: str | None = None
    day: int | None = None
    month: int | None = None
    year: int | None = None
    hour: int | None = None
    minute: int | None = None
    parts: tuple[Figure, ...] = ()

    @property
    def value(self) -> Decimal:
        return self.readings[0]

    def keys(self) -> list[frozenset[tuple]]:
        """What this figure must match in a translation, one set of acceptable keys per value it holds."""
        if self.kind == RANGE:
            return [key for part in self.parts for key in part.keys()]
        if self.kind == DATE:
            return [frozenset({("date", self.month, self.day, self.year)})]
        if self.kind == TIME:
            return [frozenset({("time", self.hour, self.minute)})]
        return [frozenset(("number", value) for value in self.readings)]


def same(wanted: frozenset[tuple], found: frozenset[tuple]) -> bool:
    """Whether two key sets can be the same value; a date written without its year matches one with it."""
    if wanted & found:
        return True
    return any(
        w[0] == f[0] == "date" and w[1:3] == f[1:3] and None in (w[3], f[3]) for w in wanted for f in found
    )
