"""After an article revision, the reviewer's old translation survives every re-run until a human decides.

``--engine none`` keeps these fast: a re-run that lost the suggestion would
leave the entry empty, as MT would have overwritten it with a draft.
"""

from __future__ import annotations

from pathlib import Path

import polib
import pytest
from lxml import etree

from conftest import msgfmt_check

ARTICLE = Path("sample_articles/asean-japan.txt")
OLD = "The ministers also discussed the East Sea issue."
REVISED = "The ministers also discussed the East Sea issue again."
REVIEWED = "Các bộ trưởng cũng thảo luận vấn đề Biển Đông."
PO = Path("locales/vi/asean-japan.po")
XLIFF = "{urn:oasis:names:tc:xliff:document:1.2}"


def revise(old: str, new: str) -> None:
    ARTICLE.write_text(ARTICLE.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def approve(msgid: str, msgstr: str) -> None:
    po = polib.pofile(str(PO))
    entry = po.find(msgid)
    entry.msgstr, entry.flags, entry.previous_msgid = msgstr, [], None
    po.save()


NONE = ("--to", "vi", "--engine", "none")


@pytest.fixture
def reviewed_then_revised(project, cli):
    assert cli("translate", ARTICLE, *NONE).code == 0
    approve(OLD, REVIEWED)
    revise(OLD, REVISED)
    return cli


def suggestion(msgid: str) -> polib.POEntry:
    return polib.pofile(str(PO)).find(msgid)


@pytest.mark.parametrize("command", ["translate", "batch"])
def test_the_old_translation_survives_any_number_of_reruns(command, reviewed_then_revised):
    cli = reviewed_then_revised
    for run in range(3):
        if command == "batch" and run:
            # Something else in the article changes, so batch redoes it rather than skipping it.
            revise("Other news" if run == 1 else f"Other news {run - 1}", f"Other news {run}")
        result = cli(command, ARTICLE, *NONE)
        assert result.code == 0, result.stderr
        entry = suggestion(REVISED)
        assert (entry.msgstr, entry.fuzzy, entry.previous_msgid) == (REVIEWED, True, OLD), f"run {run + 1}"
    assert msgfmt_check(PO).returncode == 0


def test_a_decision_ends_the_suggestion(reviewed_then_revised):
    cli = reviewed_then_revised
    cli("translate", ARTICLE, *NONE)
    approve(REVISED, "Các bộ trưởng cũng thảo luận lại vấn đề Biển Đông.")
    cli("translate", ARTICLE, *NONE)
    entry = suggestion(REVISED)
    assert (entry.msgstr, entry.fuzzy, entry.previous_msgid) == ("Các bộ trưởng cũng thảo luận lại vấn đề Biển Đông.", False, None)
    # Clearing the suggestion asks for a fresh draft.
    po = polib.pofile(str(PO))
    po.find(REVISED).msgstr = ""
    po.save()
    cli("translate", ARTICLE, *NONE)
    entry = suggestion(REVISED)
    assert (entry.msgstr, entry.previous_msgid) == ("", None)


def test_a_sentence_revised_twice_still_inherits_the_reviewed_translation(reviewed_then_revised):
    cli = reviewed_then_revised
    cli("translate", ARTICLE, *NONE)
    revise(REVISED, "The ministers also discussed the East Sea issue once again.")
    cli("translate", ARTICLE, *NONE)
    entry = suggestion("The ministers also discussed the East Sea issue once again.")
    assert (entry.msgstr, entry.fuzzy, entry.previous_msgid) == (REVIEWED, True, OLD)


def test_the_suggestion_survives_reruns_through_xliff(project, cli):
    from transflow.document import Origin, State
    from transflow.exchange import xliff

    cli("translate", ARTICLE, *NONE, "--format", "xliff")
    path = Path("locales/vi/asean-japan.xlf")
    catalog, _ = xliff.read(path)
    for unit in catalog.units:
        if unit.source == OLD:
            unit.translate(REVIEWED, State.REVIEWED, Origin.HUMAN)
    xliff.write(path, catalog, str(ARTICLE))
    revise(OLD, REVISED)
    for _ in range(3):
        assert cli("translate", ARTICLE, *NONE, "--format", "xliff").code == 0
        carried = next(u for u in xliff.read(path)[0].units if u.source == REVISED)
        assert (carried.target, carried.fuzzy, carried.previous_source) == (REVIEWED, True, OLD)


OWN_WORDS = "Các bộ trưởng còn bàn về vấn đề Biển Đông."


def test_a_draft_the_reviewer_rewrote_but_left_fuzzy_is_never_replaced_by_mt(project, cli, installed_models):
    """Poedit's "Needs Work" on a rewritten draft keeps the origin comment; the text is the reviewer's all the same."""
    assert cli("translate", ARTICLE, "--to", "vi").code == 0
    po = polib.pofile(str(PO))
    po.find(OLD).msgstr = OWN_WORDS
    po.save()
    untouched = {e.msgid: e.msgstr for e in po if e.msgid != OLD}
    for run in range(2):
        assert cli("translate", ARTICLE, "--to", "vi").code == 0
        again = polib.pofile(str(PO))
        assert (again.find(OLD).msgstr, again.find(OLD).fuzzy) == (OWN_WORDS, True), f"run {run + 1}"
        assert {e.msgid: e.msgstr for e in again if e.msgid != OLD} == untouched
    assert msgfmt_check(PO).returncode == 0


def test_an_xliff_draft_poedit_saved_as_needs_work_keeps_the_reviewers_text(project, cli, installed_models):
    """Poedit 3 writes a 1.2 unit marked "Needs Work" as ``state="needs-l10n"``."""
    xlf = PO.with_suffix(".xlf")
    assert cli("translate", ARTICLE, "--to", "vi", "--format", "xliff").code == 0
    tree = etree.parse(str(xlf))
    unit = next(u for u in tree.iter(f"{XLIFF}trans-unit") if u.findtext(f"{XLIFF}source") == OLD)
    target = unit.find(f"{XLIFF}target")
    assert target.get("state") == "needs-translation"
    target.text = OWN_WORDS
    target.attrib.clear()
    target.set("state", "needs-l10n")
    tree.write(str(xlf), xml_declaration=True, encoding="UTF-8")
    for _ in range(2):
        assert cli("translate", ARTICLE, "--to", "vi", "--format", "xliff").code == 0
        again = etree.parse(str(xlf))
        unit = next(u for u in again.iter(f"{XLIFF}trans-unit") if u.findtext(f"{XLIFF}source") == OLD)
        assert unit.findtext(f"{XLIFF}target") == OWN_WORDS and unit.get("approved") != "yes"


@pytest.mark.parametrize("drafts", [(), ("--include-fuzzy",)])
def test_a_revised_sentence_is_never_built_from_the_old_translation(reviewed_then_revised, drafts):
    """The old sentence's translation is a suggestion for the reviewer, not the new sentence's translation:
    the build keeps the source, names the sentence, and counts it as untranslated against the threshold."""
    cli = reviewed_then_revised
    cli("translate", ARTICLE, *NONE)
    for entry in (po := polib.pofile(str(PO))):
        if entry.msgid != REVISED and not entry.fuzzy and not entry.msgstr:
            entry.msgstr = entry.msgid  # every other sentence reviewed
    po.save()
    built = cli("build", ARTICLE, "--lang", "vi", *drafts)
    assert built.code == 0, built.stderr
    text = Path("localized/vi/asean-japan.txt").read_text(encoding="utf-8")
    assert REVIEWED not in text and REVISED in text
    assert "the sentence changed since it was translated" in built.stderr and REVISED[:40] in built.stderr
    total = len([e for e in polib.pofile(str(PO)) if not e.obsolete])
    assert f"{total - 1}/{total} segments translated" in built.stdout
    refused = cli("build", ARTICLE, "--lang", "vi", "--min-translated", "100", *drafts)
    assert refused.code == 1 and "below 100%" in refused.stderr
