"""The translation memory: learnt from builds, leveraged before MT, TMX in and out, safe to share."""

import multiprocessing
from pathlib import Path

import polib
import pytest
from lxml import etree

from conftest import SCHEMAS
from transflow.exchange import tmx
from transflow.glossary import load
from transflow.glossary.enforce import Enforcer
from transflow.leverage import suggest
from transflow.memory import Memory, TMUnit

NEWSROOM = Path(__file__).resolve().parent.parent / "glossaries" / "newsroom.csv"


def review(po_path: str, translations: dict[str, str]) -> None:
    po = polib.pofile(po_path)
    for source, target in translations.items():
        entry = po.find(source)
        entry.msgstr, entry.flags = target, []
    po.save()


def test_a_sentence_reviewed_in_one_article_is_an_exact_match_in_the_next(project, cli, installed_models):
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
    assert "TM 100 % (human, sample_articles/asean-japan.txt)" in east_sea.comment
    assert "TM 100 % in context" in po.find("Other news").comment  # after "– VNA" and last, in both articles
    assert po.find("Follow-up").fuzzy and "MT argos" in po.find("Follow-up").comment
    stats = cli("tm", "stats")
    assert "en" in stats.stdout and "vi" in stats.stdout


@pytest.fixture
def memory(tmp_path):
    with Memory(tmp_path / "tm.sqlite") as tm:
        yield tm


def test_one_changed_number_is_a_fuzzy_match_with_the_number_corrected(memory):
    memory.add([TMUnit("en", "vi", "Two-way trade reached 240.8 billion USD last year.", "Kim ngạch hai chiều đạt 240,8 tỷ USD năm ngoái.")])
    found = suggest(memory, "en", "vi", "Two-way trade reached 251.3 billion USD last year.", "", "", 75, None)
    assert found.fuzzy and found.score >= 90
    assert found.target == "Kim ngạch hai chiều đạt 251,3 tỷ USD năm ngoái."
    assert "TM: number 240.8 → 251.3 corrected" in found.notes
    assert found.notes[0].startswith("TM 9") and "240.8" in found.notes[0]


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


def test_tmx_export_import_round_trip_and_dtd(project, cli, tmp_path):
    units = [
        TMUnit("en", "vi", "Other news", "Tin khác", "human", "a.txt", "", "x", "2026-11-27T10:00:00Z", "2026-11-28T09:30:00Z"),
        TMUnit("en", "vi", 'A <b>bold</b> & "quoted" move.', "Một bước <b>táo bạo</b> & \"đáng chú ý\".", "human", "b.html"),
    ]
    with Memory(Path(".transflow/tm.sqlite")) as tm:
        tm.add(units)
    assert cli("tm", "export", "--from", "en", "--to", "vi", "out.tmx").code == 0
    dtd_path = SCHEMAS / "tmx" / "tmx14.dtd"
    if dtd_path.exists():
        dtd = etree.DTD(str(dtd_path))
        assert dtd.validate(etree.parse("out.tmx")), dtd.error_log
    back = tmx.read(Path("out.tmx"))
    assert [(u.source, u.target, u.origin, u.article, u.created, u.updated) for u in back] == [
        (u.source, u.target, u.origin, u.article, u.created or back[1].created, u.updated or back[1].updated) for u in units
    ]
    with Memory(tmp_path / "other.sqlite") as other:
        assert other.add(back) == 2
        assert other.exact("en", "vi", "Other news").unit.target == "Tin khác"
    from translate.storage import tmx as toolkit_tmx

    store = toolkit_tmx.tmxfile(open("out.tmx", "rb"))
    assert [(u.source, u.target) for u in store.units] == [(u.source, u.target) for u in units]


def test_po_and_xliff_imports_take_only_reviewed_units(project, cli, installed_models):
    cli("translate", "sample_articles/asean-japan.txt", "--to", "vi", "--format", "po,xliff")
    review("locales/vi/asean-japan.po", {"Other news": "Tin khác"})
    assert cli("convert", "locales/vi/asean-japan.po", "reviewed.xlf").code == 0
    result = cli("tm", "import", "locales/vi/asean-japan.po", "reviewed.xlf")
    assert result.code == 0 and result.stdout.count(": 1 translations imported") == 2
    with Memory(Path(".transflow/tm.sqlite")) as tm:
        assert tm.stats() == [("en", "vi", 1, 1, 0)]


def _writer(path: str, worker: int) -> None:
    with Memory(Path(path)) as tm:
        for batch in range(20):
            tm.add([TMUnit("en", "vi", f"Sentence {worker}-{batch}-{n}.", f"Câu {worker}-{batch}-{n}.") for n in range(10)])


def test_two_concurrent_writers_lose_nothing(tmp_path):
    path = str(tmp_path / "tm.sqlite")
    Memory(Path(path)).close()
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_writer, args=(path, n)) for n in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
        assert worker.exitcode == 0
    with Memory(Path(path)) as tm:
        assert tm.stats() == [("en", "vi", 400, 400, 0)]
        assert tm.fuzzy("en", "vi", "Sentence 1-19-9.", 99).unit.target == "Câu 1-19-9."


def test_malformed_tmx_is_refused(project, cli):
    Path("bad.tmx").write_text("<tmx><header/><body><tu>", encoding="utf-8")
    result = cli("tm", "import", "bad.tmx")
    assert result.code == 1 and "not well-formed XML" in result.stderr
