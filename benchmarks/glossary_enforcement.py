"""Glossary enforcement rate per model and language pair, on every sample article.

Builds the tiny copy models (faithful, and "careless": deletes bracket-like
and other symbol tokens) and drafts every sample article into the other two
languages with the newsroom glossary, pivoting vi↔ja through English. A term
counts as enforced when its glossary target is in the draft; the rest must be
named on their fuzzy entry, and the script says so if one is not.

    python benchmarks/glossary_enforcement.py
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from tiny_models import PAIRS, ROOT, build_packages
from transflow import config
from transflow.draft import collect_units, draft
from transflow.engines.argos import ArgosEngine
from transflow.formats import parser_for
from transflow.glossary import load
from transflow.glossary.enforce import Enforcer
from transflow.models import InstalledModel
from transflow.segment import segments_of

ARTICLES = {"asean-japan.txt": "en", "mekong-summit.md": "en", "hoi-nghi-asean.txt": "vi", "asean-nihon.txt": "ja"}


def engine(folder: Path, careless: bool) -> ArgosEngine:
    packages = build_packages(folder, careless=careless)
    installed = {pair: InstalledModel(*pair, "1.0", packages / f"translate-{pair[0]}_{pair[1]}-1_0") for pair in PAIRS}
    return ArgosEngine(installed=installed)


def main() -> None:
    glossary = load([ROOT / "glossaries" / "newsroom.csv"])
    rules = config.load(ROOT / "transflow.toml").order_rules
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        print(f"{'model':<10}{'pair':<8}{'terms':>7}{'enforced':>10}{'flagged':>9}{'rate':>8}")
        for label, careless in (("copy", False), ("careless", True)):
            mt = engine(folder / label, careless)
            totals: dict[tuple[str, str], list[int]] = {}
            unnamed = 0
            for name, source in ARTICLES.items():
                path = ROOT / "sample_articles" / name
                segments = segments_of(parser_for(path)(path.read_text(encoding="utf-8")), source)
                for target in (lang for lang in ("en", "vi", "ja") if lang != source):
                    units = collect_units(segments, name)
                    enforcer = Enforcer(glossary, source, target, rules)
                    stats = draft(units, {}, mt, source, target, enforcer)
                    row = totals.setdefault((source, target), [0, 0])
                    row[0] += stats.terms_enforced
                    row[1] += stats.terms_flagged
                    for unit in units:
                        for span in enforcer.spans(unit.source)[0]:
                            if span.replacement not in unit.target and not any(span.replacement in p.message for p in unit.problems):
                                unnamed += 1
            for (source, target), (enforced, flagged) in sorted(totals.items()):
                total = enforced + flagged
                rate = 100.0 * enforced / total if total else 100.0
                print(f"{label:<10}{source + '→' + target:<8}{total:>7}{enforced:>10}{flagged:>9}{rate:>7.1f}%")
            print(f"{label:<10}terms neither enforced nor named on their entry: {unnamed}")


if __name__ == "__main__":
    main()
