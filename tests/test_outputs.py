"""Outputs onto inputs: no command writes over what it reads or over project state; one-line error, nothing written."""

from pathlib import Path

import pytest

from conftest import SAMPLES, snapshot
from transflow.exchange.tmx import write as write_tmx
from transflow.memory import TMUnit


def refused(result, fragment: str) -> None:
    assert result.code == 2, (result.stdout, result.stderr)
    assert fragment in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr


@pytest.fixture
def translated(project, cli):
    Path("glossary.csv").write_text("en,vi\nASEAN,ASEAN\n", encoding="utf-8")
    Path("transflow.toml").write_text('[glossary]\nfiles = ["glossary.csv"]\n', encoding="utf-8")
    assert cli("translate", "sample_articles/asean-japan.txt", "--to", "vi,ja", "--engine", "none", "--format", "po,xliff").code == 0
    Path(".transflow").mkdir(exist_ok=True)
    write_tmx(Path("seed.tmx"), [TMUnit("en", "vi", "Other news", "Tin khác")], "en", "vi")
    assert cli("tm", "import", "seed.tmx").code == 0
    return project


BUILD_TARGETS = {
    "the source article": ("sample_articles/asean-japan.txt", "an input of this run"),
    "its PO file": ("locales/vi/asean-japan.po", "an input of this run"),
    "its PO file by another spelling": ("./locales/vi/../vi/asean-japan.po", "an input of this run"),
    "its XLIFF file": ("locales/vi/asean-japan.xlf", "a translation file (a reviewer's work)"),
    "the other language's PO": ("locales/ja/asean-japan.po", "a translation file (a reviewer's work)"),
    "the TM": (".transflow/tm.sqlite", "project state"),
    "the manifest": (".transflow/manifest.json", "project state"),
    "the settings": ("transflow.toml", "the project settings"),
    "the glossary": ("glossary.csv", "a glossary of the project"),
    "a folder": ("sample_articles", "a folder"),
}


@pytest.mark.parametrize("case", sorted(BUILD_TARGETS))
def test_build_never_writes_over_its_inputs_or_project_state(translated, cli, case):
    target, fragment = BUILD_TARGETS[case]
    before = snapshot(translated)
    result = cli("build", "sample_articles/asean-japan.txt", "--lang", "vi", "--min-translated", "0", "-o", target)
    refused(result, fragment)
    assert snapshot(translated) == before


def test_build_over_a_link_to_the_article_is_refused(translated, cli):
    Path("alias.txt").symlink_to(Path("sample_articles/asean-japan.txt").resolve())
    before = snapshot(translated)
    refused(cli("build", "sample_articles/asean-japan.txt", "--lang", "vi", "--min-translated", "0", "-o", "alias.txt"), "an input of this run")
    assert snapshot(translated) == before


@pytest.mark.parametrize("target", [".transflow/tm.sqlite", "elsewhere.sqlite", "elsewhere.sqlite-wal", "glossary.csv", "locales/vi/asean-japan.po"])
def test_tm_export_never_writes_over_the_tm_or_project_files(translated, cli, target):
    tm = ["--tm", "elsewhere.sqlite"] if target.startswith("elsewhere") else []
    if tm:
        assert cli("tm", "import", "seed.tmx", *tm).code == 0
    before = snapshot(translated)
    result = cli("tm", "export", target, "--from", "en", "--to", "vi", *tm)
    refused(result, "writing there would destroy it")
    assert snapshot(translated) == before
    assert cli("tm", "export", "out.tmx", "--from", "en", "--to", "vi", *tm).code == 0


@pytest.mark.parametrize("target", ["sample_articles/mekong-summit.md", "locales/vi/asean-japan.po", ".transflow/manifest.json"])
def test_batch_report_never_writes_over_an_article_or_state(translated, cli, target):
    before = snapshot(translated)
    result = cli("batch", "sample_articles/mekong-summit.md", "--to", "vi", "--engine", "none", "--report", target)
    refused(result, "writing there would destroy it")
    assert snapshot(translated) == before


def test_convert_and_glossary_convert_refuse_their_inputs_and_state(translated, cli):
    before = snapshot(translated)
    refused(cli("convert", "locales/vi/asean-japan.po", "./locales/vi/asean-japan.po"), "writing there would destroy it")
    refused(cli("convert", "locales/vi/asean-japan.po", ".transflow/tm.xlf"), "project state")
    refused(cli("glossary", "convert", "glossary.csv", "glossary.csv"), "an input of this run")
    refused(cli("glossary", "convert", "glossary.csv", "locales/vi/asean-japan.po"), "a translation file")
    assert snapshot(translated) == before
    assert cli("convert", "locales/vi/asean-japan.po", "locales/vi/asean-japan.xlf").code == 0  # its purpose: PO → XLIFF
    assert cli("glossary", "convert", "glossary.csv", "glossary.tbx").code == 0


def test_a_normal_build_output_is_written(translated, cli):
    assert cli("build", "sample_articles/asean-japan.txt", "--lang", "vi", "--min-translated", "0", "-o", "out/asean-japan.txt").code == 0
    assert Path("out/asean-japan.txt").read_text(encoding="utf-8") == (SAMPLES / "asean-japan.txt").read_text(encoding="utf-8")


def test_no_output_lands_on_another_translated_article_or_reviewer_file(project, cli, installed_models):
    """An output named after another article (one transflow has translated) or another article's or
    language's translation file is refused, whatever the command; the file is left as it was."""
    articles = ["sample_articles/asean-japan.txt", "sample_articles/mekong-summit.md"]
    assert cli("translate", *articles, "--to", "vi,ja").code == 0
    other, reviewed = Path("sample_articles/mekong-summit.md"), Path("locales/ja/asean-japan.po")
    before = {path: path.read_bytes() for path in (other, reviewed)}
    attempts = [
        ("build", articles[0], "--lang", "vi", "--include-fuzzy", "--force", "-o", str(other)),
        ("tm", "export", str(other), "--from", "en", "--to", "vi"),
        ("convert", "locales/vi/mekong-summit.po", str(reviewed)),
        ("convert", "locales/vi/mekong-summit.po", "locales/vi/asean-japan.xlf"),
    ]
    for args in attempts:
        result = cli(*args)
        assert result.code == 2 and "writing there would destroy it" in result.stderr, (args, result.stderr)
    assert {path: path.read_bytes() for path in before} == before
    assert not Path("locales/vi/asean-japan.xlf").exists()
    # The article's own translations in the other format, and a built article written twice, are fine.
    assert cli("convert", "locales/vi/mekong-summit.po", "locales/vi/mekong-summit.xlf").code == 0
    for _ in range(2):
        assert cli("build", articles[0], "--lang", "vi", "--include-fuzzy", "--force", "-o", "out/asean-japan.vi.txt").code == 0


@pytest.mark.parametrize("folder", [".", "", "sample_articles"])
def test_build_of_a_folder_is_one_line(project, cli, folder):
    result = cli("build", folder, "--lang", "vi")
    assert result.code == 2 and "is a folder; 'transflow build' takes one article file" in result.stderr
    assert "Traceback" not in result.stderr


def test_dash_writes_single_file_outputs_to_stdout(translated, cli, installed_models):
    """build, tm export, convert and glossary suggest take - as standard output (reports go to stderr); no file named - appears."""
    built = cli("build", "sample_articles/asean-japan.txt", "--lang", "vi", "--min-translated", "0", "-o", "-")
    assert built.code == 0, built.stderr
    assert built.stdout.startswith((SAMPLES / "asean-japan.txt").read_text(encoding="utf-8").splitlines()[0])
    assert "standard output: 0/15 segments translated" in built.stderr
    exported = cli("tm", "export", "-", "--from", "en", "--to", "vi")
    assert exported.code == 0 and "<seg>Tin khác</seg>" in exported.stdout and exported.stdout.startswith("<?xml")
    to_xliff = cli("convert", "locales/vi/asean-japan.po", "-")
    assert to_xliff.code == 0 and 'target-language="vi"' in to_xliff.stdout and "wrote standard output" in to_xliff.stderr
    to_po = cli("convert", "locales/vi/asean-japan.xlf", "-")
    assert to_po.code == 0 and '"Language: vi\\n"' in to_po.stdout
    suggested = cli("glossary", "suggest", "sample_articles/asean-japan.txt", "-o", "-")
    assert suggested.code == 0 and suggested.stdout.startswith("en,")
    assert not Path("-").exists()


@pytest.mark.parametrize(
    "args, fragment",
    [
        (("translate", "sample_articles/asean-japan.txt", "--to", "vi", "--engine", "none", "--out-dir", "-"), "--out-dir -: "),
        (("batch", "sample_articles", "--to", "vi", "--engine", "none", "--report", "-"), "--report -: "),
        (("models", "export-bundle", "-"), "OUT_FILE -: "),
        (("glossary", "convert", "glossary.csv", "-"), "TARGET -: "),
        (("tm", "stats", "--tm", "-"), "--tm -: "),
        (("tm", "copy", ".transflow/tm.sqlite", "-"), "DESTINATION -: "),
        (("demo", "-"), "FOLDER -: "),
    ],
)
def test_dash_is_refused_where_one_stream_makes_no_sense(translated, cli, args, fragment):
    before = snapshot(translated)
    result = cli(*args)
    refused(result, fragment)
    assert "cannot go to standard output" in result.stderr
    assert snapshot(translated) == before and not Path("-").exists()
