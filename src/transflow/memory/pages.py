"""Reading TM rows straight from the leaf pages of a damaged SQLite file.

When the pages that lead to the rows (the header, the b-tree's interior
pages, the end of a half-copied file) are gone, the rows themselves often
survive on their leaf pages. This reads every page as SQLite's file format
describes it (https://sqlite.org/fileformat2.html: table leaf pages, cells,
records, overflow chains) and keeps the cells shaped like a ``tm_units`` row;
anything that does not parse is skipped, never guessed at.
"""

from __future__ import annotations

import mmap
from collections.abc import Iterator
from pathlib import Path

_LEAF = 0x0D
_COLUMNS = 13  # id (stored as NULL: it is the rowid), norm_key, target_key and ten text columns
_WAL_HEADER, _FRAME_HEADER = 32, 24


def tm_rows(path: Path, page_size: int, reserved: int = 0) -> dict[int, tuple]:
    """rowid → (norm_key, target_key, source_lang, …, updated) for every intact tm_units row found in *path*
    and its write-ahead log (a row in the log is newer than the same row in the file)."""
    found: dict[int, tuple] = {}
    for source in (path, Path(f"{path}-wal")):
        if not source.is_file() or source.stat().st_size == 0:
            continue
        with open(source, "rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
            for rowid, values in _rows(data, page_size, reserved, source != path):
                found[rowid] = values
    return found


def _rows(data, page_size: int, reserved: int, wal: bool) -> Iterator[tuple[int, tuple]]:
    usable = page_size - reserved
    pages = _wal_pages(data, page_size) if wal else [(n, data[n * page_size : (n + 1) * page_size]) for n in range(len(data) // page_size)]
    for number, page in pages:
        start = 100 if number == 0 and not wal else 0
        if len(page) < page_size or page[start] != _LEAF:
            continue
        cells = int.from_bytes(page[start + 3 : start + 5], "big")
        for cell in range(min(cells, page_size // 4)):
            pointer = int.from_bytes(page[start + 8 + 2 * cell : start + 10 + 2 * cell], "big")
            try:
                row = _cell(data, page, pointer, page_size, usable, wal)
            except (IndexError, ValueError, UnicodeDecodeError):
                continue
            if row is not None:
                yield row


def _wal_pages(data, page_size: int) -> list[tuple[int, bytes]]:
    frames = []
    offset = _WAL_HEADER
    while offset + _FRAME_HEADER + page_size <= len(data):
        number = int.from_bytes(data[offset : offset + 4], "big") - 1
        frames.append((number, data[offset + _FRAME_HEADER : offset + _FRAME_HEADER + page_size]))
        offset += _FRAME_HEADER + page_size
    return frames


def _cell(data, page: bytes, pointer: int, page_size: int, usable: int, wal: bool) -> tuple[int, tuple] | None:
    size, at = _varint(page, pointer)
    rowid, at = _varint(page, at)
    if size > 1 << 24:
        raise ValueError("implausible payload")
    limit = usable - 35
    if size <= limit:
        payload = page[at : at + size]
    else:
        least = (usable - 12) * 32 // 255 - 23
        local = least + (size - least) % (usable - 4)
        local = local if local <= limit else least
        payload = bytearray(page[at : at + local])
        overflow = int.from_bytes(page[at + local : at + local + 4], "big")
        hops = 0
        while len(payload) < size:
            if wal or overflow < 1 or (overflow - 1) * page_size >= len(data) or hops > size // (usable - 4) + 1:
                raise ValueError("broken overflow chain")  # the log's pages are not addressed by number
            chunk = data[(overflow - 1) * page_size : overflow * page_size]
            overflow = int.from_bytes(chunk[:4], "big")
            payload += chunk[4 : 4 + min(usable - 4, size - len(payload))]
            hops += 1
        payload = bytes(payload)
    if len(payload) != size:
        raise ValueError("truncated payload")
    values = _record(payload)
    if len(values) != _COLUMNS or values[0] is not None or not all(isinstance(v, int) for v in values[1:3]):
        return None
    if not all(isinstance(v, str) for v in values[3:]):
        return None
    return rowid, tuple(values[1:])


def _record(payload: bytes) -> list:
    header, at = _varint(payload, 0)
    types = []
    while at < header:
        kind, at = _varint(payload, at)
        types.append(kind)
    values: list = []
    body = header
    for kind in types:
        if kind == 0:
            values.append(None)
        elif 1 <= kind <= 6:
            width = (0, 1, 2, 3, 4, 6, 8)[kind]
            values.append(int.from_bytes(payload[body : body + width], "big", signed=True))
            body += width
        elif kind in (8, 9):
            values.append(kind - 8)
        elif kind == 7:
            values.append(None)
            body += 8
        elif kind >= 12:
            width = (kind - 12) // 2
            chunk = payload[body : body + width]
            if len(chunk) != width:
                raise ValueError("short record")
            values.append(chunk.decode("utf-8") if kind % 2 else bytes(chunk))
            body += width
        else:
            raise ValueError("reserved serial type")
    if body != len(payload):
        raise ValueError("record length mismatch")
    return values


def _varint(data: bytes, at: int) -> tuple[int, int]:
    value = 0
    for i in range(9):
        byte = data[at + i]
        if i == 8:
            return (value << 8) | byte, at + 9
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            return value, at + i + 1
    raise ValueError("bad varint")
