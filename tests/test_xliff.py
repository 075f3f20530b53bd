"""XLIFF 1.2 and 2.0: valid against the OASIS schemas, read by translate-toolkit, lossless round trips."""

from pathlib import Path

import polib
import pytest
from lxml import etree

from conftest import SCHEMAS
from transflow.document import State
from transflow.errors import TransflowError
from transflow.exchange import read as read_catalog, xliff

LANGS = {"asean-japan.txt": "en", "mekong-summit.md": "en", "hoi-nghi-asean.txt": "vi", "asean-nihon.txt": "ja"}
NEWSROOM = Path(__file__).resolve().parent.parent / "glossaries" / "newsroom.csv"


def schema(version: str) -> etree.XMLSchema:
    path = SCHEMAS / ("xliff12/xliff-core-1.2-strict.xsd" if version == "1.2" else "xliff20/xliff_core_2.0.xsd")
    return etree.XMLSchema(etree.parse(str(path)))


@pytest.mark.parametrize("fmt,version", [("xliff", "1.2"), ("xliff2", "2.0")])
@pytest.mark.parametrize("name", sorted(LANGS))
def test_every_sample_validates_against_the_oasis_schema(name, fmt, version, project, cli, installed_models):
    xsd = schema(version)
    source = LANGS[name]
    target = "ja" if source != "ja" else "vi"
    result = cli("translate", f"sample_articles/{name}", "--from", source, "--to", target, "--format", fmt, "--glossary", NEWSROOM)
    assert result.code == 0, result.stderr
    path = Path("locales") / target / f"{Path(name).stem}.xlf"
    assert xsd.validate(etree.parse(str(path))), xsd.error_log
    assert not (Path("locales") / target / f"{Path(name).stem}.po").exists()


def test_translate_toolkit_sees_the_same_units(project, cli, installed_models):
    from translate.storage import factory

    cli("translate", "sample_articles/mekong-summit.md", "--to", "vi", "--format", "po,xliff")
    ours = polib.pofile("locales/vi/mekong-summit.po")
    store = factory.getobject("locales/vi/mekong-summit.xlf")
    units = [u for u in store.units if not u.isheader()]
    catalog, _ = xliff.read(Path("locales/vi/mekong-summit.xlf"))
    plain = [_without_codes(unit.source, unit.codes) for unit in catalog.units]
    assert [" ".join(u.source.split()) for u in units] == plain  # translate-toolkit keeps codes as placeables
    assert [" ".join(u.target.split()) for u in units] == [_without_codes(e.msgstr, unit.codes, unit.source) for e, unit in zip(ours, catalog.units)]
    assert [e.msgid for e in ours] == [unit.source for unit in catalog.units]
    coded = next(u for u, unit in zip(units, catalog.units) if unit.codes)
    assert [type(p).__name__ for p in coded.rich_source[0].sub].count("X") == len(next(unit for unit in catalog.units if unit.codes).codes)
    assert all(u.isfuzzy() for u in units) and len(units) == len(ours)
    assert units[0].getlocations() == [f"{path}:{line}" for path, line in ours[0].occurrences]


def _without_codes(text: str, codes, source: str | None = None) -> str:
    """The text as translate-toolkit shows it: codes as placeables (not text), whitespace folded."""
    for raw in sorted({(source or text)[c.start : c.end] for c in codes}, key=len, reverse=True):
        text = text.replace(raw, "")
    return " ".join(text.split())


def test_inline_codes_become_xliff_inline_elements(project, cli, installed_models):
    cli("translate", "sample_articles/mekong-summit.md", "--to", "vi", "--format", "xliff")
    root = etree.parse("locales/vi/mekong-summit.xlf").getroot()
    ns = {"x": xliff.XLIFF12}
    link = next(s for s in root.iterfind(".//x:source", ns) if "Strategy" in "".join(s.itertext()))
    tags = [(etree.QName(e).localname, e.get("ctype"), e.get("id")) for e in link]
    assert tags == [("x", "x-open", "1"), ("x", "x-close", "2")]
    unit = link.getparent()
    codes = unit.find("x:context-group[@purpose='x-inline-codes']", ns)
    assert [(c.get("context-type"), c.text) for c in codes] == [("x-code-1", "["), ("x-code-2", "](https://www.mofa.go.jp/region/asia-paci/mekong/index.html)")]
    assert "mofa.go.jp" not in (link.text or "") + "".join(e.tail or "" for e in link)


@pytest.mark.parametrize("version", ["1.2", "2.0"])
def test_po_xliff_po_round_trip_keeps_everything(version, project, cli, installed_models):
    cli("translate", "sample_articles/mekong-summit.md", "--to", "ja")
    original = polib.pofile("locales/ja/mekong-summit.po")
    original[0].msgstr, original[0].flags = "確認済みの訳", []
    original[1].msgctxt = "subtitle"
    original[1].tcomment = "ask the desk"
    original.save()
    assert cli("convert", "locales/ja/mekong-summit.po", "out.xlf", "--xliff-version", version).code == 0
    assert cli("convert", "out.xlf", "back.po").code == 0
    back = polib.pofile("back.po")
    fields = lambda e: (e.msgid, e.msgstr, e.fuzzy, e.msgctxt, e.occurrences, e.comment, e.tcomment)  # noqa: E731
    assert [fields(e) for e in back] == [fields(e) for e in polib.pofile("locales/ja/mekong-summit.po")]
    assert back.metadata["Language"] == "ja" and back.metadata["X-Source-Language"] == "en"


def test_states_on_import(tmp_path):
    path = tmp_path / "review.xlf"
    path.write_text(
        f"""<?xml version="1.0" encoding="UTF-8"?>
<xliff xmlns="{xliff.XLIFF12}" version="1.2"><file original="a.txt" datatype="plaintext" source-language="en" target-language="vi"><body>
<trans-unit id="1"><source>One.</source><target state="translated">Một.</target></trans-unit>
<trans-unit id="2"><source>Two.</source><target state="needs-review-translation">Hai.</target></trans-unit>
<trans-unit id="3"><source>Three.</source><target state="final">Ba.</target></trans-unit>
<trans-unit id="4" approved="yes"><source>Four.</source><target state="needs-review-translation">Bốn.</target></trans-unit>
<trans-unit id="5"><source>Five.</source><target state="signed-off">Năm.</target></trans-unit>
<trans-unit id="6"><source>Six.</source><target state="needs-translation"/></trans-unit>
</body></file></xliff>""",
        encoding="utf-8",
    )
    catalog, problems = xliff.read(path)
    assert [(u.source, u.reviewed, u.fuzzy) for u in catalog.units] == [
        ("One.", True, False),
        ("Two.", False, True),
        ("Three.", True, False),
        ("Four.", False, True),  # a client changed the state and left approved as it was: the state wins
        ("Five.", True, False),
        ("Six.", False, False),
    ]
    assert problems == []


def test_damaged_codes_are_reported_and_kept_out_of_the_build(project, cli, installed_models):
    cli("translate", "sample_articles/mekong-summit.md", "--to", "vi", "--format", "xliff")
    path = Path("locales/vi/mekong-summit.xlf")
    tree = etree.parse(str(path))
    ns = {"x": xliff.XLIFF12}
    for target in tree.iterfind(".//x:target", ns):
        target.set("state", "translated")
    damaged = next(u for u in tree.iterfind(".//x:trans-unit", ns) if "Strategy" in "".join(u.find("x:source", ns).itertext()))
    damaged_target = damaged.find("x:target", ns)
    damaged_target.remove(damaged_target[-1])  # the translator deleted the link's closing code
    tree.write(str(path), xml_declaration=True, encoding="UTF-8")
    result = cli("build", "sample_articles/mekong-summit.md", "--lang", "vi", "--from", path)
    assert result.code == 0, result.stderr
    assert f"unit {damaged.get('id')}: the inline codes of the translation do not match the source" in result.stderr
    assert "marked done, but its inline codes are damaged (fix the tags): The leaders adopted the [Tokyo Strategy 2026]" in result.stderr
    built = Path("localized/vi/mekong-summit.md").read_text(encoding="utf-8")
    assert "[Tokyo Strategy 2026](https://www.mofa.go.jp/region/asia-paci/mekong/index.html)" in built


def test_build_from_xliff2(project, cli, installed_models):
    cli("translate", "sample_articles/asean-japan.txt", "--to", "vi", "--format", "po,xliff2")
    result = cli("build", "sample_articles/asean-japan.txt", "--lang", "vi", "--from", "locales/vi/asean-japan.xlf", "--include-fuzzy")
    assert result.code == 0, result.stderr
    from_xliff = Path("localized/vi/asean-japan.txt").read_text(encoding="utf-8")
    # The copy model copies the words, figures in the Vietnamese house style: the same article as from the PO file.
    assert "240,8 tỷ USD" in from_xliff and "Two-way trade reached" in from_xliff
    result = cli("build", "sample_articles/asean-japan.txt", "--lang", "vi", "--from", "locales/vi/asean-japan.po", "--include-fuzzy")
    assert result.code == 0, result.stderr
    assert Path("localized/vi/asean-japan.txt").read_text(encoding="utf-8") == from_xliff


def test_xliff_only_project_keeps_reviewed_and_obsolete_units(project, cli, installed_models):
    article = Path("sample_articles/asean-japan.txt")
    cli("translate", article, "--to", "vi", "--format", "xliff")
    path = Path("locales/vi/asean-japan.xlf")
    catalog, _ = xliff.read(path)
    reviewed = next(u for u in catalog.units if u.source == "Other news")
    reviewed.translate("Tin khác", State.REVIEWED)
    xliff.write(path, catalog, str(article))
    article.write_text(article.read_text(encoding="utf-8").replace("Other news", "More news"), encoding="utf-8")
    cli("translate", article, "--to", "vi", "--format", "xliff")
    again, _ = xliff.read(path)
    assert [(u.source, u.target) for u in again.obsolete] == [("Other news", "Tin khác")]
    schema("1.2").assertValid(etree.parse(str(path)))


def test_malicious_xliff_is_refused(project, cli):
    Path("bomb.xlf").write_text(
        '<?xml version="1.0"?><!DOCTYPE xliff [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        f'<xliff xmlns="{xliff.XLIFF12}" version="1.2"><file original="a" datatype="plaintext" source-language="en"><body>'
        "<trans-unit id='1'><source>&b;</source></trans-unit></body></file></xliff>"
    )
    result = cli("convert", "bomb.xlf", "out.po")
    assert result.code == 1 and "declares XML entities" in result.stderr
    assert not Path("out.po").exists()
    Path("xxe.xlf").write_text('<?xml version="1.0"?><!DOCTYPE x SYSTEM "http://example.invalid/x.dtd"><xliff/>')
    assert cli("convert", "xxe.xlf", "out.po").code == 1


def test_format_errors(project, cli):
    result = cli("translate", "sample_articles/asean-japan.txt", "--to", "vi", "--engine", "none", "--format", "docx")
    assert result.code == 2 and "unknown format" in result.stderr
    result = cli("translate", "sample_articles/asean-japan.txt", "--to", "vi", "--engine", "none", "--format", "xliff,xliff2")
    assert result.code == 2
    Path("notxliff.xlf").write_text("<root/>")
    assert cli("convert", "notxliff.xlf", "x.po").code == 1


def _xliff20(tmp_path, body: str, file: bool = True) -> Path:
    path = tmp_path / "a.xlf"
    inner = f'<file id="f1" original="a.txt">{body}</file>' if file else body
    path.write_text(f'<?xml version="1.0" encoding="UTF-8"?>\n<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en" trgLang="vi">{inner}</xliff>\n', encoding="utf-8")
    return path


@pytest.mark.parametrize("states, expected", [(("translated", "final"), State.REVIEWED), (("final", "final"), State.SIGNED_OFF), (("final", "initial"), State.DRAFT)])
def test_an_xliff2_unit_a_cat_tool_split_into_segments_reads_as_one_sentence(tmp_path, states, expected):
    first, second = states
    path = _xliff20(
        tmp_path,
        f'<unit id="u1"><segment id="s1" state="{first}"><source>The ministers met.</source><target>Các bộ trưởng đã gặp nhau.</target></segment>'
        '<ignorable><source> </source><target> </target></ignorable>'
        f'<segment id="s2" state="{second}"><source>They agreed.</source><target>Họ đã đồng ý.</target></segment></unit>',
    )
    catalog, problems = read_catalog(path)
    assert problems == [] and len(catalog.units) == 1
    unit = catalog.units[0]
    assert (unit.source, unit.target, unit.state) == ("The ministers met. They agreed.", "Các bộ trưởng đã gặp nhau. Họ đã đồng ý.", expected)


@pytest.mark.parametrize("state, substate, expected", [("translated", None, State.REVIEWED), ("reviewed", None, State.REVIEWED), ("final", None, State.SIGNED_OFF), ("initial", None, State.DRAFT), ("translated", "poedit:fuzzy", State.DRAFT)])
def test_xliff2_states_from_other_tools(tmp_path, state, substate, expected):
    sub = f' subState="{substate}"' if substate else ""
    path = _xliff20(tmp_path, f'<unit id="u1"><segment state="{state}"{sub}><source>Other news</source><target>Tin khác</target></segment></unit>')
    catalog, _ = read_catalog(path)
    assert [(u.source, u.target, u.state) for u in catalog.units] == [("Other news", "Tin khác", expected)]


def test_an_xliff2_file_without_a_file_element_is_one_line(tmp_path):
    path = _xliff20(tmp_path, "", file=False)
    with pytest.raises(TransflowError) as refused:
        read_catalog(path)
    assert "has no <file> element" in str(refused.value) and "\n" not in str(refused.value)
