"""Carrying installed models to an air-gapped machine: one zip, checked on arrival.

A bundle holds each installed package folder and a manifest with the SHA-256
of every file. Import checks every member (archives.py), verifies every file
while streaming it into a staging folder beside the packages, then moves each
package into place; it replaces only packages of the same pair, so a damaged
or hostile bundle installs nothing and deletes nothing.
"""

from __future__ import annotations

import json
import re
import zipfile
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

from . import archives, models
from .download import file_sha256
from .errors import TransflowError, UsageError
from .textio import atomic_output

MANIFEST = "transflow-bundle.json"


def export_bundle(out: Path) -> list[models.InstalledModel]:
    installed = sorted(models.installed().values(), key=lambda m: (m.from_code, m.to_code))
    if not installed:
        raise UsageError("no models are installed; nothing to bundle")
    with atomic_output(out) as handle:
        pack(installed, handle)
    return installed


def pack(installed: Sequence[models.InstalledModel], target: BinaryIO, compression: int = zipfile.ZIP_DEFLATED) -> None:
    """Write the bundle of *installed* into *target* (a file, or a buffer for Ray's object store).

    Weights are stored, not deflated: dense weights do not compress, and import
    refuses members that inflate like a zip bomb.
    """
    manifest: dict = {"format": 1, "packages": []}
    with zipfile.ZipFile(target, "w", compression) as archive:
        for model in installed:
            files = {}
            for path in sorted(p for p in model.path.rglob("*") if p.is_file()):
                name = f"{model.path.name}/{path.relative_to(model.path).as_posix()}"
                archive.write(path, name, zipfile.ZIP_STORED if path.name == "model.bin" else None)
                files[name] = file_sha256(path)
            manifest["packages"].append(
                {"folder": model.path.name, "from_code": model.from_code, "to_code": model.to_code, "version": model.version, "files": files}
            )
        archive.writestr(MANIFEST, json.dumps(manifest, indent=2))


def import_bundle(bundle: Path, limits: archives.Limits = archives.DEFAULT_LIMITS) -> list[str]:
    """Install every package of *bundle*; returns their labels.

    Every package is extracted and verified (``unpack``) before the first one
    is moved into place, so a damaged bundle installs nothing.
    """
    root = models.packages_dir()
    with archives.staging(root) as staging:
        unpacked = unpack(bundle, staging, str(bundle), limits)
        placed = [
            models.place(model.path, {"from_code": model.from_code, "to_code": model.to_code, "package_version": model.version}, root, staging)
            for model in unpacked
        ]
    return [model.label for model in placed]


def unpack(bundle: Path | BinaryIO, folder: Path, origin: str, limits: archives.Limits = archives.DEFAULT_LIMITS) -> list[models.InstalledModel]:
    """Extract every package of *bundle* into *folder* (a fresh one), each file checked first.

    The manifest must account for every member and every member for the
    manifest; each file is checked against its SHA-256 as it streams, and each
    package's metadata.json must hold the pair the manifest names. *origin*
    names the bundle in errors.
    """
    with archives.open_zip(bundle, BUNDLE, origin) as archive:
        members = archives.check(archive, origin, BUNDLE, limits)
        packages = _manifest(archive, members, origin)
        expected = {name: digest for package in packages for name, digest in package["files"].items()}
        archives.extract(archive, [m for m in members if m.name != MANIFEST], folder, origin, BUNDLE, expected)
    unpacked = []
    for package in packages:
        metadata = models.read_metadata(folder / package["folder"], origin)
        if (metadata["from_code"], metadata["to_code"]) != (package["from_code"], package["to_code"]):
            raise _damaged(origin, f"package {package['folder']!r} holds {metadata['from_code']}→{metadata['to_code']}, not what the manifest says")
        version = str(metadata.get("package_version", package["version"]))
        unpacked.append(models.InstalledModel(metadata["from_code"], metadata["to_code"], version, folder / package["folder"]))
    return unpacked


BUNDLE = "a model bundle (made by 'transflow models export-bundle')"
_SHA256 = re.compile(r"[0-9a-f]{64}")
_MANIFEST_BYTES = 1 << 20


def _damaged(bundle: str, problem: str) -> TransflowError:
    return TransflowError(f"{bundle}: {problem}; the bundle is damaged, nothing was installed (export it again)")


def _manifest(archive: zipfile.ZipFile, members: list[archives.Member], bundle: str) -> list[dict]:
    """The manifest's packages, after checking it describes exactly the bundle's files."""
    entry = next((m for m in members if m.name == MANIFEST and not m.is_dir), None)
    if entry is None or entry.size > _MANIFEST_BYTES:
        raise _damaged(bundle, f"no {MANIFEST} (or an oversized one)")
    try:
        manifest = json.loads(archive.read(entry.info))
    except (ValueError, zipfile.BadZipFile, zlib.error, EOFError, OSError) as err:
        raise _damaged(bundle, f"{MANIFEST} is unreadable ({' '.join(str(err).split())})") from None
    packages = manifest.get("packages") if isinstance(manifest, dict) else None
    if not isinstance(packages, list) or not packages or manifest.get("format") != 1:
        raise _damaged(bundle, f"{MANIFEST} lists no packages in format 1")
    listed: set[str] = set()
    folders: set[str] = set()
    pairs: set[tuple[str, str]] = set()
    for package in packages:
        _check_package(package, bundle)
        folder = package["folder"]
        pair = (package["from_code"], package["to_code"])
        if folder.casefold() in folders or pair in pairs:
            raise _damaged(bundle, f"package folder {folder!r} or pair {pair[0]}→{pair[1]} is listed twice")
        folders.add(folder.casefold())
        pairs.add(pair)
        listed.update(package["files"])
    present = {m.name for m in members if not m.is_dir and m.name != MANIFEST}
    for name in sorted(listed - present)[:1]:
        raise _damaged(bundle, f"{name} is listed but missing")
    for name in sorted(present - listed)[:1]:
        raise _damaged(bundle, f"{name} is not in the manifest")
    for member in members:
        if member.is_dir and member.parts[0].casefold() not in folders:
            raise _damaged(bundle, f"folder {member.name!r} belongs to no package of the manifest")
    return packages


def _check_package(package: object, bundle: str) -> None:
    """One manifest entry: a plain folder name owning a metadata.json, a model and nothing outside itself."""
    if not isinstance(package, dict):
        raise _damaged(bundle, "a package entry of the manifest is not an object")
    folder, files = package.get("folder"), package.get("files")
    if not isinstance(folder, str) or not folder or folder.startswith(".") or any(c in folder for c in "/\\\0") or not folder.isprintable():
        raise _damaged(bundle, f"package folder {str(folder)[:80]!r} is not a plain folder name")
    for key in ("from_code", "to_code", "version"):
        if not isinstance(package.get(key), str):
            raise _damaged(bundle, f"package {folder!r} has no {key}")
    if not isinstance(files, dict) or not files:
        raise _damaged(bundle, f"package {folder!r} lists no files")
    for name, digest in files.items():
        if not isinstance(name, str) or not name.startswith(folder + "/") or not isinstance(digest, str) or not _SHA256.fullmatch(digest):
            raise _damaged(bundle, f"package {folder!r} lists {str(name)[:80]!r}, which is outside its folder or has no SHA-256")
    for required in ("metadata.json", "model/model.bin"):
        if f"{folder}/{required}" not in files:
            raise _damaged(bundle, f"package {folder!r} has no {required}")
