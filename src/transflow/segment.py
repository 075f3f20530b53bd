"""Sentence segmentation for English, Vietnamese and Japanese news copy.

Rules rather than a library, by measurement: pysbd and sentencex both split
Vietnamese at every title abbreviation ("ThS. Trần", "TP. Hồ Chí Minh"),
sentencex cuts Japanese inside 「…。」と, and neither knows our inline codes,
which must never be cut (nor an emphasis or link split across two segments).
The rules are small, table-driven and tested on the cases that matter here.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from collections.abc import Callable, Sequence

from .document import Block, CodeKind, Document, InlineCode, Segment
from .languages import spaced

_TERMINATORS = ".!?…"
_CJK_TERMINATORS = "。！？．"
_CLOSERS = "\"'”’)]}»」』）】〕〉》"
_OPENERS = "\"'“‘([{«「『（【〔〈《"
_CJK_OPEN = "「『（(【〔〈《"
_CJK_CLOSE = "」』）)】〕〉》"
_QUOTE_PARTICLES = ("と", "って", "など", "との", "とし")

# How an abbreviation before a period behaves:
#   "title":  always followed by more of the sentence (Mr. Smith);
#   "number": not a boundary when a number follows (No. 5), otherwise a normal period;
#   "final":  may end a sentence; a boundary only when a usual sentence opener follows.
_ABBREVIATIONS: dict[str, dict[str, str]] = {
    "en": {
        **dict.fromkeys(
            "Mr Mrs Ms Messrs Dr Prof Sen Rep Gov Gen Lt Col Maj Capt Cmdr Adm Sgt Rev Hon Pres "
            "Amb Supt Insp Mt Ft Pt St Ave Blvd Rd Dept Univ Assn Bros vs cf approx est".split(),
            "title",
        ),
        **dict.fromkeys("No Nos Art Vol Vols Fig Figs p pp Ch Sec Para Op".split(), "number"),
        **dict.fromkeys(
            "Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec Mon Tue Tues Wed Thu Thur Thurs Fri Sat Sun "
            "Inc Ltd Co Corp Plc Jr Sr etc al e.g i.e a.m p.m U.S U.K U.N E.U U.S.A D.C Ph.D B.A M.A".split(),
            "final",
        ),
    },
    "vi": {
        **dict.fromkeys(
            "TP Tp TT Q P ThS TS PGS GS BS KS CN NCS PGS.TS GS.TS TS.BS ThS.BS Th.S T.Ư TW UBND HĐND "
            "Ô B Mr Mrs Ms Dr Prof".split(),
            "title",
        ),
        **dict.fromkeys("Số số Tr tr Đ đ".split(), "number"),
        **dict.fromkeys("v.v tr.CN sđd".split(), "final"),
    },
}
_ABBREVIATIONS["ja"] = _ABBREVIATIONS["en"]

_OPENING_WORDS = {
    "en": set(
        "The A An He She It They We I You This That These Those There But And So Yet In On At For As "
        "After Before When While If Its His Her Their Our Meanwhile However Also Earlier Later".split()
    ),
    "vi": set(
        "Ông Bà Anh Chị Các Những Theo Trong Tại Hiện Đây Đó Việc Khi Nếu Sau Trước Năm Ngày "
        "Hai Ba Cùng Tuy Nhưng Và Hội Bộ Thủ Chủ Nhật Việt".split()
    ),
}
_OPENING_WORDS["ja"] = _OPENING_WORDS["en"]
# Words are looked at only this far around a terminator: no abbreviation (nor opening word) is longer.
_LONGEST_WORD = 40
_NEXT_WORD = re.compile(rf"\w[\w.'’-]{{0,{_LONGEST_WORD}}}")
_INITIAL = re.compile(r"^[A-ZÀ-ỸĐ]$")
_DOTTED = re.compile(r"^(?:[A-Za-z]\.)+[A-Za-z]$")


def segment(text: str, lang: str, codes: Sequence[InlineCode] = ()) -> list[tuple[int, int]]:
    """Split *text* into sentence spans ``(start, end)``, whitespace trimmed, in order."""
    language = lang.split("_")[0]
    splitter = _Splitter(text, language if language in _ABBREVIATIONS else "en", codes)
    cuts = [0, *splitter.boundaries(), len(text)]
    spans = []
    for start, end in zip(cuts, cuts[1:]):
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            spans.append((start, end))
    return spans


@dataclass(frozen=True)
class _Tail:
    """A run of terminators ``[run_start, run_end)``, the closers after it (to ``end``) and the next word."""

    run_start: int
    run_end: int
    end: int
    closed_bracket: bool
    next_start: int
    next_word: str
    closing: tuple[int, int, int]  # brackets, curly quotes and straight quotes among the closers


class _Splitter:
    """One pass over the text; every look-around is bounded, so splitting is linear in its length."""

    def __init__(self, text: str, lang: str, codes: Sequence[InlineCode]) -> None:
        self.text = text
        self.lang = lang
        self.code_at = {code.start: code for code in codes}
        self.code_starts = sorted(self.code_at)
        self.cjk = lang == "ja"
        self.tail: _Tail | None = None

    def boundaries(self) -> list[int]:
        text, cuts = self.text, []
        open_pairs: set[int] = set()
        depth = 0
        curly = 0
        straight = 0
        i = 0
        while i < len(text):
            code = self.code_at.get(i)
            if code is not None:
                if code.pair is not None:
                    (open_pairs.add if code.kind is CodeKind.OPEN else open_pairs.discard)(code.pair)
                i = max(code.end, i + 1)
                continue
            ch = text[i]
            if ch in _TERMINATORS or (self.cjk and ch in _CJK_TERMINATORS):
                end = self._sentence_end(i)
                if end is not None and open_pairs <= self._pairs_between(i, end) and self._outside_brackets(i, depth, curly, straight):
                    cuts.append(end)
                    i = end
                    depth = curly = straight = 0
                    open_pairs.clear()
                    continue
            depth += (ch in _CJK_OPEN or ch in "([") - (ch in _CJK_CLOSE or ch in ")]")
            curly += (ch == "“") - (ch == "”")
            straight += ch == '"'
            i += 1
        return cuts

    def _pairs_between(self, start: int, end: int) -> set[int | None]:
        """The pairs of the codes that start in ``[start, end)``."""
        first = bisect_left(self.code_starts, start)
        last = bisect_left(self.code_starts, end, first)
        return {self.code_at[at].pair for at in self.code_starts[first:last]}

    def _outside_brackets(self, i: int, depth: int, curly: int, straight: int) -> bool:
        """Whether the sentence is balanced once the closers after its terminator are counted."""
        closing = self._tail(i).closing
        return depth - closing[0] <= 0 and curly - closing[1] <= 0 and (straight + closing[2]) % 2 == 0

    def _sentence_end(self, i: int) -> int | None:
        """The index just past terminator, closers and closing codes at *i*, if a sentence ends there."""
        text = self.text
        tail = self._tail(i)
        if tail.end >= len(text):
            return None
        if text[i] in _CJK_TERMINATORS or (self.cjk and text[i] in "!?"):
            if tail.closed_bracket and text.startswith(_QUOTE_PARTICLES, tail.next_start):
                return None
            return tail.end if tail.next_start < len(text) else None
        if tail.next_start == tail.end:
            return None
        nxt = tail.next_word
        if not nxt or not (nxt[0].isupper() or nxt[0].isdigit() or not nxt[0].isascii() and not nxt[0].islower()):
            return None
        if text[i] == "." and tail.end - i == 1 and not self._period_ends(i, nxt):
            return None
        return tail.end

    def _tail(self, i: int) -> _Tail:
        """What follows the run of terminators *i* is in ("?!", "...", "。」"): worked out once per run."""
        if self.tail is not None and self.tail.run_start <= i < self.tail.run_end:
            return self.tail
        text = self.text
        j = i
        while j < len(text) and (text[j] in _TERMINATORS or text[j] in _CJK_TERMINATORS):
            j += 1
        run_end, closed_bracket = j, False
        closers = []
        while j < len(text):
            code = self.code_at.get(j)
            if code is not None and code.kind is CodeKind.CLOSE:
                j = code.end
            elif code is not None and code.kind is CodeKind.STANDALONE:
                # A note mark or an empty element right after the terminator ("Monday.<fn2/> Officials")
                # stays with its sentence when a space follows it; scanned once, so still linear.
                m = j
                while (after := self.code_at.get(m)) is not None and after.kind is not CodeKind.OPEN:
                    m = after.end
                if m >= len(text) or not text[m].isspace():
                    break
                j = m
            elif text[j] in _CLOSERS:
                closed_bracket = True
                closers.append(text[j])
                j += 1
            else:
                break
        k = j
        while k < len(text) and text[k].isspace():
            k += 1
        closing = (
            sum(ch in _CJK_CLOSE or ch in ")]" for ch in closers),
            closers.count("”"),
            closers.count('"'),
        )
        self.tail = _Tail(i, run_end, j, closed_bracket, k, self._next_word(k) if k > j else "", closing)
        return self.tail

    def _next_word(self, k: int) -> str:
        text = self.text
        while k < len(text):
            code = self.code_at.get(k)
            if code is not None and code.kind is not CodeKind.CLOSE:
                if code.kind is CodeKind.STANDALONE:
                    return "X"
                k = code.end
            elif text[k] in _OPENERS:
                k += 1
            else:
                break
        match = _NEXT_WORD.match(text, k)
        return match.group(0) if match else text[k : k + 1]

    def _period_ends(self, i: int, nxt: str) -> bool:
        text, start = self.text, i
        while start > 0 and i - start < _LONGEST_WORD and not text[start - 1].isspace():
            start -= 1
        if start == i or (start > 0 and not text[start - 1].isspace()):
            return True  # no word before the period, or one longer than any abbreviation
        word = text[start:i].lstrip(_OPENERS)
        rule = _ABBREVIATIONS[self.lang].get(word) or _ABBREVIATIONS[self.lang].get(word.capitalize())
        if rule is None and _DOTTED.match(word):
            rule = "final"
        if rule is None and _INITIAL.match(word):
            rule = "title"
        if rule == "title":
            return False
        if rule == "number":
            return not nxt[0].isdigit()
        if rule == "final":
            return nxt.rstrip(".,") in _OPENING_WORDS[self.lang]
        return True


def segments_of(doc: Document, lang: str) -> list[Segment]:
    """Every translatable segment of *doc*, in document order."""
    found = []
    for block in doc.blocks:
        if block.role != "text":
            continue
        for start, end in segment(block.text, lang, block.codes):
            piece = Segment(block, start, end)
            if piece.translatable:
                found.append(piece)
    return found


def rejoin(block: Block, source: str, target: str, translate: Callable[[Segment], str]) -> str:
    """The block text with each segment replaced by ``translate(segment)``.

    Whitespace between sentences follows the target language: Japanese joins
    sentences without spaces, and English or Vietnamese from Japanese gets one.
    """
    spans = segment(block.text, source, block.codes)
    if not spans:
        return block.text
    adjust = spaced(source) != spaced(target)
    text = block.text
    out = [text[: spans[0][0]]]
    for i, (start, end) in enumerate(spans):
        out.append(translate(Segment(block, start, end)))
        if i + 1 < len(spans):
            gap = text[end : spans[i + 1][0]]
            if adjust and not gap.strip():
                gap = " " if spaced(target) else ""
            out.append(gap)
    out.append(text[spans[-1][1] :])
    return "".join(out)
