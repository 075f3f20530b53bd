"""PO files for reviewers in Poedit: Units in, Units out.

The header carries what Poedit and msgfmt need (Language, Plural-Forms from
babel, UTF-8) plus X-Source-Language so that ``build`` knows how the source
was segmented. polib reads; po_text writes as msgcat and Poedit do. Entries
keep document order, and a re-run that changes nothing rewrites the same
bytes, so diffs stay small.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime, timezone
from pathlib import Path

import polib

from .. import __version__, languages
from ..document import Unit
from ..errors import TransflowError
from ..textio import read_text, write_atomic
from . import facts, po_text, states
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
    # Lines end at LF only: str.splitlines would also cut at U+2028, U+0085, form feed… inside a string.
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if _KEYWORD.match(stripped) and not _STRING_LINE.match(stripped):
            raise TransflowError(f"{path}:{number}: malformed PO file (bad or unterminated string); fix it in Poedit or check it with msgfmt --check")
        if "\\" in stripped and _KEYWORD.match(stripped):
            bad = next((m.group(1) for m in _ESCAPE.finditer(stripped) if not _VALID_ESCAPE.match(m.group(1))), None)
            if bad is not None:
                raise TransflowError(f"{path}:{number}: invalid escape \\{bad[0]} in a PO string (msgfmt rejects it); write \\\\ for a backslash")
    try:
        # Given the file name, polib reads lines as files are read (LF); given the text, it would use str.splitlines.
        po = polib.pofile(str(path), encoding="utf-8", check_for_duplicates=False)
    except (OSError, ValueError, UnicodeDecodeError) as err:
        raise TransflowError(f"{path}: malformed PO file ({_one_line(err)}); fix it in Poedit or check it with msgfmt --check") from None
    for group in (False, True):
        entries = [entry for entry in po if bool(entry.obsolete) is group]
        repeated = duplicates([(entry.msgctxt, entry.msgid) for entry in entries])
        if repeated is not None:
            entry = entries[repeated]
            raise TransflowError(f"{path}:{entry.linenum}: duplicate entry for {_shorten(entry.msgid)!r}; merge the two entries (msguniq shows them)")
    lines = text.split("\n")
    units = [_unit(entry, _references(lines, entry)) for entry in po if not entry.obsolete]
    obsolete = [_unit(entry) for entry in po if entry.obsolete]
    return Catalog(
        units,
        languages.base(po.metadata.get("X-Source-Language")),
        languages.base(po.metadata.get("Language")),
        dict(po.metadata),
        obsolete,
        fingerprint(units, obsolete),
        po.header,
        text,
    )


_ESCAPE = re.compile(r"\\(.)")
_VALID_ESCAPE = re.compile(r'[ntrabfv\\"0-7]|x')


def _shorten(text: str, width: int = 50) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _one_line(err: Exception) -> str:
    return " ".join(str(err).split())


def _references(lines: list[str], entry: polib.POEntry) -> list[tuple[str, int]]:
    """The entry's ``#:`` references from the file's own lines: polib splits a name at its spaces,
    even one between the isolates gettext writes around it (``⁨my article.txt⁩``)."""
    found: list[str] = []
    for line in lines[max(entry.linenum - 1, 0) :]:
        if not line.startswith("#"):
            break
        if line.startswith("#:"):
            found.append(line)
    return [(path, line) for path, line in po_text.parse_references(found) if line is not None]


def _unit(entry: polib.POEntry, occurrences: list[tuple[str, int]] | None = None) -> Unit:
    unit = Unit(
        source=entry.msgid,
        target=entry.msgstr,
        context=entry.msgctxt,
        occurrences=occurrences if occurrences is not None else [(path, int(line)) for path, line in entry.occurrences if str(line).isdigit()],
        translator_comment=entry.tcomment or "",
        previous_source=entry.previous_msgid,
        line=entry.linenum,
    )
    facts.absorb(unit, entry.comment.splitlines() if entry.comment else [])
    unit.state = states.read_po(unit.target, "fuzzy" in entry.flags, unit.origin, unit.previous_source)
    return unit


def write(path: Path, catalog: Catalog, article: str) -> None:
    """Write *catalog*, the translation of *article*, atomically, formatted as msgcat (and so Poedit) does.

    When the entries and header are those the file had, its text is written
    back as it was, so a re-run with nothing to do, or one after a Poedit
    save, changes no byte. Otherwise the header keeps the file's fields and
    order (dates and generator updated) and the entries are wrapped at the
    width Poedit finds in the file, so a Poedit save after it changes nothing.
    """
    unchanged = bool(catalog.header) and catalog.entries_text == fingerprint(catalog.units, catalog.obsolete)
    fields = _header(catalog, Path(article).stem, unchanged)
    if unchanged and catalog.source_text is not None and list(fields.items()) == list(catalog.header.items()):
        write_atomic(path, catalog.source_text)
        return
    width = po_text.wrapping_width(catalog.source_text) if catalog.source_text else po_text.PAGE_WIDTH
    comment = catalog.header_comment
    if comment is None:
        comment = f"{languages.english_name(catalog.language or '')} translation of {article}."
    header = "".join(f"{key}: {value}\n" for key, value in fields.items())
    text = po_text.render_entry(po_text.Entry("", header, translator_comments=[comment] if comment else []), width)
    entries = render_units(catalog.units, catalog.obsolete, width)
    write_atomic(path, text + ("\n" + entries if entries else ""))


def render_units(units: list[Unit], obsolete: list[Unit], width: int = po_text.PAGE_WIDTH) -> str:
    """The entries of a PO file (without its header) as they are written."""
    return po_text.render([_entry(unit) for unit in units] + [_entry(unit, obsolete=True) for unit in obsolete], width)


def fingerprint(units: list[Unit], obsolete: list[Unit]) -> str:
    """A digest of what the entries say as written, whatever an editor did to the wrapping of
    their comments (polib wraps them, Poedit does not); obsolete entries keep no references or
    extracted comments in a PO file, so those do not count for them."""
    digest = hashlib.sha256()
    for entry in [_entry(unit) for unit in units] + [_entry(unit, obsolete=True) for unit in obsolete]:
        extracted = "" if entry.obsolete else " ".join(" ".join(entry.extracted_comments).split())
        references = () if entry.obsolete else tuple(entry.references)
        row = (entry.obsolete, entry.msgctxt, entry.msgid, entry.msgstr, extracted, " ".join(" ".join(entry.translator_comments).split()))
        digest.update(repr((*row, references, tuple(entry.flags), entry.previous_msgid)).encode("utf-8"))
    return digest.hexdigest()


def _header(catalog: Catalog, project: str, unchanged: bool) -> dict[str, str]:
    """The header fields: the file's own, in its order, with ours set; dates and generator change with the entries."""
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M+0000")
    old = catalog.header
    language = catalog.language or ""
    fields = {
        "Project-Id-Version": old.get("Project-Id-Version", project),
        "Report-Msgid-Bugs-To": old.get("Report-Msgid-Bugs-To", ""),
        "POT-Creation-Date": old.get("POT-Creation-Date", now) if unchanged else now,
        "PO-Revision-Date": old.get("PO-Revision-Date", now) if unchanged else now,
        "Last-Translator": old.get("Last-Translator", ""),
        "Language-Team": old.get("Language-Team", f"{languages.english_name(language)} <>"),
        "Language": old["Language"] if languages.base(old.get("Language")) == language else language,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": old.get("Plural-Forms") or languages.plural_forms(language),
        "X-Source-Language": old["X-Source-Language"] if languages.base(old.get("X-Source-Language")) == catalog.source_language else catalog.source_language or "",
        "X-Generator": old.get("X-Generator", f"transflow {__version__}") if unchanged else f"transflow {__version__}",
    }
    ordered = {key: fields.get(key, value) for key, value in old.items()}
    return {**ordered, **{key: value for key, value in fields.items() if key not in ordered}}


def _entry(unit: Unit, obsolete: bool = False) -> po_text.Entry:
    fuzzy = states.WRITE[unit.state].po_fuzzy
    return po_text.Entry(
        msgid=unit.source,
        msgstr=unit.target,
        msgctxt=unit.context,
        translator_comments=[unit.translator_comment] if unit.translator_comment else [],
        extracted_comments=facts.comments(unit),
        references=unit.occurrences,
        flags=["fuzzy"] if fuzzy else [],
        previous_msgid=unit.previous_source if fuzzy else None,
        obsolete=obsolete,
    )


FORMAT = ExchangeFormat("po", (".po",), "PO for Poedit", lambda path: (read(path), []), lambda path, catalog, article, datatype: write(path, catalog, article))
