"""Glossary matching at newsroom scale: 5,000 terms against 10,000 segments.

Prints the time to build the matcher and to match every segment, for 1,000
and 5,000 terms: the trie makes matching time depend on the text, not on the
glossary size (a regex or loop per term would grow five-fold).

    python benchmarks/glossary_matching.py
"""

from __future__ import annotations

import random
import time

from transflow.glossary import Entry, Glossary, Term
from transflow.glossary.match import Matcher

SYLLABLES = "an ban chi da duc gia ha hoa khanh lam minh nam phu quoc son tan thanh trung viet xuan".split()
FILLER = (
    "the minister said on Tuesday that cooperation in trade investment and energy would continue "
    "as both sides agreed to expand exchanges between their peoples and businesses"
).split()


def make_terms(count: int, rng: random.Random) -> list[str]:
    terms = set()
    while len(terms) < count:
        terms.add(" ".join(rng.choice(SYLLABLES).capitalize() for _ in range(rng.randint(1, 4))))
    return sorted(terms)


def make_segments(count: int, terms: list[str], rng: random.Random) -> list[str]:
    segments = []
    for _ in range(count):
        words = rng.choices(FILLER, k=rng.randint(12, 30))
        for _ in range(rng.randint(1, 3)):
            words.insert(rng.randrange(len(words)), rng.choice(terms))
        segments.append(" ".join(words).capitalize() + ".")
    return segments


def main() -> None:
    rng = random.Random(7)
    all_terms = make_terms(5000, rng)
    segments = make_segments(10_000, all_terms, rng)
    print(f"{len(segments)} segments, {sum(map(len, segments)):,} characters")
    for size in (1000, 5000):
        glossary = Glossary([Entry({"en": [Term(t)], "vi": [Term(t.upper())]}) for t in all_terms[:size]])
        start = time.perf_counter()
        matcher = Matcher(glossary, "en")
        built = time.perf_counter() - start
        start = time.perf_counter()
        found = sum(len(matcher.find(segment)) for segment in segments)
        matched = time.perf_counter() - start
        print(f"{size:>5} terms: build {built:.2f} s, match {matched:.2f} s ({len(segments) / matched:,.0f} segments/s), {found:,} matches")


if __name__ == "__main__":
    main()
