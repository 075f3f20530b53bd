"""Reading translation files as msgfmt and the clients would: escapes, duplicates, locale tags, the state table."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import msgfmt_check
from transflow.document import Origin, State, Unit, UnitProblem
from transflow.errors import TransflowError
from transflow.exchange import facts, po, read as read_catalog, states, xliff
from transflow.exchange.catalog import Catalog

HEADER = 'msgid ""\nmsgstr ""\n"Language: {lang}\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n"X-Source-Language: en\\n"\n\n'


def write_po(path: Path, body: str, lang: str = "vi") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HEADER.format(lang=lang) + body, encoding="utf-8")
    return path


def test_an_escape_msgfmt_rejects_is_refused_with_its_line(tmp_path):
    path = write_po(tmp_path / "x.po", 'msgid "Other news"\nmsgstr "Tin \\\\khác"\n\nmsgid "Bangkok"\nmsgstr "Băng \\qCốc"\n')
    assert msgfmt_check(path).returncode != 0
    with pytest.raises(TransflowError, match=r"x\.po:11: invalid escape \\q"):
        po.read(path)


def test_valid_escapes_are_read(tmp_path):
    path = write_po(tmp_path / "x.po", 'msgid "a\\tb \\"c\\" d\\\\e"\nmsgstr "x\\ty \\"z\\" \\\\w"\n')
    assert msgfmt_check(path).returncode == 0
    unit = po.read(path).units[0]
    assert (unit.source, unit.target) == ('a\tb "c" d\\e', 'x\ty "z" \\w')


def test_duplicate_po_entries_are_refused_with_their_line(tmp_path):
    path = write_po(tmp_path / "x.po", 'msgid "A"\nmsgstr "1"\n\nmsgid "B"\nmsgstr "2"\n\nmsgid "A"\nmsgstr "3"\n')
    with pytest.raises(TransflowError, match=r"x\.po:13: duplicate entry for 'A'"):
        po.read(path)


def test_a_locale_tag_names_its_language(project, cli, installed_models):
    """Poedit writes the locale the reviewer picked: Language: vi_VN is a Vietnamese file."""
    assert cli("translate", "sample_articles/asean-japan.txt", "--to", "vi").code == 0
    path = Path("locales/vi/asean-japan.po")
    text = path.read_text(encoding="utf-8").replace('"Language: vi\\n"', '"Language: vi_VN\\n"')
    path.write_text(text, encoding="utf-8")
    built = cli("build", "sample_articles/asean-japan.txt", "--lang", "vi", "--include-fuzzy")
    assert built.code == 0, built.stderr
    assert cli("translate", "sample_articles/asean-japan.txt", "--to", "vi").code == 0
    assert path.read_text(encoding="utf-8") == text  # the reviewer's tag is kept, nothing churns


def test_duplicate_xliff_units_with_different_translations_are_refused(tmp_path):
    body = (
        '<trans-unit id="a"><source>Other news</source><target state="translated">Tin khác</target></trans-unit>\n'
        '<trans-unit id="b"><source>Other news</source><target state="translated">{second}</target></trans-unit>\n'
    )
    path = tmp_path / "x.xlf"
    for second, refused in (("Tin khác", False), ("Tin tức khác", True)):
        path.write_text(
            f'<?xml version="1.0" encoding="UTF-8"?>\n<xliff xmlns="{xliff.XLIFF12}" version="1.2">'
            f'<file original="a.txt" datatype="plaintext" source-language="en" target-language="vi-VN"><body>\n'
            + body.format(second=second)
            + "</body></file></xliff>\n",
            encoding="utf-8",
        )
        if refused:
            with pytest.raises(TransflowError, match=r"x\.xlf:4: unit b repeats the source"):
                xliff.read(path)
        else:
            catalog, _ = xliff.read(path)
            assert [u.target for u in catalog.units] == ["Tin khác"] and catalog.language == "vi"


@pytest.mark.parametrize("state", list(State))
@pytest.mark.parametrize("fmt", ["po", "xliff", "xliff2"])
def test_every_state_and_origin_survives_every_format(state, fmt, tmp_path):
    target = "" if state is State.EMPTY else "Tin khác"
    unit = Unit("Other news", block="heading", occurrences=[("a.txt", 3)], notes=["glossary: ASEAN → ASEAN"])
    origin = {State.DRAFT: Origin.MT, State.SUGGESTED: Origin.TM_FUZZY, State.REVISED: Origin.PREVIOUS}.get(state, Origin.HUMAN)
    unit.translate(target, state, origin if target else None, "MT argos en→vi 1.9" if origin is Origin.MT else "")
    unit.problems.append(UnitProblem("spacing", "double space"))
    if state is State.REVISED:
        unit.previous_source = "More news"
    path = tmp_path / ("x.po" if fmt == "po" else "x.xlf")
    from transflow.exchange import write

    write(path, Catalog([unit], "en", "vi"), "a.txt", fmt)
    back = read_catalog(path)[0].units[0]
    expected = State.REVIEWED if state is State.SIGNED_OFF and fmt == "po" else state  # PO has no signed-off
    assert (back.state, back.origin, back.origin_detail, back.block, back.problems, back.notes) == (
        expected, unit.origin, unit.origin_detail, "heading", unit.problems, unit.notes
    )


def test_the_state_table_covers_every_state():
    assert set(states.WRITE) == set(State)
    assert all(states.WRITE[s].po_fuzzy == s.needs_review for s in State)
    assert all(states.WRITE[s].xliff12_approved == s.done for s in State)


def test_facts_are_the_only_comment_reader():
    unit = Unit("x")
    facts.absorb(unit, ["block: caption", "origin: tm-fuzzy (87 %: Old text.)", "qa: brackets: unbalanced ()", "glossary: ASEAN → ASEAN", "origin: no such"])
    assert (unit.block, unit.origin, unit.origin_detail) == ("caption", Origin.TM_FUZZY, "87 %: Old text.")
    assert unit.problems == [UnitProblem("brackets", "unbalanced ()")]
    assert unit.notes == ["glossary: ASEAN → ASEAN", "origin: no such"]
    assert facts.comments(unit) == ["block: caption", "origin: tm-fuzzy (87 %: Old text.)", "qa: brackets: unbalanced ()", "glossary: ASEAN → ASEAN", "origin: no such"]
