"""IPTC ninjs items: the IPTC's own examples and richer items of each version, judged by the IPTC's JSON Schemas."""

import json
import re
from pathlib import Path

import jsonschema
import pytest
from lxml import etree

from conftest import msgfmt_check, xliff_schema

from transflow.build import build
from transflow.document import State, Unit
from transflow.errors import TransflowError
from transflow.formats import html, ninjs, output_file as finish, parse_file
from transflow.segment import segments_of

STANDARD = Path(__file__).parent / "standards" / "ninjs"
EXAMPLES = sorted(STANDARD.glob("examples/*/*.json"))
SCHEMAS = {1: "1.6", 2: "2.2", 3: "3.1"}

# The members transflow translates, as paths with list indexes and association names wildcarded.
TRANSLATED = re.compile(
    r"^(?:(?:associations\.[^.]+\.)*)(?:"
    r"headlines\.\d+\.value|bodies\.\d+\.value|descriptions\.\d+\.value|by|located|language"
    r"|(?:people|places|organisations|subjects)\.\d+\.name"
    r"|headline|byline|body_\w+|description_\w+|(?:person|place|organisation|subject)\.\d+\.name)$"
)


def validate(item: dict, major: int) -> None:
    schema = json.loads((STANDARD / f"ninjs-schema_{SCHEMAS[major]}.json").read_text())
    jsonschema.validators.validator_for(schema)(schema).validate(item)


def leaves(value, path=()):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from leaves(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from leaves(item, (*path, str(i)))
    else:
        yield ".".join(path), value


def translate_all(path: Path, target: str = "vi") -> tuple[str, list[str]]:
    """Build *path* with every segment 'translated' to a marked copy; returns the file and the segments."""
    doc = parse_file(path)
    segments = segments_of(doc, "en")
    units = {seg.text: Unit(seg.text, f"⟦{seg.text}⟧", State.REVIEWED) for seg in segments}
    result = build(doc, units, "en", target)
    assert result.translated == result.total > 0
    return finish(doc, result.text, target), [seg.text for seg in segments]


RICH_3 = {
    "uri": "urn:newsml:example.com:20260105:flood",
    "standard": {"name": "ninjs", "version": "3.1", "schema": "http://www.iptc.org/std/ninjs/ninjs-schema_3.1.json"},
    "type": "text",
    "language": "en",
    "versionCreated": "2026-01-05T08:00:00Z",
    "headlines": [{"role": "main", "value": "Floods close the Mekong ferry"}, {"role": "sub", "value": "Officials expect the river to fall by Friday."}],
    "descriptions": [{"role": "summary", "contentType": "text/plain", "value": "Heavy rain raised the river by two metres."}],
    "by": "Lan Nguyen",
    "located": "Can Tho, Vietnam",
    "subjects": [{"name": "Flooding", "uri": "http://cv.iptc.org/newscodes/mediatopic/20000152"}],
    "people": [{"name": "Tran Van Minh", "rel": "mentions"}],
    "places": [{"name": "Can Tho"}],
    "organisations": [{"name": "Mekong River Commission"}],
    "bodies": [{"role": "main", "contentType": "text/html",
                "value": "<p>The ferry at <b>Can Tho</b> stopped on Monday.</p>\n<p>See <a href=\"https://example.com/map\">the map</a> for roads that are open. <img src=\"r.jpg\" alt=\"A flooded road\"> Officials said more rain is due.</p>"}],
    "renditions": [{"name": "print", "href": "https://example.com/flood.pdf", "contentType": "application/pdf"}],
    "associations": [
        {"name": "photo", "uri": "urn:newsml:example.com:20260105:flood-photo", "type": "picture", "language": "en",
         "headlines": [{"value": "The flooded ferry landing"}],
         "descriptions": [{"role": "caption", "value": "Water covers the ferry landing in Can Tho on Monday."},
                          {"role": "alt", "value": "A ferry landing under brown water"}],
         "by": "Hoa Le", "renditions": [{"name": "web", "href": "https://example.com/p.jpg", "width": 800, "height": 600}]},
        {"name": "quote", "uri": "urn:newsml:example.com:20260105:quote-fr", "language": "fr",
         "headlines": [{"value": "La crue ferme le bac du Mékong"}]},
    ],
}
RICH_1 = {
    "uri": "urn:newsml:example.com:20260105:flood",
    "type": "text",
    "language": "en",
    "versioncreated": "2026-01-05T08:00:00Z",
    "headline": "Floods close the Mekong ferry",
    "byline": "Lan Nguyen",
    "located": "Can Tho, Vietnam",
    "body_text": "The ferry at Can Tho stopped on Monday.\n\nOfficials said more rain is due.",
    "body_html": "<p>The ferry at <b>Can Tho</b> stopped on Monday.</p><p>Officials said more rain is due.</p>",
    "description_text": "Heavy rain raised the river by two metres.",
    "subject": [{"name": "Flooding", "code": "20000152"}],
    "person": [{"name": "Tran Van Minh"}],
    "slugline": "flood-mekong",
    "associations": {"photo": {"uri": "urn:newsml:example.com:photo", "type": "picture", "headline": "The flooded ferry landing",
                               "description_text": "Water covers the ferry landing in Can Tho on Monday."}},
}
RICH_2 = {
    "uri": "urn:newsml:example.com:20260105:flood",
    "type": "text",
    "language": "en",
    "versioncreated": "2026-01-05T08:00:00Z",
    "headlines": [{"role": "main", "value": "Floods close the Mekong ferry"}],
    "bodies": [{"role": "main", "contenttype": "text/plain", "value": "The ferry at Can Tho stopped on Monday.\nOfficials said more rain is due."}],
    "by": "Lan Nguyen",
    "organisations": [{"name": "Mekong River Commission"}],
}


@pytest.fixture(params=[(1, RICH_1), (2, RICH_2), (3, RICH_3)], ids=["1.6", "2.2", "3.1"])
def rich(request, tmp_path):
    major, item = request.param
    validate(item, major)
    path = tmp_path / f"rich-{major}.json"
    path.write_text(json.dumps(item, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return major, path


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_iptc_example_round_trips_and_its_build_validates(path):
    major = int(path.parent.name[0])
    source = json.loads(path.read_text())
    validate(source, major)
    doc = parse_file(path)
    assert doc.render(lambda block: block.text).encode() == path.read_bytes()
    untouched = json.loads(finish(doc, build(doc, {}, "en", "vi").text, "vi"))
    validate(untouched, major)
    assert untouched.pop("language") == "vi"
    link = untouched["associations"].pop()
    assert link["name"] == "translatedFrom" and link["uri"] == source["uri"]
    if not untouched["associations"]:
        del untouched["associations"]
    assert untouched == {k: v for k, v in source.items() if k != "language"}

    built, segments = translate_all(path)
    item = json.loads(built)
    validate(item, major)
    changed = {p for (p, value), (q, old) in zip(leaves(item), leaves(source)) if p == q and value != old}
    assert changed and all(TRANSLATED.match(p) for p in changed), changed
    assert all(p == "language" or "⟦" in dict(leaves(item))[p] for p in changed)


def test_rich_items_translate_exactly_the_listed_fields_and_validate(rich):
    major, path = rich
    source = json.loads(path.read_text())
    built, _ = translate_all(path)
    item = json.loads(built)
    validate(item, major)
    old = dict(leaves(source))
    new = dict(leaves(item))
    changed = {p for p in old if new.get(p) != old[p]}
    expected = {p for p, value in old.items() if TRANSLATED.match(p) and isinstance(value, str)}
    if major == 3:  # the French association is carried as it is, its language too
        expected = {p for p in expected if not p.startswith("associations.1.")}
    assert changed == expected
    assert item["language"] == "vi"
    if major == 1:
        assert item["associations"]["translatedfrom"] == {"uri": source["uri"], "language": "en"}
    else:
        assert item["associations"][-1] == {"name": "translatedFrom", "uri": source["uri"], "language": "en",
                                            **({"rel": "irel:translatedFrom"} if major == 3 else {})}


def test_block_kinds_name_field_and_role():
    path = STANDARD / "examples/3.1/005_complex_text_article.json"
    kinds = {block.kind for block in parse_file(path).blocks}
    assert {"headline (main)", "body (main)", "body (richtext) p", "byline", "dateline", "person name", "place name", "organisation name"} <= kinds


def test_html_body_has_the_inline_codes_the_html_format_gives(tmp_path):
    body = RICH_3["bodies"][0]["value"]
    path = tmp_path / "item.json"
    path.write_text(json.dumps(RICH_3, indent=1), encoding="utf-8")
    ninjs_blocks = [b for b in parse_file(path).blocks if b.kind.startswith("body")]
    html_blocks = html.parse(body).blocks
    assert [(b.text, b.codes) for b in ninjs_blocks] == [(b.text, b.codes) for b in html_blocks]
    assert any(inner.block.text == "A flooded road" for b in ninjs_blocks for inner in b.inner)


def test_translation_is_escaped_as_json_and_html_and_the_alt_text_is_translated(tmp_path):
    path = tmp_path / "item.json"
    path.write_text(json.dumps(RICH_3, indent=1), encoding="utf-8")
    doc = parse_file(path)
    units = {seg.text: Unit(seg.text, seg.text, State.REVIEWED) for seg in segments_of(doc, "en")}
    units["Floods close the Mekong ferry"] = Unit("Floods close the Mekong ferry", 'Lũ "đóng" phà \\ Mê Kông', State.REVIEWED)
    units["A flooded road"] = Unit("A flooded road", 'Đường "ngập" & <lụt>', State.REVIEWED)
    last = next(text for text in units if text.endswith("Officials said more rain is due."))
    units[last] = Unit(last, last.replace("Officials said more rain is due.", "Quan chức nói <sắp> mưa."), State.REVIEWED)
    item = json.loads(finish(doc, build(doc, units, "en", "vi").text, "vi"))
    assert item["headlines"][0]["value"] == 'Lũ "đóng" phà \\ Mê Kông'
    assert 'alt="Đường &quot;ngập&quot; &amp; &lt;lụt&gt;"' in item["bodies"][0]["value"]
    assert "Quan chức nói &lt;sắp&gt; mưa." in item["bodies"][0]["value"]
    validate(item, 3)


def test_source_escaping_is_kept_byte_for_byte_and_used_for_translations(tmp_path):
    path = tmp_path / "ascii.json"
    path.write_text(json.dumps(RICH_2 | {"by": "Lan Nguy\u1ec5n", "uri": "http://x.example/a/b"}).replace("/", "\\/"), encoding="ascii")
    doc = parse_file(path)
    assert doc.render(lambda block: block.text) == path.read_text()
    units = {"Floods close the Mekong ferry": Unit("Floods close the Mekong ferry", "Lũ đóng phà / Mê Kông", State.REVIEWED)}
    built = finish(doc, build(doc, units, "en", "vi").text, "vi")
    assert built.isascii() and "L\\u0169 \\u0111\\u00f3ng ph\\u00e0 \\/ M\\u00ea K\\u00f4ng" in built
    assert json.loads(built)["headlines"][0]["value"] == "Lũ đóng phà / Mê Kông"


def test_a_markup_translation_of_an_html_body_is_refused(tmp_path):
    path = tmp_path / "item.json"
    path.write_text(json.dumps(RICH_3), encoding="utf-8")
    doc = parse_file(path)
    last = next(seg.text for seg in segments_of(doc, "en") if seg.text.endswith("Officials said more rain is due."))
    units = {last: Unit(last, "<script>x</script>", State.REVIEWED)}
    with pytest.raises(TransflowError, match="markup"):
        build(doc, units, "en", "vi")


def test_item_without_language_gets_one(tmp_path):
    path = tmp_path / "item.json"
    path.write_text(json.dumps({k: v for k, v in RICH_2.items() if k != "language"}, indent=2), encoding="utf-8")
    item = json.loads(finish(parse_file(path), parse_file(path).source(), "ja"))
    assert item["language"] == "ja"
    validate(item, 2)


@pytest.mark.parametrize(
    "content, message",
    [
        ("[" + json.dumps(RICH_2) + "," + json.dumps(RICH_2) + "]", "array of 2 items.*one file each"),
        ('{"name": "config"}', "not an IPTC ninjs item"),
        ('{"uri": "u", "headline": "a", "headline": "b"}', "'headline' appears twice"),
        ('{"uri": "u", "headline": NaN}', "not valid JSON"),
        ('{"uri": "u", "headline": "a",}', "not valid JSON"),
        ('{"uri": "u", "x": ' + "[" * 100 + "]" * 100 + "}", "nested deeper than 64"),
        ('{"uri": "u", "headline": "unterminated}', "not valid JSON"),
    ],
)
def test_what_is_not_one_ninjs_item_is_refused_in_one_line(tmp_path, content, message):
    path = tmp_path / "item.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(TransflowError, match=message) as err:
        parse_file(path)
    assert str(err.value).startswith(f"{path}:") and "\n" not in str(err.value)


def test_a_body_in_another_language_than_the_item_is_refused(tmp_path):
    item = RICH_2 | {"bodies": [{"value": "Phà Cần Thơ đã ngừng hoạt động vào thứ Hai vì nước sông dâng cao bất thường."}]}
    path = tmp_path / "item.json"
    path.write_text(json.dumps(item, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(TransflowError, match="body 1 is written in vi but the item's language is en"):
        parse_file(path)


def test_oversized_json_is_refused_before_parsing(tmp_path, monkeypatch):
    monkeypatch.setattr(ninjs.jsontext, "MAX_CHARS", 1000)
    path = tmp_path / "item.json"
    path.write_text(json.dumps(RICH_3), encoding="utf-8")
    with pytest.raises(TransflowError, match="larger than"):
        parse_file(path)


def test_ninjs_through_translate_po_xliff_and_build(project, cli, installed_models):
    Path("wire").mkdir()
    Path("wire/flood.json").write_text(json.dumps(RICH_3, indent=2, ensure_ascii=False), encoding="utf-8")
    result = cli("translate", "wire/flood.json", "--to", "vi", "--format", "po,xliff")
    assert result.code == 0, result.stderr
    po = Path("locales/vi/flood.po").read_text(encoding="utf-8")
    assert "#. block: headline (main)" in po and "#. block: photo: description (caption)" in po and 'msgid "Tran Van Minh"' in po
    assert "La crue" not in po
    assert msgfmt_check(Path("locales/vi/flood.po")).returncode == 0
    xsd = xliff_schema("1.2")
    assert xsd.validate(etree.parse("locales/vi/flood.xlf")), xsd.error_log
    built = cli("build", "wire/flood.json", "--lang", "vi", "--include-fuzzy")
    assert built.code == 0, built.stderr
    item = json.loads(Path("localized/vi/flood.json").read_text(encoding="utf-8"))
    validate(item, 3)
    assert item["language"] == "vi" and item["associations"][-1]["rel"] == "irel:translatedFrom"


def test_names_reach_the_glossary_as_terms(project, cli, installed_models):
    import polib

    Path("terms.csv").write_text(
        "en,vi,ja,type,note,dnt,case_sensitive\nCan Tho,Cần Thơ,カントー,place,,,\nMekong River Commission,Ủy hội sông Mê Kông,メコン川委員会,organisation,,,\n",
        encoding="utf-8",
    )
    Path("flood.json").write_text(json.dumps(RICH_3, indent=2, ensure_ascii=False), encoding="utf-8")
    assert cli("translate", "flood.json", "--to", "vi", "--glossary", "terms.csv").code == 0
    po = polib.pofile("locales/vi/flood.po")
    assert po.find("Can Tho").msgstr == "Cần Thơ" and po.find("Mekong River Commission").msgstr == "Ủy hội sông Mê Kông"
    assert "#. block: place name" in Path("locales/vi/flood.po").read_text(encoding="utf-8")


def test_a_new_version_of_an_item_keeps_the_reviewed_sentences(project, cli, installed_models):
    import polib

    Path("flood.json").write_text(json.dumps(RICH_3, indent=2, ensure_ascii=False), encoding="utf-8")
    cli("translate", "flood.json", "--to", "vi")
    po = polib.pofile("locales/vi/flood.po")
    kept, changed = po.find("Lan Nguyen"), po.find("Floods close the Mekong ferry")
    kept.msgstr, kept.flags = "Lan Nguyễn", []
    changed.msgstr, changed.flags = "Lũ làm ngừng phà sông Mê Kông", []
    po.save()
    newer = RICH_3 | {"version": "2", "versionCreated": "2026-01-05T10:00:00Z",
                      "headlines": [{"role": "main", "value": "Floods close the Mekong ferries"}, *RICH_3["headlines"][1:]]}
    Path("flood.json").write_text(json.dumps(newer, indent=2, ensure_ascii=False), encoding="utf-8")
    result = cli("translate", "flood.json", "--to", "vi")
    assert result.code == 0 and "1 revised" in result.stdout, result.stdout + result.stderr
    po = polib.pofile("locales/vi/flood.po")
    assert po.find("Lan Nguyen").msgstr == "Lan Nguyễn" and not po.find("Lan Nguyen").fuzzy
    revised = po.find("Floods close the Mekong ferries")
    assert revised.fuzzy and revised.msgstr == "Lũ làm ngừng phà sông Mê Kông"
