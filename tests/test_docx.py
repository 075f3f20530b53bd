"""Word documents: a corpus made here part by part (conftest.make_docx), judged by python-docx and LibreOffice."""

import io
import re
import zipfile
from pathlib import Path

import docx as python_docx
import pytest
from lxml import etree

from conftest import DOCX_BODY, make_docx, msgfmt_check, soffice_text, xliff_schema
from transflow.build import build
from transflow.document import State, Unit
from transflow.errors import TransflowError
from transflow.formats import docx, output_file, parse_file
from transflow.segment import segments_of

# What a reviewer's translation does to the corpus: word for word, so the expected text is known exactly.
WORDS = {
    "Floods": "Lũ", "ferry": "phà", "Monday": "thứ Hai", "commission": "ủy ban", "Roads": "Đường", "Schools": "Trường",
    "map": "bản đồ", "open": "mở", "page": "trang", "River": "Sông", "Twelve": "Mười hai", "Source": "Nguồn",
    "Mekong": "Mê Kông", "Jerry": "Jerry Chuột", "rain": "mưa",
}


def reword(text: str) -> str:
    return re.sub(r"\b(" + "|".join(WORDS) + r")\b", lambda m: WORDS[m.group(1)], text)


def built_bytes(doc, units, target="vi") -> bytes:
    return output_file(doc, build(doc, units, "en", target).text, target)


def reviewed(doc) -> dict[str, Unit]:
    return {seg.text: Unit(seg.text, reword(seg.text), State.REVIEWED) for seg in segments_of(doc, "en")}


@pytest.fixture
def corpus(tmp_path) -> Path:
    return make_docx(tmp_path / "flood.docx")


def test_blocks_are_what_a_translator_should_see(corpus):
    blocks = [(block.kind, block.text) for block in parse_file(corpus).blocks]
    assert blocks == [
        ("heading 1", "Floods close the Mekong ferry"),
        ("paragraph", "The ferry at <b1>Can Tho</b1> stopped on Monday.<fn2/><cm3/> Officials said more rain is due.<cm4/><c5/>"),
        ("paragraph", "The commission met on Tuesday."),  # one word, though Word split it in two runs
        ("paragraph", "Water rose fast. <b1>Roads closed. Schools</b1> stayed open."),
        ("paragraph", "See <a1>the map</a1> for roads that are <i2>open</i2>."),
        ("paragraph", "Printed on page <fld1>1</fld1> of the river report."),
        ("table cell", "River level"), ("table cell", "Four metres"), ("table cell", "Ferries stopped"), ("table cell", "Twelve"),
        ("paragraph", "Tom & Jerry left <early>."),
        ("paragraph", "<img1/> The ferry landing under water (Photo: VNA)"),
        ("picture description", "A flooded ferry landing"),
        ("header", "Mekong Daily News"),
        ("footnote", "<fn1/> Source: the provincial flood office."),
        ("comment", "Check the river level."),
    ]


def test_picture_alt_text_is_a_block_of_its_own(corpus):
    pictures = [inner.block for block in parse_file(corpus).blocks for inner in block.inner]
    assert [(b.kind, b.text) for b in pictures] == [("picture description", "A flooded ferry landing")]


def test_bold_across_a_sentence_keeps_its_sentences_in_one_segment(corpus):
    texts = [seg.text for seg in segments_of(parse_file(corpus), "en")]
    assert "Water rose fast." in texts and "<b1>Roads closed. Schools</b1> stayed open." in texts


def test_a_note_mark_after_a_full_stop_ends_its_sentence(corpus):
    texts = [seg.text for seg in segments_of(parse_file(corpus), "en")]
    assert "The ferry at <b1>Can Tho</b1> stopped on Monday.<fn2/><cm3/>" in texts
    assert "Officials said more rain is due.<cm4/><c5/>" in texts


def test_identity_render_gives_back_every_member_byte_for_byte(corpus):
    doc = parse_file(corpus)
    same = output_file(doc, doc.render(lambda block: block.text), "en")
    with zipfile.ZipFile(corpus) as before, zipfile.ZipFile(io.BytesIO(same)) as after:
        assert [i.filename for i in after.infolist()] == [i.filename for i in before.infolist()]
        for name in before.namelist():
            if name != "word/styles.xml":
                assert after.read(name) == before.read(name), name


def test_untranslated_build_keeps_text_relationships_and_media_and_sets_the_language(corpus):
    doc = parse_file(corpus)
    built = built_bytes(doc, {})
    with zipfile.ZipFile(corpus) as before, zipfile.ZipFile(io.BytesIO(built)) as after:
        for name in before.namelist():
            if name != "word/styles.xml":
                assert after.read(name) == before.read(name), name
        assert '<w:lang w:val="vi-VN" w:eastAsia="en-US"' in after.read("word/styles.xml").decode()


def test_every_rebuilt_paragraph_says_what_its_source_says(corpus):
    """Each paragraph rewritten from its own codes (as a translation is) has the source's text and formatting."""
    doc = parse_file(corpus)
    rebuilt = output_file(doc, doc.render(lambda block: block.text + " " if block.rebuild else block.text), "en")
    path = corpus.with_name("rebuilt.docx")
    path.write_bytes(rebuilt)
    source, copy = python_docx.Document(str(corpus)), python_docx.Document(str(path))
    for old, new in zip(source.paragraphs, copy.paragraphs):
        assert new.text.rstrip() == old.text
        assert [r.text for r in new.runs if r.bold] == [r.text for r in old.runs if r.bold]
        assert [r.text for r in new.runs if r.italic] == [r.text for r in old.runs if r.italic]
    links = [h.url for p in copy.paragraphs for h in p.hyperlinks]
    assert links == ["https://example.com/map"]


def test_translation_written_into_runs_with_its_formatting(corpus, tmp_path):
    doc = parse_file(corpus)
    path = tmp_path / "vi.docx"
    path.write_bytes(built_bytes(doc, reviewed(doc)))
    document = python_docx.Document(str(path))
    second = document.paragraphs[1]
    assert second.text == "The phà at Can Tho stopped on thứ Hai. Officials said more mưa is due."
    assert [r.text for r in second.runs if r.bold] == ["Can Tho"]
    assert [r.text for r in document.paragraphs[3].runs if r.bold] == ["Đường closed. Trường"]
    assert document.paragraphs[4].hyperlinks[0].text == "the bản đồ"
    xml = zipfile.ZipFile(path).read("word/document.xml").decode()
    assert "<w:proofErr" not in xml.split("The ủy ban")[0][-200:]
    assert "Tom &amp; Jerry Chuột left &lt;early&gt;." in xml
    assert '<a:blip r:embed="rIdImage"/>' in xml and "The phà landing under water" in xml
    assert 'descr="A flooded phà landing"' in xml
    footnotes = zipfile.ZipFile(path).read("word/footnotes.xml").decode()
    assert "Nguồn: the provincial flood office." in footnotes and '<w:footnoteRef/>' in footnotes


def test_libreoffice_shows_the_expected_translation(corpus, tmp_path):
    doc = parse_file(corpus)
    path = tmp_path / "built" / "flood.docx"
    path.parent.mkdir()
    path.write_bytes(built_bytes(doc, reviewed(doc)))
    expected = reword(soffice_text(corpus, tmp_path / "source"))
    assert soffice_text(path, tmp_path / "target") == expected
    assert "ủy ban" in expected and "Mười hai" in expected


@pytest.mark.parametrize(
    "target",
    [
        "The ferry at <b1>Can Tho stopped on Monday.<fn2/><cm3/> Officials said more rain is due.<cm4/><c5/>",  # a closing code lost
        "</b1>The ferry at Can Tho<b1> stopped on Monday.<fn2/><cm3/> Officials said more rain is due.<cm4/><c5/>",  # turned around
    ],
)
def test_damaged_codes_still_make_well_formed_word_xml(corpus, target):
    doc = parse_file(corpus)
    block = doc.blocks[1]
    etree.fromstring(f'<w:p xmlns:w="{docx.W}" xmlns:r="{docx.R}">{block.rebuild(target)}</w:p>'.encode())


def test_markup_a_translator_adds_is_refused(corpus):
    doc = parse_file(corpus)
    unit = Unit("The commission met on Tuesday.", '</w:t></w:r><w:r><w:t>x', State.REVIEWED)
    with pytest.raises(TransflowError, match="markup"):
        build(doc, {unit.source: unit}, "en", "vi")


def test_tracked_changes_are_refused(tmp_path):
    body = '<w:p><w:ins w:id="1" w:author="A"><w:r><w:t>New text.</w:t></w:r></w:ins></w:p>'
    with pytest.raises(TransflowError, match="tracked changes; accept or reject them in Word"):
        parse_file(make_docx(tmp_path / "tracked.docx", body))


def _zip(path: Path, members: dict[str, bytes], method=zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


@pytest.mark.parametrize(
    "members, message",
    [
        ({"a.txt": b"x"}, "not a Word document"),
        ({"../evil.xml": b"x"}, "unsafe member name"),
        ({"bomb.xml": b"\0" * (4 << 20)}, "zip bomb"),
    ],
)
def test_hostile_archives_are_refused_in_one_line(tmp_path, members, message):
    path = _zip(tmp_path / "bad.docx", members)
    with pytest.raises(TransflowError, match=message) as err:
        parse_file(path)
    assert "\n" not in str(err.value) and "Word" in str(err.value)


def test_not_a_zip_and_entities_are_refused(tmp_path, corpus):
    path = tmp_path / "text.docx"
    path.write_text("hello", encoding="utf-8")
    with pytest.raises(TransflowError, match="not a Word document"):
        parse_file(path)
    with zipfile.ZipFile(corpus) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    members["word/document.xml"] = members["word/document.xml"].replace(
        b"<w:document", b'<!DOCTYPE w:document [<!ENTITY lol "lol">]><w:document', 1
    )
    with pytest.raises(TransflowError, match="entities"):
        parse_file(_zip(tmp_path / "entities.docx", members))


def test_docx_through_translate_po_xliff_status_and_build(project, cli, installed_models):
    make_docx(Path("flood.docx"))
    result = cli("translate", "flood.docx", "--to", "vi", "--format", "po,xliff")
    assert result.code == 0, result.stderr
    po = Path("locales/vi/flood.po").read_text(encoding="utf-8")
    assert "#. block: heading 1" in po and "#. block: footnote" in po and "<b1>Can Tho</b1>" in po
    assert msgfmt_check(Path("locales/vi/flood.po")).returncode == 0
    xsd = xliff_schema("1.2")
    assert xsd.validate(etree.parse("locales/vi/flood.xlf")), xsd.error_log
    assert cli("status").code == 0
    built = cli("build", "flood.docx", "--lang", "vi", "--include-fuzzy")
    assert built.code == 0, built.stderr
    document = python_docx.Document("localized/vi/flood.docx")
    assert document.paragraphs[0].text and len(document.tables) == 1


def test_a_mixed_inbox_goes_through_batch_and_build(project, cli, installed_models):
    import json
    import shutil

    inbox = Path("inbox")
    inbox.mkdir()
    for name in ("asean-japan.txt", "mekong-summit.md", "asean-cybersecurity.html"):
        shutil.copy(Path("sample_articles") / name, inbox / name)
    item = {"uri": "urn:example:flood", "language": "en", "headlines": [{"value": "Floods close the Mekong ferry"}],
            "bodies": [{"contentType": "text/html", "value": "<p>The ferry at <b>Can Tho</b> stopped on Monday.</p>"}]}
    (inbox / "flood.json").write_text(json.dumps(item, indent=2), encoding="utf-8")
    make_docx(inbox / "flood-report.docx")
    result = cli("batch", "inbox", "--to", "vi", "--report", "report.json")
    assert result.code == 0, result.stderr
    report = json.loads(Path("report.json").read_text(encoding="utf-8"))
    assert sorted(r["article"] for r in report if r["status"] == "translated") == sorted(f"inbox/{p.name}" for p in inbox.iterdir())
    for article in inbox.iterdir():
        built = cli("build", article, "--lang", "vi", "--include-fuzzy")
        assert built.code == 0, built.stderr
    assert json.loads(Path("localized/vi/flood.json").read_text(encoding="utf-8"))["language"] == "vi"
    assert len(python_docx.Document("localized/vi/flood-report.docx").tables) == 1


def test_an_edited_document_keeps_the_reviewed_sentences(project, cli, installed_models):
    import polib

    make_docx(Path("flood.docx"))
    cli("translate", "flood.docx", "--to", "vi")
    po = polib.pofile("locales/vi/flood.po")
    kept, changed = po.find("Water rose fast."), po.find("The commission met on Tuesday.")
    kept.msgstr, kept.flags = "Nước lên nhanh.", []
    changed.msgstr, changed.flags = "Ủy ban họp vào thứ Ba.", []
    po.save()
    make_docx(Path("flood.docx"), DOCX_BODY.replace("sion met on Tuesday.", "sion met again on Tuesday."))
    result = cli("translate", "flood.docx", "--to", "vi")
    assert result.code == 0 and "1 revised" in result.stdout, result.stdout + result.stderr
    po = polib.pofile("locales/vi/flood.po")
    assert po.find("Water rose fast.").msgstr == "Nước lên nhanh." and not po.find("Water rose fast.").fuzzy
    revised = po.find("The commission met again on Tuesday.")
    assert revised.fuzzy and revised.msgstr == "Ủy ban họp vào thứ Ba."


def test_xliff2_of_a_document_and_a_ninjs_item_validates(project, cli):
    import shutil

    make_docx(Path("flood.docx"))
    shutil.copy(Path(__file__).parent / "standards/ninjs/examples/3.1/005_complex_text_article.json", "item.json")
    assert cli("translate", "flood.docx", "item.json", "--to", "ja", "--engine", "none", "--format", "xliff2").code == 0
    xsd = xliff_schema("2.0")
    for name in ("flood", "item"):
        assert xsd.validate(etree.parse(f"locales/ja/{name}.xlf")), xsd.error_log
    assert '<pc id="1" dataRefStart="d0" dataRefEnd="d25">Roads closed. Schools</pc>' in Path("locales/ja/flood.xlf").read_text(encoding="utf-8")


def test_a_document_changed_between_reading_and_writing_is_not_built(corpus):
    doc = parse_file(corpus)
    make_docx(corpus, DOCX_BODY.replace("Monday", "Tuesday"))
    with pytest.raises(TransflowError, match="changed while it was being built"):
        built_bytes(doc, {})


def test_wordprocessingml_under_another_prefix_is_refused_not_written_broken(tmp_path, corpus):
    with zipfile.ZipFile(corpus) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    members["word/document.xml"] = members["word/document.xml"].replace(b"w:", b"ns0:").replace(b"xmlns:w=", b"xmlns:ns0=")
    with pytest.raises(TransflowError, match="usual w: prefix"):
        parse_file(_zip(tmp_path / "prefix.docx", members))
