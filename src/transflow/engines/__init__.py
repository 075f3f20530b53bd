"""Machine-translation engines behind one small protocol.

An engine translates a whole job's texts in one call so that it can batch
them; the drafting stage never asks for one sentence at a time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from ..errors import TransflowError, UsageError


@dataclass(frozen=True)
class Translation:
    """One MT output with what the engine knows about its confidence, for the review risk.

    ``score`` is the mean log-probability per target token (of the worst hop
    when pivoting). It has no default: an engine that cannot score says so
    with None, and the draft's review line then reads "no model score".
    ``pivot`` names the language pivoted through.
    """

    text: str
    score: float | None
    pivot: str | None = None


class Engine(Protocol):
    """What drafting needs from MT, whoever runs it (this process, Ray workers, a GPU service).

    ``translate_scored`` is the one way in: every signal computed from MT
    (risk, notes, QA) comes from what it returns, so an executor that runs
    the model elsewhere returns the same ``Translation`` values a local run
    makes, not plain text. ``translate`` is only their texts (``Scored`` gives it).
    """

    name: str

    def check(self, source: str, target: str) -> None:
        """Raise a UsageError naming the fix when *source*→*target* cannot be translated."""

    def origin(self, source: str, target: str) -> str | None:
        """How a draft from this engine is labelled for the reviewer, or None for no MT."""

    def translate_scored(self, texts: Sequence[str], source: str, target: str) -> list[Translation]:
        """Translate every text; same length and order as *texts*."""

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        """The texts of ``translate_scored``."""


class Scored:
    """Gives an engine ``translate`` as the texts of its ``translate_scored``: one path, nothing to drift."""

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        return [result.text for result in self.translate_scored(texts, source, target)]  # type: ignore[attr-defined]


def translate_scored(engine: Engine, texts: Sequence[str], source: str, target: str) -> list[Translation]:
    """*engine*'s translations of *texts*, checked: one ``Translation`` per text, or a one-line error.

    An engine without ``translate_scored`` is refused rather than read as
    plain text: that silent fallback is how Ray drafts once lost their scores.
    """
    if not hasattr(engine, "translate_scored"):
        raise TypeError(f"engine {engine.name!r} has no translate_scored: return Translation(text, score or None) for each text")
    results = engine.translate_scored(texts, source, target)
    if len(results) != len(texts) or not all(isinstance(result, Translation) for result in results):
        raise TransflowError(
            f"the {engine.name} engine returned {len(results)} results for {len(texts)} sentences {source}→{target}, "
            f"so none of them can be matched to its sentence; run again, and report it if it repeats"
        )
    return results


def create(name: str, settings: dict | None = None) -> Engine:
    """The engine called *name*, configured by *settings* (the ``[engine]`` table)."""
    if name == "none":
        from .none import NoEngine

        return NoEngine()
    if name == "argos":
        from .argos import ArgosEngine, ArgosSettings

        return ArgosEngine(ArgosSettings.from_mapping(settings or {}))
    raise UsageError(f"unknown engine {name!r}; use --engine argos or --engine none")
