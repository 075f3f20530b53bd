"""What reviewers see is true (issue 23): messages, counts, languages and declarations say what is so."""

from __future__ import annotations

import json
import shutil
import unicodedata
from pathlib import Path

import polib

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
