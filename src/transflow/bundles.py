"""Carrying installed models to an air-gapped machine: one zip, checked on arrival.

A bundle holds each installed package folder and a manifest with the SHA-256
of every file. Import verifies every file while extracting into a temporary
folder beside the packages, then moves each package into place, so a damaged
bundle installs nothing.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from . import models
from .download import file_sha256
from .errors import TransflowError, UsageError
from .textio import write_atomic

MANIFEST = "transflow-bundle.json"


def export_bundle(out: Path) -> list[models.InstalledModel]:
    installed = sorted(models.installed().values(), key=lambda m: (m.from_code, m.to_code))
    if not installed:
        raise UsageError("no models are installed; nothing to bundle")
    with tempfile.TemporaryDirectory() as tmp:
        staging = Path(tmp) / "bundle.zip"
        with open(staging, "wb") as handle:
            pack(installed, handle)
        write_atomic(out, staging.read_bytes())
    return installed


def pack(installed: Sequence[models.InstalledModel], target: BinaryIO, compression: int = zipfile.ZIP_DEFLATED) -> None:
    """Write the bundle of *installed* into *target* (a file, or a buffer for Ray's object store)."""
    manifest: dict = {"format": 1, "packages": []}
    with zipfile.ZipFile(target, "w", compression) as archive:
        for model in installed:
            files = {}
            for path in sorted(p for p in model.path.rglob("*") if p.is_file()):
                name = f"{model.path.name}/{path.relative_to(model.path).as_posix()}"
                archive.write(path, name)
                files[name] = file_sha256(path)
            manifest["packages"].append(
                {"folder": model.path.name, "from_code": model.from_code, "to_code": model.to_code, "version": model.version, "files": files}
            )
        archive.writestr(MANIFEST, json.dumps(manifest, indent=2))


def import_bundle(bundle: Path) -> list[str]:
    """Install every package of *bundle*; returns their labels."""
    if not zipfile.is_zipfile(bundle):
        raise TransflowError(f"{bundle}: not a model bundle (not a zip file); make one with 'transflow models export-bundle'")
    target_dir = models.packages_dir()
    target_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target_dir, prefix=".import-") as tmp:
        staging = Path(tmp)
        labels = []
        for model in unpack(bundle, staging, str(bundle)):
            destination = target_dir / model.path.name
            if destination.exists():
                shutil.rmtree(destination)
            model.path.replace(destination)
            labels.append(model.label)
    return labels


def unpack(bundle: Path | BinaryIO, folder: Path, origin: str) -> list[models.InstalledModel]:
    """Extract every package of *bundle* into *folder*, each file checked against the manifest first.

    *origin* names the bundle in errors.
    """
    with zipfile.ZipFile(bundle) as archive:
        try:
            manifest = json.loads(archive.read(MANIFEST))
            packages = manifest["packages"]
        except (KeyError, ValueError):
            raise TransflowError(f"{origin}: no valid {MANIFEST}; make the bundle with 'transflow models export-bundle'") from None
        for package in packages:
            for name, digest in package["files"].items():
                _extract_verified(archive, name, digest, folder, origin)
    unpacked = []
    for package in packages:
        name = str(package["folder"])
        if "/" in name or name.startswith("."):
            raise TransflowError(f"{origin}: package folder {name!r} is not a plain name; the bundle is damaged")
        unpacked.append(models.InstalledModel(package["from_code"], package["to_code"], package["version"], folder / name))
    return unpacked


def _extract_verified(archive: zipfile.ZipFile, name: str, digest: str, staging: Path, bundle: str) -> None:
    parts = PurePosixPath(name).parts
    if name.startswith("/") or ".." in parts or len(parts) < 2:
        raise TransflowError(f"{bundle}: unsafe path {name!r} in the bundle; nothing was installed")
    try:
        data = archive.read(name)
    except KeyError:
        raise TransflowError(f"{bundle}: {name} is listed but missing; the bundle is damaged, nothing was installed") from None
    if hashlib.sha256(data).hexdigest() != digest:
        raise TransflowError(f"{bundle}: {name} does not match its checksum; the bundle is damaged, nothing was installed")
    path = staging.joinpath(*parts)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
