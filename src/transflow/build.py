"""Build: the source article is the skeleton; each segment is replaced by its reviewed translation.

Translations are found by source text, so an article revised after
translation still builds: what has no translation keeps its source text and
is reported, never invented.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .document import Document, Segment, Unit
from .segment import rejoin


@dataclass
class BuildResult:
    text: str
    total: int = 0
    translated: int = 0
    missing: list[tuple[int, str]] = field(default_factory=list)

    @property
    def percent(self) -> float:
        return 100.0 if self.total == 0 else 100.0 * self.translated / self.total


def build(doc: Document, units: Mapping[str, Unit], source: str, target: str, include_fuzzy: bool = False) -> BuildResult:
    """Render *doc* in *target* with the translations in *units* (keyed by source text)."""
    result = BuildResult("")

    def translate(seg: Segment) -> str:
        if not seg.translatable:
            return seg.text
        result.total += 1
        unit = units.get(seg.text)
        if unit is not None and unit.target and (include_fuzzy or not unit.fuzzy):
            result.translated += 1
            return unit.target
        result.missing.append((seg.block.line, seg.text))
        return seg.text

    result.text = doc.render(lambda block: target if block.role == "language" else rejoin(block, source, target, translate))
    return result
