"""Unlucky states and inputs end in a result or a one-line error, never a traceback.

Leftovers of a killed run, damaged caches, manifest and TM, sentences longer
than the model can read, HTML nested deeper than any article needs.
"""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path

import polib
import pytest

from transflow.errors import TransflowError
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


# Sentences longer than the model's positions -------------------------------------------

WORDS = "the minister said that cooperation on trade and energy would continue".split()


def run_on_sentence(words: int) -> str:
    return " ".join(WORDS[n % len(WORDS)] + ("," if n % 37 == 36 else "") for n in range(words)).capitalize() + "."


def test_a_sentence_longer_than_the_model_reads_is_translated_in_pieces_and_reported(project, cli, installed_models):
    long_sentence = run_on_sentence(1500)  # about 2,000 tokens; the tiny model has 256 positions
    Path("long.txt").write_text(f"Headline\n\n{long_sentence}\n\nA normal sentence.\n", encoding="utf-8")
    result = cli("batch", "long.txt", "sample_articles/asean-japan.txt", "--to", "vi")
    assert result.code == 0, result.stderr
    entry = polib.pofile("locales/vi/long.po").find(long_sentence)
    assert entry.msgstr == long_sentence  # the copy model gives every piece back, nothing lost at the joins
    assert "long-sentence: the sentence (" in entry.comment and "pieces" in entry.comment
    assert Path("locales/vi/asean-japan.po").exists()


def test_the_engine_never_feeds_the_model_more_than_its_positions(installed_models):
    from transflow.engines.argos import ArgosEngine, ArgosSettings

    japanese = "会議は続いた" * 300  # byte-fallback pieces: far more tokens than characters
    [output] = ArgosEngine().translate([japanese], "ja", "en")
    assert output.replace(" ", "") == japanese  # pieces joined with spaces for English, nothing lost
    with pytest.raises(TransflowError, match="lower max_input_tokens"):
        ArgosEngine(ArgosSettings(max_input_tokens=4000)).translate([japanese], "ja", "en")


class FailsOn:
    """The real engine, except that one sentence makes it fail (a model crash, an out-of-memory)."""

    name = "argos"

    def __init__(self, poison: str):
        from transflow.engines.argos import ArgosEngine

        self.engine, self.poison = ArgosEngine(), poison

    def check(self, source, target):
        self.engine.check(source, target)

    def origin(self, source, target):
        return self.engine.origin(source, target)

    def translate(self, texts, source, target):
        if any(self.poison in text for text in texts):
            raise TransflowError("the model failed on one sentence")
        return self.engine.translate(texts, source, target)


def test_in_batch_one_failing_article_does_not_take_the_others_down(project, installed_models):
    from transflow.batch import run_batch
    from transflow.project import Project
    from transflow.workflow import Settings

    Path("bad.txt").write_text("Headline\n\nA poisoned sentence.\n", encoding="utf-8")
    layout = Project(project, project / "locales", project / "localized", project / ".transflow")
    result = run_batch([Path("bad.txt"), Path("sample_articles/asean-japan.txt")], Settings(layout, "en", ("vi",)), engine=FailsOn("poisoned"))
    statuses = {report.article: report.status for report in result.reports}
    assert statuses == {"bad.txt": "failed", "sample_articles/asean-japan.txt": "translated"}
    assert Path("locales/vi/sample_articles/asean-japan.po").exists() or Path("locales/vi/asean-japan.po").exists()
