"""Installed Argos packages: listing, routing (direct or through English), install and removal.

argostranslate reads ``ARGOS_PACKAGES_DIR`` when it is first imported, so it is
imported lazily, after the configuration had its say.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import urllib.error
import urllib.parse
import urllib.request
import zipfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path, PurePosixPath

from .download import DownloadError, Progress, fetch
from .errors import TransflowError, UsageError

PIVOT = "en"
_INDEX_TIMEOUT = 30


@dataclass(frozen=True)
class InstalledModel:
    from_code: str
    to_code: str
    version: str
    path: Path

    @property
    def label(self) -> str:
        return f"{self.from_code}→{self.to_code} {self.version}".rstrip()


def _argos_package():
    from argostranslate import package

    return package


def packages_dir() -> Path:
    from argostranslate import settings

    return Path(settings.package_data_dir)


def installed() -> dict[tuple[str, str], InstalledModel]:
    """Installed translation packages by (from, to); the newest version wins."""
    from packaging.version import InvalidVersion, Version

    def version_key(model: InstalledModel) -> Version:
        try:
            return Version(model.version)
        except InvalidVersion:
            return Version("0")

    found: dict[tuple[str, str], InstalledModel] = {}
    for pkg in _argos_package().get_installed_packages():
        if pkg.type != "translate" or not pkg.from_code or not pkg.to_code:
            continue
        model = InstalledModel(pkg.from_code, pkg.to_code, pkg.package_version, Path(pkg.package_path))
        current = found.get((model.from_code, model.to_code))
        if current is None or version_key(model) > version_key(current):
            found[(model.from_code, model.to_code)] = model
    return found


def route(source: str, target: str, models: dict[tuple[str, str], InstalledModel]) -> list[InstalledModel] | None:
    """The packages that take *source* to *target*: one directly, or two through English."""
    if (source, target) in models:
        return [models[(source, target)]]
    if source != PIVOT and target != PIVOT and (source, PIVOT) in models and (PIVOT, target) in models:
        return [models[(source, PIVOT)], models[(PIVOT, target)]]
    return None


def pivots(models: dict[tuple[str, str], InstalledModel]) -> list[tuple[str, str]]:
    """Pairs reachable only through English with the installed packages."""
    sources = {f for f, t in models if t == PIVOT}
    targets = {t for f, t in models if f == PIVOT}
    return sorted((s, t) for s in sources for t in targets if s != t and (s, t) not in models)


def install_command(source: str, target: str) -> str:
    """The command that makes *source*→*target* available (both hops for a pivot)."""
    if source != PIVOT and target != PIVOT:
        return f"transflow models install {source} {PIVOT} && transflow models install {PIVOT} {target}"
    return f"transflow models install {source} {target}"


def _check_archive(path: Path) -> dict:
    """The package's metadata, after refusing anything that is not a well-formed .argosmodel."""
    if not zipfile.is_zipfile(path):
        raise TransflowError(f"{path}: not an Argos package (an .argosmodel is a zip archive); download it again")
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        tops = {PurePosixPath(name).parts[0] for name in names if name.strip("/")}
        unsafe = [n for n in names if n.startswith("/") or ".." in PurePosixPath(n).parts]
        if unsafe or len(tops) != 1:
            raise TransflowError(f"{path}: not an Argos package (expected one top-level folder); download it again")
        top = tops.pop()
        if f"{top}/metadata.json" not in names or f"{top}/model/model.bin" not in names:
            raise TransflowError(f"{path}: not an Argos package (no metadata.json or model/model.bin); download it again")
        bad = archive.testzip()
        if bad is not None:
            raise TransflowError(f"{path}: archive is corrupt at {bad}; download it again")
        try:
            metadata = json.loads(archive.read(f"{top}/metadata.json"))
        except ValueError:
            raise TransflowError(f"{path}: metadata.json is not valid JSON; download the package again") from None
    if not metadata.get("from_code") or not metadata.get("to_code"):
        raise TransflowError(f"{path}: metadata.json names no from_code/to_code; this is not a translation package")
    return metadata


def install_file(path: Path) -> InstalledModel:
    """Install an ``.argosmodel`` file, replacing older packages for the same pair."""
    if not path.is_file():
        raise UsageError(f"{path}: no such file; give the path of an .argosmodel package")
    metadata = _check_archive(path)
    pair = (metadata["from_code"], metadata["to_code"])
    before = {m.path for m in installed().values()}
    _argos_package().install_from_path(path)
    model = installed()[pair]
    for old in before:
        if old != model.path and old.is_dir() and _pair_of(old) == pair:
            shutil.rmtree(old)
    return model


def _pair_of(package_path: Path) -> tuple[str, str] | None:
    try:
        metadata = json.loads((package_path / "metadata.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return metadata.get("from_code"), metadata.get("to_code")


def catalogue() -> list[dict]:
    """Known packages the Argos index lacks, with size and SHA-256 (data, not code paths).

    ``TRANSFLOW_MODEL_CATALOGUE`` may name another catalogue file (a mirror's, or a test's).
    """
    override = os.environ.get("TRANSFLOW_MODEL_CATALOGUE")
    try:
        text = Path(override).read_text(encoding="utf-8") if override else (resources.files("transflow") / "data" / "model_catalogue.json").read_text(encoding="utf-8")
        entries = json.loads(text)
    except (OSError, ValueError) as err:
        raise UsageError(f"{override}: cannot read the model catalogue ({err}); fix TRANSFLOW_MODEL_CATALOGUE") from None
    return [e for e in entries if isinstance(e, dict) and e.get("url")]


def _index() -> list[dict]:
    from argostranslate import settings

    base = os.environ.get("ARGOS_PACKAGE_INDEX") or settings.package_index
    url = base.rstrip("/") + "/index.json"
    with urllib.request.urlopen(url, timeout=_INDEX_TIMEOUT) as response:
        index = json.loads(response.read())
    if not isinstance(index, list):
        raise ValueError("index.json is not a list of packages")
    return index


def _offline_hint(source: str, target: str) -> str:
    return (
        f"offline, copy translate-{source}_{target}-*.argosmodel here and run "
        f"'transflow models install --file translate-{source}_{target}-1_9.argosmodel'"
    )


def install_pair(source: str, target: str, progress: Progress | None = None) -> InstalledModel:
    """Install *source*→*target* from the Argos package index, else from the built-in catalogue."""
    reasons = []
    try:
        entry = next(
            (e for e in _index() if e.get("type", "translate") == "translate" and e.get("from_code") == source and e.get("to_code") == target),
            None,
        )
    except (urllib.error.URLError, OSError, ValueError) as err:
        entry = None
        reasons.append(f"cannot reach the Argos package index ({getattr(err, 'reason', err)})")
    else:
        if entry is None:
            reasons.append(f"the Argos package index has no {source}→{target} package")
    if entry is not None:
        links = [link for link in entry.get("links", []) if link]
        return _install_download(links, None, None, progress, f"{source}→{target}")
    known = next((e for e in catalogue() if e.get("from_code") == source and e.get("to_code") == target), None)
    if known is None:
        raise UsageError(f"{'; '.join(reasons)}, nor has transflow's catalogue; {_offline_hint(source, target)}")
    try:
        return _install_download([known["url"]], known.get("size"), known.get("sha256"), progress, f"{source}→{target}")
    except DownloadError as err:
        raise UsageError(f"{'; '.join(reasons)}, and the download from transflow's catalogue failed ({err.reason}); {_offline_hint(source, target)}") from None


def install_url(url: str, sha256: str | None = None, progress: Progress | None = None) -> InstalledModel:
    """Install the package at *url*, verified against *sha256* when given."""
    if sha256 is not None and not re.fullmatch(r"[0-9a-fA-F]{64}", sha256):
        raise UsageError(f"--sha256 {sha256!r} is not a SHA-256 (64 hexadecimal digits)")
    return _install_download([url], None, sha256, progress, url)


def _install_download(links: list[str], size: int | None, sha256: str | None, progress: Progress | None, label: str) -> InstalledModel:
    from argostranslate import settings

    if not links:
        raise TransflowError(f"the index lists no download link for {label}; install it with --url or --file")
    failure: DownloadError | None = None
    for link in links:
        name = PurePosixPath(urllib.parse.urlparse(link).path).name or "package.argosmodel"
        dest = Path(settings.downloads_dir) / name
        try:
            fetch(link, dest, size=size, sha256=sha256, progress=progress)
        except DownloadError as err:
            failure = err
            continue
        try:
            return install_file(dest)
        finally:
            dest.unlink(missing_ok=True)
    raise failure


def project_pairs(languages: list[str]) -> list[tuple[str, str]]:
    """The direct pairs a project's languages need: each to and from English (the rest pivots)."""
    others = [lang for lang in dict.fromkeys(languages) if lang != PIVOT]
    return [pair for lang in others for pair in ((PIVOT, lang), (lang, PIVOT))]


def remove(source: str, target: str) -> InstalledModel:
    model = installed().get((source, target))
    if model is None:
        raise UsageError(f"no {source}→{target} package is installed; 'transflow models list' shows what is")
    _argos_package().uninstall(_argos_package().Package(model.path))
    return model
