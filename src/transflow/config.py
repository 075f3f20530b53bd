"""Project settings: built-in defaults, then ``transflow.toml``, then command-line flags.

Relative paths in the file are relative to the file's folder (the project
root), so a nightly job can run from anywhere with ``--config``.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import languages
from .errors import UsageError

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

CONFIG_NAME = "transflow.toml"

TEMPLATE = """\
# transflow project settings. Command-line flags override what is set here.

# Language of the source articles, and the languages to translate them into.
source = "en"
targets = ["vi", "ja"]

[paths]
# PO/XLIFF files go to <locales>/<lang>/<article>.po
locales = "locales"
# Built articles go to <localized>/<lang>/<article file name>
localized = "localized"
# Project state: translation memory, caches, manifests.
state = ".transflow"
# Where Argos packages are installed (empty: argostranslate's default or $ARGOS_PACKAGES_DIR).
models = ""

[glossary]
# Newsroom glossaries (CSV/TSV or TBX), combined in this order.
files = []

[engine]
# "argos" (offline MT with installed Argos packages) or "none" (empty drafts for human translation).
name = "argos"
beam_size = 4
max_batch_size = 32
inter_threads = 1
intra_threads = 0
compute_type = "auto"

[build]
# Refuse to build an article with fewer reviewed segments than this percentage.
min_translated = 80
"""


@dataclass
class Config:
    root: Path = field(default_factory=Path.cwd)
    source: str = "en"
    targets: list[str] = field(default_factory=lambda: ["vi", "ja"])
    locales: Path = Path("locales")
    localized: Path = Path("localized")
    state: Path = Path(".transflow")
    models: Path | None = None
    glossaries: list[Path] = field(default_factory=list)
    engine: dict[str, Any] = field(default_factory=lambda: {"name": "argos"})
    min_translated: float = 80.0

    def path(self, relative: Path) -> Path:
        """*relative* resolved against the project root (kept relative when the root is the current folder)."""
        if relative.is_absolute() or self.root.resolve() == Path.cwd().resolve():
            return relative
        return self.root / relative


def load(explicit: Path | None = None) -> Config:
    """Read *explicit* or ``./transflow.toml`` if present; defaults otherwise."""
    path = explicit or Path(CONFIG_NAME)
    if explicit is None and not path.is_file():
        return Config()
    if not path.is_file():
        raise UsageError(f"{path}: no such config file; run 'transflow init' to write one")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise UsageError(f"{path}: invalid TOML ({err}); fix the file or rewrite it with 'transflow init --force'") from None
    return _from_mapping(data, path.resolve().parent, path)


def _from_mapping(data: dict[str, Any], root: Path, origin: Path) -> Config:
    known = {"source", "targets", "paths", "glossary", "engine", "build"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise UsageError(f"{origin}: unknown setting {unknown[0]!r}; known: {', '.join(sorted(known))}")
    config = Config(root=root)
    try:
        config.source = languages.check(str(data.get("source", config.source)))
        targets = data.get("targets", config.targets)
        if not isinstance(targets, list):
            raise UsageError(f"{origin}: targets must be a list such as [\"vi\", \"ja\"]")
        config.targets = [languages.check(str(t)) for t in targets]
    except UsageError as err:
        raise UsageError(f"{origin}: {err}") from None
    paths = data.get("paths", {})
    for key in ("locales", "localized", "state"):
        if key in paths:
            setattr(config, key, Path(paths[key]))
    if paths.get("models"):
        config.models = config.path(Path(paths["models"]))
    config.glossaries = [config.path(Path(p)) for p in data.get("glossary", {}).get("files", [])]
    config.engine = {"name": "argos", **data.get("engine", {})}
    try:
        config.min_translated = float(data.get("build", {}).get("min_translated", config.min_translated))
    except (TypeError, ValueError):
        raise UsageError(f"{origin}: build.min_translated must be a number from 0 to 100") from None
    return config
