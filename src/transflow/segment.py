"""Sentence segmentation for English, Vietnamese and Japanese news copy.

Rules rather than a library, by measurement: pysbd and sentencex both split
Vietnamese at every title abbreviation ("ThS. Trần", "TP. Hồ Chí Minh"),
sentencex cuts Japanese inside 「…。」と, and neither knows our inline codes,
which must never be cut (nor an emphasis or link split across two segments).
The rules are small, table-driven and tested on the cases that matter here.
"""

from __future__ import annotations

import re
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
_WORD_BEFORE = re.compile(r"(\S+)$")
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


class _Splitter:
    def __init__(self, text: str, lang: str, codes: Sequence[InlineCode]) -> None:
        self.text = text
        self.lang = lang
        self.code_at = {code.start: code for code in codes}
        self.cjk = lang == "ja"

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
                closing = {c.pair for c in self.code_at.values() if i <= c.start < (end or 0)}
                if end is not None and open_pairs <= closing and self._outside_brackets(i, end, depth, curly, straight):
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

    def _outside_brackets(self, i: int, end: int, depth: int, curly: int, straight: int) -> bool:
        """Whether the sentence is balanced once the closers after its terminator are counted."""
        for ch in self.text[i:end]:
            depth -= ch in _CJK_CLOSE or ch in ")]"
            curly -= ch == "”"
            straight += ch == '"'
        return depth <= 0 and curly <= 0 and straight % 2 == 0

    def _sentence_end(self, i: int) -> int | None:
        """The index just past terminator, closers and closing codes at *i*, if a sentence ends there."""
        text = self.text
        cjk_stop = text[i] in _CJK_TERMINATORS or (self.cjk and text[i] in "!?")
        j = i
        while j < len(text) and (text[j] in _TERMINATORS or text[j] in _CJK_TERMINATORS):
            j += 1
        closed_bracket = False
        while j < len(text):
            code = self.code_at.get(j)
            if code is not None and code.kind is CodeKind.CLOSE:
                j = code.end
            elif text[j] in _CLOSERS:
                closed_bracket = True
                j += 1
            else:
                break
        if j >= len(text):
            return None
        if cjk_stop:
            rest = text[j:].lstrip()
            if closed_bracket and rest.startswith(_QUOTE_PARTICLES):
                return None
            return j if rest else None
        k = j
        while k < len(text) and text[k].isspace():
            k += 1
        if k == j:
            return None
        nxt = self._next_word(k)
        if not nxt or not (nxt[0].isupper() or nxt[0].isdigit() or not nxt[0].isascii() and not nxt[0].islower()):
            return None
        if text[i] == "." and j - i == 1 and not self._period_ends(i, nxt):
            return None
        return j

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
        match = re.match(r"\w[\w.'’-]*", text[k:])
        return match.group(0) if match else text[k : k + 1]

    def _period_ends(self, i: int, nxt: str) -> bool:
        match = _WORD_BEFORE.search(self.text[:i])
        if not match:
            return True
        word = match.group(1).lstrip(_OPENERS)
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
