"""Property: whatever a reviewer saves and whatever transflow runs in between, every text a
reviewer wrote is still in the file, or that reviewer replaced it.

Saves are made as Poedit makes them, in PO and both XLIFF versions: inline codes
kept, dropped or changed; states toggled between done and needs work; an entry
cleared. Runs are ``translate`` and ``batch`` (through their stages, in process),
with the article revised now and then, and a TM offering a fuzzy suggestion. The engine is an adversarial fake that
always has a draft ready: any reviewer text it replaced would show.
"""

from __future__ import annotations

import copy
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import polib
from hypothesis import HealthCheck, given, settings, strategies as st
from lxml import etree

from conftest import poedit_mark_xliff
from transflow import exchange
from transflow.batch import run_batch
from transflow.engines import Scored, Translation
from transflow.exchange import xliff
from transflow.memory import TMUnit, open_memory
from transflow.project import Project
from transflow.workflow import Settings, translate_articles

ARTICLE = """# Ministers **meet** in Hanoi

The ministers met in **Hanoi** on Monday. They agreed on a [new plan](https://example.com/plan).

Other news
"""
REVISIONS = [
    ("Other news", "Weather: sunny in Hanoi all week"),  # unlike: the old sentence goes obsolete
    ("They agreed on a [new plan]", "They agreed again on a [new plan]"),  # alike: its translation is inherited
]
FORMATS = {"po": ".po", "xliff": ".xlf", "xliff2": ".xlf"}
NS = {"xliff": xliff.XLIFF12, "xliff2": xliff.XLIFF20}


class Machine(Scored):
    """Always a draft, and a different one each call: a replaced reviewer text cannot hide."""

    name = "fake"

    def __init__(self) -> None:
        self.calls = 0

    def check(self, source, target):
        pass

    def origin(self, source, target):
        return "MT fake"

    def translate_scored(self, texts, source, target):
        self.calls += 1
        return [Translation(f"MT{self.calls} {text}", None) for text in texts]


@dataclass
class Desk:
    root: Path
    fmt: str
    written: dict[str, str] = field(default_factory=dict)  # the reviewer's latest text per sentence
    saves: int = 0

    @property
    def article(self) -> Path:
        return self.root / "inbox" / "story.md"

    @property
    def file(self) -> Path:
        return self.root / "locales" / "vi" / f"story{FORMATS[self.fmt]}"

    @property
    def memory(self) -> Path:
        return self.root / "tm.sqlite"

    def settings(self) -> Settings:
        layout = Project(self.root, self.root / "locales", self.root / "localized", self.root / ".transflow")
        return Settings(layout, "en", ("vi",), formats=(self.fmt,), memory_path=self.memory)

    def remember(self) -> None:
        """A TM that offers a fuzzy suggestion for one sentence, so suggestions get reworded too."""
        with open_memory(self.memory) as memory:
            memory.add([TMUnit("en", "vi", "The ministers met in **Hanoi** on Sunday.", "Các bộ trưởng gặp nhau tại **Hà Nội** hôm Chủ nhật.")])

    def run(self, command: str) -> None:
        if command == "translate":
            list(translate_articles([self.article], self.settings(), engine=Machine()))
        else:
            result = run_batch([self.article], self.settings(), engine=Machine())
            assert all(r.status in ("translated", "skipped") for r in result.reports), [r.message for r in result.reports]

    def revise(self, which: int) -> None:
        old, new = REVISIONS[which]
        text = self.article.read_text(encoding="utf-8")
        self.article.write_text(text.replace(old, new) if old in text else text.replace(new, old), encoding="utf-8")

    def save(self, pick: int, codes: str, done: bool, clear: bool) -> None:
        """The reviewer rewrites (or clears) one unit and saves, as Poedit writes the file."""
        if not self.file.exists():
            return
        self.saves += 1
        words = "" if clear else f"Bản duyệt {self.saves}"
        if self.fmt == "po":
            po = polib.pofile(str(self.file))
            entries = [e for e in po if not e.obsolete]
            entry = entries[pick % len(entries)]
            entry.msgstr = _po_text(entry.msgid, words, codes) if words else ""
            entry.flags = [] if done or not words else ["fuzzy"]
            po.save()
            source = entry.msgid
        else:
            source = _save_xliff(self.file, self.fmt, pick, words, codes, done)
        catalog, _ = exchange.read(self.file)
        unit = next(u for u in catalog.units if u.source == source)
        if words:
            self.written[source] = unit.target
        else:
            self.written.pop(source, None)  # the reviewer cleared it: their own explicit replacement

    def check(self) -> None:
        catalog, _ = exchange.read(self.file)
        targets = {u.target for u in catalog.units + catalog.obsolete}
        current = {u.source: u.target for u in catalog.units}
        for source, text in self.written.items():
            assert text in targets, f"{self.fmt}: the reviewer's {text!r} (for {source!r}) is gone"
            if source in current:
                assert current[source] == text, f"{self.fmt}: {source!r} now reads {current[source]!r}, not the reviewer's {text!r}"


def _po_text(source: str, words: str, codes: str) -> str:
    if codes == "kept":
        return f"{words} {source}"
    if codes == "dropped":
        return f"{words} " + source.replace("**", "").replace("[", "").split("](")[0]
    return f"{words} __{source.replace('**', '')}__"


def _save_xliff(path: Path, fmt: str, pick: int, words: str, codes: str, done: bool) -> str:
    ns = NS[fmt]
    tree = etree.parse(str(path))
    tag = "trans-unit" if fmt == "xliff" else "unit"
    units = [u for u in tree.iter(f"{{{ns}}}{tag}") if u.get("translate") != "no"]
    unit = units[pick % len(units)]
    source = unit.find(f".//{{{ns}}}source")
    holder = unit if fmt == "xliff" else unit.find(f"{{{ns}}}segment")
    target = holder.find(f"{{{ns}}}target")
    if target is None:
        target = etree.SubElement(holder, f"{{{ns}}}target")
    for child in list(target):
        target.remove(child)
    target.text = None
    if words and codes == "kept":
        for child in source:
            target.append(copy.deepcopy(child))
        target.text = f"{words} " + (source.text or "")
    elif words and codes == "dropped":
        target.text = f"{words} " + "".join(source.itertext())
    elif words:
        target.text = f"{words} __" + "".join(source.itertext()) + "__"
    if words:
        poedit_mark_xliff(unit, "1.2" if fmt == "xliff" else "2.0", done)
    elif fmt == "xliff":
        target.attrib.pop("state-qualifier", None)
        target.set("state", "needs-translation")
    else:
        holder.attrib.pop("state", None)
        holder.attrib.pop("subState", None)
        holder.remove(target)
    tree.write(str(path), xml_declaration=True, encoding="UTF-8")
    return exchange.read(path)[0].units[pick % len(units)].source  # the reader keeps the file's order


save = st.tuples(
    st.just("save"),
    st.integers(0, 7),  # which unit
    st.sampled_from(["kept", "dropped", "changed"]),  # what happened to its inline codes
    st.booleans(),  # marked done, or left as needing work
    st.sampled_from([False, False, False, True]),  # now and then the reviewer clears the entry instead
)
run = st.tuples(st.just("run"), st.sampled_from(["translate", "batch"]))
revise = st.tuples(st.just("revise"), st.integers(0, len(REVISIONS) - 1))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(list(FORMATS)), st.lists(st.one_of(save, run, revise), min_size=1, max_size=8))
def test_every_text_a_reviewer_wrote_survives_any_sequence_of_saves_and_runs(fmt, steps):
    with tempfile.TemporaryDirectory() as folder:
        desk = Desk(Path(folder), fmt)
        desk.article.parent.mkdir(parents=True)
        desk.article.write_text(ARTICLE, encoding="utf-8")
        desk.remember()
        desk.run("translate")
        assert any(u.state.value == "suggested" for u in exchange.read(desk.file)[0].units)
        for step in steps:
            if step[0] == "save":
                desk.save(*step[1:])
            elif step[0] == "run":
                desk.run(step[1])
                desk.check()
            else:
                desk.revise(step[1])
        desk.run("translate")
        desk.check()
        shutil.rmtree(folder, ignore_errors=True)
