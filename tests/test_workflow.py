"""End to end through the CLI with the tiny copy models: translate → PO → build."""

from pathlib import Path

import polib
import pytest

from conftest import msgfmt_check

LANGS = {"asean-japan.txt": "en", "mekong-summit.md": "en", "hoi-nghi-asean.txt": "vi", "asean-nihon.txt": "ja"}


def structure(text: str) -> list[bool]:
    """Which lines are blank: the layout a rebuilt article must keep."""
    return [not line.strip() for line in text.splitlines()]


@pytest.mark.parametrize("name", sorted(LANGS))
def test_every_sample_to_every_other_language(name, project, cli, installed_models):
    source = LANGS[name]
    targets = [lang for lang in ("en", "vi", "ja") if lang != source]
    article = Path("sample_articles") / name
    result = cli("translate", article, "--from", source, "--to", ",".join(targets))
    assert result.code == 0, result.stderr
    for target in targets:
        po_path = Path("locales") / target / f"{article.stem}.po"
        check = msgfmt_check(po_path)
        assert check.returncode == 0, check.stderr
        po = polib.pofile(str(po_path))
        assert po.metadata["Language"] == target and po.metadata["X-Source-Language"] == source
        assert all(entry.fuzzy and entry.msgstr for entry in po)
        built = cli("build", article, "--lang", target, "--include-fuzzy")
        assert built.code == 0, built.stderr
        output = (Path("localized") / target / name).read_text(encoding="utf-8")
        assert structure(output) == structure(article.read_text(encoding="utf-8"))


def test_po_is_ready_for_poedit(project, cli, installed_models):
    assert cli("translate", "sample_articles/mekong-summit.md", "--to", "vi").code == 0
    po = polib.pofile("locales/vi/mekong-summit.po")
    meta = po.metadata
    assert meta["Plural-Forms"] == "nplurals=1; plural=0;"
    assert meta["Content-Type"] == "text/plain; charset=UTF-8"
    assert meta["X-Generator"].startswith("transflow ")
    link = next(e for e in po if "[Tokyo Strategy 2026]" in e.msgid)
    assert link.occurrences == [("sample_articles/mekong-summit.md", "13")]
    assert "block: paragraph" in link.comment and "MT argos en→vi 1.0" in link.comment
    assert link.msgstr == link.msgid  # the copy model returns it, inline codes restored exactly
    heading = next(e for e in po if e.msgid == "Mekong-Japan leaders agree on green growth roadmap")
    assert [line for _, line in heading.occurrences] == ["2", "11"]


def test_rerun_keeps_reviewed_translations_and_bytes(project, cli, installed_models):
    article = "sample_articles/asean-japan.txt"
    assert cli("translate", article, "--to", "vi").code == 0
    path = Path("locales/vi/asean-japan.po")
    po = polib.pofile(str(path))
    reviewed = po.find("Other news")
    reviewed.msgstr, reviewed.flags = "Tin khác", []
    reviewed.tcomment = "checked by the desk"
    po.save()
    result = cli("translate", article, "--to", "vi")
    assert "1 reviewed kept" in result.stdout
    first = path.read_bytes()  # the draft's QA notes are gone from the reviewed entry
    cli("translate", article, "--to", "vi")
    assert path.read_bytes() == first
    again = polib.pofile(str(path)).find("Other news")
    assert again.msgstr == "Tin khác" and not again.fuzzy and again.tcomment == "checked by the desk"
    built = cli("build", article, "--lang", "vi", "--min-translated", "0")
    assert built.code == 0
    assert Path("localized/vi/asean-japan.txt").read_text(encoding="utf-8").endswith("Tin khác\n")


def test_revised_article_keeps_removed_translations_as_obsolete(project, cli, installed_models):
    article = Path("sample_articles/asean-japan.txt")
    cli("translate", article, "--to", "vi")
    po = polib.pofile("locales/vi/asean-japan.po")
    entry = po.find("Other news")
    entry.msgstr, entry.flags = "Tin khác", []
    po.save()
    article.write_text(article.read_text(encoding="utf-8").replace("Other news\n", "More news\n"), encoding="utf-8")
    assert cli("translate", article, "--to", "vi").code == 0
    po = polib.pofile("locales/vi/asean-japan.po")
    assert [(e.msgid, e.msgstr) for e in po.obsolete_entries()] == [("Other news", "Tin khác")]
    assert po.find("More news").fuzzy
    assert msgfmt_check(Path("locales/vi/asean-japan.po")).returncode == 0


def test_engine_none_leaves_translation_to_humans(project, cli):
    result = cli("translate", "sample_articles/asean-japan.txt", "--to", "vi", "--engine", "none", "--out-dir", "po")
    assert result.code == 0, result.stderr
    po = polib.pofile("po/vi/asean-japan.po")
    assert all(entry.msgstr == "" and not entry.fuzzy for entry in po)
    assert not Path("locales").exists()


def test_build_refuses_below_threshold_and_lists_what_is_missing(project, cli, installed_models):
    cli("translate", "sample_articles/asean-japan.txt", "--to", "vi")
    result = cli("build", "sample_articles/asean-japan.txt", "--lang", "vi")
    assert result.code == 1
    assert "only 0 of 15 segments" in result.stderr
    assert "sample_articles/asean-japan.txt:17: untranslated: Other news" not in result.stderr  # listing is capped
    assert "… and 5 more segments not built" in result.stderr
    assert not Path("localized").exists()


def test_japanese_build_joins_sentences_without_spaces(project, cli, installed_models):
    cli("translate", "sample_articles/hoi-nghi-asean.txt", "--from", "vi", "--to", "ja")
    cli("build", "sample_articles/hoi-nghi-asean.txt", "--lang", "ja", "--include-fuzzy")
    text = Path("localized/ja/hoi-nghi-asean.txt").read_text(encoding="utf-8")
    assert "11月27日.Hội nghị diễn ra" in text  # the date in the Japanese house style, then no space


def test_translate_toolkit_reads_our_po(project, cli, installed_models):
    from translate.storage import factory

    cli("translate", "sample_articles/mekong-summit.md", "--to", "ja")
    store = factory.getobject("locales/ja/mekong-summit.po")
    units = [u for u in store.units if not u.isheader()]
    ours = [e for e in polib.pofile("locales/ja/mekong-summit.po")]
    assert [u.source for u in units] == [e.msgid for e in ours]
    assert all(u.isfuzzy() for u in units)


def test_init_writes_a_config_that_is_read_back(project, cli):
    assert cli("init").code == 0
    text = Path("transflow.toml").read_text(encoding="utf-8")
    Path("transflow.toml").write_text(text.replace('targets = ["vi", "ja"]', 'targets = ["vi"]').replace('name = "argos"', 'name = "none"'))
    assert cli("translate", "sample_articles/asean-japan.txt").code == 0
    assert sorted(p.name for p in Path("locales").iterdir()) == ["vi"]
    assert cli("init").code == 2
