"""Article names as a newsroom writes them: spaces, Vietnamese in NFC or in NFD (as macOS writes
names), names that differ only in normalisation, and names at the file system's 255-byte limit.

Every name goes through translate, a review, a re-run, build, status and batch.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import unicodedata
from pathlib import Path

import polib
import pytest

from conftest import SAMPLES, gettext_tool, msgfmt_check
from transflow.exchange import po_text

NONE = ("--to", "vi", "--engine", "none")
SENTENCE = "Other news"
REVIEWED = "Tin khác"


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


NAMES = {
    "space": "my article.txt",
    "nfc": "bài viết mới.txt",
    "nfd": nfd("bài viết mới.txt"),
    "tab-and-spaces": "tin  nóng\tsáng nay.txt",
    "255-bytes": "a" * 251 + ".txt",
    "255-bytes-vietnamese": "ệ" * 82 + "ab" + "x" * 3 + ".txt",  # 3-byte letters: 246 + 9 bytes
}


def test_the_names_are_what_they_claim():
    assert len(NAMES["255-bytes"].encode()) == 255
    assert len(NAMES["255-bytes-vietnamese"].encode()) == 255
    assert NAMES["nfc"] != NAMES["nfd"] and unicodedata.normalize("NFC", NAMES["nfd"]) == NAMES["nfc"]


def approve(po_path: Path) -> None:
    po = polib.pofile(str(po_path))
    entry = po.find(SENTENCE)
    entry.msgstr, entry.flags = REVIEWED, []
    po.save()


def only_translation(lang: str = "vi") -> Path:
    [found] = [p for p in Path("locales", lang).iterdir() if p.suffix == ".po"]
    return found


@pytest.mark.parametrize("key", list(NAMES))
def test_a_named_article_goes_through_every_command(key, project, cli):
    name = NAMES[key]
    article = Path("articles") / name
    article.parent.mkdir()
    shutil.copy(SAMPLES / "asean-japan.txt", article)
    result = cli("translate", article, *NONE, "--format", "po,xliff")
    assert result.code == 0, result.stderr
    po_path = only_translation()
    assert all(len(p.name.encode()) <= 255 for p in Path("locales/vi").iterdir())
    assert {p.suffix for p in Path("locales/vi").iterdir()} == {".po", ".xlf"}
    assert msgfmt_check(po_path).returncode == 0
    approve(po_path)
    Path("locales/vi", po_path.stem + ".xlf").unlink()  # the reviewer worked in the PO
    # Poedit reformats every PO it saves with msgcat: the reference it writes must read back the same.
    subprocess.run([gettext_tool("msgcat"), "--force-po", "--width=79", "-o", str(po_path), str(po_path)], check=True)
    for command in ("translate", "batch"):
        result = cli(command, article, *NONE)
        assert result.code == 0, f"{command}: {result.stderr}"
        entry = polib.pofile(str(po_path)).find(SENTENCE)
        assert (entry.msgstr, entry.fuzzy) == (REVIEWED, False), command
    result = cli("status", article, "--lang", "vi", "--json")
    assert result.code == 0, result.stderr
    [row] = json.loads(result.stdout)
    assert row["translated"] == 1 and row["file"] == str(po_path)
    result = cli("build", article, "--lang", "vi", "--min-translated", "0")
    assert result.code == 0, result.stderr
    built = Path("localized/vi") / name
    assert built.read_text(encoding="utf-8").endswith(REVIEWED + "\n")
    assert not [p for p in built.parent.iterdir() if p.name.endswith(".tmp")]


def test_the_reference_keeps_a_name_with_spaces_whole():
    written = po_text._references([("articles/my article.txt", 3), ("b.txt", 4), ("tin\tsáng.md", None)], 79)
    assert written == ["#: \u2068articles/my article.txt\u2069:3 b.txt:4 \u2068tin\tsáng.md\u2069"]
    assert po_text.parse_references(written) == [("articles/my article.txt", 3), ("b.txt", 4), ("tin\tsáng.md", None)]
    # As older writers and people write them: no isolates, names without line numbers, C:\ style colons.
    assert po_text.parse_references(["#: a.txt:1  b.txt", "#: c:d.txt:12 e.txt:x"]) == [
        ("a.txt", 1), ("b.txt", None), ("c:d.txt", 12), ("e.txt:x", None)
    ]


def test_a_reference_written_in_nfc_still_names_an_article_stored_in_nfd(project, cli):
    """git on macOS precomposes names (core.precomposeunicode); the file system may hand them back decomposed."""
    article = Path("articles") / nfd("bài viết mới.txt")
    article.parent.mkdir()
    shutil.copy(SAMPLES / "asean-japan.txt", article)
    assert cli("translate", article, *NONE).code == 0
    po_path = only_translation()
    text = po_path.read_text(encoding="utf-8")
    assert nfd("bài viết mới.txt") in text
    po_path.write_text(unicodedata.normalize("NFC", text), encoding="utf-8")
    approve(po_path)
    assert cli("translate", article, *NONE).code == 0
    result = cli("build", article, "--lang", "vi", "--min-translated", "0")
    assert result.code == 0, result.stderr


def test_names_that_differ_only_in_normalisation_are_refused_not_mixed(project, cli):
    """Two such names are two files on Linux but one on macOS: their translations must not share a PO."""
    folder = Path("articles")
    folder.mkdir()
    for name in (NAMES["nfc"], NAMES["nfd"]):
        shutil.copy(SAMPLES / "asean-japan.txt", folder / name)
    result = cli("translate", *sorted(folder.iterdir()), *NONE)
    assert result.code == 2
    assert "would share" in result.stderr and "Traceback" not in result.stderr
    assert not Path("locales").exists()
    result = cli("batch", "articles/*", *NONE)
    assert result.code == 1 and "would share" in result.stdout + result.stderr


def test_long_names_are_shortened_deterministically_and_never_collide(project, cli):
    folder = Path("articles")
    folder.mkdir()
    names = ["n" * 240 + "-first.txt", "n" * 240 + "-other.txt"]
    for name in names:
        shutil.copy(SAMPLES / "asean-japan.txt", folder / name)
    assert cli("translate", *(folder / n for n in names), *NONE, "--format", "po,xliff2").code == 0
    first = sorted(p.name for p in Path("locales/vi").iterdir())
    assert len(first) == 4 and all(len(n.encode()) <= 255 for n in first)
    # The name depends on the article's name alone: a second run (or another machine) finds the same files.
    shutil.rmtree("locales")
    assert cli("translate", *(folder / n for n in names), *NONE, "--format", "po,xliff2").code == 0
    assert sorted(p.name for p in Path("locales/vi").iterdir()) == first
    # Each file still names its article in its references: the owner check holds.
    for name in names:
        from transflow.project import Project

        project_ = Project(Path.cwd(), Path("locales"), Path("localized"), Path(".transflow"))
        path = project_.translation_file(folder / name, "vi", "po")
        assert f"articles/{name}:" in path.read_text(encoding="utf-8")


def test_watch_drafts_named_articles_and_keeps_their_review(project, installed_models):
    """The inbox a Vietnamese desk fills from macOS: NFD names with spaces, drafted by ``transflow watch``."""
    import threading
    import time

    from transflow.project import Project as Layout
    from transflow.watch import Watch
    from transflow.workflow import Settings

    inbox = project / "inbox"
    inbox.mkdir()
    layout = Layout(project, project / "locales", project / "localized", project / ".transflow")
    events: list[tuple[str, dict]] = []
    watch = Watch([inbox], Settings(layout, "en", ("vi",)), log=lambda event, message, **fields: events.append((event, fields)), settle=0.2)
    thread = threading.Thread(target=watch.run, daemon=True)
    thread.start()

    def drafted(name: str, count: int = 1) -> bool:
        end = time.monotonic() + 120
        while time.monotonic() < end:
            if sum(1 for event, fields in list(events) if event == "drafted" and fields.get("article") == f"inbox/{name}") >= count:
                return True
            time.sleep(0.05)
        return False

    try:
        name = NAMES["nfd"]
        shutil.copy(SAMPLES / "asean-japan.txt", inbox / name)
        assert drafted(name), [event for event, _ in events]
        po_path = only_translation()
        approve(po_path)
        with (inbox / name).open("a", encoding="utf-8") as article:
            article.write("\nMore news.\n")
        assert drafted(name, 2)
        entry = polib.pofile(str(po_path)).find(SENTENCE)
        assert (entry.msgstr, entry.fuzzy) == (REVIEWED, False)
        assert polib.pofile(str(po_path)).find("More news.").msgstr
    finally:
        watch.stop()
        thread.join(120)
