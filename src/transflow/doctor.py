"""``transflow models doctor``: does each installed package load, tokenize and translate?

Also shows the licence and attribution lines of each package's README, so the
newsroom can credit OPUS-MT as CC-BY requires.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from . import models
from .engines.argos import ArgosEngine

SENTENCES = {
    "en": "Hanoi (VNA) – ASEAN and Japan pledged closer cooperation on Nov. 27.",
    "vi": "Hà Nội (TTXVN) – ASEAN và Nhật Bản cam kết tăng cường hợp tác.",
    "ja": "ASEANと日本は協力の強化を約束した。",
}
_LICENCE_WORDS = ("licen", "cc-by", "cc by", "attribution", "copyright", "opus")


@dataclass
class Checkup:
    model: models.InstalledModel
    problems: list[str] = field(default_factory=list)
    licence: list[str] = field(default_factory=list)
    sample: str = ""

    @property
    def healthy(self) -> bool:
        return not self.problems


def examine(model: models.InstalledModel) -> Checkup:
    report = Checkup(model)
    sentence = SENTENCES.get(model.from_code, SENTENCES["en"])
    readme = model.path / "README.md"
    if readme.is_file():
        lines = readme.read_text(encoding="utf-8", errors="replace").splitlines()
        report.licence = [line.strip() for line in lines if any(w in line.lower() for w in _LICENCE_WORDS)][:4]
    engine = ArgosEngine(installed={(model.from_code, model.to_code): model})
    try:
        loaded = engine.load(model)
    except Exception as err:  # noqa: BLE001 - any failure to load is what the doctor reports
        report.problems.append(f"does not load: {' '.join(str(err).split())}")
        return report
    decoded = loaded.decode(loaded.tokenizer.encode(sentence))
    if _normal(decoded) != _normal(sentence):
        report.problems.append(f"tokenizer does not round-trip: {decoded!r}")
    try:
        report.sample = engine.translate([sentence], model.from_code, model.to_code)[0]
    except Exception as err:  # noqa: BLE001
        report.problems.append(f"cannot translate: {' '.join(str(err).split())}")
        return report
    if not report.sample.strip():
        report.problems.append("translates to nothing")
    return report


def _normal(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())
