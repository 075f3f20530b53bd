"""`transflow demo`: the workflow offline on the sample articles, in a throw-away project of its own."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import ROOT


def _transflow(args: list[str], cwd: Path, packages: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "ARGOS_PACKAGES_DIR": str(packages)}
    return subprocess.run([sys.executable, "-m", "transflow", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def test_demo_translates_reviews_and_builds_in_its_own_folder(tmp_path):
    """The newcomer gets a PO with enforced terms and figures and a built article; their own models are untouched."""
    from transflow.demo import REVIEWED_HEADLINE

    packages = tmp_path / "my-argos-packages"
    packages.mkdir()
    (packages / "translate-en_de-1_0").mkdir()  # the user's own model stays as it is
    result = _transflow(["demo", "demo"], tmp_path, packages)
    assert result.returncode == 0, result.stdout + result.stderr
    assert [p.name for p in packages.iterdir()] == ["translate-en_de-1_0"]
    project = tmp_path / "demo"
    said = result.stdout
    assert "DEMO MODELS COPY THE SOURCE TEXT; THEY DO NOT TRANSLATE" in said
    assert "Nov. 27 → ngày 27/11" in said and "Deputy Foreign Minister → Thứ trưởng Bộ Ngoại giao" in said
    assert str(project) in said
    models = sorted(p.name for p in (project / "demo-models").iterdir() if p.is_dir())
    assert models == ["translate-en_ja-demo", "translate-en_vi-demo", "translate-ja_en-demo", "translate-vi_en-demo"]
    for lang in ("vi", "ja"):
        po = (project / "locales" / lang / "asean-japan.po").read_text(encoding="utf-8")
        assert "#. glossary: Deputy Foreign Minister →" in po and f"en→{lang} demo" in po
    assert (project / "locales" / "ja" / "hoi-nghi-asean.po").is_file()  # the Vietnamese article, via English
    built = (project / "localized" / "vi" / "asean-japan.txt").read_text(encoding="utf-8")
    assert built.startswith(REVIEWED_HEADLINE + "\n") and "ngày 27/11" in built
    status = _transflow(["status"], project, packages)  # the project goes on working where the demo left it
    assert status.returncode == 0 and "asean-japan" in status.stdout


def test_demo_refuses_a_folder_that_holds_anything(tmp_path):
    """Never mixed into someone's files: a non-empty folder is one line, exit 2, nothing written."""
    folder = tmp_path / "work"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine\n", encoding="utf-8")
    result = _transflow(["demo", str(folder)], tmp_path, tmp_path / "packages")
    assert result.returncode == 2
    assert "new or empty folder" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert [p.name for p in folder.iterdir()] == ["notes.txt"]
