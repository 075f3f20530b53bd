"""The translation memory: learnt from builds, leveraged before MT, TMX in and out, safe to share.

Every test taking ``location`` runs against both backends: an SQLite file and
a PostgreSQL database (a fresh schema per test on the server named by
TRANSFLOW_TEST_PG; .ci/run starts one). Without that variable the PostgreSQL
half is skipped on a developer's machine and fails in CI.
"""

import io
import multiprocessing
import os
import sqlite3
from pathlib import Path

import polib
import pytest
from lxml import etree

from conftest import SCHEMAS, pg_schema, review, table_rows
from transflow.errors import TransflowError
from transflow.exchange import tmx
from transflow.glossary import load
from transflow.glossary.enforce import Enforcer
from transflow.leverage import suggest
from transflow.memory import TMUnit, open_memory

NEWSROOM = Path(__file__).resolve().parent.parent / "glossaries" / "newsroom.csv"
def _server_schema():
    """A postgresql:// URL whose tables live in a schema of their own, dropped afterwards."""
    for _, _, url in pg_schema("tm_test"):
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def location(request, tmp_path):
    """Where a test's TM lives: an SQLite file, or a PostgreSQL database."""
    if request.param == "sqlite":
        yield str(tmp_path / "tm.sqlite")
    else:
        yield from _server_schema()


def test_a_sentence_reviewed_in_one_article_is_an_exact_match_in_the_next(project, cli, installed_models, location):
    if location.startswith("postgresql"):
        Path("transflow.toml").write_text(f'[memory]\npath = "{location}"\n', encoding="utf-8")
    cli("translate", "sample_articles/asean-japan.txt", "--to", "vi")
    review(
        "locales/vi/asean-japan.po",
        {
            "The ministers also discussed the East Sea issue.": "Các bộ trưởng cũng thảo luận vấn đề Biển Đông.",
            "Other news": "Tin khác",
        },
    )
    built = cli("build", "sample_articles/asean-japan.txt", "--lang", "vi", "--min-translated", "0")
    assert built.code == 0 and "2 reviewed translations in the TM" in built.stdout
    Path("sample_articles/follow-up.txt").write_text(
        "Follow-up\n\nThe ministers also discussed the East Sea issue.\n\n– VNA\n\nOther news\n", encoding="utf-8"
    )
    result = cli("translate", "sample_articles/follow-up.txt", "--to", "vi")
    assert "2 from the TM" in result.stdout
    po = polib.pofile("locales/vi/follow-up.po")
    east_sea = po.find("The ministers also discussed the East Sea issue.")
    assert east_sea.msgstr == "Các bộ trưởng cũng thảo luận vấn đề Biển Đông." and not east_sea.fuzzy
    assert "origin: tm-exact (100 %, human, sample_articles/asean-japan.txt)" in east_sea.comment
    assert "origin: tm-exact (100 % in context" in po.find("Other news").comment  # after "– VNA" and last, in both articles
    assert po.find("Follow-up").fuzzy and "origin: mt (MT argos" in po.find("Follow-up").comment
    stats = cli("tm", "stats")
    assert stats.code == 0 and table_rows(stats.stdout) == [("en", "vi", "2", "2", "0")]  # the two reviewed sentences, nothing machine-made
    assert not Path(".transflow/tm.sqlite").exists() or not location.startswith("postgresql")


@pytest.fixture
def memory(location):
    with open_memory(location) as tm:
        yield tm


def test_one_changed_number_is_a_fuzzy_match_with_the_number_corrected(memory):
    memory.add([TMUnit("en", "vi", "Two-way trade reached 240.8 billion USD last year.", "Kim ngạch hai chiều đạt 240,8 tỷ USD năm ngoái.")])
    found = suggest(memory, "en", "vi", "Two-way trade reached 251.3 billion USD last year.", "", "", 75, None)
    assert found.fuzzy and found.score >= 90
    assert found.target == "Kim ngạch hai chiều đạt 251,3 tỷ USD năm ngoái."
    assert "TM: number 240.8 → 251.3 corrected" in found.notes
    assert found.detail.startswith("9") and "240.8" in found.detail


def test_a_number_that_cannot_be_found_is_flagged(memory):
    memory.add([TMUnit("en", "vi", "Trade reached 3,000 million USD in 2024.", "Thương mại đạt ba nghìn triệu USD năm 2024.")])
    found = suggest(memory, "en", "vi", "Trade reached 4,000 million USD in 2024.", "", "", 75, None)
    assert found.fuzzy and found.warnings == ["TM: number 3,000 → 4,000 NOT corrected; check it"]


def test_glossary_terms_that_differ_are_swapped(memory):
    enforcer = Enforcer(load([NEWSROOM]), "en", "vi")
    memory.add([TMUnit("en", "vi", "The Prime Minister met the press in Hanoi.", "Thủ tướng gặp báo chí tại Hà Nội.")])
    found = suggest(memory, "en", "vi", "The Foreign Minister met the press in Hanoi.", "", "", 70, enforcer)
    assert found.target == "Bộ trưởng Ngoại giao gặp báo chí tại Hà Nội."
    assert "TM: glossary term Thủ tướng → Bộ trưởng Ngoại giao corrected" in found.notes


def test_a_sentence_of_thousands_of_words_is_looked_up_like_any_other(memory):
    long = " ".join(f"word{n}" for n in range(1500)) + "."
    memory.add([TMUnit("en", "vi", long, "dài")])
    assert memory.fuzzy("en", "vi", long.replace("word7 ", "word8 "), 75).unit.target == "dài"


def test_japanese_fuzzy_matching_works_without_spaces(memory):
    memory.add([TMUnit("ja", "en", "双方は2023年に包括的戦略的パートナーシップを樹立した。", "The two sides established a comprehensive strategic partnership in 2023.")])
    found = suggest(memory, "ja", "en", "双方は2024年に包括的戦略的パートナーシップを樹立した。", "", "", 75, None)
    assert found is not None and found.target == "The two sides established a comprehensive strategic partnership in 2024."
    assert suggest(memory, "ja", "en", "まったく関係のない文章です。", "", "", 75, None) is None


def test_exact_match_needs_the_same_inline_codes(memory):
    memory.add([TMUnit("en", "vi", "Read the **full** text.", "Đọc **toàn** văn.")])
    assert suggest(memory, "en", "vi", "Read  the **full**\ttext.", "", "", 101, None).fuzzy is False
    other = suggest(memory, "en", "vi", "Read the *full* text.", "", "", 101, None)
    assert other is None


def test_tmx_export_import_round_trip_and_dtd(project, cli, tmp_path, location):
    units = [
        TMUnit("en", "vi", "Other news", "Tin khác", "human", "a.txt", "", "x", "2026-11-27T10:00:00Z", "2026-11-28T09:30:00Z"),
        TMUnit("en", "vi", 'A <b>bold</b> & "quoted" move.', "Một bước <b>táo bạo</b> & \"đáng chú ý\".", "human", "b.html"),
    ]
    with open_memory(location) as tm:
        tm.add(units)
    assert cli("tm", "export", "--from", "en", "--to", "vi", "out.tmx", "--tm", location).code == 0
    dtd = etree.DTD(str(SCHEMAS / "tmx" / "tmx14.dtd"))
    assert dtd.validate(etree.parse("out.tmx")), dtd.error_log
    back = tmx.read(Path("out.tmx"))
    assert [(u.source, u.target, u.origin, u.article, u.created, u.updated) for u in back] == [
        (u.source, u.target, u.origin, u.article, u.created or back[1].created, u.updated or back[1].updated) for u in units
    ]
    with open_memory(tmp_path / "other.sqlite") as other:
        assert other.add(back) == 2
        assert other.exact("en", "vi", "Other news").unit.target == "Tin khác"
    from translate.storage import tmx as toolkit_tmx

    store = toolkit_tmx.tmxfile(open("out.tmx", "rb"))
    assert [(u.source, u.target) for u in store.units] == [(u.source, u.target) for u in units]


def test_po_and_xliff_imports_take_only_reviewed_units(project, cli, installed_models, location):
    cli("translate", "sample_articles/asean-japan.txt", "--to", "vi", "--format", "po,xliff")
    review("locales/vi/asean-japan.po", {"Other news": "Tin khác"})
    assert cli("convert", "locales/vi/asean-japan.po", "reviewed.xlf").code == 0
    result = cli("tm", "import", "locales/vi/asean-japan.po", "reviewed.xlf", "--tm", location)
    assert result.code == 0 and result.stdout.count(": 1 translations imported") == 2
    with open_memory(location) as tm:
        assert tm.stats() == [("en", "vi", 1, 1, 0)]
    stats = cli("tm", "stats", "--tm", location)
    assert stats.code == 0 and "en   │ vi │ 1     │ 1     │ 0" in stats.stdout.replace("─", "")


def _writer(location: str, worker: int) -> None:
    with open_memory(location) as tm:
        for batch in range(20):
            own = [TMUnit("en", "vi", f"Sentence {worker}-{batch}-{n}.", f"Câu {worker}-{batch}-{n}.") for n in range(10)]
            shared = [TMUnit("en", "vi", f"Both desks file story {batch}-{n}.", f"Hai bàn cùng gửi bài {batch}-{n}.") for n in range(3)]
            tm.add(own + shared)


def test_two_concurrent_writers_lose_nothing(location):
    open_memory(location).close()
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_writer, args=(location, n)) for n in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
        assert worker.exitcode == 0
    with open_memory(location) as tm:
        assert tm.stats() == [("en", "vi", 460, 460, 0)]
        assert tm.exact("en", "vi", "Both desks file story 19-2.").unit.target == "Hai bàn cùng gửi bài 19-2."
        assert tm.fuzzy("en", "vi", "Sentence 1-19-9.", 99).unit.target == "Câu 1-19-9."


def test_malformed_tmx_is_refused(project, cli):
    Path("bad.tmx").write_text("<tmx><header/><body><tu>", encoding="utf-8")
    result = cli("tm", "import", "bad.tmx")
    assert result.code == 1 and "not well-formed XML" in result.stderr


def _corpus(rng, words, count, joiner):
    return list(dict.fromkeys(joiner.join(rng.choices(words, k=rng.randint(8, 20))) for _ in range(count)))


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_fuzzy_lookup_finds_what_a_brute_force_scan_finds(memory, lang):
    """Recall against rapidfuzz's extractOne over every unit, as desktop CAT tools scan (spaced and unspaced sources)."""
    import random

    from rapidfuzz import fuzz, process

    from transflow.memory import normalize

    rng = random.Random(7)
    if lang == "ja":
        words, joiner = ["経済", "協力", "首相", "会談", "日本", "ベトナム", "は", "を", "に", "した", "する", "外相", "発表", "貿易", "投資", "の"], ""
    else:
        words, joiner = "the minister said trade talks in Hanoi would resume next week after a long pause over tariffs and rice".split(), " "
    sources = _corpus(rng, words, 1500, joiner)
    memory.add([TMUnit(lang, "en" if lang == "ja" else "vi", s, f"T {s}") for s in sources])
    norms = [normalize(s) for s in sources]
    checked = agreed = 0
    for source in rng.sample(sources, 80):
        pieces = list(source) if lang == "ja" else source.split()
        pieces[rng.randrange(len(pieces))] = rng.choice(words)
        query = joiner.join(pieces) + ("、です" if lang == "ja" else " today")
        brute = process.extractOne(normalize(query), norms, scorer=fuzz.ratio, score_cutoff=75)
        if brute is None:
            continue
        checked += 1
        found = memory.fuzzy(lang, "en" if lang == "ja" else "vi", query, 75)
        agreed += found is not None and found.score == int(brute[1])
    assert checked > 40 and agreed == checked


def test_tm_copy_moves_every_unit_between_backends(project, cli, tmp_path, location, monkeypatch):
    monkeypatch.setattr("transflow.memory.base.SETTLE_AFTER", 1)  # every copy ends by settling the index, as a bulk one does
    units = [
        TMUnit("en", "vi", "Other news", "Tin khác", "human", "a.txt", "", "x", "2026-11-27T10:00:00Z", "2026-11-28T09:30:00Z"),
        TMUnit("en", "ja", "Trade reached 240.8 billion USD.", "貿易額は2408億ドルに達した。", "human", "b.txt"),
        TMUnit("ja", "en", "双方は協力を強化する。", "The two sides will step up cooperation.", "mt", "c.txt"),
    ]
    local = tmp_path / "local.sqlite"
    with open_memory(local) as tm:
        tm.add(units)
    result = cli("tm", "copy", str(local), location)
    assert result.code == 0, result.stderr
    assert "en→vi: 1 units copied" in result.stdout and "ja→en: 1 units copied" in result.stdout
    assert cli("tm", "copy", str(local), location).code == 0  # again: refreshed, not doubled
    back = tmp_path / "back.sqlite"
    assert cli("tm", "copy", location, str(back)).code == 0
    for where in (location, back):
        with open_memory(where) as tm:
            assert tm.stats() == [("en", "ja", 1, 1, 0), ("en", "vi", 1, 1, 0), ("ja", "en", 1, 0, 1)]
            assert list(tm.export("en", "vi")) == [units[0]]
            assert tm.fuzzy("ja", "en", "双方は協力を一層強化する。", 75).unit.target == "The two sides will step up cooperation."
    assert cli("tm", "copy", str(local), str(local)).code == 2
    missing = cli("tm", "copy", str(tmp_path / "none.sqlite"), location)
    assert missing.code == 2 and "no such translation memory" in missing.stderr


def test_a_tm_file_of_the_trigram_layout_is_moved_into_the_new_one(tmp_path):
    path = tmp_path / "old.sqlite"
    old = sqlite3.connect(path)
    old.executescript(
        """CREATE TABLE units (id INTEGER PRIMARY KEY, source_lang TEXT, target_lang TEXT, source TEXT, norm TEXT, target TEXT,
               origin TEXT, article TEXT, prev TEXT, next TEXT, created TEXT, updated TEXT);
           CREATE VIRTUAL TABLE units_fts USING fts5 (norm, content='units', content_rowid='id', tokenize='trigram');
           INSERT INTO units VALUES (1, 'en', 'vi', 'Other news', 'Other news', 'Tin khác', 'human', 'a.txt', '', '', '2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z');"""
    )
    old.commit()
    old.close()
    with open_memory(path) as tm:
        assert tm.exact("en", "vi", "Other news").unit == TMUnit("en", "vi", "Other news", "Tin khác", "human", "a.txt", "", "", "2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z")
        assert tm.fuzzy("en", "vi", "Other news today", 70).unit.target == "Tin khác"
    tables = {name for (name,) in sqlite3.connect(path).execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "units" not in tables and "units_fts" not in tables


def test_an_unreachable_server_or_a_foreign_url_is_a_one_line_error(project, cli):
    down = cli("tm", "stats", "--tm", "postgresql://transflow:secret@127.0.0.1:1/transflow")
    assert down.code == 1 and "cannot connect to the TM database" in down.stderr and "secret" not in down.stderr
    assert len(down.stderr.strip().splitlines()) == 1
    Path("transflow.toml").write_text('[memory]\npath = "mysql://tm/transflow"\n', encoding="utf-8")
    foreign = cli("tm", "stats")
    assert foreign.code == 2 and "memory.path must be a file path or a postgresql:// URL" in foreign.stderr


@pytest.fixture
def server_tm():
    """(URL, admin connection) of a PostgreSQL TM in a schema of its own."""
    for _, schema, url in pg_schema("tm_test"):
        import psycopg

        open_memory(url).close()  # the tables, as transflow makes them
        with psycopg.connect(url, autocommit=True) as admin:
            yield url, admin


def _refuse_writes(admin, sqlstate: str, times: int) -> None:
    """The server itself fails the next *times* writes to tm_units with *sqlstate* (a sequence counts across rollbacks)."""
    admin.execute("CREATE SEQUENCE refusals")
    admin.execute(
        f"""CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN IF nextval('refusals') <= {times} THEN RAISE EXCEPTION 'planted' USING ERRCODE = '{sqlstate}'; END IF; RETURN NULL; END $$"""
    )
    admin.execute("CREATE TRIGGER refuse BEFORE INSERT ON tm_units FOR EACH STATEMENT EXECUTE FUNCTION refuse()")


UNITS = [TMUnit("en", "vi", f"Story {n} was filed.", f"Bài {n} đã được gửi.") for n in range(3)]


@pytest.mark.parametrize("sqlstate", ["40P01", "40001"])  # deadlock detected, serialization failure
def test_a_write_the_server_fails_as_a_deadlock_is_retried_and_stored_once(server_tm, sqlstate):
    url, admin = server_tm
    _refuse_writes(admin, sqlstate, 2)
    with open_memory(url) as tm:
        assert tm.add(UNITS) == 3
        assert tm.stats() == [("en", "vi", 3, 3, 0)]
        assert tm.exact("en", "vi", "Story 1 was filed.").unit.target == "Bài 1 đã được gửi."
    assert admin.execute("SELECT last_value FROM refusals").fetchone() == (3,)  # two refused, the third went through


def test_a_tm_that_stays_deadlocked_is_one_line_and_stores_nothing(server_tm):
    url, admin = server_tm
    _refuse_writes(admin, "40P01", 1_000)
    with open_memory(url) as tm:
        with pytest.raises(TransflowError) as failed:
            tm.add(UNITS)
        assert str(failed.value).endswith("translation memory is busy; try again") and "\n" not in str(failed.value)
        assert tm.stats() == []


def test_an_import_reports_its_progress_as_units_reach_the_database(location, monkeypatch):
    """``add``'s progress callback counts the units given that the database holds (so ``tm import``'s bar shows
    the import's own rate, not how fast a worker read ahead), empty units included, up to every unit given."""
    from transflow.memory import base

    monkeypatch.setattr(base, "CHUNK", 100)
    units = [TMUnit("en", "vi", f"Story {n} was filed.", f"Bài {n} đã được gửi.") for n in range(350)]
    units[120] = TMUnit("en", "vi", "  ", "blank")
    seen: list[tuple[int, int]] = []
    with open_memory(location) as tm:
        db = tm.db

        def progress(done: int) -> None:
            seen.append((done, db.execute("SELECT count(*) FROM tm_units").fetchone()[0]))

        assert tm.add(units, progress) == 349
    assert seen == [(100, 100), (200, 199), (300, 299), (350, 349)]


def test_tm_import_shows_a_bar_of_units_stored_and_their_rate_on_a_terminal(project, cli, monkeypatch, tmp_path):
    from rich.console import Console

    from transflow import cli as commands
    from transflow.memory import base

    monkeypatch.setattr(base, "CHUNK", 500)
    terminal = Console(file=(screen := io.StringIO()), force_terminal=True, width=120)
    monkeypatch.setattr(commands, "err", terminal)
    tmx.write(tmp_path / "archive.tmx", [TMUnit("en", "vi", f"Story {n} was filed.", f"Bài {n}.") for n in range(1_500)], "en", "vi")
    result = cli("tm", "import", str(tmp_path / "archive.tmx"))
    assert result.code == 0 and "archive.tmx: 1500 translations imported" in result.stdout
    frames = [frame for frame in screen.getvalue().replace("\r", "\n").splitlines() if "units/s" in frame]
    assert any("500/1500" in frame for frame in frames) and any("archive.tmx: storing" in frame and "1500/1500" in frame for frame in frames)


def _postings_index(admin) -> int:
    return admin.execute("SELECT indexrelid::int FROM pg_index WHERE indrelid = 'tm_postings'::regclass AND indisprimary").fetchone()[0]


def _filed(units: list[TMUnit]) -> set[tuple[int, str]]:
    """(term, source) for every term each unit is filed under, as index.term_keys says."""
    from transflow.memory import index, normalize

    return {(term, u.source) for u in units for term in index.term_keys(u.source_lang, u.target_lang, normalize(u.source))}


def test_an_import_larger_than_the_tm_builds_the_postings_index_after_its_rows(server_tm):
    """The first load of an archive files its postings without the (term, unit) index and builds it afterwards
    (twice as fast as inserting into it); an import smaller than the TM inserts into the index it has. Either way
    each new unit is filed under exactly its terms, and a refreshed unit is not filed twice."""
    url, admin = server_tm
    archive = [TMUnit("en", "vi", f"Archive story {n} about the trade talks in Hanoi.", f"Bài lưu trữ {n}.") for n in range(300)]
    nightly = [TMUnit("en", "vi", f"Nightly story {n} on rice exports.", f"Bài đêm {n}.") for n in range(20)]
    before = _postings_index(admin)
    with open_memory(url) as tm:
        assert tm.add(archive) == 300
        rebuilt = _postings_index(admin)
        assert rebuilt != before
        assert tm.add(nightly + archive[:5]) == 25
        assert _postings_index(admin) == rebuilt
        assert tm.fuzzy("en", "vi", "Archive story 7 about the trade talks in Saigon.", 75).unit.target == "Bài lưu trữ 7."
        assert tm.fuzzy("en", "vi", "Nightly story 3 on rice imports.", 75).unit.target == "Bài đêm 3."
    filed = admin.execute("SELECT p.term, u.source FROM tm_postings p JOIN tm_units u ON u.id = p.unit").fetchall()
    assert len(filed) == len(set(filed)) and set(filed) == _filed(archive + nightly)
    assert admin.execute(
        "SELECT indisprimary AND indisvalid AND indisunique FROM pg_index WHERE indrelid = 'tm_postings'::regclass"
    ).fetchall() == [(True,)]


def test_a_desk_role_that_does_not_own_the_tables_imports_into_the_index_it_has(server_tm):
    """Rebuilding the index needs the table's owner; a translator's role with rights on the tables only inserts."""
    url, admin = server_tm
    desk = os.environ.get("TRANSFLOW_TEST_PG_DESK", "")
    if not desk:
        if os.environ.get("CI") == "true":
            pytest.fail("CI must test a desk role: .ci/run creates one and sets TRANSFLOW_TEST_PG_DESK")
        pytest.skip("no desk role: set TRANSFLOW_TEST_PG_DESK=postgresql://desk-user@host/db (a role that owns nothing)")
    import psycopg

    schema = admin.execute("SELECT current_schema()").fetchone()[0]
    role = psycopg.conninfo.conninfo_to_dict(desk)["user"]
    admin.execute(f"GRANT USAGE ON SCHEMA {schema} TO {role}")
    admin.execute(f"GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA {schema} TO {role}")
    admin.execute(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA {schema} TO {role}")
    before = _postings_index(admin)
    units = [TMUnit("en", "vi", f"Desk story {n} was filed late.", f"Bài {n} nộp muộn.") for n in range(50)]
    with open_memory(desk + ("&" if "?" in desk else "?") + f"options=-csearch_path%3D{schema}") as tm:
        assert tm.add(units) == 50
        assert tm.fuzzy("en", "vi", "Desk story 4 was filed early.", 75).unit.target == "Bài 4 nộp muộn."
    assert _postings_index(admin) == before
    assert set(admin.execute("SELECT p.term, u.source FROM tm_postings p JOIN tm_units u ON u.id = p.unit").fetchall()) == _filed(units)


@pytest.fixture
def twin(location, tmp_path):
    """A second TM on the same backend as ``location``."""
    if location.startswith("postgresql"):
        yield from _server_schema()
    else:
        yield str(tmp_path / "twin.sqlite")


def test_a_bulk_import_answers_every_lookup_as_units_added_one_by_one(location, twin):
    """One ``add`` of many units (tm import's path: bulk COPY / executemany, postings built in bulk) finds exactly
    what adding them one at a time finds, exact and fuzzy, and each fuzzy answer is brute force's best."""
    import random

    from rapidfuzz import fuzz, process

    from transflow.memory import normalize

    rng = random.Random(11)
    words = "the minister said trade talks in Hanoi would resume next week after a long pause over tariffs and rice 2026 15.5%".split()
    sources = _corpus(rng, words, 600, " ")
    japanese = _corpus(rng, ["経済", "協力", "首相", "会談", "日本", "は", "を", "に", "した", "外相", "発表", "貿易"], 200, "")
    stamp = "2026-01-02T03:04:05Z"
    units = [TMUnit("en", "vi", s, f"V {s}", "human", "a.txt", created=stamp, updated=stamp) for s in sources]
    units += [TMUnit("ja", "en", s, f"E {s}", "machine", "b.txt", created=stamp, updated=stamp) for s in japanese]
    units += [
        TMUnit("en", "vi", "— …", "— …", created=stamp, updated=stamp),  # no term at all
        TMUnit("en", "vi", f"  {sources[0]}  ", "V again", "human", "c.txt", created=stamp, updated=stamp),  # same source, another target
        TMUnit("en", "vi", sources[1], f"V {sources[1]}", "human", "refreshed.txt", created=stamp, updated=stamp),  # the last given wins
    ]
    with open_memory(location) as bulk, open_memory(twin) as single:
        assert bulk.add(units) == len(units) - 1
        for unit in units:
            single.add([unit])
        assert bulk.stats() == single.stats() == [("en", "vi", 602, 602, 0), ("ja", "en", 200, 0, 200)]
        assert list(bulk.export("en", "vi")) == list(single.export("en", "vi"))
        assert list(bulk.export("ja", "en")) == list(single.export("ja", "en"))

        def answer(match):
            return match and (match.unit.source, match.unit.target, match.unit.article, match.score)

        for lang, target, corpus, joiner in (("en", "vi", sources, " "), ("ja", "en", japanese, "")):
            norms = [normalize(s) for s in corpus]
            for source in rng.sample(corpus, 60):
                assert answer(bulk.exact(lang, target, source)) == answer(single.exact(lang, target, source))
                assert bulk.exact(lang, target, source).score == 100
                pieces = list(source) if lang == "ja" else source.split()
                pieces[rng.randrange(len(pieces))] = rng.choice(words)
                query = joiner.join(pieces)
                found = bulk.fuzzy(lang, target, query, 75)
                assert answer(found) == answer(single.fuzzy(lang, target, query, 75))
                brute = process.extractOne(normalize(query), norms, scorer=fuzz.ratio, score_cutoff=75)
                assert (found.score if found else None) == (int(brute[1]) if brute else None)
        assert answer(bulk.exact("en", "vi", "— …")) == ("— …", "— …", "", 100)
        assert bulk.exact("en", "vi", sources[1]).unit.article == "refreshed.txt"


def test_an_article_looked_up_at_once_gets_each_sentence_s_own_answer_in_three_round_trips(location):
    """``suggest_many`` (what translate asks for a whole article) answers every sentence as ``suggest`` does
    alone, and costs a server one round trip for the exact matches, one for term counts, one for candidates."""
    import random

    from transflow.leverage import suggest_many
    from transflow.memory import Query

    rng = random.Random(5)
    words = "the minister said trade talks in Hanoi would resume next week after a long pause over tariffs and rice exports".split()
    sources = _corpus(rng, words, 400, " ")
    with open_memory(location) as tm:
        tm.add([TMUnit("en", "vi", s, f"V {s}", "human", "a.txt") for s in sources])
        tm.add([TMUnit("en", "vi", sources[0], "V in context", "human", "b.txt", prev="Before.", next="After.")])
        queries = [Query(s) for s in sources[:10]]  # exact repeats
        queries += [Query(s.replace(s.split()[2], "Ottawa", 1)) for s in sources[10:25]]  # one word changed
        queries += [Query("Nothing like any unit stored here at all, really."), Query(sources[0], "Before.", "After.")]
        alone = [suggest(tm, "en", "vi", q.text, q.prev, q.next, 75, None) for q in queries]
        if location.startswith("postgresql"):
            trips = []
            run = tm._run
            tm._run = lambda work: trips.append(work) or run(work)
        together = suggest_many(tm, "en", "vi", queries, 75, None)
    assert together == alone
    assert sum(s is not None and not s.fuzzy for s in together) == 11 and sum(s is not None and s.fuzzy for s in together) >= 14
    assert together[-1].detail.startswith("100 % in context") and together[0].detail.startswith("100 %, ")
    if location.startswith("postgresql"):
        assert len(trips) == 3


def test_a_long_unit_is_filed_under_half_its_word_pairs_and_found_with_three_words_edited(memory):
    """Winnowing: past 16 words a unit keeps the smallest key of every three adjacent word pairs and no single
    word, so its postings shrink fourfold while any run of four unedited words still leads a lookup to it."""
    import random

    from rapidfuzz import fuzz, process

    from transflow.memory import index, normalize

    rng = random.Random(3)
    words = [f"w{i}" for i in range(3000)]
    sources = list(dict.fromkeys(" ".join(rng.choices(words, k=rng.randint(30, 60))) for _ in range(400)))
    for source in sources[:50]:
        pairs = len(source.split()) - 1
        assert pairs / 3 <= len(index.term_keys("en", "vi", normalize(source))) <= 2 * pairs / 3
    short = "the minister said trade talks would resume next week"
    assert len(index.term_keys("en", "vi", short)) == 2 * len(short.split()) - 1  # every word and pair: 9 + 8
    memory.add([TMUnit("en", "vi", s, f"V {s}") for s in sources])
    for source in rng.sample(sources, 60):
        pieces = source.split()
        for at in rng.sample(range(len(pieces)), 3):
            pieces[at] = rng.choice(words)
        query = " ".join(pieces)
        brute = process.extractOne(query, sources, scorer=fuzz.ratio, score_cutoff=75)
        found = memory.fuzzy("en", "vi", query, 75)
        assert (found.score if found else None) == (int(brute[1]) if brute else None)


def test_an_import_chunk_files_each_sentence_under_exactly_its_own_terms():
    """``filed_keys`` (numpy, a whole chunk at once) files every sentence under the same keys as ``term_keys``
    (one sentence, what a lookup asks with): short and long, spaced and Japanese, wordless, one word, mixed."""
    import random

    from transflow.memory import index, normalize

    rng = random.Random(9)
    words = "the minister said trade talks in Hanoi would resume Bộ trưởng Ngoại giao nói rằng đàm phán ΣΟΦΟΣ 2026 15,5%".split()
    norms = [normalize(" ".join(rng.choices(words, k=rng.randint(1, 60)))) for _ in range(300)]
    norms += ["", "— …", "One", "ASEAN と日本の首脳会議", "日本", "x 日本 y", "a a a a a a a a a a a a a a a a a a a a a a", "Σ σ ς"]
    rng.shuffle(norms)
    for source_lang, target_lang in (("en", "vi"), ("vi", "ja"), ("ja", "en")):
        filed = index.filed_keys(source_lang, target_lang, norms)
        assert len(filed) == len(norms)
        for norm, keys in zip(norms, filed):
            assert sorted(keys) == sorted(index.term_keys(source_lang, target_lang, norm)), norm
    assert index.filed_keys("en", "vi", []) == []
