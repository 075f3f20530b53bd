"""Placeholders: what MT must carry through untouched, and putting it back.

Inline codes and glossary terms are replaced by numbered
placeholders before MT and restored afterwards. Models drop, duplicate and
garble placeholders, so every restore is verified. Which form survives
depends on the model and the language pair: ``FormLearning`` counts it, per
model and pair, so drafting sends each sentence in the form most likely to
come back and at most once more when it does not. Codes that wrap a whole
sentence (a caption in emphasis, an image's alt text) are kept out of MT
altogether, which is both safer and gives the model cleaner input.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

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


# In order of preference before anything is known of a model; the last is
# letters and digits only, which survives models that mangle brackets and symbols.
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
    moved before its opening one: the caller then sends it once more another way. In a
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
        follows_word = output[cursor : cursor + 1].isalnum() and not protected.form.pattern().match(output, cursor)
        if spaced and term and replacement[-1:].isalnum() and follows_word:
            pieces.append(" ")  # a placeholder next (ZX2Q is letters too) decides its own spacing
        if protected.tight_after[n]:
            while cursor < len(output) and output[cursor] == " ":
                cursor += 1
    pieces.append(output[cursor:])
    return protected.prefix + "".join(pieces).strip() + protected.suffix


# Placeholders a form must have carried for a model before its record is trusted.
EVIDENCE = 4
# A form kept at least this often is worth a sentence's second pass.
TRUSTED = 0.5
# A model that keeps no form more often than this (with evidence on each) is sent no placeholders.
NEVER = 0.05


@dataclass
class Record:
    """How many placeholder-carrying sentences went to a model in one form, and how many came back whole."""

    sent: int = 0
    kept: int = 0

    @property
    def rate(self) -> float:
        """The share kept, smoothed (Laplace) so that one sentence decides nothing."""
        return (self.kept + 1) / (self.sent + 2)


@dataclass
class PairForms:
    """What one model does with each placeholder form for one language pair, and the choices that follow.

    A form without evidence is tried on a share of the sentences (the first
    chunk spreads the forms over its sentences, so one pass learns them all);
    after that each sentence gets the form kept most often, a sentence that lost
    its placeholders gets a second pass in a form known to be kept (else none,
    to be repaired), and a model that keeps no form is sent no placeholders.
    """

    records: dict[str, Record] = field(default_factory=dict)
    added: dict[str, Record] = field(default_factory=dict)  # since loaded: what a store adds to its totals

    def record(self, form: Form) -> Record:
        return self.records.setdefault(form.template, Record())

    def learning(self, usable: Sequence[Form]) -> bool:
        """Whether some usable form still lacks the evidence to be judged."""
        return any(self.record(form).sent < EVIDENCE for form in usable)

    def first(self, usable: Sequence[Form], turn: int) -> Form | None:
        """The form of a sentence's first pass (*turn* spreads untried forms over a batch), None for no placeholders."""
        if not usable:
            return None
        if self.learning(usable):
            return usable[turn % len(usable)]
        best = max(usable, key=lambda form: self.record(form).rate)
        return best if self.record(best).kept / self.record(best).sent > NEVER else None

    def second(self, usable: Sequence[Form], failed: Form | None = None, only_placeholders: bool = False) -> Form | None:
        """The form of a second pass, None for none (the sentence is then repaired after MT).

        A form the model is known to keep, other than *failed*; else, when
        only a placeholder can bring back what was lost (inline codes, a figure
        the repair did not find), a form not yet judged, the letters-only one
        first since symbols are what models garble.
        """
        others = [form for form in usable if form != failed]
        kept = [form for form in others if self.record(form).kept]
        if kept:
            best = max(kept, key=lambda form: self.record(form).rate)
            if self.record(best).rate >= TRUSTED:
                return best
        untried = [form for form in others if self.record(form).sent < EVIDENCE and self.record(form).rate >= TRUSTED]
        return untried[-1] if only_placeholders and untried else None

    def count(self, form: Form, kept: bool) -> None:
        for records in (self.records, self.added):
            entry = records.setdefault(form.template, Record())
            entry.sent += 1
            entry.kept += kept


class FormStore(Protocol):
    """Where what models did with placeholders is kept between runs (the MT cache)."""

    def load(self, origin: str, source: str, target: str) -> dict[str, Record]: ...

    def add(self, origin: str, source: str, target: str, records: dict[str, Record]) -> None: ...


class FormLearning:
    """Placeholder records per model and language pair for one job, loaded from and saved to *store*."""

    def __init__(self, store: FormStore | None = None) -> None:
        self.store = store
        self.pairs: dict[tuple[str, str, str], PairForms] = {}

    def pair(self, origin: str, source: str, target: str) -> PairForms:
        key = (origin, source, target)
        if key not in self.pairs:
            known = self.store.load(origin, source, target) if self.store is not None else {}
            self.pairs[key] = PairForms(dict(known))
        return self.pairs[key]

    def save(self) -> None:
        """Add what was learned since the last save to the store's totals."""
        for (origin, source, target), forms in self.pairs.items():
            if forms.added and self.store is not None:
                self.store.add(origin, source, target, forms.added)
            forms.added = {}
