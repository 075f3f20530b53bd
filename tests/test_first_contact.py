"""What a newcomer meets first: the offline install message, help texts, which project a command works
in, and the small traps (a folder given to translate, --to with spaces, status rows)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from conftest import ROOT, SAMPLES
from transflow import models
from transflow.errors import UsageError

SUPPORTED = models.project_pairs(["en", "vi", "ja"])  # vi↔ja pivots through English


# --- item 2: the same helpful offline message for every supported pair -------------------------


def test_builtin_catalogue_has_every_supported_pair():
    known = {(e["from_code"], e["to_code"]): e for e in models.catalogue()}
    for pair in SUPPORTED:
        assert re.fullmatch(r"[0-9a-f]{64}", known[pair]["sha256"]) and known[pair]["size"] > 0, pair
        assert known[pair]["url"].endswith(".argosmodel")


@pytest.mark.parametrize("pair", SUPPORTED, ids=lambda p: "→".join(p))
def test_offline_install_names_url_checksum_and_file_command(pair, tmp_path, monkeypatch):
    """No index, no download (the catalogue's host unreachable): the URL, its SHA-256 and the --file command."""
    entries = json.loads((ROOT / "src/transflow/data/model_catalogue.json").read_text(encoding="utf-8"))
    for entry in entries:
        entry["url"] = entry["url"].replace("https://argos-net.com", "http://127.0.0.1:9")
    (tmp_path / "catalogue.json").write_text(json.dumps(entries), encoding="utf-8")
    monkeypatch.setenv("TRANSFLOW_MODEL_CATALOGUE", str(tmp_path / "catalogue.json"))
    entry = next(e for e in entries if (e["from_code"], e["to_code"]) == pair)
    with pytest.raises(UsageError) as refused:
        models.install_pair(*pair)
    message = str(refused.value)
    name = entry["url"].rsplit("/", 1)[-1]
    assert "cannot reach the Argos package index" in message
    assert entry["url"] in message and entry["sha256"] in message
    assert f"'transflow models install --file {name}'" in message
    assert "\n" not in message


def test_offline_install_of_an_uncatalogued_pair_says_where_to_look(monkeypatch):
    with pytest.raises(UsageError) as refused:
        models.install_pair("en", "de")
    message = str(refused.value)
    assert "argospm-index" in message and "SHA-256" in message and "transflow models install --file translate-en_de-" in message


# --- item 4: help texts ------------------------------------------------------------------------


def _commands():
    import typer

    from transflow.cli import app

    def walk(command, path):
        yield path, command
        if hasattr(command, "list_commands"):
            ctx = command.context_class(command, info_name=path[-1] if path else "transflow")
            for name in command.list_commands(ctx):
                yield from walk(command.get_command(ctx, name), [*path, name])

    return list(walk(typer.main.get_command(app), []))


def _flat(text: str) -> str:
    return re.sub(r"-\s+", "-", " ".join(text.split()))


@pytest.mark.parametrize("path, command", _commands(), ids=lambda v: " ".join(v) if isinstance(v, list) else "")
def test_help_keeps_every_help_text_whole(path, command, cli):
    """Every option's help is printed as written (brackets included), flags take no value, groups list every command."""
    result = cli(*path, "--help")
    assert result.code == 0, result.stderr
    shown = _flat(result.stdout)
    assert "<bool>" not in shown
    ctx = command.context_class(command, info_name="transflow")
    for param in command.get_params(ctx):
        if getattr(param, "help", None):
            assert _flat(param.help) in shown, (param.name, param.help)
    if hasattr(command, "list_commands"):
        listed = _listing(result.stdout)
        assert list(listed) == command.list_commands(ctx)
        for name, summary in listed.items():  # a group's one-line summary names every command of it
            sub = command.get_command(ctx, name)
            if hasattr(sub, "list_commands"):
                assert all(n in summary for n in sub.list_commands(ctx)), (name, summary)


@pytest.mark.parametrize("path, command", _commands(), ids=lambda v: " ".join(v) if isinstance(v, list) else "")
def test_help_names_every_value_in_words(path, command, cli):
    """Usage and help show ARTICLE..., FILE, LANGS as Unix tools do, never Typer's Python types
    (<list[Path]>, <str>, <float range>) or braces ({articles}...), in --help and in the CLI reference."""
    import typer

    result = cli(*path, "--help")
    assert result.code == 0, result.stderr
    usage = " ".join(result.stdout.split("\n\n", 1)[0].split())
    shown = " ".join(result.stdout.split())
    typer_types = r"<(str|int|float|bool|path|text|file|directory|uuid|datetime|list\[\w+\]|\w+ range)>|\{\w+\}"
    assert not re.search(typer_types, shown, re.IGNORECASE), shown
    ctx = command.context_class(command, info_name="transflow")
    for param in command.get_params(ctx):
        if isinstance(param, typer.core.TyperArgument):
            words = param.metavar + ("..." if param.nargs != 1 else "")
            assert re.fullmatch(r"[A-Z_]+(\.\.\.)?", words), words
            assert words in usage and f"  {words}  " in result.stdout, (words, result.stdout)
        elif param.get_help_record(ctx) and not (param.is_flag or param.count):
            assert re.fullmatch(r"[A-Z_]+", param.metavar or ""), (param.name, param.metavar)
            assert f"{param.opts[-1]} {param.metavar}" in shown


def test_the_cli_reference_names_values_as_help_does():
    import importlib.util

    spec = importlib.util.spec_from_file_location("reference", ROOT / "docs" / "hooks" / "reference.py")
    reference = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(reference)
    page = reference.cli_reference()
    assert "transflow translate [OPTIONS] ARTICLE..." in page and "| `ARTICLE...` |" in page and "| `--to LANGS` |" in page
    assert not re.search(r"<(str|path|list\[\w+\]|\w+ range)>|\{\w+\}", page)


def test_help_shows_the_brackets_the_issue_lost(cli):
    assert "(default: [memory] path)" in _flat(cli("translate", "--help").stdout)
    batch = _flat(cli("batch", "--help").stdout)
    assert "[engine] device" in batch and "pip install -e '.[ray]'" in batch


def _listing(help_text: str) -> dict[str, str]:
    """The Commands section of a --help: command name → its summary (continuation lines joined)."""
    listed: dict[str, str] = {}
    section = help_text.split("Commands:", 1)[1]
    for line in section.splitlines():
        entry = re.match(r"^  (\S+)\s+(.*)$", line)
        if entry:
            listed[entry.group(1)] = entry.group(2)
        elif line.strip() and listed:
            last = next(reversed(listed))
            listed[last] = _flat(listed[last] + " " + line)
    return listed


def test_top_level_summaries_name_every_command_of_each_group(cli):
    listed = _listing(cli("--help").stdout)
    for group, names in {
        "models": ["install", "list", "doctor", "remove", "export-bundle", "import-bundle"],
        "glossary": ["check", "show", "convert", "suggest"],
        "tm": ["import", "export", "stats", "copy", "repair"],
    }.items():
        assert all(name in listed[group] for name in names), (group, listed[group])


# --- item 5: the project is the article's ------------------------------------------------------


@pytest.fixture
def newsroom(tmp_path):
    """A project below tmp_path/newsroom with the glossary and one article in inbox/day1/."""
    root = tmp_path / "newsroom"
    (root / "inbox" / "day1").mkdir(parents=True)
    shutil.copy(SAMPLES / "asean-japan.txt", root / "inbox" / "day1" / "story.txt")
    shutil.copytree(ROOT / "glossaries", root / "glossaries")
    (root / "transflow.toml").write_text('[glossary]\nfiles = ["glossaries/newsroom.csv"]\n', encoding="utf-8")
    return root


def test_from_outside_any_project_the_articles_project_is_used(newsroom, tmp_path, monkeypatch, cli, installed_models):
    monkeypatch.chdir(tmp_path)
    result = cli("translate", str(newsroom / "inbox/day1/story.txt"), "--to", "vi")
    assert result.code == 0, result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["newsroom"]  # no locales/ or .transflow/ here
    po = (newsroom / "locales/vi/day1/story.po").read_text(encoding="utf-8")
    assert "#. glossary: Deputy Foreign Minister → Thứ trưởng Bộ Ngoại giao" in po
    assert str(newsroom) in result.stderr  # said, not silent


def test_an_article_of_another_project_is_refused_naming_both(newsroom, tmp_path, monkeypatch, cli):
    other = tmp_path / "other"
    other.mkdir()
    (other / "transflow.toml").write_text("", encoding="utf-8")
    monkeypatch.chdir(other)
    for args in (["translate", str(newsroom / "inbox/day1/story.txt"), "--to", "vi"], ["build", str(newsroom / "inbox/day1/story.txt"), "--lang", "vi"]):
        result = cli(*args)
        assert result.code == 2
        assert str(newsroom) in result.stderr and str(other) in result.stderr and "--config" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    assert sorted(p.name for p in other.iterdir()) == ["transflow.toml"]
    assert not (newsroom / "locales").exists()


# --- item 6: small traps -------------------------------------------------------------------------


def test_translate_of_a_folder_points_at_batch(project, cli):
    result = cli("translate", "sample_articles", "--to", "vi")
    assert result.code == 2 and "transflow batch sample_articles" in result.stderr


def test_languages_separated_by_spaces_get_the_comma_hint(project, cli):
    result = cli("translate", "sample_articles/asean-japan.txt", "--to", "vi ja")
    assert result.code == 2 and "--to vi,ja" in result.stderr


def test_status_has_one_row_per_article_and_language_for_every_language_with_a_file(project, cli, installed_models):
    assert cli("translate", "sample_articles/hoi-nghi-asean.txt", "--to", "en", "--format", "po,xliff").code == 0
    assert cli("translate", "sample_articles/asean-japan.txt", "--to", "vi").code == 0
    rows = json.loads(cli("status", "--json").stdout)
    assert sorted((r["article"], r["language"]) for r in rows) == [("asean-japan", "vi"), ("hoi-nghi-asean", "en")]
    loads = json.loads(cli("status", "--review", "--json").stdout)
    assert sorted((r["article"], r["language"]) for r in loads) == [("asean-japan", "vi"), ("hoi-nghi-asean", "en")]
    one = next(r for r in loads if r["article"] == "hoi-nghi-asean")
    assert one["low"] + one["medium"] + one["high"] + one["untranslated"] == 11  # its 11 segments, counted once
    named = json.loads(cli("status", "sample_articles/hoi-nghi-asean.txt", "--json").stdout)
    assert [(r["article"], r["language"]) for r in named] == [("hoi-nghi-asean", "en")]
