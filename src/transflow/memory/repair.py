"""Repairing a damaged SQLite TM: every readable unit goes into a fresh file.

A disk fault or a copy of a file in use can damage pages of the TM. The units
that can still be read are copied (rows are read in id ranges, and a range
that meets a damaged page is halved until the damage is isolated), the
index is rebuilt by writing them into a new TM, and the damaged file is kept
beside it for a specialist; nothing else in the project changes.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import astuple, dataclass
from datetime import datetime
from pathlib import Path

from ..errors import TransflowError, UsageError
from .base import UNIT_COLUMNS, TMUnit, unit_of
from .sqlite import SQLiteMemory

_RANGE = 4096  # ids read per query while nothing fails


@dataclass
class Repaired:
    kept: int
    lost: int  # ids (or whole stretches, if the file could not be read at all) that were unreadable
    damaged_copy: Path


def repair(path: Path) -> Repaired:
    """Rebuild the TM at *path* from its readable units; the damaged file is renamed beside it."""
    if not path.is_file():
        raise UsageError(f"{path}: no such translation memory; check [memory] path or --tm")
    units, lost = _salvage(path)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.name}.damaged-{stamp}")
    fresh = path.with_name(f".{path.name}.repairing")
    for leftover in (fresh, Path(f"{fresh}-wal"), Path(f"{fresh}-shm")):
        leftover.unlink(missing_ok=True)
    with SQLiteMemory(fresh) as memory:
        memory.add(units)
    try:
        for suffix in ("-wal", "-shm", ""):  # the damaged file keeps its write-ahead log beside it
            if Path(f"{path}{suffix}").exists():
                os.replace(f"{path}{suffix}", f"{aside}{suffix}")
        os.replace(fresh, path)
    except OSError as err:
        raise TransflowError(f"{path}: cannot replace the damaged TM ({err.strerror}); check the folder's permissions") from None
    return Repaired(len(units), lost, aside)


def _salvage(path: Path) -> tuple[list[TMUnit], int]:
    """The units readable in the file, and how many id ranges could not be read."""
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        pages = db.execute("PRAGMA page_count").fetchone()[0]
    except sqlite3.DatabaseError:
        return [], 1
    try:
        top = db.execute("SELECT max(id) FROM tm_units").fetchone()[0] or 0
    except sqlite3.DatabaseError:
        top = pages * 100  # no page holds more rows than that
    units: list[TMUnit] = []
    lost = 0
    pending = [(start, min(start + _RANGE - 1, top)) for start in range(1, top + 1, _RANGE)]
    while pending:
        low, high = pending.pop()
        try:
            rows = db.execute(f"SELECT {UNIT_COLUMNS} FROM tm_units WHERE id BETWEEN ? AND ?", (low, high)).fetchall()
        except sqlite3.DatabaseError:
            if low == high:
                lost += 1
            else:
                middle = (low + high) // 2
                pending += [(low, middle), (middle + 1, high)]
            continue
        units += [unit for _, unit in map(unit_of, rows) if all(isinstance(value, str) and value for value in astuple(unit)[:5])]
    db.close()
    return units, lost
