"""Nightly batches: incremental, resumable, locked, robust; revisions merged like msgmerge."""

import csv
import json
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import polib
import pytest

from conftest import Counting, english_articles, msgfmt_check, settings
from transflow import lock
from transflow.batch import run_batch
from transflow.lock import project_lock
from transflow.mtcache import Drafts


def test_rerun_does_no_work_and_one_edit_sends_only_its_sentences(project, installed_models):
    articles = english_articles(project / "today")
    first = Counting()
    result = run_batch(articles, settings(project), engine=first)
    assert {r.status for r in result.reports} == {"translated"} and len(result.reports) == 18
    assert first.calls == 2  # one MT batch per language pair for all nine articles
    # Three copies, each sentence sent once (figures go to MT as written, so two sentences differing only in a figure are two texts).
    assert all(len(batch) == len(set(batch)) == 52 for batch in first.batches)  # the Markdown image title is a sentence too
    again = Counting()
    rerun = run_batch(articles, settings(project), engine=again)
    assert {r.status for r in rerun.reports} == {"skipped"} and again.sent == []
    edited = articles[0]
    text = edited.read_text(encoding="utf-8")
    paragraph = "The ministers also discussed the East Sea issue."
    edited.write_text(text.replace(paragraph, "The ministers also discussed maritime security. They met again later."), encoding="utf-8")
    once = Counting()
    after_edit = run_batch(articles, settings(project), engine=once)
    changed = [r for r in after_edit.reports if r.status == "translated"]
    assert [(r.article, r.language) for r in changed] == [("today/asean-japan-0.txt", "vi"), ("today/asean-japan-0.txt", "ja")]
    assert sorted(once.sent) == sorted(["The ministers also discussed maritime security.", "They met again later."] * 2)


def test_killed_run_leaves_whole_files_and_the_next_run_resumes(project, installed_models):
    articles = english_articles(project / "today", copies=1)
    with pytest.raises(KeyboardInterrupt):
        run_batch(articles, settings(project), engine=Counting(fail_after=1), chunk_size=1)
    written = sorted(p.relative_to(project).as_posix() for p in (project / "locales").rglob("*"))
    assert written == ["locales/vi", "locales/vi/asean-japan-0.po"]
    assert not list(project.rglob("*.tmp")) and msgfmt_check(project / "locales/vi/asean-japan-0.po").returncode == 0
    resumed = Counting()
    result = run_batch(articles, settings(project), engine=resumed, chunk_size=1)
    statuses = [(r.article, r.language, r.status) for r in result.reports]
    assert statuses[0] == ("today/asean-japan-0.txt", "vi", "skipped")
    assert all(status == "translated" for *_, status in statuses[1:])


def test_a_second_run_waits_or_refuses(project, cli, installed_models):
    english_articles(project / "today", copies=1)
    with project_lock(project / ".transflow"):
        refused = cli("batch", "today", "--to", "vi")
        assert refused.code == 1 and "another transflow run is working on this project" in refused.stderr
        assert "--wait" in refused.stderr
        assert cli("translate", "today/asean-japan-0.txt", "--to", "vi").code == 1
    assert not (project / "locales").exists()


def test_a_waiting_run_starts_once_the_holder_lets_go(project, cli, installed_models, monkeypatch):
    english_articles(project / "today", copies=1)
    held, release = threading.Event(), threading.Event()

    def holder() -> None:
        with project_lock(project / ".transflow"):
            held.set()
            release.wait(60)

    waits = []

    def sleep(seconds: float) -> None:  # the waiter found the lock taken: only now does the holder let go
        waits.append(seconds)
        release.set()
        thread.join(60)

    thread = threading.Thread(target=holder)
    thread.start()
    assert held.wait(60)
    monkeypatch.setattr(lock, "time", SimpleNamespace(monotonic=time.monotonic, sleep=sleep))
    try:
        result = cli("batch", "today", "--to", "vi", "--wait", "30")
    finally:
        release.set()
        thread.join(60)
    assert result.code == 0, result.stderr
    assert waits == [0.2]  # it waited once, then took the lock
    assert (project / "locales/vi/asean-japan-0.po").exists()


def test_bad_articles_are_reported_and_the_rest_finish(project, cli, installed_models):
    articles = english_articles(project / "today", copies=1)
    (project / "today" / "broken.html").write_text("<div><span>never closed</div>", encoding="utf-8")
    (project / "today" / "empty.md").write_text("", encoding="utf-8")
    result = cli("batch", "today", "sample_articles/asean-j*.txt", "--to", "vi,fr", "--report", "report.json")
    assert result.code == 1
    report = json.loads(Path("report.json").read_text(encoding="utf-8"))
    failed = {(r["article"], r["language"]) for r in report if r["status"] == "failed"}
    assert ("today/broken.html", "vi") in failed and ("today/empty.md", "vi") in failed
    unreadable = {"today/broken.html", "today/empty.md"}  # reported with their own error in every language
    assert all(r["status"] == "failed" for r in report if r["language"] == "fr")
    assert all("transflow models install en fr" in r["error"] for r in report if r["language"] == "fr" and r["article"] not in unreadable)
    done = [r for r in report if r["status"] == "translated"]
    assert len(done) == len(articles) + 1 and all(r["segments"] and r["from_mt"] for r in done)
    assert all(r["qa_problems"] for r in done)  # the copy model leaves every sentence "untranslated"
    assert "broken.html:1: malformed HTML" in result.stderr
    assert Path("locales/vi/asean-japan.po").exists() and not Path("locales/vi/broken.po").exists()


def test_revision_merge_keeps_reviewed_and_offers_the_old_translation(project, cli, installed_models):
    article = Path("sample_articles/asean-japan.txt")
    cli("translate", article, "--to", "vi", "--format", "po,xliff")
    po = polib.pofile("locales/vi/asean-japan.po")
    kept, changed = po.find("Other news"), po.find("The ministers also discussed the East Sea issue.")
    kept.msgstr, kept.flags = "Tin khác", []
    changed.msgstr, changed.flags = "Các bộ trưởng cũng thảo luận vấn đề Biển Đông.", []
    po.save()
    text = article.read_text(encoding="utf-8").replace("discussed the East Sea issue.", "discussed the East Sea issue again.")
    article.write_text(text, encoding="utf-8")
    result = cli("translate", article, "--to", "vi", "--format", "po,xliff")
    assert "1 revised" in result.stdout
    po = polib.pofile("locales/vi/asean-japan.po")
    assert po.find("Other news").msgstr == "Tin khác" and not po.find("Other news").fuzzy
    revised = po.find("The ministers also discussed the East Sea issue again.")
    assert revised.fuzzy and revised.msgstr == "Các bộ trưởng cũng thảo luận vấn đề Biển Đông."
    assert revised.previous_msgid == "The ministers also discussed the East Sea issue."
    assert not po.obsolete_entries()
    assert "#| msgid \"The ministers also discussed the East Sea issue.\"" in Path("locales/vi/asean-japan.po").read_text(encoding="utf-8")
    assert msgfmt_check(Path("locales/vi/asean-japan.po")).returncode == 0
    from transflow.exchange import xliff

    catalog, _ = xliff.read(Path("locales/vi/asean-japan.xlf"))
    carried = next(u for u in catalog.units if u.source.endswith("issue again."))
    assert carried.previous_source == "The ministers also discussed the East Sea issue." and carried.fuzzy


def test_status_counts_segments_and_words(project, cli, installed_models):
    cli("translate", "sample_articles/asean-japan.txt", "--to", "vi")
    po = polib.pofile("locales/vi/asean-japan.po")
    entry = po.find("Other news")
    entry.msgstr, entry.flags = "Tin khác", []
    po.find("– VNA").msgstr = ""
    po.save()
    result = cli("status", "--json", "--lang", "vi")
    [row] = json.loads(result.stdout)
    assert (row["translated"], row["fuzzy"], row["untranslated"]) == (1, 13, 1)
    assert row["translated_words"] == 2 and row["untranslated_words"] == 1


MEKONG = {
    "mrc-1.txt": "MRC warns of drought\n\nThe Mekong River Commission said water levels fell.\n",
    "mrc-2.txt": "Dams under review\n\nExperts at the Mekong River Commission reviewed six dams.\n",
    "mrc-3.txt": "Data sharing agreed\n\nCountries will share data with the Mekong River Commission every month.\n",
}


def test_a_batch_records_its_machine_drafts_for_learning_from_reviews(project, cli, installed_models):
    Path("news").mkdir()
    for name, text in MEKONG.items():
        Path("news", name).write_text(text, encoding="utf-8")
    assert cli("batch", "news", "--to", "vi").code == 0
    drafts = {}
    for name in MEKONG:  # every draft the batch wrote is what it recorded as the machine's
        for entry in polib.pofile(f"locales/vi/{name.replace('.txt', '.po')}"):
            assert entry.fuzzy and entry.msgstr, entry
            drafts[entry.msgid] = entry.msgstr
    with Drafts(settings(project).project.mt_cache) as recorded:
        assert recorded.find("en", "vi", list(drafts)) == drafts
    for name in MEKONG:  # the reviewer's work in Poedit, simulated: the same fix in three articles
        path = Path("locales/vi") / name.replace(".txt", ".po")
        catalog = polib.pofile(str(path))
        for entry in catalog:
            entry.msgstr = entry.msgstr.replace("Mekong River Commission", "Ủy hội sông Mê Công quốc tế")
            entry.flags = []
        catalog.save()
    result = cli("glossary", "suggest", "--from-reviews", "locales", "-o", "learnt.csv")
    assert result.code == 0, result.stderr
    rows = list(csv.DictReader(open("learnt.csv", encoding="utf-8")))
    assert [(r["en"], r["vi"], r["count"]) for r in rows] == [("Mekong River Commission", "Ủy hội sông Mê Công quốc tế", "3")]
