"""A reviewer's text is never discarded: broken markup in XLIFF, extra PO entries with a context,
obsolete entries the article uses again, saves during a run.

The reviewer's edits are made the way Poedit saves them: in XLIFF 1.2 the
target's ``state`` becomes ``translated`` (``state-qualifier`` dropped, ``approved``
left as it was); in 2.0 the segment's ``state`` becomes ``translated``. A code
the reviewer deleted is simply missing from the target; a code they changed is
text that no longer matches any code of the source.
"""

from __future__ import annotations

from pathlib import Path

import polib
import pytest
from lxml import etree

from conftest import msgfmt_check, poedit_mark_xliff
from transflow.document import CODES_DAMAGED
from transflow.engines import Scored, Translation
from transflow.exchange import read as read_catalog, xliff

ARTICLE = Path("sample_articles/mekong-summit.md")
XLF = Path("locales/vi/mekong-summit.xlf")
LEAD = "Tokyo (VNA)"  # the bold lead-in of the first paragraph: two inline codes around it
OWN_WORDS = "Tokyo (TTXVN) – Thủ tướng Phạm Minh Chính dự Hội nghị Cấp cao Mekong-Nhật Bản lần thứ 16."
CHANGED = "__Tokyo (TTXVN)__ – Thủ tướng Phạm Minh Chính dự Hội nghị."
NS = {"1.2": xliff.XLIFF12, "2.0": xliff.XLIFF20}


def _unit_with(tree: etree._ElementTree, version: str, text: str) -> etree._Element:
    tag = "trans-unit" if version == "1.2" else "unit"
    return next(u for u in tree.iter(f"{{{NS[version]}}}{tag}") if text in "".join(u.find(f".//{{{NS[version]}}}source").itertext()))


def reviewer_saves(path: Path, version: str, words: str, done: bool = True) -> None:
    """The reviewer types *words* over the target of the lead sentence (its codes gone) and marks it done."""
    tree = etree.parse(str(path))
    unit = _unit_with(tree, version, LEAD)
    ns = NS[version]
    if version == "1.2":
        target = unit.find(f"{{{ns}}}target")
        for child in list(target):
            target.remove(child)
        target.text = words
    else:
        segment = unit.find(f"{{{ns}}}segment")
        target = segment.find(f"{{{ns}}}target")
        if target is None:
            target = etree.SubElement(segment, f"{{{ns}}}target")
        for child in list(target):
            target.remove(child)
        target.text = words
    poedit_mark_xliff(unit, version, done)
    tree.write(str(path), xml_declaration=True, encoding="UTF-8")


def lead_unit(path: Path):
    catalog, _ = read_catalog(path)
    return next(u for u in catalog.units if LEAD in u.source)


FORMATS = [("xliff", "1.2"), ("xliff2", "2.0")]


@pytest.mark.parametrize("command", ["translate", "batch"])
@pytest.mark.parametrize("fmt,version", FORMATS)
@pytest.mark.parametrize("words", [OWN_WORDS, CHANGED], ids=["codes-dropped", "codes-changed"])
def test_a_reviewed_unit_with_broken_codes_keeps_the_reviewers_words(words, fmt, version, command, project, cli, installed_models):
    assert cli("translate", ARTICLE, "--to", "vi", "--format", fmt).code == 0
    reviewer_saves(XLF, version, words)
    for run in range(2):
        if command == "batch" and run:
            ARTICLE.write_text(ARTICLE.read_text(encoding="utf-8") + f"\nMore news {run}.\n", encoding="utf-8")  # batch redoes a changed article only
        result = cli(command, ARTICLE, "--to", "vi", "--format", fmt)
        assert result.code == 0, result.stderr
        unit = lead_unit(XLF)
        assert unit.target == words, f"run {run + 1}: the reviewer's text was replaced"
        assert unit.fuzzy and not unit.reviewed  # marked as needing work…
        assert unit.has_problem(CODES_DAMAGED)  # …with the reason, as a note in the file
        assert "codes-damaged" in XLF.read_text(encoding="utf-8")
    # The build leaves it out (its codes are broken), never builds it half.
    result = cli("build", ARTICLE, "--lang", "vi", "--include-fuzzy")
    assert result.code == 0, result.stderr
    assert words not in Path("localized/vi/mekong-summit.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt,version", FORMATS)
def test_once_the_reviewer_mends_the_codes_the_unit_builds(fmt, version, project, cli):
    assert cli("translate", ARTICLE, "--to", "vi", "--format", fmt, "--engine", "none").code == 0
    reviewer_saves(XLF, version, OWN_WORDS)
    assert cli("translate", ARTICLE, "--to", "vi", "--format", fmt, "--engine", "none").code == 0
    # The reviewer puts the bold back (the reason note is still in the file) and approves it.
    catalog, _ = read_catalog(XLF)
    unit = next(u for u in catalog.units if LEAD in u.source)
    assert unit.has_problem(CODES_DAMAGED)
    tree = etree.parse(str(XLF))
    element = _unit_with(tree, version, LEAD)
    ns = NS[version]
    mended = "**Tokyo (TTXVN)**" + OWN_WORDS[len("Tokyo (TTXVN)") :]
    if version == "1.2":
        target = element.find(f"{{{ns}}}target")
        target.text = ""
        opening, closing = (etree.SubElement(target, f"{{{ns}}}x", {"id": str(i), "equiv-text": "**"}) for i in (1, 2))
        opening.tail, closing.tail = "Tokyo (TTXVN)", OWN_WORDS[len("Tokyo (TTXVN)") :]
        target.set("state", "translated")
    else:
        source_pc = element.find(f".//{{{ns}}}source/{{{ns}}}pc")
        target = element.find(f".//{{{ns}}}target")
        target.text = ""
        pc = etree.SubElement(target, f"{{{ns}}}pc", dict(source_pc.attrib))
        pc.text, pc.tail = "Tokyo (TTXVN)", OWN_WORDS[len("Tokyo (TTXVN)") :]
        element.find(f"{{{ns}}}segment").set("state", "translated")
    tree.write(str(XLF), xml_declaration=True, encoding="UTF-8")
    unit = lead_unit(XLF)
    assert unit.reviewed and not unit.has_problem(CODES_DAMAGED), "the old reason note must not outlive the damage"
    assert cli("translate", ARTICLE, "--to", "vi", "--format", fmt, "--engine", "none").code == 0
    unit = lead_unit(XLF)
    assert (unit.target, unit.reviewed, unit.has_problem(CODES_DAMAGED)) == (mended, True, False)
    result = cli("build", ARTICLE, "--lang", "vi", "--min-translated", "0", "--force")  # QA would stop it for the date left out
    assert result.code == 0, result.stderr
    assert mended in Path("localized/vi/mekong-summit.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt,version", FORMATS)
def test_broken_codes_left_as_needing_work_are_kept_too(fmt, version, project, cli, installed_models):
    assert cli("translate", ARTICLE, "--to", "vi", "--format", fmt).code == 0
    reviewer_saves(XLF, version, OWN_WORDS, done=False)
    assert cli("translate", ARTICLE, "--to", "vi", "--format", fmt).code == 0
    unit = lead_unit(XLF)
    assert (unit.target, unit.fuzzy) == (OWN_WORDS, True)


class DroppingEngine(Scored):
    """An adversarial engine whose every draft loses the inline codes."""

    name = "dropping"

    def check(self, source, target):
        pass

    def origin(self, source, target):
        return "MT dropping"

    def translate_scored(self, texts, source, target):
        return [Translation("Bản dịch không có mã.", None) for _ in texts]


def test_a_machine_draft_that_lost_its_codes_is_still_the_machines(project):
    """Read back, a draft that lost its codes has broken codes too, yet nobody wrote it: it stays the machine's."""
    from transflow.project import Project
    from transflow.workflow import Settings, translate_articles

    layout = Project(project, project / "locales", project / "localized", project / ".transflow")
    settings = Settings(layout, "en", ("vi",), formats=("xliff",))
    list(translate_articles([ARTICLE], settings, engine=DroppingEngine()))
    lost = [u for u in read_catalog(XLF)[0].units if u.has_problem(CODES_DAMAGED)]
    assert lost, "the dropping engine should have lost some codes"
    list(translate_articles([ARTICLE], settings, engine=DroppingEngine()))
    again = {u.source: u for u in read_catalog(XLF)[0].units}
    assert all(again[u.source].origin.value == "mt" and again[u.source].fuzzy for u in lost)


PO = Path("locales/vi/asean-japan.po")
TXT = Path("sample_articles/asean-japan.txt")
NONE = ("--to", "vi", "--engine", "none")


def add_alternative(msgid: str, main: str, alternative: str) -> None:
    po = polib.pofile(str(PO))
    entry = po.find(msgid)
    entry.msgstr, entry.flags = main, []
    po.append(polib.POEntry(msgid=msgid, msgctxt="alt", msgstr=alternative, occurrences=list(entry.occurrences)))
    po.save()


@pytest.mark.parametrize("command", ["translate", "batch"])
def test_a_reviewers_entry_with_a_context_is_kept(command, project, cli):
    assert cli("translate", TXT, *NONE).code == 0
    add_alternative("Other news", "Tin khác", "Tin tức khác")
    for run in range(2):
        if command == "batch":
            TXT.write_text(TXT.read_text(encoding="utf-8") + f"\nExtra line {run}.\n", encoding="utf-8")
        assert cli(command, TXT, *NONE).code == 0
        po = polib.pofile(str(PO))
        assert po.find("Other news", msgctxt="alt").msgstr == "Tin tức khác", f"run {run + 1}"
        assert po.find("Other news").msgstr == "Tin khác"
        assert msgfmt_check(PO).returncode == 0
    # The build uses the article's own entry, not the alternative.
    assert cli("build", TXT, "--lang", "vi", "--min-translated", "0").code == 0
    assert "Tin khác" in Path("localized/vi/asean-japan.txt").read_text(encoding="utf-8")
    # When the article revises the sentence, the new one inherits the main translation (as a suggestion)
    # and the alternative becomes obsolete: nothing is deleted.
    TXT.write_text(TXT.read_text(encoding="utf-8").replace("Other news\n", "Further news\n"), encoding="utf-8")
    assert cli(command, TXT, *NONE).code == 0
    po = polib.pofile(str(PO))
    revised = po.find("Further news")
    assert (revised.msgstr, revised.fuzzy, revised.previous_msgid) == ("Tin khác", True, "Other news")
    assert [(e.msgctxt, e.msgid, e.msgstr) for e in po.obsolete_entries()] == [("alt", "Other news", "Tin tức khác")]
    assert msgfmt_check(PO).returncode == 0


def test_an_obsolete_translation_comes_back_with_its_sentence(project, cli):
    assert cli("translate", TXT, *NONE).code == 0
    add_alternative("Other news", "Tin khác", "Tin tức khác")
    original = TXT.read_text(encoding="utf-8")
    TXT.write_text(original.replace("Other news\n", "Weather: sunny in Hanoi all week\n"), encoding="utf-8")
    assert cli("translate", TXT, *NONE).code == 0
    assert len(polib.pofile(str(PO)).obsolete_entries()) == 2
    TXT.write_text(original, encoding="utf-8")
    assert cli("translate", TXT, *NONE).code == 0
    po = polib.pofile(str(PO))
    assert (po.find("Other news").msgstr, po.find("Other news").fuzzy) == ("Tin khác", False)
    assert po.find("Other news", msgctxt="alt").msgstr == "Tin tức khác"
    assert not po.obsolete_entries()


def test_a_context_entry_saved_during_the_run_does_not_replace_the_sentences_entry(project, cli, monkeypatch):
    """Poedit takes no lock: an alternative added while MT runs is merged by (context, sentence)."""
    from transflow import workflow

    assert cli("translate", TXT, *NONE).code == 0
    real = workflow.machine_translate

    def save_during_mt(drafts, engine, *learning):
        add_alternative("Other news", "Tin khác", "Tin tức khác")
        real(drafts, engine, *learning)

    monkeypatch.setattr(workflow, "machine_translate", save_during_mt)
    assert cli("translate", TXT, *NONE).code == 0
    po = polib.pofile(str(PO))
    assert po.find("Other news").msgstr == "Tin khác"
    assert po.find("Other news", msgctxt="alt").msgstr == "Tin tức khác"


EAST_SEA = "The ministers also discussed the East Sea issue."
REMEMBERED = "The ministers also discussed the East Sea issue today."


@pytest.mark.parametrize("records", [True, False], ids=["drafts-recorded", "drafts-record-lost"])
def test_a_tm_suggestion_the_reviewer_reworded_is_never_replaced_by_the_tm(records, project, cli):
    """Poedit keeps the ``origin: tm-fuzzy`` comment on a suggestion the reviewer rewrote and left as needing work."""
    seed = Path("seed.po")
    seed.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: vi\\n"\n"X-Source-Language: en\\n"\n\n'
        f'msgid "{REMEMBERED}"\nmsgstr "Các bộ trưởng hôm nay cũng thảo luận vấn đề Biển Đông."\n',
        encoding="utf-8",
    )
    assert cli("tm", "import", seed).code == 0
    assert cli("translate", TXT, *NONE).code == 0
    po = polib.pofile(str(PO))
    entry = po.find(EAST_SEA)
    assert entry.fuzzy and "tm-fuzzy" in entry.comment, "the TM should have offered its fuzzy match"
    entry.msgstr = "Các bộ trưởng còn bàn về Biển Đông."
    po.save()
    if not records:
        for cache in Path(".transflow").glob("mt-cache.sqlite*"):
            cache.unlink()
    for run in range(2):
        assert cli("translate", TXT, *NONE).code == 0
        entry = polib.pofile(str(PO)).find(EAST_SEA)
        assert (entry.msgstr, entry.fuzzy) == ("Các bộ trưởng còn bàn về Biển Đông.", True), f"run {run + 1}"
    # An untouched suggestion is still the TM's to refresh: clearing the reviewer's text brings it back.
    po = polib.pofile(str(PO))
    po.find(EAST_SEA).msgstr = ""
    po.save()
    assert cli("translate", TXT, *NONE).code == 0
    assert polib.pofile(str(PO)).find(EAST_SEA).msgstr == "Các bộ trưởng hôm nay cũng thảo luận vấn đề Biển Đông."
