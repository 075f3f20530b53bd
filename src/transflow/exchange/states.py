"""The one state table: a unit's State and Origin as PO flags, XLIFF 1.2 and XLIFF 2.0 attributes.

Writing uses one form per state that every client we know reads right;
reading accepts every form those clients write. The clients' rules (see the
state table in docs/reviewing.md and tests/test_clients.py):

- Poedit 3 (``src/catalog_xliff.cpp``), XLIFF 1.2: a target is fuzzy only when
  ``state`` is ``needs-adaptation`` or ``needs-l10n``, or ``new`` /
  ``needs-translation`` with text; it writes ``needs-l10n`` for fuzzy,
  ``translated`` for done, drops ``state-qualifier`` and never touches
  ``approved``. XLIFF 2.0: fuzzy when ``state="initial"`` with text or
  ``subState="poedit:fuzzy"``; it writes ``translated`` (+ ``poedit:fuzzy``).
- translate-toolkit (``storage/xliff.py``): a 1.2 unit with a target is fuzzy
  unless ``approved="yes"``; it writes fuzzy as ``needs-translation`` with
  ``approved="no"``.
- Okapi (Tikal merge): imports only units with ``approved="yes"``.

So a 1.2 draft is written ``state="needs-translation"`` with a
``state-qualifier`` naming its origin (``mt-suggestion``…): Poedit shows it
fuzzy (``needs-review-translation``, the standard's own word for it, shows as
done there), translate-toolkit fuzzy, Okapi leaves it out. A reviewed unit is
``state="translated" approved="yes"``: done for all three. On reading, the
``state`` a client wrote wins over ``approved``, since Poedit changes the one
and leaves the other as it was.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..document import Origin, State


@dataclass(frozen=True)
class Forms:
    """How one State is written."""

    po_fuzzy: bool
    xliff12_state: str
    xliff12_approved: bool
    xliff20_state: str | None  # None: no state attribute (XLIFF 2.0 default, initial, with no target)


WRITE: dict[State, Forms] = {
    State.EMPTY: Forms(False, "needs-translation", False, None),
    State.DRAFT: Forms(True, "needs-translation", False, "initial"),
    State.SUGGESTED: Forms(True, "needs-translation", False, "initial"),
    State.REVISED: Forms(True, "needs-translation", False, "initial"),
    State.REVIEWED: Forms(False, "translated", True, "translated"),
    State.SIGNED_OFF: Forms(False, "signed-off", True, "final"),
}

# Origin ↔ XLIFF 1.2 state-qualifier (standard values) and XLIFF 2.0 subState (our prefix).
QUALIFIERS: dict[Origin, str] = {
    Origin.MT: "mt-suggestion",
    Origin.TM_FUZZY: "tm-suggestion",
    Origin.TM_EXACT: "exact-match",
    Origin.PREVIOUS: "leveraged-inherited",
}
SUBSTATE_PREFIX = "transflow:"
POEDIT_FUZZY = "poedit:fuzzy"

# Every state-qualifier value that names an origin, as the tools that write them mean it.
_QUALIFIER_ORIGINS: dict[str, Origin] = {
    **{value: origin for origin, value in QUALIFIERS.items()},
    "leveraged-mt": Origin.MT,
    "leveraged-tm": Origin.TM_FUZZY,
    "fuzzy-match": Origin.TM_FUZZY,
    "leveraged-repository": Origin.TM_FUZZY,
    "id-match": Origin.TM_EXACT,
}

_XLIFF12_READ: dict[str, State | None] = {
    # None: the translation needs work; which kind depends on its origin.
    "new": None,
    "needs-translation": None,
    "needs-adaptation": None,
    "needs-l10n": None,
    "needs-review-translation": None,
    "needs-review-adaptation": None,
    "needs-review-l10n": None,
    "translated": State.REVIEWED,
    "signed-off": State.SIGNED_OFF,
    "final": State.SIGNED_OFF,
}
_XLIFF20_READ: dict[str, State | None] = {"initial": None, "translated": State.REVIEWED, "reviewed": State.REVIEWED, "final": State.SIGNED_OFF}


def needs_work(origin: Origin | None, previous_source: str | None = None) -> State:
    """The waiting state of a translation that is not approved, by where it came from."""
    if origin is Origin.PREVIOUS or previous_source is not None:
        return State.REVISED
    if origin is Origin.TM_FUZZY:
        return State.SUGGESTED
    return State.DRAFT


def read_po(target: str, fuzzy: bool, origin: Origin | None, previous_source: str | None) -> State:
    if not target:
        return State.EMPTY
    return needs_work(origin, previous_source) if fuzzy else State.REVIEWED


def qualifier_origin(value: str | None) -> Origin | None:
    return _QUALIFIER_ORIGINS.get(value or "")


def read_xliff12(target: str, state: str | None, approved: str | None, origin: Origin | None, previous: str | None) -> State:
    """A 1.2 ``<target state>`` and ``approved``: the state wins; without one, ``approved`` decides.

    A target with neither is done, as Poedit (which writes no state for
    XLIFF 1.0) and the standard's default read it.
    """
    if not target:
        return State.EMPTY
    if state in _XLIFF12_READ:
        found = _XLIFF12_READ[state]
        return found if found is not None else needs_work(origin, previous)
    if approved == "no":
        return needs_work(origin, previous)
    return State.REVIEWED


def read_xliff20(target: str, state: str | None, substate: str | None, origin: Origin | None, previous: str | None) -> State:
    """A 2.0 segment: ``subState="poedit:fuzzy"`` or ``initial`` with text needs work."""
    if not target:
        return State.EMPTY
    found = _XLIFF20_READ.get(state or "initial")
    if substate == POEDIT_FUZZY or found is None:
        return needs_work(origin, previous)
    return found


def substate(origin: Origin | None) -> str | None:
    return f"{SUBSTATE_PREFIX}{origin.value}" if origin is not None and origin in QUALIFIERS else None


def substate_origin(value: str | None) -> Origin | None:
    if value and value.startswith(SUBSTATE_PREFIX):
        try:
            return Origin(value[len(SUBSTATE_PREFIX) :])
        except ValueError:
            return None
    return None
