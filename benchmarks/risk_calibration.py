"""How the review-risk defaults were calibrated: drafts of the English sample articles into
Vietnamese with the careless test model (and with its variant that garbles every
placeholder form, so terms must be repaired), with the newsroom glossary.

Prints, per model, how many drafts had a term repaired or not enforced (or markup
lost), the lowest points among those, the highest points among the clean ones, and
the levels. The defaults hold when every "hard" draft scores above every clean one.

    python benchmarks/risk_calibration.py
"""

from __future__ import annotations

import sys
import tempfile
import zipfile
from collections import Counter
from pathlib import Path

from transflow.config import load as load_config
from transflow.draft import collect_units, machine_translate, prepare
from transflow.engines.argos import ArgosEngine
from transflow.formats import parse_file
from transflow.glossary import load
from transflow.glossary.enforce import Enforcer
from transflow.models import InstalledModel
from transflow.risk import RiskSettings, assess
from transflow.segment import segments_of
from transflow.synthetic_models import build_copy_package, train_sentencepiece

ROOT = Path(__file__).resolve().parent.parent
ENGLISH = ["asean-japan.txt", "mekong-summit.md", "asean-cybersecurity.html"]


def engine(folder: Path, sp_model: Path, name: str, garble: str) -> ArgosEngine:
    package = build_copy_package(folder / f"{name}.argosmodel", "en", "vi", sp_model, careless=True, also_garble=garble)
    with zipfile.ZipFile(package) as archive:
        archive.extractall(folder / name)
    return ArgosEngine(installed={("en", "vi"): InstalledModel("en", "vi", "1.0", folder / name / "translate-en_vi-1_0")})


def main() -> int:
    settings = RiskSettings()
    glossary = load([ROOT / "glossaries" / "newsroom.csv"])
    rules = load_config(ROOT / "transflow.toml").order_rules
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "sample_articles").iterdir())]
        sp_model = train_sentencepiece(texts, folder / "spm")
        ok = True
        for name, garble in (("careless", ""), ("careless, garbling every placeholder", "Z")):
            mt = engine(folder, sp_model, "m" + str(len(garble)), garble)
            hard, clean, levels = [], [], Counter()
            for article in ENGLISH:
                path = ROOT / "sample_articles" / article
                units = collect_units(segments_of(parse_file(path), "en"), article)
                draft = prepare(units, {}, "en", "vi", Enforcer(glossary, "en", "vi", rules), risk=settings)
                machine_translate([draft], mt)
                for unit, job in draft.pending:
                    points, risk = assess(job.signals, settings)
                    levels[risk.level] += 1
                    signals = job.signals
                    lost = signals.terms_repaired or signals.terms_missing or signals.figures_repaired or signals.figures_missing or signals.markup_lost
                    (hard if lost else clean).append(points)
            lowest_hard = min(hard) if hard else None
            highest_clean = max(clean) if clean else None
            separated = lowest_hard is None or highest_clean is None or lowest_hard > highest_clean
            ok &= separated
            print(
                f"{name}: {len(hard) + len(clean)} drafts, {len(hard)} with a term or figure repaired/not enforced or markup lost "
                f"(lowest {lowest_hard} points), {len(clean)} clean (highest {highest_clean} points); "
                f"levels {dict(levels)}; {'separated' if separated else 'NOT separated'} "
                f"(high at {settings.high:g}, soft signals at most {settings.model_score_low + settings.qa_max + settings.length_ratio + settings.pivot + settings.long_source:g})"
            )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
