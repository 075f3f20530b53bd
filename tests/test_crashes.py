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

from transflow.engines import Scored
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


class FailsOn(Scored):
    """The real engine, except that one sentence makes it fail (a model crash, an out-of-memory)."""

    name = "argos"

    def __init__(self, poison: str):
        from transflow.engines.argos import ArgosEngine

        self.engine, self.poison = ArgosEngine(), poison

    def check(self, source, target):
        self.engine.check(source, target)

    def origin(self, source, target):
        return self.engine.origin(source, target)

    def translate_scored(self, texts, source, target):
        if any(self.poison in text for text in texts):
            raise TransflowError("the model failed on one sentence")
        return self.engine.translate_scored(texts, source, target)


def test_in_batch_one_failing_article_does_not_take_the_others_down(project, installed_models):
    from transflow.batch import run_batch
    from transflow.project import Project
    from transflow.workflow import Settings

    Path("bad.txt").write_text("Headline\n\nA poisoned sentence.\n", encoding="utf-8")
    layout = Project(project, project / "locales", project / "localized", project / ".transflow")
    result = run_batch([Path("bad.txt"), Path("sample_articles/asean-japan.txt")], Settings(layout, "en", ("vi",)), engine=FailsOn("poisoned"))
    statuses = {report.article: report.status for report in result.reports}
    assert statuses == {"bad.txt": "failed", "sample_articles/asean-japan.txt": "translated"}
    assert Path("locales/vi/asean-japan.po").exists()


# Markup nested deeper than any article ----------------------------------------------------


@pytest.mark.parametrize("depth, refused", [(500, False), (1000, True), (20000, True)])
def test_html_nested_deeply_is_parsed_or_refused_with_its_line(depth, refused, tmp_path):
    from transflow.formats import parse_file

    path = tmp_path / "deep.html"
    source = "<p>Intro.</p>\n" + "<div>" * (depth // 2) + "<p>" + "<span>" * (depth // 2) + "Deep text." + "</span>" * (depth // 2) + "</p>" + "</div>" * (depth // 2) + "\n"
    path.write_text(source, encoding="utf-8")
    if refused:
        with pytest.raises(TransflowError, match=r"deep\.html:2: HTML nested deeper than 512 elements"):
            parse_file(path)
    else:
        doc = parse_file(path)
        assert any("Deep text." in block.text for block in doc.blocks)
        assert doc.render(lambda block: block.text) == source


def test_deeply_nested_html_through_the_cli_is_one_line(project, cli):
    Path("deep.html").write_text("<div>" * 3000 + "Text." + "</div>" * 3000, encoding="utf-8")
    result = cli("translate", "deep.html", "--to", "vi", "--engine", "none")
    assert result.code == 1 and len(result.stderr.strip().splitlines()) == 1 and "nested deeper" in result.stderr


@pytest.mark.parametrize("source, line", [(">" * 25 + " Deep quote.\n", 1), ("Intro.\n\n" + "".join("  " * i + "- item\n" for i in range(30)), 12)])
def test_markdown_deeper_than_the_parser_reads_is_refused_not_dropped(source, line, tmp_path):
    from transflow.formats import parse_file

    path = tmp_path / "deep.md"
    path.write_text(source, encoding="utf-8")
    with pytest.raises(TransflowError, match=rf"deep\.md:{line}: Markdown nested too deep"):
        parse_file(path)
    shallow = tmp_path / "ok.md"
    shallow.write_text(">" * 19 + " Deep quote.\n", encoding="utf-8")
    assert [block.text for block in parse_file(shallow).blocks] == ["Deep quote."]


# Damaged caches, manifest and TM ---------------------------------------------------------


def test_a_damaged_mt_cache_is_rebuilt(project, cli):
    Path(".transflow").mkdir()
    Path(".transflow/mt-cache.sqlite").write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 40)
    result = cli("batch", "sample_articles/asean-japan.txt", "--to", "vi", "--engine", "none")
    assert result.code == 0, result.stderr
    import sqlite3

    assert sqlite3.connect(".transflow/mt-cache.sqlite").execute("SELECT count(*) FROM mt").fetchone() == (0,)


def test_a_damaged_mt_cache_met_while_reading_is_rebuilt(tmp_path, installed_models):
    from transflow.engines.argos import ArgosEngine
    from transflow.mtcache import CachedEngine

    path = tmp_path / "mt-cache.sqlite"
    cache = CachedEngine(ArgosEngine(), path)
    cache.translate([f"Sentence {n}." for n in range(2000)], "en", "vi")
    cache.close()
    data = bytearray(path.read_bytes())
    for page in range(2, len(data) // 4096):
        data[page * 4096 : page * 4096 + 4096] = bytes((i * 7) % 256 for i in range(4096))
    path.write_bytes(bytes(data))
    again = CachedEngine(ArgosEngine(), path)
    assert again.translate(["Sentence 5.", "Other news"], "en", "vi") == ["Sentence 5.", "Other news"]
    assert again.sent == 2
    again.close()


@pytest.mark.parametrize(
    "name, content",
    [
        ("manifest.json", "[]"), ("manifest.json", '"manifest"'), ("manifest.json", '{"a|vi": 1}'),
        ("manifest.json", '{"sample_articles/asean-japan.txt|vi": {"fingerprint": 5}}'), ("manifest.json", "{not json"),
        ("manifest.sqlite", "not a database at all"), ("manifest.sqlite", "SQLite format 3\x00" + "\x07" * 5000),
    ],
)
def test_a_manifest_of_the_wrong_shape_or_damaged_is_rebuilt(name, content, project, cli):
    Path(".transflow").mkdir()
    Path(".transflow", name).write_text(content, encoding="utf-8")
    result = cli("batch", "sample_articles/asean-japan.txt", "--to", "vi", "--engine", "none")
    assert result.code == 0, result.stderr
    assert Path("locales/vi/asean-japan.po").exists()
    rerun = cli("batch", "sample_articles/asean-japan.txt", "--to", "vi", "--engine", "none")
    assert "unchanged, skipped" in rerun.stderr


def _damage(path: Path, pages: range) -> None:
    data = bytearray(path.read_bytes())
    for page in pages:
        data[page * 4096 : page * 4096 + 4096] = bytes((i * 7) % 256 for i in range(4096))
    path.write_bytes(bytes(data))


def _filled_tm(path: Path) -> None:
    from transflow.memory import TMUnit, open_memory

    with open_memory(path) as memory:
        memory.add([TMUnit("en", "vi", f"Sentence number {n} about trade.", f"Câu số {n} về thương mại.") for n in range(3000)])


def test_a_damaged_tm_is_reported_with_its_repair_and_repaired(project, cli):
    cli("translate", "sample_articles/asean-japan.txt", "--to", "vi", "--engine", "none")
    po = Path("locales/vi/asean-japan.po")
    before = po.read_bytes()
    tm = Path(".transflow/tm.sqlite")
    _filled_tm(tm)
    _damage(tm, range(20, 24))
    stats = cli("tm", "stats")
    assert stats.code == 1 and len(stats.stderr.strip().splitlines()) == 1
    assert "the translation memory is damaged" in stats.stderr and "transflow tm repair --tm .transflow/tm.sqlite" in stats.stderr
    repaired = cli("tm", "repair")
    assert repaired.code == 0, repaired.stderr
    assert "translation units kept" in repaired.stdout
    table = cli("tm", "stats")
    assert table.code == 0
    kept = int(next(line for line in table.stdout.splitlines() if " vi " in line).split("│")[3])
    assert 2500 < kept < 3000  # the units on the damaged pages are gone, the rest kept
    assert list(Path(".transflow").glob("tm.sqlite.damaged-*"))
    assert po.read_bytes() == before


def test_a_tm_damaged_beyond_reading_stops_translate_before_any_po_is_written(project, cli):
    cli("translate", "sample_articles/asean-japan.txt", "--to", "vi", "--engine", "none")
    po = Path("locales/vi/asean-japan.po")
    po.write_text(po.read_text(encoding="utf-8").replace('msgstr ""\n\n', 'msgstr "Reviewed by a human."\n\n', 1), encoding="utf-8")
    before = po.read_bytes()
    tm = Path(".transflow/tm.sqlite")
    _filled_tm(tm)
    _damage(tm, range(1, tm.stat().st_size // 4096))
    result = cli("translate", "sample_articles/asean-japan.txt", "--to", "vi", "--engine", "none")
    assert result.code == 1 and len(result.stderr.strip().splitlines()) == 1
    assert "tm repair" in result.stderr
    assert po.read_bytes() == before
    assert cli("tm", "repair").code == 0
    assert cli("translate", "sample_articles/asean-japan.txt", "--to", "vi", "--engine", "none").code == 0
    assert "Reviewed by a human." in po.read_text(encoding="utf-8")
