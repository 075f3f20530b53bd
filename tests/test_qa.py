"""QA: every seeded problem is caught by exactly its check; clean translations pass; en→vi and en→ja."""

import json
import shutil
import subprocess
from pathlib import Path

import polib
import pytest

from conftest import QA_CASES

GLOSSARY = "en,vi,ja,type\nDeputy Foreign Minister,Thứ trưởng Bộ Ngoại giao,外務副大臣,title\nForeign Minister,Bộ trưởng Ngoại giao|~Ngoại trưởng,外務大臣|~外相,title\nJAIF,JAIF,JAIF,\n"


@pytest.fixture
def seeded(project, cli):
    """An article with every source sentence, its PO files (clean and seeded) per language, and the glossary."""
    Path("glossary.csv").write_text(GLOSSARY, encoding="utf-8")
    files = {}
    for lang, cases in QA_CASES.items():
        Path(f"qa-{lang}.md").write_text("\n\n".join(cases) + "\n", encoding="utf-8")
        assert cli("translate", f"qa-{lang}.md", "--to", lang, "--engine", "none").code == 0
        for variant in ("clean", "seeded"):
            po = polib.pofile(f"locales/{lang}/qa-{lang}.po")
            for entry in po:
                clean, bad, _ = cases[entry.msgid]
                entry.msgstr = clean if variant == "clean" else bad
            path = Path(f"{lang}-{variant}.po")
            po.save(str(path))
            files[(lang, variant)] = path
    return files


@pytest.mark.parametrize("lang", ["vi", "ja"])
def test_each_seeded_error_is_caught_by_exactly_its_check(lang, seeded, cli):
    clean = cli("qa", seeded[(lang, "clean")], "--glossary", "glossary.csv", "--fail-on", "warning")
    assert clean.code == 0, clean.stdout
    result = cli("qa", seeded[(lang, "seeded")], "--glossary", "glossary.csv", "--format", "json")
    assert result.code == 1
    found = {(p["source"], p["check"]) for p in json.loads(result.stdout)}
    expected = {(source, check) for source, (_, _, check) in QA_CASES[lang].items()}
    assert found == expected


def test_consistency_across_files(seeded, cli):
    other = polib.pofile(str(seeded[("vi", "clean")]))
    other.find("The ministers agreed on the plan.").msgstr = "Các bộ trưởng nhất trí với kế hoạch."
    other.save("vi-other.po")
    result = cli("qa", seeded[("vi", "clean")], "vi-other.po", "--format", "json")
    problems = json.loads(result.stdout)
    assert {(p["file"], p["check"]) for p in problems} == {(str(seeded[("vi", "clean")]), "consistency"), ("vi-other.po", "consistency")}
    assert result.code == 0  # warnings only
    assert cli("qa", seeded[("vi", "clean")], "vi-other.po", "--fail-on", "warning").code == 1


def test_exemptions_and_disabled_checks(seeded, cli):
    po = polib.pofile(str(seeded[("vi", "seeded")]))
    po.find("Trade reached 240.8 billion USD on Nov. 27.").tcomment = "qa-ignore: numbers"
    po.find("The summit ended late in the evening.").tcomment = "qa-ignore"
    po.save()
    Path("transflow.toml").write_text('[qa]\ndisable = ["length", "repeated-word"]\n', encoding="utf-8")
    result = cli("qa", seeded[("vi", "seeded")], "--glossary", "glossary.csv", "--format", "json")
    checks = {p["check"] for p in json.loads(result.stdout)}
    assert not checks & {"numbers", "untranslated", "length", "repeated-word"}
    assert "glossary" in checks


def test_build_refuses_on_qa_errors_unless_forced(seeded, cli):
    shutil.copy(seeded[("vi", "seeded")], "locales/vi/qa-vi.po")
    refused = cli("build", "qa-vi.md", "--lang", "vi", "--min-translated", "0")
    assert refused.code == 1 and "QA errors" in refused.stderr and "[numbers]" in refused.stderr
    assert not Path("localized/vi/qa-vi.md").exists()
    forced = cli("build", "qa-vi.md", "--lang", "vi", "--min-translated", "0", "--force")
    assert forced.code == 0 and Path("localized/vi/qa-vi.md").exists()


def test_machine_drafts_carry_qa_warnings(project, cli, installed_models):
    cli("translate", "sample_articles/asean-japan.txt", "--to", "vi")
    entry = polib.pofile("locales/vi/asean-japan.po").find("The ministers also discussed the East Sea issue.")
    assert "qa: untranslated: the translation is the source text" in entry.comment  # the copy model copies


def test_pofilter_reads_the_same_file(seeded):
    """translate-toolkit's pofilter, run on the seeded file for the README's comparison table."""
    import sys

    pofilter = shutil.which("pofilter", path=str(Path(sys.executable).parent)) or shutil.which("pofilter")
    if pofilter is None:
        pytest.skip("pofilter (translate-toolkit) is not on PATH")
    out = Path("pofilter-out.po")
    subprocess.run([pofilter, "--nofuzzy", "-i", str(seeded[("vi", "seeded")]), "-o", str(out)], check=True, capture_output=True)
    flagged = {entry.msgid for entry in polib.pofile(str(out))}
    assert "See https://asean.org/news for more." in flagged  # pofilter's urls test
    assert "Deputy Foreign Minister Nguyen Quoc Dung arrived." not in flagged  # it knows no glossary


def test_locations_name_the_line_in_the_file_checked(project, cli):
    """``file:line`` opens the entry in the PO (the unit in the XLIFF), not the article line."""
    article = Path("sample_articles/asean-japan.txt")
    for fmt, suffix in (("po", "po"), ("xliff", "xlf")):
        assert cli("translate", article, "--to", "vi", "--engine", "none", "--format", fmt).code == 0
    po = polib.pofile("locales/vi/asean-japan.po")
    entry = po.find("Other news")
    entry.msgstr = "Tin khác ,"
    po.save()
    lines = Path("locales/vi/asean-japan.po").read_text(encoding="utf-8").splitlines()
    start = lines.index('msgid "Other news"')
    while start > 0 and lines[start - 1].startswith("#"):
        start -= 1
    article_line = entry.occurrences[0][1]
    result = cli("qa", "locales/vi/asean-japan.po", "--format", "json")
    spacing = [p for p in json.loads(result.stdout) if p["check"] == "spacing"]
    assert [p["line"] for p in spacing] == [start + 1] and str(start + 1) != article_line
    from transflow.exchange import read, write

    catalog, _ = read(Path("locales/vi/asean-japan.xlf"))
    unit = next(u for u in catalog.units if u.source == "Other news")
    unit.target = "Tin khác ,"
    write(Path("locales/vi/asean-japan.xlf"), catalog, str(article), "xliff")
    text = Path("locales/vi/asean-japan.xlf").read_text(encoding="utf-8").splitlines()
    unit_line = next(i for i, line in enumerate(text, 1) if "<trans-unit" in line and xliff_id(unit) in line)
    result = cli("qa", "locales/vi/asean-japan.xlf", "--format", "json")
    assert [p["line"] for p in json.loads(result.stdout) if p["check"] == "spacing"] == [unit_line]


def xliff_id(unit) -> str:
    from transflow.exchange.xliff import shown_source

    return f'id="{shown_source(unit)}"'


def test_no_spacing_warning_where_an_inline_code_meets_punctuation(project, cli):
    Path("codes.md").write_text(
        "Read the [report](https://asean.org/r). Then **Tokyo (VNA)**, said the *minister*; she left.\n", encoding="utf-8"
    )
    assert cli("translate", "codes.md", "--to", "vi", "--engine", "none").code == 0
    po = polib.pofile("locales/vi/codes.po")
    for entry in po:
        entry.msgstr = entry.msgid  # a translation identical to its source
    po.save()
    problems = json.loads(cli("qa", "locales/vi/codes.po", "--format", "json").stdout)
    assert [p for p in problems if p["check"] == "spacing"] == []
    po[0].msgstr = po[0].msgid.replace("report](https://asean.org/r).", "report](https://asean.org/r) .")
    po.save()
    problems = json.loads(cli("qa", "locales/vi/codes.po", "--format", "json").stdout)
    assert [p["message"] for p in problems if p["check"] == "spacing"] == ["space before punctuation"]


def test_every_bracket_a_careless_model_dropped_is_flagged(project, cli, careless_engine):
    """pofilter's brackets test compares with the source; so does ours, and it misses none of pofilter's."""
    import sys

    from transflow.draft import collect_units, draft
    from transflow.exchange import write
    from transflow.exchange.catalog import Catalog
    from transflow.formats import parse_file
    from transflow.segment import segments_of

    flagged_by_pofilter, flagged_by_us = set(), set()
    for name in ("asean-japan.txt", "mekong-summit.md", "asean-cybersecurity.html"):
        path = Path("sample_articles") / name
        units = collect_units(segments_of(parse_file(path), "en"), str(path))
        draft(units, {}, careless_engine, "en", "vi")
        po_path = Path(f"{path.stem}.po")
        write(po_path, Catalog(units, "en", "vi"), str(path), "po")
        out = Path(f"{path.stem}-brackets.po")
        pofilter = str(Path(sys.executable).parent / "pofilter")
        subprocess.run([pofilter, "-t", "brackets", "-i", str(po_path), "-o", str(out)], check=True, capture_output=True)
        flagged_by_pofilter |= {e.msgid for e in polib.pofile(str(out)) if e.msgid}
        problems = json.loads(cli("qa", str(po_path), "--format", "json").stdout)
        flagged_by_us |= {p["source"] for p in problems if p["check"] == "brackets"}
    assert flagged_by_pofilter and flagged_by_pofilter <= flagged_by_us


def test_a_standard_japanese_abbreviation_is_not_too_short():
    from transflow.document import Unit
    from transflow.qa import Context, run

    unit = Unit("United Nations Convention on the Law of the Sea", "国連海洋法条約")
    assert [p.check for p in run([unit], "x.po", Context("en", "ja"))] == []
