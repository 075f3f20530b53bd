"""Unlucky states and inputs end in a result or a one-line error, never a traceback.

Leftovers of a killed run, damaged caches, manifest and TM, sentences longer
than the model can read, HTML nested deeper than any article needs.
"""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path

from transflow.textio import remove_stale_temporaries, write_atomic


def _old(path: Path, content: str = "half") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, encoding="utf-8")
    hour_ago = time.time() - 3600
    os.utime(path, (hour_ago, hour_ago))
    return path


def test_leftovers_of_a_killed_run_are_removed_by_the_next_one(project, cli):
    state_leftover = _old(Path(".transflow/.manifest.json.k1ll3d_x.tmp"))
    output_leftover = _old(Path("locales/vi/.asean-japan.po.abcd1234.tmp"))
    foreign = [_old(Path(".transflow/notes.tmp")), _old(Path("locales/vi/.draft.tmp")), _old(Path("locales/vi/keep.po.abcd1234.tmp"))]
    result = cli("batch", "sample_articles/asean-japan.txt", "--to", "vi", "--engine", "none")
    assert result.code == 0, result.stderr
    assert not state_leftover.exists() and not output_leftover.exists()
    assert all(path.exists() for path in foreign)  # not named as transflow names its temporary files
    assert Path("locales/vi/asean-japan.po").exists()


def test_translate_cleans_the_state_folder_too(project, cli):
    leftover = _old(Path(".transflow/.mt-cache.sqlite.k1ll3d_x.tmp"))
    assert cli("translate", "sample_articles/asean-japan.txt", "--to", "vi", "--engine", "none").code == 0
    assert not leftover.exists()


def test_a_temporary_file_being_written_is_left_alone(tmp_path):
    busy = _old(tmp_path / ".article.po.busy1234.tmp")
    fresh = tmp_path / ".article.po.fresh123.tmp"
    fresh.write_text("just created", encoding="utf-8")
    with open(busy, "rb") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        assert remove_stale_temporaries(tmp_path) == []
    assert busy.exists() and fresh.exists()
    write_atomic(tmp_path / "other.po", "x")  # this folder was swept once already in this process
    assert busy.exists()
