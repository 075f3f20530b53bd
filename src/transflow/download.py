"""Downloads that survive interruptions and are verified before anything uses them.

Bytes go to ``<name>.part``; a later attempt resumes it with an HTTP Range
request (or starts again where the server does not support ranges), and the
file is renamed to its final name only once complete and, where a size and
SHA-256 are known, verified. A mismatch deletes the download.
"""

from __future__ import annotations

import hashlib
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from .errors import TransflowError

Progress = Callable[[int, int | None], None]


class DownloadError(TransflowError):
    """The transfer itself failed (network, interrupted); what was received is kept to resume."""

    def __init__(self, url: str, reason: object) -> None:
        super().__init__(f"download of {url} failed ({reason}); run the same command again to resume")
        self.reason = reason
_CHUNK = 1 << 16
_TIMEOUT = 60


def fetch(url: str, dest: Path, *, size: int | None = None, sha256: str | None = None, progress: Progress | None = None) -> Path:
    """Download *url* to *dest*, resuming a previous partial download of the same file."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + ".part")
    offset = part.stat().st_size if part.exists() else 0
    request = urllib.request.Request(url, headers={"User-Agent": "transflow"})
    if offset and url.startswith(("http://", "https://")):
        request.add_header("Range", f"bytes={offset}-")
    try:
        with urllib.request.urlopen(request, timeout=_TIMEOUT) as response:
            if offset and getattr(response, "status", 200) != 206:
                offset = 0
            length = response.headers.get("Content-Length")
            total = offset + int(length) if length and length.isdigit() else size
            with part.open("ab" if offset else "wb") as out:
                done = offset
                while chunk := response.read(_CHUNK):
                    out.write(chunk)
                    done += len(chunk)
                    if progress:
                        progress(done, total)
            if length and length.isdigit() and done < total:
                raise DownloadError(url, f"connection closed after {done:,} of {total:,} bytes")
    except (urllib.error.URLError, OSError) as err:
        reason = getattr(err, "reason", err)
        raise DownloadError(url, reason) from None
    try:
        verify(part, size, sha256, url)
    except TransflowError:
        part.unlink(missing_ok=True)
        raise
    part.replace(dest)
    return dest


def verify(path: Path, size: int | None, sha256: str | None, label: str) -> None:
    """Refuse *path* unless it has the expected size and SHA-256 (where given)."""
    actual_size = path.stat().st_size
    if size is not None and actual_size != size:
        raise TransflowError(f"{label}: expected {size:,} bytes, got {actual_size:,}; the download is incomplete or not the published file, nothing was installed")
    if sha256:
        digest = file_sha256(path)
        if digest != sha256.lower():
            raise TransflowError(f"{label}: SHA-256 {digest} does not match the expected {sha256.lower()}; nothing was installed")


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
