"""Figure enforcement rate per model and language pair, on sample and generated articles.

Builds the tiny copy models (faithful, and "careless": deletes %, $, /,
brackets and other symbol tokens) and drafts every sample article, plus
generated articles dense with figures in each language, into the other two
languages with the house style of transflow.toml, pivoting vi↔ja through
English. A figure counts as right when its house-style rendering is in the
draft and the QA numbers check finds its value; every other one must be
named on its fuzzy entry, and the script says so if one is not.

Both ways of enforcing figures are measured: "repair" (the default: a figure
goes to MT as written, the model's copy is found by value and rewritten in
house style, and only a figure that did not come back costs a second pass, as
a placeholder) and "placeholder" (figures are placeholders from the first
pass, repaired by value when the placeholder is lost). MT passes per sentence
show what each way costs.

    python benchmarks/figure_enforcement.py [--articles N]
"""

from __future__ import annotations

import argparse
import random
import tempfile
from pathlib import Path

from tiny_models import PAIRS, ROOT, build_packages
from transflow import config, qa
from transflow.draft import collect_units, draft
from transflow.engines.argos import ArgosEngine
from transflow.figures.enforce import NOT_ENFORCED, FigureEnforcer
from transflow.formats import parser_for
from transflow.models import InstalledModel
from transflow.protect import FormLearning
from transflow.segment import segments_of

SAMPLES = {"asean-japan.txt": "en", "mekong-summit.md": "en", "hoi-nghi-asean.txt": "vi", "asean-nihon.txt": "ja"}
MONTHS = ["Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."]


def generated(lang: str, rng: random.Random, sentences: int = 12) -> str:
    """An article of news sentences with random figures of every kind, written as *lang*'s press writes them."""
    out = []
    for _ in range(sentences):
        n, d, m, y = rng.randint(2, 9_999), rng.randint(1, 28), rng.randint(1, 12), rng.randint(2000, 2030)
        whole, tenth, pct = rng.randint(1, 999), rng.randint(1, 9), rng.randint(1, 99)
        hour, minute = rng.randint(1, 11), rng.choice([0, 15, 30, 45])
        vi_n = f"{n:,}".replace(",", ".")
        choices = {
            "en": [
                f"Japan will train {n:,} young leaders by {MONTHS[m - 1]} {d}, {y}.",
                f"Two-way trade reached {whole}.{tenth} billion USD, up {pct}% on the year.",
                f"The ministers pledged ${whole}.{tenth} million for the {rng.randint(2, 60)}th meeting on {MONTHS[m - 1]} {d}.",
                f"Talks open at {hour}:{minute:02d} a.m. and cover {y}–{y + 5}, with {whole} km of new roads.",
                f"Rice exports rose {pct}.{tenth} percent to {whole} million tonnes worth {whole} billion yen.",
            ],
            "vi": [
                f"Nhật Bản sẽ đào tạo {vi_n} thanh niên trước ngày {d}/{m}/{y}.",
                f"Kim ngạch thương mại hai chiều đạt {whole},{tenth} tỷ USD, tăng {pct}%.",
                f"Hội nghị lần thứ {rng.randint(2, 60)} diễn ra ngày {d}/{m} với {whole} triệu đồng.",
                f"Cuộc họp bắt đầu lúc {hour}h{minute:02d} trong giai đoạn {y}-{y + 5}.",
                f"Xuất khẩu gạo đạt {whole} triệu tấn, trị giá {whole} tỷ yên.",
            ],
            "ja": [
                f"日本は{y}年{m}月{d}日までに若手リーダー{n}人を育成する。",
                f"二国間貿易額は{whole}{tenth}億ドルに達し、前年比{pct}%増えた。",
                f"第{rng.randint(2, 60)}回会議は{m}月{d}日に開かれ、{whole}億{rng.randint(1, 9)}000万円を拠出した。",
                f"会議は午後{hour}時{f'{minute}分' if minute else ''}に始まり、{y}～{y + 5}年を対象とする。",
                f"コメ輸出は{whole}万トンに達した。",
            ],
        }[lang]
        out.append(rng.choice(choices))
    return "\n\n".join(out) + "\n"


def engine(folder: Path, careless: bool) -> ArgosEngine:
    packages = build_packages(folder, careless=careless)
    installed = {pair: InstalledModel(*pair, "1.0", packages / f"translate-{pair[0]}_{pair[1]}-1_0") for pair in PAIRS}
    return ArgosEngine(installed=installed)


def articles(count: int) -> list[tuple[str, str, str]]:
    """(name, language, text): the samples, then *count* generated articles per language."""
    found = [(name, lang, (ROOT / "sample_articles" / name).read_text(encoding="utf-8")) for name, lang in SAMPLES.items()]
    rng = random.Random(16)
    for lang in ("en", "vi", "ja"):
        found += [(f"generated-{lang}-{i}.txt", lang, generated(lang, rng)) for i in range(count)]
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=3, help="generated articles per source language")
    count = parser.parse_args().articles
    styles = config.load(ROOT / "transflow.toml").figures
    corpus = articles(count)
    with tempfile.TemporaryDirectory() as tmp:
        print(f"{'model':<10}{'figures by':<13}{'pair':<8}{'figures':>9}{'right':>8}{'repaired':>10}{'flagged':>9}{'qa':>5}{'rate':>9}{'passes':>8}")
        for label, careless, way in [(m, c, w) for m, c in (("copy", False), ("careless", True)) for w in ("repair", "placeholder")]:
            mt = engine(Path(tmp) / label, careless)
            totals: dict[tuple[str, str], list[int]] = {}
            unnamed = 0
            for name, source, text in corpus:
                segments = segments_of(parser_for(Path(name))(text), source)
                for target in (lang for lang in ("en", "vi", "ja") if lang != source):
                    units = collect_units(segments, name)
                    figures = FigureEnforcer(source, target, styles, placeholders=way == "placeholder")
                    stats = draft(units, {}, mt, source, target, None, figures, FormLearning())
                    problems = qa.run(units, name, qa.Context(source, target), ())
                    row = totals.setdefault((source, target), [0, 0, 0, 0, 0, 0, 0])
                    for unit in units:
                        named = [p.message for p in unit.problems if p.check == NOT_ENFORCED]
                        for span in figures.spans(unit.source):
                            row[0] += 1
                            if span.replacement in unit.target:
                                row[1] += 1
                            elif not any(repr(unit.source[span.start : span.end]) in message for message in named):
                                unnamed += 1
                    row[2] += stats.figures_repaired
                    row[3] += stats.figures_flagged
                    row[4] += sum(1 for p in problems if p.check == "numbers")
                    row[5] += stats.mt_passes
                    row[6] += stats.machine
            for (source, target), (total, right, repaired, flagged, qa_errors, passes, sentences) in sorted(totals.items()):
                rate = 100.0 * right / total if total else 100.0
                pair = f"{source}→{target}"
                print(f"{label:<10}{way:<13}{pair:<8}{total:>9}{right:>8}{repaired:>10}{flagged:>9}{qa_errors:>5}{rate:>8.1f}%{passes / sentences:>8.2f}")
            print(f"{label:<10}{way:<13}figures neither right nor named on their entry: {unnamed}")


if __name__ == "__main__":
    main()
