"""Exchange formats with translators and CAT tools: Units to files and back.

Every format reads into and writes from the same neutral ``Catalog``
(catalog.py), so a file can be converted either way and any of them can feed
``build``. A new format is one module defining an ``ExchangeFormat`` and one
line in ``REGISTRY``.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import UsageError
from . import po, xliff
from .catalog import Catalog, ExchangeFormat

REGISTRY: tuple[ExchangeFormat, ...] = (
    po.FORMAT,
    xliff.FORMAT_12,
    xliff.FORMAT_20,
)
BY_NAME = {fmt.name: fmt for fmt in REGISTRY}
FORMATS = {fmt.name: fmt.suffixes[0] for fmt in REGISTRY}  # --format name → the suffix it writes
SUFFIXES = tuple(dict.fromkeys(suffix for fmt in REGISTRY for suffix in fmt.suffixes))
XLIFF_SUFFIXES = xliff.FORMAT_12.suffixes

__all__ = ["BY_NAME", "Catalog", "FORMATS", "REGISTRY", "SUFFIXES", "XLIFF_SUFFIXES", "parse_formats", "read", "write"]


def parse_formats(value: str) -> list[str]:
    """``po,xliff`` → ["po", "xliff"]; one format per suffix in a run (xliff and xliff2 both write .xlf)."""
    chosen = list(dict.fromkeys(part.strip().lower() for part in value.split(",") if part.strip()))
    unknown = [f for f in chosen if f not in BY_NAME]
    if unknown or not chosen:
        names = ", ".join(f"{fmt.name} ({fmt.description})" for fmt in REGISTRY)
        raise UsageError(f"unknown format {', '.join(unknown) or value!r}; use {names}, or a comma list such as po,xliff")
    suffixes = [FORMATS[name] for name in chosen]
    clash = next((name for name, suffix in zip(chosen, suffixes) if suffixes.count(suffix) > 1), None)
    if clash is not None:
        both = [name for name in chosen if FORMATS[name] == FORMATS[clash]]
        raise UsageError(f"choose {' or '.join(both)}, not both: they share the {FORMATS[clash]} file")
    return chosen


def reader_for(path: Path) -> ExchangeFormat:
    """The format that reads *path*, by its suffix (the XLIFF reader takes both versions)."""
    suffix = path.suffix.lower()
    found = next((fmt for fmt in REGISTRY if suffix in fmt.suffixes), None)
    if found is None:
        raise UsageError(f"{path}: not a translation file; give {', '.join(SUFFIXES)}")
    return found


def read(path: Path) -> tuple[Catalog, list[str]]:
    """The catalog in a PO or XLIFF file, and problems worth telling the user (damaged units)."""
    return reader_for(path).read(path)


def write(path: Path, catalog: Catalog, article: str, fmt: str, datatype: str = "plaintext") -> None:
    BY_NAME[fmt].write(path, catalog, article, datatype)
