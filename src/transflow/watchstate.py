"""What a running ``transflow watch`` is doing: ``<state>/watch.json``, read by ``status``.

The watch rewrites the file atomically when its state changes (at most twice
a second while it drafts a burst), so ``status`` always reads a whole file
and a desk can see the queue, the last draft and the last errors without
reading the service's log. The pid and host tell a live watch from one
that died without saying so.
"""

from __future__ import annotations

import json
import os
import socket
import time
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .errors import TransflowError
from .textio import write_atomic

# Errors and deletions kept in the file: the latest ones, the log has them all.
KEPT = 20
# Seconds between two rewrites while a burst is drafted (state changes such as "stopped" are written at once).
EVERY = 0.5


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class WatchState:
    """The watch's side: the state as a dict, written through ``update``."""

    def __init__(self, path: Path, folders: Sequence[str], languages: Sequence[str]) -> None:
        self.path = path
        self._written = 0.0
        self.data: dict[str, Any] = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "started": now(),
            "updated": now(),
            "state": "starting",
            "folders": list(folders),
            "languages": list(languages),
            "queued": 0,
            "drafting": 0,
            "drafted": 0,
            "failed": 0,
            "last_draft": None,
            "errors": [],
            "deleted": [],
        }

    def update(self, force: bool = False, **fields: Any) -> None:
        self.data.update(fields)
        if force or time.monotonic() - self._written >= EVERY:
            self.write()

    def add(self, key: str, entry: dict[str, Any]) -> None:
        """Append to a kept list (errors, deleted), dropping the oldest beyond KEPT."""
        self.data[key] = [*self.data[key], {"at": now(), **entry}][-KEPT:]

    def write(self) -> None:
        self.data["updated"] = now()
        self._written = time.monotonic()
        try:
            write_atomic(self.path, json.dumps(self.data, ensure_ascii=False, indent=1) + "\n")
        except TransflowError:
            pass  # the state file is for people looking in; a full disk must not stop the drafting (the log says why)


def read(path: Path) -> dict[str, Any] | None:
    """The watch's last state with ``running`` (is that process alive?), or None when no watch ever ran here."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as err:
        raise TransflowError(f"{path}: cannot be read ({err}); a running watch rewrites it, or delete it") from None
    data["running"] = data.get("state") != "stopped" and _alive(data)
    return data


def _alive(data: dict[str, Any]) -> bool:
    if data.get("host") != socket.gethostname():
        return True  # another machine's watch: trust what it last wrote
    try:
        os.kill(int(data["pid"]), 0)
    except (ProcessLookupError, KeyError, ValueError, TypeError):
        return False
    except PermissionError:
        return True
    return True


def summary(data: dict[str, Any]) -> list[str]:
    """The lines ``status`` prints about the watch."""
    if data["running"]:
        head = (
            f"watch: {data['state']} (pid {data['pid']} on {data['host']}, since {data['started']}): "
            f"{data['queued']} queued, {data['drafting']} being drafted, {data['drafted']} drafted, {data['failed']} failed"
        )
    elif data.get("state") == "stopped":
        head = f"watch: stopped at {data['updated']}: {data['queued']} left queued (a restart drafts them), {data['drafted']} drafted"
    else:
        head = f"watch: not running (pid {data['pid']} is gone; last seen {data['updated']} while {data['state']}); restart it"
    lines = [head]
    last = data.get("last_draft")
    if last:
        lines.append(f"  last draft: {last['article']} → {last['language']} at {last['at']}")
    for error in data.get("errors", [])[-3:]:
        lines.append(f"  error at {error['at']}: {error['message']}")
    for gone in data.get("deleted", [])[-3:]:
        kept = ", ".join(gone["kept"]) or "none"
        lines.append(f"  deleted at {gone['at']}: {gone['article']} (translations kept: {kept})")
    return lines
