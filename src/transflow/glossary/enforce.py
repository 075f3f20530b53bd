"""Glossary terms for one language pair: what to protect in a source sentence, and
whether a translation honours the glossary.

Word order between terms is data: an order rule says that, for a target
language, a title followed by a person in the source becomes the person
followed by the title ("Deputy Foreign Minister Nguyen Quoc Dung" →
"グエン・クオック・ズン外務副大臣"). Adjacent terms that a rule joins are
protected as one placeholder, so the model cannot put them back apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from . import Entry, Glossary
from .match import Match, Matcher, fold


@dataclass(frozen=True)
class OrderRule:
    """``sequence`` of entry types, adjacent in *source*, rendered in *target* by ``output``."""

    sequence: tuple[str, ...]
    output: str
    target: str | None = None
    source: str | None = None

    def applies(self, source: str, target: str) -> bool:
        return self.target in (None, target) and self.source in (None, source)


@dataclass(frozen=True)
class TermSpan:
    """A protected stretch of source text and the exact target text it must become."""

    start: int
    end: int
    replacement: str
    entries: tuple[Entry, ...]


class Enforcer:
    def __init__(self, glossary: Glossary, source: str, target: str, rules: Sequence[OrderRule] = ()) -> None:
        self.source, self.target = source, target
        self.matcher = Matcher(glossary, source)
        self.rules = [rule for rule in rules if rule.applies(source, target)]
        self.deprecated = Matcher(glossary, target, Entry.deprecated)

    def spans(self, text: str, blocked: Sequence[tuple[int, int]] = ()) -> tuple[list[TermSpan], list[str]]:
        """Term spans to protect in *text*, and notes about terms the glossary cannot translate."""
        matches = self.matcher.find(text, blocked)
        notes = []
        spans = []
        i = 0
        while i < len(matches):
            joined = self._join(text, matches, i)
            if joined is not None:
                span, used = joined
                spans.append(span)
                i += used
                continue
            match = matches[i]
            replacement = self._target(text, match)
            if replacement is None:
                notes.append(f"glossary: {match.source_form!r} has no {self.target} term; check the MT")
            else:
                spans.append(TermSpan(match.start, match.end, replacement, (match.entry,)))
            i += 1
        return spans, notes

    def _target(self, text: str, match: Match) -> str | None:
        return text[match.start : match.end] if match.entry.dnt else match.entry.target(self.target)

    def _join(self, text: str, matches: list[Match], i: int) -> tuple[TermSpan, int] | None:
        for rule in self.rules:
            group = matches[i : i + len(rule.sequence)]
            if len(group) != len(rule.sequence):
                continue
            if [m.entry.kind for m in group] != list(rule.sequence):
                continue
            if any(text[a.end : b.start].strip() for a, b in zip(group, group[1:])):
                continue
            targets = [self._target(text, m) for m in group]
            if any(t is None for t in targets):
                continue
            values = dict(zip(rule.sequence, targets))
            replacement = rule.output.format(**values)
            return TermSpan(group[0].start, group[-1].end, replacement, tuple(m.entry for m in group)), len(group)
        return None

    def notes(self, spans: Sequence[TermSpan]) -> list[str]:
        """One ``glossary:`` comment per entry, as the reviewer sees it in Poedit."""
        labels = dict.fromkeys(entry.label(self.source, self.target) for span in spans for entry in span.entries)
        return [f"glossary: {label}" for label in labels]

    def missing(self, output: str, spans: Sequence[TermSpan]) -> list[str]:
        """The target terms of *spans* that *output* lacks (an allowed variant of a single term counts)."""
        exact = fold(output, True)[0]
        absent = []
        for span in spans:
            accepted = [span.replacement, *(span.entries[0].usable(self.target) if len(span.entries) == 1 else [])]
            if not any(fold(form, True)[0] in exact for form in accepted):
                absent.append(span.replacement)
        return absent

    def deprecated_in(self, output: str) -> list[str]:
        """Deprecated target terms that *output* uses, found in one pass whatever the glossary's size.

        Word boundaries are those of source matching: needed around Latin
        words, not in Japanese (岩屋外相は述べた uses 外相).
        """
        return list(dict.fromkeys(match.source_form for match in self.deprecated.find(output)))

    @staticmethod
    def describe(missing: Sequence[str], deprecated: Sequence[str]) -> list[str]:
        """What the reviewer must fix: missing target terms and deprecated ones used (a ``glossary`` problem each)."""
        return [f"NOT ENFORCED: {term!r} is missing; fix this entry by hand" for term in missing] + [
            f"deprecated term {form!r} used" for form in deprecated
        ]
