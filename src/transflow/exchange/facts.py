"""Typed unit facts as reviewer comments (PO ``#.``, XLIFF ``<note>``), and back.

Each fact is one ``label: value`` comment line. Writers call ``comments``;
readers call ``absorb``, which gives each labelled line back to its typed
field and keeps every other line as a free note. No other module reads
comment text: a new kind of fact (a risk level, a figure not enforced…) is a
typed field on ``Unit`` plus one ``Fact`` in ``FACTS`` below.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..document import Origin, Unit, UnitProblem


@dataclass(frozen=True)
class Fact:
    label: str
    write: Callable[[Unit], list[str]]  # the values to write, one comment line each
    read: Callable[[Unit, str], bool]  # take one value back; False if it is not ours after all


def _block_out(unit: Unit) -> list[str]:
    return [unit.block] if unit.block else []


def _block_in(unit: Unit, value: str) -> bool:
    unit.block = value
    return True


def _origin_out(unit: Unit) -> list[str]:
    if unit.origin is None:
        return []
    return [f"{unit.origin.value} ({unit.origin_detail})" if unit.origin_detail else unit.origin.value]


def _origin_in(unit: Unit, value: str) -> bool:
    token, _, detail = value.partition(" ")
    try:
        origin = Origin(token)
    except ValueError:
        return False
    unit.origin = origin
    unit.origin_detail = detail[1:-1] if detail.startswith("(") and detail.endswith(")") else detail
    return True


def _problems_out(unit: Unit) -> list[str]:
    return [f"{problem.check}: {problem.message}" for problem in unit.problems]


def _problem_in(unit: Unit, value: str) -> bool:
    check, separator, message = value.partition(": ")
    if not separator:
        return False
    unit.problems.append(UnitProblem(check, message))
    return True


FACTS: tuple[Fact, ...] = (
    Fact("block", _block_out, _block_in),
    Fact("origin", _origin_out, _origin_in),
    Fact("qa", _problems_out, _problem_in),
)
_BY_LABEL = {fact.label: fact for fact in FACTS}


def comments(unit: Unit) -> list[str]:
    """Every comment line for *unit*: its typed facts in FACTS order, then its free notes."""
    return [f"{fact.label}: {value}" for fact in FACTS for value in fact.write(unit)] + unit.notes


def absorb(unit: Unit, lines: Iterable[str]) -> None:
    """Give each comment line back to its typed field; keep the rest as free notes."""
    for line in lines:
        label, separator, value = line.partition(": ")
        fact = _BY_LABEL.get(label) if separator else None
        if fact is None or not fact.read(unit, value):
            unit.notes.append(line)
