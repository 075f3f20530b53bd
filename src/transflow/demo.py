"""``transflow demo``: the whole workflow on the sample articles, offline, in a throw-away project.

A newcomer without the real models (or without network) still sees what
transflow does: the demo builds the tiny copy models of the test suite
(``synthetic_models``) and installs them into the demo project's own
``demo-models/`` folder, never into the user's Argos packages folder. They
copy the source text instead of translating it, so what the demo shows is the
workflow around MT: enforced glossary terms and figures, the PO file a
reviewer opens, a reviewer's edit, the built article. Every step is the real
command, run in the project as the user would type it.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from .errors import TransflowError, UsageError

MODELS_FOLDER = "demo-models"
PAIRS = [("en", "vi"), ("en", "ja"), ("vi", "en"), ("ja", "en")]
VERSION = "demo"  # the package version, so every PO names the demo model (origin: mt (… en→vi demo))
ARTICLE = "sample_articles/asean-japan.txt"
REVIEWED_HEADLINE = "ASEAN và Nhật Bản cam kết hợp tác chặt chẽ hơn tại hội nghị Bộ trưởng Ngoại giao"


def _clone_root() -> Path:
    """The transflow clone this module runs from: the demo needs its sample articles and glossary."""
    root = Path(__file__).resolve().parents[2]
    if not (root / "sample_articles").is_dir() or not (root / "glossaries").is_dir():
        raise UsageError(
            f"the demo needs the sample articles of a transflow clone, not found beside {Path(__file__).parent}; "
            "run it from a clone installed with 'pip install -e .'"
        )
    return root


def _template() -> str:
    """`transflow init`'s settings, with the newsroom glossary and the demo models folder."""
    from .config import TEMPLATE

    text = re.sub(r"(?m)^files = \[\]$", 'files = ["glossaries/newsroom.csv"]', TEMPLATE, count=1)
    return re.sub(r'(?m)^models = ""$', f'models = "{MODELS_FOLDER}"', text, count=1)


def _check_folder(folder: Path) -> None:
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise UsageError(f"{folder}: the demo needs a new or empty folder; give another one, or none for a temporary one")


def make_project(folder: Path) -> Path:
    """A project in *folder* (new or empty): sample articles, glossary, settings and the demo models installed."""
    from . import synthetic_models

    root = _clone_root()
    _check_folder(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("sample_articles", "glossaries"):
        shutil.copytree(root / name, folder / name)
    (folder / "transflow.toml").write_text(_template(), encoding="utf-8")
    build = folder / ".transflow" / "demo-build"
    build.mkdir(parents=True)
    texts = [path.read_text(encoding="utf-8") for path in sorted((root / "sample_articles").iterdir())]
    tokenizer = synthetic_models.train_sentencepiece(texts, build / "spm")
    packages = [
        synthetic_models.build_copy_package(build / f"translate-{s}_{t}-demo.argosmodel", s, t, tokenizer, package_version=VERSION)
        for s, t in PAIRS
    ]
    (folder / MODELS_FOLDER).mkdir()
    (folder / MODELS_FOLDER / "README.txt").write_text(
        "DEMO MODELS: they copy the source text and do not translate. Built by 'transflow demo' for this\n"
        "throw-away project only. For real translations: transflow models install en vi (and en ja).\n",
        encoding="utf-8",
    )
    for package in packages:
        _run(folder, ["models", "install", "--file", str(package)], echo=None)
    shutil.rmtree(build)
    return folder


def _run(project: Path, args: list[str], echo: Callable[[str], None] | None, check: bool = True) -> str:
    """Run ``transflow ARGS`` in *project* as the user would, in a process of its own; its output."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(Path(__file__).resolve().parents[1]), os.environ.get("PYTHONPATH", "")]))}
    env.pop("ARGOS_PACKAGES_DIR", None)  # the project's paths.models decides
    if echo is not None:
        echo(f"$ transflow {shlex.join(args)}")
    result = subprocess.run([sys.executable, "-m", "transflow", *args], cwd=project, env=env, capture_output=True, text=True)
    if check and result.returncode != 0:
        raise TransflowError(f"the demo's step 'transflow {shlex.join(args)}' failed: {(result.stderr or result.stdout).strip()}")
    return result.stdout


def showcase(po_file: Path, source_lang: str, target_lang: str) -> tuple[str, list[str], list[tuple[str, str]]]:
    """The entry with the most enforced figures (then glossary terms): its PO text, terms, and figures source → draft."""
    from . import exchange
    from .figures.recognise import find

    catalog, _ = exchange.read(po_file)

    def figures(unit) -> list[tuple[str, str]]:
        found = [(f.start, f.end) for f in find(unit.source, source_lang)]
        drafted = [(f.start, f.end) for f in find(unit.target, target_lang)]
        return [(unit.source[a:b], unit.target[c:d]) for (a, b), (c, d) in zip(found, drafted)]

    def terms(unit) -> list[str]:
        return [note.partition(": ")[2] for note in unit.notes if note.startswith("glossary: ")]

    unit = max(catalog.units, key=lambda u: (len(figures(u)), len(terms(u))))
    lines = po_file.read_text(encoding="utf-8").splitlines()
    first = last = (unit.line or 1) - 1
    while first > 0 and lines[first - 1].strip():
        first -= 1
    while last + 1 < len(lines) and lines[last + 1].strip():
        last += 1
    return "\n".join(lines[first : last + 1]), terms(unit), figures(unit)


def review(po_file: Path, article: str) -> int:
    """Play the reviewer: rewrite the headline by hand and approve every entry, as in Poedit. Entries approved."""
    from dataclasses import replace

    from . import exchange
    from .document import State

    catalog, _ = exchange.read(po_file)
    units = [replace(unit, state=State.REVIEWED) for unit in catalog.units]
    units[0] = replace(units[0], target=REVIEWED_HEADLINE, translator_comment="headline rewritten by the reviewer")
    exchange.write(po_file, replace(catalog, units=units), article, "po")
    return len(units)


def run(folder: Path | None, echo: Callable[[str], None]) -> Path:
    """The demo, narrated through *echo*; the project folder it made."""
    started = time.monotonic()
    project = Path(tempfile.mkdtemp(prefix="transflow-demo-")) if folder is None else folder
    project = project.resolve() if project.exists() else Path(os.path.abspath(project))
    _check_folder(project)
    _clone_root()
    echo("transflow demo: DEMO MODELS COPY THE SOURCE TEXT; THEY DO NOT TRANSLATE.")
    echo("They show the workflow around MT (glossary terms and figures enforced, review, build) without a download.")
    echo("For real translations: transflow models install en vi && transflow models install en ja\n")
    echo(f"1. A throw-away project in {project}, with the sample articles, the newsroom glossary")
    echo(f"   and demo models installed in {project / MODELS_FOLDER} (your own Argos models are not touched).")
    make_project(project)
    articles = sorted(f"sample_articles/{p.name}" for p in (project / "sample_articles").iterdir())
    echo("\n2. Translate the sample articles into Vietnamese and Japanese (each from its own language):")
    echo(_run(project, ["translate", *articles, "--to", "vi,ja"], echo).rstrip())
    po_file = project / "locales" / "vi" / Path(ARTICLE).with_suffix(".po").name
    echo(f"\n3. An entry of {po_file.relative_to(project)}, as Poedit shows it to the reviewer:")
    echo("   its '#.' comments list the glossary terms transflow enforced; 'fuzzy' marks a machine draft not yet reviewed.\n")
    entry, terms, figures = showcase(po_file, "en", "vi")
    echo(entry)
    echo(f"\n   Glossary terms enforced in this draft: {'; '.join(terms)}")
    echo(f"   Figures written in the Vietnamese house style: {'; '.join(f'{a} → {b}' for a, b in figures)}")
    approved = review(po_file, ARTICLE)
    echo(f"\n4. A reviewer rewrites the headline ('{REVIEWED_HEADLINE}') and approves the {approved} entries.")
    echo("\n5. Build the Vietnamese article from the reviewed PO file:")
    echo(_run(project, ["build", ARTICLE, "--lang", "vi"], echo).rstrip())
    built = project / "localized" / "vi" / Path(ARTICLE).name
    echo(f"\n   {built.relative_to(project)} begins:")
    echo("   " + "\n   ".join(built.read_text(encoding="utf-8").splitlines()[:3]))
    echo("\n6. What is left to review, article by article:")
    echo(_run(project, ["status", "--review"], echo).rstrip())
    echo(f"\nEverything is in {project}:")
    echo("  sample_articles/   the articles          locales/<lang>/   PO files for Poedit")
    echo("  localized/vi/      the built article     glossaries/       the enforced glossary")
    echo(f"  transflow.toml     the settings          {MODELS_FOLDER + '/':<17} the DEMO models (they copy, not translate)")
    echo(f"Try it yourself: cd {shlex.quote(str(project))} && transflow status")
    echo("Read on: docs/workflow.md (the translator's workflow) and docs/reviewing.md (Poedit), in transflow's folder.")
    echo(f"Delete the folder when you are done. ({time.monotonic() - started:.0f} s)")
    return project
