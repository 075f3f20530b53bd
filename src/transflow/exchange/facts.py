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

from ..document import Origin, Risk, Unit, UnitProblem


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


RISK_LEVELS = ("high", "medium", "low")
# XLIFF note priority (1 is the most urgent) of the review line, by risk level.
PRIORITY = {"high": 1, "medium": 5, "low": 9}
REVIEW = "review"
_DASH = " — "


def _risk_out(unit: Unit) -> list[str]:
    if unit.risk is None or (unit.risk.level == "low" and not unit.risk.reasons):
        return []
    return [unit.risk.level + (_DASH + "; ".join(unit.risk.reasons) if unit.risk.reasons else "")]


def _risk_in(unit: Unit, value: str) -> bool:
    level, _, reasons = value.partition(_DASH.strip())
    if level.strip() not in RISK_LEVELS:
        return False
    unit.risk = Risk(level.strip(), tuple(r.strip() for r in reasons.split(";") if r.strip()))
    return True


def _candidates_out(unit: Unit) -> list[str]:
    return ["; ".join(unit.candidates)] if unit.candidates else []


def _candidates_in(unit: Unit, value: str) -> bool:
    unit.candidates = [name.strip() for name in value.split(";") if name.strip()]
    return True


PREVIOUS_SOURCE, PREVIOUS_TRANSLATION = "previous source", "previous translation"


def _previous_source_in(unit: Unit, value: str) -> bool:
    unit.previous_source = value
    return True


def _previous_target_in(unit: Unit, value: str) -> bool:
    unit.previous_target = value
    return True


def revision(unit: Unit) -> list[str]:
    """A revised sentence's old source and the translation reviewed for it, labelled, for XLIFF notes:
    Poedit shows notes but not ``alt-trans``. PO carries the old source as ``#| msgid`` instead."""
    if not unit.fuzzy or unit.previous_source is None:
        return []
    previous = unit.previous_target if unit.previous_target is not None else unit.target
    return [f"{PREVIOUS_SOURCE}: {unit.previous_source}", f"{PREVIOUS_TRANSLATION}: {previous}"]


FACTS: tuple[Fact, ...] = (
    Fact("block", _block_out, _block_in),
    Fact("origin", _origin_out, _origin_in),
    Fact(REVIEW, _risk_out, _risk_in),
    Fact("qa", _problems_out, _problem_in),
    Fact("not in the glossary", _candidates_out, _candidates_in),
    # Written by the XLIFF writers alone (``revision``), read back from any note.
    Fact(PREVIOUS_SOURCE, lambda unit: [], _previous_source_in),
    Fact(PREVIOUS_TRANSLATION, lambda unit: [], _previous_target_in),
)
_BY_LABEL = {fact.label: fact for fact in FACTS}


def comments(unit: Unit) -> list[str]:
    """Every comment line for *unit*: its typed facts in FACTS order, then its free notes."""
    return [f"{fact.label}: {value}" for fact in FACTS for value in fact.write(unit)] + unit.notes


def priority(line: str, unit: Unit) -> int | None:
    """The XLIFF note priority of a comment line: the review line carries the draft's risk level."""
    return PRIORITY[unit.risk.level] if unit.risk is not None and line.startswith(f"{REVIEW}: ") else None


def absorb(unit: Unit, lines: Iterable[str]) -> None:
    """Give each comment line back to its typed field; keep the rest as free notes."""
    for line in lines:
        label, separator, value = line.partition(": ")
        fact = _BY_LABEL.get(label) if separator else None
        if fact is None or not fact.read(unit, value):
            unit.notes.append(line)
