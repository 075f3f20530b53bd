"""Reviewer and CAT-tool text never becomes live markup in HTML or Markdown builds.

Markup in a built article can only come from the source's own inline codes;
a translation carrying anything else is refused by `build` (one line naming
the file and the unit), flagged by `qa`, and never learnt or replayed by the
TM. The judges are lxml's HTML parser and markdown-it: they count the
elements and attributes of what was built.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import polib
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from lxml import html as lxml_html
from markdown_it import MarkdownIt

from transflow.build import build
from transflow.document import Unit
from transflow.errors import TransflowError
from transflow.formats import html, markdown
from transflow.segment import segments_of

HTML_ARTICLE = """<!doctype html>
<html lang="en">
<head>
<title>ASEAN &amp; Japan sign a declaration</title>
<meta name="description" content="Ministers met in Hanoi.">
<meta property="og:title" content='ASEAN and Japan'>
</head>
<body>
<h1>ASEAN and Japan sign a cybersecurity declaration</h1>
<p>The ministers met in <strong>Hanoi</strong> on Monday, <a href="https://example.org/x">the agency said</a>.</p>
<p>AT&amp;T and <abbr title="Association of Southeast Asian Nations">ASEAN</abbr> were there.</p>
<figure><img src="a.jpg" alt="Foreign ministers in Hanoi" title=Ministers><figcaption>Ministers in Hanoi (Photo: VNA)</figcaption></figure>
</body>
</html>
"""

MARKDOWN_ARTICLE = """---
title: ASEAN and Japan
description: >
  Ministers met
  in Hanoi.
---

# ASEAN and Japan sign a declaration

The ministers met in **Hanoi** on Monday, [the agency said](https://example.org/x "VNA").

- Ministers agreed on *three* points.
- See <abbr title="ASEAN">the bloc</abbr> report.

![Foreign ministers in Hanoi](a.jpg)

Second paragraph with `code` and a hard  
break in it.

| Country | Leader |
|---|---|
| Japan | *Shigeru* Ishiba |
"""

PARAGRAPH = 'The ministers met in <strong>Hanoi</strong> on Monday, <a href="https://example.org/x">the agency said</a>.'
MD_PARAGRAPH = 'The ministers met in **Hanoi** on Monday, [the agency said](https://example.org/x "VNA").'


# Judges: count what a browser-like parser builds ----------------------------------------------

_TRANSLATED_ATTRIBUTES = {"alt", "title", "content", "lang"}


def elements(page: str) -> Counter:
    """Elements (comments and processing instructions too) with their attributes; values of
    attributes that are translated are left out, since a translation rightly changes them."""
    root = lxml_html.document_fromstring(page) if page.strip() else None
    found: Counter = Counter()
    if root is None:
        return found
    for element in root.getroottree().iter():
        tag = element.tag if isinstance(element.tag, str) else str(element.tag.__name__ if callable(element.tag) else element.tag)
        attributes = tuple(sorted((k, "" if k in _TRANSLATED_ATTRIBUTES else v) for k, v in element.attrib.items()))
        found[(tag, attributes)] += 1
    return found


def split_front_matter(text: str) -> tuple[str, str]:
    """(front matter, body), the front matter ending at the first line that is exactly ``---``."""
    lines = text.splitlines(keepends=True)
    end = next(i for i in range(1, len(lines)) if lines[i].rstrip("\n") == "---")
    return "".join(lines[1:end]), "".join(lines[end + 1 :])


def markdown_elements(text: str) -> Counter:
    return elements("<html><body>" + MarkdownIt("commonmark").enable("table").render(split_front_matter(text)[1]) + "</body></html>")


def front_matter(text: str) -> dict:
    import yaml

    return yaml.safe_load(split_front_matter(text)[0])


# Building from a translation ------------------------------------------------------------------


def build_with(parse, article: str, translations: dict[str, str]) -> str:
    doc = parse(article)
    units = {seg.text: Unit(seg.text, translations.get(seg.text, seg.text)) for seg in segments_of(doc, "en")}
    return build(doc, units, "en", "vi", origin="locales/vi/article.po").text


def refusal(parse, article: str, translations: dict[str, str]) -> str:
    with pytest.raises(TransflowError) as raised:
        build_with(parse, article, translations)
    message = str(raised.value)
    assert "\n" not in message and message.startswith("locales/vi/article.po: unit ")
    return message


def test_articles_identity_and_plain_translations_build(tmp_path):
    assert build_with(html.parse, HTML_ARTICLE, {}) == HTML_ARTICLE.replace('lang="en"', 'lang="vi"')
    assert build_with(markdown.parse, MARKDOWN_ARTICLE, {}) == MARKDOWN_ARTICLE
    built = build_with(html.parse, HTML_ARTICLE, {PARAGRAPH: 'Các bộ trưởng họp tại <strong>Hà Nội</strong>, <a href="https://example.org/x">TTXVN cho biết</a>.'})
    assert '<p>Các bộ trưởng họp tại <strong>Hà Nội</strong>, <a href="https://example.org/x">TTXVN cho biết</a>.</p>' in built


# HTML: text is text ----------------------------------------------------------------------------


def test_ampersand_and_less_than_are_written_as_text():
    built = build_with(html.parse, HTML_ARTICLE, {PARAGRAPH: "AT&T: x<y; 3 > 2 <strong>Hà Nội</strong>"})
    assert "<p>AT&amp;T: x&lt;y; 3 &gt; 2 <strong>Hà Nội</strong></p>" in built
    assert lxml_html.fromstring(built).xpath("//p")[0].text_content() == "AT&T: x<y; 3 > 2 Hà Nội"
    assert elements(built) - elements(HTML_ARTICLE) == Counter()


@pytest.mark.parametrize(
    "translation, shown",
    [
        ("<script>alert(1)</script>", "<script>"),
        ("Hà Nội <img src=x onerror=alert(1)>", "<img src=x onerror=alert(1)>"),
        ('<strong onmouseover="alert(1)">Hà Nội</strong>', '<strong onmouseover="alert(1)">'),
        ('<a href="javascript:alert(1)">TTXVN</a>', '<a href="javascript:alert(1)">'),
        ("<svg onload=alert(1)>", "<svg onload=alert(1)>"),
        ("<body onfocus=alert(1) autofocus>", "<body onfocus=alert(1) autofocus>"),
        ("<iframe src=//evil>", "<iframe src=//evil>"),
        ("Hà Nội <!-- hidden --> x", "<!--"),
        ("&lt;script&gt;alert(1)&lt;/script&gt;", "<script>"),
        ("&#60;img src=x onerror=alert(1)&#62;", "<img src=x onerror=alert(1)>"),
        ("<strong>Hà Nội</strong> <strong>hai lần</strong>", "<strong>"),
    ],
)
def test_markup_the_source_does_not_have_is_refused(translation, shown):
    message = refusal(html.parse, HTML_ARTICLE, {PARAGRAPH: translation})
    assert shown in message and "article line 10" in message


@pytest.mark.parametrize(
    "source_text, translation",
    [
        ("Foreign ministers in Hanoi", 'Bộ trưởng" onerror="alert(1)'),
        ("Foreign ministers in Hanoi", "Bộ trưởng' onerror='alert(1)"),
        ("Ministers", "Bộ trưởng onerror=alert(1)"),  # an unquoted attribute in the source
        ("Ministers met in Hanoi.", '"><script>alert(1)</script>'),
        ("ASEAN and Japan", "'><img src=x onerror=alert(1)>"),
        ("Association of Southeast Asian Nations", '" onmouseover="alert(1)'),
    ],
)
def test_attribute_and_title_translations_cannot_escape_their_value(source_text, translation):
    """alt/title/meta/og values and <title> are text: quotes and brackets are escaped, nothing is added."""
    doc = html.parse(HTML_ARTICLE)
    assert source_text in [seg.text for seg in segments_of(doc, "en")]
    built = build_with(html.parse, HTML_ARTICLE, {source_text: translation})
    assert elements(built) - elements(HTML_ARTICLE) == Counter()
    page = lxml_html.document_fromstring(built)
    values = [v for e in page.iter() if isinstance(e.tag, str) for v in list(e.attrib.values()) + [e.text or ""]]
    assert translation in values


def test_title_element_text_cannot_close_the_title():
    assert "'</title>'" in refusal(html.parse, HTML_ARTICLE, {"ASEAN &amp; Japan sign a declaration": "</title><script>alert(1)</script>"})
    built = build_with(html.parse, HTML_ARTICLE, {"ASEAN &amp; Japan sign a declaration": "ASEAN & Nhật <3"})
    assert "<title>ASEAN &amp; Nhật &lt;3</title>" in built


# XLIFF 1.2 and 2.0 ---------------------------------------------------------------------------


def _xliff(tmp_path: Path, version: str, source: str, target: str, state: str = "translated") -> Path:
    if version == "1.2":
        text = f"""<?xml version="1.0" encoding="UTF-8"?>
<xliff xmlns="urn:oasis:names:tc:xliff:document:1.2" version="1.2">
<file original="article.html" datatype="html" source-language="en" target-language="vi"><body>
<trans-unit id="u1"><source>{source}</source><target state="{state}">{target}</target></trans-unit>
</body></file></xliff>"""
    else:
        text = f"""<?xml version="1.0" encoding="UTF-8"?>
<xliff xmlns="urn:oasis:names:tc:xliff:document:2.0" version="2.0" srcLang="en" trgLang="vi">
<file id="f1" original="article.html"><unit id="u1">
<originalData><data id="d1">&lt;strong&gt;</data><data id="d2">&lt;/strong&gt;</data><data id="d9">&lt;img src=x onerror=alert(1)&gt;</data></originalData>
<segment state="{state}"><source>{source}</source><target>{target}</target></segment>
</unit></file></xliff>"""
    path = tmp_path / "article.xlf"
    path.write_text(text, encoding="utf-8")
    return path


XLIFF_CASES = {
    "1.2": (
        'Ministers met in <bpt id="1">&lt;strong&gt;</bpt>Hanoi<ept id="1">&lt;/strong&gt;</ept>.',
        {
            "rewritten bpt": ('Bộ trưởng họp tại <bpt id="1">&lt;strong onmouseover=alert(1)&gt;</bpt>Hà Nội<ept id="1">&lt;/strong&gt;</ept>.', "onmouseover"),
            "escaped plain text": ('&lt;script&gt;alert(1)&lt;/script&gt; <bpt id="1">&lt;strong&gt;</bpt>Hà Nội<ept id="1">&lt;/strong&gt;</ept>.', "<script>"),
            "rewritten ph": ('Bộ trưởng <bpt id="1">&lt;strong&gt;</bpt>Hà Nội<ept id="1">&lt;/strong&gt;</ept><ph id="2">&lt;img src=x onerror=alert(1)&gt;</ph>.', "onerror"),
        },
    ),
    "2.0": (
        'Ministers met in <pc id="1" dataRefStart="d1" dataRefEnd="d2">Hanoi</pc>.',
        {
            "foreign data reference": ('Bộ trưởng họp tại <pc id="1" dataRefStart="d1" dataRefEnd="d2">Hà Nội</pc><ph id="3" dataRef="d9"/>.', "onerror"),
            "escaped plain text": ('&lt;script&gt;alert(1)&lt;/script&gt; <pc id="1" dataRefStart="d1" dataRefEnd="d2">Hà Nội</pc>.', "<script>"),
        },
    ),
}
XLIFF_ARTICLE = "<html><body><p>Ministers met in <strong>Hanoi</strong>.</p></body></html>\n"


@pytest.mark.parametrize("version, case", [(v, c) for v, (_, cases) in XLIFF_CASES.items() for c in cases])
def test_xliff_targets_cannot_smuggle_markup(tmp_path, version, case, cli, project):
    source, cases = XLIFF_CASES[version]
    target, shown = cases[case]
    (project / "article.html").write_text(XLIFF_ARTICLE, encoding="utf-8")
    xliff = _xliff(project, version, source, target)
    result = cli("build", "article.html", "--lang", "vi", "--from", xliff, "--force")
    assert result.code == 1, result.stdout
    error = [line for line in result.stderr.splitlines() if line.startswith("transflow: error:")]
    assert len(error) == 1 and "article.xlf: unit 'Ministers met in <strong>Hanoi</strong>.'" in error[0] and shown in error[0]
    assert not (project / "localized").exists()
    flagged = cli("qa", xliff)
    assert flagged.code == 1 and "[unsafe-markup]" in flagged.stdout


@pytest.mark.parametrize("version", ["1.2", "2.0"])
def test_xliff_with_its_own_codes_builds(tmp_path, version, cli, project):
    source, _ = XLIFF_CASES[version]
    target = source.replace("Ministers met in", "Bộ trưởng &amp; AT&amp;T họp tại &lt;3").replace("Hanoi", "Hà Nội")
    (project / "article.html").write_text(XLIFF_ARTICLE, encoding="utf-8")
    result = cli("build", "article.html", "--lang", "vi", "--from", _xliff(project, version, source, target))
    assert result.code == 0, result.stderr
    built = (project / "localized" / "vi" / "article.html").read_text(encoding="utf-8")
    assert "<p>Bộ trưởng &amp; AT&amp;T họp tại &lt;3 <strong>Hà Nội</strong>.</p>" in built


# Markdown: raw HTML is live, links carry URLs ----------------------------------------------------------


@pytest.mark.parametrize(
    "translation, shown",
    [
        ("Họp tại <script>alert(1)</script>", "<script>"),
        ("Họp tại <img src=x onerror=alert(1)>", "<img src=x onerror=alert(1)>"),
        ("Họp tại **Hà Nội**, [TTXVN](javascript:alert(1)).", "](javascript:alert(1)"),
        ("Họp tại **Hà Nội** [TTXVN](https://evil.example)", "](https://evil.example)"),
        ("<javascript:alert(1)> **Hà Nội**", "<javascript:alert(1)>"),
        ("Họp tại **Hà Nội**, [TTXVN][1].", "][1]"),
        ("&lt;script&gt; **Hà Nội**", "<script>"),
        ("\\<script\\> **Hà Nội**", "<script>"),
    ],
)
def test_markdown_markup_the_source_does_not_have_is_refused(translation, shown):
    message = refusal(markdown.parse, MARKDOWN_ARTICLE, {MD_PARAGRAPH: translation})
    assert shown in message


@pytest.mark.parametrize(
    "translation",
    [
        "# Không phải tiêu đề",
        "- không phải danh sách",
        "1. không phải danh sách",
        "> không phải trích dẫn",
        "Một *dòng* với _gạch_ và `mã` và ~~gạch~~ 5 * 3",
        "AT&T x<y",
        "Dòng một\n\n<div onclick=x>",
        "Dòng\n===",
        "    thụt lề",
        "| a | b |\n|---|---|",
    ],
)
def test_markdown_text_is_escaped_into_plain_text(translation):
    if "<div" in translation:
        refusal(markdown.parse, MARKDOWN_ARTICLE, {MD_PARAGRAPH: translation})
        return
    built = build_with(markdown.parse, MARKDOWN_ARTICLE, {MD_PARAGRAPH: translation, "Ministers agreed on *three* points.": translation})
    assert markdown_elements(built) - markdown_elements(MARKDOWN_ARTICLE) == Counter()
    rendered = lxml_html.fromstring(MarkdownIt("commonmark").enable("table").render(split_front_matter(built)[1]))
    shown = " ".join(translation.split())
    assert shown in " ".join(rendered.text_content().split())


def test_markdown_codes_regrouped_into_new_elements_are_refused():
    """Four emphasis markers of two <em> regrouped around one word would make a <strong>."""
    assert "<strong>" in refusal(markdown.parse, "A *b* and *c*.\n", {"A *b* and *c*.": "**b** c"})
    assert build_with(markdown.parse, "A *b* and *c*.\n", {"A *b* and *c*.": "*c* và *b*."}) == "*c* và *b*.\n"


def test_markdown_front_matter_block_scalar_cannot_add_keys():
    built = build_with(markdown.parse, MARKDOWN_ARTICLE, {"Ministers met in Hanoi.": "Họp\nlayout: evil\n<script>", "ASEAN and Japan": 'x"\nlayout: evil'})
    assert set(front_matter(built)) == {"title", "description"}
    assert front_matter(built)["title"] == 'x"\nlayout: evil'


# QA and the TM ---------------------------------------------------------------------------------


def _po(path: Path, entries: list[tuple[str, str]], article: str = "article.html") -> Path:
    po = polib.POFile()
    po.metadata = {"Language": "vi", "X-Source-Language": "en", "Content-Type": "text/plain; charset=UTF-8"}
    for line, (source, target) in enumerate(entries, start=1):
        po.append(polib.POEntry(msgid=source, msgstr=target, occurrences=[(article, str(line))]))
    po.save(str(path))
    return path


def test_qa_flags_and_build_refuses_a_po_with_script(project, cli):
    (project / "article.html").write_text(XLIFF_ARTICLE, encoding="utf-8")
    po = _po(project / "vi.po", [("Ministers met in <strong>Hanoi</strong>.", "Bộ trưởng họp tại <strong>Hà Nội</strong>.<script>alert(1)</script>")])
    flagged = cli("qa", po)
    assert flagged.code == 1 and "[unsafe-markup]" in flagged.stdout and "<script>" in flagged.stdout
    refused = cli("build", "article.html", "--lang", "vi", "--from", po, "--force")
    assert refused.code == 1 and "vi.po: unit 'Ministers met in <strong>Hanoi</strong>.'" in refused.stderr
    assert not (project / "localized").exists()
    from transflow.memory import open_memory

    with open_memory(project / ".transflow" / "tm.sqlite") as memory:
        assert memory.exact("en", "vi", "Ministers met in <strong>Hanoi</strong>.") is None


@pytest.mark.parametrize(
    "source, target",
    [
        ("See the report.", "Xem [báo cáo](javascript:alert(1))."),
        ("See the report.", "Xem <javascript:alert(1)>."),
        ("See <b>the report</b>.", "Xem <b onclick=x>báo cáo</b>."),
        ("See the report.", "Xem &lt;iframe src=x&gt;."),
        ("See the report.", "Xem <!-- x --> báo cáo."),
    ],
)
def test_qa_flags_markup_a_translation_adds(source, target):
    from transflow import qa

    problems = qa.run([Unit(source, target)], "vi.po", qa.Context("en", "vi"))
    assert [p.check for p in problems if p.severity == qa.ERROR] == ["unsafe-markup"]
    faithful = qa.run([Unit(source, source.replace("See", "Xem"))], "vi.po", qa.Context("en", "vi"))
    assert "unsafe-markup" not in [p.check for p in faithful]


def test_a_forced_plain_text_build_does_not_teach_the_tm_markup(project, cli):
    from transflow.memory import open_memory

    (project / "article.txt").write_text("Ministers met in Hanoi.\nThey agreed.\n", encoding="utf-8")
    po = _po(project / "vi.po", [("Ministers met in Hanoi.", "Bộ trưởng họp <script>x</script>."), ("They agreed.", "Họ đồng ý.")], "article.txt")
    built = cli("build", "article.txt", "--lang", "vi", "--from", po, "--force")
    assert built.code == 0, built.stderr
    with open_memory(project / ".transflow" / "tm.sqlite") as memory:
        assert memory.exact("en", "vi", "They agreed.") is not None
        assert memory.exact("en", "vi", "Ministers met in Hanoi.") is None


def test_tm_never_learns_nor_replays_injected_markup(project, cli):
    from transflow.memory import TMUnit, open_memory

    (project / "article.html").write_text(XLIFF_ARTICLE, encoding="utf-8")
    source = "Ministers met in <strong>Hanoi</strong>."
    bad = "Bộ trưởng họp tại <strong>Hà Nội</strong>.<img src=x onerror=alert(1)>"
    po = _po(project / "vi.po", [(source, bad)])
    imported = cli("tm", "import", po)
    assert imported.code == 0 and "0 translations imported" in imported.stdout and "not imported" in imported.stderr
    tmx = project / "old.tmx"
    tmx.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header srclang="en" datatype="plaintext" segtype="sentence" '
        'adminlang="en" o-tmf="x" creationtool="x" creationtoolversion="1"/><body><tu>'
        '<tuv xml:lang="en"><seg>See the report.</seg></tuv><tuv xml:lang="vi"><seg>Xem &lt;script&gt;x&lt;/script&gt;.</seg></tuv>'
        "</tu></body></tmx>\n",
        encoding="utf-8",
    )
    imported = cli("tm", "import", tmx)
    assert imported.code == 0 and "0 translations imported" in imported.stdout and "1 translations carry markup" in imported.stderr
    with open_memory(project / ".transflow" / "tm.sqlite") as memory:  # a TM filled before this rule existed
        memory.add([TMUnit("en", "vi", source, bad, "human", "old.html")])
    translated = cli("translate", "article.html", "--to", "vi", "--engine", "none")
    assert translated.code == 0, translated.stderr
    entry = polib.pofile(str(project / "locales" / "vi" / "article.po")).find(source)
    assert entry.msgstr == ""


# The property: nothing a translation says adds an element or an attribute ---------------------------------

_PIECES = st.sampled_from(
    ["<", ">", "&", ";", '"', "'", "=", "/", "!", "-", "*", "_", "`", "[", "]", "(", ")", "#", "\n", "\\", ":", " ", "~", "|",
     "script", "img", "onerror", "javascript", "amp", "lt", "#60", "x", "Hà Nội", "1.", "http://e", "<!--", "-->",
     "<strong>", "</strong>", "**", '<a href="https://example.org/x">', "</a>", "](https://example.org/x \"VNA\")", "&amp;", "&lt;"]
)
_TRANSLATION = st.one_of(st.text(max_size=40), st.lists(_PIECES, max_size=14).map("".join))


def _property_case(parse, article: str, judge, translations: list[str]) -> None:
    doc = parse(article)
    sources = list(dict.fromkeys(seg.text for seg in segments_of(doc, "en")))
    assignment = {source: translations[i % len(translations)] for i, source in enumerate(sources) if translations[i % len(translations)]}
    units = {source: Unit(source, target) for source, target in assignment.items()}
    try:
        built = build(doc, units, "en", "vi", origin="x.po").text
    except TransflowError as err:
        assert "\n" not in str(err) and str(err).startswith("x.po: unit ")
        return
    assert judge(built) - judge(article) == Counter()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_TRANSLATION, min_size=1, max_size=4))
def test_any_translation_adds_no_element_or_attribute_to_html(translations):
    _property_case(html.parse, HTML_ARTICLE, elements, translations)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_TRANSLATION, min_size=1, max_size=4))
def test_any_translation_adds_no_element_or_attribute_to_markdown(translations):
    def judge(text: str) -> Counter:
        found = markdown_elements(text)
        found.update(("front-matter", key) for key in front_matter(text))
        return found

    _property_case(markdown.parse, MARKDOWN_ARTICLE, judge, translations)


def test_the_property_is_not_vacuous():
    """Most hostile-looking translations are built (escaped), not refused."""
    built = build_with(markdown.parse, MARKDOWN_ARTICLE, {MD_PARAGRAPH: "a * b _ c ` d [ e ] f < g > & h # i"})
    assert "a \\* b \\_ c \\` d [ e \\] f \\< g \\> \\& h # i" in built  # "[" is the source's own link opening
    built = build_with(html.parse, HTML_ARTICLE, {PARAGRAPH: "a < b > c & d \" e ' f"})
    assert "<p>a &lt; b &gt; c &amp; d \" e ' f</p>" in built
