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
from .figures import style
from .figures.style import HouseStyle
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
# beam_size = 1 is a faster "draft" mode (docs/performance.md, "MT throughput").
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
# "postgresql://transflow@tm.newsroom.internal/transflow" (pip install -e '.[postgres]' in transflow's folder).
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
# cluster; pip install -e '.[ray]' in transflow's folder). This machine still reads and writes every file.
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
# first; docs/qa.md says how the defaults were calibrated.
high = 10
medium = 3
term_not_enforced = 12
term_repaired = 10
# A figure (number, money, date) MT lost: not enforced, or put back in house style.
figure_not_enforced = 12
figure_repaired = 10
markup_lost = 10
# The model's mean log-probability per token below which it counts as unsure.
model_score = -1.0
model_score_low = 3
# A machine draft whose engine gives no score says "no model score"; points added for it.
no_model_score = 0
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
# Japanese is counted in characters: a sentence this long is as long as 40 English words.
long_source_characters = 100

[risk.work]
# Review work per source word left, by risk level (status --review).
high = 4
medium = 2
low = 1
untranslated = 3

# House style for figures: how numbers, money, dates and times are written in
# each language a draft is written in. MT never sees a figure: it is replaced by
# a placeholder and written back in this style (docs/figures.md).
# Unset decimal/group symbols and month names come from babel's locale data.
# Templates are Python format strings; money and units are keyed by ISO
# currency code and by unit (km, kg, tonne, hectare, MW, GW).

# 3,000; 240.8 billion USD; 40%; Dec. 2; Dec. 2, 2026; December 2026; 10:30 a.m.; 2025–2030
[figures.en]
group_min = 1000
scales = { trillion = 12, billion = 9, million = 6 }
percent = "{number}%"
ordinal = "{n}{suffix}"
ordinal_suffixes = { "1" = "st", "2" = "nd", "3" = "rd", other = "th" }
date = "{month_abbr} {day}"
date_year = "{month_abbr} {day}, {year}"
month_year = "{month_name} {year}"
months = ["Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."]
time = "{h12}:{mm} {ampm}"
time_hour = "{h12} {ampm}"
ampm = ["a.m.", "p.m."]
range = "{low}–{high}"
money = { USD = "{amount} USD", JPY = "{amount} yen", VND = "{amount} VND", EUR = "{amount} euros" }
units = { km = "{number} km", kg = "{number} kg", tonne = "{number} tonnes", hectare = "{number} hectares", MW = "{number} MW", GW = "{number} GW" }

# 3.000; 240,8 tỷ USD; 40%; ngày 2/12; ngày 2/12/2026; tháng 12/2026; 10h30; 2025-2030
[figures.vi]
group_min = 1000
scales = { "nghìn tỷ" = 12, "tỷ" = 9, "triệu" = 6 }
percent = "{number}%"
ordinal = "thứ {n}"
date = "ngày {day}/{month}"
date_year = "ngày {day}/{month}/{year}"
month_year = "tháng {month}/{year}"
time = "{h24}h{mm}"
time_hour = "{h24}h"
range = "{low}-{high}"
money = { USD = "{amount} USD", JPY = "{amount} yên", VND = "{amount} đồng", EUR = "{amount} euro" }
units = { km = "{number} km", kg = "{number} kg", tonne = "{number} tấn", hectare = "{number} ha", MW = "{number} MW", GW = "{number} GW" }

# 3000人 (3,000人 with group_min = 1000); 2408億ドル; 1億5000万円; 3万人; 40%;
# 12月2日; 2026年12月2日; 2026年12月; 午後3時30分; 2025～2030
[figures.ja]
group_min = 10000
scales = { "兆" = 12, "億" = 8, "万" = 4 }
compound_scales = true
scale_unscaled_from = 10000
scale_format = "{number}{scale}"
percent = "{number}%"
ordinal = "第{n}"
date = "{month}月{day}日"
date_year = "{year}年{month}月{day}日"
month_year = "{year}年{month}月"
time = "{ampm}{h12}時{m}分"
time_hour = "{ampm}{h12}時"
ampm = ["午前", "午後"]
range = "{low}～{high}"
money = { USD = "{amount}ドル", JPY = "{amount}円", VND = "{amount}ドン", EUR = "{amount}ユーロ" }
units = { km = "{number}キロ", kg = "{number}キログラム", tonne = "{number}トン", hectare = "{number}ヘクタール", MW = "{number}メガワット", GW = "{number}ギガワット" }
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
    figures: dict[str, HouseStyle]
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
    # A language's house style overrides the default one setting by setting.
    merged["figures"] = {
        lang: {**defaults["figures"].get(lang, {}), **values} if isinstance(values, dict) else values
        for lang, values in {**defaults["figures"], **data.get("figures", {})}.items()
    }
    config = _from_mapping(merged, path.resolve().parent, path)
    config.file = path.resolve()
    return config


def find_project(start: Path) -> Path | None:
    """The folder holding ``transflow.toml`` at *start* or above it, or None when there is no project."""
    found = find_config(start.resolve())
    return found.parent if found.is_absolute() else None


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

        figures=style.load(data["figures"], str(origin)),
        risk=RiskSettings.from_mapping(data["risk"], str(origin)),
    )
    config.memory = config.memory if is_server(config.memory) else config.path(Path(config.memory))
    config.models = config.path(Path(paths["models"])) if paths.get("models") else None
    config.glossaries = [config.path(Path(p)) for p in glossary.get("files", [])]
    config.ray_models = config.path(Path(batch["ray_models"])) if batch["ray_models"] else None
    return config
