"""Machine-translation engines behind one small protocol.

An engine translates a whole job's texts in one call so that it can batch
them; the drafting stage never asks for one sentence at a time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from ..errors import UsageError


@dataclass(frozen=True)
class Translation:
    """One MT output with what the engine knows about its confidence, for the review risk.

    ``score`` is the mean log-probability per target token (of the worst hop
    when pivoting), None when the engine cannot tell; ``pivot`` names the
    language pivoted through.
    """

    text: str
    score: float | None = None
    pivot: str | None = None


class Engine(Protocol):
    name: str

    def check(self, source: str, target: str) -> None:
        """Raise a UsageError naming the fix when *source*→*target* cannot be translated."""

    def origin(self, source: str, target: str) -> str | None:
        """How a draft from this engine is labelled for the reviewer, or None for no MT."""

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        """Translate every text; same length and order as *texts*."""


def translate_scored(engine: Engine, texts: Sequence[str], source: str, target: str) -> list[Translation]:
    """*texts* translated with scores where the engine gives them (``translate_scored``), else plain."""
    scored = getattr(engine, "translate_scored", None)
    if scored is not None:
        return scored(texts, source, target)
    return [Translation(text) for text in engine.translate(texts, source, target)]


def create(name: str, settings: dict | None = None) -> Engine:
    """The engine called *name*, configured by *settings* (the ``[engine]`` table)."""
    if name == "none":
        from .none import NoEngine

        return NoEngine()
    if name == "argos":
        from .argos import ArgosEngine, ArgosSettings

        return ArgosEngine(ArgosSettings.from_mapping(settings or {}))
    raise UsageError(f"unknown engine {name!r}; use --engine argos or --engine none")
