"""Reading articles strictly and writing every output atomically.

A newsroom file that is not UTF-8 text is refused with the offset of the bad
byte rather than guessed at; outputs are written to a temporary file in the
target directory and renamed, so a reader never sees half a file.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import os
import re
import stat
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import BinaryIO

from .errors import DiskFull, TransflowError, UsageError

# An output path of "-" is this process's standard output, as in every Unix tool.
STDOUT = "-"


def read_text(path: Path, what: str = "article") -> str:
    """Return the UTF-8 text of *path*, refusing missing, empty, binary or mis-encoded files.

    Only regular files are read: a FIFO or a device would block or never end.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file; check the path") from None
    except IsADirectoryError:
        raise UsageError(f"{path}: is a directory; give an {what} file") from None
    except OSError as err:
        raise TransflowError(f"{path}: cannot read ({err.strerror}); check its permissions") from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)  # a folder (even one named like an article) cannot be wrapped in a file object
        if stat.S_ISDIR(mode):
            raise UsageError(f"{path}: is a folder, not an {what} file; give the {what} file inside it")
        raise UsageError(f"{path}: is not a regular file (a pipe, socket or device); give an {what} file")
    with os.fdopen(fd, "rb") as handle:
        try:
            data = handle.read()
        except OSError as err:
            raise TransflowError(f"{path}: cannot read ({err.strerror}); check its permissions") from None
    refusal = _not_text(path, data, what)
    if refusal:
        raise TransflowError(f"{path}: {refusal}")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise TransflowError(
            f"{path}:{line}: not UTF-8 (byte 0x{data[err.start]:02x} at offset {err.start}); "
            f"convert it, e.g. iconv -f WINDOWS-1258 -t UTF-8"
        ) from None
    if not text.lstrip("\ufeff").strip():
        raise TransflowError(f"{path}: the {what} is empty; nothing to translate")
    return text


# Leading bytes of archives and compressed files people drop in by mistake.
_ARCHIVES = (
    (b"PK\x03\x04", "ZIP archive"), (b"PK\x05\x06", "ZIP archive"), (b"\x1f\x8b", "gzip file"), (b"BZh", "bzip2 file"),
    (b"\xfd7zXZ\x00", "xz file"), (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"), (b"Rar!\x1a\x07", "RAR archive"),
    (b"\x28\xb5\x2f\xfd", "zstd file"), (b"%PDF-", "PDF document"),
)
_WIDE = ((b"\xff\xfe\x00\x00", "UTF-32"), (b"\x00\x00\xfe\xff", "UTF-32"), (b"\xff\xfe", "UTF-16"), (b"\xfe\xff", "UTF-16"))


def _not_text(path: Path, data: bytes, what: str) -> str | None:
    """Why *data* cannot be a UTF-8 text file, in words a user can act on (None if it may be)."""
    for magic, name in _ARCHIVES:
        if data.startswith(magic):
            return f"is a {name}, not a text file; extract the {what} from it first"
    if len(data) > 257 + 5 and data[257:262] == b"ustar":
        return f"is a tar archive, not a text file; extract the {what} from it first"
    encoding = next((name for bom, name in _WIDE if data.startswith(bom)), None) or _wide_without_bom(data)
    if encoding:
        converted = path.with_name(f"{path.stem}.utf8{path.suffix}").name
        return f"is {encoding} text, not UTF-8; convert it: iconv -f {encoding} -t UTF-8 {path.name} > {converted}"
    if b"\x00" in data:
        return f"looks like a binary file (NUL byte at offset {data.index(0)}); give a text {what}"
    return None


def _wide_without_bom(data: bytes) -> str | None:
    """UTF-16 without a byte order mark: most ASCII characters pair with a NUL at odd or even offsets."""
    sample = data[:4096]
    if len(sample) < 4 or len(sample) % 2:
        return None
    odd, even = sample[1::2].count(0), sample[0::2].count(0)
    half = len(sample) // 2
    if odd > 0.6 * half and even == 0:
        return "UTF-16LE"
    if even > 0.6 * half and odd == 0:
        return "UTF-16BE"
    return None


def write_atomic(path: Path, content: str | bytes) -> None:
    """Write *content* to *path* as ``atomic_output`` does."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    with atomic_output(path) as handle:
        handle.write(data)


@contextmanager
def atomic_output(path: Path) -> Iterator[BinaryIO]:
    """A binary handle whose bytes become *path* only when the block ends without an error.

    The one way transflow writes a file. What *path* is decides how:
    missing or a regular file: a temporary file beside it, locked until it is
    renamed over it (a reader never sees half a file; a later run tells a
    killed writer's leftover, removed, from a write in progress); a symlink to
    a regular file: the same beside the file it points to, so the link stays;
    a character device or FIFO (``/dev/null``, ``/dev/stdout``, a named pipe)
    or this process's own stdout/stderr (``-`` is stdout): written into,
    streaming, never replaced; a folder, block device, socket or a link to
    nothing: refused. Commands where one stream makes no sense refuse ``-``
    before any work (``refuse_stdout``).
    """
    stream = _stream_target(path)
    if stream is not None:
        with _streaming(path, stream) as handle:
            yield handle
        return
    target = _regular_target(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_temporaries(target.parent)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{_short(target.name)}.", suffix=".tmp")
    except OSError as err:
        raise _write_error(path, err, f"{target.parent}: cannot write there ({err.strerror}); choose another output directory") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
            if target.exists():
                os.chmod(tmp, target.stat().st_mode & 0o777)
            else:
                os.chmod(tmp, 0o666 & ~_umask())
            _check_unchanged(target)
            _refuse_irregular(path, target)  # it may have been swapped for a device since
            os.replace(tmp, target)
    except OSError as err:
        Path(tmp).unlink(missing_ok=True)
        raise _write_error(path, err, f"{path}: cannot write ({err.strerror}); check the output directory") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _short(name: str, size: int = 200) -> str:
    """*name* cut to *size* bytes at a character, so a temporary file beside a 255-byte name still fits."""
    return name.encode()[:size].decode("utf-8", "ignore")


def _write_error(path: Path, err: OSError, message: str) -> TransflowError:
    if err.errno in (errno.ENOSPC, errno.EDQUOT):
        return DiskFull(f"{path}: the disk is full (no space left); {path.name} was not written and any earlier copy is unchanged; free some space and run again")
    return TransflowError(message)


def _stream_target(path: Path) -> int | None:
    """The mode of what *path* names when it is written into rather than replaced (a device, a FIFO, our stdout)."""
    if is_stdout(path):
        return -2
    try:
        info = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as err:
        raise TransflowError(f"{path}: cannot write there ({err.strerror}); choose another output path") from None
    for fd in (1, 2):
        try:
            own = os.fstat(fd)
        except OSError:
            continue
        if (own.st_dev, own.st_ino) == (info.st_dev, info.st_ino) and not stat.S_ISREG(os.lstat(path).st_mode):
            return -fd - 1  # our own stdout/stderr through a link (/dev/stdout, /proc/self/fd/1): written where the shell sent it
    if stat.S_ISCHR(info.st_mode) or stat.S_ISFIFO(info.st_mode):
        return info.st_mode
    return None


@contextmanager
def _streaming(path: Path, kind: int) -> Iterator[BinaryIO]:
    """Write into a device, a FIFO or our own output: no temporary file, nothing renamed."""
    try:
        if is_stdout(path):  # through sys.stdout, so what was printed before comes first
            sys.stdout.flush()
            handle = _Unclosed(sys.stdout.buffer)
        elif kind < 0:
            handle = os.fdopen(os.dup(-kind - 1), "wb")
        else:
            handle = open(os.open(path, os.O_WRONLY | os.O_NOCTTY), "wb")
    except OSError as err:
        raise _write_error(path, err, f"{path}: cannot write into it ({err.strerror}); choose another output path") from None
    try:
        with handle as stream:
            yield stream
            stream.flush()
    except OSError as err:
        if err.errno in (errno.ENOSPC, errno.EDQUOT):
            raise DiskFull(f"{path}: the device is full (no space left); what was written into it is incomplete") from None
        if err.errno == errno.EPIPE:
            raise TransflowError(f"{path}: the reader closed it before everything was written; what it read is incomplete") from None
        raise TransflowError(f"{path}: cannot write into it ({err.strerror}); what was written into it is incomplete") from None


def is_stdout(path: Path | str) -> bool:
    return str(path) == STDOUT


def refuse_stdout(path: Path | str | None, option: str, why: str, give: str = "a file path") -> None:
    """Refuse ``-`` where one stream makes no sense (a folder of outputs, a database, a binary bundle), in one line."""
    if path is not None and is_stdout(path):
        raise UsageError(f"{option} -: {why}, so it cannot go to standard output; give {give}")


class _Unclosed:
    """A binary stream whose ``close`` leaves the stream open (sys.stdout stays usable after ``-``)."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream

    def __enter__(self) -> BinaryIO:
        return self.stream

    def __exit__(self, *exc) -> None:
        self.stream.flush()


def _regular_target(path: Path) -> Path:
    """The regular file a rename may replace for *path*: itself, or the file its symlink points to."""
    try:
        link = os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return path
    except OSError as err:
        raise TransflowError(f"{path}: cannot write there ({err.strerror}); choose another output path") from None
    target = Path(os.path.realpath(path)) if stat.S_ISLNK(link.st_mode) else path
    _refuse_irregular(path, target)
    return target


def _refuse_irregular(path: Path, target: Path) -> None:
    """Refuse when *target* exists and is anything but a regular file (a rename would destroy it)."""
    try:
        mode = os.stat(target).st_mode
    except (FileNotFoundError, NotADirectoryError):
        if target != path:
            raise UsageError(f"{path}: is a symbolic link to nothing ({target}); give a real file path") from None
        return
    except OSError as err:
        raise TransflowError(f"{path}: cannot write there ({err.strerror}); choose another output path") from None
    if stat.S_ISREG(mode):
        return
    kind = "a folder" if stat.S_ISDIR(mode) else "a block device" if stat.S_ISBLK(mode) else "a socket" if stat.S_ISSOCK(mode) else "not a regular file"
    raise UsageError(f"{path}: is {kind}; transflow writes only regular files, devices and pipes there; choose another output path")


class ChangedOnDisk(TransflowError):
    """The file was changed by someone else since it was read (a reviewer saved it in Poedit)."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"{path}: was changed while this run was working on it; it was left as saved")
        self.path = path


_EXPECTED: ContextVar[dict[Path, str | None]] = ContextVar("expected_contents", default={})


def file_digest(path: Path) -> str | None:
    """The SHA-256 of *path*'s bytes, or None when there is no such file."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as err:
        raise TransflowError(f"{path}: cannot read ({err.strerror}); check its permissions") from None


@contextmanager
def unless_changed(path: Path, digest: str | None) -> Iterator[None]:
    """Inside the block, ``write_atomic`` replaces *path* only while its content is still *digest*.

    Checked right before the rename, so a save by someone who does not take
    the project lock (a reviewer in Poedit) is never overwritten: the write
    raises ChangedOnDisk and the caller merges or refuses.
    """
    token = _EXPECTED.set({**_EXPECTED.get(), path.resolve(): digest})
    try:
        yield
    finally:
        _EXPECTED.reset(token)


def _check_unchanged(path: Path) -> None:
    expected = _EXPECTED.get()
    key = path.resolve()
    if key in expected and file_digest(path) != expected[key]:
        raise ChangedOnDisk(path)


# The names write_atomic gives its temporary files: ".<file name>.<8 random characters>.tmp".
_TEMPORARY = re.compile(r"^\..+\.[A-Za-z0-9_]{8}\.tmp$")
# A temporary file younger than this may belong to a writer that has not locked it yet.
_STALE_AFTER = 5.0
_swept: set[Path] = set()


def remove_stale_temporaries(folder: Path) -> list[Path]:
    """Delete the temporary files a killed writer left in *folder* (once per folder and process).

    Only files named as write_atomic names them, unlocked and a few seconds
    old, are removed: a write in progress (in this or another process) keeps its lock.
    """
    key = folder.resolve()
    if key in _swept:
        return []
    _swept.add(key)
    removed = []
    try:
        entries = [entry for entry in os.scandir(folder) if _TEMPORARY.match(entry.name) and entry.is_file(follow_symlinks=False)]
    except OSError:
        return []
    for entry in entries:
        try:
            handle = open(entry.path, "rb")
        except OSError:
            continue
        with handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                if time.time() - os.fstat(handle.fileno()).st_mtime < _STALE_AFTER:
                    continue
                os.unlink(entry.path)
                removed.append(Path(entry.path))
            except OSError:
                continue
    return removed


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


def no_space_at(path: Path) -> bool:
    """Whether the disk holding *path* is (nearly) full: SQLite reports a full disk as "disk I/O error" when it cannot
    map its shared-memory file, and the user must hear "disk full", not "check the file"."""
    folder = path if path.is_dir() else path.parent
    try:
        info = os.statvfs(folder)
    except OSError:
        return False
    return info.f_bavail * info.f_frsize < 256 * 1024


def check_output(path: Path) -> None:
    """Refuse, before any work, an output path ``atomic_output`` would refuse (a folder, a block device, a link to nothing)."""
    if _stream_target(path) is None:
        _regular_target(path)


def writes_to_stdout(path: Path) -> bool:
    """Whether writing *path* streams into this process's stdout (``-o /dev/stdout``): reports then go to stderr."""
    try:
        return _stream_target(path) == -2
    except TransflowError:
        return False
