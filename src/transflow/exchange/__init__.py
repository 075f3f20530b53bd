"""Exchange formats with translators and CAT tools: Units to files and back.

PO (Poedit) and XLIFF 1.2/2.0 (CAT tools) carry the same Catalog, so a file
can be converted either way and any of them can feed ``build``.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import UsageError
from . import po, xliff
from .po import Catalog

FORMATS = {"po": ".po", "xliff": ".xlf", "xliff2": ".xlf"}
XLIFF_SUFFIXES = (".xlf", ".xliff")


def parse_formats(value: str) -> list[str]:
    """``po,xliff`` → ["po", "xliff"]; one XLIFF version per run, since both use .xlf."""
    chosen = list(dict.fromkeys(part.strip().lower() for part in value.split(",") if part.strip()))
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        raise UsageError(f"unknown format {', '.join(unknown) or value!r}; use po, xliff (1.2), xliff2 or a comma list such as po,xliff")
    if "xliff" in chosen and "xliff2" in chosen:
        raise UsageError("choose xliff (1.2) or xliff2, not both: they share the .xlf file")
    return chosen


def read(path: Path) -> tuple[Catalog, list[str]]:
    """The catalog in a PO or XLIFF file, and problems worth telling the user (damaged units)."""
    if path.suffix.lower() in XLIFF_SUFFIXES:
        return xliff.read(path)
    return po.read(path), []


def write(path: Path, catalog: Catalog, article: str, fmt: str, datatype: str = "plaintext") -> None:
    if fmt == "po":
        po.write(path, catalog, article)
    else:
        xliff.write(path, catalog, article, datatype, "2.0" if fmt == "xliff2" else "1.2")
