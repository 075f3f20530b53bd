"""Session fixtures: tiny real Argos copy models, installed once through argostranslate.

argostranslate reads ARGOS_PACKAGES_DIR (and creates its XDG folders) when it
is first imported, so the environment is pointed at a session folder here,
before any test imports it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_articles"
SCHEMAS = ROOT / "tests" / "schemas"  # OASIS, LISA and TBX schemas shipped with the tests (see its README)

_SESSION_HOME = Path(tempfile.mkdtemp(prefix="transflow-tests-"))
os.environ["ARGOS_PACKAGES_DIR"] = str(_SESSION_HOME / "packages")
for variable in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
    os.environ[variable] = str(_SESSION_HOME / "xdg")
os.environ["ARGOS_PACKAGE_INDEX"] = "http://127.0.0.1:9/"  # nothing may reach the network

PAIRS = [("en", "vi"), ("en", "ja"), ("vi", "en"), ("ja", "en")]


def pytest_sessionfinish(session, exitstatus):
    shutil.rmtree(_SESSION_HOME, ignore_errors=True)


@pytest.fixture(scope="session")
def sentencepiece_model() -> Path:
    from transflow.synthetic_models import train_sentencepiece

    texts = [path.read_text(encoding="utf-8") for path in sorted(SAMPLES.iterdir())]
    return train_sentencepiece(texts, _SESSION_HOME / "spm")


@pytest.fixture(scope="session")
def package_files(sentencepiece_model) -> dict[tuple[str, str], Path]:
    """Copy-model .argosmodel files for every pair the tests translate."""
    from transflow.synthetic_models import build_copy_package

    folder = _SESSION_HOME / "argosmodels"
    folder.mkdir(exist_ok=True)
    return {
        (src, tgt): build_copy_package(folder / f"translate-{src}_{tgt}-1_0.argosmodel", src, tgt, sentencepiece_model)
        for src, tgt in PAIRS
    }


@pytest.fixture(scope="session")
def careless_package(sentencepiece_model) -> Path:
    """An en→vi model that deletes bracket-like and other symbol pieces, as real models garble markup."""
    from transflow.synthetic_models import build_copy_package

    folder = _SESSION_HOME / "careless"
    folder.mkdir(exist_ok=True)
    return build_copy_package(folder / "translate-en_vi-1_0.argosmodel", "en", "vi", sentencepiece_model, careless=True)


@pytest.fixture(scope="module")
def careless_engine(careless_package, tmp_path_factory):
    """The careless en→vi model, installed in a folder of its own."""
    from transflow.engines.argos import ArgosEngine
    from transflow.models import InstalledModel

    folder = tmp_path_factory.mktemp("careless")
    with zipfile.ZipFile(careless_package) as archive:
        archive.extractall(folder)
    path = folder / "translate-en_vi-1_0"
    return ArgosEngine(installed={("en", "vi"): InstalledModel("en", "vi", "1.0", path)})


@pytest.fixture(scope="session")
def garbling_package(sentencepiece_model) -> Path:
    """The careless en→vi model that also garbles "Z", so no placeholder form survives it:
    every glossary term must be repaired after MT (the risk calibration's worst case)."""
    from transflow.synthetic_models import build_copy_package

    folder = _SESSION_HOME / "garbling"
    folder.mkdir(exist_ok=True)
    return build_copy_package(folder / "translate-en_vi-1_0.argosmodel", "en", "vi", sentencepiece_model, careless=True, also_garble="Z")


def unpacked_engine(package: Path, folder: Path, source: str = "en", target: str = "vi"):
    """An ArgosEngine running one .argosmodel kept outside the installed packages."""
    import zipfile

    from transflow.engines.argos import ArgosEngine
    from transflow.models import InstalledModel

    with zipfile.ZipFile(package) as archive:
        archive.extractall(folder)
    path = folder / package.stem
    return ArgosEngine(installed={(source, target): InstalledModel(source, target, "1.0", path)})


@pytest.fixture(scope="session")
def installed_models(package_files) -> Path:
    """The copy models installed with argostranslate's own installer."""
    from argostranslate import package

    for path in package_files.values():
        package.install_from_path(path)
    return Path(os.environ["ARGOS_PACKAGES_DIR"])


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """An empty newsroom project folder (the current directory) with the sample articles."""
    shutil.copytree(SAMPLES, tmp_path / "sample_articles")
    monkeypatch.chdir(tmp_path)
    return tmp_path


class CliResult:
    def __init__(self, code: int, stdout: str, stderr: str) -> None:
        self.code, self.stdout, self.stderr = code, stdout, stderr


@pytest.fixture
def cli(capsys):
    """Run ``transflow ARGS`` in-process through the real entry point."""
    from transflow.cli import main

    def run(*args: str) -> CliResult:
        capsys.readouterr()
        old_argv = sys.argv
        sys.argv = ["transflow", *map(str, args)]
        try:
            main()
            code = 0
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else 1
        finally:
            sys.argv = old_argv
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


def msgfmt_check(path: Path) -> subprocess.CompletedProcess:
    if shutil.which("msgfmt") is None:
        pytest.skip("GNU gettext msgfmt is not installed")
    return subprocess.run(["msgfmt", "--check", "-o", os.devnull, str(path)], capture_output=True, text=True)


def run_transflow(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """``transflow ARGS`` in a fresh process (its own ARGOS_PACKAGES_DIR, as on another machine)."""
    environment = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "transflow", *map(str, args)], capture_output=True, text=True, env=environment, cwd=cwd, timeout=300
    )


def without_placeholders(text: str) -> str:
    """What an adversarial engine returns that deletes every placeholder form protect.FORMS tries."""
    from transflow.protect import FORMS

    for form in FORMS:
        text = form.pattern().sub("", text)
    return text


def xliff_schema(version: str):
    """The OASIS XSD of XLIFF *version* ("1.2" strict or "2.0"), to judge the XLIFF files transflow writes."""
    from lxml import etree

    path = SCHEMAS / ("xliff12/xliff-core-1.2-strict.xsd" if version == "1.2" else "xliff20/xliff_core_2.0.xsd")
    return etree.XMLSchema(etree.parse(str(path)))
