"""Linear time on hostile and large input: segmentation, QA and glossary matching.

Each stage runs at two sizes in one process and prints both times and their
ratio. Linear means that 10x the input costs at most 12x the time; for the
glossary, 50x the terms must cost about the same per segment (the trie's
cost depends on the text, not on the number of terms).

    python benchmarks/scaling.py [--small 100000] [--repeat 3]

Inputs: newsroom prose (English with abbreviations, Japanese), and the
shapes that used to be quadratic: one long paragraph with many periods,
long runs of word characters with no e-mail address in them, long runs of
Japanese without a repeated word.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable

from transflow import qa
from transflow.document import Unit
from transflow.glossary import DEPRECATED, Entry, Glossary, Term
from transflow.glossary.enforce import Enforcer
from transflow.segment import segment

EN = (
    "Deputy Foreign Minister Nguyen Quoc Dung met Mr. Iwaya Takeshi on Nov. 27 in Hanoi. "
    "The U.S. and Japan backed ASEAN's central role, said Dr. Kao Kim Hourn (No. 5 on the list). "
    "Two-way trade reached 240.8 billion USD last year… They agreed to meet again in Tokyo! "
)
JA = "岩屋外務大臣は「地域の平和と安定が重要だ。」と述べた。日本はASEANとの協力を続ける。貿易額は2408億ドルに達した！"
RUNS = {
    "word run (no e-mail)": lambda n: "a" * n,
    "dotted word": lambda n: "a." * (n // 2),
    "Japanese run": lambda n: "".join(chr(0x4E00 + (i * 7919) % 20000) for i in range(n)),
}


def timed(work: Callable[[], object], repeat: int) -> float:
    """The best of *repeat* runs, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


def repeat_to(text: str, size: int) -> str:
    return (text * (size // len(text) + 1))[:size]


def report(label: str, small: float, large: float, factor: float, limit: float) -> bool:
    ratio = large / small if small else float("inf")
    ok = ratio <= limit
    print(f"  {label:<34} {small:8.3f} s {large:8.3f} s   ratio {ratio:5.1f}x  (≤ {limit:g}x: {'ok' if ok else 'TOO SLOW'})")
    return ok


def segmentation(small: int, repeat: int) -> bool:
    print(f"segmentation: one block of {small:,} vs {small * 10:,} characters")
    ok = True
    cases = {"English news (one paragraph)": (EN, "en"), "Japanese news (one paragraph)": (JA, "ja")}
    cases.update({f"{name}, en": (maker(small), "en") for name, maker in RUNS.items() if name != "Japanese run"})
    for label, (text, lang) in cases.items():
        base = text if len(text) >= small else repeat_to(text, small)
        times = [timed(lambda t=repeat_to(base, size): segment(t, lang), repeat) for size in (small, small * 10)]
        ok &= report(label, *times, 10, 12)
    return ok


def quality(small: int, repeat: int) -> bool:
    print(f"QA: {small:,} vs {small * 10:,} characters of translation")

    def sentences(size: int, text: str) -> list[Unit]:
        pieces = [piece for piece in text.replace("。", "。\n").replace(". ", ".\n").splitlines() if piece]
        units, total, i = [], 0, 0
        while total < size:
            piece = pieces[i % len(pieces)]
            units.append(Unit(piece, piece))
            total += len(piece)
            i += 1
        return units

    ok = True
    cases: dict[str, tuple[Callable[[int], list[Unit]], str]] = {
        "news sentences, vi": (lambda n: sentences(n, EN), "vi"),
        "news sentences, ja": (lambda n: sentences(n, JA), "ja"),
    }
    for name, maker in RUNS.items():
        for lang in ("vi", "ja"):
            cases[f"{name}, {lang}"] = (lambda n, m=maker: [Unit("x", m(n))], lang)
    for label, (make, lang) in cases.items():
        context = qa.Context("en", lang)
        times = [timed(lambda units=make(size): qa.run(units, "bench.po", context), repeat) for size in (small, small * 10)]
        ok &= report(label, *times, 10, 12)
    return ok


def glossary(repeat: int) -> bool:
    rng = random.Random(15)
    syllables = "an ban chi da duc gia ha hoa khanh lam minh nam phu quoc son tan thanh trung viet xuan".split()

    def term() -> str:
        return " ".join(rng.choice(syllables).capitalize() for _ in range(rng.randint(2, 4)))

    def kanji() -> str:
        return "".join(chr(0x4E00 + rng.randrange(20000)) for _ in range(rng.randint(2, 4)))

    entries = []
    seen: set[str] = set()
    while len(entries) < 50_000:
        english = term()
        if english in seen:
            continue
        seen.add(english)
        entries.append(Entry({"en": [Term(english)], "ja": [Term(kanji()), Term(kanji(), DEPRECATED)], "vi": [Term(english.upper()), Term(english.lower(), DEPRECATED)]}))
    shared = entries[:1000]  # the segments use terms both glossaries hold
    sources = [
        f"The minister said {rng.choice(shared).terms['en'][0].text} and {rng.choice(shared).terms['en'][0].text} would cooperate on trade."
        for _ in range(1000)
    ]
    targets_ja = [f"{rng.choice(shared).terms['ja'][1].text}は述べた。{rng.choice(shared).terms['ja'][0].text}と協力する。" for _ in range(1000)]
    targets_vi = [f"Ông {rng.choice(shared).terms['vi'][1].text} nói rằng hai bên sẽ hợp tác." for _ in range(1000)]
    print(f"glossary: 1,000 vs 50,000 terms, per segment ({len(sources):,} segments)")
    ok = True
    results = {}
    for size in (1000, 50_000):
        chosen = Glossary(entries[:size])
        to_ja, to_vi = Enforcer(chosen, "en", "ja"), Enforcer(chosen, "en", "vi")
        results[size] = (
            timed(lambda: [to_ja.spans(s) for s in sources], repeat) / len(sources),
            timed(lambda: [to_ja.deprecated_in(t) for t in targets_ja], repeat) / len(targets_ja),
            timed(lambda: [to_vi.deprecated_in(t) for t in targets_vi], repeat) / len(targets_vi),
        )
        found = sum(bool(to_ja.deprecated_in(t)) for t in targets_ja)
        assert found == len(targets_ja), "every Japanese target uses a deprecated term"
    for index, label in enumerate(("source terms (protect)", "deprecated terms, ja", "deprecated terms, vi")):
        small, large = results[1000][index], results[50_000][index]
        ratio = large / small
        good = ratio <= 1.5
        ok &= good
        print(f"  {label:<34} {small * 1e6:8.1f} µs {large * 1e6:8.1f} µs per segment   ratio {ratio:4.2f}x  (≈ 1x: {'ok' if good else 'TOO SLOW'})")
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", type=int, default=100_000, help="the smaller input, in characters (the larger is 10x)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the best is kept")
    args = parser.parse_args()
    results = [segmentation(args.small, args.repeat), quality(args.small, args.repeat), glossary(args.repeat)]
    print("all linear" if all(results) else "SOMETHING IS NOT LINEAR")


if __name__ == "__main__":
    main()
