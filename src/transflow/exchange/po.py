"""PO files for reviewers in Poedit: Units in, Units out.

The header carries what Poedit and msgfmt need (Language, Plural-Forms from
babel, UTF-8) plus X-Source-Language so that ``build`` knows how the source
was segmented. Entries keep document order and polib's standard wrapping, and
a re-run that changes nothing rewrites the same bytes, so diffs stay small.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import polib

from .. import __version__, languages
from ..document import Unit
from ..errors import TransflowError
from ..textio import read_text, write_atomic


@dataclass
class Catalog:
    """A PO file's units, header and the obsolete entries it carries along."""

    units: list[Unit]
    source_language: str | None = None
    language: str | None = None
    header: dict[str, str] = field(default_factory=dict)
    obsolete: list[Unit] = field(default_factory=list)
    entries_text: str | None = None  # the entries as the PO file held them, to keep its dates if unchanged

    def by_source(self) -> dict[str, Unit]:
        return {unit.source: unit for unit in self.units}


_STRING_LINE = re.compile(r'^(?:#~\s*)?(?:(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+)?"(?:[^"\\]|\\.)*"\s*$')
_KEYWORD = re.compile(r"^(?:#~\s*)?(?:msgctxt|msgid|msgstr)|^(?:#~\s*)?\"")


def read(path: Path) -> Catalog:
    """Parse a PO file, with a one-line error naming the file and line when it is malformed."""
    if not path.is_file():
        raise TransflowError(f"{path}: no such PO file; run 'transflow translate' first or give --from FILE.po")
    text = read_text(path, "PO file")
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if _KEYWORD.match(stripped) and not _STRING_LINE.match(stripped):
            raise TransflowError(f"{path}:{number}: malformed PO file (bad or unterminated string); fix it in Poedit or check it with msgfmt --check")
    try:
        po = polib.pofile(str(path), encoding="utf-8", check_for_duplicates=True)
    except (OSError, ValueError, UnicodeDecodeError) as err:
        raise TransflowError(f"{path}: malformed PO file ({_one_line(err)}); fix it in Poedit or check it with msgfmt --check") from None
    units = [_unit(entry) for entry in po if not entry.obsolete]
    obsolete = [_unit(entry) for entry in po if entry.obsolete]
    return Catalog(
        units,
        po.metadata.get("X-Source-Language") or None,
        po.metadata.get("Language") or None,
        dict(po.metadata),
        obsolete,
        _entries_text(po),
    )


def _one_line(err: Exception) -> str:
    return " ".join(str(err).split())


def _unit(entry: polib.POEntry) -> Unit:
    return Unit(
        source=entry.msgid,
        target=entry.msgstr,
        fuzzy="fuzzy" in entry.flags,
        context=entry.msgctxt,
        occurrences=[(path, int(line)) for path, line in entry.occurrences if str(line).isdigit()],
        notes=entry.comment.splitlines() if entry.comment else [],
        translator_comment=entry.tcomment or "",
        previous_source=entry.previous_msgid,
    )


def write(path: Path, catalog: Catalog, article: str) -> None:
    """Write *catalog*, the translation of *article*, atomically.

    The header dates change only when the entries differ from those the
    catalog was read with, so a re-run with nothing to do rewrites the same bytes.
    """
    po = polib.POFile(wrapwidth=78)
    po.header = f"{languages.english_name(catalog.language or '')} translation of {article}."
    po.metadata = _header(catalog, Path(article).stem)
    for unit in catalog.units:
        po.append(_entry(unit))
    for unit in catalog.obsolete:
        entry = _entry(unit)
        entry.obsolete = True
        entry.occurrences = []
        po.append(entry)
    if catalog.entries_text == _entries_text(po) and catalog.header.get("PO-Revision-Date"):
        po.metadata["POT-Creation-Date"] = catalog.header.get("POT-Creation-Date", po.metadata["POT-Creation-Date"])
        po.metadata["PO-Revision-Date"] = catalog.header["PO-Revision-Date"]
    text = str(po)
    write_atomic(path, text if text.endswith("\n") else text + "\n")


def _entries_text(po: polib.POFile) -> str:
    return "".join(str(entry) for entry in po)


def _header(catalog: Catalog, project: str) -> dict[str, str]:
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M+0000")
    old = catalog.header
    language = catalog.language or ""
    return {
        "Project-Id-Version": old.get("Project-Id-Version", project),
        "Report-Msgid-Bugs-To": old.get("Report-Msgid-Bugs-To", ""),
        "POT-Creation-Date": now,
        "PO-Revision-Date": now,
        "Last-Translator": old.get("Last-Translator", ""),
        "Language-Team": old.get("Language-Team", f"{languages.english_name(language)} <>"),
        "Language": language,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": languages.plural_forms(language),
        "X-Source-Language": catalog.source_language or "",
        "X-Generator": f"transflow {__version__}",
    }


def _entry(unit: Unit) -> polib.POEntry:
    entry = polib.POEntry(
        msgid=unit.source,
        msgstr=unit.target,
        msgctxt=unit.context,
        occurrences=[(path, str(line)) for path, line in unit.occurrences],
        comment="\n".join(unit.notes),
        tcomment=unit.translator_comment,
        previous_msgid=unit.previous_source if unit.fuzzy else None,
    )
    if unit.fuzzy:
        entry.flags.append("fuzzy")
    return entry
