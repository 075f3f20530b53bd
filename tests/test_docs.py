"""The documentation cannot lie: the site builds with --strict, every page is in its nav."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
import yaml

from conftest import ROOT

DOCS = ROOT / "docs"


def _nav_pages(nav) -> list[str]:
    pages: list[str] = []
    for item in nav:
        for value in item.values() if isinstance(item, dict) else [item]:
            pages += _nav_pages(value) if isinstance(value, list) else [value]
    return pages


def test_site_builds_strict(tmp_path):
    """Broken links, missing anchors and pages outside the nav fail the build (mkdocs --strict)."""
    import importlib.util

    missing = [name for name in ("mkdocs", "material") if importlib.util.find_spec(name) is None]
    assert not missing, "the docs are tested too: pip install -e '.[docs]' (the README's test command does)"
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(ROOT / "src")},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "site" / "cli" / "index.html").is_file()
    assert (tmp_path / "site" / "configuration" / "index.html").is_file()


def test_every_page_is_in_the_nav():
    """A page written into docs/ but left out of mkdocs.yml would be built but never found."""
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    in_nav = set(_nav_pages(config["nav"]))
    on_disk = {p.relative_to(DOCS).as_posix() for p in DOCS.rglob("*.md")} | {"cli.md", "configuration.md"}
    assert on_disk == in_nav


# --- every ```sh example runs against the demo models ------------------------------------------

MARK = re.compile(r"^<!--\s*docs-test:\s*skip,\s*(?P<reason>.+?)\s*-->$")
# What a block may need that the test cannot give it; a mark names one of these.
REASONS = ("needs the network", "needs a cluster", "needs a GPU", "needs a PostgreSQL server", "a benchmark", "is the test command")
REVIEWER = "# … the reviewer"  # where a block says a reviewer works, the test approves every draft


@dataclass
class Block:
    page: str
    line: int
    code: str
    skip: str | None  # the mark's reason, when the block is not run


def _pages() -> list[Path]:
    return [ROOT / "README.md", *sorted(DOCS.rglob("*.md"))]


def _blocks(path: Path) -> list[Block]:
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks, i = [], 0
    while i < len(lines):
        if lines[i].strip() == "```sh":
            previous = next((lines[j].strip() for j in range(i - 1, -1, -1) if lines[j].strip()), "")
            mark = MARK.match(previous)
            end = next(j for j in range(i + 1, len(lines)) if lines[j].strip() == "```")
            page = path.relative_to(ROOT).as_posix()
            blocks.append(Block(page, i + 1, "\n".join(lines[i + 1 : end]), mark.group("reason") if mark else None))
            i = end
        i += 1
    return blocks


RUNNABLE = [path for path in _pages() if any(b.skip is None for b in _blocks(path))]


def test_every_skipped_example_says_why():
    """A skipped block names what it needs (the network, a cluster, a GPU…), from a fixed list."""
    marked = [b for path in _pages() for b in _blocks(path) if b.skip is not None]
    assert marked, "the docs' network-only commands must carry their mark"
    unknown = [f"{b.page}:{b.line}: {b.skip}" for b in marked if not b.skip.startswith(REASONS)]
    assert not unknown, f"unknown reasons (use one of {REASONS}): {unknown}"


def test_the_reader_sees_every_mark_reason_documented():
    """The reasons the test accepts are the ones docs/design.md tells writers about."""
    design = (DOCS / "design.md").read_text(encoding="utf-8")
    assert all(f"`{reason}`" in design for reason in REASONS)


@pytest.fixture(scope="module")
def demo_project(tmp_path_factory) -> Path:
    """One demo project (samples, glossary, demo models in its own folder), copied fresh for each page."""
    from transflow.demo import make_project

    return make_project(tmp_path_factory.mktemp("docs-demo") / "project")


def _shell_env(tmp: Path) -> dict[str, str]:
    """`transflow` on PATH as this checkout's code; the project's settings choose the models."""
    bin_dir = tmp / "bin"
    bin_dir.mkdir()
    script = bin_dir / "transflow"
    script.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m transflow "$@"\n', encoding="utf-8")
    script.chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "PYTHONPATH": str(ROOT / "src")}
    env.pop("ARGOS_PACKAGES_DIR", None)
    env["TMPDIR"] = str(tmp)  # `transflow demo` without a folder makes its project here
    return env


def _approve_every_draft(project: Path) -> None:
    """What the docs' reviewer does between two commands: approve every draft (as Poedit's 'Needs Work' off)."""
    from transflow import exchange
    from transflow.document import State

    for path in sorted((project / "locales").rglob("*.po")):
        catalog, _ = exchange.read(path)
        units = [replace(unit, state=State.REVIEWED) if unit.target else unit for unit in catalog.units]
        reference = next((unit.occurrences[0][0] for unit in units if unit.occurrences), path.name)
        exchange.write(path, replace(catalog, units=units), reference, "po")


@pytest.mark.parametrize("page", RUNNABLE, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_shell_examples_run(page, demo_project, tmp_path):
    """Each page's ```sh blocks, in order, in a fresh demo project: every command exits 0."""
    project = tmp_path / "project"
    shutil.copytree(demo_project, project, symlinks=True)
    env = _shell_env(tmp_path)
    for block in _blocks(page):
        if block.skip is not None:
            continue
        chunks = re.split(rf"(?m)^{re.escape(REVIEWER)}.*$", block.code)
        for n, chunk in enumerate(chunks):
            if n:
                _approve_every_draft(project)
            result = subprocess.run(
                ["bash", "-e", "-o", "pipefail", "-c", chunk], cwd=project, env=env, capture_output=True, text=True, timeout=600
            )
            assert result.returncode == 0, f"{block.page}:{block.line}: exit {result.returncode}\n{chunk}\n{result.stdout}\n{result.stderr}"
