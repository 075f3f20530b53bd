"""Build: the source article is the skeleton; each segment is replaced by its reviewed translation.

Translations are found by source text, so an article revised after
translation still builds: what has no translation keeps its source text and
is reported, never invented.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from . import markup
from .document import Block, Document, Segment, State, Unit
from .errors import TransflowError
from .segment import rejoin


UNTRANSLATED = "untranslated"
NEEDS_REVIEW = "fuzzy, not reviewed yet (--include-fuzzy builds drafts)"
CODES_DAMAGED = "marked done, but its inline codes are damaged (fix the tags)"
SOURCE_CHANGED = "untranslated: the sentence changed since it was translated; review the old translation offered in the PO/XLIFF"
TM_SUGGESTION = "untranslated: only a fuzzy TM match of another sentence; review it in the PO/XLIFF"


@dataclass
class BuildResult:
    text: str
    total: int = 0
    translated: int = 0
    missing: list[tuple[int, str, str]] = field(default_factory=list)  # (article line, sentence, why it is not built)

    @property
    def percent(self) -> float:
        return 100.0 if self.total == 0 else 100.0 * self.translated / self.total


def build(
    doc: Document, units: Mapping[str, Unit], source: str, target: str, include_fuzzy: bool = False, origin: str = "translations"
) -> BuildResult:
    """Render *doc* in *target* with the translations in *units* (keyed by source text).

    In HTML and Markdown a translation is text: only its segment's inline
    codes are written as markup. A translation carrying any other markup
    stops the build with an error naming *origin* (the PO/XLIFF file) and the unit.
    """
    result = BuildResult("")
    counted: set[str] = set()  # each sentence counts once, however often it appears, as in status and Poedit

    def translate(seg: Segment) -> str:
        if not seg.translatable:
            return seg.text
        first = seg.text not in counted
        counted.add(seg.text)
        result.total += first
        unit = units.get(seg.text)
        if unit is not None and unit.target and buildable(unit, include_fuzzy):
            result.translated += first
            try:
                return markup.safe_target(seg, unit.target)
            except markup.MarkupError as err:
                raise refusal(origin, seg.block.line, seg.text, err) from None
        if first:
            result.missing.append((seg.block.line, seg.text, unbuilt(unit)))
        return seg.text

    def render(block: Block) -> str:
        if block.role == "language":
            return target
        built = rejoin(block, source, target, translate)
        try:
            markup.check_block(block, built)
        except markup.MarkupError as err:
            raise refusal(origin, block.line, block.text, err) from None
        return built

    result.text = doc.render(render)
    return result


def buildable(unit: Unit, include_fuzzy: bool) -> bool:
    """Whether *unit*'s target may stand for its sentence: reviewed, or a draft of this very sentence
    when drafts are asked for. A translation of another text (the sentence before a revision, a fuzzy
    TM match) never does: a reader would get a sentence the article no longer says."""
    return bool(unit.target) and not unit.state.of_another_text and (include_fuzzy or not unit.fuzzy)


def unbuilt(unit: Unit | None) -> str:
    """Why a sentence with *unit* (or none) was left in the source language."""
    if unit is None or not unit.target:
        return UNTRANSLATED
    if unit.state is State.REVISED:
        return SOURCE_CHANGED
    if unit.state is State.SUGGESTED:
        return TM_SUGGESTION
    return NEEDS_REVIEW


def refusal(origin: str, line: int, text: str, err: markup.MarkupError) -> TransflowError:
    """The one-line error that names the translations file and the unit carrying markup."""
    snippet = text if len(text) <= 50 else text[:49] + "…"
    return TransflowError(f"{origin}: unit {snippet!r} (article line {line}): {err}")
