"""What reviewers see is true (issue 23): messages, counts, languages and declarations say what is so."""

from __future__ import annotations

import json
import shutil
import unicodedata
from pathlib import Path

import polib
import pytest

from conftest import poedit_mark_xliff, table_rows
from transflow.detect import detect
from transflow.exchange import tmx
from transflow.risk import RiskSettings, Signals, assess

ARTICLE = "sample_articles/mekong-summit.md"


def test_xliff_declaration_is_written_as_poedit_writes_it(project, cli, installed_models):
    """pugixml (Poedit) writes double quotes; lxml's default single quotes flipped on every round trip."""
    for version in ("1.2", "2.0"):
        assert cli("translate", ARTICLE, "--to", "vi", "--format", "xliff" if version == "1.2" else "xliff2").code == 0
        first = Path("locales/vi/mekong-summit.xlf").read_bytes().split(b"\n", 1)[0]
        assert first == b'<?xml version="1.0" encoding="UTF-8"?>'
        Path("locales/vi/mekong-summit.xlf").unlink()


def test_build_refusing_an_xliff_file_names_it_not_po(project, cli, installed_models):
    assert cli("translate", ARTICLE, "--to", "vi", "--format", "xliff").code == 0
    refused = cli("build", ARTICLE, "--lang", "vi", "--from", "locales/vi/mekong-summit.xlf")
    assert refused.code == 1
    assert "review locales/vi/mekong-summit.xlf" in refused.stderr and "PO" not in refused.stderr


def test_vietnamese_written_decomposed_is_detected_as_vietnamese(project, cli, installed_models):
    text = "Hai bên cho biết sẽ ký kết thỏa thuận hợp tác trong tháng tới tại Hà Nội."
    decomposed = unicodedata.normalize("NFD", text)
    assert decomposed != text and detect(decomposed).lang == "vi" and detect(decomposed).certain
    Path("sample_articles/nfd.txt").write_text(decomposed + "\n", encoding="utf-8")
    result = cli("translate", "sample_articles/nfd.txt", "--to", "en")
    assert result.code == 0 and "already in" not in result.stdout
    assert polib.pofile("locales/en/nfd.po").metadata["X-Source-Language"] == "vi"


def test_tmx_languages_match_case_insensitively_as_bcp47_says(tmp_path):
    path = tmp_path / "desk.tmx"
    path.write_text(
        """<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header srclang="en-US" datatype="plaintext" segtype="sentence" adminlang="en" creationtool="x" creationtoolversion="1" o-tmf="x"/>
<body><tu><tuv xml:lang="EN-us"><seg>Other news</seg></tuv><tuv xml:lang="VI-vn"><seg>Tin khác</seg></tuv></tu>
<tu><tuv xml:lang="en"><seg>Hello</seg></tuv><tuv xml:lang="ja-JP"><seg>こんにちは</seg></tuv></tu></body></tmx>""",
        encoding="utf-8",
    )
    units = tmx.read(path)
    assert [(u.source_lang, u.target_lang, u.source, u.target) for u in units] == [
        ("en", "vi", "Other news", "Tin khác"),
        ("en", "ja", "Hello", "こんにちは"),
    ]


def test_status_review_refuses_a_file_holding_another_articles_translations(project, cli, installed_models):
    assert cli("translate", ARTICLE, "sample_articles/asean-japan.txt", "--to", "vi").code == 0
    shutil.copy("locales/vi/mekong-summit.po", "locales/vi/asean-japan.po")  # copied over by hand
    for args in (("status", "--review", "--json"), ("status", "--json"), ("status", "sample_articles/asean-japan.txt")):
        result = cli(*args)
        assert result.code == 1, args
        assert "holds the translations of sample_articles/mekong-summit.md" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    Path("locales/vi/asean-japan.po").unlink()
    loads = json.loads(cli("status", "--review", "--json").stdout)
    assert [load["article"] for load in loads] == ["mekong-summit"]


@pytest.mark.parametrize("view", [(), ("--review",)])
def test_status_shows_every_other_article_beside_a_damaged_file(project, cli, installed_models, view):
    assert cli("translate", ARTICLE, "sample_articles/asean-japan.txt", "--to", "vi", "--engine", "none").code == 0
    Path("locales/vi/asean-japan.po").write_text('msgid "x"\nmsgstr "unterminated\n', encoding="utf-8")
    result = cli("status", *view)
    assert result.code == 1
    rows = {row[0]: row for row in table_rows(result.stdout)}
    assert set(rows) == {"mekong-summit", "asean-japan (unreadable)"}
    assert set(rows["asean-japan (unreadable)"][2:]) == {"—"}
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("transflow: error: locales/vi/asean-japan.po:2: malformed PO file") and "msgfmt --check" in line
    as_json = cli("status", "--json", *view)
    assert as_json.code == 1
    by_article = {row["article"]: row for row in json.loads(as_json.stdout)}
    assert by_article["asean-japan"]["error"].startswith("locales/vi/asean-japan.po:2:") and not by_article["mekong-summit"]["error"]


@pytest.mark.parametrize("view", [(), ("--review",)])
def test_status_marks_an_article_whose_source_was_deleted(project, cli, installed_models, view):
    assert cli("translate", ARTICLE, "sample_articles/asean-japan.txt", "--to", "vi", "--engine", "none").code == 0
    Path("sample_articles/asean-japan.txt").unlink()
    result = cli("status", *view)
    assert result.code == 0, result.stderr
    assert {row[0] for row in table_rows(result.stdout)} == {"mekong-summit", "asean-japan (source missing)"}
    assert (
        "asean-japan (vi): source sample_articles/asean-japan.txt is missing; restore it, "
        "or if the article was withdrawn delete locales/vi/asean-japan.po"
    ) in " ".join(result.stdout.split())
    rows = {row["article"]: row for row in json.loads(cli("status", "--json", *view).stdout)}
    assert (rows["asean-japan"]["source_missing"], rows["mekong-summit"]["source_missing"]) == ("sample_articles/asean-japan.txt", "")


def test_a_japanese_sentence_is_long_by_its_characters_not_words():
    settings = RiskSettings()
    _, risk = assess(Signals(source_words=45, source_in_characters=True), settings)
    assert not any("long sentence" in reason for reason in risk.reasons)
    _, risk = assess(Signals(source_words=120, source_in_characters=True), settings)
    assert "long sentence (120 characters)" in risk.reasons
    _, risk = assess(Signals(source_words=41), settings)
    assert "long sentence (41 words)" in risk.reasons


def test_a_japanese_draft_never_counts_its_sentence_in_words(project, cli, installed_models):
    long_line = "岩屋毅外務大臣は" + "日本はASEANを重要なパートナーと考えており、地域の発展を支援する方針だと述べた" * 3 + "。\n"
    Path("sample_articles/long.txt").write_text(long_line, encoding="utf-8")
    assert cli("translate", "sample_articles/long.txt", "--to", "en").code == 0
    comments = " ".join(entry.comment for entry in polib.pofile("locales/en/long.po"))
    assert "characters)" in comments and "words)" not in comments


def test_the_run_summary_counts_needs_work_apart_from_reviewed(project, cli, installed_models):
    article = "sample_articles/asean-japan.txt"
    assert cli("translate", article, "--to", "vi").code == 0
    path = Path("locales/vi/asean-japan.po")
    po = polib.pofile(str(path))
    drafts = [entry for entry in po if entry.msgstr][:4]
    for entry in drafts[:3]:
        entry.flags = []  # approved as it is
    drafts[3].msgstr = "Bản dịch của biên tập viên"  # rewritten, left as Needs Work
    po.save()
    result = cli("translate", article, "--to", "vi")
    assert "3 reviewed kept, 1 reviewer's translations needing work kept" in result.stdout


# Notes and origins: every note true of the text it sits on -------------------------------------------

NEWSROOM = Path(__file__).resolve().parent.parent / "glossaries" / "newsroom.csv"
REWRITTEN = "resilient supply chains and the development of human resources."  # rewritten and approved
APPROVED = "The roadmap sets out three priorities:"  # approved as the machine wrote it
NEEDS_WORK = "Priorities for the next three years"  # rewritten, left as needing work
REVISED = "Japan pledged 300 million USD for the period 2026–2028."  # approved, then revised in the article
REVISED_TO = "Japan pledged 350 million USD for the period 2026–2028."


def _poedit_review(path: Path, fmt: str) -> None:
    """A reviewer's session in Poedit, saved as Poedit saves (state-qualifier dropped, notes kept)."""
    if fmt == "po":
        po = polib.pofile(str(path))
        for entry in po:
            if entry.msgid == REWRITTEN:
                entry.msgstr, entry.flags = "chuỗi cung ứng bền vững và phát triển nguồn nhân lực.", []
            elif entry.msgid in (APPROVED, REVISED):
                entry.flags = []
            elif entry.msgid == NEEDS_WORK:
                entry.msgstr = "Ưu tiên trong ba năm tới"
        po.save()
        return
    from lxml import etree

    from transflow.exchange import xliff

    tree = etree.parse(str(path))
    ns = {"x": xliff.XLIFF12 if fmt == "xliff" else xliff.XLIFF20}
    for unit in tree.getroot().iterfind(".//x:trans-unit" if fmt == "xliff" else ".//x:unit", ns):
        source = "".join(unit.find(".//x:source", ns).itertext())
        target = unit.find(".//x:target", ns)
        text = {REWRITTEN: "chuỗi cung ứng bền vững và phát triển nguồn nhân lực.", NEEDS_WORK: "Ưu tiên trong ba năm tới"}.get(source)
        if text is not None:
            for child in list(target):
                target.remove(child)
            target.text = text
        if fmt == "xliff":
            target.attrib.pop("state-qualifier", None)  # Poedit's save drops it from every unit
        if source in (REWRITTEN, APPROVED, REVISED, NEEDS_WORK):
            poedit_mark_xliff(unit, "1.2" if fmt == "xliff" else "2.0", done=source != NEEDS_WORK)
    tree.write(str(path), xml_declaration=True, encoding="UTF-8")


def _walk_notes(path: Path, fmt: str, reviewed_revision: str) -> int:
    """Check every note on every entry against its text; return how many notes were checked."""
    from lxml import etree

    from transflow import qa
    from transflow.document import Origin, State
    from transflow.exchange import read, states, xliff
    from transflow.mtcache import Drafts
    from transflow.workflow import qa_context
    from transflow import glossary as glossaries

    catalog, _ = read(path)
    with Drafts(Path(".transflow/mt-cache.sqlite")) as drafts:
        machine = drafts.find("en", "vi", [unit.source for unit in catalog.units])
    context = qa_context("en", "vi", glossaries.load([NEWSROOM]), ())
    checked = 0
    for unit in catalog.units:
        said = f"{unit.source!r}: {unit.target!r}"
        machines = unit.target == machine.get(unit.source)
        if unit.origin is Origin.MT:
            assert machines, f"origin mt on a text the machine did not write: {said}"
        if unit.origin is Origin.HUMAN:
            assert not machines and unit.target, said
        if unit.origin is Origin.PREVIOUS:
            assert unit.target == reviewed_revision and unit.previous_target in (None, reviewed_revision), said  # PO keeps only #| msgid
        if unit.previous_source is not None:
            assert unit.state is State.REVISED and unit.source == REVISED_TO and unit.previous_source == REVISED, said
        if unit.risk is not None:
            assert unit.origin in (Origin.MT, Origin.TM_FUZZY) and machines, f"a review risk on a text no machine wrote: {said}"
        for problem in unit.problems:
            checked += 1
            assert unit.origin in (Origin.MT, Origin.TM_FUZZY), f"{problem} on {said}"
            if problem.check in qa.CHECKS and problem.check != "glossary":
                assert problem.message in list(qa.CHECKS[problem.check][1](unit, context)), f"{problem} not true of {said}"
            elif problem.check == "glossary" and "NOT ENFORCED" in problem.message:
                assert problem.message.split("'")[1] not in unit.target, f"{problem} not true of {said}"
        for note in unit.notes:
            checked += 1
            if note.startswith("glossary: "):
                term = note[len("glossary: ") :].split(" → ")[0]
                assert term.lower() in unit.source.lower(), f"{note} on {said}"
        if fmt == "xliff":
            root = etree.parse(str(path)).getroot()
            element = next(e for e in root.iterfind(f".//{{{xliff.XLIFF12}}}trans-unit") if e.get("id") in (xliff.shown_source(unit), xliff.unit_id(unit)))
            qualifier = element.find(f"{{{xliff.XLIFF12}}}target").get("state-qualifier")
            assert qualifier == (states.QUALIFIERS.get(unit.origin) if unit.origin else None), said
        if fmt == "xliff2":
            root = etree.parse(str(path)).getroot()
            element = next(e for e in root.iterfind(f".//{{{xliff.XLIFF20}}}unit") if e.get("id") == xliff.unit_id(unit))
            assert element.find(f"{{{xliff.XLIFF20}}}segment").get("subState") == (states.substate(unit.origin) if unit.target else None), said
    return checked


@pytest.mark.parametrize("fmt", ["po", "xliff", "xliff2"])
def test_every_note_is_true_of_its_text_after_translate_review_translate(fmt, project, cli, installed_models):
    args = ("translate", ARTICLE, "--to", "vi", "--glossary", str(NEWSROOM), "--format", fmt)
    assert cli(*args).code == 0
    path = Path("locales/vi/mekong-summit." + ("po" if fmt == "po" else "xlf"))
    _poedit_review(path, fmt)
    from transflow.exchange import read

    reviewed_revision = next(unit.target for unit in read(path)[0].units if unit.source == REVISED)
    article = Path(ARTICLE)
    article.write_text(article.read_text(encoding="utf-8").replace(REVISED, REVISED_TO), encoding="utf-8")
    assert cli(*args).code == 0
    units = {unit.source: unit for unit in read(path)[0].units}
    from transflow.document import Origin, State

    assert (units[REWRITTEN].origin, units[REWRITTEN].state) == (Origin.HUMAN, State.REVIEWED)
    assert not units[REWRITTEN].problems and units[REWRITTEN].risk is None
    assert (units[APPROVED].origin, units[APPROVED].state) == (Origin.MT, State.REVIEWED)
    assert (units[NEEDS_WORK].origin, units[NEEDS_WORK].state) == (Origin.HUMAN, State.DRAFT)
    assert units[REVISED_TO].state is State.REVISED
    if fmt != "po":
        assert units[REVISED_TO].previous_target == reviewed_revision
    assert _walk_notes(path, fmt, reviewed_revision) > 10
    once = path.read_bytes()
    assert cli(*args).code == 0
    assert path.read_bytes() == once  # nothing to change: not a byte


@pytest.mark.parametrize("fmt", ["xliff", "xliff2"])
def test_a_revised_source_shows_in_poedit_labelled_with_its_reviewed_translation(fmt, project, cli, installed_models):
    from conftest import poedit_items

    args = ("translate", ARTICLE, "--to", "vi", "--format", fmt)
    assert cli(*args).code == 0
    path = Path("locales/vi/mekong-summit.xlf")
    _poedit_review(path, fmt)
    article = Path(ARTICLE)
    article.write_text(article.read_text(encoding="utf-8").replace(REVISED, REVISED_TO), encoding="utf-8")
    assert cli(*args).code == 0
    item = next(item for item in poedit_items(path) if item.source == REVISED_TO)
    assert item.fuzzy
    assert f"previous source: {REVISED}" in item.comments
    assert f"previous translation: {item.translation}" in item.comments
    assert not any(line == REVISED for line in item.comments)  # never a bare, unlabelled sentence


# Inline codes as Poedit shows them ------------------------------------------------------------------------

CODED = {"sample_articles/mekong-summit.md": "x-markdown", "sample_articles/asean-cybersecurity.html": "html"}


@pytest.mark.parametrize("fmt", ["xliff", "xliff2"])
def test_every_inline_code_reaches_poedit_as_a_placeholder_it_highlights(fmt, project, cli, installed_models):
    from conftest import POEDIT_MARKUP, POEDIT_PLACEHOLDER, poedit_items

    from transflow.exchange import read

    assert cli("translate", *CODED, "--to", "vi", "--format", fmt).code == 0
    seen = 0
    for article in CODED:
        path = Path("locales/vi") / (Path(article).stem + ".xlf")
        units = read(path)[0].units
        items = poedit_items(path)
        assert len(items) == len(units)
        for unit, item in zip(units, items):
            raws = {unit.source[c.start : c.end] for c in unit.codes}
            for raw in raws:
                assert raw not in item.source.replace("{", "").replace("}", "") or not raw.strip("*_ "), (raw, item.source)
            assert len(item.placeholders) >= (len(unit.codes) if fmt == "xliff" else (len(unit.codes) + 1) // 2)
            for placeholder in item.placeholders:
                rule = POEDIT_PLACEHOLDER if fmt == "xliff" else POEDIT_MARKUP
                assert rule.fullmatch(placeholder) or POEDIT_PLACEHOLDER.fullmatch(placeholder), placeholder
                assert placeholder in item.source and placeholder in item.translation  # the draft keeps every one
            seen += bool(unit.codes)
            if fmt == "xliff":
                assert not any(line.startswith("ID: ") for line in item.comments), item.comments
    assert seen >= 8


def _poedit_save_translation(path: Path, source_shown: str, translation_shown: str) -> None:
    """Poedit's ``set_node_text_with_metadata``: the reviewer's text, placeholders back to markup, as the target."""
    from conftest import poedit_items
    from lxml import etree

    from transflow.exchange import xliff

    tree = etree.parse(str(path))
    items = poedit_items(path)
    root = tree.getroot()
    ns = xliff.XLIFF12 if root.get("version") == "1.2" else xliff.XLIFF20
    nodes = [u for u in root.iter(f"{{{ns}}}trans-unit")] if ns == xliff.XLIFF12 else [s for s in root.iter(f"{{{ns}}}segment")]
    nodes = [n for n in nodes if (n if ns == xliff.XLIFF12 else n.getparent()).get("translate") != "no"]
    index = next(i for i, item in enumerate(items) if item.source == source_shown)
    from conftest import _metadata

    source = nodes[index].find(f"{{{ns}}}source")
    single, group = ("x", "g") if ns == xliff.XLIFF12 else ("ph", "pc")
    _, substitutions, _ = _metadata(source, single, group, lambda node: node.get("equiv-text") or node.get("disp") or node.get("equiv") or "")
    markup = translation_shown
    for placeholder, raw in substitutions:
        markup = markup.replace(placeholder, raw)
    target = nodes[index].find(f"{{{ns}}}target")
    fragment = etree.fromstring(f'<t xmlns="{ns}">{markup}</t>')
    for child in list(target):
        target.remove(child)
    target.text = fragment.text
    for child in fragment:
        target.append(child)
    tree.write(str(path), xml_declaration=True, encoding="UTF-8")


@pytest.mark.parametrize("fmt", ["xliff", "xliff2"])
def test_a_reviewer_moving_placeholders_in_poedit_builds_the_markup(fmt, project, cli, installed_models):
    from conftest import poedit_items

    article = "sample_articles/mekong-summit.md"
    assert cli("translate", article, "--to", "vi", "--format", fmt).code == 0
    path = Path("locales/vi/mekong-summit.xlf")
    item = next(item for item in poedit_items(path) if "Tokyo Strategy 2026" in item.source)
    opening, closing = item.placeholders[0], item.placeholders[1]
    if fmt == "xliff2":
        opening, closing = next(p for p in item.placeholders if p.startswith("<g")), "</g>"
    _poedit_save_translation(path, item.source, f"Các nhà lãnh đạo đã thông qua {opening}Chiến lược Tokyo 2026{closing} về tăng trưởng xanh.")
    built = cli("build", article, "--lang", "vi", "--include-fuzzy", "--from", str(path), "--min-translated", "0")
    assert built.code == 0, built.stderr
    output = Path("localized/vi/mekong-summit.md").read_text(encoding="utf-8")
    assert "thông qua [Chiến lược Tokyo 2026](https://www.mofa.go.jp/region/asia-paci/mekong/index.html) về tăng trưởng xanh." in output


# Honest counts ----------------------------------------------------------------------------------------------


def test_build_says_a_draft_is_fuzzy_not_untranslated_and_counts_as_status_does(project, cli, installed_models):
    import re

    assert cli("translate", ARTICLE, "--to", "vi").code == 0
    po = polib.pofile("locales/vi/mekong-summit.po")
    title = po.find("Mekong-Japan leaders agree on green growth roadmap")  # front matter and heading: one entry
    assert len(title.occurrences) == 2
    title.flags = []
    po.find("Mekong-Japan Summit").flags = []  # the image title: keeps the sentences below among the ten listed
    po.find(APPROVED).flags = []
    po.find(NEEDS_WORK).msgstr = ""
    po.save()
    built = cli("build", ARTICLE, "--lang", "vi")
    assert built.code == 1
    assert f": fuzzy, not reviewed yet (--include-fuzzy builds drafts): {REWRITTEN}" in built.stderr
    assert f": untranslated: {NEEDS_WORK}" in built.stderr
    status = json.loads(cli("status", ARTICLE, "--json").stdout)[0]
    total = status["translated"] + status["fuzzy"] + status["untranslated"]
    assert f"only {status['translated']} of {total} segments" in built.stderr
    assert status["translated"] == 3 and len(po) == total
    built = cli("build", ARTICLE, "--lang", "vi", "--include-fuzzy", "--min-translated", "0")
    assert re.search(rf"{total - 1}/{total} segments translated", built.stdout), built.stdout


def test_status_says_why_units_marked_done_do_not_count(project, cli, installed_models):
    from lxml import etree

    from transflow.exchange import xliff

    assert cli("translate", ARTICLE, "--to", "vi", "--format", "xliff").code == 0
    path = Path("locales/vi/mekong-summit.xlf")
    tree = etree.parse(str(path))
    ns = {"x": xliff.XLIFF12}
    for unit in tree.iterfind(".//x:trans-unit", ns):
        target = unit.find("x:target", ns)
        if len(target):  # the reviewer approved every coded unit, one with a code deleted
            target.set("state", "translated")
    damaged = next(u for u in tree.iterfind(".//x:trans-unit", ns) if "Strategy" in "".join(u.find("x:source", ns).itertext()))
    damaged.find("x:target", ns).remove(damaged.find("x:target", ns)[-1])
    tree.write(str(path), xml_declaration=True, encoding="UTF-8")
    result = cli("status", ARTICLE)
    assert result.code == 0
    assert "1 marked done but counted as fuzzy: their inline codes are damaged" in result.stdout
    assert json.loads(cli("status", ARTICLE, "--json").stdout)[0]["codes_damaged"] == 1
    built = cli("build", ARTICLE, "--lang", "vi", "--from", str(path), "--min-translated", "0")
    assert "marked done, but its inline codes are damaged (fix the tags): The leaders adopted" in built.stderr


# Markup a source shows as text --------------------------------------------------------------------------


def test_markdown_showing_markup_as_text_builds_when_the_translation_keeps_it(project, cli):
    from markdown_it import MarkdownIt

    Path("sample_articles/tags.md").write_text(
        "Editors must not type \\<br/> in a headline.\n\nThe page showed &lt;script&gt; as text.\n", encoding="utf-8"
    )
    assert cli("translate", "sample_articles/tags.md", "--to", "vi", "--engine", "none").code == 0
    po = polib.pofile("locales/vi/tags.po")
    for entry in po:
        entry.msgstr = "VI " + entry.msgid
    po.save()
    built = cli("build", "sample_articles/tags.md", "--lang", "vi")
    assert built.code == 0, built.stderr
    rendered = MarkdownIt().render(Path("localized/vi/tags.md").read_text(encoding="utf-8"))
    assert "&lt;br/&gt;" in rendered and "&lt;script&gt;" in rendered and "<script" not in rendered and "<br" not in rendered
    po.find("The page showed &lt;script&gt; as text.").msgstr = "VI <b>The page</b> showed &lt;script&gt; as text."
    po.save()
    refused = cli("build", "sample_articles/tags.md", "--lang", "vi", "--force", "-o", "other.md")
    assert refused.code == 1 and "adds markup its source does not have: '<b>'" in refused.stderr


def test_terms_a_japanese_source_writes_together_are_two_words_in_vietnamese():
    """グエン・ミン・ハン外務副大臣: a name and a title, both glossary terms, no space between them in Japanese."""
    from transflow.glossary.enforce import TermSpan
    from transflow.protect import FORMS, protect, restore

    text = "グエン・ミン・ハン外務副大臣は述べた。"
    name, title = text.index("外務"), text.index("は")
    terms = [TermSpan(0, name, "Nguyễn Minh Hằng", ()), TermSpan(name, title, "Thứ trưởng Bộ Ngoại giao", ())]
    for form in FORMS:
        prepared = protect(text, (), form, terms)
        output = prepared.text.replace("は述べた。", "phát biểu.")  # a model that keeps the placeholders together
        assert restore(prepared, output, spaced=True) == "Nguyễn Minh Hằng Thứ trưởng Bộ Ngoại giao phát biểu."
        assert restore(prepared, prepared.text, spaced=False) == "Nguyễn Minh HằngThứ trưởng Bộ Ngoại giaoは述べた。"  # Japanese: no spaces
        glued = prepared.text.replace("は述べた。", "nói.").replace(form.render(2), form.render(2) + "x")
        assert "giao xnói" in restore(prepared, glued, spaced=True)


# Figures --------------------------------------------------------------------------------------------------


def test_a_date_kept_as_the_source_writes_it_is_the_wrong_style_not_missing():
    from transflow import qa
    from transflow.document import Unit

    context = qa.Context("en", "vi")
    kept = Unit("The talks ended on Dec. 2 in Hanoi.", "Cuộc đàm phán kết thúc vào Dec. 2 tại Hà Nội.")
    problems = [(p.check, p.severity, p.message) for p in qa.run([kept], "f.po", context) if p.check in ("numbers", "figure-style")]
    assert problems == [("figure-style", qa.WARNING, "Dec. 2 is written as in the source, not in the vi house style")]
    styled = Unit("The talks ended on Dec. 2 in Hanoi.", "Cuộc đàm phán kết thúc vào ngày 2/12 tại Hà Nội.")
    assert [p for p in qa.run([styled], "f.po", context) if p.check in ("numbers", "figure-style")] == []
    lost = Unit("The talks ended on Dec. 2 in Hanoi.", "Cuộc đàm phán kết thúc tại Hà Nội.")
    assert [p.message for p in qa.run([lost], "f.po", context) if p.check == "numbers"] == ["Dec. 2 of the source is missing from the translation"]


def test_an_article_in_two_languages_is_taken_by_its_majority_and_warned_about(project, cli, installed_models):
    english = [  # short, plain sentences: the whole text alone reads as Vietnamese
        "Foreign ministers met in Kuala Lumpur on Thursday.",
        "Officials signed the cyber declaration on Friday.",
        "The ministers discussed maritime security and trade.",
        "Leaders expect the summit in Hanoi next year.",
    ]
    vietnamese = [
        "Hai bên cho biết sẽ ký kết thỏa thuận hợp tác trong tháng tới tại Hà Nội.",
        "Các bộ trưởng nhất trí tăng cường hợp tác về an ninh mạng và chuyển đổi số.",
    ]
    Path("sample_articles/mixed.txt").write_text("\n\n".join(english[:2] + vietnamese + english[2:]) + "\n", encoding="utf-8")
    assert detect("\n\n".join(english[:2] + vietnamese + english[2:])).lang == "vi"
    result = cli("translate", "sample_articles/mixed.txt", "--to", "vi")
    assert result.code == 0, result.stderr
    assert "warning: sample_articles/mixed.txt: mixes languages: 4 paragraphs in English (en), 2 in Vietnamese (vi)" in result.stdout
    assert polib.pofile("locales/vi/mixed.po").metadata["X-Source-Language"] == "en"  # the English paragraphs reach the vi edition
    single = cli("translate", ARTICLE, "--to", "vi")
    assert "mixes languages" not in single.stdout


def test_figures_transflow_cannot_render_exactly_are_carried_as_written_and_named(project, cli, installed_models):
    debt = "1,234,567,890,123,456,789,012,345,678,901,234,567,890,123,456,789,012,345,678,901,234,567,890.5"
    root = Path(__file__).resolve().parent.parent
    shutil.copy(root / "transflow.toml", "transflow.toml")  # the house styles a newsroom uses (ja: 午前12時 for 0:00)
    shutil.copytree(root / "glossaries", "glossaries")
    Path("sample_articles/odd.txt").write_text(
        f"The deadline is 31/02/2024 for every ministry.\n\nThe polls close at 24:00 on Sunday.\n\nThe debt stands at ${debt} billion.\n",
        encoding="utf-8",
    )
    for lang in ("vi", "ja"):
        assert cli("translate", "sample_articles/odd.txt", "--to", lang).code == 0
        po = polib.pofile(f"locales/{lang}/odd.po")
        deadline = next(e for e in po if "31/02/2024" in e.msgid)
        assert "31/02/2024" in deadline.msgstr and "figure-kept: '31/02/2024' carried as written" in deadline.comment
        debt_entry = next(e for e in po if debt in e.msgid)
        assert debt in debt_entry.msgstr and f"figure-kept: '{debt}' carried as written: more than 28 digits" in debt_entry.comment
        polls = next(e for e in po if "24:00" in e.msgid)
        assert "午前12時" not in polls.msgstr
        if lang == "ja":
            assert "24:00" in polls.msgstr and "would read as another value" in polls.comment
        checked = cli("qa", f"locales/{lang}/odd.po", "--format", "json")
        errors = [p for p in json.loads(checked.stdout) if p["severity"] == "error" and p["check"] in ("numbers", "figure")]
        assert errors == [], errors  # transflow's own drafts pass its own checks
        assert not any(p.startswith("figure:") or "NOT ENFORCED" in p for e in po for p in e.comment.splitlines()), lang


def test_a_batch_report_carries_the_mixed_language_warning(project, cli, installed_models):
    Path("inbox").mkdir()
    Path("inbox/mixed.txt").write_text(
        "The foreign ministers of ASEAN and Japan met in Kuala Lumpur on Thursday to discuss trade.\n\n"
        "They agreed that the new declaration would be signed at the summit later this year.\n\n"
        "Hai bên cho biết sẽ ký kết thỏa thuận hợp tác trong tháng tới tại Hà Nội.\n",
        encoding="utf-8",
    )
    result = cli("batch", "inbox", "--to", "vi", "--report", "report.json")
    assert result.code == 0, result.stderr
    assert "mixes languages: 2 paragraphs in English (en), 1 in Vietnamese (vi)" in result.stdout + result.stderr
    rows = json.loads(Path("report.json").read_text(encoding="utf-8"))
    assert [row["warning"].startswith("warning: inbox/mixed.txt: mixes languages") for row in rows] == [True]


def test_a_tm_suggestion_the_reviewer_rewrote_and_approved_is_human(project, cli):
    remembered, sentence = "The ministers also discussed the East Sea issue today.", "The ministers also discussed the East Sea issue."
    Path("seed.po").write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: vi\\n"\n"X-Source-Language: en\\n"\n\n'
        f'msgid "{remembered}"\nmsgstr "Các bộ trưởng hôm nay cũng thảo luận vấn đề Biển Đông."\n',
        encoding="utf-8",
    )
    assert cli("tm", "import", "seed.po").code == 0
    args = ("translate", "sample_articles/asean-japan.txt", "--to", "vi", "--engine", "none")
    assert cli(*args).code == 0
    po = polib.pofile("locales/vi/asean-japan.po")
    entry = po.find(sentence)
    assert entry.fuzzy and "origin: tm-fuzzy" in entry.comment
    entry.msgstr, entry.flags = "Các bộ trưởng còn bàn về Biển Đông.", []  # rewritten and approved in Poedit
    po.save()
    assert cli(*args).code == 0
    entry = polib.pofile("locales/vi/asean-japan.po").find(sentence)
    assert entry.msgstr == "Các bộ trưởng còn bàn về Biển Đông." and not entry.fuzzy
    assert "origin: human" in entry.comment and "tm-fuzzy" not in entry.comment
