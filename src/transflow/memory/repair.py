"""Repairing a damaged SQLite TM: every readable unit goes into a fresh file.

A disk fault or a copy of a file in use can damage pages of the TM. The file
is first checked: something that is not a TM (a PO, an article, the settings,
another database) is refused untouched, and a healthy TM is left as it is. A
damaged header is rewritten on a private copy so SQLite can read the pages
behind it. The units that can still be read are copied (rows are read in id
ranges, and a range that meets a damaged page is halved until the damage is
isolated), the index is rebuilt by writing them into a new TM, and the
damaged file is kept beside it for a specialist; nothing else in the project
changes. The loss is counted, not guessed: units the damaged file held
(when SQLite can still count them) minus units kept.
"""

from __future__ import annotations

import errno
import mmap
import os
import shutil
import sqlite3
import tempfile
from dataclasses import astuple, dataclass
from datetime import datetime
from pathlib import Path

from ..errors import TransflowError, UsageError
from .base import UNIT_COLUMNS, TMUnit, unit_of
from .pages import tm_rows
from .sqlite import SQLiteMemory

_RANGE = 4096  # ids read per query while nothing fails
_MAGIC = b"SQLite format 3\x00"
_TABLE = b"CREATE TABLE tm_units"
_PAGE_TYPES = (0x02, 0x05, 0x0A, 0x0D)


@dataclass
class Repaired:
    kept: int
    held: int | None  # units the damaged file held, when they could be counted
    highest_id: int  # the highest unit id seen: an upper bound of what the file ever held
    damaged_copy: Path | None  # None: the TM was healthy and nothing changed

    @property
    def healthy(self) -> bool:
        return self.damaged_copy is None

    def loss(self) -> str:
        """The loss in words that do not claim more than is known."""
        if self.held is not None:
            lost = max(self.held - self.kept, 0)
            return f"{lost} of its {self.held} units could not be read" if lost else "no unit was lost"
        if self.highest_id > self.kept:
            return f"the units it held could not be counted; up to {self.highest_id - self.kept} may be lost (its unit ids ran to {self.highest_id})"
        return "the units it held could not be counted, so the loss is unknown"


def healthy(path: Path) -> int | None:
    """The number of units of the TM at *path* when it is sound, None when it needs repair.

    Only reads: a file that is not a TM is refused, and a read-only TM can be checked.
    """
    _refuse_other_files(path)
    with open(path, "rb") as handle:
        header = handle.read(100)
    if header.startswith(_MAGIC) and _header_sound(header) and _healthy(path):
        return _count(path)
    return None


def read_only(path: Path) -> bool:
    """Whether the TM or its folder cannot be written (a read-only disk, or no permission)."""
    try:
        if os.statvfs(path.parent).f_flag & os.ST_RDONLY:
            return True
    except OSError:
        pass
    return not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK))


def repair(path: Path) -> Repaired:
    """Rebuild the TM at *path* from its readable units; the damaged file is renamed beside it."""
    count = healthy(path)
    if count is not None:
        return Repaired(count, count, 0, None)
    with tempfile.TemporaryDirectory(prefix="transflow-repair-") as scratch:
        units, held, highest = _salvage(_readable_copy(path, Path(scratch)), path)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.name}.damaged-{stamp}")
    fresh = path.with_name(f".{path.name}.repairing")
    try:
        for leftover in (fresh, Path(f"{fresh}-wal"), Path(f"{fresh}-shm")):
            leftover.unlink(missing_ok=True)
        with SQLiteMemory(fresh) as memory:
            memory.add(units)
        for suffix in ("-wal", "-shm", ""):  # the damaged file keeps its write-ahead log beside it
            if Path(f"{path}{suffix}").exists():
                os.replace(f"{path}{suffix}", f"{aside}{suffix}")
        os.replace(fresh, path)
    except (OSError, TransflowError, sqlite3.Error) as problem:
        for leftover in (fresh, Path(f"{fresh}-wal"), Path(f"{fresh}-shm")):
            try:
                leftover.unlink(missing_ok=True)
            except OSError:
                pass
        raise _cannot_replace(path, problem) from None
    return Repaired(len(units), held, highest, aside)


def _cannot_replace(path: Path, problem: Exception) -> TransflowError:
    code = getattr(problem, "errno", None)
    text = str(problem)
    if code in (errno.EROFS, errno.EACCES, errno.EPERM) or "readonly" in text or "read-only" in text:
        return TransflowError(f"{path}: is on a read-only disk or folder, so it cannot be repaired in place; copy it somewhere writable and repair the copy")
    if code in (errno.ENOSPC, errno.EDQUOT) or "full" in text:
        return TransflowError(f"{path}: the disk is full, so the repaired TM could not be written; the TM was left as it was; free some space and run again")
    return TransflowError(f"{path}: cannot replace the damaged TM ({getattr(problem, 'strerror', None) or text}); check the folder's permissions")


def _refuse_other_files(path: Path) -> None:
    """A file that is not a TM (a PO, an article, the settings, another database) is never touched."""
    if not path.exists():
        raise UsageError(f"{path}: no such translation memory; check [memory] path or --tm")
    if not path.is_file():
        raise UsageError(f"{path}: is not a file; give the SQLite TM file ([memory] path or --tm)")
    with open(path, "rb") as handle:
        head = handle.read(len(_MAGIC))
        if head != _MAGIC:
            if not _mentions_tm(handle) and not tm_rows(path, _page_size(path, path.stat().st_size)):
                raise UsageError(f"{path}: is not a translation memory (no SQLite TM in it); nothing was changed; give the TM file ([memory] path or --tm)")
            return
    try:
        db = _reader(path)
        try:
            tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            db.close()
    except sqlite3.Error:
        return  # its schema is damaged: repair reads what it can
    if not tables & {"tm_units", "units"}:
        raise UsageError(f"{path}: is an SQLite database but not a translation memory; nothing was changed; give the TM file ([memory] path or --tm)")


def _mentions_tm(handle) -> bool:
    """Whether a file without SQLite's header still holds a TM's schema (header damage) among binary pages."""
    handle.seek(0, os.SEEK_END)
    if handle.tell() == 0:
        return False
    with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        return data.find(_TABLE) >= 0 and data.find(b"\x00") >= 0


def _readable_copy(path: Path, scratch: Path) -> Path:
    """*path* itself, or a copy in *scratch* with its damaged header rewritten so SQLite reads its pages."""
    with open(path, "rb") as handle:
        header = handle.read(100)
    if header.startswith(_MAGIC) and _header_sound(header):
        return path
    copy = scratch / "tm.sqlite"
    shutil.copyfile(path, copy)
    size = copy.stat().st_size
    page = _page_size(copy, size)
    fixed = bytearray(100)
    fixed[0:16] = _MAGIC
    fixed[16:18] = (page if page < 65536 else 1).to_bytes(2, "big")
    fixed[18] = fixed[19] = 1  # rollback journal: the write-ahead log, if any, is not trusted
    fixed[21:24] = bytes((64, 32, 32))
    fixed[24:28] = (1).to_bytes(4, "big")
    fixed[28:32] = (size // page).to_bytes(4, "big")
    fixed[40:44] = (1).to_bytes(4, "big")
    fixed[44:48] = (4).to_bytes(4, "big")
    fixed[56:60] = (1).to_bytes(4, "big")  # UTF-8
    fixed[92:96] = (1).to_bytes(4, "big")
    fixed[96:100] = (3040001).to_bytes(4, "big")
    with open(copy, "r+b") as handle:
        handle.write(fixed)
    return copy


def _header_sound(header: bytes) -> bool:
    page = int.from_bytes(header[16:18], "big")
    page = 65536 if page == 1 else page
    return len(header) == 100 and 512 <= page <= 65536 and page & (page - 1) == 0 and header[21:24] == bytes((64, 32, 32))


def _page_size(path: Path, size: int) -> int:
    """The page size whose pages 2… start like b-tree pages most often (4096, SQLite's default, on a tie)."""
    best, score = 4096, -1
    with open(path, "rb") as handle:
        for page in (4096, 1024, 2048, 8192, 16384, 32768, 65536, 512):
            pages = range(1, min(size // page, 64))
            hits = 0
            for number in pages:
                handle.seek(number * page)
                hits += handle.read(1)[:1] in [bytes((t,)) for t in _PAGE_TYPES]
            if pages and hits > score:
                best, score = page, hits
    return best


def _healthy(path: Path) -> bool:
    try:
        db = _reader(path)
        try:
            return db.execute("PRAGMA integrity_check(1)").fetchone() == ("ok",)
        finally:
            db.close()
    except sqlite3.Error:
        return False


def _count(path: Path) -> int | None:
    try:
        db = _reader(path)
        try:
            return db.execute("SELECT count(*) FROM tm_units").fetchone()[0]
        finally:
            db.close()
    except sqlite3.Error:
        return None


def _salvage(path: Path, original: Path) -> tuple[list[TMUnit], int | None, int]:
    """The units readable in the file, how many it held (None if uncountable) and its highest unit id.

    SQLite reads what its b-tree still reaches; the rows it cannot reach are
    then looked for on the leaf pages of *original* (and its write-ahead log).
    """
    read: dict[int, TMUnit] = {}
    held = _count(path)
    try:
        db = _reader(path)
        pages = db.execute("PRAGMA page_count").fetchone()[0]
        try:
            top = db.execute("SELECT max(id) FROM tm_units").fetchone()[0] or 0
        except sqlite3.DatabaseError:
            top = pages * 100  # no page holds more rows than that
    except sqlite3.DatabaseError:
        db, top = None, 0
    pending = [(start, min(start + _RANGE - 1, top)) for start in range(1, top + 1, _RANGE)]
    while db is not None and pending:
        low, high = pending.pop()
        try:
            rows = db.execute(f"SELECT {UNIT_COLUMNS} FROM tm_units WHERE id BETWEEN ? AND ?", (low, high)).fetchall()
        except sqlite3.DatabaseError:
            if low != high:
                middle = (low + high) // 2
                pending += [(low, middle), (middle + 1, high)]
            continue
        read.update(map(unit_of, rows))
    if db is not None:
        db.close()
    with open(original, "rb") as handle:
        header = handle.read(100)
    page = _page_size_of(header) or _page_size(original, original.stat().st_size)
    for rowid, values in tm_rows(original, page, header[20] if _header_sound(header) else 0).items():
        read.setdefault(rowid, TMUnit(*values[2:]))
    units = [unit for _, unit in sorted(read.items()) if all(isinstance(value, str) and value for value in astuple(unit)[:5])]
    return units, held, max(read, default=0)


def _page_size_of(header: bytes) -> int | None:
    if not (header.startswith(_MAGIC) and _header_sound(header)):
        return None
    page = int.from_bytes(header[16:18], "big")
    return 65536 if page == 1 else page


def _reader(path: Path) -> sqlite3.Connection:
    """A read-only connection; on a read-only disk, where a WAL file's shared memory cannot be made, an immutable one."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        db.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()
    except sqlite3.OperationalError:
        db.close()
        db = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
    except sqlite3.DatabaseError:
        pass  # damaged: the caller finds out and says so
    return db
