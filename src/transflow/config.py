"""Project settings: built-in defaults, then ``transflow.toml``, then command-line flags.

The defaults *are* the commented template that ``transflow init`` writes, so
the two cannot disagree. Relative paths in the file are relative to the
file's folder (the project root), so a nightly job can run from anywhere
with ``--config``.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import languages
from .errors import UsageError
from .glossary.enforce import OrderRule
from .memory import is_server
from .risk import RiskSettings

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

CONFIG_NAME = "transflow.toml"

TEMPLATE = """\
# transflow project settings. Command-line flags override what is set here.

# The languages to translate into, and the source language of an article too
# short to tell (each article's language is detected from its text; --from overrides).
source = "en"
targets = ["vi", "ja"]

[paths]
# The folder whose layout locales/ and localized/ mirror. Empty: every
# top-level folder of the project is one (inbox/day1/story.txt ->
# locales/<lang>/day1/story.po); "." mirrors the whole path from the project.
articles = ""
# PO/XLIFF files go to <locales>/<lang>/<sub-folders>/<article>.po
locales = "locales"
# Built articles go to <localized>/<lang>/<sub-folders>/<article file name>
localized = "localized"
# Project state: translation memory, caches, manifests.
state = ".transflow"
# Where Argos packages are installed (empty: argostranslate's default or $ARGOS_PACKAGES_DIR).
models = ""

[glossary]
# Newsroom glossaries (CSV/TSV or TBX), combined in this order.
files = []

# Word order between adjacent glossary terms, by entry type (the glossary's
# "type" column). In Japanese the person comes before the title that precedes
# it in English; from Japanese, the title goes first again.
[[glossary.order]]
target = "ja"
sequence = ["title", "person"]
output = "{person}{title}"

[[glossary.order]]
source = "ja"
sequence = ["person", "title"]
output = "{title} {person}"

[engine]
# "argos" (offline MT with installed Argos packages) or "none" (empty drafts for human translation).
name = "argos"
# beam_size = 1 is a faster "draft" mode (see the README's throughput table).
beam_size = 4
max_batch_size = 32
# 0 = automatic: one translator per core (up to 4), the other cores within each.
inter_threads = 0
intra_threads = 0
compute_type = "auto"
# "cpu", or "cuda" to translate on GPUs (a CUDA build of CTranslate2).
device = "cpu"

[memory]
# The project translation memory; reviewed sentences are learnt by
# "transflow build" and reused by "transflow translate" before MT.
# An SQLite file, or the desk's shared PostgreSQL database, e.g.
# "postgresql://transflow@tm.newsroom.internal/transflow" (pip install 'transflow[postgres]').
path = ".transflow/tm.sqlite"
# Fuzzy matches at or above this similarity (0-100) become fuzzy suggestions.
fuzzy_threshold = 75

[qa]
# Checks to switch off for this project, e.g. ["length", "repeated-word"].
# One entry is exempted with a translator comment "qa-ignore: numbers" (or "qa-ignore").
disable = []

[build]
# Refuse to build an article with fewer reviewed segments than this percentage.
min_translated = 80

[batch]
# Where "transflow batch" translates: "local" (this machine) or "ray" (a Ray
# cluster; pip install 'transflow[ray]'). This machine still reads and writes every file.
executor = "local"
# The Ray cluster to join: "auto" (the one 'ray start' runs on this machine),
# HOST:PORT of its head node, or "" (RAY_ADDRESS if set, else start one here).
ray_address = ""
# Workers: 0 = as many as the cluster holds; CPUs per worker, 0 = up to 4 (one model replica each).
ray_workers = 0
ray_worker_cpus = 0
# A folder of model packages every node sees at the same path; "" = shipped from this machine.
ray_models = ""

[risk]
# Review risk of each draft, shown to the reviewer ("review: high — term
# repaired (Thủ tướng)") and used by "transflow status --review". Each signal
# found adds its points; a draft is high at `high` points or more, medium at
# `medium`. One repaired or unenforced term, or lost markup, outweighs all the
# soft signals together (3 + 2 + 2 + 1 + 1 = 9), so such drafts always rank
# first; see the README for how the defaults were calibrated.
high = 10
medium = 3
term_not_enforced = 12
term_repaired = 10
markup_lost = 10
# The model's mean log-probability per token below which it counts as unsure.
model_score = -1.0
model_score_low = 3
# A fuzzy TM match with differences left uncorrected, or all corrected.
tm_not_corrected = 3
tm_corrected = 1
# Per QA warning on the draft, at most qa_max in all.
qa_warning = 1
qa_max = 2
# Translation length outside the band the QA "length" check expects.
length_ratio = 2
pivot = 1
long_source = 1
long_source_words = 40

[risk.work]
# Review work per source word left, by risk level (status --review).
high = 4
medium = 2
low = 1
untranslated = 3
"""


@dataclass
class Config:
    root: Path
    source: str
    targets: list[str]
    locales: Path
    localized: Path
    state: Path
    articles: Path | None
    models: Path | None
    glossaries: list[Path]
    order_rules: list[OrderRule]
    engine: dict[str, Any]
    min_translated: float
    memory: Path | str  # a file, or a postgresql:// URL
    fuzzy_threshold: float
    qa_disabled: list[str]
    risk: RiskSettings = field(default_factory=RiskSettings)
    file: Path | None = None  # the transflow.toml read, if any
    executor: str = "local"
    ray_address: str = ""
    ray_workers: int = 0
    ray_worker_cpus: int = 0
    ray_models: Path | None = None

    def path(self, relative: Path) -> Path:
        """*relative* resolved against the project root (kept relative when the root is the current folder)."""
        if relative.is_absolute() or self.root.resolve() == Path.cwd().resolve():
            return relative
        return self.root / relative


def load(explicit: Path | None = None) -> Config:
    """The defaults, overlaid with *explicit* or the ``transflow.toml`` of the project the current folder is in."""
    path = explicit or find_config(Path.cwd())
    defaults = tomllib.loads(TEMPLATE)
    if explicit is None and not path.is_file():
        return _from_mapping(defaults, Path.cwd(), Path("transflow defaults"))
    if not path.is_file():
        raise UsageError(f"{path}: no such config file; run 'transflow init' to write one")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise UsageError(f"{path}: invalid TOML ({err}); fix the file or rewrite it with 'transflow init --force'") from None
    unknown = sorted(set(data) - set(defaults))
    if unknown:
        raise UsageError(f"{path}: unknown setting {unknown[0]!r}; known: {', '.join(sorted(defaults))}")
    tables = [key for key, value in defaults.items() if isinstance(value, dict)]
    if any(not isinstance(data.get(key, {}), dict) for key in tables):
        raise UsageError(f"{path}: {', '.join(f'[{key}]' for key in tables)} must be tables; see 'transflow init'")
    merged = {key: {**value, **data[key]} if key in tables and key in data else data.get(key, value) for key, value in defaults.items()}
    config = _from_mapping(merged, path.resolve().parent, path)
    config.file = path.resolve()
    return config


def find_config(start: Path) -> Path:
    """``transflow.toml`` in *start* or the nearest folder above it (as git finds its repository), so
    a command run in a sub-folder of the project works on that project; ``./transflow.toml`` if none."""
    for folder in (start, *start.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder / CONFIG_NAME
    return Path(CONFIG_NAME)


def _order_rule(rule: Any, origin: Path) -> OrderRule:
    try:
        sequence = tuple(str(kind) for kind in rule["sequence"])
        output = str(rule["output"])
        output.format(**{kind: "" for kind in sequence})
    except (KeyError, TypeError, IndexError, ValueError):
        raise UsageError(
            f"{origin}: each [[glossary.order]] needs sequence = [\"title\", \"person\"] and an output using those names"
        ) from None
    return OrderRule(sequence, output, rule.get("target"), rule.get("source"))


def _memory_location(value: Any) -> str:
    if not isinstance(value, str) or not value or ("://" in value and not is_server(value)):
        raise UsageError('memory.path must be a file path or a postgresql:// URL, e.g. "postgresql://transflow@tm-server/transflow"')
    return value


def _from_mapping(data: dict[str, Any], root: Path, origin: Path) -> Config:
    paths, glossary = data["paths"], data["glossary"]
    try:
        source = languages.check(str(data["source"]))
        if not isinstance(data["targets"], list):
            raise UsageError('targets must be a list such as ["vi", "ja"]')
        targets = [languages.check(str(t)) for t in data["targets"]]
        min_translated = float(data["build"]["min_translated"])
        fuzzy_threshold = float(data["memory"]["fuzzy_threshold"])
        memory = _memory_location(data["memory"]["path"])
    except UsageError as err:
        raise UsageError(f"{origin}: {err}") from None
    except (TypeError, ValueError):
        raise UsageError(f"{origin}: build.min_translated and memory.fuzzy_threshold must be numbers from 0 to 100") from None
    batch = data["batch"]
    unknown_batch = sorted(set(batch) - set(tomllib.loads(TEMPLATE)["batch"]))
    if unknown_batch:
        raise UsageError(f"{origin}: unknown setting [batch] {unknown_batch[0]}; see 'transflow init'")
    if batch["executor"] not in ("local", "ray"):
        raise UsageError(f'{origin}: [batch] executor = {batch["executor"]!r}; use "local" or "ray"')
    if not all(isinstance(batch[key], int) and batch[key] >= 0 for key in ("ray_workers", "ray_worker_cpus")):
        raise UsageError(f"{origin}: [batch] ray_workers and ray_worker_cpus must be whole numbers (0 = automatic)")
    config = Config(
        root=root,
        source=source,
        targets=targets,
        articles=Path(paths["articles"]) if paths.get("articles") else None,
        locales=Path(paths["locales"]),
        localized=Path(paths["localized"]),
        state=Path(paths["state"]),
        models=None,
        glossaries=[],
        order_rules=[_order_rule(rule, origin) for rule in glossary.get("order", [])],
        engine=dict(data["engine"]),
        min_translated=min_translated,
        memory=memory,
        fuzzy_threshold=fuzzy_threshold,
        qa_disabled=[str(name) for name in data["qa"].get("disable", [])],
        executor=str(batch["executor"]),
        ray_address=str(batch["ray_address"]),
        ray_workers=batch["ray_workers"],
        ray_worker_cpus=batch["ray_worker_cpus"],
        risk=RiskSettings.from_mapping(data["risk"], str(origin)),
    )
    config.memory = config.memory if is_server(config.memory) else config.path(Path(config.memory))
    config.models = config.path(Path(paths["models"])) if paths.get("models") else None
    config.glossaries = [config.path(Path(p)) for p in glossary.get("files", [])]
    config.ray_models = config.path(Path(batch["ray_models"])) if batch["ray_models"] else None
    return config
