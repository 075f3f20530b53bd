"""Translation-memory speed and recall at newsroom scale, on SQLite and PostgreSQL.

Builds a TM of generated news sentences for each size, then prints: the
import rate (the whole corpus in one ``Memory.add``, one transaction: the
path ``tm import`` takes for one file, here an archive loaded into an empty
TM; then the index settled as it is when the import ends), lookups per
second the way ``transflow translate`` looks up (an article's 30 sentences
at once: exact first, then fuzzy at 75), with the CPU time of this process
and of the PostgreSQL backend (not of parallel workers an index build may
start) beside the wall time, so a loaded machine does not hide the figure;
exact repeats found;
recall of the fuzzy lookup for one, two and three edited words against a
brute-force ``rapidfuzz.process.extractOne`` over every unit; the rate of a
further file of new units (a tenth of the size: a desk's nightly import into
the full TM); the database size and the peak memory of this process.

Vocabularies: ``zipf`` draws words with their real frequencies from the
``wordfreq`` lists (pip install 'transflow[bench]') with news-like lengths
and numbers, for an English, Vietnamese or Japanese source; ``samples`` is
the old worst case, 600 words of the sample articles drawn uniformly, so
every word is common.

    python benchmarks/tm_lookup.py --sizes 200000,2000000 [--lang en|vi|ja] [--vocabulary zipf|samples]
        [--pg postgresql://user@host/db [--only-pg]] [--lookups 3000] [--recall 100]

With ``--pg`` the same corpus and the same lookups run on SQLite and then on
PostgreSQL (in a fresh schema of that database, dropped afterwards), and the
ratio of their lookup rates is printed.
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

from transflow.leverage import suggest_many
from transflow.memory import Memory, Query, TMUnit, normalize, open_memory
from transflow.memory.base import SETTLE_AFTER

ROOT = Path(__file__).resolve().parent.parent
TARGET = {"en": "vi", "vi": "en", "ja": "en"}
THRESHOLD = 75
GROWTH = 10  # the further file imported into the full TM: one unit for every GROWTH units it holds
ARTICLE = 30  # sentences looked up at once, as translate asks for an article
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


def edit(rng: random.Random, text: str, lang: str, vocabulary: Vocabulary, edits: int | None = None) -> str:
    """*text* with *edits* word edits (replace, insert, delete, or a changed number; one to three by default)."""
    edits = edits or rng.randint(1, 3)
    if lang == "ja":
        chars = list(text)
        for _ in range(edits):
            at = rng.randrange(len(chars))
            span = rng.randint(1, 3)
            chars[at : at + (span if rng.random() < 0.7 else 0)] = vocabulary.draw(rng, 1)
        return "".join(chars)
    words = text.split()
    for _ in range(edits):
        at, roll = rng.randrange(len(words)), rng.random()
        if roll < 0.5:
            words[at] = vocabulary.draw(rng, 1)[0]
        elif roll < 0.75 and len(words) > 4:
            del words[at]
        else:
            words.insert(at, vocabulary.draw(rng, 1)[0])
    return " ".join(words)


def server_cpu(memory: Memory) -> Callable[[], float]:
    """CPU seconds used so far by the PostgreSQL backend serving *memory* (read from /proc when the server is on this machine)."""
    pid = getattr(getattr(memory, "db", None), "info", None)
    stat = Path(f"/proc/{pid.backend_pid}/stat") if pid is not None and hasattr(pid, "backend_pid") else None
    if stat is None or not stat.exists():
        return lambda: 0.0
    ticks = os.sysconf("SC_CLK_TCK")
    return lambda: sum(int(field) for field in stat.read_text().rsplit(")", 1)[1].split()[11:13]) / ticks


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


def corpus(size: int, lang: str, vocabulary: Vocabulary, lookups: int) -> tuple[list[str], list[str], list[int | None]]:
    """*size* distinct sentences, and the lookups asked of them: a third exact repeats, a third with one, two or
    three words edited (the number of edits given, 0 for a repeat, None for a new sentence), a third new."""
    rng = random.Random(size)
    make = sentence_maker(lang, vocabulary)
    sources = list(dict.fromkeys(make(rng) for _ in range(size)))
    while len(sources) < size:
        sources = list(dict.fromkeys(sources + [make(rng) for _ in range(size - len(sources))]))
    queries, edits = [], []
    for n in range(lookups):
        kind, edited = n % 3, 1 + (n // 3) % 3
        queries.append(rng.choice(sources) if kind == 0 else edit(rng, rng.choice(sources), lang, vocabulary, edited) if kind == 1 else make(rng))
        edits.append(0 if kind == 0 else edited if kind == 1 else None)
    return sources, queries, edits


def further(size: int, lang: str, vocabulary: Vocabulary, known: list[str]) -> list[str]:
    """size // GROWTH new sentences, none already in *known*: the next file a desk imports."""
    rng, make, held = random.Random(-size), sentence_maker(lang, vocabulary), set(known)
    found: dict[str, None] = {}
    while len(found) < size // GROWTH:
        sentence = make(rng)
        if sentence not in held:
            found[sentence] = None
    return list(found)


def brute_force(sources: list[str], queries: list[str], edits: list[int | None], per_edit: int) -> dict[int, list[tuple[str, float]]]:
    """For up to *per_edit* edited queries of each number of edits, the best score over every unit
    (rapidfuzz.process.extractOne), where one scores ≥ THRESHOLD and below 100."""
    norms = [normalize(s) for s in sources]
    found: dict[int, list[tuple[str, float]]] = {}
    for edited in (1, 2, 3):
        found[edited] = []
        for query in [q for q, e in zip(queries, edits) if e == edited][:per_edit]:
            best = process.extractOne(normalize(query), norms, scorer=fuzz.ratio, score_cutoff=THRESHOLD)
            if best is not None and best[1] < 100:
                found[edited].append((query, best[1]))
    return found


def imported(backend: str, location: str, lang: str, sources: list[str]) -> str:
    """Import *sources* as one file into the TM at *location*, as ``tm import`` does (closing settles the index);
    the rate, with the CPU time of this process and of the server."""
    target = TARGET.get(lang, "en")
    units = [TMUnit(lang, target, s, f"[{target}] {s}", "human", "generated.txt") for s in sources]
    memory = open_memory(location)
    server = server_cpu(memory)
    began, cpu_began, server_began = time.perf_counter(), time.process_time(), server()
    count = memory.add(units)
    if memory._written >= SETTLE_AFTER:  # what closing after ``tm import`` does, here before the connection ends so the server's CPU can be read
        memory._settle()
    memory._written = 0
    seconds, cpu = time.perf_counter() - began, time.process_time() - cpu_began
    on_server = f", {server() - server_began:.1f} s CPU in the server" if backend == "PostgreSQL" else ""
    memory.close()
    return f"{count:,} units in {seconds:.1f} s ({count / seconds:,.0f} units/s; {cpu:.1f} s CPU in this process{on_server})"


def measure(backend: str, location: str, db_size: Callable[[], int], lang: str, sources: list[str], queries: list[str],
            edits: list[int | None], truth: dict[int, list[tuple[str, float]]], growth: list[str]) -> float:
    """Import *sources* into the TM at *location*, look *queries* up as translate does, check recall, import
    *growth* into the full TM; the lookup rate."""
    target = TARGET.get(lang, "en")
    pg = backend == "PostgreSQL"
    print(f"  {backend} import: {imported(backend, location, lang, sources)}; database {db_size() / 2**20:,.0f} MiB; load average {os.getloadavg()[0]:.1f}")
    memory = open_memory(location)

    found = {"exact": 0, "fuzzy": 0, "none": 0}
    exact_repeats = 0
    server = server_cpu(memory)
    began, cpu_began, server_began = time.perf_counter(), time.process_time(), server()
    for start in range(0, len(queries), ARTICLE):
        batch = queries[start : start + ARTICLE]
        for match, edited in zip(suggest_many(memory, lang, target, [Query(q) for q in batch], THRESHOLD, None), edits[start:]):
            found["none" if match is None else "fuzzy" if match.fuzzy else "exact"] += 1
            exact_repeats += edited == 0 and match is not None and not match.fuzzy
    seconds, cpu, server_seconds = time.perf_counter() - began, time.process_time() - cpu_began, server() - server_began
    rate = len(queries) / seconds
    on_server = f", {server_seconds:.1f} s CPU in the server" if pg else ""
    print(
        f"  {backend} lookups: {len(queries):,} in {seconds:.1f} s, {rate:,.0f} lookups/s in batches of {ARTICLE} "
        f"({cpu:.1f} s CPU in this process{on_server}: {len(queries) / (cpu + server_seconds):,.0f} lookups per CPU second; "
        f"exact {found['exact']:,}, fuzzy {found['fuzzy']:,}, no match {found['none']:,}); load average {os.getloadavg()[0]:.1f}"
    )
    print(f"  {backend} exact repeats found as exact: {exact_repeats}/{edits.count(0)} = {100 * exact_repeats / max(edits.count(0), 1):.1f} %")
    for edited, expected in truth.items():
        misses = []
        for query, brute_score in expected:
            fast = memory.fuzzy(lang, target, query, THRESHOLD)
            if fast is None or fast.score != int(brute_score):
                misses.append((query, brute_score, fast.score if fast else None))
        agreed = len(expected) - len(misses)
        print(
            f"  {backend} recall, {edited} word{'s' * (edited > 1)} edited: {agreed}/{len(expected)} = {100 * agreed / max(len(expected), 1):.1f} % "
            f"of those with a brute-force match ≥ {THRESHOLD}"
        )
        for query, brute_score, fast_score in misses[:2]:
            print(f"    missed: brute force {brute_score:.0f}, index {fast_score}: {query[:80]}")
    memory.close()
    print(f"  {backend} further file into the full TM: {imported(backend, location, lang, growth)}; load average {os.getloadavg()[0]:.1f}")
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="200000", help="TM sizes, comma-separated (e.g. 200000,2000000)")
    parser.add_argument("--lang", default="en", choices=sorted(TARGET))
    parser.add_argument("--vocabulary", default="zipf", choices=("zipf", "samples"))
    parser.add_argument("--pg", default=None, help="postgresql:// URL: benchmark the PostgreSQL backend there too, on the same corpus")
    parser.add_argument("--only-pg", action="store_true", help="with --pg: skip SQLite")
    parser.add_argument("--lookups", type=int, default=3_000)
    parser.add_argument("--recall", type=int, default=100, help="sentences checked against brute force for each number of edited words")
    args = parser.parse_args()
    vocabulary = zipf_vocabulary(args.lang) if args.vocabulary == "zipf" else samples_vocabulary()
    backends = [b for b in ("SQLite", "PostgreSQL") if (b == "SQLite" and not (args.pg and args.only_pg)) or (b == "PostgreSQL" and args.pg)]
    for size in (int(s) for s in args.sizes.split(",")):
        print(f"{' and '.join(backends)}, {args.lang}→{TARGET[args.lang]}, {args.vocabulary} vocabulary ({len(vocabulary.words):,} words), {size:,} units (cpus: {os.cpu_count()}):")
        began = time.perf_counter()
        sources, queries, edits = corpus(size, args.lang, vocabulary, args.lookups)
        truth = brute_force(sources, queries, edits, args.recall)
        growth = further(size, args.lang, vocabulary, sources)
        print(f"  (corpus and brute-force answers: {time.perf_counter() - began:.0f} s)")
        rates = {}
        for backend in backends:
            with tempfile.TemporaryDirectory(dir=os.environ.get("TMPDIR")) as tmp, memory_at(args.pg if backend == "PostgreSQL" else None, Path(tmp)) as (location, db_size):
                rates[backend] = measure(backend, location, db_size, args.lang, sources, queries, edits, truth, growth)
        if len(rates) == 2:
            print(f"  PostgreSQL / SQLite lookups: {rates['PostgreSQL'] / rates['SQLite']:.2f}")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"  peak memory of this process: {peak:,.0f} MiB (corpus and brute-force list included)")


if __name__ == "__main__":
    main()
