"""Hostile and unlucky article files: every block accounted for, clear refusals, nothing lost.

Control and separator characters inside a Markdown paragraph, a byte order
mark before front matter, GFM tables, pipes and FIFOs, UTF-16, archives,
glossary cells with line breaks.
"""

from __future__ import annotations

import gzip
import io
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import polib
import pytest
import yaml
from markdown_it import MarkdownIt

from conftest import msgfmt_check, review
from transflow.errors import TransflowError
from transflow.formats import markdown, parse_file
from transflow.segment import segments_of

# Characters str.splitlines() treats as line ends but CommonMark does not, and other controls.
def vietnamese(text: str) -> str:
    """The reviewer's translation of every entry."""
    return f"VI {text}"


SEPARATORS = ["\u2028", "\u2029", "\u0085", "\x0c", "\x0b", "\x1c", "\x1d", "\x1e", "\x1f", "\x7f", "\u200b"]


def article_with(separator: str) -> str:
    return (
        "# Summit opens\n\n"
        f"Leaders met in Hanoi on Monday.{separator}They agreed on trade and{separator}energy.\n\n"
        "The second paragraph follows.\n\n"
        "- A list item after it.\n\n"
        "The last paragraph.\n"
    )


@pytest.mark.parametrize("separator", SEPARATORS, ids=lambda ch: f"U+{ord(ch):04X}")
def test_a_separator_inside_a_paragraph_never_hides_later_blocks(separator, tmp_path):
    path = tmp_path / "a.md"
    path.write_text(article_with(separator), encoding="utf-8")
    doc = parse_file(path)
    texts = " ".join(seg.text for seg in segments_of(doc, "en"))
    for sentence in ("Summit opens", "Leaders met", "The second paragraph follows.", "A list item after it.", "The last paragraph."):
        assert sentence in texts
    assert doc.render(lambda block: block.text) == article_with(separator)


@pytest.mark.parametrize("separator", ["\u2028", "\u0085", "\x0c", "\x0b", "\x1c"], ids=lambda ch: f"U+{ord(ch):04X}")
def test_markdown_with_a_separator_builds_every_block_translated(separator, project, cli):
    Path("a.md").write_text(article_with(separator), encoding="utf-8")
    assert cli("translate", "a.md", "--to", "vi", "--engine", "none").code == 0
    po_path = Path("locales/vi/a.po")
    assert msgfmt_check(po_path).returncode == 0
    msgids = [entry.msgid for entry in polib.pofile(str(po_path))]
    assert "The last paragraph." in msgids and "A list item after it." in msgids
    assert f"They agreed on trade and{separator}energy." in msgids
    assert cli("translate", "a.md", "--to", "vi", "--engine", "none").code == 0  # our own PO reads back
    review(po_path, vietnamese)
    result = cli("build", "a.md", "--lang", "vi")
    assert result.code == 0, result.stderr
    built = Path("localized/vi/a.md").read_text(encoding="utf-8")
    assert "VI The last paragraph." in built and "- VI A list item after it." in built
    assert f"VI They agreed on trade and{separator}energy." in built
    assert "(100%)" in result.stdout


def test_a_byte_order_mark_before_front_matter_keeps_it_front_matter(project, cli):
    source = "\ufeff---\ntitle: Leaders meet in Hanoi\nslug: leaders-meet\nsummary: >\n  A long\n  summary.\n---\n\nBody text here.\n"
    Path("a.md").write_bytes(source.encode("utf-8"))
    doc = parse_file(Path("a.md"))
    kinds = [block.kind for block in doc.blocks]
    assert kinds == ["front-matter title", "front-matter summary", "paragraph"]
    assert doc.render(lambda block: block.text).encode("utf-8") == source.encode("utf-8")
    assert cli("translate", "a.md", "--to", "vi", "--engine", "none").code == 0
    review(Path("locales/vi/a.po"), vietnamese)
    assert cli("build", "a.md", "--lang", "vi").code == 0
    built = Path("localized/vi/a.md").read_text(encoding="utf-8")
    assert built.startswith("\ufeff---\n")
    front = yaml.safe_load(built.lstrip("\ufeff").split("---\n")[1])
    assert front == {"title": "VI Leaders meet in Hanoi", "slug": "leaders-meet", "summary": "VI A long summary.\n"}
    assert "\nVI Body text here.\n" in built


@pytest.mark.parametrize("suffix, source", [(".txt", "\ufeffHeadline\n\nBody.\n"), (".html", "\ufeff<p>Body text.</p>\n")])
def test_a_byte_order_mark_is_skeleton_in_every_format(suffix, source, tmp_path):
    path = tmp_path / f"a{suffix}"
    path.write_text(source, encoding="utf-8")
    doc = parse_file(path)
    assert all("\ufeff" not in block.text for block in doc.blocks)
    assert doc.render(lambda block: block.text) == source


TABLE = (
    "Intro paragraph.\n\n"
    "| Country | Leader | Role |\n"
    "|---|:-:|---|\n"
    "| Japan | Mr. Ishiba | Prime Minister |\n"
    "| Viet Nam | Pham Minh Chinh | Prime Minister of *Viet Nam* |\n"
    "| ASEAN \\| bloc | | Chair |\n\n"
    "After the table.\n"
)


def cells(text: str) -> list[list[str]]:
    """The table's cells as a GFM renderer sees them."""
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    rows, row = [], []
    for token in tokens:
        if token.type == "tr_open":
            row = []
        elif token.type == "inline" and tokens[tokens.index(token) - 1].type in ("th_open", "td_open"):
            row.append(token.content)
        elif token.type == "tr_close":
            rows.append(row)
    return rows


def test_gfm_table_is_translated_cell_by_cell_and_stays_a_table(project, cli):
    Path("t.md").write_text(TABLE, encoding="utf-8")
    doc = parse_file(Path("t.md"))
    texts = [block.text for block in doc.blocks if block.kind.startswith("table")]
    assert texts == ["Country", "Leader", "Role", "Japan", "Mr. Ishiba", "Prime Minister", "Viet Nam", "Pham Minh Chinh", "Prime Minister of *Viet Nam*", "ASEAN | bloc", "Chair"]
    assert cli("translate", "t.md", "--to", "vi", "--engine", "none").code == 0
    po_path = Path("locales/vi/t.po")
    assert {"Country", "Prime Minister", "ASEAN | bloc"} <= {entry.msgid for entry in polib.pofile(str(po_path))}
    review(po_path, lambda text: {"Country": "Quốc gia | nước"}.get(text, f"VI {text}"))
    assert cli("build", "t.md", "--lang", "vi").code == 0
    built = Path("localized/vi/t.md").read_text(encoding="utf-8")
    assert len(built.splitlines()) == len(TABLE.splitlines())
    assert cells(built) == [
        ["Quốc gia | nước", "VI Leader", "VI Role"],
        ["VI Japan", "VI Mr. Ishiba", "VI Prime Minister"],
        ["VI Viet Nam", "VI Pham Minh Chinh", "VI Prime Minister of *Viet Nam*"],
        ["VI ASEAN | bloc", "", "VI Chair"],
    ]
    assert "\nVI After the table.\n" in built


def test_a_block_that_cannot_be_placed_is_an_error_not_a_silent_gap(monkeypatch, tmp_path):
    path = tmp_path / "a.md"
    path.write_text("First paragraph.\n\nSecond paragraph.\n", encoding="utf-8")
    real = markdown._locate
    monkeypatch.setattr(markdown, "_locate", lambda content, *rest: None if content.startswith("Second") else real(content, *rest))
    with pytest.raises(TransflowError, match=r"a\.md:3: cannot map this paragraph"):
        parse_file(path)


def test_a_parser_that_loses_bytes_is_refused(monkeypatch, tmp_path):
    from transflow import formats

    path = tmp_path / "a.txt"
    path.write_text("Headline\n\nBody.\n", encoding="utf-8")
    real = formats.PARSERS[".txt"]

    def lossy(text):
        doc = real(text)
        doc.parts.pop()
        return doc

    monkeypatch.setitem(formats.PARSERS, ".txt", lossy)
    with pytest.raises(TransflowError, match="could not account for every part"):
        parse_file(path)


# Files that are not UTF-8 text articles ---------------------------------------------


def test_a_fifo_is_refused_not_waited_on(project):
    os.mkfifo("pipe.txt")
    result = subprocess.run(
        [sys.executable, "-m", "transflow", "translate", "pipe.txt", "--to", "vi", "--engine", "none"],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 2
    assert "pipe.txt: is not a regular file" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("encoding, named", [("utf-16", "UTF-16"), ("utf-16-le", "UTF-16LE"), ("utf-16-be", "UTF-16BE"), ("utf-32", "UTF-32")])
def test_a_utf16_article_is_named_with_its_conversion(encoding, named, project, cli):
    Path("a.txt").write_bytes("Thủ tướng phát biểu.\n\nHội nghị ASEAN.\n".encode(encoding))
    result = cli("translate", "a.txt", "--to", "vi", "--engine", "none")
    assert result.code == 1
    assert f"a.txt: is {named} text, not UTF-8; convert it: iconv -f {named} -t UTF-8 a.txt > a.utf8.txt" in result.stderr
    assert "binary" not in result.stderr
    if shutil.which("iconv"):
        converted = subprocess.run(["iconv", "-f", named, "-t", "UTF-8", "a.txt"], capture_output=True, check=True).stdout
        assert converted.decode("utf-8") == "Thủ tướng phát biểu.\n\nHội nghị ASEAN.\n"


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("article.md", "# Title\n")
    return buffer.getvalue()


def _tar() -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        data = b"Headline\n"
        info = tarfile.TarInfo("article.txt")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


@pytest.mark.parametrize(
    "name, data, kind",
    [("a.md", _zip(), "ZIP archive"), ("a.txt", gzip.compress(b"Headline\n"), "gzip file"), ("a.html", _tar(), "tar archive"), ("a.txt", b"BZh91AY&SY" + bytes(range(200, 256)), "bzip2 file")],
)
def test_an_archive_given_as_an_article_is_named(name, data, kind, project, cli):
    Path(name).write_bytes(data)
    result = cli("translate", name, "--to", "vi", "--engine", "none")
    assert result.code == 1
    assert f"{name}: is a {kind}, not a text file; extract the article from it first" in result.stderr
    assert not Path("locales").exists()


def test_an_article_of_only_a_byte_order_mark_is_empty(project, cli):
    Path("a.txt").write_bytes(b"\xef\xbb\xbf\n")
    result = cli("translate", "a.txt", "--to", "vi", "--engine", "none")
    assert result.code == 1 and "a.txt: the article is empty" in result.stderr


# Glossaries ------------------------------------------------------------------------


def test_a_glossary_of_only_a_byte_order_mark_is_one_line_error(project, cli):
    Path("g.csv").write_bytes(b"\xef\xbb\xbf")
    for args in (("glossary", "check", "g.csv"), ("translate", "sample_articles/asean-japan.txt", "--to", "vi", "--engine", "none", "--glossary", "g.csv")):
        result = cli(*args)
        assert result.code == 1
        assert result.stderr.strip() == "transflow: error: g.csv: the glossary is empty; nothing to translate"


def test_a_glossary_cell_with_a_line_break_fails_the_check(project, cli):
    Path("g.csv").write_text('en,vi\nASEAN,ASEAN\nforeign minister,"bộ trưởng\nngoại giao"\nPrime Minister,Thủ tướng\n', encoding="utf-8")
    result = cli("glossary", "check", "g.csv")
    assert result.code == 1
    assert "g.csv:3: the vi cell holds a line break" in result.stdout
    refused = cli("translate", "sample_articles/asean-japan.txt", "--to", "vi", "--engine", "none", "--glossary", "g.csv")
    assert refused.code == 2 and "g.csv:3: the vi cell holds a line break" in refused.stderr


@pytest.mark.parametrize("fmt", ["xliff", "xliff2"])
def test_a_control_character_xliff_cannot_hold_is_refused_by_line(fmt, project, cli):
    Path("a.md").write_text("# Title\n\nA form feed\x0cinside a sentence.\n", encoding="utf-8")
    result = cli("translate", "a.md", "--to", "vi", "--engine", "none", "--format", fmt)
    assert result.code == 1 and len(result.stderr.strip().splitlines()) == 1
    assert "a.md:3: the control character U+000C cannot be written to XLIFF" in result.stderr
    assert not Path("locales").exists() or not list(Path("locales").rglob("*.xlf"))
    assert cli("translate", "a.md", "--to", "vi", "--engine", "none", "--format", "po").code == 0
