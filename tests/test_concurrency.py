"""Lost updates: a reviewer saving the PO/XLIFF while translate or batch runs never loses that save."""

from pathlib import Path

import polib
import pytest

from transflow import exchange
from transflow.batch import run_batch
from transflow.document import Origin, State
from transflow.engines import Scored
from transflow.engines.argos import ArgosEngine
from transflow.errors import TransflowError
from transflow.project import Project
from transflow.workflow import Settings, translate_articles

ARTICLE = "Ministers met in Hanoi on Monday.\n\nOther news\n"
REVISED = "Ministers met in Hanoi on Monday.\n\nThey agreed on a new plan.\n\nOther news\n"


def save_in_poedit(path: Path) -> None:
    """What a reviewer does: approve one entry with their own wording and a comment."""
    catalog, _ = exchange.read(path)
    unit = next(u for u in catalog.units if u.source == "Other news")
    unit.translate("Tin khác", State.REVIEWED, Origin.HUMAN)
    unit.translator_comment = "checked by the desk"
    fmt = "po" if path.suffix == ".po" else "xliff"
    exchange.write(path, catalog, "inbox/story.txt", fmt)


class SavingDuringMT(Scored):
    """The real engine; while it translates, the reviewer saves the file (deterministic, no sleeps)."""

    name = "argos"

    def __init__(self, path: Path):
        self.engine, self.path, self.saves = ArgosEngine(), path, 0

    def check(self, source, target):
        self.engine.check(source, target)

    def origin(self, source, target):
        return self.engine.origin(source, target)

    def translate_scored(self, texts, source, target):
        if not self.saves:
            save_in_poedit(self.path)
            self.saves += 1
        return self.engine.translate_scored(texts, source, target)


def settings(project: Path, fmt: str) -> Settings:
    layout = Project(project, project / "locales", project / "localized", project / ".transflow")
    return Settings(layout, None, ("vi",), formats=(fmt,))


@pytest.fixture
def drafted(project, installed_models):
    article = project / "inbox" / "story.txt"
    article.parent.mkdir()
    article.write_text(ARTICLE, encoding="utf-8")
    return article


@pytest.mark.parametrize("fmt, suffix", [("po", ".po"), ("xliff", ".xlf"), ("xliff2", ".xlf")])
def test_translate_keeps_a_save_made_while_mt_runs(project, drafted, fmt, suffix):
    path = project / "locales" / "vi" / f"story{suffix}"
    list(translate_articles([drafted], settings(project, fmt)))
    drafted.write_text(REVISED, encoding="utf-8")  # a revision: the next run has a sentence for MT
    engine = SavingDuringMT(path)
    [line] = list(translate_articles([drafted], settings(project, fmt), engine=engine))
    assert engine.saves == 1 and "1 saved by a reviewer during the run kept" in line
    catalog, _ = exchange.read(path)
    units = catalog.by_source()
    assert units["Other news"].target == "Tin khác" and units["Other news"].reviewed
    assert units["Other news"].translator_comment == "checked by the desk"
    assert units["They agreed on a new plan."].target and units["They agreed on a new plan."].fuzzy  # the run's work is there too


def test_batch_keeps_a_save_made_while_mt_runs(project, drafted):
    path = project / "locales" / "vi" / "story.po"
    run_batch([drafted], settings(project, "po"))
    drafted.write_text(REVISED, encoding="utf-8")
    result = run_batch([drafted], settings(project, "po"), engine=SavingDuringMT(path))
    assert [r.status for r in result.reports] == ["translated"]
    entry = polib.pofile(str(path)).find("Other news")
    assert entry.msgstr == "Tin khác" and not entry.fuzzy and entry.tcomment == "checked by the desk"


def test_a_save_in_the_last_instant_refuses_the_write(project, drafted, monkeypatch):
    path = project / "locales" / "vi" / "story.po"
    list(translate_articles([drafted], settings(project, "po")))
    drafted.write_text(REVISED, encoding="utf-8")
    original = exchange.write

    def save_then_write(target, *args, **kwargs):
        po = polib.pofile(str(target))  # between the run's last check and its rename, saved by another program
        po.find("Other news").msgstr, po.find("Other news").flags = "Tin khác", []
        po.save()
        saved_bytes[0] = target.read_bytes()
        return original(target, *args, **kwargs)

    saved_bytes = [b""]
    monkeypatch.setattr(exchange, "write", save_then_write)
    with pytest.raises(TransflowError, match="was changed while this run was working on it; it was left as saved"):
        list(translate_articles([drafted], settings(project, "po")))
    assert path.read_bytes() == saved_bytes[0]
    assert not list(path.parent.glob("*.tmp"))


def test_an_untouched_file_is_simply_rewritten(project, drafted):
    list(translate_articles([drafted], settings(project, "po")))
    [line] = list(translate_articles([drafted], settings(project, "po")))
    assert "saved by a reviewer" not in line
