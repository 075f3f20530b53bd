"""How common a word is in a language, from wordfreq's lists (Zipf scale: 6 = once per thousand words).

Capitalisation tells a name from a word in English and Vietnamese, but not in
a title-case headline or after a colon, and Japanese has no capitals at all:
there a katakana name (バンコク) and a katakana loanword (エネルギー) look
alike. A frequency list is the well-kept evidence that a word is an everyday
one. Japanese is looked up in the list itself: wordfreq's own lookup would
first tokenise with MeCab, a dictionary install the rest of transflow does not need.
"""

from __future__ import annotations

import math
from functools import lru_cache

import wordfreq


@lru_cache(maxsize=None)
def _japanese() -> dict[str, float]:
    return wordfreq.get_frequency_dict("ja")


@lru_cache(maxsize=65536)
def zipf(word: str, lang: str) -> float:
    """The Zipf frequency of *word* in *lang* (0 for a word the list does not have)."""
    if lang == "ja":
        frequency = _japanese().get(word, 0.0)
        return round(math.log10(frequency * 1e9), 2) if frequency else 0.0
    return wordfreq.zipf_frequency(word, lang)
