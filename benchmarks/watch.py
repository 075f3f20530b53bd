"""Time from save to PO under ``transflow watch``: single saves and a burst, engine time apart from transflow's own.

A watch runs in this process (a thread, the real file-system notifications,
the tiny real models), so the moment a PO is written is the moment the watch
logs its draft. For each article: latency = draft logged − file saved; the
engine's share is the MT time of the burst the article was drafted in (an
article waits for its whole burst's MT batch); transflow's own share is the
rest: noticing the save, the settle time, reading, segmenting, the TM, the
merge with reviewed work and writing the files. Target: own ≤ 2 s at p95.

    python benchmarks/watch.py                 # 20 single saves, a 200-file burst
    python benchmarks/watch.py --saves 5 --burst 50
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--saves", type=int, default=20, help="single saves of one article, one after another")
    parser.add_argument("--burst", type=int, default=200, help="files dropped into the inbox at once")
    parser.add_argument("--settle", type=float, default=1.0, help="the watch's --settle (its default: 1 s)")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="transflow-watch-bench-"))
    from tiny_models import build_packages

    os.environ["ARGOS_PACKAGES_DIR"] = str(build_packages(work / "models"))
    from transflow.project import Project
    from transflow.watch import Watch
    from transflow.workflow import Settings

    project = work / "project"
    inbox = project / "inbox"
    inbox.mkdir(parents=True)
    layout = Project(project, project / "locales", project / "localized", project / ".transflow")
    events: list[tuple[float, str, dict]] = []
    seen = threading.Condition()

    def log(event: str, message: str, **fields) -> None:
        with seen:
            events.append((time.perf_counter(), event, fields))
            seen.notify_all()

    watch = Watch([inbox], Settings(layout, "en", ("vi",)), log=log, settle=args.settle)
    runner = threading.Thread(target=watch.run, daemon=True)
    runner.start()
    wait_for(seen, events, lambda: any(e == "watching" for _, e, _ in events))

    # warm the engine (model load) so the first single save does not carry it
    (inbox / "warm.txt").write_text("The model is loaded once for the life of the watch.\n", encoding="utf-8")
    wait_for(seen, events, lambda: _drafted(events, "inbox/warm.txt"))

    single = []
    story = inbox / "story.txt"
    for n in range(args.saves):
        text = "".join(f"Paragraph {_word(k)} of the breaking story as it develops.\n\n" for k in range(n + 1))
        mark = len(events)
        saved = time.perf_counter()
        story.write_text(text, encoding="utf-8")
        wait_for(seen, events, lambda: _burst_after(events[mark:], "inbox/story.txt"))
        single.append(_latency(events[mark:], "inbox/story.txt", saved))

    staging = project / "staging"
    staging.mkdir()
    names = []
    for n in range(args.burst):
        word = _word(n)
        (staging / f"wire-{n:04d}.txt").write_text(
            f"A story about {word} from the wire.\n\nThe council of {word} met and agreed on a budget.\n", encoding="utf-8"
        )
        names.append(f"wire-{n:04d}.txt")
    mark = len(events)
    saved_at = {}
    for name in names:
        saved_at[name] = time.perf_counter()
        (staging / name).rename(inbox / name)
    wait_for(seen, events, lambda: all(_burst_after(events[mark:], f"inbox/{name}") for name in names), deadline=1800)
    burst = [_latency(events[mark:], f"inbox/{name}", saved_at[name]) for name in names]
    bursts = [fields for _, event, fields in events[mark:] if event == "burst"]

    watch.stop()
    runner.join(60)
    print(f"settle {args.settle:g} s; machine load {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; tiny real models")
    _print("single saves", single)
    _print(f"{args.burst}-file burst", burst)
    print(f"  the burst was drafted in {len(bursts)} MT batch(es): " + "; ".join(
        f"{b['articles']} articles, {b['sent_to_mt']} sentences, {b['seconds']:.2f} s ({b['engine_seconds']:.2f} s engine)" for b in bursts
    ))


def _word(n: int) -> str:
    return "".join("abcdefghijklmnopqrstuvwxyz"[int(digit)] for digit in f"{n:04d}")


def wait_for(condition: threading.Condition, events: list, predicate, deadline: float = 600) -> None:
    end = time.monotonic() + deadline
    with condition:
        while not predicate():
            if not condition.wait(timeout=max(0.0, end - time.monotonic())):
                if time.monotonic() >= end:
                    raise SystemExit(f"the watch did not draft within {deadline:g} s; see {events[-5:]}")


def _drafted(events, article: str):
    return next(((at, fields) for at, event, fields in events if event == "drafted" and fields["article"] == article), None)


def _burst_after(events, article: str) -> bool:
    drafted = _drafted(events, article)
    return drafted is not None and any(event == "burst" and when >= drafted[0] for when, event, _ in events)


def _latency(events, article: str, saved: float) -> tuple[float, float]:
    """(seconds from save to PO, the engine's seconds in the burst that drafted it)."""
    at, _ = _drafted(events, article)
    burst = next(fields for when, event, fields in events if event == "burst" and when >= at)
    return at - saved, burst["engine_seconds"]


def _print(what: str, samples: list[tuple[float, float]]) -> None:
    total = [t for t, _ in samples]
    engine = [e for _, e in samples]
    own = [t - e for t, e in samples]
    print(f"{what} ({len(samples)} articles): save → PO median {statistics.median(total):.2f} s, p95 {_p95(total):.2f} s")
    print(f"  engine   median {statistics.median(engine):.2f} s, p95 {_p95(engine):.2f} s")
    print(f"  transflow median {statistics.median(own):.2f} s, p95 {_p95(own):.2f} s  (target: p95 ≤ 2 s)")


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


if __name__ == "__main__":
    main()
