"""Sentences too long for a translation model go to it in pieces, cut at clause boundaries.

A model reads a few hundred tokens at most and translates long inputs badly
well before that; a run-on sentence of a wire story (or a pasted table)
must neither crash MT nor silently lose its end. Drafting cuts such a
sentence after a comma, semicolon or colon (else at a space, else anywhere
outside a placeholder), translates the pieces in the same batch as every
other sentence, joins the outputs and tells the reviewer where to look.
The engine keeps its own token limit as a last guard.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .engines import Engine, Translation, translate_scored
from .languages import spaced
from .protect import FORMS

# Characters of source text sent to the model at once: about 100–150 tokens.
LIMIT_SPACED = 400
LIMIT_UNSPACED = 150
_CLAUSE_END = re.compile(r"[,;:，、；：]\s*|\s+")
_PLACEHOLDER = re.compile("|".join(form.pattern().pattern for form in FORMS))


def limit(lang: str) -> int:
    return LIMIT_SPACED if spaced(lang) else LIMIT_UNSPACED


def cut(text: str, size: int) -> list[str]:
    """*text* in pieces of about *size* characters at most, cut where a clause ends, never inside a placeholder."""
    pieces = []
    start = 0
    while len(text) - start > size:
        end = _last_clause_end(text, start + size // 2, start + size) or start + size
        for match in _PLACEHOLDER.finditer(text, max(start, end - 16), end + 16):
            if match.start() < end < match.end():
                end = match.start() if match.start() > start else match.end()
        pieces.append(text[start:end])
        start = end
    pieces.append(text[start:])
    return pieces


def _last_clause_end(text: str, low: int, high: int) -> int | None:
    """The last clause boundary (after punctuation, else after a space) in ``text[low:high]``."""
    best_punctuation = best_space = None
    for match in _CLAUSE_END.finditer(text, low, high):
        if match.group(0)[0].isspace():
            best_space = match.end()
        else:
            best_punctuation = match.end()
    return best_punctuation or best_space


def translate(engine: Engine, texts: Sequence[str], source: str, target: str) -> tuple[list[Translation], list[int]]:
    """Translate *texts* in one engine call, long ones in pieces; return the outputs (scored by their
    least confident piece, where the engine scores) and each text's piece count."""
    size = limit(source)
    split = [cut(text, size) for text in texts]
    flat = [piece.strip() for pieces in split for piece in pieces]
    outputs = iter(translate_scored(engine, flat, source, target))
    joiner = " " if spaced(target) else ""
    joined = []
    for pieces in split:
        done = [next(outputs) for _ in pieces]
        scores = [t.score for t in done if t.score is not None]
        joined.append(Translation(joiner.join(t.text.strip() for t in done), min(scores) if scores else None, done[0].pivot))
    return joined, [len(pieces) for pieces in split]
