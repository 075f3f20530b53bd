"""The ``transflow`` command: argument parsing, progress and exit codes; the work lives elsewhere."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.table import Table

from . import __version__, config as configuration, languages
from .errors import TransflowError, UsageError
from .textio import relative_path, write_atomic

app = typer.Typer(
    add_completion=False,
    pretty_exceptions_enable=False,
    no_args_is_help=True,
    help="Translate newsroom articles offline, review them in Poedit, build the localised article.",
)
models_app = typer.Typer(no_args_is_help=True, help="Install, list and remove offline MT models (Argos packages).")
app.add_typer(models_app, name="models")
glossary_app = typer.Typer(no_args_is_help=True, help="Check, list and convert newsroom glossaries (CSV/TSV, TBX).")
app.add_typer(glossary_app, name="glossary")

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)
if not out.is_terminal:
    out.width = 240  # tables piped to a file or a log are not folded at 80 columns


class State:
    config: configuration.Config


state = State()


@app.callback()
def _root(
    config: Optional[Path] = typer.Option(None, "--config", help="Project settings file (default: ./transflow.toml)."),
    version: bool = typer.Option(False, "--version", help="Show the version and exit.", is_eager=True),
) -> None:
    if version:
        out.print(f"transflow {__version__}")
        raise typer.Exit()
    state.config = configuration.load(config)
    if state.config.models is not None:
        os.environ["ARGOS_PACKAGES_DIR"] = str(state.config.models)


@app.command()
def init(force: bool = typer.Option(False, "--force", help="Overwrite an existing transflow.toml.")) -> None:
    """Write a commented transflow.toml in the current folder."""
    path = Path(configuration.CONFIG_NAME)
    if path.exists() and not force:
        raise UsageError(f"{path} already exists; use --force to overwrite it")
    write_atomic(path, configuration.TEMPLATE)
    out.print(f"wrote {path}")


@app.command()
def translate(
    articles: list[Path] = typer.Argument(..., help="Article files (.txt, .md, .html)."),
    to: Optional[str] = typer.Option(None, "--to", help="Target languages, comma-separated (default: from transflow.toml)."),
    source: Optional[str] = typer.Option(None, "--from", help="Source language of the articles (default: en)."),
    engine: Optional[str] = typer.Option(None, "--engine", help="argos (offline MT) or none (empty drafts)."),
    out_dir: Optional[Path] = typer.Option(None, "--out-dir", help="Write PO files under DIR/<lang>/ instead of locales/."),
    glossary: list[Path] = typer.Option(
        [], "--glossary", help="Glossary (CSV/TSV/TBX) to enforce; repeat to combine (default: glossary.files in transflow.toml)."
    ),
    file_format: str = typer.Option("po", "--format", help="po, xliff (1.2), xliff2, or a list such as po,xliff."),
) -> None:
    """Segment articles and write machine-translated drafts as PO (and/or XLIFF) files for review."""
    from .exchange import parse_formats

    from . import glossary as glossaries
    from .workflow import translate_articles

    cfg = state.config
    source_lang = languages.check(source) if source else cfg.source
    targets = languages.parse_list(to) if to else cfg.targets
    if source_lang in targets:
        raise UsageError(f"target language {source_lang} is the source language; drop it from --to")
    engine_settings = dict(cfg.engine)
    if engine:
        engine_settings["name"] = engine
    formats = parse_formats(file_format)
    glossary_files = glossary or cfg.glossaries
    terms = glossaries.load(glossary_files) if glossary_files else None
    reports = translate_articles(
        articles, source_lang, targets, engine_settings, out_dir or cfg.path(cfg.locales), cfg.root, terms, cfg.order_rules, formats
    )
    for report in reports:
        out.print(report, markup=False)


@app.command()
def convert(
    source: Path = typer.Argument(..., help="A PO or XLIFF file."),
    target: Path = typer.Argument(..., help="The file to write; .po or .xlf/.xliff chooses the format."),
    xliff_version: str = typer.Option("1.2", "--xliff-version", help="XLIFF version to write: 1.2 or 2.0."),
) -> None:
    """Convert one article's translations between PO and XLIFF."""
    from .workflow import convert_file

    if xliff_version not in ("1.2", "2.0"):
        raise UsageError(f"--xliff-version {xliff_version!r}: use 1.2 or 2.0")
    for problem in convert_file(source, target, "xliff2" if xliff_version == "2.0" else "xliff", state.config):
        err.print(f"warning: {problem}", markup=False)
    out.print(f"wrote {target}", markup=False)


@app.command()
def build(
    article: Path = typer.Argument(..., help="The source article."),
    lang: str = typer.Option(..., "--lang", help="Target language to build."),
    from_file: Optional[Path] = typer.Option(
        None, "--from", help="Reviewed PO or XLIFF file (default: locales/<lang>/<article>.po)."
    ),
    output: Optional[Path] = typer.Option(None, "-o", "--output", help="Output file (default: localized/<lang>/<file name>)."),
    include_fuzzy: bool = typer.Option(False, "--include-fuzzy", help="Use machine drafts and other fuzzy entries too."),
    min_translated: Optional[float] = typer.Option(
        None, "--min-translated", min=0, max=100, help="Refuse below this percentage of translated segments (default 80)."
    ),
) -> None:
    """Rebuild the article in LANG from its reviewed translations."""
    from .workflow import build_article

    cfg = state.config
    target = languages.check(lang)
    po_path = from_file or cfg.path(cfg.locales) / target / f"{article.stem}.po"
    out_path = output or cfg.path(cfg.localized) / target / article.name
    threshold = cfg.min_translated if min_translated is None else min_translated
    result, problems = build_article(article, po_path, target, cfg.source, include_fuzzy)
    for problem in problems:
        err.print(f"warning: {problem}", markup=False)
    for line, text in result.missing[:_LISTED]:
        err.print(f"{article}:{line}: untranslated: {_shorten(text)}", markup=False)
    if len(result.missing) > _LISTED:
        err.print(f"{article}: … and {len(result.missing) - _LISTED} more untranslated segments", markup=False)
    if result.percent < threshold:
        raise TransflowError(
            f"{article}: only {result.translated} of {result.total} segments ({result.percent:.0f}%) are translated in {relative_path(po_path)}, "
            f"below {threshold:g}%; review the PO file, or use --include-fuzzy or --min-translated"
        )
    write_atomic(out_path, result.text)
    out.print(f"{relative_path(out_path)}: {result.translated}/{result.total} segments translated ({result.percent:.0f}%)", markup=False)


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
    pair: list[str] = typer.Argument(None, help="FROM TO language codes, e.g. en vi."),
    file: Optional[Path] = typer.Option(None, "--file", help="Install a downloaded .argosmodel file (offline)."),
    url: Optional[str] = typer.Option(None, "--url", help="Download and install the package at URL."),
    sha256: Optional[str] = typer.Option(None, "--sha256", help="With --url: refuse the download unless it has this SHA-256."),
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

    packed = export_bundle(out_file)
    out.print(f"wrote {len(packed)} models to {out_file}: {', '.join(m.label for m in packed)}", markup=False)


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
    source: str = typer.Argument(..., help="Source language code."),
    target: str = typer.Argument(..., help="Target language code."),
) -> None:
    """Remove an installed model."""
    from . import models

    model = models.remove(languages.check(source), languages.check(target))
    out.print(f"removed {model.label}", markup=False)


@glossary_app.command("check")
def glossary_check(files: list[Path] = typer.Argument(..., help="Glossary files, checked together.")) -> None:
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
    files: list[Path] = typer.Argument(..., help="Glossary files, combined."),
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

    loaded = glossaries.load([source])
    glossaries.write(loaded, target)
    out.print(f"wrote {len(loaded.entries)} entries to {target}", markup=False)


def main() -> None:
    """Entry point: one-line errors and meaningful exit codes, never a traceback for bad input.

    Usage errors are reported by typer itself (exit 2); our own errors pass
    through it and are printed here.
    """
    try:
        app()
    except TransflowError as problem:
        err.print(f"transflow: error: {problem}", markup=False)
        sys.exit(problem.exit_code)
    except KeyboardInterrupt:
        err.print("transflow: interrupted; nothing was half-written", markup=False)
        sys.exit(130)
