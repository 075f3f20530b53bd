"""Placeholders: what MT must carry through untouched, and putting it back.

Inline codes and glossary terms are replaced by numbered
placeholders before MT and restored afterwards. Models drop, duplicate and
garble placeholders, so every restore is verified; a caller retries with the
next placeholder form when one does not survive. Codes that wrap a whole
sentence (a caption in emphasis, an image's alt text) are kept out of MT
altogether, which is both safer and gives the model cleaner input.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .document import CodeKind, InlineCode
from .glossary.enforce import TermSpan


@dataclass(frozen=True)
class Form:
    """A placeholder shape such as ``<x1>``; ``{n}`` is the placeholder number."""

    template: str

    def render(self, n: int) -> str:
        return self.template.format(n=n)

    def pattern(self) -> re.Pattern[str]:
        """Matches any number in this form, tolerating spaces a tokenizer may insert."""
        before, after = self.template.format(n="\0").split("\0")
        parts = [re.escape(ch) for ch in before] + [r"(\d+)"] + [re.escape(ch) for ch in after]
        return re.compile(r"\s?".join(parts))


# Tried in order; the last is letters and digits only, which survives models
# that mangle brackets and symbols.
FORMS: tuple[Form, ...] = (Form("<x{n}>"), Form("[{n}]"), Form("{{{n}}}"), Form("ZX{n}Q"))


@dataclass(frozen=True)
class Protected:
    """A segment ready for MT: ``text`` goes to the engine, the rest restores it."""

    text: str
    prefix: str
    suffix: str
    replacements: tuple[str, ...]
    tight_before: tuple[bool, ...]
    tight_after: tuple[bool, ...]
    form: Form
    pairs: tuple[tuple[int, int], ...] = ()


def strip_wrapping(text: str, codes: Sequence[InlineCode]) -> tuple[int, int]:
    """The span of *text* left after removing codes that wrap the whole sentence."""
    start, end = 0, len(text)
    by_start = {code.start: code for code in codes}
    by_end = {code.end: code for code in codes}
    changed = True
    while changed and start < end:
        changed = False
        head, tail = by_start.get(start), by_end.get(end)
        if head is not None and head.kind is CodeKind.STANDALONE and head.end <= end:
            start, changed = head.end, True
        elif tail is not None and tail.kind is CodeKind.STANDALONE and tail.start >= start:
            end, changed = tail.start, True
        elif (
            head is not None
            and tail is not None
            and head.kind is CodeKind.OPEN
            and tail.kind is CodeKind.CLOSE
            and head.pair == tail.pair
            and head.end <= tail.start
        ):
            start, end, changed = head.end, tail.start, True
    return start, end


def protect(text: str, codes: Sequence[InlineCode], form: Form, terms: Sequence[TermSpan] = ()) -> Protected:
    """Replace *codes* and glossary *terms* in *text* by placeholders in *form*.

    A code is restored as itself, a term as its glossary target.
    """
    start, end = strip_wrapping(text, codes)
    spans = [(c.start, c.end, text[c.start : c.end], c) for c in codes if start <= c.start and c.end <= end]
    spans += [(t.start, t.end, t.replacement, None) for t in terms if start <= t.start and t.end <= end]
    spans.sort(key=lambda span: span[0])
    pieces, replacements, tight_before, tight_after = [], [], [], []
    opens: dict[int, int] = {}
    pairs = []
    cursor = start
    for n, (s_start, s_end, replacement, code) in enumerate(spans, start=1):
        pieces.append(text[cursor:s_start])
        pieces.append(form.render(n))
        replacements.append(replacement)
        # Spacing is kept as in the source next to markup; around terms it is the model's.
        tight_before.append(code is not None and (s_start == start or not text[s_start - 1].isspace()))
        tight_after.append(code is not None and (s_end == end or not text[s_end].isspace()))
        if code is not None and code.kind is CodeKind.OPEN:
            opens[code.pair] = n
        elif code is not None and code.kind is CodeKind.CLOSE and code.pair in opens:
            pairs.append((opens[code.pair], n))
        cursor = s_end
    pieces.append(text[cursor:end])
    return Protected(
        "".join(pieces), text[:start], text[end:], tuple(replacements), tuple(tight_before), tuple(tight_after), form, tuple(pairs)
    )


def usable_forms(text: str) -> list[Form]:
    """The forms whose placeholders cannot be confused with text already in *text*."""
    return [form for form in FORMS if not form.pattern().search(text)]


def restore(protected: Protected, output: str, spaced: bool = False) -> str | None:
    """Put the replacements back into MT *output*.

    None when a placeholder was lost, multiplied, invented, or a closing code
    moved before its opening one: the caller then tries another form. In a
    *spaced* target language a term never touches a word: two terms a
    Japanese source wrote together (グエン・ミン・ハン外務副大臣) are two
    words in Vietnamese ("Nguyễn Minh Hằng Thứ trưởng…", not "HằngThứ").
    """
    count = len(protected.replacements)
    found = list(protected.form.pattern().finditer(output))
    numbers = [int(match.group(1)) for match in found]
    if sorted(numbers) != list(range(1, count + 1)):
        return None
    order = {n: i for i, n in enumerate(numbers)}
    if any(order[opening] > order[closing] for opening, closing in protected.pairs):
        return None
    pieces, cursor = [], 0
    for match in found:
        n = int(match.group(1)) - 1
        before = output[cursor : match.start()]
        if protected.tight_before[n]:
            before = before.rstrip(" ")
        pieces.append(before)
        replacement = protected.replacements[n]
        term = not protected.tight_before[n] and not protected.tight_after[n]
        if spaced and term and replacement[:1].isalnum() and "".join(pieces)[-1:].isalnum():
            pieces.append(" ")
        pieces.append(replacement)
        cursor = match.end()
        if spaced and term and replacement[-1:].isalnum() and output[cursor : cursor + 1].isalnum():
            pieces.append(" ")
        if protected.tight_after[n]:
            while cursor < len(output) and output[cursor] == " ":
                cursor += 1
    pieces.append(output[cursor:])
    return protected.prefix + "".join(pieces).strip() + protected.suffix
