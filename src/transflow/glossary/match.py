"""Finding glossary terms in source text: leftmost-longest, whole words, any Unicode form.

Text and terms are folded the same way before matching: compatibility
decomposition (so NFC and NFD Vietnamese, full-width and half-width Latin
agree), Vietnamese tone marks moved to the end of their syllable (so "hoà"
and "hòa", "thuỷ" and "thủy" agree), and lower case unless the entry is case
sensitive. A character trie over the folded terms makes matching linear in
the text length, whatever the size of the glossary.

Case follows the entry. ``case_sensitive`` yes: exactly as written; no: any
case. Unset (the usual): acronyms exactly, and otherwise the term's capitals
must be capitals in the text while its lower-case letters match either case.
So a title or proper name as the glossary writes it ("Foreign Minister",
"Bộ trưởng Ngoại giao") is found as written, in plural or in an all-capitals
headline, but never in a common-noun use ("foreign ministers' meeting"),
and a lower-case term ("the East Sea") is found at the start of a sentence too.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from . import Entry, Glossary

_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_PLURALS = ("s", "es")
_END = ""


@dataclass(frozen=True)
class _Form:
    """One way an entry is written, as the trie holds it; *capitals*: its capitals must be capitals in the text."""

    entry: Entry
    form: str
    capitals: tuple[bool, ...] | None  # per folded character: a capital in the form; None: any case

    def fits(self, text: str, origins: list[int]) -> bool:
        """Whether the form's capitals are capitals in the *text* it matched (*origins*: the text index of each folded character)."""
        if self.capitals is None or len(self.capitals) != len(origins):
            return True
        return all(text[at].isupper() for at, capital in zip(origins, self.capitals) if capital)


@dataclass(frozen=True)
class Match:
    start: int
    end: int
    entry: Entry
    source_form: str


def fold(text: str, case_sensitive: bool) -> tuple[str, list[int]]:
    """The matching form of *text*, and for each folded character the index it came from."""
    chars: list[str] = []
    origin: list[int] = []
    pending: list[tuple[str, int]] = []

    def flush() -> None:
        for mark, at in pending:
            chars.append(mark)
            origin.append(at)
        pending.clear()

    for index, ch in enumerate(text):
        for piece in unicodedata.normalize("NFKD", ch):
            if piece in _TONES:
                pending.append((piece, index))
                continue
            if not _syllable_part(piece):
                flush()
            if not case_sensitive:
                lowered = piece.lower()
                piece = lowered if len(lowered) == 1 else piece
            chars.append(piece)
            origin.append(index)
    flush()
    return "".join(chars), origin


def _syllable_part(piece: str) -> bool:
    """Whether *piece* (after decomposition) continues a Latin syllable that a tone mark may end."""
    return (piece.isascii() and piece.isalpha()) or piece in "đĐ" or bool(unicodedata.combining(piece))


def _latin_word_char(ch: str) -> bool:
    """Letters and digits of alphabetic scripts, which need word boundaries (CJK does not)."""
    if not ch.isalnum():
        return False
    name = unicodedata.name(ch, "")
    return not name.startswith(("CJK", "HIRAGANA", "KATAKANA", "HANGUL", "HALFWIDTH KATAKANA"))


def auto_case_sensitive(term: str) -> bool:
    """Acronyms (ASEAN, JICA, ODA) match only in capitals unless the glossary says otherwise."""
    letters = [ch for ch in term if ch.isalpha()]
    return bool(letters) and all(ch.isupper() for ch in letters) and len(letters) <= 8


class Matcher:
    """Finds the entries of a glossary in text of one source language."""

    def __init__(self, glossary: Glossary, lang: str, forms: Callable[[Entry, str], list[str]] = Entry.usable) -> None:
        """Match the *forms* of each entry in *lang*: by default the usable ones; QA passes ``Entry.deprecated``."""
        self.lang = lang
        self._tries: dict[bool, dict] = {False: {}, True: {}}
        for entry in glossary.entries:
            for form in forms(entry, lang):
                sensitive = entry.case_sensitive if entry.case_sensitive is not None else auto_case_sensitive(form)
                folded, _ = fold(form, sensitive)
                if folded.strip():
                    capitals = tuple(form[at].isupper() for at in fold(form, False)[1]) if entry.case_sensitive is None else None
                    self._insert(self._tries[sensitive], folded, _Form(entry, form, capitals))

    @staticmethod
    def _insert(trie: dict, key: str, value: _Form) -> None:
        node = trie
        for ch in key:
            node = node.setdefault(ch, {})
        node.setdefault(_END, []).append(value)

    def find(self, text: str, blocked: Sequence[tuple[int, int]] = ()) -> list[Match]:
        """Non-overlapping matches, leftmost-longest, none overlapping a *blocked* span (inline codes)."""
        candidates: list[Match] = []
        for sensitive, trie in self._tries.items():
            if trie:
                candidates.extend(self._scan(text, trie, sensitive))
        candidates.sort(key=lambda m: (m.start, -(m.end - m.start)))
        chosen: list[Match] = []
        cursor = 0
        for match in candidates:
            if match.start < cursor or any(s < match.end and match.start < e for s, e in blocked):
                continue
            chosen.append(match)
            cursor = match.end
        return chosen

    def _scan(self, text: str, trie: dict, sensitive: bool) -> list[Match]:
        folded, origin = fold(text, sensitive)
        found = []
        for i in range(len(folded)):
            if (i and origin[i] == origin[i - 1]) or unicodedata.combining(folded[i]):
                continue
            start = origin[i]
            if start and _latin_word_char(text[start - 1]) and _latin_word_char(text[start]):
                continue
            best = None
            node = trie
            j = i
            while j < len(folded) and folded[j] in node:
                node = node[folded[j]]
                j += 1
                if _END in node and not (j < len(folded) and unicodedata.combining(folded[j])):
                    end = self._word_end(text, max(origin[i:j]) + 1, sensitive)
                    fitting = next((f for f in node[_END] if f.fits(text, origin[i:j])), None)
                    if end is not None and fitting is not None:
                        best = (end, fitting)
            if best is not None:
                end, fitting = best
                found.append(Match(start, end, fitting.entry, fitting.form))
        return found

    def _word_end(self, text: str, end: int, sensitive: bool) -> int | None:
        """Where a match ending before *end* ends in *text*, if it ends on a word boundary.

        Trailing combining marks belong to the match; an English plural
        ("Foreign Ministers") is taken in with the term.
        """
        while end < len(text) and unicodedata.combining(text[end]):
            end += 1
        if end == len(text) or not (_latin_word_char(text[end - 1]) and _latin_word_char(text[end])):
            return end
        if self.lang == "en" and not sensitive:
            for suffix in _PLURALS:
                stop = end + len(suffix)
                if text[end:stop].lower() == suffix and (stop == len(text) or not _latin_word_char(text[stop])):
                    return stop
        return None

