"""Translation-memory speed at newsroom scale.

Builds a TM of 200,000 generated news-like sentences (en→vi, from the sample
articles' vocabulary) by importing a TMX file, then looks up 10,000 segments
(a third exact repeats, a third with one word changed, a third new) the way ``transflow translate`` does:
exact match first, then FTS5 trigram candidates rescored with rapidfuzz.
Prints the TMX import time and lookups per second.

    python benchmarks/tm_lookup.py [--units 200000] [--lookups 10000]
"""

from __future__ import annotations

import argparse
import random
import re
import tempfile
import time
from pathlib import Path

from transflow.exchange import tmx
from transflow.leverage import suggest
from transflow.memory import Memory, TMUnit

ROOT = Path(__file__).resolve().parent.parent
WORDS = sorted({w for p in (ROOT / "sample_articles").glob("*.*") for w in re.findall(r"[A-Za-z][A-Za-z'-]+", p.read_text(encoding="utf-8"))})


def sentence(rng: random.Random) -> str:
    """A news-like sentence: 10–25 words of the sample articles' vocabulary and a number or two."""
    words = rng.choices(WORDS, k=rng.randint(10, 25))
    words.insert(rng.randrange(len(words)), f"{rng.randint(1, 999)}.{rng.randint(0, 9)}")
    if rng.random() < 0.5:
        words.insert(rng.randrange(len(words)), str(rng.randint(1990, 2030)))
    return " ".join(words).capitalize() + "."


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=200_000)
    parser.add_argument("--lookups", type=int, default=10_000)
    args = parser.parse_args()
    rng = random.Random(42)
    sources = list(dict.fromkeys(sentence(rng) for _ in range(int(args.units * 1.1))))[: args.units]
    units = [TMUnit("en", "vi", s, "VI: " + s, "human", "generated.txt") for s in sources]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        tmx.write(folder / "big.tmx", units, "en", "vi")
        began = time.perf_counter()
        with Memory(folder / "tm.sqlite") as memory:
            imported = memory.add(tmx.read(folder / "big.tmx"))
            import_seconds = time.perf_counter() - began
            print(f"TMX import: {imported:,} units in {import_seconds:.1f} s ({imported / import_seconds:,.0f} units/s)")
            queries = []
            for n in range(args.lookups):
                kind = n % 3
                if kind == 0:
                    queries.append(rng.choice(sources))
                elif kind == 1:
                    words = rng.choice(sources).split()
                    words[rng.randrange(len(words))] = rng.choice(WORDS)
                    queries.append(" ".join(words))
                else:
                    queries.append(sentence(rng))
            began = time.perf_counter()
            found = {"exact": 0, "fuzzy": 0, "none": 0}
            for query in queries:
                match = suggest(memory, "en", "vi", query, "", "", 75, None)
                found["none" if match is None else "fuzzy" if match.fuzzy else "exact"] += 1
            seconds = time.perf_counter() - began
    print(
        f"{args.lookups:,} lookups against {imported:,} units: {seconds:.1f} s, {args.lookups / seconds:,.0f} lookups/s "
        f"(exact {found['exact']:,}, fuzzy {found['fuzzy']:,}, no match {found['none']:,})"
    )


if __name__ == "__main__":
    main()
