"""Parsing articles into skeleton and blocks: identity round trip and what is (not) translatable."""

from pathlib import Path

import polib
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import SAMPLES
from transflow.document import CodeKind
from transflow.formats import parser_for
from transflow.formats import markdown, plaintext
from transflow.segment import rejoin

ARTICLES = sorted(SAMPLES.iterdir())


def identity(doc, lang="en"):
    """Render with every segment translated to itself, through the segment-level path."""
    return doc.render(lambda block: rejoin(block, lang, lang, lambda seg: seg.text))


@pytest.mark.parametrize("path", ARTICLES, ids=lambda p: p.name)
def test_identity_round_trip_of_every_sample_is_byte_exact(path: Path):
    text = path.read_text(encoding="utf-8")
    lang = {"hoi-nghi-asean.txt": "vi", "asean-nihon.txt": "ja"}.get(path.name, "en")
    assert identity(parser_for(path)(text), lang) == text


def test_render_replaces_only_the_block_text():
    doc = plaintext.parse("Title\r\n\r\n  Body line.  \r\nOther news\n")
    out = doc.render(lambda block: block.text.upper())
    assert out == "TITLE\r\n\r\n  BODY LINE.  \r\nOTHER NEWS\n"


def test_plain_text_blocks_kinds_and_lines():
    text = (SAMPLES / "asean-japan.txt").read_text(encoding="utf-8")
    blocks = plaintext.parse(text).blocks
    assert blocks[0].kind == "headline" and blocks[0].line == 1
    caption = next(b for b in blocks if b.kind == "caption")
    assert caption.text.endswith("(Photo: VNA)") and caption.line == 13
    assert blocks[-1].text == "Other news"


def test_markdown_front_matter_translates_only_the_prose_keys():
    doc = markdown.parse((SAMPLES / "mekong-summit.md").read_text(encoding="utf-8"))
    front = {b.kind: b for b in doc.blocks if b.kind.startswith("front-matter")}
    assert set(front) == {"front-matter title", "front-matter subtitle", "front-matter description"}
    assert front["front-matter title"].text == "Mekong-Japan leaders agree on green growth roadmap"
    assert front["front-matter description"].raw.startswith("'")
    rendered = doc.render(lambda b: 'Nói: "xin chào"' if b.kind == "front-matter title" else b.text)
    assert 'title: "Nói: \\"xin chào\\""\n' in rendered
    assert "slug: mekong-japan-green-growth\n" in rendered


def test_markdown_block_scalar_front_matter():
    text = "---\nsummary: >\n  A long\n  summary.\nkey: 1\n---\nBody.\n"
    doc = markdown.parse(text)
    assert [b.text for b in doc.blocks] == ["A long summary.", "Body."]
    assert identity(doc) == text
    assert doc.render(lambda b: "Tóm tắt." if b.text.startswith("A long") else b.text) == (
        "---\nsummary: >\n  Tóm tắt.\nkey: 1\n---\nBody.\n"
    )


def test_markdown_code_and_html_blocks_are_never_translated():
    doc = markdown.parse((SAMPLES / "mekong-summit.md").read_text(encoding="utf-8"))
    texts = " ".join(b.text for b in doc.blocks)
    assert "annex, not translated" not in texts
    assert "Related:" not in texts


def test_markdown_inline_markup_becomes_codes_and_link_urls_stay_out_of_text():
    doc = markdown.parse("Read *the* [plan](https://x.y/a_(b)) and `code` or <b>bold</b> ![alt](i.png).\n")
    block = doc.blocks[0]
    codes = [(block.text[c.start : c.end], c.kind) for c in block.codes]
    assert codes == [
        ("*", CodeKind.OPEN),
        ("*", CodeKind.CLOSE),
        ("[", CodeKind.OPEN),
        ("](https://x.y/a_(b))", CodeKind.CLOSE),
        ("`code`", CodeKind.STANDALONE),
        ("<b>", CodeKind.OPEN),
        ("</b>", CodeKind.CLOSE),
        ("![", CodeKind.OPEN),
        ("](i.png)", CodeKind.CLOSE),
    ]


def _titles(text: str) -> list[tuple[str, str | None]]:
    """(image src or link href, title) as a CommonMark reader (markdown-it) sees them in *text*."""
    from markdown_it import MarkdownIt

    found = []
    for token in MarkdownIt("commonmark").parse(text):
        for child in token.children or []:
            if child.type in ("image", "link_open"):
                found.append((child.attrs.get("src") or child.attrs.get("href"), child.attrs.get("title")))
    return found


def test_markdown_image_and_link_titles_are_translated_in_place():
    """A title is a block of its own (as HTML's title attribute), written back between its own delimiters,
    escaped so that any translation reads back as itself; the alt text stays in its sentence."""
    from transflow.build import build
    from transflow.document import Unit
    from transflow.segment import segments_of

    text = (
        '![Prime Minister at the summit](images/a.jpg "Mekong-Japan Summit")\n\n'
        "Read [the plan](https://x.y/plan 'The full plan') or [this](https://x.y/b (Its text)).\n"
    )
    doc = markdown.parse(text)
    titles = {block.text: block.kind for block in doc.blocks if block.kind.endswith("title")}
    assert titles == {"Mekong-Japan Summit": "image title", "The full plan": "link title", "Its text": "link title"}
    texts = {seg.text for seg in segments_of(doc, "en")}
    assert {"Mekong-Japan Summit", "The full plan", "Its text"} <= texts
    assert any("Prime Minister at the summit" in t for t in texts)  # the alt text, in its sentence
    translated = {
        "Mekong-Japan Summit": 'Hội nghị "Mekong – Nhật Bản" \\ 2026',
        "The full plan": "Kế hoạch 'đầy đủ' &amp; chi tiết",
        "Its text": "Toàn văn (bản chính)",
    }
    units = {t: Unit(t, translated.get(t, t)) for t in texts}
    built = build(doc, units, "en", "vi").text
    assert _titles(built) == [
        ("images/a.jpg", translated["Mekong-Japan Summit"]),
        ("https://x.y/plan", translated["The full plan"]),
        ("https://x.y/b", translated["Its text"]),
    ]
    assert "Prime Minister at the summit" in built and identity(doc) == text


def test_markdown_kinds_for_headings_lists_and_quotes():
    doc = markdown.parse((SAMPLES / "mekong-summit.md").read_text(encoding="utf-8"))
    kinds = {b.kind for b in doc.blocks}
    assert {"heading1", "heading2", "list-item", "quote", "paragraph"} <= kinds


def test_markdown_multiline_paragraph_folds_soft_breaks_and_keeps_container_prefix():
    text = "> first line\n> second *line*\n\nNext.\n"
    doc = markdown.parse(text)
    assert doc.blocks[0].text == "first line second *line*"
    assert identity(doc) == text
    assert doc.render(lambda b: b.text.replace("first", "1st")) == "> 1st line second *line*\n\nNext.\n"


# Generated documents: the identity round trip must hold for any mix of blocks.
_words = st.text(alphabet=st.sampled_from(list("abcXYZ ăđơ日本.,!?\"'()*_[]`<>#-–&;\\")), min_size=1, max_size=40)
_line_end = st.sampled_from(["\n", "\r\n"])


@st.composite
def _plain_documents(draw):
    lines = draw(st.lists(st.tuples(st.sampled_from(["", " ", "  "]), _words, _line_end), max_size=12))
    return "".join(lead + words + end for lead, words, end in lines) + draw(st.sampled_from(["", "\n\n"]))


@st.composite
def _markdown_documents(draw):
    pieces = st.one_of(
        _words.map(lambda w: w + "\n\n"),
        _words.map(lambda w: f"# {w}\n"),
        _words.map(lambda w: f"- {w}\n- *{w}*\n\n"),
        _words.map(lambda w: f"> {w}\n> {w}\n\n"),
        _words.map(lambda w: f"1. [{w}](http://x.y/{len(w)})\n"),
        _words.map(lambda w: f"```\n{w}\n```\n"),
        _words.map(lambda w: f"<div>{w}</div>\n\n"),
        _words.map(lambda w: f"Text **{w}** `c` ![{w}](a.png)\n\n"),
    )
    body = "".join(draw(st.lists(pieces, max_size=8)))
    if draw(st.booleans()):
        title = draw(st.sampled_from(["Plain", '"Quoted"', "x: y", "'it''s'"]))
        body = f"---\ntitle: {title}\nother: 1\n---\n" + body
    return body


@settings(max_examples=150, deadline=None)
@given(_plain_documents())
def test_identity_round_trip_of_generated_plain_text(text):
    assert identity(plaintext.parse(text)) == text


@settings(max_examples=150, deadline=None)
@given(_markdown_documents())
def test_identity_round_trip_of_generated_markdown(text):
    assert identity(markdown.parse(text)) == text


def test_an_image_and_its_caption_line_keep_their_line_break_once_translated(project, cli):
    article = Path("photo.md")
    source = "Intro text.\n\n![Leaders at the summit](img/summit.jpg)\n*Leaders pose for a photo (Photo: VNA)*\n\nEnd.\n"
    article.write_text(source, encoding="utf-8")
    assert cli("translate", article, "--to", "vi", "--engine", "none").code == 0
    po = polib.pofile("locales/vi/photo.po")
    for entry in po:
        entry.msgstr = entry.msgid.replace("Leaders pose for a photo", "Các nhà lãnh đạo chụp ảnh").replace("Intro text.", "Mở đầu.")
        entry.msgstr = entry.msgstr.replace("End.", "Hết.").replace("Leaders at the summit", "Lãnh đạo tại hội nghị")
    po.save()
    assert cli("build", article, "--lang", "vi").code == 0
    built = Path("localized/vi/photo.md").read_text(encoding="utf-8")
    assert built == (
        "Mở đầu.\n\n![Lãnh đạo tại hội nghị](img/summit.jpg)\n*Các nhà lãnh đạo chụp ảnh (Photo: VNA)*\n\nHết.\n"
    )
