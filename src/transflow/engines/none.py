"""No MT: units are exported with empty translations for human translators."""

from __future__ import annotations

from collections.abc import Sequence

from . import Scored, Translation


class NoEngine(Scored):
    name = "none"

    def check(self, source: str, target: str) -> None:
        return None

    def origin(self, source: str, target: str) -> str | None:
        return None

    def translate_scored(self, texts: Sequence[str], source: str, target: str) -> list[Translation]:
        return [Translation("", None) for _ in texts]
