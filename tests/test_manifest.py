"""The batch manifest at archive scale: one SQLite row per article and language, older JSON taken over, damage survived."""

import json
import sqlite3

from conftest import Counting, english_articles, settings
from transflow.batch import run_batch


def test_the_manifest_is_a_row_per_article_and_an_older_json_manifest_is_taken_over(project, installed_models):
    articles = english_articles(project / "today", copies=1)
    state = project / ".transflow"
    run_batch(articles, settings(project))
    rows = sqlite3.connect(state / "manifest.sqlite").execute("SELECT key, fingerprint FROM manifest ORDER BY key").fetchall()
    assert [key for key, _ in rows] == sorted(f"today/{p.name}|{lang}" for p in articles for lang in ("vi", "ja"))
    # An older transflow kept the same entries in manifest.json: they are taken over, nothing is redone.
    (state / "manifest.sqlite").unlink()
    (state / "manifest.json").write_text(json.dumps({key: {"fingerprint": fp, "at": "2026-01-01T00:00:00"} for key, fp in rows}), encoding="utf-8")
    again = Counting()
    rerun = run_batch(articles, settings(project), engine=again)
    assert {r.status for r in rerun.reports} == {"skipped"} and again.sent == []


def test_a_damaged_manifest_is_set_aside_and_the_work_done_again(project, installed_models):
    articles = english_articles(project / "today", copies=1)
    state = project / ".transflow"
    run_batch(articles, settings(project))
    (state / "manifest.sqlite").write_bytes(b"not a database" * 100)
    for leftover in state.glob("manifest.sqlite-*"):
        leftover.unlink()
    result = run_batch(articles, settings(project))
    assert {r.status for r in result.reports} == {"translated"}
    assert (state / "manifest.sqlite.damaged").read_bytes().startswith(b"not a database")


def test_an_archive_run_keeps_totals_not_a_report_per_article(project, installed_models):
    articles = english_articles(project / "today", copies=2)
    result = run_batch(articles, settings(project), keep_reports=False)
    assert result.reports == []
    assert {lang: (t.articles, t.translated, t.segments) for lang, t in result.totals.items()} == {"vi": (6, 6, 104), "ja": (6, 6, 104)}  # with the Markdown image titles
