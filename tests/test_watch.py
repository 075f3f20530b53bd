"""transflow watch on the real file system: real notifications, real tiny models, outcomes awaited with a deadline."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import polib
import pytest

from conftest import SAMPLES, msgfmt_check, review
from transflow.engines import Scored
from transflow.engines.argos import ArgosEngine
from transflow.lock import project_lock
from transflow.project import Project
from transflow.watch import Watch
from transflow.watchstate import read as read_state
from transflow.workflow import Settings

DEADLINE = 120.0  # seconds: generous for a loaded machine; every wait ends as soon as its outcome is seen


def eventually(predicate, what: str, deadline: float = DEADLINE):
    """Wait until *predicate()* is true (returning its value), or fail naming *what* was awaited."""
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"not seen within {deadline:g} s: {what}")


class Counting(Scored):
    """The real Argos engine with every MT call recorded; *gate* (an Event) holds calls after the first until set."""

    name = "argos"

    def __init__(self, gate: threading.Event | None = None):
        self.engine = ArgosEngine()
        self.batches: list[list[str]] = []
        self.gate = gate
        self.entered = threading.Event()

    def check(self, source, target):
        self.engine.check(source, target)

    def origin(self, source, target):
        return self.engine.origin(source, target)

    def translate_scored(self, texts, source, target):
        if self.gate is not None and self.batches:
            self.entered.set()
            self.gate.wait(DEADLINE)
        self.batches.append(list(texts))
        return self.engine.translate_scored(texts, source, target)

    @property
    def sent(self) -> list[str]:
        return [text for batch in self.batches for text in batch]


class Running:
    def __init__(self, watch: Watch, thread: threading.Thread, events: list, engine: Counting):
        self.watch, self.thread, self.events, self.engine = watch, thread, events, engine

    def named(self, event: str, article: str | None = None) -> list[dict]:
        return [fields for name, _, fields in list(self.events) if name == event and (article is None or fields.get("article") == article)]

    def wait(self, event: str, article: str | None = None, count: int = 1) -> list[dict]:
        return eventually(lambda: len(self.named(event, article)) >= count and self.named(event, article), f"{count} {event} {article or ''}")


@pytest.fixture
def watching(project, installed_models):
    """Start a watch over folders of the project in a thread; stopped when the test ends."""
    started: list[Running] = []

    def start(folders=("inbox",), languages=("vi",), settle=0.2, engine=None) -> Running:
        for folder in folders:
            (project / folder).mkdir(parents=True, exist_ok=True)
        layout = Project(project, project / "locales", project / "localized", project / ".transflow")
        events: list = []
        engine = engine or Counting()
        watch = Watch(
            [project / folder for folder in folders], Settings(layout, "en", languages), engine=engine,
            log=lambda event, message, **fields: events.append((event, message, fields)), settle=settle,
        )
        thread = threading.Thread(target=watch.run, daemon=True)
        thread.start()
        running = Running(watch, thread, events, engine)
        started.append(running)
        running.wait("watching")
        return running

    yield start
    for running in started:
        running.watch.stop()
        running.thread.join(DEADLINE)


def po_entries(path: Path) -> dict[str, polib.POEntry]:
    return {entry.msgid: entry for entry in polib.pofile(str(path)) if not entry.obsolete}


def test_a_new_article_is_drafted_and_status_shows_it(watching, project, cli):
    running = watching()
    shutil.copy(SAMPLES / "asean-japan.txt", project / "inbox" / "asean-japan.txt")
    po = project / "locales" / "vi" / "asean-japan.po"
    running.wait("drafted", "inbox/asean-japan.txt")
    assert msgfmt_check(po).returncode == 0
    entries = po_entries(po)
    assert len(running.engine.batches) == 1 and len(running.engine.sent) == len(entries)  # one MT batch, each sentence once
    assert all("fuzzy" in entry.flags and entry.msgstr for entry in entries.values())
    state = eventually(lambda: (s := read_state(project / ".transflow" / "watch.json")) and s["last_draft"] and s, "the state file")
    assert state["running"] and state["last_draft"]["article"] == "inbox/asean-japan.txt" and state["drafted"] == 1
    shown = cli("status", "--watch")
    assert shown.code == 0 and "last draft: inbox/asean-japan.txt → vi" in shown.stdout and "0 queued" in shown.stdout


def test_an_edit_sends_only_its_changed_sentences_and_keeps_reviewed_ones(watching, project):
    article = project / "inbox" / "asean-japan.txt"
    article.parent.mkdir()
    shutil.copy(SAMPLES / "asean-japan.txt", article)
    running = watching()
    running.wait("drafted", "inbox/asean-japan.txt")  # drafted by the start-up pass over the inbox
    po = project / "locales" / "vi" / "asean-japan.po"
    kept = next(msgid for msgid in po_entries(po) if "ministers" not in msgid)
    review(po, {kept: "Bản dịch của biên tập viên."})
    text = article.read_text(encoding="utf-8")
    old = "The ministers also discussed the East Sea issue."
    assert old in text
    article.write_text(text.replace(old, "The ministers also discussed maritime security. They met again later."), encoding="utf-8")
    running.wait("drafted", "inbox/asean-japan.txt", count=2)
    assert running.engine.batches[1:] == [["The ministers also discussed maritime security.", "They met again later."]]
    entries = po_entries(po)
    assert entries[kept].msgstr == "Bản dịch của biên tập viên." and "fuzzy" not in entries[kept].flags
    assert "They met again later." in entries and old not in entries
    assert msgfmt_check(po).returncode == 0


def _wire(folder: Path, count: int) -> list[Path]:
    """*count* distinct short stories (each sentence unique to its story; figures would become one placeholder)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(count):
        path = folder / f"wire-{n:03d}.txt"
        word = "".join("abcdefghijklmnopqrstuvwxyz"[int(digit)] for digit in f"{n:03d}")
        path.write_text(f"A story about {word} from the wire.\n\nThe council of {word} met and agreed on a budget.\n", encoding="utf-8")
        paths.append(path)
    return paths


def test_a_burst_of_200_files_is_one_mt_batch_and_each_file_is_drafted_once(watching, project):
    running = watching(settle=1.0)
    staged = _wire(project / "staging", 200)
    for path in staged:  # a day's wire dropped into the inbox file after file, for longer than the settle time
        path.rename(project / "inbox" / path.name)
        time.sleep(0.006)
    burst = running.wait("burst")[0]
    assert burst["articles"] == 200 and burst["drafted"] == 200 and burst["sent_to_mt"] == 400
    assert len(running.engine.batches) == 1 and len(running.engine.sent) == len(set(running.engine.sent)) == 400
    drafted = [fields["article"] for fields in running.named("drafted")]
    assert sorted(drafted) == sorted(f"inbox/{path.name}" for path in staged)
    assert len(list((project / "locales" / "vi").glob("wire-*.po"))) == 200


def test_a_file_still_being_written_waits_and_partial_names_are_ignored(watching, project):
    running = watching()
    inbox = project / "inbox"
    for junk in (".story.txt.swp", "~$story.md", "#story.md#", "story.txt~", "story.txt.part"):
        (inbox / junk).write_text("The ministers met in Hanoi.\n", encoding="utf-8")
    sentences = [f"The {n} paragraph of the slowly written report." for n in ("first", "second", "third", "last")]
    with open(inbox / "slow.txt", "w", encoding="utf-8") as writer:
        for n, sentence in enumerate(sentences):
            writer.write(sentence + "\n\n")
            writer.flush()
            if n == 0:
                running.wait("changed", "inbox/slow.txt")  # the watch knows the file...
            time.sleep(0.5)  # ...and the writer pauses longer than the settle time, with the file still open
    running.wait("drafted", "inbox/slow.txt")
    assert running.engine.batches == [sentences]  # one draft, of the whole file
    (inbox / "story.txt.part").rename(inbox / "story.txt")  # the download finished
    running.wait("drafted", "inbox/story.txt")
    written = sorted(path.name for path in (project / "locales" / "vi").iterdir())
    assert written == ["slow.po", "story.po"]
    assert not any(fields["article"].startswith(("inbox/.", "inbox/~", "inbox/#")) for fields in running.named("changed"))


def test_a_reviewer_saving_the_po_during_a_draft_loses_nothing_and_the_lock_is_free_meanwhile(watching, project):
    article = project / "inbox" / "asean-japan.txt"
    article.parent.mkdir()
    shutil.copy(SAMPLES / "asean-japan.txt", article)
    gate = threading.Event()
    running = watching(engine=Counting(gate))
    running.wait("drafted", "inbox/asean-japan.txt")
    po = project / "locales" / "vi" / "asean-japan.po"
    article.write_text(article.read_text(encoding="utf-8") + "\nA late paragraph arrived.\n", encoding="utf-8")
    assert running.engine.entered.wait(DEADLINE)  # the second draft is in MT
    with project_lock(project / ".transflow"):  # translate, build, tm import can run now
        pass
    msgid = next(iter(po_entries(po)))
    review(po, {msgid: "Câu người duyệt đã sửa."})
    gate.set()
    running.wait("drafted", "inbox/asean-japan.txt", count=2)
    entries = po_entries(po)
    assert entries[msgid].msgstr == "Câu người duyệt đã sửa." and "fuzzy" not in entries[msgid].flags
    assert "fuzzy" in entries["A late paragraph arrived."].flags
    assert msgfmt_check(po).returncode == 0


def test_a_deleted_article_keeps_its_translations_and_a_bad_one_does_not_stop_the_watch(watching, project, cli):
    article = project / "inbox" / "asean-japan.txt"
    article.parent.mkdir()
    shutil.copy(SAMPLES / "asean-japan.txt", article)
    running = watching(languages=("vi", "ja"))
    running.wait("drafted", "inbox/asean-japan.txt", count=2)
    article.unlink()
    deleted = running.wait("deleted", "inbox/asean-japan.txt")[0]
    assert deleted["kept"] == ["locales/vi/asean-japan.po", "locales/ja/asean-japan.po"]
    assert all((project / kept).is_file() for kept in deleted["kept"])
    (project / "inbox" / "broken.html").write_text("<div><span>never closed</div>", encoding="utf-8")
    running.wait("failed", "inbox/broken.html")
    shutil.copy(SAMPLES / "mekong-summit.md", project / "inbox" / "mekong-summit.md")
    running.wait("drafted", "inbox/mekong-summit.md", count=2)
    shown = cli("status", "--watch")
    assert "deleted at" in shown.stdout and "inbox/asean-japan.txt (translations kept: locales/vi/asean-japan.po" in shown.stdout
    assert "inbox/broken.html → ja: FAILED" in shown.stdout and "2 failed" in shown.stdout  # once per language


def test_watching_the_project_root_ignores_its_own_outputs(watching, project):
    shutil.rmtree(project / "sample_articles")
    running = watching(folders=(".",))
    shutil.copy(SAMPLES / "asean-japan.txt", project / "inbox-a.txt")
    running.wait("drafted", "inbox-a.txt")
    built = project / "localized" / "vi" / "inbox-a.txt"
    built.parent.mkdir(parents=True)
    built.write_text("Bản dịch.\n", encoding="utf-8")
    (project / ".transflow" / "notes.md").write_text("state\n", encoding="utf-8")
    shutil.copy(SAMPLES / "mekong-summit.md", project / "second.md")
    running.wait("drafted", "second.md")
    changed = {fields["article"] for fields in running.named("changed")}
    assert changed == {"inbox-a.txt", "second.md"}


def test_a_watch_that_cannot_work_refuses_to_start(project, cli, installed_models):
    (project / "inbox").mkdir()
    missing = cli("watch", "inbox", "--to", "fr", "--from", "en")
    assert missing.code == 2 and "transflow models install en fr" in missing.stderr
    nowhere = cli("watch", "nowhere", "--to", "vi")
    assert nowhere.code == 2 and "nowhere: no such folder" in nowhere.stderr
    assert cli("watch", "inbox", "--log-format", "xml").code == 2
    assert cli("status", "--watch").stdout.strip() == "watch: has never run in this project"


def _log(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _start(project: Path, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "transflow", "watch", "inbox", "--to", "vi", "--from", "en", "--settle", "0.3", "--log-format", "json"],
        cwd=project, stdout=open(log, "a", encoding="utf-8"), stderr=subprocess.PIPE, text=True,
    )


def test_sigterm_while_writing_stops_cleanly_and_a_restart_resumes_without_mt(project, installed_models):
    (project / "inbox").mkdir()
    log = project / "watch.log"
    first = _start(project, log)
    try:
        eventually(lambda: log.exists() and any(e["event"] == "watching" for e in _log(log)), "the watch started")
        _wire(project / "staging", 120)
        (project / "staging").rename(project / "inbox" / "today")  # a folder of stories moved in at once
        eventually(lambda: any(e["event"] == "drafted" for e in _log(log)), "the first draft written")
        first.send_signal(signal.SIGTERM)
        assert first.wait(DEADLINE) == 0, first.stderr.read()
    finally:
        first.kill()
    events = _log(log)
    assert events[-1]["event"] == "stopped"
    written = sorted((project / "locales" / "vi" / "today").glob("*.po"))
    assert 0 < len(written) < 120 and not list(project.rglob("*.tmp"))
    assert all(msgfmt_check(path).returncode == 0 for path in written)
    assert events[-1]["queued"] == 120 - len(written)
    second = _start(project, log)
    try:
        rest = eventually(lambda: [e for e in _log(log)[len(events):] if e["event"] == "burst"], "the restart's burst")[0]
        assert rest["drafted"] == 120 - len(written) and rest["unchanged"] == len(written)
        assert rest["sent_to_mt"] == 0  # every sentence was translated before the stop: the MT cache has it
        assert len(list((project / "locales" / "vi" / "today").glob("*.po"))) == 120
    finally:
        second.send_signal(signal.SIGTERM)
        assert second.wait(DEADLINE) == 0


def test_the_start_scan_follows_a_linked_folder_once(project, tmp_path):
    """A sub-folder linked into the inbox (a mounted share) is watched like batch reads it: once, loop-safe."""
    from transflow.watch import Inbox

    inbox, shared = Path("inbox"), tmp_path / "shared"
    (inbox / "day1").mkdir(parents=True)
    shared.mkdir()
    (inbox / "day1" / "story.txt").write_text("A story.\n", encoding="utf-8")
    (shared / "wire.md").write_text("A wire story.\n", encoding="utf-8")
    (inbox / "wire").symlink_to(shared, target_is_directory=True)
    (inbox / "day1" / "loop").symlink_to(inbox.resolve(), target_is_directory=True)
    layout = Project(project, project / "locales", project / "localized", project / ".transflow")
    found = Inbox([inbox], layout).scan()
    assert [p.relative_to(inbox.resolve()).as_posix() for p in found] == ["day1/story.txt", "wire/wire.md"]
