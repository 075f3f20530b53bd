"""One run at a time per project: an advisory lock on ``<state>/lock``.

The operating system releases the lock when the holder dies, so a killed run
never leaves a stale lock behind; the temporary files it left in the state
folder are removed by the next holder. A second run waits up to ``wait`` seconds,
then refuses with the holder's pid.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from .errors import TransflowError
from .textio import remove_stale_temporaries


class LockBusy(TransflowError):
    """Another run held the project lock for the whole wait."""


@contextmanager
def project_lock(state_dir: Path, wait: float = 0.0) -> Iterator[None]:
    try:
        state_dir.mkdir(parents=True, exist_ok=True)
        handle = open(state_dir / "lock", "a+")
    except OSError as err:
        raise TransflowError(f"{state_dir}: cannot create the project lock ({err.strerror}); check the state folder") from None
    deadline = time.monotonic() + wait
    try:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    handle.seek(0)
                    holder = handle.read().strip() or "another process"
                    raise LockBusy(
                        f"another transflow run is working on this project ({holder}); "
                        f"wait for it to finish, or pass --wait SECONDS to queue behind it"
                    ) from None
                time.sleep(0.2)
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}, since {datetime.now().isoformat(timespec='seconds')}")
        handle.flush()
        remove_stale_temporaries(state_dir)
        yield
    finally:
        handle.close()
