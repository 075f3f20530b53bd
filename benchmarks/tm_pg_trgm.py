"""The alternative the PostgreSQL TM was measured against: pg_trgm's trigram GIN index.

Same corpus and queries as tm_lookup.py; candidates are the 40 nearest units
by trigram distance among those above pg_trgm's similarity threshold, then
rescored with rapidfuzz as transflow does. Prints import rate, lookups per
second and recall against brute force, for comparison with tm_lookup.py --pg.

    python benchmarks/tm_pg_trgm.py --pg postgresql://user@host/db [--units 200000] [--threshold 0.3]
"""

from __future__ import annotations

import argparse
import random
import time
import uuid

import psycopg
from rapidfuzz import fuzz, process

from tm_lookup import THRESHOLD, edit, normalize, sentence_maker, zipf_vocabulary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", required=True)
    parser.add_argument("--units", type=int, default=200_000)
    parser.add_argument("--lookups", type=int, default=300)
    parser.add_argument("--threshold", type=float, default=0.3, help="pg_trgm.similarity_threshold")
    args = parser.parse_args()
    vocabulary = zipf_vocabulary("en")
    make = sentence_maker("en", vocabulary)
    rng = random.Random(args.units)
    sources = list(dict.fromkeys(normalize(make(rng)) for _ in range(int(args.units * 1.05))))[: args.units]
    schema = f"trgm_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(args.pg, autocommit=True) as db:
        db.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        db.execute(f"CREATE SCHEMA {schema}")
        try:
            db.execute(f"CREATE TABLE {schema}.units (id bigint PRIMARY KEY, norm text NOT NULL)")
            db.execute(f"CREATE INDEX ON {schema}.units USING gin (norm gin_trgm_ops)")
            began = time.perf_counter()
            with db.cursor().copy(f"COPY {schema}.units (id, norm) FROM STDIN") as copy:
                for n, text in enumerate(sources):
                    copy.write_row((n, text))
            db.execute(f"VACUUM ANALYZE {schema}.units")
            seconds = time.perf_counter() - began
            size = db.execute(f"SELECT pg_total_relation_size('{schema}.units')").fetchone()[0]
            print(f"pg_trgm: {args.units:,} units imported in {seconds:.1f} s ({args.units / seconds:,.0f} units/s), {size / 2**20:,.0f} MiB")
            queries = [edit(rng, rng.choice(sources), "en", vocabulary) for _ in range(args.lookups)]
            db.execute(f"SET pg_trgm.similarity_threshold = {args.threshold}")
            found, began = [], time.perf_counter()
            for query in queries:
                rows = db.execute(
                    f"SELECT norm FROM {schema}.units WHERE norm %% %s ORDER BY norm <-> %s LIMIT 40", (normalize(query), normalize(query))
                ).fetchall()
                found.append(max((fuzz.ratio(normalize(query), norm) for (norm,) in rows), default=0))
            seconds = time.perf_counter() - began
            print(f"pg_trgm: {args.lookups} fuzzy lookups in {seconds:.1f} s, {args.lookups / seconds:,.1f} lookups/s")
            matched = agreed = 0
            for query, fast in zip(queries, found):
                brute = process.extractOne(normalize(query), sources, scorer=fuzz.ratio, score_cutoff=THRESHOLD)
                if brute is not None:
                    matched += 1
                    agreed += int(fast) == int(brute[1])
            print(f"pg_trgm: recall {agreed}/{matched} = {100 * agreed / max(matched, 1):.1f} % against brute force")
        finally:
            db.execute(f"DROP SCHEMA {schema} CASCADE")


if __name__ == "__main__":
    main()
