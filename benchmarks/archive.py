"""Archive scale: the batch on Ray against the local batch, the driver's cost per sentence, its memory.

(1) Throughput on this machine with the realistic-cost model of
    benchmarks/mt_throughput.py (6+6-layer Transformer, d512, 8 heads, FFN
    2048, 50,000-piece vocabulary, int8, random weights with an
    end-of-sentence bias): ``run_batch`` over generated articles of 25 unique
    news sentences, en→vi, with the local engine and with Ray workers (a Ray
    instance started here, one worker holding both CPUs as the local engine
    does). Ray's start, the model shipping and the workers' model loading are
    timed apart: they happen once per run, not per sentence. Then the same
    files check with two one-CPU workers (shards put back in order), PO and
    XLIFF, en→vi and the pivot pair vi→ja (vi→en→ja). The model's scores
    are real (about -8/token), so every draft's review line carries "model
    score low": a Ray run that lost them, or any other difference, prints
    DIFFERENT and the script exits with status 1.
(2) The driver's work per sentence: the same batch over more articles with an
    engine that answers at once, so what remains is what the driver does for
    every sentence (read, parse, segment, protect, MT cache, restore, QA,
    PO writing, manifest). MT seconds per sentence on one worker divided by
    this is how many such workers one driver keeps busy.
(3) Peak RSS of the driver process (``transflow batch --ray`` in a fresh
    process, its own VmHWM) at two archive sizes: copies of the three English
    sample articles, so that after the first chunk every sentence comes from
    the MT cache and the run measures the driver, which still reads, parses,
    segments, looks up and writes every article.

    python benchmarks/archive.py [--articles 12] [--check-articles 2] [--driver-articles 200] [--sizes 1000,20000] [--parts 1,2,3]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import tempfile
import time
from pathlib import Path

from tiny_models import build_packages
from transflow.engines import Scored, Translation

SENTENCES_PER_ARTICLE = 25


def write_articles(folder: Path, count: int, seed: int, lang: str = "en") -> list[Path]:
    """*count* plain-text articles: a headline and paragraphs of 3–5 generated news sentences."""
    from tm_lookup import samples_vocabulary, sentence_maker

    make = sentence_maker(lang, samples_vocabulary())
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(count):
        sentences = [make(rng) for _ in range(SENTENCES_PER_ARTICLE)]
        paragraphs, i = [sentences[0].rstrip(".")], 1
        while i < len(sentences):
            size = rng.randint(3, 5)
            paragraphs.append(" ".join(sentences[i : i + size]))
            i += size
        path = folder / f"{n:06d}.txt"
        path.write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


class Instant(Scored):
    """An engine that answers at once (its output is its input, scored as sure), to leave only the driver's work."""

    name = "argos"

    def check(self, source: str, target: str) -> None:
        pass

    def origin(self, source: str, target: str) -> str:
        return "MT instant"

    def translate_scored(self, texts, source, target):
        return [Translation(text, 0.0) for text in texts]


def batch_settings(project: Path, source: str = "en", targets: tuple[str, ...] = ("vi",), formats: tuple[str, ...] = ("po",)):
    from transflow.project import Project
    from transflow.workflow import Settings

    layout = Project(project, project / "locales", project / "localized", project / ".transflow")
    return Settings(layout, source, targets, formats=formats, force_source_lang=True)


def batch_seconds(paths: list[Path], project: Path, engine=None) -> tuple[float, int]:
    from transflow.batch import run_batch

    shutil.rmtree(project / ".transflow", ignore_errors=True)
    shutil.rmtree(project / "locales", ignore_errors=True)
    began = time.perf_counter()
    result = run_batch(paths, batch_settings(project), engine=engine)
    seconds = time.perf_counter() - began
    assert {r.status for r in result.reports} == {"translated"}, [r.error for r in result.reports if r.error][:3]
    return seconds, result.sent_to_mt


def both_pairs(project: Path, english: list[Path], vietnamese: list[Path], engine=None) -> dict[str, bytes]:
    """The PO and XLIFF files of en→vi over *english* and vi→ja (a pivot) over *vietnamese*, from scratch."""
    from transflow.batch import run_batch

    shutil.rmtree(project / ".transflow", ignore_errors=True)
    shutil.rmtree(project / "locales", ignore_errors=True)
    for paths, source, target in ((english, "en", "vi"), (vietnamese, "vi", "ja")):
        result = run_batch(paths, batch_settings(project, source, (target,), ("po", "xliff")), engine=engine)
        assert {r.status for r in result.reports} == {"translated"}, [r.error for r in result.reports if r.error][:3]
    return snapshot(project / "locales")


def compare(name: str, local: dict[str, bytes], other: dict[str, bytes]) -> bool:
    """Print whether two runs wrote the same files (and which differ); True if they did."""
    differ = sorted(path for path in local.keys() | other.keys() if local.get(path) != other.get(path))
    low = sum(data.count(b"model score low (") for path, data in local.items() if path.endswith(".po"))
    if differ:
        print(f"    {name}: DIFFERENT files: {', '.join(differ[:6])}{' …' if len(differ) > 6 else ''} ({len(differ)} of {len(local)})", flush=True)
    else:
        print(f"    {name}: same files ({len(local)} files, {low} PO entries with 'model score low')", flush=True)
    return not differ


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file's bytes, without the PO header dates (the two runs are minutes apart)."""
    dated = re.compile(rb'^"(POT-Creation|PO-Revision)-Date: [^"]*"\n', re.M)
    return {p.relative_to(folder).as_posix(): dated.sub(b"", p.read_bytes()) for p in sorted(folder.rglob("*")) if p.is_file()}


def driver_peak(root: Path, count: int, packages: Path) -> tuple[float, float, str]:
    """Wall seconds, peak driver RSS (MiB) and MT line of ``transflow batch --ray`` over *count* generated articles."""
    from batch import SOURCES, run

    project = root / f"archive-{count}"
    (project / "articles").mkdir(parents=True)
    for n in range(count):
        source = SOURCES[n % len(SOURCES)]
        shutil.copy(source, project / "articles" / f"{n:06d}-{source.name}")
    env = {**os.environ, "ARGOS_PACKAGES_DIR": str(packages), "COLUMNS": "200"}
    env.pop("RAY_ADDRESS", None)
    measured = run(project, env, ("batch", "articles", "--to", "vi", "--ray"))
    shutil.rmtree(project)
    return measured


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=12, help="articles for the local vs Ray throughput (25 sentences each)")
    parser.add_argument("--check-articles", type=int, default=2, help="articles per language pair for the two-worker same-files check")
    parser.add_argument("--driver-articles", type=int, default=200, help="articles for the driver's work per sentence")
    parser.add_argument("--sizes", default="1000,20000", help="archive sizes for the driver's peak RSS")
    parser.add_argument("--parts", default="1,2,3", help="which measurements to run")
    args = parser.parse_args()
    parts = set(args.parts.split(","))
    same = True
    root = Path(tempfile.mkdtemp(prefix="transflow-archive-"))
    realistic = root / "realistic"
    os.environ["ARGOS_PACKAGES_DIR"] = str(realistic / "packages")
    os.environ["XDG_DATA_HOME"] = str(root / "xdg")
    try:
        import ctranslate2
        import ray

        from mt_throughput import build
        from tm_lookup import samples_vocabulary, sentence_maker
        from transflow.engines.argos import ArgosEngine, ArgosSettings
        from transflow.engines.ray_pool import RayOptions, ray_engine

        if parts & {"1", "2"}:
            make, rng = sentence_maker("en", samples_vocabulary()), random.Random(9)
            realistic.mkdir()
            build(realistic, [make(rng) for _ in range(20_000)], [("en", "vi"), ("vi", "en"), ("en", "ja")])
            print(f"machine: {os.cpu_count()} CPUs, ctranslate2 {ctranslate2.__version__}, ray {ray.__version__}")

            project = root / "throughput"
            paths = write_articles(project / "articles", args.articles, seed=1)
            local = ArgosEngine(ArgosSettings())
            local.load(local.installed[("en", "vi")])  # loaded before the clock starts, as the Ray workers' models are
            local_s, sent = batch_seconds(paths, project, local)
            del local
            local_files = snapshot(project / "locales")
            began = time.perf_counter()
            with ray_engine(ArgosSettings(), [("en", "vi")], RayOptions()) as engine:
                startup = time.perf_counter() - began
                ray_s, ray_sent = batch_seconds(paths, project, engine)
            print(f"(1) {sent} sentences en→vi, realistic-cost model, {len(engine.workers)} Ray worker(s)")
            print(f"    local batch       {sent / local_s:6.2f} sentences/s ({local_s:6.1f} s)")
            print(f"    Ray batch         {ray_sent / ray_s:6.2f} sentences/s ({ray_s:6.1f} s); Ray start, model shipping and loading once: {startup:.1f} s")
            print(f"    Ray overhead on one node: {100 * (ray_s / local_s - 1):+.1f} %  (target < 15 %)", flush=True)
            same = compare("one worker, PO, en→vi", local_files, snapshot(project / "locales"))

            english = write_articles(project / "check-en", args.check_articles, seed=3)
            vietnamese = write_articles(project / "check-vi", args.check_articles, seed=4, lang="vi")
            local_files = both_pairs(project, english, vietnamese, ArgosEngine(ArgosSettings()))
            with ray_engine(ArgosSettings(), [("en", "vi"), ("vi", "ja")], RayOptions(workers=2, worker_cpus=1)) as engine:
                ray_files = both_pairs(project, english, vietnamese, engine)
                workers = len(engine.workers)
            same &= compare(f"{workers} workers, PO and XLIFF, en→vi and vi→en→ja", local_files, ray_files)

            many = write_articles(project / "many", args.driver_articles, seed=2)
            driver_s, driver_sent = batch_seconds(many, project, Instant())
            per_sentence = driver_s / driver_sent
            mt_per_sentence = ray_s / ray_sent
            print(f"(2) driver work: {1000 * per_sentence:.2f} ms per sentence ({driver_sent} sentences, {driver_s:.1f} s) = {1 / per_sentence:.0f} sentences/s;")
            print(f"    MT on one 2-CPU worker {1000 * mt_per_sentence:.0f} ms per sentence: one driver feeds about {mt_per_sentence / per_sentence:.0f} such workers")

        packages = build_packages(root / "copy")
        for count in (int(size) for size in args.sizes.split(",") if "3" in parts):
            wall, peak, mt_line = driver_peak(root, count, packages)
            print(f"(3) {count:>6} articles (--to vi, copy models): {wall:7.1f} s, driver peak RSS {peak:6.0f} MiB   {mt_line}", flush=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    if not same:
        raise SystemExit("archive.py: a Ray batch wrote different files from the local batch (see DIFFERENT above)")


if __name__ == "__main__":
    main()
