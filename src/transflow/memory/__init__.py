"""The translation memory: every reviewed sentence, reusable in every later article.

One interface, two places to keep it: an SQLite file (the embedded default,
``.transflow/tm.sqlite``) or a PostgreSQL database that a whole desk shares
(``postgresql://…`` in ``[memory] path`` or ``--tm``). ``open_memory`` is the
one opener a job calls; both backends give the same answers (base.py holds
the rules, index.py the candidate index).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from .base import Memory, Query, TMMatch, TMUnit, normalize

__all__ = ["Memory", "Query", "TMMatch", "TMUnit", "copy", "exists", "is_server", "normalize", "open_memory", "redact", "same"]

_SCHEMES = ("postgresql://", "postgres://")


def redact(location: str | Path) -> str:
    """*location* without its password (``user:pass@`` or ``?password=``), for every message that names it."""
    text = re.sub(r"(://[^:/@?#]*):[^@/?#]*@", r"\1:***@", str(location))
    return re.sub(r"(?i)([?&;]password=)[^&#;]*", r"\1***", text)


def is_server(location: str | Path) -> bool:
    """Whether *location* names a PostgreSQL database rather than a file."""
    return str(location).startswith(_SCHEMES)


def open_memory(location: str | Path) -> Memory:
    """The TM at *location* (a file path or a postgresql:// URL), created if missing."""
    if is_server(location):
        from .postgres import PostgresMemory

        return PostgresMemory(str(location))
    from .sqlite import SQLiteMemory

    return SQLiteMemory(Path(location))


def exists(location: str | Path) -> bool:
    """Whether there is a TM to consult: a server always counts; a file once something created it."""
    return is_server(location) or Path(location).exists()


def same(first: str | Path, second: str | Path) -> bool:
    """Whether two locations name the same TM (files compared by their resolved path)."""
    if is_server(first) or is_server(second):
        return str(first) == str(second)
    return Path(first).resolve() == Path(second).resolve()


COPY_BATCH = 20_000


def copy(origin: Memory, target: Memory) -> Iterator[tuple[str, str, int]]:
    """Copy every language pair of *origin* into *target*; yield (source, target, units) per pair.

    Each batch is one transaction of *target*; an interrupted copy run again
    refreshes what it already copied instead of doubling it.
    """
    for source_lang, target_lang, *_ in origin.stats():
        count, batch = 0, []
        for unit in origin.export(source_lang, target_lang):
            batch.append(unit)
            if len(batch) == COPY_BATCH:
                count, batch = count + target.add(batch), []
        yield source_lang, target_lang, count + target.add(batch)
