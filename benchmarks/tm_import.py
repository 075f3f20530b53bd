"""How fast ``tm import`` stores units: one ``Memory.add`` of N units (one transaction), then the index settled.

The corpus is benchmarks/tm_lookup.py's (news-like sentences with real word
frequencies, pip install 'transflow[bench]'). Prints units/s of wall time
with the CPU seconds of this process and, on PostgreSQL, of the server's
backend beside it, so a loaded machine does not hide the figure.

    python benchmarks/tm_import.py --units 200000 [--pg postgresql://user@host/db] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import tempfile
from pathlib import Path

from tm_lookup import TARGET, imported, memory_at, sentence_maker, zipf_vocabulary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=200_000)
    parser.add_argument("--lang", default="en", choices=sorted(TARGET))
    parser.add_argument("--pg", default=None, help="postgresql:// URL: import into a fresh schema there (dropped afterwards)")
    parser.add_argument("--profile", action="store_true", help="print the 15 functions with the most own time (cProfile)")
    args = parser.parse_args()
    rng, make = random.Random(args.units), sentence_maker(args.lang, zipf_vocabulary(args.lang))
    sources = list(dict.fromkeys(make(rng) for _ in range(args.units)))
    backend = "PostgreSQL" if args.pg else "SQLite"
    with tempfile.TemporaryDirectory() as folder, memory_at(args.pg, Path(folder)) as (location, db_size):
        profile = cProfile.Profile() if args.profile else None
        if profile:
            profile.enable()
        rate = imported(backend, location, args.lang, sources)
        if profile:
            profile.disable()
        print(f"{backend}: {rate}; database {db_size() / 2**20:,.0f} MiB; load average {os.getloadavg()[0]:.1f}")
    if profile:
        pstats.Stats(profile).sort_stats("tottime").print_stats(15)


if __name__ == "__main__":
    main()
