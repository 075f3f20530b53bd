"""The tiny copy models the tests use, built for benchmarks (no download, a second or two)."""

from __future__ import annotations

import zipfile
from pathlib import Path

from transflow.synthetic_models import build_copy_package, train_sentencepiece

ROOT = Path(__file__).resolve().parent.parent
PAIRS = [("en", "vi"), ("en", "ja"), ("vi", "en"), ("ja", "en")]


def build_packages(folder: Path, careless: bool = False) -> Path:
    """Unpack copy models for every pair into ``folder/packages`` (an ARGOS_PACKAGES_DIR); return it."""
    folder.mkdir(parents=True, exist_ok=True)
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "sample_articles").iterdir())]
    sp_model = train_sentencepiece(texts, folder / "spm")
    packages = folder / "packages"
    for source, target in PAIRS:
        package = build_copy_package(folder / f"{source}_{target}.argosmodel", source, target, sp_model, careless=careless)
        with zipfile.ZipFile(package) as archive:
            archive.extractall(packages)
    return packages
