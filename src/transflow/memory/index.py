"""The TM's candidate index: which units can be similar to a sentence, without scanning them all.

Each unit is indexed under its distinct *terms*: lower-cased words and word
pairs for spaced scripts (English, Vietnamese: one syllable per word), and
character bigrams and trigrams of Japanese/Chinese runs, which have no spaces. A lookup takes the
sentence's rarest terms first (the fewest postings, the most telling, as
BM25's inverse document frequency says), stops at a budget of postings, and
lets each chosen term vote for the units holding it; only the most voted are
scored with rapidfuzz. Chosen over an FTS5 trigram index by measurement
(README, "Translation memory"): a sentence has ~20 words but ~100
trigrams, and trigrams are common even in rare words, so trigram postings
were ten times as many to write and to read.

Terms are stored as 32-bit CRCs of language pair + term: a stateless key any
writer computes without a dictionary round trip. Two terms sharing a CRC only
merge their postings (a candidate too many, never one lost).
"""

from __future__ import annotations

import re
import zlib
from hashlib import blake2b

MIN_TERMS = 5
MAX_TERMS = 10
POSTINGS_BUDGET = 30_000
CANDIDATES = 40

_WORD = re.compile(r"\w+")
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f々〆ヵヶー]+")


def terms(norm: str) -> list[str]:
    """The distinct index terms of a normalized sentence.

    Words and pairs of adjacent words; in Japanese/Chinese runs, character
    bigrams and trigrams instead. The pairs matter when every word is common
    ("he said that the …"): word order is what tells sentences apart, and
    rapidfuzz's ratio is order-sensitive too.
    """
    words = _WORD.findall(norm.lower())
    if not _UNSPACED.search(norm):
        return list(dict.fromkeys([*words, *map(" ".join, zip(words, words[1:]))]))
    found: list[str] = []
    for word in words:
        position = 0
        for run in _UNSPACED.finditer(word):
            if run.start() > position:
                found.append(word[position : run.start()])
            text = run.group()
            found.extend([text[i : i + n] for n in (2, 3) for i in range(len(text) - n + 1)] if len(text) > 1 else [text])
            position = run.end()
        if position < len(word):
            found.append(word[position:])
    return list(dict.fromkeys(found))


_KEYS: dict[tuple[str, str], dict[str, int]] = {}
_KEYS_KEPT = 1_000_000  # terms whose keys are remembered per pair (Zipf: most lookups hit the common ones)


def term_keys(source_lang: str, target_lang: str, norm: str) -> list[int]:
    """The posting keys of a sentence's terms in one language pair (distinct, unsigned 32-bit)."""
    known = _KEYS.setdefault((source_lang, target_lang), {})
    found = terms(norm)
    keys = list(map(known.get, found))
    if None in keys:
        if len(known) > _KEYS_KEPT:
            known.clear()
        seed = zlib.crc32(f"{source_lang}>{target_lang}\x1f".encode())
        for i, key in enumerate(keys):
            if key is None:
                keys[i] = known[found[i]] = zlib.crc32(found[i].encode(), seed)
    return list(dict.fromkeys(keys))


def key64(*parts: str) -> int:
    """A signed 64-bit digest of *parts*, for exact-match and duplicate lookups through small integer indexes."""
    digest = blake2b("\x1f".join(parts).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)
