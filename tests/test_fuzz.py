"""Fuzzing the readers of everything transflow takes from outside: a result or a one-line error.

Articles (plain text, Markdown, HTML) and the exchange and glossary files
(PO, XLIFF 1.2/2.0, TMX, TBX, CSV) are built from fragments of their own
syntax, hostile characters included, so that most inputs get past the first
check and reach the deeper code. Every input must end in a parsed result (an
article whose identity rendering is byte-exact) or a TransflowError of one
line: never another exception. Bounded: a modest number of examples each,
no deadline (the machine is shared).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from transflow.errors import TransflowError
from transflow.formats import parse_file
from transflow.segment import rejoin, segments_of

FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
HOSTILE = ["\u2028", "\u2029", "\u0085", "\x0c", "\x0b", "\x1c", "\x7f", "\ufeff", "\u200b", "\t", "\r", "\r\n", "\u3000", "\U0001f600", "̀"]
WORDS = ["Minister", "Mr.", "said", "Hà Nội", "東京", "会議。", "là", "ASEAN", "2026", "e.g.", "www.vna.vn", "a@b.vn", "…", "「", "」"]


def fragments(syntax: list[str]) -> st.SearchStrategy[str]:
    pieces = st.sampled_from(syntax + HOSTILE + WORDS + [" ", "\n", "\n\n"]) | st.text(max_size=6)
    return st.lists(pieces, max_size=60).map("".join)


MARKDOWN = [
    "# ", "## ", "Title\n===\n", "---\n", "title: ", "summary: >\n  ", "- ", "1. ", "> ", "    code\n", "```\n", "~~~",
    "*", "**", "_", "`", "[", "](", ")", "![", "<https://x.vn>", "<b>", "</b>", "<!-- c -->", "&amp;", "&#x41;", "\\",
    "| a | b |\n", "|---|---|\n", "| ", " |", "\\|", "  \n", "<div>\n", "</div>\n", "[ref]: /url\n",
]
HTML = [
    "<!DOCTYPE html>", "<html lang='en'>", "</html>", "<head>", "<title>", "</title>", "<body>", "<p>", "</p>", "<div>", "</div>",
    "<b>", "</b>", "<i>", "</i>", "<a href='x'>", "</a>", "<br>", "<img alt='Ảnh' src=x>", "<script>", "</script>", "<style>",
    "<table>", "<tr>", "<td>", "</td>", "<li>", "<ul>", "</ul>", "&amp;", "&lt;", "&#1234;", "&bogus;", "<!-- x -->", "<![CDATA[x]]>",
    "<meta name='description' content='Tin'>", "<span translate='no'>", "</span>", "<p title=\"t\">", "<abbr title='x'>", "</abbr>", "<", ">", "='", "\"",
]


_CASE: list[Path] = []  # the one folder every generated input is written to, inside pytest's temporary folder


@pytest.fixture(autouse=True, scope="module")
def _case_folder(tmp_path_factory):
    _CASE.append(tmp_path_factory.mktemp("fuzz") / "case")
    yield
    _CASE.clear()


def _write(suffix: str, content: str | bytes) -> Path:
    """*content* as the only file of a fresh case folder (the previous example's is removed: thousands run)."""
    folder = _CASE[-1]
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    path = folder / f"input{suffix}"
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8", "surrogatepass"))
    return path


def _one_line(err: TransflowError) -> None:
    message = str(err)
    assert message and "\n" not in message and "Traceback" not in message


def _article(suffix: str, text: str | bytes) -> None:
    path = _write(suffix, text)
    try:
        doc = parse_file(path)
    except TransflowError as err:
        _one_line(err)
        return
    source = path.read_bytes().decode("utf-8")
    assert doc.render(lambda block: block.text) == source
    for lang in ("en", "ja"):
        segments_of(doc, lang)
        assert doc.render(lambda block: rejoin(block, lang, lang, lambda seg: seg.text)) == source


@FUZZ
@given(fragments(["Headline", "(Photo: VNA)", "  ", "\n"]))
def test_plain_text_articles(text):
    _article(".txt", text)


@FUZZ
@given(fragments(MARKDOWN))
def test_markdown_articles(text):
    _article(".md", text)


@FUZZ
@given(fragments(HTML))
def test_html_articles(text):
    _article(".html", text)


@FUZZ
@given(st.binary(max_size=300), st.sampled_from([".txt", ".md", ".html"]))
def test_articles_of_arbitrary_bytes(data, suffix):
    _article(suffix, data)


def _reader(suffix: str, text: str | bytes) -> None:
    from transflow import exchange

    path = _write(suffix, text)
    before = sorted(path.parent.iterdir())
    try:
        exchange.read(path)
    except TransflowError as err:
        _one_line(err)
    assert sorted(path.parent.iterdir()) == before  # a reader writes nothing


PO = [
    'msgid ""\nmsgstr ""\n"Language: vi\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n"X-Source-Language: en\\n"\n\n',
    "msgid ", "msgstr ", "msgctxt ", "msgid_plural ", "msgstr[0] ", "msgstr[1] ", '"', '"\n', '\\"', "\\n", "\\t", "\\q", "\\",
    "#, fuzzy\n", "#| msgid ", "#~ msgid ", "#~ msgstr ", "#. block: paragraph\n", "#: a.txt:3\n", "# comment\n", "\n\n",
]


@FUZZ
@given(fragments(PO))
def test_po_reader(text):
    _reader(".po", text)


XLIFF12_HEAD = "<?xml version='1.0'?><xliff version='1.2' xmlns='urn:oasis:names:tc:xliff:document:1.2'><file original='a.txt' source-language='en' target-language='vi' datatype='plaintext'><body>"
XLIFF20_HEAD = "<?xml version='1.0'?><xliff version='2.0' xmlns='urn:oasis:names:tc:xliff:document:2.0' srcLang='en' trgLang='vi'><file id='f1'>"
XLIFF_PARTS = [
    XLIFF12_HEAD, XLIFF20_HEAD, "</body></file></xliff>", "</file></xliff>", "<group id='b1'>", "<group id='obsolete' translate='no'>", "</group>",
    "<trans-unit id='1'>", "<trans-unit id='1' approved='yes'>", "</trans-unit>", "<unit id='u1'>", "</unit>", "<segment state='translated'>", "</segment>",
    "<source>", "</source>", "<target>", "<target state='translated'>", "<target state='needs-review-translation'>", "</target>",
    "<bpt id='1'>", "</bpt>", "<ept id='1'>", "</ept>", "<ph id='2'>", "</ph>", "<x id='3'/>", "<pc id='1' dataRefStart='d1' dataRefEnd='d2'>", "</pc>",
    "<originalData><data id='d1'>&lt;b&gt;</data></originalData>", "<notes><note category='location'>a.txt:3</note></notes>",
    "<alt-trans origin='previous-version'><source>Old</source></alt-trans>", "<note>n</note>", "&amp;", "&lt;", "<!DOCTYPE x [<!ENTITY e 'x'>]>",
    "<context-group purpose='location'><context context-type='sourcefile'>a.txt</context><context context-type='linenumber'>x</context></context-group>",
]


@FUZZ
@given(st.sampled_from([XLIFF12_HEAD, XLIFF20_HEAD]), fragments(XLIFF_PARTS))
def test_xliff_reader(head, body):
    _reader(".xlf", head + body)


TMX_PARTS = [
    "<?xml version='1.0'?><tmx version='1.4'><header srclang='en' datatype='plaintext' segtype='sentence' adminlang='en' creationtool='x' creationtoolversion='1' o-tmf='x'/><body>",
    "</body></tmx>", "<tu>", "</tu>", "<tu creationdate='bad'>", "<tuv xml:lang='en'>", "<tuv xml:lang='vi'>", "<tuv lang='ja'>", "<tuv xml:lang='zz-Bogus'>", "</tuv>",
    "<seg>", "</seg>", "<bpt i='1'>", "</bpt>", "<ept i='1'>", "</ept>", "<ph>", "</ph>", "<prop type='x'>p</prop>", "&amp;",
]


@FUZZ
@given(fragments(TMX_PARTS))
def test_tmx_reader(text):
    from transflow.exchange import tmx

    path = _write(".tmx", text)
    try:
        tmx.read(path)
    except TransflowError as err:
        _one_line(err)


TBX_PARTS = [
    "<?xml version='1.0'?><tbx type='TBX-Basic' style='dca' xml:lang='en' xmlns='urn:iso:std:iso:30042:ed-2'><text><body>",
    "<?xml version='1.0'?><martif type='TBX' xml:lang='en'><text><body>", "</body></text></tbx>", "</body></text></martif>",
    "<conceptEntry id='c1'>", "</conceptEntry>", "<termEntry>", "</termEntry>", "<langSec xml:lang='en'>", "<langSec xml:lang='vi'>", "<langSec xml:lang='xx-Nope'>",
    "</langSec>", "<langSet xml:lang='ja'>", "</langSet>", "<termSec>", "</termSec>", "<tig>", "</tig>", "<term>", "</term>",
    "<termNote type='administrativeStatus'>deprecatedTerm-admn-sts</termNote>", "<descrip type='subjectField'>person</descrip>",
    "<admin type='transflow-dnt'>yes</admin>", "<note>n</note>",
]
CSV_PARTS = ["en,vi,ja,note,type,dnt,case_sensitive\n", "en\tvi\n", ",", "\t", '"', '""', "|", "~", "yes", "maybe", "\n", "\r\n", "zz", "vi_VN"]


@FUZZ
@given(st.one_of(fragments(TBX_PARTS).map(lambda t: (".tbx", t)), fragments(CSV_PARTS).map(lambda t: (".csv", t)), fragments(CSV_PARTS).map(lambda t: (".tsv", t))))
def test_glossary_readers(case):
    from transflow.glossary import check as glossary_check

    suffix, text = case
    path = _write(suffix, text)
    try:
        for problem in glossary_check.check([path]):
            assert "\n" not in str(problem)
    except TransflowError as err:
        _one_line(err)


@pytest.mark.parametrize("suffix", [".po", ".xlf", ".tmx", ".tbx", ".csv"])
def test_readers_refuse_binary_and_utf16_in_one_line(suffix):
    from transflow import exchange
    from transflow.exchange import tmx
    from transflow.glossary import parse as parse_glossary

    read = {".po": exchange.read, ".xlf": exchange.read, ".tmx": tmx.read, ".tbx": parse_glossary, ".csv": parse_glossary}[suffix]
    for content in (b"\x00\x01\x02binary", "msgid \"x\"\n".encode("utf-16"), b"PK\x03\x04zip", b"\xef\xbb\xbf"):
        path = _write(suffix, content)
        with pytest.raises(TransflowError) as caught:
            read(path)
        _one_line(caught.value)


NINJS_TEXT = st.sampled_from(
    ["<p>Bộ trưởng <b>said</b>.</p>", "<p>A <img alt='Ảnh \"x\"' src=x> b</p>", "<p>unclosed <b>x</p>", "Minister said.\nHà Nội.", "東京", "", "  ", "a/b"]
) | st.text(max_size=12) | fragments(HTML).map(lambda text: text[:80])
NINJS_TEXTS = st.lists(
    st.fixed_dictionaries({"value": NINJS_TEXT}, optional={"role": st.sampled_from(["main", "caption", "alt"]), "contentType": st.sampled_from(["text/html", "text/plain"])}),
    max_size=3,
)
NINJS_ITEM = st.deferred(
    lambda: st.fixed_dictionaries(
        {"uri": st.text(max_size=8)},
        optional={
            "language": st.sampled_from(["en", "vi", "ja", "fr", "en-GB"]), "headlines": NINJS_TEXTS, "bodies": NINJS_TEXTS, "descriptions": NINJS_TEXTS,
            "by": NINJS_TEXT, "located": NINJS_TEXT, "people": st.lists(st.fixed_dictionaries({"name": NINJS_TEXT}), max_size=2),
            "associations": st.lists(NINJS_ITEM.map(lambda item: {"name": "photo", **item}), max_size=2),
            "renditions": st.lists(st.dictionaries(st.text(max_size=4), st.integers() | st.none() | st.booleans(), max_size=3), max_size=2),
        },
    )
)


def _dumped(item: dict, indent: int | None, ascii_only: bool, slash: bool) -> str:
    import json

    text = json.dumps(item, indent=indent, ensure_ascii=ascii_only)
    return text.replace("/", "\\/") if slash else text


@FUZZ
@given(st.builds(_dumped, NINJS_ITEM, st.sampled_from([None, 0, 2]), st.booleans(), st.booleans()))
def test_ninjs_items(text):
    """Identity is byte-exact, and a build with every block rewritten is the same JSON with the new values."""
    import json

    from transflow.formats import output_file

    _article(".json", text)
    path = _write(".json", text)
    try:
        doc = parse_file(path)
    except TransflowError:
        return
    built = json.loads(output_file(doc, doc.render(lambda block: "vi" if block.role == "language" else block.text + " é\"<"), "vi"))
    assert built["uri"] == json.loads(text)["uri"] and built["language"] == "vi"


WORDML = [
    "<w:p>", "</w:p>", "<w:r>", "</w:r>", "<w:t>", "</w:t>", '<w:t xml:space="preserve">', "<w:rPr><w:b/></w:rPr>", "<w:rPr><w:i/></w:rPr>",
    '<w:rPr><w:lang w:val="en-GB"/></w:rPr>', '<w:proofErr w:type="spellStart"/>', '<w:bookmarkStart w:id="0" w:name="x"/>', '<w:bookmarkEnd w:id="0"/>',
    '<w:hyperlink r:id="rIdLink">', "</w:hyperlink>", "<w:tab/>", "<w:br/>", '<w:footnoteReference w:id="1"/>',
    '<w:fldChar w:fldCharType="begin"/>', '<w:instrText> PAGE </w:instrText>', '<w:fldChar w:fldCharType="separate"/>', '<w:fldChar w:fldCharType="end"/>',
    "<w:sdt><w:sdtContent>", "</w:sdtContent></w:sdt>", "<w:smartTag>", "</w:smartTag>", "&amp;", "&lt;", "&#233;", "<b1>", "</b1>",
]


def _well_formed_runs(text: str) -> str:
    """Fragments are joined into a body only if it is well-formed XML (as a saved document is)."""
    from lxml import etree

    from conftest import _W_NS

    body = f"<w:p>{text}</w:p>"
    try:
        etree.fromstring(f"<w:body {_W_NS}>{body}</w:body>".encode())
    except etree.XMLSyntaxError:
        return "<w:p><w:r><w:t>Minister said.</w:t></w:r></w:p>"
    return body


@FUZZ
@given(fragments(WORDML + WORDS).map(_well_formed_runs))
def test_word_documents(body):
    """A one-line error, or a document whose identity build is the source and whose rewritten paragraphs are well-formed."""
    import io
    import zipfile

    from lxml import etree

    from conftest import make_docx
    from transflow.formats import output_file

    path = make_docx(_write(".docx", b""), body)
    try:
        doc = parse_file(path)
    except TransflowError as err:
        _one_line(err)
        return
    same = output_file(doc, doc.render(lambda block: block.text), "en")
    with zipfile.ZipFile(path) as before, zipfile.ZipFile(io.BytesIO(same)) as after:
        assert after.read("word/document.xml") == before.read("word/document.xml")
    rewritten = output_file(doc, doc.render(lambda block: block.text + " é<&"), "vi")
    with zipfile.ZipFile(io.BytesIO(rewritten)) as after:
        etree.fromstring(after.read("word/document.xml"))


@FUZZ
@given(st.binary(max_size=300))
def test_word_documents_of_arbitrary_bytes(data):
    path = _write(".docx", data)
    try:
        parse_file(path)
    except TransflowError as err:
        _one_line(err)
