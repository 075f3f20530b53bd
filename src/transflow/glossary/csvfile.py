"""Glossaries as CSV/TSV: a header of language codes plus note, type, dnt and case_sensitive.

A cell may hold variants separated by ``|``: the first is preferred, the
others are accepted source forms and allowed target forms. A variant written
``~form`` is deprecated: it must never appear in a translation. Columns
``count``, ``articles``, ``example`` and ``mt:<lang>`` (what ``glossary suggest`` adds for
the terminologist) are information only and ignored when the file is read.
Cells transflow writes never start a spreadsheet formula (see ``inert``).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from pathlib import Path

from .. import languages
from ..errors import TransflowError, UsageError
from ..textio import read_text, write_atomic
from . import ADMITTED, DEPRECATED, PREFERRED, Entry, Glossary, Term, languages_of
from .problems import Problem

FLAG_COLUMNS = ("type", "note", "dnt", "case_sensitive")
INFO_COLUMNS = ("count", "articles", "example")
INFO_PREFIX = "mt:"
_YES = {"yes", "y", "true", "1", "x"}
_NO = {"no", "n", "false", "0", ""}


def parse(path: Path) -> tuple[list[Entry], list[Problem]]:
    """Entries and every problem found, each with file:line."""
    text = read_text(path, "glossary").lstrip("\ufeff")
    delimiter = "\t" if path.suffix.lower() == ".tsv" or "\t" in text.splitlines()[0] else ","
    rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [cell.strip() for cell in next(rows)]
    except (StopIteration, csv.Error) as err:
        raise TransflowError(f"{path}:1: no header row ({err}); start with a row such as en,vi,ja,note") from None
    problems: list[Problem] = []
    columns: dict[int, str] = {}
    for index, name in enumerate(header):
        key = name.lower()
        if key in FLAG_COLUMNS:
            columns[index] = key
            continue
        if key in INFO_COLUMNS or key.startswith(INFO_PREFIX):
            continue
        try:
            columns[index] = languages.check(name)
        except UsageError:
            problems.append(Problem(f"{path}:1", f"unknown language column {name!r}", fatal=True))
    if not any(value not in FLAG_COLUMNS for value in columns.values()):
        problems.append(Problem(f"{path}:1", "no language columns; the header needs codes such as en,vi,ja", fatal=True))
    entries = []
    try:
        line = rows.line_num + 1  # where the next row starts: a quoted cell may span lines
        for row in rows:
            if any(cell.strip() for cell in row):
                entry = _entry(row, columns, f"{path}:{line}", problems)
                if entry is not None:
                    entries.append(entry)
            line = rows.line_num + 1
    except csv.Error as err:
        raise TransflowError(f"{path}:{rows.line_num}: malformed CSV ({err}); check the quoting") from None
    return entries, problems


def _entry(row: list[str], columns: dict[int, str], origin: str, problems: list[Problem]) -> Entry | None:
    entry = Entry(origin=origin)
    for index, column in columns.items():
        cell = plain(row[index].strip()).strip() if index < len(row) else ""
        if len(cell.splitlines()) > 1:
            problems.append(Problem(origin, f"the {column} cell holds a line break; a glossary cell is one line (check the quoting)", fatal=True))
            return None
        if column == "note":
            entry.note = cell
        elif column == "type":
            entry.kind = cell.lower()
        elif column in ("dnt", "case_sensitive"):
            flag = _flag(cell, origin, column, problems)
            if column == "dnt":
                entry.dnt = bool(flag)
            elif cell:
                entry.case_sensitive = flag
        elif cell:
            entry.terms[column] = _terms(cell)
        else:
            problems.append(Problem(origin, f"empty {column} cell"))
    if not entry.terms:
        problems.append(Problem(origin, "row has no terms; it is skipped"))
        return None
    return entry


def _terms(cell: str) -> list[Term]:
    terms = []
    for n, variant in enumerate(v.strip() for v in cell.split("|")):
        if not variant:
            continue
        if variant.startswith("~"):
            terms.append(Term(variant[1:].strip(), DEPRECATED))
        else:
            terms.append(Term(variant, PREFERRED if not terms else ADMITTED))
    return terms


def _flag(cell: str, origin: str, column: str, problems: list[Problem]) -> bool | None:
    value = cell.lower()
    if value in _YES:
        return True
    if value not in _NO:
        problems.append(Problem(origin, f"{column} should be yes or no, not {cell!r}"))
    return False


# A spreadsheet runs a cell starting with one of these as a formula (OWASP, "CSV Injection").
_FORMULA = re.compile(r"^'*[=+\-@\t\r]")


def inert(cell: str) -> str:
    """*cell* as a spreadsheet shows it as text: a leading quote before =, +, -, @, tab or CR (OWASP).

    A cell that already starts with quotes before such a character gets one
    more, so ``plain`` gives back exactly what was written: a term that
    really starts with '-' or '+' reads back as itself.
    """
    return "'" + cell if _FORMULA.match(cell) else cell


def plain(cell: str) -> str:
    """The cell ``inert`` was given."""
    return cell[1:] if cell.startswith("'") and _FORMULA.match(cell) else cell


def write(
    glossary: Glossary,
    path: Path,
    langs: Sequence[str] | None = None,
    info: Sequence[tuple[str, Sequence[str]]] = (),
) -> None:
    """Write *glossary*; *langs* forces the language columns (empty cells for a terminologist to fill),
    *info* adds information columns (name, one value per entry) that reading ignores."""
    langs = list(langs) if langs is not None else languages_of(glossary.entries)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t" if path.suffix.lower() == ".tsv" else ",", lineterminator="\n")
    writer.writerow([*langs, *FLAG_COLUMNS, *(name for name, _ in info)])
    for n, entry in enumerate(glossary.entries):
        cells = ["|".join(("~" if t.status == DEPRECATED else "") + t.text for t in entry.terms.get(lang, [])) for lang in langs]
        case = "" if entry.case_sensitive is None else ("yes" if entry.case_sensitive else "no")
        flags = {"type": entry.kind, "note": entry.note, "dnt": "yes" if entry.dnt else "", "case_sensitive": case}
        writer.writerow([inert(cell) for cell in (*cells, *(flags[column] for column in FLAG_COLUMNS), *(values[n] for _, values in info))])
    write_atomic(path, buffer.getvalue())
