"""``transflow watch``: the batch in a loop over an inbox.

The operating system's notifications (watchfiles) say which files changed;
this module only decides *when* a file is ready and *which* files go
together. A changed article waits until it has been quiet for the settle time
and no process has it open for writing (a download, an editor or a copy still
in progress), then every article ready at that moment is drafted by
``run_batch`` as one burst: one MT batch per language pair, the MT cache, the
manifest (a restart skips what was drafted), a reviewer's save merged. The
project lock is held only while files are written, so ``translate``,
``build`` and Poedit work beside the watch. A stop request (SIGTERM) lets the
file being written finish and starts nothing more.
"""

from __future__ import annotations

import json
import os
import queue
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import watchfiles

from . import engines
from .batch import CHUNK, ArticleReport, run_batch, walk_files
from .engines import Engine, Translation
from .errors import TransflowError, UsageError
from .exchange import FORMATS
from .formats import SUFFIXES
from .lock import LockBusy, project_lock
from .project import Project
from .textio import relative_path
from .watchstate import WatchState, now
from .workflow import Settings

# Seconds a changed file must stay unchanged before it is drafted (--settle).
SETTLE = 1.0
# A burst larger than this is drafted in chunks of this size (still one MT batch per chunk and language pair).
MAX_CHUNK = 1000
# Seconds before a burst that failed as a whole (TM server down, disk full) is tried again.
RETRY = 30.0


class EventLog:
    """One line per event on *stream*: readable text, or a JSON object per line for a log collector."""

    def __init__(self, stream: TextIO = sys.stdout, fmt: str = "text") -> None:
        if fmt not in ("text", "json"):
            raise UsageError(f"--log-format {fmt}: use text or json")
        self.stream, self.fmt = stream, fmt

    def __call__(self, event: str, message: str, **fields: Any) -> None:
        if self.fmt == "json":
            line = json.dumps({"time": now(), "event": event, "message": message, **fields}, ensure_ascii=False)
        else:
            line = f"{now()} {event}: {message}"
        self.stream.write(line + "\n")
        self.stream.flush()


class Inbox:
    """Which paths are articles of the watched folders, by the project's layout rules.

    Hidden files and folders (editor swap files, ``.#`` locks), Word's ``~$``
    owner files, ``#autosave#`` files and anything without an article
    extension (``.part``, ``.crdownload``, ``.tmp``, ``~``) are not articles;
    nor is anything under the project's own outputs and state, so watching
    the project root never drafts a built article or a reviewer's PO.
    """

    def __init__(self, folders: Sequence[Path], project: Project) -> None:
        self.folders = [folder.resolve() for folder in folders]
        self.excluded = [folder.resolve() for folder in (project.locales, project.localized, project.state)]

    def wants(self, path: Path) -> bool:
        if path.suffix.lower() not in SUFFIXES:
            return False
        return self._inside_and_visible(path)

    def _inside_and_visible(self, path: Path) -> bool:
        if any(path.is_relative_to(folder) for folder in self.excluded):
            return False
        base = next((folder for folder in self.folders if path.is_relative_to(folder)), None)
        return base is not None and not any(_not_an_article_name(part) for part in path.relative_to(base).parts)

    def scan(self, folders: Sequence[Path] | None = None) -> list[Path]:
        """Every article below *folders* (default: the watched ones), in a stable order."""
        found = []
        for folder in folders or self.folders:
            if self._inside_and_visible(folder) or folder in self.folders:
                found += [path for path in walk_files(folder, None) if self.wants(path)]
        return sorted(dict.fromkeys(found))


def _not_an_article_name(name: str) -> bool:
    return name.startswith((".", "~$", "#")) or name.endswith("~")


def open_for_writing(paths: Collection[Path]) -> set[Path]:
    """Which of *paths* a process has open for writing (among the processes this user may inspect).

    Linux's /proc tells; elsewhere, and for writers on other machines (a
    network share), only the settle time guards against partial files.
    """
    wanted = {str(path): path for path in paths}
    busy: set[Path] = set()
    try:
        pids = [pid for pid in os.listdir("/proc") if pid.isdigit()]
    except OSError:
        return busy
    for pid in pids:
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except OSError:
            continue
        for fd in fds:
            try:
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
                if target not in wanted:
                    continue
                with open(f"/proc/{pid}/fdinfo/{fd}", encoding="ascii") as info:
                    flags = next(int(line.split()[1], 8) for line in info if line.startswith("flags:"))
            except (OSError, StopIteration, ValueError):
                continue
            if flags & (os.O_WRONLY | os.O_RDWR):
                busy.add(wanted[target])
    return busy


def _signature(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return (stat.st_size, stat.st_mtime_ns) if path.is_file() else None


class Waiting:
    """Changed articles waiting to be drafted, and when each one is ready.

    A file is ready when it has been quiet for *settle* seconds, still has the
    size and time it had then, and no process has it open for writing. Files
    wait for each other: none is drafted until the whole inbox has been quiet
    for *settle* seconds, so a burst (a day's wire dropped at once, an editor
    saving ten times) is one MT batch; in an inbox that is never quiet a file
    goes on its own after *patience* seconds.
    """

    def __init__(self, settle: float, patience: float | None = None) -> None:
        self.settle = settle
        self.patience = patience if patience is not None else 5 * settle
        self._files: dict[Path, _Waiting] = {}

    def __len__(self) -> int:
        return len(self._files)

    def __contains__(self, path: Path) -> bool:
        return path in self._files

    def touch(self, path: Path, at: float) -> None:
        """*path* changed at *at* (a moment in the future holds it back until then)."""
        known = self._files.get(path)
        self._files[path] = _Waiting(known.first if known else at, at, _signature(path))

    def forget(self, path: Path) -> None:
        self._files.pop(path, None)

    def _due(self, item: _Waiting, quiet_at: float) -> float:
        return max(item.since + self.settle, item.hold, min(quiet_at, item.first + self.patience))

    def _quiet_at(self) -> float:
        return max(item.since for item in self._files.values()) + self.settle

    def due_in(self, at: float) -> float | None:
        """Seconds until the first waiting file may be ready; None when nothing waits."""
        if not self._files:
            return None
        quiet_at = self._quiet_at()
        return max(0.0, min(self._due(item, quiet_at) for item in self._files.values()) - at)

    def ready(self, at: float) -> list[Path]:
        """The files ready now, taken off the list; one that changed meanwhile or is still open waits on."""
        if not self._files:
            return []
        quiet_at = self._quiet_at()
        stable = []
        for path, item in list(self._files.items()):
            if self._due(item, quiet_at) > at:
                continue
            current = _signature(path)
            if current is None:
                self.forget(path)  # gone or not a file: its deletion is reported by its own event
            elif current != item.seen:
                self._files[path] = _Waiting(item.first, at, current)  # changed without a notification reaching us
            else:
                stable.append(path)
        busy = open_for_writing(stable) if stable else set()
        for path in busy:
            self._files[path].hold = at + self.settle
        ready = [path for path in stable if path not in busy]
        for path in ready:
            self.forget(path)
        return sorted(ready)


@dataclass
class _Waiting:
    first: float  # when it was queued: bounds its wait in an inbox that is never quiet
    since: float  # its last change
    seen: tuple[int, int] | None  # (size, mtime) at its last change
    hold: float = 0.0  # not before: a writer still had it open


class TimedEngine(engines.Scored):
    """The engine with the seconds spent in it counted, so the log can tell MT time from transflow's own."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.name = engine.name
        self.seconds = 0.0

    def check(self, source: str, target: str) -> None:
        self.engine.check(source, target)

    def origin(self, source: str, target: str) -> str | None:
        return self.engine.origin(source, target)

    def translate_scored(self, texts: Sequence[str], source: str, target: str) -> list[Translation]:
        began = time.perf_counter()
        try:
            return engines.translate_scored(self.engine, texts, source, target)
        finally:
            self.seconds += time.perf_counter() - began


class _Stopped(Exception):
    """A stop was asked for while the watch waited for the project lock."""


class Watch:
    """Watch *folders* and draft their new and changed articles until ``stop()``."""

    def __init__(
        self,
        folders: Sequence[Path],
        settings: Settings,
        engine: Engine | None = None,
        log: Callable[..., None] | None = None,
        settle: float = SETTLE,
        min_chunk: int = CHUNK,
    ) -> None:
        missing = [folder for folder in folders if not folder.is_dir()]
        if missing or not folders:
            what = f"{missing[0]}: no such folder" if missing else "no folder to watch"
            raise UsageError(f"{what}; give the inbox folder(s) to watch, or set paths.articles in transflow.toml")
        self.settings = settings
        self.project = settings.project
        self.inbox = Inbox(folders, self.project)
        self.engine = TimedEngine(engine or engines.create(str(settings.engine.get("name", "argos")), dict(settings.engine)))
        self.log = log or EventLog()
        self.waiting = Waiting(settle)
        self.min_chunk = min_chunk
        self.state = WatchState(self.project.watch_state, [relative_path(f) for f in self.inbox.folders], settings.target_langs)
        self._stop = threading.Event()
        self._left = 0  # articles of a burst a stop cut short
        self._listening = threading.Event()
        self._events: queue.Queue[set[tuple[watchfiles.Change, str]] | BaseException] = queue.Queue()

    def stop(self) -> None:
        """Finish the file being written, start nothing more (safe from a signal handler)."""
        self._stop.set()

    @property
    def stopping(self) -> bool:
        return self._stop.is_set()

    def run(self) -> None:
        if self.settings.source_lang:  # with --from every pair is known: a missing model stops the service at its start
            for pair in self.settings.language_pairs():
                self.engine.check(*pair)
        listener = threading.Thread(target=self._listen, name="transflow-watch-events", daemon=True)
        listener.start()
        self._listening.wait()
        self.log(
            "watching",
            f"{', '.join(self.state.data['folders'])} for {', '.join(sorted(SUFFIXES))} articles; drafts into "
            f"{', '.join(self.settings.target_langs)} once a file has been quiet for {self.waiting.settle:g} s",
            folders=self.state.data["folders"],
            languages=list(self.settings.target_langs),
        )
        self.state.update(force=True, state="watching")
        self._draft(self.inbox.scan(), startup=True)  # what changed while no watch ran; the manifest skips the rest
        while not self.stopping:
            self._take_events(self.waiting.due_in(time.monotonic()))
            ready = self.waiting.ready(time.monotonic())
            if ready and not self.stopping:
                self._draft(ready)
        self._stop.set()
        listener.join(timeout=5)
        left = len(self.waiting) + self._left
        self.log("stopped", f"stopped cleanly; {left} changed articles left for the next start", queued=left)
        self.state.update(force=True, state="stopped", queued=left, drafting=0)

    # --- events ----------------------------------------------------------------------------------

    def _listen(self) -> None:
        """Collect the operating system's change notifications (in a thread, so none is missed while drafting)."""
        try:
            for changes in watchfiles.watch(
                *self.inbox.folders, watch_filter=None, debounce=500, step=50, stop_event=self._stop,
                rust_timeout=200, yield_on_timeout=True, raise_interrupt=False, ignore_permission_denied=True,
            ):
                self._listening.set()
                if changes:
                    self._events.put(changes)
        except Exception as err:  # the watched folder vanished, the notification limit was reached
            self._events.put(err)
        finally:
            self._listening.set()

    def _drain(self) -> Iterator[set[tuple[watchfiles.Change, str]] | BaseException]:
        while True:
            try:
                yield self._events.get_nowait()
            except queue.Empty:
                return

    def _take_events(self, timeout: float | None) -> None:
        """Wait up to *timeout* seconds (at most one) for notifications, then take every one that arrived."""
        try:
            first = self._events.get(timeout=min(1.0, max(0.02, timeout if timeout is not None else 1.0)))
        except queue.Empty:
            return
        for item in [first, *self._drain()]:
            if isinstance(item, BaseException):
                self.log("error", f"watching stopped working ({item}); restart the watch", error=str(item))
                self.state.add("errors", {"message": f"watching stopped working: {item}"})
                self.stop()
                return
            self._changed(item)
        self.state.update(queued=len(self.waiting))

    def _changed(self, changes: set[tuple[watchfiles.Change, str]]) -> None:
        at = time.monotonic()
        for change, name in sorted(changes, key=lambda item: item[1]):
            path = Path(name)
            if change == watchfiles.Change.added and path.is_dir():
                for article in self.inbox.scan([path]):  # a folder moved in brings articles no event names
                    self._queue(article, at)
            elif not self.inbox.wants(path):
                continue
            elif change == watchfiles.Change.deleted and not path.exists():
                self.waiting.forget(path)
                self._deleted(path)
            elif path.is_file():
                self._queue(path, at)

    def _queue(self, path: Path, at: float) -> None:
        if path not in self.waiting:
            self.log("changed", f"{self.project.reference(path)} changed; drafted once it is stable", article=self.project.reference(path))
        self.waiting.touch(path, at)

    def _deleted(self, path: Path) -> None:
        """Report a deleted article; its translations are a reviewer's work and are never deleted."""
        name = self.project.reference(path)
        try:
            kept = [
                relative_path(found)
                for lang in self.settings.target_langs
                for fmt in FORMATS
                if (found := self.project.translation_file(path, lang, fmt)).is_file()
            ]
        except TransflowError:
            kept = []
        listed = ", ".join(kept) if kept else "it had none"
        self.log("deleted", f"{name} was deleted; its translations are kept ({listed})", article=name, kept=kept)
        self.state.add("deleted", {"article": name, "kept": kept})
        self.state.update(force=True)

    # --- drafting --------------------------------------------------------------------------------

    def _draft(self, paths: list[Path], startup: bool = False) -> None:
        """Draft *paths* as one burst; a burst that fails as a whole is queued again for later."""
        if not paths:
            return
        began, engine_before = time.perf_counter(), self.engine.seconds
        counts: Counter[str] = Counter()
        reported: Counter[str] = Counter()
        self.state.update(force=True, state="drafting", drafting=len(paths), queued=len(self.waiting))

        def report(item: ArticleReport) -> None:
            counts[item.status] += 1
            reported[item.article] += 1
            self._report(item, startup)

        chunk = max(self.min_chunk, min(len(paths), MAX_CHUNK))
        try:
            result = run_batch(
                paths, self.settings, report, engine=self.engine, chunk_size=chunk, keep_reports=False,
                guard=self._locked, stopping=lambda: self.stopping,
            )
        except _Stopped:
            result = None
        except TransflowError as err:
            self.log("error", f"{err}; the {len(paths)} articles are tried again in {RETRY:g} s", error=str(err), articles=len(paths))
            self.state.add("errors", {"message": str(err)})
            for path in paths:
                self.waiting.touch(path, time.monotonic() + RETRY)
            return
        finally:
            self.state.update(force=True, state="stopping" if self.stopping else "watching", drafting=0, queued=len(self.waiting))
        if self.stopping:
            languages = len(self.settings.target_langs)
            self._left += sum(1 for path in paths if reported[self.project.reference(path)] < languages)
        if result is None or (startup and not counts["translated"] and not counts["failed"]):
            return
        engine_seconds = self.engine.seconds - engine_before
        seconds = time.perf_counter() - began
        self.log(
            "burst",
            f"{len(paths)} article{'s' if len(paths) != 1 else ''}: {counts['translated']} drafts written, {counts['skipped']} unchanged, {counts['failed']} failed; "
            f"{result.sent_to_mt} sentences sent to MT, {result.from_mt_cache} from the MT cache; "
            f"{seconds:.2f} s ({engine_seconds:.2f} s in the engine)",
            articles=len(paths), drafted=counts["translated"], unchanged=counts["skipped"], failed=counts["failed"],
            sent_to_mt=result.sent_to_mt, from_mt_cache=result.from_mt_cache,
            seconds=round(seconds, 3), engine_seconds=round(engine_seconds, 3),
        )

    def _report(self, item: ArticleReport, startup: bool) -> None:
        fields = {k: v for k, v in item.as_dict().items() if v not in ("", 0, 0.0) or k in ("article", "language")}
        if item.status == "translated":
            self.log("drafted", item.line(), **fields)
            at = now()
            self.state.update(drafted=self.state.data["drafted"] + 1, last_draft={"article": item.article, "language": item.language, "at": at})
        elif item.status == "failed":
            self.log("failed", item.line(), **fields)
            self.state.data["failed"] += 1
            self.state.add("errors", {"message": item.line()})
            self.state.update()
        elif not startup:
            self.log("unchanged" if item.status == "skipped" else item.status, item.line(), **fields)

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """The project lock, for as long as one chunk's files are written; waiting for it gives way to a stop."""
        stack = ExitStack()
        while True:
            try:
                stack.enter_context(project_lock(self.project.state, wait=0.5))
                break
            except LockBusy:
                if self.stopping:
                    raise _Stopped from None
                if self.state.data["state"] != "waiting for the project lock":
                    self.state.update(force=True, state="waiting for the project lock")
        self.state.update(state="drafting")
        with stack:
            yield
