"""Reading articles strictly and writing every output atomically.

A newsroom file that is not UTF-8 text is refused with the offset of the bad
byte rather than guessed at; outputs are written to a temporary file in the
target directory and renamed, so a reader never sees half a file.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import TransflowError, UsageError


def read_text(path: Path, what: str = "article") -> str:
    """Return the UTF-8 text of *path*, refusing missing, empty, binary or mis-encoded files."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file; check the path") from None
    except IsADirectoryError:
        raise UsageError(f"{path}: is a directory; give an {what} file") from None
    except OSError as err:
        raise TransflowError(f"{path}: cannot read ({err.strerror}); check its permissions") from None
    if not data.strip():
        raise TransflowError(f"{path}: the {what} is empty; nothing to translate")
    if b"\x00" in data:
        raise TransflowError(f"{path}: looks like a binary file (NUL byte at offset {data.index(0)}); give a text {what}")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise TransflowError(
            f"{path}:{line}: not UTF-8 (byte 0x{data[err.start]:02x} at offset {err.start}); "
            f"convert it, e.g. iconv -f WINDOWS-1258 -t UTF-8"
        ) from None


def write_atomic(path: Path, content: str | bytes) -> None:
    """Write *content* to *path* through a temporary file and a rename."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as err:
        raise TransflowError(f"{path.parent}: cannot write there ({err.strerror}); choose another output directory") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        else:
            os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except OSError as err:
        Path(tmp).unlink(missing_ok=True)
        raise TransflowError(f"{path}: cannot write ({err.strerror}); check the output directory") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def relative_path(path: Path, base: Path | None = None) -> str:
    """*path* relative to *base* (default: the current folder) when below it, in POSIX form."""
    try:
        return path.resolve().relative_to((base or Path.cwd()).resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
