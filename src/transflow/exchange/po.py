"""PO files for reviewers in Poedit: Units in, Units out.

The header carries what Poedit and msgfmt need (Language, Plural-Forms from
babel, UTF-8) plus X-Source-Language so that ``build`` knows how the source
was segmented. Entries keep document order and polib's standard wrapping, and
a re-run that changes nothing rewrites the same bytes, so diffs stay small.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

import polib

from .. import __version__, languages
from ..document import Unit
from ..errors import TransflowError
from ..textio import read_text, write_atomic
from . import facts, states
from .catalog import Catalog, ExchangeFormat, duplicates


_STRING_LINE = re.compile(r'^(?:#~\s*)?(?:(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+)?"(?:[^"\\]|\\.)*"\s*$')
_KEYWORD = re.compile(r"^(?:#~\s*)?(?:msgctxt|msgid|msgstr)|^(?:#~\s*)?\"")


def read(path: Path) -> Catalog:
    """Parse a PO file, with a one-line error naming the file and line when it is malformed.

    Lines are checked first as msgfmt checks them (strings, escapes), and
    duplicates are found with a set: polib's own duplicate check compares
    every entry with every other one, which took 46 s on a 13,500-sentence
    article.
    """
    if not path.is_file():
        raise TransflowError(f"{path}: no such PO file; run 'transflow translate' first or give --from FILE.po")
    text = read_text(path, "PO file")
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if _KEYWORD.match(stripped) and not _STRING_LINE.match(stripped):
            raise TransflowError(f"{path}:{number}: malformed PO file (bad or unterminated string); fix it in Poedit or check it with msgfmt --check")
        if "\\" in stripped and _KEYWORD.match(stripped):
            bad = next((m.group(1) for m in _ESCAPE.finditer(stripped) if not _VALID_ESCAPE.match(m.group(1))), None)
            if bad is not None:
                raise TransflowError(f"{path}:{number}: invalid escape \\{bad[0]} in a PO string (msgfmt rejects it); write \\\\ for a backslash")
    try:
        po = polib.pofile(text, encoding="utf-8", check_for_duplicates=False)
    except (OSError, ValueError, UnicodeDecodeError) as err:
        raise TransflowError(f"{path}: malformed PO file ({_one_line(err)}); fix it in Poedit or check it with msgfmt --check") from None
    for group in (False, True):
        entries = [entry for entry in po if entry.obsolete is group]
        repeated = duplicates([(entry.msgctxt, entry.msgid) for entry in entries])
        if repeated is not None:
            entry = entries[repeated]
            raise TransflowError(f"{path}:{entry.linenum}: duplicate entry for {_shorten(entry.msgid)!r}; merge the two entries (msguniq shows them)")
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


_ESCAPE = re.compile(r"\\(.)")
_VALID_ESCAPE = re.compile(r'[ntrabfv\\"0-7]|x')


def _shorten(text: str, width: int = 50) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _one_line(err: Exception) -> str:
    return " ".join(str(err).split())


def _unit(entry: polib.POEntry) -> Unit:
    unit = Unit(
        source=entry.msgid,
        target=entry.msgstr,
        context=entry.msgctxt,
        occurrences=[(path, int(line)) for path, line in entry.occurrences if str(line).isdigit()],
        translator_comment=entry.tcomment or "",
        previous_source=entry.previous_msgid,
    )
    facts.absorb(unit, entry.comment.splitlines() if entry.comment else [])
    unit.state = states.read_po(unit.target, "fuzzy" in entry.flags, unit.origin, unit.previous_source)
    return unit


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
        comment="\n".join(facts.comments(unit)),
        tcomment=unit.translator_comment,
        previous_msgid=unit.previous_source if unit.fuzzy else None,
    )
    if states.WRITE[unit.state].po_fuzzy:
        entry.flags.append("fuzzy")
    return entry


FORMAT = ExchangeFormat("po", (".po",), "PO for Poedit", lambda path: (read(path), []), lambda path, catalog, article, datatype: write(path, catalog, article))
