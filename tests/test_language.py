"""Source language: detected per article, --from checked against the text, mixed inboxes in one run."""

import json
import re
from pathlib import Path

import polib
import pytest

from conftest import QA_CASES, ROOT, SAMPLES
from transflow.detect import detect
from transflow.formats import parse_file
from transflow.segment import segments_of

SAMPLE_LANGS = {
    "asean-japan.txt": "en",
    "mekong-summit.md": "en",
    "asean-cybersecurity.html": "en",
    "hoi-nghi-asean.txt": "vi",
    "asean-nihon.txt": "ja",
}

# The hard cases: headlines, English full of Vietnamese names, Vietnamese with few marks, kanji-only Japanese.
CURATED = [
    ("en", "Prime Minister Phạm Minh Chính met Japanese Prime Minister Ishiba Shigeru in Tokyo on Monday."),
    ("en", "Deputy Foreign Minister Nguyễn Quốc Dũng and Đỗ Hùng Việt attended the meeting in Hà Nội."),
    ("en", "Phạm Minh Chính visits Tokyo"),
    ("en", "The café owner's résumé was reviewed by the committee."),
    ("en", "Other news"),
    ("en", "ASEAN, Japan to sign cybersecurity declaration"),
    ("vi", "Thủ tướng Phạm Minh Chính thăm Nhật Bản"),
    ("vi", "Hai bên cho biết sẽ ký kết thỏa thuận trong tháng tới."),
    ("vi", "Tin khác"),
    ("vi", "Ông Kishida Fumio cho biết Tokyo sẽ tiếp tục hỗ trợ ASEAN."),
    ("ja", "日越首脳会談"),
    ("ja", "ASEANとJapanのFTA"),
    ("ja", "岸田文雄首相は東京でファム・ミン・チン首相と会談した。"),
]

_SENTENCE_END = re.compile(r"[.!?。！？][\"'”’」）)]*\s*$")


def full_sentence(text: str) -> bool:
    """A complete sentence (or several): the detector must never be wrong on one."""
    words = re.findall(r"[^\W\d_]+", text)
    cjk = len(re.findall(r"[\u3040-\u30ff\u3400-\u9fff]", text))
    return bool(_SENTENCE_END.search(text)) and (len(words) >= 4 or cjk >= 8)


def fixture_texts() -> list[tuple[str, str, str]]:
    """Texts with a known language from the test suite itself: the QA cases and the TM units' texts."""
    found = []
    for lang, cases in QA_CASES.items():
        for source, (clean, *_rest) in cases.items():
            found += [("QA case", "en", source), ("QA case", lang, clean)]
    units = json.loads((ROOT / "tests" / "data" / "tm_unit_texts.json").read_text(encoding="utf-8"))
    return found + [("TM unit", unit["lang"], unit["text"]) for unit in units]


def accuracy_table() -> list[tuple[str, str, str, str, bool]]:
    """(origin, expected, detected, text, full sentence) for every article, block, curated case and fixture."""
    rows = []
    for name, lang in SAMPLE_LANGS.items():
        doc = parse_file(SAMPLES / name)
        blocks = [block.text for block in doc.blocks if block.role != "language"]
        rows.append((name, lang, detect("\n".join(blocks)).lang, "(whole article)", True))
        rows += [(f"{name} block", lang, detect(text).lang, text, full_sentence(text)) for text in blocks if any(c.isalpha() for c in text)]
    rows += [("curated", lang, detect(text).lang, text, full_sentence(text)) for lang, text in CURATED]
    rows += [(origin, lang, detect(text).lang, text, full_sentence(text)) for origin, lang, text in fixture_texts()]
    return rows


def test_detector_accuracy_table(capsys):
    rows = accuracy_table()
    sentences = [row for row in rows if row[4]]
    headlines = [row for row in rows if not row[4]]
    with capsys.disabled():
        print(f"\nlanguage detection: {len(rows)} texts")
        for label, group in (("full sentences / articles", sentences), ("headlines and fragments", headlines)):
            for lang in ("en", "vi", "ja"):
                mine = [row for row in group if row[1] == lang]
                right = sum(row[1] == row[2] for row in mine)
                print(f"  {label:26} {lang}: {right}/{len(mine)} correct")
        for origin, expected, found, text, _ in rows:
            if expected != found:
                print(f"  wrong ({origin}): expected {expected}, detected {found}: {text[:70]!r}")
    assert len(sentences) >= 60 and len(headlines) >= 15 and {row[1] for row in sentences} == {"en", "vi", "ja"}
    assert [row for row in sentences if row[1] != row[2]] == []
    assert sum(row[1] == row[2] for row in headlines) >= 0.9 * len(headlines)


def test_a_full_sentence_is_detected_with_certainty():
    for lang, text in CURATED:
        found = detect(text)
        assert found.lang == lang, (text, found)
        if full_sentence(text):
            assert found.certain, (text, found)
    assert not detect("Phạm Minh Chính visits Tokyo").certain  # a headline never contradicts --from
    assert not detect("ASEAN 2026").evidence  # nothing to go on: the project's default applies


def mixed_inbox(project: Path) -> Path:
    inbox = project / "inbox"
    inbox.mkdir()
    for name in ("asean-japan.txt", "hoi-nghi-asean.txt", "asean-nihon.txt"):
        (inbox / name).write_bytes((SAMPLES / name).read_bytes())
    return inbox


def test_a_mixed_inbox_is_one_batch_run(project, cli, installed_models):
    mixed_inbox(project)
    result = cli("batch", "inbox", "--to", "en,vi,ja", "--report", "report.json")
    assert result.code == 0, result.stderr
    report = {(r["article"], r["language"]): r for r in json.loads(Path("report.json").read_text(encoding="utf-8"))}
    assert {key: r["source_language"] for key, r in report.items() if r["status"] == "translated"} == {
        ("inbox/asean-japan.txt", "vi"): "en",
        ("inbox/asean-japan.txt", "ja"): "en",
        ("inbox/hoi-nghi-asean.txt", "en"): "vi",
        ("inbox/hoi-nghi-asean.txt", "ja"): "vi",  # through the English pivot
        ("inbox/asean-nihon.txt", "en"): "ja",
        ("inbox/asean-nihon.txt", "vi"): "ja",
    }
    assert {key for key, r in report.items() if r["status"] == "same-language"} == {
        ("inbox/asean-japan.txt", "en"), ("inbox/hoi-nghi-asean.txt", "vi"), ("inbox/asean-nihon.txt", "ja"),
    }
    assert not Path("locales/vi/hoi-nghi-asean.po").exists() and not Path("locales/ja/asean-nihon.po").exists()
    for target, name, source in (("ja", "hoi-nghi-asean", "vi"), ("vi", "asean-nihon", "ja"), ("vi", "asean-japan", "en")):
        po = polib.pofile(f"locales/{target}/{name}.po")
        assert po.metadata["X-Source-Language"] == source and po.metadata["Language"] == target
        article = next(SAMPLES.glob(f"{name}.*"))
        expected = list(dict.fromkeys(seg.text for seg in segments_of(parse_file(article), source) if seg.translatable))
        assert [entry.msgid for entry in po] == expected  # cut by the article's own language rules
        assert all(entry.msgstr for entry in po)
    japanese = parse_file(SAMPLES / "asean-nihon.txt")
    assert [s.text for s in segments_of(japanese, "ja")] != [s.text for s in segments_of(japanese, "en")]  # the check above can fail


def test_translate_without_from_uses_each_articles_language(project, cli, installed_models):
    result = cli("translate", "sample_articles/hoi-nghi-asean.txt", "sample_articles/asean-nihon.txt", "--to", "vi,ja")
    assert result.code == 0, result.stderr
    assert "sample_articles/hoi-nghi-asean.txt: already in vi, not translated into it" in result.stdout
    assert polib.pofile("locales/ja/hoi-nghi-asean.po").metadata["X-Source-Language"] == "vi"
    assert polib.pofile("locales/vi/asean-nihon.po").metadata["X-Source-Language"] == "ja"
    assert not Path("locales/vi/hoi-nghi-asean.po").exists() and not Path("locales/ja/asean-nihon.po").exists()


def test_from_that_contradicts_the_text_is_refused(project, cli, installed_models):
    refused = cli("translate", "sample_articles/asean-nihon.txt", "--from", "en", "--to", "vi")
    assert refused.code == 2
    assert "sample_articles/asean-nihon.txt: is written in Japanese (ja" in refused.stderr and "--from-force" in refused.stderr
    assert not Path("locales").exists()
    mixed_inbox(project)
    batch = cli("batch", "inbox", "--from", "en", "--to", "ja", "--report", "report.json")
    assert batch.code == 1
    report = {r["article"]: r for r in json.loads(Path("report.json").read_text(encoding="utf-8"))}
    assert report["inbox/hoi-nghi-asean.txt"]["status"] == "failed" and "Vietnamese (vi" in report["inbox/hoi-nghi-asean.txt"]["error"]
    assert report["inbox/asean-japan.txt"]["status"] == "translated"
    forced = cli("translate", "sample_articles/mekong-summit.md", "--from", "vi", "--from-force", "--to", "ja")
    assert forced.code == 0, forced.stderr
    assert polib.pofile("locales/ja/mekong-summit.po").metadata["X-Source-Language"] == "vi"
    assert cli("translate", "sample_articles/mekong-summit.md", "--from-force", "--to", "ja").code == 2


def test_a_po_made_from_another_language_is_never_overwritten(project, cli, installed_models):
    article = Path("sample_articles/chuyen-tham.txt")
    article.write_bytes((SAMPLES / "hoi-nghi-asean.txt").read_bytes())
    assert cli("translate", article, "--to", "ja").code == 0
    po_path = Path("locales/ja/chuyen-tham.po")
    po = polib.pofile(str(po_path))
    po[0].msgstr, po[0].flags = "ベトナムと日本、ASEANの枠組みで協力強化", []
    po.save()
    before = po_path.read_bytes()
    forced = cli("translate", article, "--from", "en", "--from-force", "--to", "ja")
    assert forced.code == 1 and "locales/ja/chuyen-tham.po: was made from vi (X-Source-Language)" in forced.stderr
    article.write_bytes((SAMPLES / "asean-japan.txt").read_bytes())  # the file now holds the English version
    replaced = cli("batch", "sample_articles/chuyen-tham.txt", "--to", "ja")
    assert replaced.code == 1 and "was made from vi (X-Source-Language)" in replaced.stderr
    assert po_path.read_bytes() == before


@pytest.mark.parametrize("command", ["translate", "batch"])
def test_an_undetectable_article_takes_the_project_language(project, cli, installed_models, command):
    Path("transflow.toml").write_text('source = "vi"\ntargets = ["en"]\n', encoding="utf-8")
    Path("numbers.txt").write_text("ASEAN 2026\n\nTTXVN\n", encoding="utf-8")
    assert cli(command, "numbers.txt").code == 0
    assert polib.pofile("locales/en/numbers.po").metadata["X-Source-Language"] == "vi"


def test_a_region_or_case_variant_of_a_language_is_that_language(project, cli, installed_models):
    """vi-VN, ja-JP, EN and en-US (as editors and CMSs write them) name vi, ja and en: the same files, no locales/vi_VN."""
    assert cli("translate", "sample_articles/asean-japan.txt", "--to", "vi-VN,JA_jp", "--from", "EN").code == 0
    assert sorted(p.name for p in Path("locales").iterdir()) == ["ja", "vi"]
    assert polib.pofile("locales/vi/asean-japan.po").metadata["Language"] == "vi"
    assert cli("translate", "sample_articles/hoi-nghi-asean.txt", "--to", "en-US").code == 0
    assert Path("locales/en/hoi-nghi-asean.po").is_file()
    built = cli("build", "sample_articles/asean-japan.txt", "--lang", "vi-VN", "--include-fuzzy")
    assert built.code == 0, built.stderr
    assert Path("localized/vi/asean-japan.txt").is_file()
    rows = json.loads(cli("status", "--lang", "VI", "--json").stdout)
    assert [(row["article"], row["language"]) for row in rows] == [("asean-japan", "vi")]


@pytest.mark.parametrize("tag", ["xx", "i-klingon", "vi--"])
def test_an_unknown_language_is_one_line_naming_the_supported_ones(project, cli, tag):
    for args in (("translate", "sample_articles/asean-japan.txt", "--to", tag), ("status", "--lang", tag)):
        result = cli(*args)
        assert result.code == 2
        [line] = result.stderr.strip().splitlines()
        assert f"unknown language {tag!r}; the supported languages are en, vi, ja" in line
