"""Installed Argos packages: listing, routing (direct or through English), install and removal.

argostranslate reads ``ARGOS_PACKAGES_DIR`` when it is first imported, so it is
imported lazily, after the configuration had its say.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from importlib import resources
from pathlib import Path, PurePosixPath

from . import archives
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
    for pkg in _packages():
        if pkg.type != "translate" or not pkg.from_code or not pkg.to_code:
            continue
        model = InstalledModel(pkg.from_code, pkg.to_code, pkg.package_version, Path(pkg.package_path))
        current = found.get((model.from_code, model.to_code))
        if current is None or version_key(model) > version_key(current):
            found[(model.from_code, model.to_code)] = model
    return found


def _packages() -> list:
    """argostranslate's view of each package folder; staging folders and folders that are not
    packages (a killed install's leftovers, a stray copy) are skipped rather than fatal."""
    from argostranslate import settings

    package = _argos_package()
    found = []
    for directory in settings.package_dirs:
        for path in _package_dirs(Path(directory)):
            try:
                found.append(package.Package(path))
            except (OSError, ValueError, KeyError, TypeError, AttributeError):
                continue
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


def install_file(path: Path, limits: archives.Limits = archives.DEFAULT_LIMITS) -> InstalledModel:
    """Install an ``.argosmodel`` file, replacing other packages for the same pair.

    Every member is checked before anything is extracted; the package is
    unpacked into a staging folder and moved into place only when whole, and
    it replaces only packages that verifiably hold the same language pair.
    """
    if not path.is_file():
        raise UsageError(f"{path}: no such file; give the path of an .argosmodel package")
    root = packages_dir()
    with archives.staging(root) as staging:
        with archives.open_zip(path, PACKAGE) as archive:
            members = archives.check(archive, path, PACKAGE, limits)
            top = package_folder(members, path)
            archives.extract(archive, members, staging, path, PACKAGE)
        model = place(staging / top, read_metadata(staging / top, path), root, staging)
    _forget_installed_languages()
    return model


PACKAGE = "an Argos package (.argosmodel)"
_CODE = re.compile(r"[A-Za-z]{2,3}(?:[_-][A-Za-z0-9]{1,8})?")
_METADATA_BYTES = 1 << 20


def package_folder(members: list[archives.Member], path: Path, what: str = PACKAGE) -> str:
    """The one top-level folder of a package archive, which must hold metadata.json and model/model.bin."""
    tops = {member.parts[0] for member in members}
    if len(tops) != 1 or any(len(m.parts) == 1 and not m.is_dir for m in members):
        raise TransflowError(f"{path}: not {what} (expected one top-level folder); download it again")
    top = tops.pop()
    names = {m.name for m in members if not m.is_dir}
    if f"{top}/metadata.json" not in names or f"{top}/model/model.bin" not in names:
        raise TransflowError(f"{path}: not {what} (no metadata.json or model/model.bin); download it again")
    if top.startswith("."):
        raise TransflowError(f"{path}: package folder {top!r} is hidden, so this is not {what}; download it again")
    return top


def read_metadata(folder: Path, path: Path) -> dict:
    """A staged package's metadata, refusing anything but a translation package with sane language codes."""
    try:
        with (folder / "metadata.json").open("rb") as handle:
            metadata = json.loads(handle.read(_METADATA_BYTES + 1)[:_METADATA_BYTES])
    except (OSError, ValueError):
        raise TransflowError(f"{path}: metadata.json is not valid JSON; download the package again") from None
    if not isinstance(metadata, dict):
        raise TransflowError(f"{path}: metadata.json is not a JSON object; download the package again")
    codes = metadata.get("from_code"), metadata.get("to_code")
    if not all(isinstance(code, str) and _CODE.fullmatch(code) for code in codes):
        raise TransflowError(f"{path}: metadata.json names no valid from_code/to_code; this is not a translation package")
    if metadata.get("type", "translate") != "translate":
        raise TransflowError(f"{path}: a {metadata.get('type')!r} package, not a translation model; transflow installs translation packages only")
    return metadata


def place(staged: Path, metadata: dict, root: Path, staging: Path) -> InstalledModel:
    """Move a whole, verified package from *staging* into *root*.

    The folder keeps its archive name unless that name holds something other
    than a package of the same pair (which is then left alone and the new
    package gets a free name); packages of the same pair, and only those, are
    replaced. The old folder is renamed aside first, so a failure puts it back.
    """
    pair = (metadata["from_code"], metadata["to_code"])
    destination = root / staged.name
    if (destination.exists() or destination.is_symlink()) and _pair_of(destination) != pair:
        destination = _free_name(root, f"{staged.name}-{pair[0]}_{pair[1]}")
    replaced = [p for p in _package_dirs(root) if p != destination and _pair_of(p) == pair]
    aside = Path(tempfile.mkdtemp(prefix=".replaced-", dir=staging))
    if destination.exists():
        destination.replace(aside / destination.name)
    try:
        staged.replace(destination)
    except OSError as err:
        if (aside / destination.name).exists():
            (aside / destination.name).replace(destination)
        raise TransflowError(f"{root}: cannot move the package into place ({err.strerror}); nothing was changed") from None
    for old in replaced:
        shutil.rmtree(old, ignore_errors=True)
    return InstalledModel(pair[0], pair[1], str(metadata.get("package_version", "")), destination)


def _free_name(root: Path, base: str) -> Path:
    candidate, n = root / base, 2
    while candidate.exists() or candidate.is_symlink():
        candidate, n = root / f"{base}-{n}", n + 1
    return candidate


def _package_dirs(root: Path) -> list[Path]:
    """Folders of *root* that may be packages: real directories, not hidden (staging), not links."""
    try:
        return [p for p in root.iterdir() if not p.name.startswith(".") and p.is_dir() and not p.is_symlink()]
    except OSError:
        return []


def _forget_installed_languages() -> None:
    from argostranslate.translate import get_installed_languages

    get_installed_languages.cache_clear()


def _pair_of(package_path: Path) -> tuple[str, str] | None:
    """The pair a folder verifiably holds: a real directory whose metadata.json names it."""
    if package_path.is_symlink() or not package_path.is_dir():
        return None
    try:
        metadata = json.loads((package_path / "metadata.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(metadata, dict) or metadata.get("type", "translate") != "translate":
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
    """How to install the pair without network: where the file is (URL and SHA-256, from the catalogue) and the command."""
    known = next((e for e in catalogue() if e.get("from_code") == source and e.get("to_code") == target), None)
    if known is None:
        return (
            f"offline, find translate-{source}_{target}-*.argosmodel (with its SHA-256) in the Argos package index "
            f"(https://github.com/argosopentech/argospm-index) on a connected machine, copy it here and run "
            f"'transflow models install --file translate-{source}_{target}-….argosmodel'"
        )
    name = str(known["url"]).rsplit("/", 1)[-1]
    checksum = f" (SHA-256 {known['sha256']})" if known.get("sha256") else ""
    return f"offline, download {known['url']}{checksum} on a connected machine, copy it here and run 'transflow models install --file {name}'"


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
