"""Reading and writing a PO file of a very long article: 13,500 segments.

polib's duplicate check (``check_for_duplicates=True``) compares every new
entry with every entry before it, which made reading such a file take 46 s;
transflow reads with polib without it and finds duplicates with a set. Prints
the time of transflow's read and write, and of polib's checked read on the
same file, so the ratio comes from one run.

    python benchmarks/po_read.py [SEGMENTS]
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from pathlib import Path

import polib

from transflow.document import Origin, State, Unit
from transflow.exchange import po
from transflow.exchange.catalog import Catalog

WORDS = (
    "the minister said on Tuesday that cooperation in trade investment and energy would continue "
    "as both sides agreed to expand exchanges between their peoples and businesses in Hanoi Tokyo"
).split()


def article_units(count: int, rng: random.Random) -> list[Unit]:
    units = []
    for n in range(count):
        source = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 30))).capitalize() + f" ({n})."
        unit = Unit(source, block="paragraph", occurrences=[("inbox/long-report.md", 3 + 2 * n)])
        unit.translate(f"VI {source}", State.DRAFT if n % 3 else State.REVIEWED, Origin.MT, "MT argos en→vi 1.9")
        units.append(unit)
    return units


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 13_500
    units = article_units(count, random.Random(7))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "long-report.po"
        began = time.perf_counter()
        po.write(path, Catalog(units, "en", "vi"), "inbox/long-report.md")
        written = time.perf_counter() - began
        began = time.perf_counter()
        catalog = po.read(path)
        read = time.perf_counter() - began
        assert len(catalog.units) == count
        began = time.perf_counter()
        polib.pofile(str(path), check_for_duplicates=True)
        checked = time.perf_counter() - began
    print(f"{count:,} segments")
    print(f"transflow write: {written:.2f} s")
    print(f"transflow read (duplicates found with a set): {read:.2f} s")
    print(f"polib read with check_for_duplicates=True: {checked:.2f} s ({checked / read:.0f}x)")


if __name__ == "__main__":
    main()
