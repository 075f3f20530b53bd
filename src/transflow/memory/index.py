"""The TM's candidate index: which units can be similar to a sentence, without scanning them all.

Each unit is filed under its distinct *terms*: lower-cased words and pairs of
adjacent words for spaced scripts (English; Vietnamese, one syllable per
word), character bigrams and trigrams where Japanese/Chinese has no spaces.
A lookup counts each term's postings up to COUNTED, takes the CHOSEN rarest
(the most telling, as BM25's inverse document frequency says), lets each
vote for the units holding it (its READ newest postings at most), and
scores only the CANDIDATES most voted with rapidfuzz, so no lookup scans the
memory. Chosen by measurement over an FTS5 trigram index (~100 trigrams per
sentence, common even in rare words) and pg_trgm: see docs/performance.md,
"Translation memory lookups".

Term keys are 32-bit: a CRC of language pair + token, n-grams mixed from
their tokens' keys. Any writer computes them without a dictionary round
trip; two terms sharing a key only merge their postings (a candidate too
many, never one lost).
"""

from __future__ import annotations

import re
import zlib
from hashlib import blake2b

import numpy as np

CHOSEN = 10  # terms that vote
COUNTED = 300  # postings counted per term to rank terms: beyond this a term is simply "common"
READ = 2_000  # postings read per chosen term, newest first: bounds a lookup when every term is common
CANDIDATES = 40  # most voted units scored with rapidfuzz

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f々〆ヵヶー"
_UNSPACED = re.compile(f"[{_CJK}]")
_WORD = re.compile(r"\w+")
_WORD_OR_CHAR = re.compile(f"[{_CJK}]|[^\\W{_CJK}]+")
_MASK = 0xFFFFFFFF
_M1, _M2 = 0x9E3779B1, 0x85EBCA77  # odd multipliers: n-gram keys mixed from their tokens' keys


def tokens(norm: str) -> tuple[list[str], bool]:
    """The lower-cased words of a sentence, each Japanese/Chinese character a token of its own; and whether it had any."""
    lowered = norm.lower()
    if _UNSPACED.search(lowered):
        return _WORD_OR_CHAR.findall(lowered), True
    return _WORD.findall(lowered), False


_KEYS: dict[tuple[str, str], dict[str, int]] = {}
_KEYS_KEPT = 1_000_000  # token keys remembered per pair (Zipf: most tokens are the common ones)


SHORT = 15  # longest n-grams up to which a sentence is keyed by every term (16 words); a longer one by its winnowed ones
WINDOW = 3  # longest n-grams per winnowing window


def term_keys(source_lang: str, target_lang: str, norm: str) -> list[int]:
    """The distinct term keys of a sentence in one language pair (unsigned 32-bit): what a unit is filed under,
    and what a lookup asks with.

    Terms are words and pairs of adjacent words; in Japanese/Chinese runs,
    character bigrams and trigrams. The pairs matter when every word is
    common ("he said that the …"): word order tells such sentences apart, and
    rapidfuzz's ratio is order-sensitive too. A short sentence (up to SHORT
    longest n-grams) is keyed by all of them, longer n-grams first.

    A longer one is keyed by its winnowed longest n-grams (Schleimer,
    Wilkerson and Aiken, SIGMOD 2003): the smallest key of every WINDOW
    consecutive ones, about half of them (2 / (WINDOW + 1)). Two sentences
    sharing a run of WINDOW n-grams both keep that run's smallest key, so a
    unit is still found with up to three words edited (past 16 words, three
    edits leave a run of four words: three pairs). A 29-word unit is filed
    under ~14 keys instead of 57 (its words and pairs), which lets the
    postings fit a server's memory and import at full speed; and since the
    lookup asks with its own winnowed keys, the keys it ranks by rarity are
    the ones a match was filed under.
    """
    grams, shorter = _grams(source_lang, target_lang, norm)
    if len(grams) <= SHORT:
        return list(dict.fromkeys(grams + shorter))
    kept = {min(grams[i : i + WINDOW]) for i in range(len(grams) - WINDOW + 1)}
    return list(dict.fromkeys(key for key in grams if key in kept))


def _grams(source_lang: str, target_lang: str, norm: str) -> tuple[list[int], list[int]]:
    """A sentence's longest n-grams in order (word pairs; character trigrams where Japanese/Chinese has no spaces),
    and its shorter terms (words; character bigrams); a sentence of one token has only the token.

    A token's key is a CRC of the language pair and the token; an n-gram's key
    is mixed from its tokens' keys, so no n-gram string is ever built.
    """
    found, unspaced = tokens(norm)
    known = _KEYS.setdefault((source_lang, target_lang), {})
    keys = list(map(known.get, found))
    if None in keys:
        if len(known) > _KEYS_KEPT:
            known.clear()
        seed = zlib.crc32(f"{source_lang}>{target_lang}\x1f".encode())
        for i, key in enumerate(keys):
            if key is None:
                keys[i] = known[found[i]] = zlib.crc32(found[i].encode(), seed)
    pairs = [(a * _M1 ^ b) & _MASK for a, b in zip(keys, keys[1:])]
    if unspaced:
        triples = [(a * _M1 ^ b * _M2 ^ c) & _MASK for a, b, c in zip(keys, keys[1:], keys[2:])]
        return (triples, pairs) if triples else (pairs, [] if pairs else keys)
    return (pairs, keys) if pairs else (keys, [])


_WORD_OR_BREAK = re.compile(r"\w+|\n")
_BREAK = 1 << 32  # the key of the line break between sentences: no CRC is that large


def filed_keys(source_lang: str, target_lang: str, norms: list[str]) -> list[list[int]]:
    """The term keys each of *norms* is filed under: term_keys' keys (as a set, in no set order), for a
    whole import chunk at once.

    Per sentence, term building is ~30 µs of Python, the larger part of an
    import's work; here the chunk is one lower-cased string tokenized by one
    regular expression, and the pairs, the winnowing windows and the
    per-sentence deduplication are numpy operations over all its tokens.
    A sentence with Japanese/Chinese characters (their own terms) takes term_keys.
    """
    unspaced = {i: term_keys(source_lang, target_lang, norm) for i, norm in enumerate(norms) if _UNSPACED.search(norm)}
    if not unspaced:
        return _spaced_keys(source_lang, target_lang, norms)
    spaced = iter(_spaced_keys(source_lang, target_lang, [norm for i, norm in enumerate(norms) if i not in unspaced]))
    return [unspaced[i] if i in unspaced else next(spaced) for i in range(len(norms))]


def _spaced_keys(source_lang: str, target_lang: str, norms: list[str]) -> list[list[int]]:
    found = _WORD_OR_BREAK.findall("\n".join(norms).lower())
    known = _KEYS.setdefault((source_lang, target_lang), {})
    missing = set(found).difference(known)
    if len(known) + len(missing) > _KEYS_KEPT:
        known.clear()
        missing = set(found)
    if missing:
        seed = zlib.crc32(f"{source_lang}>{target_lang}\x1f".encode())
        known.update((token, zlib.crc32(token.encode(), seed)) for token in missing)
        known["\n"] = _BREAK
    keys = np.fromiter(map(known.__getitem__, found), dtype=np.uint64, count=len(found))
    word = keys != _BREAK
    sentence = np.cumsum(~word)  # each token's sentence (a break counts for the next one, and is never a term)
    size = np.bincount(sentence[word], minlength=len(norms))
    short = size - 1 <= SHORT
    pair = word[:-1] & word[1:]
    pairs = (keys[:-1] * np.uint64(_M1) ^ keys[1:]) & np.uint64(_MASK)
    window = pair[:-2] & pair[1:-1] & pair[2:]
    lowest = np.minimum(np.minimum(pairs[:-2], pairs[1:-1]), pairs[2:])
    terms = [
        (sentence[:-1][pair & short[sentence[:-1]]], pairs[pair & short[sentence[:-1]]]),
        (sentence[word & short[sentence]], keys[word & short[sentence]]),
        (sentence[:-3][window & ~short[sentence[:-3]]], lowest[window & ~short[sentence[:-3]]]),
    ]
    owner = np.concatenate([owner for owner, _ in terms]).astype(np.uint64)
    filed = np.sort(owner << np.uint64(33) | np.concatenate([key for _, key in terms]))
    first = np.ones(len(filed), dtype=bool)
    first[1:] = filed[1:] != filed[:-1]  # sorted, so a repeat follows its first
    filed = filed[first]
    ends = np.cumsum(np.bincount((filed >> np.uint64(33)).astype(np.int64), minlength=len(norms))).tolist()
    flat = (filed & np.uint64(_MASK)).tolist()
    return [flat[start:end] for start, end in zip([0, *ends], ends)]


def choose(keys: list[int], counts: dict[int, int]) -> list[int]:
    """The CHOSEN rarest of *keys* present in the TM, given their (capped) posting counts.

    Ties (common terms all count COUNTED) go to the longer n-grams, which
    term_keys lists first: a pair of common words is rarer than either word.
    """
    ranked = sorted((counts[key], position) for position, key in enumerate(keys) if counts[key])
    return [keys[position] for _, position in ranked[:CHOSEN]]


def key64(*parts: str) -> int:
    """A signed 64-bit digest of *parts*, for exact-match and duplicate lookups through small integer indexes."""
    digest = blake2b("\x1f".join(parts).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)
