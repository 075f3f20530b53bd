"""Zip archives from outside (Argos packages, model bundles): every member checked before a byte is extracted.

An archive is an attacker's easiest way onto the disk: a name like
``../../x`` or ``/etc/x``, a symlink, a member that inflates a few MB into
gigabytes, a header that lies about a size or a checksum. So the whole
central directory is checked first (names, types, declared sizes and
compression ratios, totals), then members are streamed into a staging folder
counting what really comes out and hashing it on the way, so memory stays
small whatever the archive claims. Nothing here moves anything into place:
callers do that only once everything is staged and verified.
"""

from __future__ import annotations

import hashlib
import lzma
import re
import shutil
import stat
import tempfile
import time
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from .errors import TransflowError

_CHUNK = 1 << 16
_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
_DRIVE = re.compile(r"^[A-Za-z]:")
_UNIX = 3
STAGING_PREFIX = ".transflow-staging-"
_STALE_SECONDS = 24 * 3600


@dataclass(frozen=True)
class Limits:
    """Bounds an archive must stay within. Published Argos models are 100–400 MB and compress
    by well under 10×; a member inflating more than ``ratio`` times is a bomb, not a model."""

    members: int = 10_000
    member_bytes: int = 4 << 30
    total_bytes: int = 8 << 30
    ratio: float = 100.0
    ratio_floor: int = 1 << 20  # small members (metadata, READMEs) may compress as well as they like


DEFAULT_LIMITS = Limits()


@dataclass(frozen=True)
class Member:
    """A checked archive member: its safe path parts and its declared size."""

    info: zipfile.ZipInfo
    parts: tuple[str, ...]
    is_dir: bool

    @property
    def name(self) -> str:
        return "/".join(self.parts)

    @property
    def size(self) -> int:
        return self.info.file_size


def _refuse(path: Path | str | BinaryIO, what: str, problem: str, fix: str | None = None) -> TransflowError:
    return TransflowError(f"{path}: {problem}; {fix or f'nothing was installed, get {what} again'}")


@contextmanager
def open_zip(source: Path | BinaryIO, what: str, origin: str | None = None) -> Iterator[zipfile.ZipFile]:
    """Open *source* (a file, or bytes in memory named by *origin*) as a zip, any damage to it
    reported as one line naming *what* it should be."""
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, NotImplementedError) as err:
        raise _refuse(origin or source, what, f"not {what} (unreadable as a zip: {_one_line(err)})") from None
    with archive:
        yield archive


def check(archive: zipfile.ZipFile, path: Path | str, what: str, limits: Limits = DEFAULT_LIMITS, fix: str | None = None) -> list[Member]:
    """Every member of *archive*, after refusing the archive if any one of them is unsafe (*fix*: what the message tells to do)."""
    infos = archive.infolist()
    if len(infos) > limits.members:
        raise _refuse(path, what, f"{len(infos):,} members, more than the {limits.members:,} allowed", fix)
    members: list[Member] = []
    seen: dict[str, str] = {}
    total = 0
    for info in infos:
        member = _member(info, path, what, limits, fix)
        folded = unicodedata.normalize("NFC", member.name).casefold()
        if folded in seen:
            raise _refuse(path, what, f"member {info.filename!r} appears twice (or clashes with {seen[folded]!r})", fix)
        seen[folded] = info.filename
        total += member.size
        if total > limits.total_bytes:
            raise _refuse(path, what, f"members add up to more than {limits.total_bytes:,} bytes", fix)
        members.append(member)
    files = {unicodedata.normalize("NFC", m.name).casefold() for m in members if not m.is_dir}
    for member in members:
        for depth in range(1, len(member.parts)):
            prefix = unicodedata.normalize("NFC", "/".join(member.parts[:depth])).casefold()
            if prefix in files:
                raise _refuse(path, what, f"member {member.info.filename!r} lies inside a file of the archive", fix)
    return members


def _member(info: zipfile.ZipInfo, path: Path | str, what: str, limits: Limits, fix: str | None = None) -> Member:
    name = info.filename
    shown = repr(name[:80])
    is_dir = name.endswith("/")
    parts = tuple(name.rstrip("/").split("/"))
    if (
        not name.strip("/")
        or name.startswith("/")
        or "\\" in name
        or _DRIVE.match(name)
        or len(name) > 1024
        or len(parts) > 32
        or any(part in ("", ".", "..") or len(part) > 255 for part in parts)
        or any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn") for ch in name)
    ):
        raise _refuse(path, what, f"unsafe member name {shown} (absolute, '..', empty or control characters)", fix)
    mode = info.external_attr >> 16 if info.create_system == _UNIX else 0
    kind = stat.S_IFMT(mode)
    if kind not in (0, stat.S_IFREG, stat.S_IFDIR) or (kind == stat.S_IFDIR) != is_dir and kind:
        raise _refuse(path, what, f"member {shown} is a link or special file, which a package never holds", fix)
    if info.flag_bits & 0x1:
        raise _refuse(path, what, f"member {shown} is encrypted", fix)
    if info.compress_type not in _METHODS:
        raise _refuse(path, what, f"member {shown} uses an unknown compression method ({info.compress_type})", fix)
    if is_dir and info.file_size:
        raise _refuse(path, what, f"folder member {shown} has content", fix)
    if info.file_size > limits.member_bytes:
        raise _refuse(path, what, f"member {shown} would be {info.file_size:,} bytes, more than the {limits.member_bytes:,} allowed", fix)
    if info.compress_type == zipfile.ZIP_STORED and info.file_size != info.compress_size:
        raise _refuse(path, what, f"member {shown} is stored uncompressed but its two sizes differ", fix)
    if info.file_size > limits.ratio_floor and info.file_size > limits.ratio * max(info.compress_size, 1):
        ratio = info.file_size / max(info.compress_size, 1)
        raise _refuse(path, what, f"member {shown} inflates {ratio:,.0f}× ({info.compress_size:,} → {info.file_size:,} bytes), a zip bomb", fix)
    return Member(info, parts, is_dir)


def extract(
    archive: zipfile.ZipFile,
    members: list[Member],
    dest: Path,
    path: Path | str,
    what: str,
    expected: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Stream *members* into *dest* (a fresh folder); return each file's SHA-256.

    A member is never trusted beyond its checked header: reading stops at its
    declared size, the zip CRC is verified at its end and, where *expected*
    gives a SHA-256, a mismatch stops the extraction at that member.
    """
    digests: dict[str, str] = {}
    for member in members:
        target = dest.joinpath(*member.parts)
        if member.is_dir:
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        written = 0
        try:
            with archive.open(member.info) as source, target.open("xb") as out:
                while chunk := source.read(_CHUNK):
                    written += len(chunk)
                    if written > member.size:
                        break
                    digest.update(chunk)
                    out.write(chunk)
        except (zipfile.BadZipFile, zlib.error, lzma.LZMAError, EOFError, ValueError, NotImplementedError, RuntimeError) as err:
            raise _refuse(path, what, f"member {member.name!r} is damaged ({_one_line(err)})") from None
        except OSError as err:
            raise TransflowError(f"{dest}: cannot extract {member.name!r} there ({err.strerror}); free some space or fix the folder's permissions") from None
        if written != member.size:
            raise _refuse(path, what, f"member {member.name!r} holds {'more' if written > member.size else 'less'} than its header says")
        digests[member.name] = digest.hexdigest()
        if expected is not None and expected.get(member.name) != digests[member.name]:
            raise _refuse(path, what, f"{member.name} does not match its checksum")
    return digests


@contextmanager
def staging(folder: Path) -> Iterator[Path]:
    """A fresh folder inside *folder* (same file system, so moving out of it is a rename), always removed.

    Staging folders a killed process left behind are removed once they are a day old.
    """
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob(STAGING_PREFIX + "*"):
        try:
            if time.time() - stale.stat().st_mtime > _STALE_SECONDS:
                shutil.rmtree(stale, ignore_errors=True)
        except OSError:
            continue
    try:
        tmp = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=folder))
    except OSError as err:
        raise TransflowError(f"{folder}: cannot write there ({err.strerror}); fix the folder's permissions") from None
    try:
        yield tmp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _one_line(err: BaseException) -> str:
    return " ".join(str(err).split()) or type(err).__name__
