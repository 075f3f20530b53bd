"""Translation-memory speed and recall at newsroom scale, on SQLite and PostgreSQL.

Builds a TM of generated news sentences for each size, then prints: the
import rate (``Memory.add`` in 50,000-unit transactions, the path ``tm
import`` and ``tm copy`` take, then the index settled as they do when they
end), lookups per second the way ``transflow
translate`` looks up (exact first, then fuzzy at 75), recall of the fuzzy
lookup against a brute-force ``rapidfuzz.process.extractOne`` over every
unit, the database size and the peak memory of this process.

Vocabularies: ``zipf`` draws words with their real frequencies from the
``wordfreq`` lists (pip install 'transflow[bench]') with news-like lengths
and numbers, for an English, Vietnamese or Japanese source; ``samples`` is
the old worst case, 600 words of the sample articles drawn uniformly, so
every word is common.

    python benchmarks/tm_lookup.py --sizes 200000,2000000 [--lang en|vi|ja] [--vocabulary zipf|samples]
        [--pg postgresql://user@host/db] [--lookups 3000] [--recall 200]

With ``--pg`` the TM is built in a fresh schema of that database (dropped
afterwards) instead of an SQLite file.
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import os
import random
import re
import resource
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from rapidfuzz import fuzz, process

from transflow.leverage import suggest
from transflow.memory import TMUnit, normalize, open_memory

ROOT = Path(__file__).resolve().parent.parent
TARGET = {"en": "vi", "vi": "en", "ja": "en"}
THRESHOLD = 75
BATCH = 50_000
# Sentence length in words: English news averages ~22 words, Vietnamese ~28 syllables, Japanese ~14 words (~40 characters).
LENGTH = {"en": (22, 8), "vi": (28, 9), "ja": (14, 5)}


class Vocabulary:
    """Words with their weights, drawn by bisection over the cumulative weights."""

    def __init__(self, words: list[str], weights: list[float]) -> None:
        self.words = words
        self.cumulative = list(itertools.accumulate(weights))

    def draw(self, rng: random.Random, k: int) -> list[str]:
        total = self.cumulative[-1]
        return [self.words[bisect.bisect(self.cumulative, rng.random() * total)] for _ in range(k)]


def zipf_vocabulary(lang: str, size: int = 50_000) -> Vocabulary:
    import wordfreq

    frequencies = wordfreq.get_frequency_dict(lang)
    words = [w for w in wordfreq.top_n_list(lang, size) if not w.isdigit()]
    return Vocabulary(words, [frequencies.get(w, 1e-9) for w in words])


def samples_vocabulary() -> Vocabulary:
    words = sorted({w for p in (ROOT / "sample_articles").glob("*.*") for w in re.findall(r"[A-Za-z][A-Za-z'-]+", p.read_text(encoding="utf-8"))})
    return Vocabulary(words, [1.0] * len(words))


def figure(rng: random.Random, lang: str) -> str:
    """A number as news copy writes it: an amount, a year, a percentage or a count."""
    kind = rng.random()
    if kind < 0.3:
        return f"{rng.randint(1, 999)}.{rng.randint(0, 9)}" + ("億" if lang == "ja" else "")
    if kind < 0.6:
        return str(rng.randint(1990, 2030)) + ("年" if lang == "ja" else "")
    if kind < 0.8:
        return f"{rng.randint(1, 99)}{'.' + str(rng.randint(0, 9)) if rng.random() < 0.5 else ''}%"
    return f"{rng.randint(2, 9999):,}"


def sentence_maker(lang: str, vocabulary: Vocabulary) -> Callable[[random.Random], str]:
    mean, spread = LENGTH[lang] if lang in LENGTH else LENGTH["en"]

    def make(rng: random.Random) -> str:
        words = vocabulary.draw(rng, max(4, min(60, int(rng.gauss(mean, spread)))))
        for _ in range(rng.choice((0, 1, 1, 2))):
            words.insert(rng.randrange(len(words) + 1), figure(rng, lang))
        if lang == "ja":
            return "".join(words) + "。"
        return " ".join(words).capitalize() + "."

    return make


def edit(rng: random.Random, text: str, lang: str, vocabulary: Vocabulary) -> str:
    """*text* with one to three word edits (replace, insert, delete, or a changed number)."""
    if lang == "ja":
        chars = list(text)
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(chars))
            span = rng.randint(1, 3)
            chars[at : at + (span if rng.random() < 0.7 else 0)] = vocabulary.draw(rng, 1)
        return "".join(chars)
    words = text.split()
    for _ in range(rng.randint(1, 3)):
        at, roll = rng.randrange(len(words)), rng.random()
        if roll < 0.5:
            words[at] = vocabulary.draw(rng, 1)[0]
        elif roll < 0.75 and len(words) > 4:
            del words[at]
        else:
            words.insert(at, vocabulary.draw(rng, 1)[0])
    return " ".join(words)


@contextmanager
def memory_at(pg: str | None, folder: Path) -> Iterator[tuple[str, Callable[[], int]]]:
    """Where a fresh TM lives, and a function giving its size in bytes."""
    if pg is None:
        path = folder / f"tm-{uuid.uuid4().hex[:8]}.sqlite"
        yield str(path), lambda: sum(p.stat().st_size for p in folder.glob(path.name + "*"))
        return
    import psycopg

    schema = f"tm_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(pg, autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {schema}")
        try:
            url = pg + ("&" if "?" in pg else "?") + f"options=-csearch_path%3D{schema}"
            tables = ", ".join(f"'{schema}.{t}'" for t in ("tm_units", "tm_postings"))
            yield url, lambda: admin.execute(f"SELECT sum(pg_total_relation_size(t::regclass)) FROM unnest(ARRAY[{tables}]) t").fetchone()[0]
        finally:
            admin.execute(f"DROP SCHEMA {schema} CASCADE")


def run(size: int, lang: str, vocabulary: Vocabulary, args: argparse.Namespace, folder: Path) -> None:
    rng = random.Random(size)
    make = sentence_maker(lang, vocabulary)
    target = TARGET.get(lang, "en")
    sources: list[str] = []
    seen: set[str] = set()
    with memory_at(args.pg, folder) as (location, db_size):
        imported, seconds, cpu = 0, 0.0, 0.0
        memory = open_memory(location)
        while imported < size:
            batch = []
            while len(batch) < min(BATCH, size - imported):
                text = make(rng)
                if text not in seen:
                    seen.add(text)
                    batch.append(text)
            sources += batch
            units = [TMUnit(lang, target, s, f"[{target}] {s}", "human", "generated.txt") for s in batch]
            began, cpu_began = time.perf_counter(), time.process_time()
            imported += memory.add(units)
            seconds += time.perf_counter() - began
            cpu += time.process_time() - cpu_began
        del seen
        began, cpu_began = time.perf_counter(), time.process_time()
        memory.close()  # as ``tm import`` ends: the index is settled after a bulk write
        seconds += time.perf_counter() - began
        cpu += time.process_time() - cpu_began
        memory = open_memory(location)
        print(
            f"  import: {imported:,} units in {seconds:.1f} s ({imported / seconds:,.0f} units/s; {cpu:.1f} s CPU in this process); "
            f"database {db_size() / 2**20:,.0f} MiB; load average {os.getloadavg()[0]:.1f}"
        )

        queries = []
        for n in range(args.lookups):
            kind = n % 3
            queries.append(rng.choice(sources) if kind == 0 else edit(rng, rng.choice(sources), lang, vocabulary) if kind == 1 else make(rng))
        found = {"exact": 0, "fuzzy": 0, "none": 0}
        began, cpu_began = time.perf_counter(), time.process_time()
        for query in queries:
            match = suggest(memory, lang, target, query, "", "", THRESHOLD, None)
            found["none" if match is None else "fuzzy" if match.fuzzy else "exact"] += 1
        seconds, cpu = time.perf_counter() - began, time.process_time() - cpu_began
        print(
            f"  lookups: {args.lookups:,} in {seconds:.1f} s, {args.lookups / seconds:,.0f} lookups/s ({cpu:.1f} s CPU in this process; "
            f"exact {found['exact']:,}, fuzzy {found['fuzzy']:,}, no match {found['none']:,}); load average {os.getloadavg()[0]:.1f}"
        )

        norms = [normalize(s) for s in sources]
        del sources
        sample = [q for n, q in enumerate(queries) if n % 3 == 1][: args.recall]
        matched = agreed = 0
        misses = []
        began = time.perf_counter()
        for query in sample:
            norm = normalize(query)
            brute = process.extractOne(norm, norms, scorer=fuzz.ratio, score_cutoff=THRESHOLD)
            if brute is None or brute[1] == 100:
                continue
            matched += 1
            fast = memory.fuzzy(lang, target, query, THRESHOLD)
            if fast is not None and fast.score == int(brute[1]):
                agreed += 1
            else:
                misses.append((query, brute[1], fast.score if fast else None))
        brute_seconds = time.perf_counter() - began
        print(
            f"  recall: {agreed}/{matched} = {100 * agreed / max(matched, 1):.1f} % of edited sentences with a brute-force match ≥ {THRESHOLD} "
            f"(brute force: {brute_seconds / max(len(sample), 1):.2f} s per lookup)"
        )
        for query, brute_score, fast_score in misses[:3]:
            print(f"    missed: brute force {brute_score:.0f}, index {fast_score}: {query[:80]}")
        memory.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  peak memory of this process: {peak:,.0f} MiB (corpus and brute-force list included)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="200000", help="TM sizes, comma-separated (e.g. 200000,2000000)")
    parser.add_argument("--lang", default="en", choices=sorted(TARGET))
    parser.add_argument("--vocabulary", default="zipf", choices=("zipf", "samples"))
    parser.add_argument("--pg", default=None, help="postgresql:// URL: benchmark the PostgreSQL backend there")
    parser.add_argument("--lookups", type=int, default=3_000)
    parser.add_argument("--recall", type=int, default=200, help="edited sentences checked against brute force")
    args = parser.parse_args()
    vocabulary = zipf_vocabulary(args.lang) if args.vocabulary == "zipf" else samples_vocabulary()
    backend = "PostgreSQL" if args.pg else "SQLite"
    for size in (int(s) for s in args.sizes.split(",")):
        print(f"{backend}, {args.lang}→{TARGET[args.lang]}, {args.vocabulary} vocabulary ({len(vocabulary.words):,} words), {size:,} units (cpus: {os.cpu_count()}):")
        with tempfile.TemporaryDirectory(dir=os.environ.get("TMPDIR")) as tmp:
            run(size, args.lang, vocabulary, args, Path(tmp))


if __name__ == "__main__":
    main()
