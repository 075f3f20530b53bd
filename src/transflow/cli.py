"""The ``transflow`` command: argument parsing, progress and exit codes; the work lives elsewhere."""

from __future__ import annotations

import itertools
import json
import os
import sys
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from . import __version__, config as configuration, engines, languages
from .errors import DiskFull, TransflowError, UsageError
from .textio import is_stdout, refuse_stdout, relative_path, write_atomic, writes_to_stdout



class _Command(typer.core.TyperCommand):
    """A command whose help names values in words, as Unix tools do: ``ARTICLE...``, ``--to LANGS``.

    Typer 0.29 shows Python types instead (``articles... <list[Path]>``,
    ``{articles}...``, ``--to <str>``). Every value gets a metavar (the one
    given, else its name in capitals) and arguments are shown by it alone;
    ``help_records`` is what ``--help`` and the generated CLI reference list.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:
            flag = getattr(param, "is_flag", False) or getattr(param, "count", False)
            if param.metavar is None and not flag and param.name:
                param.metavar = param.name.upper()

    @staticmethod
    def _shown(param) -> str:
        """An argument as usage and help show it: ``ARTICLE...``, ``[FOLDER]``."""
        shown = param.metavar + ("..." if param.nargs != 1 else "")
        return shown if param.required else f"[{shown}]"

    def collect_usage_pieces(self, ctx) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            pieces += [self._shown(param)] if isinstance(param, typer.core.TyperArgument) else param.get_usage_pieces(ctx)
        return pieces

    def _records(self, ctx) -> list[tuple[bool, tuple[str, str]]]:
        """(is an argument, (name, help)) for every parameter --help lists."""
        records = []
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is not None:
                argument = isinstance(param, typer.core.TyperArgument)
                records.append((argument, (self._shown(param).strip("[]"), record[1]) if argument else record))
        return records

    def help_records(self, ctx) -> list[tuple[str, str]]:
        return [record for _, record in self._records(ctx)]

    def format_options(self, ctx, formatter) -> None:
        records = self._records(ctx)
        for title, argument in (("Arguments", True), ("Options", False)):
            rows = [record for is_argument, record in records if is_argument == argument]
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)


class _Typer(typer.Typer):
    """Every command of the app is a ``_Command``."""

    def command(self, *args, cls=None, **kwargs):
        return super().command(*args, cls=cls or _Command, **kwargs)


# rich_markup_mode=None: help texts are plain text, so "[memory] path" and ".[ray]" keep their
# brackets (rich would read them as markup) and flags show no "<bool>" value.
app = _Typer(
    rich_markup_mode=None,
    add_completion=False,
    pretty_exceptions_enable=False,
    no_args_is_help=True,
    help="Translate newsroom articles offline, review them in Poedit, build the localised article.",
)
models_app = _Typer(
    rich_markup_mode=None, no_args_is_help=True,
    help="Offline MT models (Argos packages): list, install, doctor, export-bundle, import-bundle, remove.",
    short_help="MT models: install, list, doctor, remove, export-bundle, import-bundle",
)
app.add_typer(models_app, name="models")
glossary_app = _Typer(
    rich_markup_mode=None, no_args_is_help=True,
    help="Newsroom glossaries (CSV/TSV, TBX): check, show, convert, suggest.",
    short_help="Glossaries: check, show, convert, suggest.",
)
app.add_typer(glossary_app, name="glossary")
tm_app = _Typer(
    rich_markup_mode=None, no_args_is_help=True,
    help="The project translation memory: import, export (TMX 1.4b), stats, copy, repair.",
    short_help="Translation memory: import, export, stats, copy, repair.",
)
app.add_typer(tm_app, name="tm")

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)
if not out.is_terminal:
    out.width = 240  # tables piped to a file or a log are not folded at 80 columns


class State:
    config: configuration.Config
    explicit_config: bool = False  # --config given: the project is the one named, wherever the articles are


state = State()


def _show_version(value: bool) -> None:
    if value:
        out.print(f"transflow {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    config: Optional[Path] = typer.Option(None, "--config", metavar="FILE", help="Project settings file (default: ./transflow.toml); before or after the command."),
    version: bool = typer.Option(False, "--version", help="Show the version and exit.", is_eager=True, callback=_show_version),
) -> None:
    state.config = configuration.load(config)
    state.explicit_config = config is not None
    if state.config.models is not None:
        os.environ["ARGOS_PACKAGES_DIR"] = str(state.config.models)


def _settle_project(articles) -> None:
    """Work in the project the articles are in, found from each article's folder upward as git does.

    Run from outside any project, the articles' project is used (with its
    glossary, TM and folders), never a new one made in the current folder;
    articles of another project than the current folder's are refused, naming
    both, rather than translated with the wrong settings.
    """
    if state.explicit_config or not articles:
        return
    here = configuration.find_project(Path.cwd())
    homes: dict[Path, Path] = {}
    for article in articles:
        home = configuration.find_project(Path(article).resolve().parent)
        if home is not None:
            homes.setdefault(home, Path(article))
    if not homes or set(homes) == {here}:
        return
    if len(homes) > 1:
        (a, first), (b, second) = list(homes.items())[:2]
        raise UsageError(f"{first} is in the project {a} and {second} in the project {b}; run transflow once per project")
    (home, article), = homes.items()
    if here is not None:
        raise UsageError(
            f"{article}: is in the project {home}, but the current folder is in the project {here}; "
            f"run transflow in {home}, or give --config {home / configuration.CONFIG_NAME}"
        )
    state.config = configuration.load(home / configuration.CONFIG_NAME)
    if state.config.models is not None:
        os.environ["ARGOS_PACKAGES_DIR"] = str(state.config.models)
    err.print(f"transflow: working in the project {home} (the article's)", markup=False)


@app.command()
def init(force: bool = typer.Option(False, "--force", help="Overwrite an existing transflow.toml.")) -> None:
    """Write a commented transflow.toml in the current folder."""
    path = Path(configuration.CONFIG_NAME)
    if path.exists() and not force:
        raise UsageError(f"{path} already exists; use --force to overwrite it")
    write_atomic(path, configuration.TEMPLATE)
    out.print(f"wrote {path}")


@app.command()
def demo(
    folder: Optional[Path] = typer.Argument(None, help="A new or empty folder for the demo project (default: a new temporary folder)."),
) -> None:
    """See the workflow offline in a minute: demo models (they copy, not translate) in a throw-away project."""
    from . import demo as demonstration

    refuse_stdout(folder, "FOLDER", "the demo is a project folder", "a new or empty folder")
    demonstration.run(folder, lambda line: out.print(line, markup=False))


_TO = typer.Option(None, "--to", metavar="LANGS", help="Target languages, comma-separated (default: from transflow.toml).")
_FROM = typer.Option(None, "--from", metavar="LANG", help="Source language of the articles (default: each article's detected language).")
_FROM_FORCE = typer.Option(False, "--from-force", help="Take --from even for articles whose text looks like another language.")
_ENGINE = typer.Option(None, "--engine", metavar="NAME", help="argos (offline MT) or none (empty drafts).")
_OUT_DIR = typer.Option(None, "--out-dir", metavar="DIR", help="Write PO/XLIFF files under DIR/<lang>/ instead of locales/.")
_GLOSSARY = typer.Option(
    [], "--glossary", metavar="FILE", help="Glossary (CSV/TSV/TBX) to enforce; repeat to combine (default: glossary.files in transflow.toml)."
)
_FORMAT = typer.Option("po", "--format", metavar="FORMATS", help="po, xliff (1.2), xliff2, or a list such as po,xliff.")
_TM = typer.Option(None, "--tm", help="Translation memory: an SQLite file or postgresql://user@host/db (default: [memory] path).")
_WAIT = typer.Option(0.0, "--wait", min=0, metavar="SECONDS", help="If another run holds the project, wait up to SECONDS for it.")


@app.command()
def translate(
    articles: list[Path] = typer.Argument(..., metavar="ARTICLE", help="Article files (.txt, .md, .html, .json ninjs items, .docx)."),
    to: Optional[str] = _TO,
    source: Optional[str] = _FROM,
    from_force: bool = _FROM_FORCE,
    engine: Optional[str] = _ENGINE,
    out_dir: Optional[Path] = _OUT_DIR,
    glossary: list[Path] = _GLOSSARY,
    file_format: str = _FORMAT,
    wait: float = _WAIT,
    tm: Optional[str] = _TM,
) -> None:
    """Segment articles and write machine-translated drafts as PO (and/or XLIFF) files for review."""
    from .lock import project_lock
    from .workflow import translate_articles

    _refuse_folders(articles, "'transflow translate' takes article files, 'transflow batch {folder}' takes folders")
    _settle_project(articles)
    _use_tm(tm)
    settings = _settings(to, source, from_force, engine, out_dir, glossary, file_format)
    lock = project_lock(settings.project.state, wait)
    for report in translate_articles(articles, settings, lock):
        out.print(report, markup=False)


def _use_tm(location: str | None) -> None:
    """--tm overrides [memory] path for this command (checked as [memory] path is: a file or postgresql://)."""
    if location:
        state.config.memory = _tm_location(location)


def _tm_location(location: str, option: str = "--tm") -> str:
    from .memory import is_server, redact

    refuse_stdout(location, option, "the TM is a database", "an SQLite file path or a postgresql:// URL")
    if "://" in location and not is_server(location):
        raise UsageError(f"--tm {redact(location)}: not a TM location transflow knows; give an SQLite file path (e.g. .transflow/tm.sqlite) or a postgresql:// URL")
    return location


MAX_JOBS = 64  # as engines.argos.MAX_THREADS, checked before anything is read


def _settings(to, source, from_force, engine, out_dir, glossary, file_format, jobs: int | None = None):
    """The run's settings from flags over transflow.toml."""
    from . import glossary as glossaries
    from .exchange import parse_formats
    from .project import Project
    from .workflow import Settings

    refuse_stdout(out_dir, "--out-dir", "it takes a folder of PO/XLIFF files, one per article and language", "a folder")
    cfg = state.config
    if from_force and not source:
        raise UsageError("--from-force goes with --from LANG")
    targets = languages.parse_list(to) if to else cfg.targets
    engine_settings = dict(cfg.engine)
    if engine:
        engine_settings["name"] = engine
    if jobs:
        if jobs > MAX_JOBS:
            raise UsageError(f"--jobs {jobs}: at most {MAX_JOBS} MT batches run in parallel (each is a model replica); this machine has {os.cpu_count() or 1} cores")
        engine_settings["inter_threads"] = jobs
        engine_settings["intra_threads"] = max(1, (os.cpu_count() or 1) // jobs)
    formats = parse_formats(file_format)
    glossary_files = glossary or cfg.glossaries
    return Settings(
        project=Project.from_config(cfg, out_dir),
        source_lang=languages.check(source) if source else None,
        target_langs=tuple(targets),
        engine=engine_settings,
        glossary=glossaries.load(glossary_files) if glossary_files else None,
        order_rules=tuple(cfg.order_rules),
        formats=tuple(formats),
        memory_path=cfg.memory,
        fuzzy_threshold=cfg.fuzzy_threshold,
        default_source_lang=cfg.source,
        force_source_lang=from_force,
        risk=cfg.risk,
        figure_styles=cfg.figures,
    )


@app.command()
def batch(
    paths: list[str] = typer.Argument(..., metavar="PATH", help="Article files, folders (searched recursively) and globs."),
    to: Optional[str] = _TO,
    source: Optional[str] = _FROM,
    from_force: bool = _FROM_FORCE,
    engine: Optional[str] = _ENGINE,
    out_dir: Optional[Path] = _OUT_DIR,
    glossary: list[Path] = _GLOSSARY,
    file_format: str = _FORMAT,
    jobs: Optional[int] = typer.Option(None, "--jobs", min=1, metavar="N", help="MT batches translated in parallel (CTranslate2 inter_threads)."),
    report: Optional[Path] = typer.Option(None, "--report", metavar="FILE", help="Write a JSON report per article and language."),
    wait: float = _WAIT,
    tm: Optional[str] = _TM,
    ray: bool = typer.Option(False, "--ray", help="Translate on a Ray cluster (pip install -e '.[ray]' in transflow's folder); this machine still reads and writes every file."),
    ray_address: Optional[str] = typer.Option(
        None, "--ray-address", metavar="ADDRESS", help="Join the Ray cluster at HOST:PORT, or auto (default: [batch] ray_address, RAY_ADDRESS, else start one here)."
    ),
    device: Optional[str] = typer.Option(None, "--device", help="cpu, or cuda to translate on GPUs (default: [engine] device)."),
) -> None:
    """Translate a day's articles in one run: incremental, resumable, one bad article never stops the rest."""
    from .batch import CHUNK, run_batch
    from .lock import project_lock

    articles = _expand(paths)
    _settle_project(articles)
    _use_tm(tm)
    settings = _settings(to, source, from_force, engine, out_dir, glossary, file_format, jobs)
    if device:
        settings = replace(settings, engine={**settings.engine, "device": device})
    refuse_stdout(report, "--report", "batch prints its progress there")
    if report is not None:
        settings.project.refuse_overwrite(report, articles)
    use_ray = ray or ray_address is not None or state.config.executor == "ray"
    with _batch_engine(settings, use_ray, ray_address) as mt, project_lock(settings.project.state, wait):
        with _batch_progress(len(articles) * len(settings.target_langs)) as progress:
            chunk = mt.chunk_size(CHUNK) if mt else CHUNK
            result = run_batch(articles, settings, progress, engine=mt, chunk_size=chunk, keep_reports=report is not None)
    _batch_summary(result.totals)
    out.print(f"MT: {result.sent_to_mt} sentences sent to the engine, {result.from_mt_cache} taken from the MT cache", markup=False)
    if mt is not None:
        out.print(mt.describe(), markup=False)
    if result.stopped:
        written = sum(t.translated for t in result.totals.values())
        raise DiskFull(
            f"{result.stopped.split('; ')[0]}: the batch stopped; {written} article translations were written before (listed above), "
            "the others were not attempted; free some space and run it again (what was written is skipped)"
        )
    if report is not None:
        write_atomic(report, json.dumps([r.as_dict() for r in result.reports], ensure_ascii=False, indent=2) + "\n")
    failed = sum(t.failed for t in result.totals.values())
    if failed:
        raise TransflowError(f"{failed} of {sum(t.articles for t in result.totals.values())} article translations failed; see the lines above")


def _expand(patterns: list[str]) -> list[Path]:
    """The articles *patterns* name; a link skipped while searching is said on stderr, one line each."""
    from .batch import expand

    notes: list[str] = []
    found = expand(patterns, notes)
    for line in notes:
        err.print(f"note: {line}", markup=False)
    return found


def _named(output: Path) -> str:
    """An output as a report names it: ``-`` is standard output."""
    return "standard output" if is_stdout(output) else relative_path(output)


def _said(output: Path) -> Console:
    """Where to report on writing *output*: stderr when the output itself streams to stdout (``-o /dev/stdout``)."""
    return err if writes_to_stdout(output) else out


@app.command()
def watch(
    folders: list[Path] = typer.Argument(None, metavar="FOLDER", help="Inbox folders, watched recursively (default: paths.articles in transflow.toml)."),
    to: Optional[str] = _TO,
    source: Optional[str] = _FROM,
    from_force: bool = _FROM_FORCE,
    engine: Optional[str] = _ENGINE,
    out_dir: Optional[Path] = _OUT_DIR,
    glossary: list[Path] = _GLOSSARY,
    file_format: str = _FORMAT,
    jobs: Optional[int] = typer.Option(None, "--jobs", min=1, metavar="N", help="MT batches translated in parallel (CTranslate2 inter_threads)."),
    tm: Optional[str] = _TM,
    ray: bool = typer.Option(False, "--ray", help="Translate on a Ray cluster (pip install -e '.[ray]' in transflow's folder), connected once for the life of the watch."),
    ray_address: Optional[str] = typer.Option(
        None, "--ray-address", metavar="ADDRESS", help="Join the Ray cluster at HOST:PORT, or auto (default: [batch] ray_address, RAY_ADDRESS, else start one here)."
    ),
    device: Optional[str] = typer.Option(None, "--device", help="cpu, or cuda to translate on GPUs (default: [engine] device)."),
    settle: float = typer.Option(1.0, "--settle", min=0.05, metavar="SECONDS", help="Seconds a changed file must stay unchanged (and closed by its writer) before it is drafted."),
    log_format: str = typer.Option("text", "--log-format", metavar="FORMAT", help="text, or json for one JSON object per line (for a log collector)."),
) -> None:
    """Watch inbox folders and draft every new or changed article seconds after it is saved, until stopped.

    Takes batch's options. A burst of saves is drafted as one MT batch; only changed
    sentences go to MT; reviewed translations are kept. The project lock is held only
    while files are written. SIGTERM or Ctrl-C finishes the file being written and
    stops; a restart resumes from the manifest. 'transflow status' shows what it is doing.
    """
    import signal
    import threading

    from .batch import CHUNK
    from .watch import EventLog, Watch

    log = EventLog(sys.stdout, log_format)
    _use_tm(tm)
    settings = _settings(to, source, from_force, engine, out_dir, glossary, file_format, jobs)
    if device:
        settings = replace(settings, engine={**settings.engine, "device": device})
    chosen = folders or ([state.config.path(state.config.articles)] if state.config.articles is not None else [])
    use_ray = ray or ray_address is not None or state.config.executor == "ray"
    with _batch_engine(settings, use_ray, ray_address) as mt:
        watcher = Watch(chosen, settings, engine=mt, log=log, settle=settle, min_chunk=mt.chunk_size(CHUNK) if mt else CHUNK)
        previous = {signum: signal.signal(signum, lambda *_: watcher.stop()) for signum in (signal.SIGTERM, signal.SIGINT)}
        try:
            watcher.run()
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
    if any(thread.name.startswith("transflow-mt") and thread.is_alive() for thread in threading.enumerate()):
        # Stopped while an MT batch runs: its articles are left for the next start; do not wait for it.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)


def _project():
    """The project's layout, for the commands that only need to know what not to overwrite."""
    from .project import Project

    return Project.from_config(state.config)


def _batch_engine(settings, use_ray: bool, address: str | None):
    """Ray workers for the batch's MT (connected before anything is written), or None for this machine's engine."""
    from contextlib import nullcontext

    if not use_ray or settings.engine.get("name", "argos") != "argos":
        return nullcontext()
    from .engines.argos import ArgosSettings
    from .engines.ray_pool import RayOptions, ray_engine

    cfg = state.config
    options = RayOptions(cfg.ray_address if address is None else address, cfg.ray_workers, cfg.ray_worker_cpus, cfg.ray_models)
    return ray_engine(ArgosSettings.from_mapping(settings.engine), settings.language_pairs(), options)


def _batch_progress(total: int):
    """A ``progress(report)`` callback: a rich bar with counts and ETA on a terminal, log lines otherwise."""
    from contextlib import contextmanager

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn, TimeRemainingColumn

    @contextmanager
    def context():
        if not err.is_terminal:
            done = 0

            def log(item) -> None:
                nonlocal done
                done += 1
                err.print(f"[{done}/{total}] {item.line()}", markup=False)

            yield log
            return
        columns = ("{task.description}", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), TimeRemainingColumn())
        with Progress(*columns, console=err) as bar:
            task = bar.add_task("translating", total=total)

            def advance(item) -> None:
                bar.update(task, advance=1, description=item.article)
                if item.status == "failed":
                    bar.console.print(item.line(), markup=False)

            yield advance

    return context()


def _batch_summary(totals) -> None:
    table = Table("language", "articles", "translated", "skipped (unchanged)", "same language", "failed", "segments", "machine drafts", "flagged")
    for lang, t in totals.items():
        table.add_row(lang, *map(str, (t.articles, t.translated, t.skipped, t.same_language, t.failed, t.segments, t.from_mt, t.flagged)))
    out.print(table)


@app.command()
def status(
    paths: list[str] = typer.Argument(None, metavar="PATH", help="Articles, folders or globs (default: every article with a PO/XLIFF file)."),
    lang: Optional[str] = typer.Option(None, "--lang", help="Only this language (default: every language with a translation file)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
    review: bool = typer.Option(False, "--review", help="Review work left weighted by risk, high-risk articles first."),
    watching: bool = typer.Option(False, "--watch", help="Only what 'transflow watch' is doing: queue, last draft, errors."),
) -> None:
    """Translated, fuzzy and untranslated segments and words per article and language, and what the watch is doing."""
    from . import watchstate
    from .project import Project
    from .status import project_review, project_status

    articles = _expand(paths) if paths else None
    _settle_project(articles)
    cfg = state.config
    project = Project.from_config(cfg)
    watch_state = watchstate.read(project.watch_state)
    if watching:
        if as_json:
            out.print_json(json.dumps(watch_state, ensure_ascii=False))
        else:
            out.print("\n".join(watchstate.summary(watch_state)) if watch_state else "watch: has never run in this project", markup=False)
        return
    # Every language with a translation file, the configured targets first (an article translated
    # --to en,ja is listed too); --lang narrows it to one.
    targets = [languages.check(lang)] if lang else project.languages(cfg.targets)
    if review:
        loads = project_review(project, articles, targets, cfg.source, cfg.risk)
        if as_json:
            out.print_json(json.dumps([load.as_dict() for load in loads], ensure_ascii=False))
        else:
            table = Table("article", "language", "high risk", "medium", "low", "untranslated", "words left", "weighted work")
            for load in loads:
                counts = (load.high, load.medium, load.low, load.untranslated, load.words_left, load.work)
                table.add_row(_status_name(load), load.language, *_status_cells(load, [f"{v:g}" for v in counts]))
            out.print(table)
        _status_notes(project, loads, as_json)
        return
    rows = project_status(project, articles, targets, cfg.source)
    if as_json:
        out.print_json(json.dumps([row.as_dict() for row in rows], ensure_ascii=False))
    else:
        table = Table("article", "language", "translated", "fuzzy", "untranslated", "words translated", "words fuzzy", "words untranslated")
        for row in rows:
            counts = (row.translated, row.fuzzy, row.untranslated, row.translated_words, row.fuzzy_words, row.untranslated_words)
            table.add_row(_status_name(row), row.language, *_status_cells(row, [str(v) for v in counts]))
        out.print(table)
        for row in rows:
            if row.codes_damaged:
                out.print(
                    f"{row.file}: {row.codes_damaged} marked done but counted as fuzzy: their inline codes are damaged "
                    "(Poedit counts them done); fix the tags in your editor",
                    markup=False,
                )
        if watch_state:
            out.print("\n".join(watchstate.summary(watch_state)), markup=False)
    _status_notes(project, rows, as_json)


def _status_name(row) -> str:
    """The article cell: marked when the row is not an ordinary article."""
    return f"{row.article} (unreadable)" if row.error else f"{row.article} (source missing)" if row.source_missing else row.article


def _status_cells(row, cells: list[str]) -> list[str]:
    return ["—"] * len(cells) if row.error else cells


def _status_notes(project, rows, as_json: bool) -> None:
    """After the table: how to clean up after a withdrawn article; each unreadable file as its one-line
    error (what is wrong, how to fix it), and exit 1 once every other row was shown."""
    from .status import cleanup_advice

    if not as_json:
        for row in rows:
            if row.source_missing and not row.error:
                out.print(cleanup_advice(project, row), markup=False)
    broken = [row for row in rows if row.error]
    for row in broken:
        err.print(f"transflow: error: {row.error}", markup=False)
    if broken:
        raise typer.Exit(1)


@app.command()
def qa(
    files: list[Path] = typer.Argument(..., metavar="FILE", help="PO or XLIFF files to check."),
    glossary: list[Path] = _GLOSSARY,
    output_format: str = typer.Option("text", "--format", metavar="FORMAT", help="text or json."),
    fail_on: str = typer.Option("error", "--fail-on", metavar="SEVERITY", help="Exit 1 on problems of this severity or worse: error or warning."),
) -> None:
    """Check translations: glossary, numbers, markup, URLs, completeness, spacing, brackets, length, consistency."""
    from . import qa as checks

    if output_format not in ("text", "json") or fail_on not in ("error", "warning"):
        raise UsageError("use --format text|json and --fail-on error|warning")
    problems = _qa_problems(files, glossary)
    if output_format == "json":
        out.print_json(json.dumps([p.as_dict() for p in problems], ensure_ascii=False))
    else:
        for problem in problems:
            out.print(str(problem), markup=False)
        counts = {sev: sum(p.severity == sev for p in problems) for sev in (checks.ERROR, checks.WARNING)}
        out.print(f"{len(files)} files: {counts[checks.ERROR]} errors, {counts[checks.WARNING]} warnings", markup=False)
    failing = {checks.ERROR} if fail_on == "error" else {checks.ERROR, checks.WARNING}
    if any(p.severity in failing for p in problems):
        raise typer.Exit(1)


def _qa_problems(files: list[Path], glossary: list[Path]):
    """QA over every unit of PO/XLIFF files, and their consistency with each other."""
    from . import exchange, glossary as glossaries, qa as checks
    from .workflow import attach_codes, qa_context

    cfg = state.config
    glossary_files = glossary or cfg.glossaries
    terms = glossaries.load(glossary_files) if glossary_files else None
    problems, seen = [], []
    for path in files:
        catalog, _ = exchange.read(path)
        attach_codes(catalog, cfg)
        source, target = catalog.source_language or cfg.source, catalog.language or ""
        if not target:
            raise UsageError(f"{path}: names no target language (PO Language header / XLIFF target-language); set it and retry")
        problems += checks.run(catalog.units, str(path), qa_context(source, target, terms, cfg.order_rules), cfg.qa_disabled)
        seen.append((str(path), target, catalog.units))
    return problems + checks.consistency(seen, cfg.qa_disabled)




@app.command()
def convert(
    source: Path = typer.Argument(..., help="A PO or XLIFF file."),
    target: Path = typer.Argument(..., help="The file to write; .po or .xlf/.xliff chooses the format; - writes the other format to stdout."),
    xliff_version: str = typer.Option("1.2", "--xliff-version", metavar="VERSION", help="XLIFF version to write: 1.2 or 2.0."),
) -> None:
    """Convert one article's translations between PO and XLIFF."""
    from .workflow import convert_file

    if xliff_version not in ("1.2", "2.0"):
        raise UsageError(f"--xliff-version {xliff_version!r}: use 1.2 or 2.0")
    _project().refuse_overwrite(target, [source], translations_are_inputs=False)
    for problem in convert_file(source, target, "xliff2" if xliff_version == "2.0" else "xliff", state.config):
        err.print(f"warning: {problem}", markup=False)
    _said(target).print(f"wrote {_named(target)}", markup=False)


def _refuse_folders(articles: Sequence[Path], advice: str) -> None:
    """A folder given where an article file belongs is one line naming the command that takes it."""
    folder = next((path for path in articles if path.is_dir()), None)
    if folder is not None:
        raise UsageError(f"{folder}: is a folder; " + advice.format(folder=folder))


@app.command()
def build(
    article: Path = typer.Argument(..., help="The source article."),
    lang: str = typer.Option(..., "--lang", help="Target language to build."),
    from_file: Optional[Path] = typer.Option(
        None, "--from", metavar="FILE", help="Reviewed PO or XLIFF file (default: locales/<lang>/<article>.po)."
    ),
    output: Optional[Path] = typer.Option(None, "-o", "--output", metavar="FILE", help="Output file, or - for stdout (default: localized/<lang>/<file name>)."),
    include_fuzzy: bool = typer.Option(False, "--include-fuzzy", help="Use machine drafts and other fuzzy entries too."),
    force: bool = typer.Option(False, "--force", help="Build even when QA finds errors (the report is still printed)."),
    min_translated: Optional[float] = typer.Option(
        None, "--min-translated", min=0, max=100, metavar="PERCENT", help="Refuse below this percentage of translated segments (default 80)."
    ),
    tm: Optional[str] = _TM,
) -> None:
    """Rebuild the article in LANG from its reviewed translations."""
    from . import glossary as glossaries
    from .memory import open_memory
    from .project import Project
    from .workflow import BuildOptions, publish

    _refuse_folders([article], "'transflow build' takes one article file")
    _settle_project([article])
    _use_tm(tm)
    cfg = state.config
    project = Project.from_config(cfg)
    target_lang = languages.check(lang)
    translations = from_file or project.translation_to_read(article, target_lang)
    out_path = output or project.built_article(article, target_lang)
    project.refuse_overwrite(out_path, [article, translations])
    options = BuildOptions(
        default_source_lang=cfg.source,
        include_fuzzy=include_fuzzy,
        force=force,
        min_translated=cfg.min_translated if min_translated is None else min_translated,
        glossary=glossaries.load(cfg.glossaries) if cfg.glossaries else None,
        order_rules=tuple(cfg.order_rules),
        qa_disabled=tuple(cfg.qa_disabled),
    )
    with open_memory(cfg.memory) as memory:
        published = publish(article, target_lang, translations, out_path, project, options, memory)
    result = published.built.result
    for problem in published.built.problems:
        err.print(f"warning: {problem}", markup=False)
    for line, text, why in result.missing[:_LISTED]:
        err.print(f"{article}:{line}: {why}: {_shorten(text)}", markup=False)
    if len(result.missing) > _LISTED:
        err.print(f"{article}: … and {len(result.missing) - _LISTED} more segments not built", markup=False)
    for problem in published.qa_problems:
        err.print(str(problem), markup=False)
    if published.refused:
        raise TransflowError(published.refused)
    _said(out_path).print(
        f"{_named(out_path)}: {result.translated}/{result.total} segments translated ({result.percent:.0f}%), "
        f"{published.learned} reviewed translations in the TM",
        markup=False,
    )


_LISTED = 10


def _shorten(text: str, width: int = 70) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


@models_app.command("list")
def models_list() -> None:
    """Show installed language pairs and the pivots through English they make possible."""
    from . import models

    installed = models.installed()
    table = Table("from", "to", "route", "version", "path")
    for (source, target), model in sorted(installed.items()):
        table.add_row(source, target, "direct", model.version, str(model.path))
    for source, target in models.pivots(installed):
        table.add_row(source, target, f"via {models.PIVOT}", "", "")
    if not installed:
        out.print(f"no models installed in {models.packages_dir()}; see 'transflow models install --help'")
        return
    out.print(table)


@models_app.command("install")
def models_install(
    pair: list[str] = typer.Argument(None, metavar="LANG", help="FROM TO language codes, e.g. en vi."),
    file: Optional[Path] = typer.Option(None, "--file", help="Install a downloaded .argosmodel file (offline)."),
    url: Optional[str] = typer.Option(None, "--url", help="Download and install the package at URL."),
    sha256: Optional[str] = typer.Option(None, "--sha256", metavar="HEX", help="With --url: refuse the download unless it has this SHA-256."),
    all_pairs: bool = typer.Option(False, "--all", help="Install every pair the project's languages need (to and from English)."),
) -> None:
    """Install models: from the Argos index (then transflow's catalogue), a URL, or a file."""
    from . import models

    chosen = [bool(pair), file is not None, url is not None, all_pairs]
    if sum(chosen) != 1:
        raise UsageError("give one of: FROM TO, --file X.argosmodel, --url URL, or --all")
    if sha256 and url is None:
        raise UsageError("--sha256 goes with --url")
    with _download_progress() as progress:
        if file is not None:
            installed = [models.install_file(file)]
        elif url is not None:
            installed = [models.install_url(url, sha256, progress)]
        elif all_pairs:
            cfg = state.config
            have = models.installed()
            installed = [
                models.install_pair(source, target, progress)
                for source, target in models.project_pairs([cfg.source, *cfg.targets])
                if (source, target) not in have
            ]
        else:
            if len(pair) != 2:
                raise UsageError("give the language pair, e.g. 'transflow models install en vi'")
            source, target = (languages.check(code) for code in pair)
            installed = [models.install_pair(source, target, progress)]
    for model in installed:
        out.print(f"installed {model.label} in {model.path}", markup=False)
    if not installed:
        out.print("every pair the project needs is already installed", markup=False)


def _download_progress():
    """A context giving a ``progress(done, total)`` callback: a bar on a terminal, nothing otherwise."""
    from contextlib import contextmanager

    from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn, TransferSpeedColumn

    @contextmanager
    def context():
        if not err.is_terminal:
            yield None
            return
        with Progress("[progress.description]{task.description}", BarColumn(), DownloadColumn(), TransferSpeedColumn(), TimeRemainingColumn(), console=err) as bar:
            task = bar.add_task("downloading", total=None)

            def update(done: int, total: int | None) -> None:
                bar.update(task, completed=done, total=total)

            yield update

    return context()


@models_app.command("doctor")
def models_doctor() -> None:
    """Check that every installed model loads, tokenizes and translates; show its licence."""
    from . import models
    from .doctor import examine

    installed = models.installed()
    if not installed:
        raise UsageError(f"no models installed in {models.packages_dir()}; see 'transflow models install --help'")
    failed = 0
    for pair in sorted(installed):
        report = examine(installed[pair])
        status = "ok" if report.healthy else "FAILED"
        out.print(f"{report.model.label}: {status}", markup=False)
        for problem in report.problems:
            out.print(f"  problem: {problem}", markup=False)
        if report.sample:
            out.print(f"  sample: {report.sample}", markup=False)
        for line in report.licence:
            out.print(f"  licence: {line}", markup=False)
        failed += not report.healthy
    if failed:
        raise TransflowError(f"{failed} of {len(installed)} models failed; reinstall them with 'transflow models install'")


@models_app.command("export-bundle")
def models_export_bundle(out_file: Path = typer.Argument(..., help="The bundle to write (.zip).")) -> None:
    """Pack every installed model into one file to carry to an offline machine."""
    from .bundles import export_bundle

    refuse_stdout(out_file, "OUT_FILE", "a bundle is a zip file to carry to the offline machine")
    _project().refuse_overwrite(out_file)
    packed = export_bundle(out_file)
    _said(out_file).print(f"wrote {len(packed)} models to {out_file}: {', '.join(m.label for m in packed)}", markup=False)


@models_app.command("import-bundle")
def models_import_bundle(bundle: Path = typer.Argument(..., help="A bundle made by 'transflow models export-bundle'.")) -> None:
    """Install every model of a bundle, after checking each file against the bundle's checksums."""
    from .bundles import import_bundle

    if not bundle.is_file():
        raise UsageError(f"{bundle}: no such file; give a bundle made by 'transflow models export-bundle'")
    for label in import_bundle(bundle):
        out.print(f"installed {label}", markup=False)


@models_app.command("remove")
def models_remove(
    source: str = typer.Argument(..., metavar="FROM", help="Source language code."),
    target: str = typer.Argument(..., metavar="TO", help="Target language code."),
) -> None:
    """Remove an installed model."""
    from . import models

    model = models.remove(languages.check(source), languages.check(target))
    out.print(f"removed {model.label}", markup=False)


@glossary_app.command("check")
def glossary_check(files: list[Path] = typer.Argument(..., metavar="FILE", help="Glossary files, checked together.")) -> None:
    """Report duplicates, conflicting targets, empty cells and unknown languages (exit 1 if any)."""
    from .glossary.check import check

    problems = check(files)
    for problem in problems:
        out.print(f"{'error' if problem.fatal else 'warning'}: {problem}", markup=False)
    if problems:
        raise TransflowError(f"{len(problems)} problem(s) in {', '.join(map(str, files))}; fix the lines listed above")
    out.print(f"{', '.join(map(str, files))}: no problems", markup=False)


@glossary_app.command("show")
def glossary_show(
    files: list[Path] = typer.Argument(..., metavar="FILE", help="Glossary files, combined."),
    lang: Optional[str] = typer.Option(None, "--lang", help="Only entries with a term in this language."),
) -> None:
    """List the entries of one or more glossaries."""
    from . import glossary as glossaries

    loaded = glossaries.load(files)
    langs = glossaries.languages_of(loaded.entries)
    chosen = languages.check(lang) if lang else None
    table = Table(*langs, "type", "flags", "note")
    for entry in loaded.entries:
        if chosen and chosen not in entry.terms:
            continue
        cells = [" | ".join(t.text if t.status != "deprecated" else f"~{t.text}" for t in entry.terms.get(l, [])) for l in langs]
        flags = ", ".join(f for f, on in (("dnt", entry.dnt), ("case-sensitive", entry.case_sensitive)) if on)
        table.add_row(*cells, entry.kind, flags, entry.note)
    out.print(table)


@glossary_app.command("convert")
def glossary_convert(
    source: Path = typer.Argument(..., help="Input glossary (.csv, .tsv or .tbx)."),
    target: Path = typer.Argument(..., help="Output glossary; the extension chooses the format."),
) -> None:
    """Convert a glossary between CSV/TSV and TBX (v3 is written)."""
    from . import glossary as glossaries

    refuse_stdout(target, "TARGET", "its extension (.csv, .tsv or .tbx) chooses the format")
    _project().refuse_overwrite(target, [source])
    loaded = glossaries.load([source])
    glossaries.write(loaded, target)
    _said(target).print(f"wrote {len(loaded.entries)} entries to {target}", markup=False)


@glossary_app.command("suggest")
def glossary_suggest(
    articles: list[str] = typer.Argument(None, metavar="PATH", help="Articles, folders or globs to look for new names in."),
    output: Path = typer.Option(..., "-o", "--output", metavar="FILE", help="The CSV to write (the glossary's own format), or - for stdout."),
    glossary: list[Path] = _GLOSSARY,
    source: Optional[str] = _FROM,
    to: Optional[str] = _TO,
    engine: Optional[str] = _ENGINE,
    min_count: Optional[int] = typer.Option(None, "--min-count", min=1, metavar="N", help="Only terms seen at least N times (default 1; 3 with --from-reviews)."),
    from_reviews: Optional[Path] = typer.Option(None, "--from-reviews", metavar="FOLDER", help="Learn from reviewed PO/XLIFF files in this folder instead."),
) -> None:
    """Candidate glossary terms: names in the articles at PATH the glossary lacks, or what reviewers consistently corrected."""
    from . import terminology

    cfg = state.config
    glossary_files = glossary or cfg.glossaries
    if bool(articles) == (from_reviews is not None):
        raise UsageError("give either ARTICLES or --from-reviews LOCALES")
    said = _said(output)
    if from_reviews is not None:
        project = _project()
        project.refuse_overwrite(output, [*glossary_files, from_reviews])
        found = terminology.review_substitutions(from_reviews, project.mt_cache, min_count or 3)
        terminology.write_substitutions(output, found)
        for source_lang, target_lang, item in found:
            said.print(f"{item.source} → {item.reviewed} ({source_lang}→{target_lang}): MT wrote {item.machine!r}, replaced in {item.count} of {item.seen} sentences", markup=False)
        said.print(f"wrote {len(found)} suggestions learnt from reviews to {_named(output)}", markup=False)
        return
    from .workflow import Article

    paths = _expand(articles)
    _project().refuse_overwrite(output, [*paths, *glossary_files])
    settings = _settings(to, source, False, engine, None, glossary, "po")
    loaded = [Article.load(path, settings) for path in paths]
    candidates = terminology.article_candidates(loaded, settings.glossary, min_count or 1)
    mt = engines.create(str(settings.engine.get("name", "argos")), dict(settings.engine))
    for pair in dict.fromkeys((c.lang, t) for c in candidates for t in settings.target_langs if t != c.lang):
        mt.check(*pair)
    terminology.add_renderings(candidates, mt, settings.target_langs)
    terminology.write_candidates(output, candidates, settings.target_langs)
    table = Table("term", "language", "type", "count", *(f"MT {t}" for t in settings.target_langs))
    for candidate in candidates[:_LISTED * 2]:
        renderings = (candidate.renderings.get(t, "") for t in settings.target_langs)
        table.add_row(candidate.text, candidate.lang, candidate.kind, str(candidate.count), *renderings)
    said.print(table)
    said.print(f"wrote {len(candidates)} candidate terms not in the glossary to {_named(output)}", markup=False)


@tm_app.command("import")
def tm_import(
    files: list[Path] = typer.Argument(..., metavar="FILE", help="TMX 1.4b, PO or XLIFF files; only reviewed translations are taken."),
    tm: Optional[str] = _TM,
) -> None:
    """Add translations to the project TM."""
    from .memory import open_memory
    from .project import Project
    from .workflow import memory_units

    _use_tm(tm)
    cfg = state.config
    project = Project.from_config(cfg)
    batches = []
    for path in files:
        units, refused = memory_units(path, cfg.source, project)
        if refused:
            err.print(f"warning: {path}: {refused} translations carry markup their source does not have; not imported", markup=False)
        batches.append((path, units))
    imported = []
    try:
        with open_memory(cfg.memory) as memory, _import_progress(sum(len(units) for _, units in batches)) as watch:
            for path, units in batches:
                imported.append(f"{path}: {memory.add(units, watch(path, len(units)))} translations imported")
    finally:  # once the bar is gone (on a terminal, stdout and the bar's stderr share lines), and if a later file fails
        for line in imported:
            out.print(line, markup=False)


_BAR_FROM = 1_000  # units: a smaller import ends before a bar would tell anything


@contextmanager
def _import_progress(total: int):
    """``watch(path, count)``: Memory.add's progress callback for one file of *count* units, advancing a bar
    with units/s on stderr when it is a terminal. The bar counts units in the database, not units read, so
    the rate is the import's own; when a file's last chunk is in, it says "storing" while the import ends."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    if not err.is_terminal or total < _BAR_FROM:
        yield lambda path, count: None
        return
    columns = ("{task.description}", BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[rate]} units/s"), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task("importing", total=total, rate="")
        files_before = [0]

        def watch(path: Path, count: int):
            before = files_before[0]
            files_before[0] += count
            bar.update(task, completed=before, description=path.name)  # the name: a long path would squeeze the bar

            def progress(done: int) -> None:
                elapsed = bar.tasks[0].elapsed or 0
                rate = f"{(before + done) / elapsed:,.0f}" if elapsed else ""
                bar.update(task, completed=before + done, rate=rate, description=f"{path.name}: storing" if done == count else path.name)
                bar.refresh()  # a chunk's news shown at once: chunks are seconds apart

            return progress

        yield watch


@tm_app.command("export")
def tm_export(
    out_file: Path = typer.Argument(..., help="The TMX file to write, or - for stdout."),
    source: str = typer.Option(..., "--from", metavar="LANG", help="Source language."),
    target: str = typer.Option(..., "--to", metavar="LANG", help="Target language."),
    tm: Optional[str] = _TM,
) -> None:
    """Write one language pair of the project TM as TMX 1.4b."""
    from .exchange.tmx import write as write_tmx
    from .memory import open_memory

    _use_tm(tm)
    source, target = languages.check(source), languages.check(target)
    _project().refuse_overwrite(out_file)
    with open_memory(state.config.memory) as memory:
        units = iter(memory.export(source, target))
        first = next(units, None)
        if first is None:
            raise TransflowError(f"the TM holds no {source}→{target} translations, so {out_file} was not written; 'transflow tm stats' lists the pairs it has")
        count = write_tmx(out_file, itertools.chain([first], units), source, target)
    _said(out_file).print(f"wrote {count} {source}→{target} translation units to {_named(out_file)}", markup=False)


@tm_app.command("stats")
def tm_stats(tm: Optional[str] = _TM) -> None:
    """Units per language pair, and how many were reviewed by people."""
    from .memory import open_memory

    _use_tm(tm)
    with open_memory(state.config.memory) as memory:
        rows = memory.stats()
    table = Table("from", "to", "units", "human", "machine")
    for row in rows:
        table.add_row(*(str(value) for value in row))
    out.print(table)


@tm_app.command("repair")
def tm_repair(tm: Optional[str] = _TM, wait: float = _WAIT) -> None:
    """Rebuild a damaged SQLite TM from every unit still readable; the damaged file is kept beside it."""
    from .lock import project_lock
    from .memory import is_server
    from .memory.repair import healthy, read_only, repair

    _use_tm(tm)
    cfg = state.config
    if is_server(cfg.memory):
        raise UsageError("tm repair mends an SQLite TM file; a PostgreSQL TM is repaired by its server's administrator")
    path = Path(cfg.memory)
    count = healthy(path)
    if count is None and read_only(path):
        raise TransflowError(
            f"{cfg.memory}: is damaged but read-only here (a read-only disk or folder), so it cannot be repaired in place; "
            "copy it to a writable folder and run 'transflow tm repair --tm COPY' there"
        )
    if count is None:
        with project_lock(cfg.path(cfg.state), wait):
            repaired = repair(path)
        count = None if not repaired.healthy else repaired.kept
    if count is not None:
        out.print(f"{cfg.memory}: healthy ({count} translation units); nothing was changed", markup=False)
        return
    advice = "" if repaired.held is not None and repaired.kept >= repaired.held else (
        ": import your reviewed PO/XLIFF or TMX files again with 'transflow tm import'"
    )
    out.print(f"{cfg.memory}: {repaired.kept} translation units kept, {repaired.loss()}{advice}; damaged file kept as {repaired.damaged_copy}", markup=False)


@tm_app.command("copy")
def tm_copy(
    source: str = typer.Argument(..., help="The TM to copy: an SQLite file or a postgresql:// URL."),
    destination: str = typer.Argument(..., help="The TM to copy into (created if missing; units it has are refreshed, not doubled)."),
) -> None:
    """Copy every unit of one TM into another, e.g. the project's SQLite file into the desk's PostgreSQL database."""
    from .memory import copy, exists, open_memory, redact, same

    source, destination = _tm_location(source, "SOURCE"), _tm_location(destination, "DESTINATION")
    if not exists(source):
        raise UsageError(f"{redact(source)}: no such translation memory; give an SQLite file or a postgresql:// URL")
    if same(source, destination):
        raise UsageError(f"{redact(destination)}: is the TM being copied; give another destination")
    with open_memory(source) as origin, open_memory(destination) as target:
        for source_lang, target_lang, count in copy(origin, target):
            out.print(f"{source_lang}→{target_lang}: {count} units copied to {target.location}", markup=False)


def _global_options_first(args: list[str]) -> list[str]:
    """``--config FILE`` works after the subcommand too (``transflow build … --config x.toml``), as the CLI reference says."""
    front, rest, i = [], [], 0
    while i < len(args):
        if args[i] == "--config" and i + 1 < len(args):
            front += args[i : i + 2]
            i += 2
            continue
        (front if args[i].startswith("--config=") else rest).append(args[i])
        i += 1
    return front + rest


def main() -> None:
    """Entry point: one-line errors and meaningful exit codes, never a traceback for bad input.

    Usage errors are reported by typer itself (exit 2); our own errors pass
    through it and are printed here.
    """
    try:
        app(args=_global_options_first(sys.argv[1:]))
    except TransflowError as problem:
        err.print(f"transflow: error: {problem}", markup=False)
        sys.exit(problem.exit_code)
    except KeyboardInterrupt:
        err.print("transflow: interrupted; nothing was half-written", markup=False)
        sys.exit(130)
