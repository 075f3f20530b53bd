"""The real clients read our files as we mean them: Poedit (its reading rules, from its
source), translate-toolkit (run for real) and Okapi (its documented import rule).

Poedit's rules are transcribed from ``src/catalog_xliff.cpp`` (Poedit 3):
XLIFF 1.2 ``XLIFF12CatalogItem``, XLIFF 2.0 ``XLIFF2CatalogItem``, and their
``UpdateInternalRepresentation`` (what a save writes).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from lxml import etree

from conftest import gettext_tool, review
from transflow.document import State
from transflow.exchange import read as read_catalog, write as write_catalog
from transflow.exchange import xliff

X12 = {"x": xliff.XLIFF12}
X20 = {"x": xliff.XLIFF20}
ARTICLE = "sample_articles/mekong-summit.md"
REVIEWED = ("Mekong-Japan leaders agree on green growth roadmap", "Priorities for the next three years")


# Poedit's reading rules ---------------------------------------------------------------------


def poedit12(path: Path) -> list[tuple[str, bool, bool]]:
    """(source as shown, translated, fuzzy) per unit, as Poedit 3 reads an XLIFF 1.2 file."""
    items = []
    for unit in etree.parse(str(path)).getroot().iterfind(".//x:trans-unit", X12):
        if unit.get("translate") == "no":
            continue
        target = unit.find("x:target", X12)
        text = "".join(target.itertext()) if target is not None else ""
        state = target.get("state", "") if target is not None else ""
        fuzzy = state in ("needs-adaptation", "needs-l10n") or (bool(text) and state in ("new", "needs-translation"))
        items.append(("".join(unit.find("x:source", X12).itertext()), bool(text), fuzzy))
    return items


def poedit20(path: Path) -> list[tuple[bool, bool]]:
    """(translated, fuzzy) per segment, as Poedit 3 reads an XLIFF 2.0 file."""
    items = []
    for segment in etree.parse(str(path)).getroot().iterfind(".//x:segment", X20):
        if segment.getparent().get("translate") == "no":
            continue
        target = segment.find("x:target", X20)
        translated = target is not None and bool("".join(target.itertext()))
        fuzzy = (translated and segment.get("state") == "initial") or segment.get("subState") == "poedit:fuzzy"
        items.append((translated, fuzzy))
    return items


def poedit_save12(path: Path, fuzzy_sources: set[str]) -> None:
    """Save as Poedit does after the reviewer marks *fuzzy_sources* 'Needs work' and approves the rest."""
    tree = etree.parse(str(path))
    for unit in tree.getroot().iterfind(".//x:trans-unit", X12):
        if unit.get("translate") == "no":
            continue
        target = unit.find("x:target", X12)
        target.attrib.pop("state-qualifier", None)
        if "".join(target.itertext()):
            source = "".join(unit.find("x:source", X12).itertext())
            target.set("state", "needs-l10n" if source in fuzzy_sources else "translated")
        else:
            target.set("state", "needs-translation")
    tree.write(str(path), xml_declaration=True, encoding="UTF-8")


def poedit_save20(path: Path, fuzzy_sources: set[str]) -> None:
    tree = etree.parse(str(path))
    for segment in tree.getroot().iterfind(".//x:segment", X20):
        if segment.getparent().get("translate") == "no":
            continue
        target = segment.find("x:target", X20)
        if target is not None and "".join(target.itertext()):
            segment.set("state", "translated")
            source = "".join(segment.find("x:source", X20).itertext())
            if source in fuzzy_sources:
                segment.set("subState", "poedit:fuzzy")
            else:
                segment.attrib.pop("subState", None)
    tree.write(str(path), xml_declaration=True, encoding="UTF-8")


def drafts_with_reviews(cli, fmt: str) -> Path:
    """Machine drafts of the Markdown sample, two of them then reviewed (through our own reader and writer)."""
    assert cli("translate", ARTICLE, "--to", "vi", "--format", fmt).code == 0
    path = Path("locales/vi/mekong-summit.xlf")
    catalog, _ = read_catalog(path)
    for unit in catalog.units:
        if unit.source in REVIEWED:
            unit.translate(unit.target, State.REVIEWED, unit.origin, unit.origin_detail)
    write_catalog(path, catalog, ARTICLE, fmt, "x-markdown")
    return path


# XLIFF 1.2 ---------------------------------------------------------------------------------------


def test_poedit_reads_xliff12_drafts_as_fuzzy_and_reviewed_units_as_done(project, cli, installed_models):
    path = drafts_with_reviews(cli, "xliff")
    items = poedit12(path)
    assert items and all(translated for _, translated, _ in items)
    assert [source for source, _, fuzzy in items if not fuzzy] == list(REVIEWED)


def test_okapi_imports_exactly_the_reviewed_units(project, cli, installed_models):
    """Okapi's XLIFF filter imports a unit only when approved="yes"."""
    path = drafts_with_reviews(cli, "xliff")
    units = etree.parse(str(path)).getroot().iterfind(".//x:trans-unit", X12)
    approved = ["".join(u.find("x:source", X12).itertext()) for u in units if u.get("approved") == "yes"]
    assert approved == list(REVIEWED)


def test_translate_toolkit_counts_drafts_as_fuzzy_and_reviewed_as_translated(project, cli, installed_models):
    from translate.storage import factory

    path = drafts_with_reviews(cli, "xliff")
    units = [u for u in factory.getobject(str(path)).units if not u.isheader()]
    assert [u.source for u in units if not u.isfuzzy()] == list(REVIEWED)
    assert all(u.isfuzzy() for u in units if u.source not in REVIEWED)
    pocount = subprocess.run([_tool("pocount"), "--csv", str(path)], capture_output=True, text=True)
    assert pocount.returncode == 0, pocount.stderr
    counts = dict(zip(*[line.split(",") for line in pocount.stdout.strip().splitlines()[:2]]))
    assert int(counts["Translated Messages"]) == len(REVIEWED)
    assert int(counts["Fuzzy Messages"]) == len(units) - len(REVIEWED)


def test_xliff2po_keeps_our_states(project, cli, installed_models):
    path = drafts_with_reviews(cli, "xliff")
    out = Path("tt.po")
    run = subprocess.run([_tool("xliff2po"), str(path), str(out)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    po = polib.pofile(str(out))
    assert [e.msgid for e in po if e.msgstr and not e.fuzzy] == list(REVIEWED)


def test_what_translate_toolkit_writes_reads_back_with_its_states(project, cli, installed_models):
    """po2xliff marks fuzzy units approved="no" state="needs-translation", others approved="yes"."""
    assert cli("translate", ARTICLE, "--to", "vi").code == 0
    po = polib.pofile("locales/vi/mekong-summit.po")
    for entry in po:
        if entry.msgid in REVIEWED:
            entry.flags.remove("fuzzy")
    po.save()
    run = subprocess.run([_tool("po2xliff"), "locales/vi/mekong-summit.po", "tt.xlf"], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    catalog, _ = read_catalog(Path("tt.xlf"))
    assert [u.source for u in catalog.units if u.reviewed] == list(REVIEWED)
    assert all(u.fuzzy for u in catalog.units if u.source not in REVIEWED)


@pytest.mark.parametrize("fmt,save", [("xliff", poedit_save12), ("xliff2", poedit_save20)])
def test_a_unit_poedit_saved_as_needs_work_stays_fuzzy_never_built_never_learned(fmt, save, project, cli, installed_models):
    path = drafts_with_reviews(cli, fmt)
    needs_work = REVIEWED[0]
    save(path, {needs_work})  # the reviewer flips a reviewed unit back to "Needs work"
    catalog, _ = read_catalog(path)
    flagged = next(u for u in catalog.units if u.source == needs_work)
    assert flagged.fuzzy and not flagged.reviewed
    assert cli("convert", str(path), "back.po").code == 0
    assert polib.pofile("back.po").find(needs_work).fuzzy
    for unit in catalog.units:  # the reviewer's own translations, all approved but the one marked again
        unit.translate(f"VI {unit.source}", State.REVIEWED)
    write_catalog(path, catalog, ARTICLE, fmt, "x-markdown")
    save(path, {needs_work})
    built = cli("build", ARTICLE, "--lang", "vi", "--from", str(path), "--force")
    assert built.code == 0, built.stderr
    output = Path("localized/vi/mekong-summit.md").read_text(encoding="utf-8")
    assert needs_work in output and f"VI {REVIEWED[1]}" in output  # the needs-work unit keeps its source
    drafts = cli("build", ARTICLE, "--lang", "vi", "--from", str(path), "--force", "--include-fuzzy", "-o", "drafts.md")
    assert drafts.code == 0 and f"VI {needs_work}" in Path("drafts.md").read_text(encoding="utf-8")
    exported = cli("tm", "export", "--from", "en", "--to", "vi", "tm.tmx")
    assert exported.code == 0
    tmx = Path("tm.tmx").read_text(encoding="utf-8")
    assert f"VI {REVIEWED[1]}" in tmx and f"VI {needs_work}" not in tmx


def test_poedit_reads_xliff20_drafts_as_fuzzy_and_reviewed_units_as_done(project, cli, installed_models):
    path = drafts_with_reviews(cli, "xliff2")
    catalog, _ = read_catalog(path)
    expected = [(True, unit.source not in REVIEWED) for unit in catalog.units]
    assert poedit20(path) == expected


@pytest.mark.parametrize("fmt,rule", [("xliff", poedit12), ("xliff2", poedit20)])
def test_obsolete_units_are_hidden_from_poedit(fmt, rule, project, cli, installed_models):
    """Poedit skips a unit whose own translate attribute is "no"; a group's does not count."""
    path = drafts_with_reviews(cli, fmt)
    article = Path(ARTICLE)
    article.write_text(article.read_text(encoding="utf-8").replace("Priorities for the next three years", "What comes next"), encoding="utf-8")
    assert cli("translate", ARTICLE, "--to", "vi", "--format", fmt).code == 0
    catalog, _ = read_catalog(path)
    assert [u.source for u in catalog.obsolete] == ["Priorities for the next three years"]
    assert len(rule(path)) == len(catalog.units)


def _tool(name: str) -> str:
    found = shutil.which(name) or str(Path(sys.executable).parent / name)
    return found


# PO: Poedit saves through msgcat ----------------------------------------------------------------------


def poedit_width(text: str) -> int:
    """The width Poedit finds in a file (``POCatalogParser::ReadTextLine``): the longest line, in characters,
    holding a space past its third character, not a comment, not ending in a newline escape."""
    lines = [line for line in text.splitlines() if line and not line.startswith(("#. ", "# "))]
    candidates = [len(line) for line in lines if not line.endswith('\\n"') and line not in ('msgid ""', 'msgstr ""') and line.rfind(" ") > 2]
    return max(candidates, default=79)


def poedit_save_po(path: Path) -> bytes:
    """What Poedit's save does to a PO file (``POCatalog::Save``): header dates and generator, then
    ``msgcat --force-po --width=N`` with the width it found in the file when it opened it."""
    width = poedit_width(path.read_text(encoding="utf-8"))
    po = polib.pofile(str(path), wrapwidth=10**6)  # Poedit writes comments and strings unwrapped, then runs msgcat
    po.metadata["PO-Revision-Date"] = "2026-11-29 09:41+0700"
    po.metadata["Last-Translator"] = "Lan Nguyen <lan@example.vn>"
    po.metadata["X-Generator"] = "Poedit 3.2.2"
    po.save()
    run = subprocess.run([gettext_tool("msgcat"), "--force-po", f"--width={width}", "-o", str(path), str(path)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    return path.read_bytes()


@pytest.mark.parametrize("name,source,target", [("mekong-summit.md", "en", "vi"), ("asean-nihon.txt", "ja", "vi"), ("hoi-nghi-asean.txt", "vi", "ja")])
def test_a_po_saved_by_poedit_is_rewritten_byte_for_byte(name, source, target, project, cli, installed_models):
    article = f"sample_articles/{name}"
    args = ("translate", article, "--from", source, "--to", target, "--glossary", NEWSROOM)
    assert cli(*args).code == 0
    path = Path("locales") / target / f"{Path(name).stem}.po"
    assert path.read_bytes() == subprocess.run([gettext_tool("msgcat"), "--force-po", "-o", "-", str(path)], capture_output=True).stdout
    first = polib.pofile(str(path))
    review(path, dict.fromkeys(tuple(entry.msgid for entry in first)[:3]), comment="checked by the desk", wrapwidth=10**6)
    saved = poedit_save_po(path)
    assert cli(*args).code == 0
    assert path.read_bytes() == saved


def test_first_rerun_after_a_review_keeps_notes_and_dates(project, cli, installed_models):
    args = ("translate", ARTICLE, "--to", "vi", "--glossary", NEWSROOM)
    assert cli(*args).code == 0
    path = Path("locales/vi/mekong-summit.po")
    before = polib.pofile(str(path))
    reviewed = [entry.msgid for entry in before if "glossary:" in entry.comment][:2]
    assert reviewed
    review(path, dict.fromkeys(reviewed), comment="checked by the desk")
    assert cli(*args).code == 0
    after = polib.pofile(str(path))
    for msgid in reviewed:  # the editor may have wrapped the comments; their words are all kept
        assert after.find(msgid).comment.split() == before.find(msgid).comment.split() and not after.find(msgid).fuzzy
    assert [after.metadata[k] for k in ("POT-Creation-Date", "PO-Revision-Date")] == [before.metadata[k] for k in ("POT-Creation-Date", "PO-Revision-Date")]
    once = path.read_bytes()
    assert cli(*args).code == 0
    assert path.read_bytes() == once


NEWSROOM = Path(__file__).resolve().parent.parent / "glossaries" / "newsroom.csv"
