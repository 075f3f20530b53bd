"""A nightly batch at newsroom scale: 500 articles to vi and ja with the tiny test models.

Prints the wall time and peak memory (RSS) of three runs on the same project:
the first run, a re-run with nothing changed (incremental: no MT), and a run
after one paragraph of one article was edited (only its sentences go to MT).
Each run is a separate ``transflow batch`` process, as in a cron job.

    python benchmarks/batch.py [--articles 500]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tiny_models import ROOT, build_packages

SOURCES = [ROOT / "sample_articles" / name for name in ("asean-japan.txt", "mekong-summit.md", "asean-cybersecurity.html")]
PLACES = ["Hanoi", "Tokyo", "Jakarta", "Manila", "Bangkok", "Vientiane", "Phnom Penh", "Singapore", "Kuala Lumpur"]


def generate(folder: Path, count: int) -> list[Path]:
    """*count* articles: the samples with varied places, numbers and dates, so most sentences differ."""
    rng = random.Random(2026)
    folder.mkdir(parents=True)
    paths = []
    for n in range(count):
        source = SOURCES[n % len(SOURCES)]
        text = source.read_text(encoding="utf-8")
        text = text.replace("Nov. 27", f"Nov. {rng.randint(1, 30)}").replace("240.8", f"{rng.randint(100, 400)}.{rng.randint(0, 9)}")
        text = text.replace("Kuala Lumpur", rng.choice(PLACES)).replace("27 countries", f"{rng.randint(10, 30)} countries")
        path = folder / f"{n:04d}-{source.stem}{source.suffix}"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


# Runs `transflow ARGS` and prints the process's own peak RSS (VmHWM) when it exits;
# ru_maxrss of a child would include the memory of the process that forked it.
_CHILD = """
import atexit, runpy, sys
def report():
    status = open('/proc/self/status').read().splitlines()
    print('PEAK_KIB', next(l.split()[1] for l in status if l.startswith('VmHWM:')))
atexit.register(report)
sys.argv = ['transflow', *sys.argv[1:]]
runpy.run_module('transflow', run_name='__main__')
"""


def run(project: Path, env: dict[str, str], args: tuple[str, ...] = ("batch", "articles", "--to", "vi,ja")) -> tuple[float, float, str]:
    """One ``transflow ARGS`` process: wall seconds, peak RSS in MiB, its MT summary line."""
    began = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _CHILD, *args], cwd=project, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - began
    if done.returncode != 0:
        raise SystemExit(f"batch failed: {done.stderr[-2000:]}")
    lines = done.stdout.splitlines()
    mt_line = next((line for line in lines if line.startswith("MT:")), "")
    peak = next(int(line.split()[1]) for line in lines if line.startswith("PEAK_KIB"))
    return wall, peak / 1024, mt_line


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=500)
    count = parser.parse_args().articles
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        env = {**os.environ, "ARGOS_PACKAGES_DIR": str(build_packages(root)), "XDG_DATA_HOME": str(root / "xdg"), "COLUMNS": "200"}
        project = root / "newsroom"
        project.mkdir()
        shutil.copy(ROOT / "transflow.toml", project / "transflow.toml")
        shutil.copytree(ROOT / "glossaries", project / "glossaries")
        articles = generate(project / "articles", count)
        print(f"{count} articles, 2 target languages, tiny copy models; machine: {os.cpu_count()} CPUs")
        results = {"first run": run(project, env), "re-run, nothing changed": run(project, env)}
        edited = articles[(count // 2) // len(SOURCES) * len(SOURCES)]  # a copy of asean-japan.txt
        text = edited.read_text(encoding="utf-8")
        paragraph = "The ministers also discussed the East Sea issue."
        assert paragraph in text
        edited.write_text(text.replace(paragraph, "The ministers also discussed maritime security at length."), encoding="utf-8")
        results["one paragraph of one article edited"] = run(project, env)
        for label, (wall, rss, mt_line) in results.items():
            print(f"{label:<38} {wall:7.1f} s   peak RSS {rss:6.0f} MiB   {mt_line}")


if __name__ == "__main__":
    main()
