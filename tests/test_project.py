"""One owner for the project's files: sub-folders kept apart, collisions refused, every command agrees."""

import os
from pathlib import Path

import polib

from conftest import SAMPLES
from transflow.document import Origin, State
from transflow.project import Project


def story(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


DAY1 = "Ministers met in Hanoi on Monday.\n\nThey agreed on a new plan.\n"
DAY2 = "The summit closed in Tokyo on Friday.\n\nLeaders signed a joint statement.\n"


def test_same_name_in_two_folders_never_meet(project, cli, installed_models):
    story(project / "inbox/day1", "story.txt", DAY1)
    story(project / "inbox/day2", "story.txt", DAY2)
    result = cli("batch", "inbox", "--to", "vi")
    assert result.code == 0, result.stderr
    first, second = polib.pofile("locales/vi/day1/story.po"), polib.pofile("locales/vi/day2/story.po")
    assert {e.msgid for e in first} == {"Ministers met in Hanoi on Monday.", "They agreed on a new plan."}
    assert {e.msgid for e in second} == {"The summit closed in Tokyo on Friday.", "Leaders signed a joint statement."}
    assert first[0].occurrences[0][0] == "inbox/day1/story.txt"
    for day, text in (("day1", DAY1), ("day2", DAY2)):
        built = cli("build", f"inbox/{day}/story.txt", "--lang", "vi", "--include-fuzzy")
        assert built.code == 0, built.stderr
        assert Path(f"localized/vi/{day}/story.txt").read_text(encoding="utf-8") == text  # the copy model
    rerun = cli("batch", "inbox", "--to", "vi")
    assert rerun.stderr.count("unchanged, skipped") == 2


def test_two_articles_that_would_share_a_file_are_refused_naming_both(project, cli, installed_models):
    story(project / "a", "story.txt", DAY1)
    story(project / "a", "story.md", DAY2)
    story(project / "a", "other.txt", DAY2)
    refused = cli("translate", "a/story.txt", "a/story.md", "--to", "vi")
    assert refused.code == 2 and "a/story.txt and a/story.md would share locales/vi/story.po" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1 and not Path("locales").exists()
    batch = cli("batch", "a", "--to", "vi")
    assert batch.code == 1 and "a/story.md and a/story.txt would share" in batch.stderr
    assert sorted(p.name for p in Path("locales/vi").iterdir()) == ["other.po"]


def test_a_file_of_another_article_is_never_merged_into(project, cli, installed_models):
    story(project / "inbox", "story.txt", DAY1)
    story(project / "archive", "story.txt", DAY2)
    assert cli("translate", "inbox/story.txt", "--to", "vi").code == 0
    before = Path("locales/vi/story.po").read_bytes()
    refused = cli("translate", "archive/story.txt", "--to", "vi")
    assert refused.code == 1
    assert "locales/vi/story.po: holds the translations of inbox/story.txt, not of archive/story.txt" in refused.stderr
    assert Path("locales/vi/story.po").read_bytes() == before
    assert cli("build", "inbox/story.txt", "--lang", "vi", "--include-fuzzy").code == 0
    published = Path("localized/vi/story.txt").read_bytes()
    for command in (("build", "archive/story.txt", "--lang", "vi", "--include-fuzzy"), ("status", "archive/story.txt")):
        foreign = cli(*command)
        assert foreign.code == 1 and "holds the translations of inbox/story.txt, not of archive/story.txt" in foreign.stderr
        assert len(foreign.stderr.strip().splitlines()) == 1
    assert Path("localized/vi/story.txt").read_bytes() == published
    assert Path("locales/vi/story.po").read_bytes() == before


def test_the_readme_examples_keep_their_paths(project, cli, installed_models):
    assert cli("translate", "sample_articles/asean-japan.txt", "--to", "vi").code == 0
    assert Path("locales/vi/asean-japan.po").is_file()
    assert cli("build", "sample_articles/asean-japan.txt", "--lang", "vi", "--include-fuzzy").code == 0
    assert Path("localized/vi/asean-japan.txt").is_file()


def test_build_finds_an_xliff_file(project, cli, installed_models):
    assert cli("translate", "sample_articles/mekong-summit.md", "--to", "vi", "--format", "xliff").code == 0
    assert not Path("locales/vi/mekong-summit.po").exists()
    built = cli("build", "sample_articles/mekong-summit.md", "--lang", "vi", "--include-fuzzy")
    assert built.code == 0, built.stderr
    assert Path("localized/vi/mekong-summit.md").is_file()


def test_a_po_and_an_xliff_with_different_reviewed_work_are_an_error(project, cli, installed_models):
    article = "sample_articles/asean-japan.txt"
    assert cli("translate", article, "--to", "vi", "--format", "po,xliff").code == 0
    po = polib.pofile("locales/vi/asean-japan.po")
    po.find("Other news").msgstr, po.find("Other news").flags = "Tin khác", []
    po.save()
    assert cli("build", article, "--lang", "vi", "--min-translated", "0").code == 0  # the PO holds all reviewed work
    text = Path("locales/vi/asean-japan.xlf").read_text(encoding="utf-8")
    from transflow.exchange import xliff

    catalog, _ = xliff.read(Path("locales/vi/asean-japan.xlf"))
    unit = next(u for u in catalog.units if u.source == "– VNA")
    unit.translate("– TTXVN", State.REVIEWED, Origin.HUMAN)
    xliff.write(Path("locales/vi/asean-japan.xlf"), catalog, article)
    assert text != Path("locales/vi/asean-japan.xlf").read_text(encoding="utf-8")
    both = cli("build", article, "--lang", "vi", "--min-translated", "0")
    assert both.code == 2 and "locales/vi/asean-japan.po and locales/vi/asean-japan.xlf hold different reviewed vi" in both.stderr


def test_every_command_agrees_from_a_sub_folder(project, cli, installed_models):
    assert cli("init").code == 0
    story(project / "inbox/day1", "story.txt", DAY1)
    os.chdir(project / "inbox/day1")
    assert cli("translate", "story.txt", "--to", "vi").code == 0
    assert (project / "locales/vi/day1/story.po").is_file() and not Path("locales").exists()
    built = cli("build", "story.txt", "--lang", "vi", "--include-fuzzy")
    assert built.code == 0, built.stderr
    assert (project / "localized/vi/day1/story.txt").is_file()
    status = cli("status", "story.txt", "--lang", "vi", "--json")
    assert '"article": "day1/story"' in status.stdout
    os.chdir(project)
    assert '"article": "day1/story"' in cli("status", "--lang", "vi", "--json").stdout


def test_articles_root_is_configurable(tmp_path):
    root = tmp_path / "newsroom"
    layout = Project(root, root / "locales", root / "localized", root / ".transflow")
    assert layout.translation_file(root / "inbox/day1/story.txt", "vi", "po") == root / "locales/vi/day1/story.po"
    assert layout.translation_file(root / "story.txt", "ja", "xliff") == root / "locales/ja/story.xlf"
    assert layout.built_article(root / "inbox/day1/story.txt", "vi") == root / "localized/vi/day1/story.txt"
    assert layout.translation_file(SAMPLES / "asean-japan.txt", "vi", "po") == root / "locales/vi/asean-japan.po"  # outside: its name
    whole = Project(root, root / "locales", root / "localized", root / ".transflow", articles=root)
    assert whole.translation_file(root / "inbox/day1/story.txt", "vi", "po") == root / "locales/vi/inbox/day1/story.po"
    assert whole.manifest_key(root / "inbox/day1/story.txt", "vi") == "inbox/day1/story.txt|vi"


def test_articles_outside_the_configured_folder_are_refused(project, cli):
    Path("transflow.toml").write_text('[paths]\narticles = "content"\n', encoding="utf-8")
    story(project / "content/world", "story.txt", DAY1)
    story(project / "elsewhere", "story.txt", DAY1)
    assert cli("translate", "content/world/story.txt", "--to", "vi", "--engine", "none").code == 0
    assert Path("locales/vi/world/story.po").is_file()
    outside = cli("translate", "elsewhere/story.txt", "--to", "vi", "--engine", "none")
    assert outside.code == 2 and "outside the articles folder content" in outside.stderr
