"""Bad input: one line saying what is wrong and how to fix it, a non-zero exit, nothing written."""

from pathlib import Path

import pytest


def files_under(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def assert_one_line_error(result, code: int, *fragments: str):
    assert result.code == code, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("transflow: error: "), result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    for fragment in fragments:
        assert fragment in lines[0]


def write(path: str, data: bytes) -> Path:
    target = Path(path)
    target.write_bytes(data)
    return target


CASES = {
    "unknown language": (lambda: ["sample_articles/asean-japan.txt", "--to", "xx"], 2, "unknown language 'xx'; the supported languages are en, vi, ja"),
    "only the source language": (lambda: ["sample_articles/asean-japan.txt", "--to", "en"], 2, "nothing to translate: sample_articles/asean-japan.txt is en"),
    "--from contradicts the text": (lambda: ["sample_articles/hoi-nghi-asean.txt", "--from", "en", "--to", "ja"], 2, "is written in Vietnamese (vi"),
    "missing file": (lambda: ["nope.txt", "--to", "vi"], 2, "nope.txt: no such file"),
    "empty file": (lambda: [write("empty.txt", b"  \n"), "--to", "vi"], 1, "empty.txt: the article is empty"),
    "binary file": (lambda: [write("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00"), "--to", "vi"], 1, "binary"),
    "not utf-8": (lambda: [write("cp1258.txt", "Hà Nam\n".encode("cp1258")), "--to", "vi"], 1, "cp1258.txt:1: not UTF-8"),
    "unsupported format": (lambda: [write("article.odt", b"PK"), "--to", "vi"], 2, "unsupported article format '.odt'"),
    "not a word document": (lambda: [write("article.docx", b"PK"), "--to", "vi"], 1, "article.docx: not a Word document"),
    "missing model": (lambda: ["sample_articles/asean-japan.txt", "--to", "fr"], 2, "transflow models install en fr"),
    "unknown engine": (lambda: ["sample_articles/asean-japan.txt", "--to", "vi", "--engine", "deepl"], 2, "unknown engine"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_translate_refuses_bad_input(case, project, cli, installed_models):
    args, code, fragment = CASES[case]
    arguments = args()
    before = files_under(project)
    result = cli("translate", *arguments)
    assert_one_line_error(result, code, fragment)
    assert files_under(project) == before


def test_unwritable_output_directory(project, cli, installed_models):
    Path("blocker").write_text("a file where a folder should be")
    result = cli("translate", "sample_articles/asean-japan.txt", "--to", "vi,ja", "--out-dir", "blocker/po")
    assert_one_line_error(result, 1, "cannot write there")
    assert not list(project.rglob("*.po")) and not list(project.rglob("*.tmp"))


def test_a_bad_article_among_good_ones_writes_nothing(project, cli, installed_models):
    write("empty.txt", b"")
    result = cli("translate", "sample_articles/asean-japan.txt", "empty.txt", "--to", "vi")
    assert result.code == 1
    assert not Path("locales").exists()


def test_malformed_po_is_reported_with_its_line(project, cli, installed_models):
    Path("locales/vi").mkdir(parents=True)
    write("locales/vi/asean-japan.po", b'msgid "Other news"\nmsgstr "Tin khac\n')
    result = cli("build", "sample_articles/asean-japan.txt", "--lang", "vi")
    assert_one_line_error(result, 1, "locales/vi/asean-japan.po:2: malformed PO file")
    result = cli("translate", "sample_articles/asean-japan.txt", "--to", "vi")
    assert_one_line_error(result, 1, "malformed PO file")
    assert Path("locales/vi/asean-japan.po").read_bytes() == b'msgid "Other news"\nmsgstr "Tin khac\n'


def test_build_without_po_says_how_to_make_one(project, cli):
    result = cli("build", "sample_articles/asean-japan.txt", "--lang", "vi")
    assert_one_line_error(result, 1, "run 'transflow translate' first")


def test_build_with_the_po_of_another_language(project, cli, installed_models):
    cli("translate", "sample_articles/asean-japan.txt", "--to", "ja")
    result = cli("build", "sample_articles/asean-japan.txt", "--lang", "vi", "--from", "locales/ja/asean-japan.po")
    assert_one_line_error(result, 1, "is a ja file, not vi")


def test_invalid_config(project, cli):
    Path("transflow.toml").write_text('source = "en"\ntargets = "vi"\n')
    assert_one_line_error(cli("translate", "sample_articles/asean-japan.txt"), 2, "targets must be a list")
    Path("transflow.toml").write_text("source = \n")
    assert_one_line_error(cli("translate", "sample_articles/asean-japan.txt"), 2, "invalid TOML")


def test_models_install_offline_names_the_file_alternative(project, cli, monkeypatch):
    monkeypatch.setenv("TRANSFLOW_MODEL_CATALOGUE", str(write("catalogue.json", b"[]")))  # a pair the catalogue lacks
    result = cli("models", "install", "en", "vi")
    assert_one_line_error(result, 2, "cannot reach the Argos package index", "models install --file")


def test_models_install_offline_says_where_to_get_the_file(project, cli, monkeypatch):
    entry = '[{"from_code": "en", "to_code": "vi", "url": "http://127.0.0.1:9/translate-en_vi-1_9.argosmodel", "size": 10, "sha256": "ab12"}]'
    monkeypatch.setenv("TRANSFLOW_MODEL_CATALOGUE", str(write("catalogue.json", entry.encode())))
    result = cli("models", "install", "en", "vi")
    assert_one_line_error(
        result, 2, "download http://127.0.0.1:9/translate-en_vi-1_9.argosmodel (SHA-256 ab12)", "models install --file translate-en_vi-1_9.argosmodel"
    )


def test_version_alone(cli):
    result = cli("--version")
    assert result.code == 0 and result.stdout.startswith("transflow ")


def test_config_goes_before_or_after_the_command(project, cli):
    Path("other.toml").write_text('source = "en"\ntargets = "vi"\n')
    for args in (("--config", "other.toml", "status"), ("status", "--config", "other.toml"), ("status", "--config=other.toml")):
        assert_one_line_error(cli(*args), 2, "targets must be a list")


def test_tm_export_with_nothing_to_export(project, cli):
    result = cli("tm", "export", "--from", "en", "--to", "vi", "out.tmx")
    assert_one_line_error(result, 1, "the TM holds no en→vi translations", "tm stats")
    assert not Path("out.tmx").exists()


def test_models_install_rejects_a_file_that_is_not_a_package(project, cli):
    write("fake.argosmodel", b"not a zip")
    assert_one_line_error(cli("models", "install", "--file", "fake.argosmodel"), 1, "not an Argos package")


def test_usage_errors_exit_2(project, cli):
    result = cli("translate")
    assert result.code == 2 and "Traceback" not in result.stderr
