"""Nightly batch runs over a day's articles.

Articles are drafted in chunks; each chunk sends the sentences of all its
articles to MT in one batch per language pair, through the MT cache, so a
run costs what its new sentences cost. While one chunk is in MT the next is
prepared and the previous one written, so MT (local or on a Ray cluster)
waits for the driver as little as possible. A manifest of content hashes (article,
glossary, settings, model) lets a re-run skip unchanged work; it is updated
after each article's files are written, so a killed run resumes where it
stopped. One bad article is reported and the others carry on.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import re
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import AbstractContextManager, nullcontext
from dataclasses import asdict, dataclass, field
from pathlib import Path

from . import __version__, engines
from .draft import machine_translate
from .errors import DiskFull, TransflowError, UsageError
from .formats import SUFFIXES
from .manifest import Manifest
from .textio import remove_stale_temporaries
from .workflow import Article, Pending, Settings, finish, open_resources, record_drafts, start

# Articles whose files are written at the same time (the writes mostly wait for the disk).
WRITERS = 4
# Articles drafted together: one MT batch per chunk; the manifest and the MT cache are saved after each.
CHUNK = 50


@dataclass
class ArticleReport:
    article: str
    language: str
    status: str = "translated"
    error: str = ""
    segments: int = 0
    reviewed_kept: int = 0
    revised: int = 0
    from_tm: int = 0
    from_mt: int = 0
    glossary_enforced: int = 0
    glossary_flagged: int = 0
    qa_problems: int = 0
    flagged: int = 0
    seconds: float = 0.0
    source_language: str = ""
    warning: str = ""  # e.g. the article mixes languages

    def as_dict(self) -> dict:
        return asdict(self)

    def line(self) -> str:
        if self.status == "failed":
            return f"{self.article} → {self.language}: FAILED: {self.error}"
        if self.status == "skipped":
            return f"{self.article} → {self.language}: unchanged, skipped"
        if self.status == "same-language":
            return f"{self.article} → {self.language}: already in {self.language}, not translated into itself"
        return (
            f"{self.article} → {self.language}: {self.segments} segments, {self.from_mt} MT, "
            f"{self.reviewed_kept} reviewed kept, {self.flagged} flagged ({self.seconds:.2f} s)"
        ) + (f"; {self.warning}" if self.warning else "")


@dataclass
class Totals:
    """One language's counts over a run: what an archive run keeps instead of a report per article."""

    articles: int = 0
    translated: int = 0
    skipped: int = 0
    same_language: int = 0
    failed: int = 0
    segments: int = 0
    from_mt: int = 0
    flagged: int = 0

    def add(self, report: ArticleReport) -> None:
        self.articles += 1
        status = report.status.replace("-", "_")
        setattr(self, status, getattr(self, status) + 1)
        self.segments += report.segments
        self.from_mt += report.from_mt
        self.flagged += report.flagged


@dataclass
class BatchResult:
    reports: list[ArticleReport]  # empty when run_batch was asked not to keep them
    sent_to_mt: int = 0
    from_mt_cache: int = 0
    totals: dict[str, Totals] = field(default_factory=dict)
    stopped: str = ""  # why the run stopped early (a full disk), or empty


def expand(patterns: Sequence[str], notes: list[str] | None = None) -> list[Path]:
    """Files, folders (searched recursively for articles) and globs, in a stable order without repeats.

    Folders and ``**`` globs follow symbolic links to folders, each real folder
    once: a link back up the tree (a loop) or to a folder already searched is
    not searched again, and a link to nothing is skipped; each of these adds a
    line to *notes*, so nothing is left out silently.
    """
    found: list[Path] = []
    for pattern in patterns:
        path = Path(pattern)
        if path.is_dir():
            found += [p for p in walk_files(path, notes) if p.suffix.lower() in SUFFIXES]
        elif path.exists():
            found.append(path)
        else:
            matches = _glob(pattern, notes)
            if not matches:
                raise UsageError(f"{pattern}: no such file, folder or matching articles; check the path")
            found += [m for m in matches if m.is_file()]
    first: dict[Path, Path] = {}
    for item in found:
        first.setdefault(_real(item), item)
    unique = list(first.values())
    if not unique:
        raise UsageError(f"no articles found in {', '.join(patterns)}; give files, folders or globs of .txt/.md/.html")
    return unique


_MAGIC = re.compile(r"[*?[]")


def _glob(pattern: str, notes: list[str] | None) -> list[Path]:
    """*pattern*'s files; ``**`` is matched by walking (loop-safe) rather than by glob, which follows links forever."""
    if "**" not in pattern:
        return sorted(Path(m) for m in glob.glob(pattern))
    parts = Path(pattern).parts
    fixed = next((i for i, part in enumerate(parts) if _MAGIC.search(part)), len(parts))
    root = Path(*parts[:fixed]) if fixed else Path(".")
    if not root.is_dir():
        return []
    rule = re.compile("".join(_component(part, last=i == len(parts) - 1) for i, part in enumerate(parts[fixed:], fixed)) + r"\Z", re.S)
    return [p for p in walk_files(root, notes, hidden=False) if rule.match(p.relative_to(root).as_posix())]


def _component(part: str, last: bool) -> str:
    """One path component of a glob as a regex: ``*`` and ``?`` never cross a ``/``; ``**`` spans folders."""
    if part == "**":
        return ".*" if last else "(?:[^/]*/)*"
    out, i = [], 0
    while i < len(part):
        char = part[i]
        close = part.find("]", i + 2) if char == "[" else -1
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif close > 0:
            body = part[i + 1 : close]
            out.append("[" + ("^" + body[1:] if body.startswith("!") else body).replace("\\", "\\\\") + "]")
            i = close
        else:
            out.append(re.escape(char))
        i += 1
    return "".join(out) + ("" if last else "/")


def walk_files(root: Path, notes: list[str] | None, hidden: bool = True) -> list[Path]:
    """Every file below *root*, sorted, following links to folders once per real folder."""
    files: list[Path] = []
    seen: set[tuple[int, int]] = set()

    def note(line: str) -> None:
        if notes is not None:
            notes.append(line)

    def visit(folder: Path) -> None:
        try:
            info = folder.stat()
        except OSError:
            return
        if (info.st_dev, info.st_ino) in seen:
            return
        seen.add((info.st_dev, info.st_ino))
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as err:
            note(f"{folder}: cannot be searched ({err.strerror}); its articles are left out")
            return
        for entry in entries:
            if not hidden and entry.name.startswith("."):
                continue
            path = folder / entry.name
            try:
                is_dir, is_link = entry.is_dir(), entry.is_symlink()
            except OSError:
                continue
            if is_link and not path.exists():
                note(f"{path}: a link to nothing; skipped")
            elif is_dir:
                target = path.stat()
                if is_link and (target.st_dev, target.st_ino) in seen:
                    note(f"{path}: a link to {os.path.realpath(path)}, a folder already searched; not searched again")
                    continue
                visit(path)
            elif entry.is_file():
                files.append(path)

    visit(root)
    return files


def _real(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path


def _settings_digest(settings: Settings, source_lang: str, target_lang: str, origin: str | None) -> str:
    glossary = repr([(e.terms, e.dnt, e.case_sensitive, e.kind) for e in settings.glossary.entries]) if settings.glossary else ""
    blob = json.dumps(
        [__version__, source_lang, target_lang, sorted(settings.engine.items()), list(settings.formats), origin, glossary, repr(settings.order_rules)],
        default=str,
    )
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def run_batch(
    paths: Sequence[Path],
    settings: Settings,
    progress: Callable[[ArticleReport], None] | None = None,
    engine: engines.Engine | None = None,
    chunk_size: int = CHUNK,
    keep_reports: bool = True,
    guard: Callable[[], AbstractContextManager[object]] | None = None,
    stopping: Callable[[], bool] | None = None,
) -> BatchResult:
    """Translate every article into every target language; never stops for one bad article.

    Each article is translated from its own language (detected, or --from), so
    a mixed inbox is one run: one MT batch per language pair.

    Without *keep_reports* only the totals are kept, so the memory of an archive run does not grow with it.
    *guard* (the project lock, for ``watch``) is held while each chunk's files are written, and only then;
    once *stopping* says so, no further article is started or written (the manifest has the rest for the next run).
    """
    project = settings.project
    manifest = Manifest(project.manifest)
    result = BatchResult([])
    stage = _Stage(guard or nullcontext, stopping or (lambda: False))

    def report(item: ArticleReport) -> None:
        result.totals.setdefault(item.language, Totals()).add(item)
        if keep_reports:
            result.reports.append(item)
        if progress:
            progress(item)

    source_langs = _source_languages(paths, settings, report)
    groups = {lang: [path for path, found in source_langs.items() if found == lang] for lang in dict.fromkeys(source_langs.values())}
    with open_resources(settings, engine, project.mt_cache) as resources:
        cached = resources.engine
        try:
            for target_lang in settings.target_langs:
                for source_lang, group in groups.items():
                    if source_lang == target_lang:
                        for path in group:
                            report(ArticleReport(project.reference(path), target_lang, "same-language", source_language=source_lang))
                        continue
                    try:
                        cached.check(source_lang, target_lang)
                    except TransflowError as err:
                        for path in group:
                            report(ArticleReport(project.reference(path), target_lang, "failed", str(err), source_language=source_lang))
                        continue
                    digest = _settings_digest(settings, source_lang, target_lang, cached.origin(source_lang, target_lang))
                    _pipeline(group, chunk_size, target_lang, settings, digest, resources, manifest, report, stage)
        except DiskFull as err:
            result.stopped = str(err)  # every later write would fail the same way: stop, and say what was written
        finally:
            result.sent_to_mt, result.from_mt_cache = cached.sent, cached.hits
            manifest.close()
    return result


def _source_languages(paths: Sequence[Path], settings: Settings, report: Callable[[ArticleReport], None]) -> dict[Path, str]:
    """Each article's language; articles that cannot be read, or that would share a file with another, are reported failed."""
    project = settings.project
    shared = project.refuse_shared_outputs(paths, settings.target_langs)
    found: dict[Path, str] = {}
    for path in paths:
        try:
            if path in shared:
                raise UsageError(shared[path])
            found[path] = Article.load(path, settings).source_lang
        except TransflowError as err:
            for target_lang in settings.target_langs:
                report(ArticleReport(project.reference(path), target_lang, "failed", str(err)))
    return found


@dataclass(frozen=True)
class _Stage:
    """How a run is fenced: what is held while files are written, and whether to stop."""

    guard: Callable[[], AbstractContextManager[object]]
    stopping: Callable[[], bool]


def _pipeline(paths, chunk_size, target_lang, settings, digest, resources, manifest, report, stage: _Stage) -> None:
    """Chunk after chunk: while one chunk is in MT, the next is prepared and the previous one written.

    MT runs in one thread, chunk by chunk in order, so its batches and the MT
    cache are those of a run without the overlap; everything that reads or
    writes project files, and every report, stays in this thread. The
    overlap is what lets one driver keep a Ray cluster busy.
    """
    in_mt: Future | None = None
    translator = ThreadPoolExecutor(1, thread_name_prefix="transflow-mt")
    try:
        for offset in range(0, len(paths), chunk_size):
            if stage.stopping():
                break
            pending = _prepare(paths[offset : offset + chunk_size], target_lang, settings, digest, resources, manifest, report)
            submitted = translator.submit(_translate, pending, resources) if pending else None
            if in_mt is not None:
                _write(in_mt, target_lang, settings, resources, manifest, report, stage)
            in_mt = submitted
        if in_mt is not None:
            _write(in_mt, target_lang, settings, resources, manifest, report, stage)
    finally:
        translator.shutdown(wait=False, cancel_futures=True)


def _prepare(paths, target_lang, settings, digest, resources, manifest, report) -> list[tuple[Pending, str, str, float]]:
    """Read, segment and draft the chunk's articles that changed; list them with what MT must translate."""
    project = settings.project
    pending: list[tuple[Pending, str, str, float]] = []
    for path in paths:
        began = time.perf_counter()
        name = project.reference(path)
        try:
            article = Article.load(path, settings)
            fingerprint = hashlib.sha256(path.read_bytes() + digest.encode()).hexdigest()
            key = project.manifest_key(path, target_lang)
            outputs = settings.outputs(article, target_lang)
            for folder in {output.parent for output in outputs}:
                remove_stale_temporaries(folder)  # a killed run's leftovers, even where this run writes nothing
            if manifest.unchanged(key, fingerprint, outputs):
                report(ArticleReport(name, target_lang, "skipped", source_language=article.source_lang))
                continue
            pending.append((start(article, target_lang, settings, resources), key, fingerprint, time.perf_counter() - began))
        except DiskFull:
            raise
        except TransflowError as err:
            report(ArticleReport(name, target_lang, "failed", str(err)))
    return pending


def _translate(pending, resources) -> tuple[list, list[tuple[Pending, str]], float]:
    """MT for the whole chunk in one batch per language pair: the articles translated, those that failed, seconds per sentence."""
    began = time.perf_counter()
    failed: list[tuple[Pending, str]] = []
    try:
        machine_translate([item.draft for item, *_ in pending], resources.engine, resources.placeholders)
    except DiskFull:
        raise
    except TransflowError:
        # One article can fail the chunk's MT batch: article by article, only that one fails.
        survivors = []
        for entry in pending:
            try:
                machine_translate([entry[0].draft], resources.engine, resources.placeholders)
                survivors.append(entry)
            except TransflowError as err:
                failed.append((entry[0], str(err)))
        pending = survivors
    return pending, failed, (time.perf_counter() - began) / max(1, sum(len(item.draft.pending) for item, *_ in pending))


def _write(translated: Future, target_lang, settings, resources, manifest, report, stage: _Stage) -> None:
    """Once the chunk's MT is done, write each article's files and record it in the manifest.

    A run told to stop while the chunk is in MT does not wait for it: what MT
    finishes is in the MT cache, and the manifest sends the articles to the next run.
    """
    while not translated.done():
        if stage.stopping():
            return
        wait([translated], timeout=0.2)
    pending, failed, mt_share = translated.result()
    for item, message in failed:
        report(ArticleReport(item.article.reference, target_lang, "failed", message, source_language=item.article.source_lang))
    if pending and not stage.stopping():
        with stage.guard():
            _write_articles(pending, mt_share, target_lang, settings, resources, manifest, report, stage)


def _write_articles(pending, mt_share, target_lang, settings, resources, manifest, report, stage: _Stage) -> None:
    """Each article's files, a few at a time: writing is mostly waiting for the disk (fsync), which threads overlap.

    Articles are reported and recorded in the manifest in their order, in this
    thread (the drafts record, the manifest and the reports are not shared
    with the writers). Once *stage* says stop, no further article is started;
    those being written finish.
    """
    entries = iter(pending)
    window: deque[tuple[tuple, Future]] = deque()
    with ThreadPoolExecutor(WRITERS, thread_name_prefix="transflow-write") as writers:

        def fill() -> None:
            while len(window) < 2 * WRITERS and not stage.stopping():
                entry = next(entries, None)
                if entry is None:
                    return
                window.append((entry, writers.submit(_finish_timed, entry[0], settings)))

        fill()
        while window:
            (item, key, fingerprint, spent), written = window.popleft()
            try:
                seconds = written.result()
            except DiskFull as err:  # every later write would fail the same way: the run stops here
                report(ArticleReport(item.article.reference, target_lang, "failed", str(err), source_language=item.article.source_lang))
                for _, queued in window:
                    queued.cancel()
                raise
            except TransflowError as err:
                report(ArticleReport(item.article.reference, target_lang, "failed", str(err), source_language=item.article.source_lang))
                fill()
                continue
            fill()
            record_drafts(item, resources)
            manifest.record(key, fingerprint)
            stats = item.draft.stats
            report(
                ArticleReport(
                    item.article.reference,
                    target_lang,
                    segments=stats.segments,
                    reviewed_kept=stats.kept,
                    revised=stats.revised,
                    from_tm=stats.from_tm,
                    from_mt=stats.machine,
                    glossary_enforced=stats.terms_enforced,
                    glossary_flagged=stats.terms_flagged,
                    qa_problems=sum(len(unit.problems) for unit in item.draft.units if unit.fuzzy),
                    flagged=stats.flagged,
                    seconds=round(spent + seconds + mt_share * len(item.draft.pending), 3),
                    source_language=item.article.source_lang,
                warning=item.article.warning or "",
                )
            )


def _finish_timed(item: Pending, settings: Settings) -> float:
    began = time.perf_counter()
    finish(item, settings)
    return time.perf_counter() - began
