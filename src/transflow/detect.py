"""Which of the newsroom's languages an article is written in: Japanese, Vietnamese or English.

The three have distinct signatures, so a few counts decide, with no model to
install: Japanese writes kana and kanji; Vietnamese marks most of its
syllables with tone marks and letters of its own (đ, ơ, ư, ă and the hook,
dot below and horn, which no other language here uses); English is plain
Latin. Names are the trap: an English story about Phạm Minh Chính carries
Vietnamese diacritics, but only on capitalised words, so the Vietnamese share
is measured on lower-case words, with English function words as a second
witness. General-purpose detectors (langdetect, lingua) know a hundred
languages and still guess on a headline; these three signatures are what a
newsroom needs, and ``tests/test_language.py`` keeps the accuracy table.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

LANGUAGES = ("en", "vi", "ja")  # what ``detect`` can answer
_KANA = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f]")
_KANJI = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z\u00c0-\u024f\u1e00-\u1eff]+")
# Combining marks after NFD: grave, acute, tilde, hook above, dot below (tones); circumflex, breve, horn.
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323", "\u0302", "\u0306", "\u031b"}
_VIETNAMESE_ONLY = {"\u0309", "\u0323", "\u031b", "\u0306"}
_ENGLISH = frozenset(
    "the of and to in is are was were a an for on with that by at from as it its has have had this these will would "
    "be been not or but after over said says who which their they he she his her we our than into about".split()
)
# A text this long (in words, or in kana/kanji) is a full sentence: no excuse for a wrong answer.
_SURE_WORDS = 6
_SURE_CJK = 8


@dataclass(frozen=True)
class Detection:
    """The language found and how clearly the text said so.

    ``certain``: enough text that a wrong answer would be a bug (a full
    sentence). ``evidence``: the text showed some sign of its language at all
    (a tone mark, kana, an English function word); a headline of names and
    figures shows none, and then the project's default is the better guess.
    """

    lang: str
    certain: bool
    evidence: bool
    reason: str

    def __str__(self) -> str:
        return f"{self.lang} ({self.reason})"


def detect(text: str) -> Detection:
    """The language of *text*: ``ja``, ``vi`` or ``en``.

    Read in NFC: macOS writes Vietnamese decomposed (a letter, then its tone
    mark), which would otherwise cut every marked word in two at the mark."""
    text = unicodedata.normalize("NFC", text)
    kana, kanji = len(_KANA.findall(text)), len(_KANJI.findall(text))
    words = _LATIN_WORD.findall(text)
    cjk = kana + kanji
    if kana or cjk > sum(len(word) for word in words):
        return Detection("ja", cjk >= _SURE_CJK, True, f"{kana} kana, {kanji} kanji")
    lower = [word for word in words if word[0].islower()] or words
    marked = [word for word in lower if _vietnamese(word)]
    english = [word for word in lower if word.lower() in _ENGLISH]
    share = len(marked) / len(lower) if lower else 0.0
    reason = f"{len(marked)} of {len(lower)} lower-case words with Vietnamese marks, {len(english)} English function words"
    if share >= 0.4 or (share >= 0.15 and len(english) < max(1, len(lower) // 8)):
        return Detection("vi", len(lower) >= _SURE_WORDS or len(marked) >= 3, True, reason)
    return Detection("en", bool(english) and (len(lower) >= _SURE_WORDS or len(english) >= 2), bool(english), reason)


def _vietnamese(word: str) -> bool:
    if "đ" in word or "Đ" in word:
        return True
    marks = {ch for ch in unicodedata.normalize("NFD", word) if unicodedata.combining(ch)}
    return bool(marks & _VIETNAMESE_ONLY) or (bool(marks & _TONES) and _is_vietnamese_letters(word))


def _is_vietnamese_letters(word: str) -> bool:
    """Accents that French or Spanish share (é, è, ñ…) count only in words Vietnamese spelling allows."""
    return not any(ch in "fjwzFJWZ" for ch in word) and "ñ" not in word.lower()


def article(texts: Sequence[str]) -> tuple[Detection, dict[str, int]]:
    """The language of an article from its blocks, and how many of its blocks are plainly in each language.

    The whole text decides, unless more of its blocks are plainly in
    another language (full sentences; the longer text breaks a tie): an article of four
    English paragraphs and two Vietnamese ones is English, whatever share of
    tone marks the Vietnamese ones bring. More than one language in the
    counts is worth a warning: the minority's paragraphs go through the
    wrong model, or reach no edition.
    """
    whole = detect(" \n".join(texts))
    weights: Counter[str] = Counter()
    counts: Counter[str] = Counter()
    for text in texts:
        found = detect(text)
        if found.certain:
            weights[found.lang] += len(text)
            counts[found.lang] += 1
    if len(counts) > 1:
        top = max(counts, key=lambda lang: (counts[lang], weights[lang]))
        if top != whole.lang:
            whole = Detection(top, True, True, f"{counts[top]} of {sum(counts.values())} paragraphs")
    return whole, dict(counts)
