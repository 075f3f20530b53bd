"""A sentence goes to MT at most twice, whatever the model does with placeholders; what a model keeps is learned and kept.

Passes are counted where the model sees them: per sentence in the texts an
adversarial engine receives, and in the batches the real tiny models'
CTranslate2 translators receive (decoded, and matched to their sentence).
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from rapidfuzz import fuzz, process

from conftest import ROOT, SAMPLES, unpacked_engine, without_placeholders
from transflow import config
from transflow.document import CODES_DAMAGED, Unit
from transflow.engines import Scored, Translation
from transflow.draft import CODES_LOST, PROBE, collect_units, draft
from transflow.figures.enforce import FigureEnforcer
from transflow.formats import parser_for
from transflow.glossary import load
from transflow.glossary.enforce import Enforcer
from transflow.mtcache import FormHistory
from transflow.protect import FORMS, FormLearning
from transflow.segment import segments_of

NEWSROOM = load([ROOT / "glossaries" / "newsroom.csv"])
STYLES = config.load(ROOT / "transflow.toml").figures
RULES = config.load(ROOT / "transflow.toml").order_rules
WORDS = "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa quebec romeo sierra tango".split()
ANY_FORM = re.compile("|".join(form.pattern().pattern for form in FORMS))


def article(offset: int = 0) -> str:
    """A Markdown story: per marker word, a sentence with a glossary term, one with a figure, one in bold markup, one plain."""
    lines = []
    for n, word in enumerate(WORDS):
        word = f"{word}{offset}"
        lines.append(f"The {word} delegation met Japan officials today.")
        lines.append(f"The {word} fund grew to {n + 3},{n + 1}00 dollars this year.")
        lines.append(f"The {word} talks were **very** long.")
        lines.append(f"The {word} weather was mild and dry.")
    return "\n\n".join(lines) + "\n"


def passes(sent: list[str], units: list[Unit], cutoff: int = 70) -> Counter[str]:
    """How many times each unit's sentence was among the *sent* texts (placeholders and all), each text
    taken for the sentence it is most like (*cutoff*: texts less alike, such as terms sent alone, are none)."""
    sources = [unit.source for unit in units]
    found: Counter[str] = Counter()
    for text in sent:
        match = process.extractOne(text, sources, scorer=fuzz.ratio, score_cutoff=cutoff)
        if match is not None:
            found[match[0]] += 1
    return found


class Dropper(Scored):
    """Adversarial: deletes every placeholder form it is sent, copies the rest (numbers included), records every text."""

    name = "dropper"

    def __init__(self) -> None:
        self.sent: list[str] = []
        self.calls: list[list[str]] = []

    def origin(self, source, target):
        return "MT dropper"

    def translate_scored(self, texts, source, target):
        self.calls.append(list(texts))
        self.sent += texts
        return [Translation(" ".join(without_placeholders(text).split()), None) for text in texts]


def draft_markdown(text: str, engine, learning: FormLearning, source: str = "en", target: str = "vi"):
    units = collect_units(segments_of(parser_for(Path("story.md"))(text), source), "story.md")
    enforcer = Enforcer(NEWSROOM, source, target, RULES)
    stats = draft(units, {}, engine, source, target, enforcer, FigureEnforcer(source, target, STYLES), learning)
    return units, stats


def test_a_model_that_drops_every_placeholder_translates_no_sentence_more_than_twice_then_gets_none():
    engine, learning = Dropper(), FormLearning()
    units, stats = draft_markdown(article(), engine, learning)
    counted = passes(engine.sent, units)
    assert set(counted) == {unit.source for unit in units} and max(counted.values()) == 2
    twice = {source for source, count in counted.items() if count == 2}
    # Only the probe (the shortest sentences with placeholders, here the bold ones) paid a second pass:
    # it showed no form survives, so the rest went without placeholders; figures are copied, so never twice.
    assert len(twice) == PROBE and all("**" in source for source in twice)
    assert stats.mt_passes == sum(counted.values()) and stats.second_passes == PROBE
    # Two engine calls: the probe rides with every sentence that has nothing to protect (so a first run pays
    # no call of its own for it), then the rest in what the probe taught, with the probe's second passes.
    assert len(engine.calls) == 2
    first = passes(engine.calls[0], units)
    assert {s for s in first if "weather" in s} == {u.source for u in units if "weather" in u.source} and first.keys() >= twice
    bold = next(unit for unit in units if "**" in unit.source)
    assert CODES_LOST in bold.problems and "Nhật Bản" in next(u.target for u in units if "Japan" in u.source)

    # The model showed it keeps no form: the next article is sent without placeholders, once.
    engine.sent.clear()
    units, stats = draft_markdown(article(1), engine, learning)
    counted = passes(engine.sent, units)
    assert set(counted.values()) == {1} and len(counted) == len(units) and stats.second_passes == 0
    assert not any(ANY_FORM.search(text) for text in engine.sent)


class TranslateBatchSpy:
    """Wraps a real CTranslate2 translator: every batch it is given is decoded and kept."""

    def __init__(self, translator, decode) -> None:
        self.translator, self.decode = translator, decode
        self.sent: list[str] = []
        self.calls = 0

    def translate_batch(self, batch, **options):
        self.calls += 1
        self.sent += [self.decode(tokens) for tokens in batch]
        return self.translator.translate_batch(batch, **options)


def spied(engine, source: str, target: str) -> list[TranslateBatchSpy]:
    spies = []
    for hop in engine._route(source, target):
        loaded = engine.load(hop)
        spy = TranslateBatchSpy(loaded.translator, loaded.sentencepiece.decode_pieces)
        loaded.translator = spy
        spies.append(spy)
    return spies


def test_the_careless_model_keeps_only_the_letters_form_and_the_next_run_starts_with_it(careless_package, tmp_path):
    store = tmp_path / "mt-cache.sqlite"
    engine = unpacked_engine(careless_package, tmp_path / "run1")
    [spy] = spied(engine, "en", "vi")
    with FormHistory(store) as history:
        units, stats = draft_markdown(article(), engine, FormLearning(history))
    counted = passes(spy.sent, units)
    assert len(counted) == len(units) and max(counted.values()) == 2 and stats.second_passes > 0
    assert all("Nhật Bản" in unit.target for unit in units if "Japan" in unit.source)
    assert all("**very**" in unit.target and not unit.has_problem(CODES_DAMAGED) for unit in units if "**" in unit.source)
    with FormHistory(store) as history:
        records = history.load(engine.origin("en", "vi"), "en", "vi")
    assert records["ZX{n}Q"].kept == records["ZX{n}Q"].sent > 0
    assert all(records[form.template].kept == 0 for form in FORMS[:-1])

    # A new run (a new engine, the record read back from the MT cache): one pass each, in the letters form.
    engine = unpacked_engine(careless_package, tmp_path / "run2")
    [spy] = spied(engine, "en", "vi")
    with FormHistory(store) as history:
        units, stats = draft_markdown(article(2), engine, FormLearning(history))
    counted = passes(spy.sent, units)
    assert set(counted.values()) == {1} and len(counted) == len(units) and spy.calls == 1
    placeholders = {match.group(0)[0] for text in spy.sent for match in ANY_FORM.finditer(text)}
    assert placeholders == {"Z"}


def test_copy_models_translate_every_sentence_once_on_every_pair_including_the_pivot(package_files, tmp_path):
    from transflow.engines.argos import ArgosEngine
    from transflow.models import InstalledModel
    import zipfile

    installed = {}
    for (source, target), package in package_files.items():
        with zipfile.ZipFile(package) as archive:
            archive.extractall(tmp_path)
        installed[(source, target)] = InstalledModel(source, target, "1.0", tmp_path / package.stem)
    engine = ArgosEngine(installed=installed)
    for name, source, target in [("asean-japan.txt", "en", "vi"), ("hoi-nghi-asean.txt", "vi", "ja"), ("asean-nihon.txt", "ja", "vi")]:
        spies = spied(engine, source, target)
        text = (SAMPLES / name).read_text(encoding="utf-8")
        units = collect_units(segments_of(parser_for(Path(name))(text), source), name)
        enforcer = Enforcer(NEWSROOM, source, target, RULES)
        stats = draft(units, {}, engine, source, target, enforcer, FigureEnforcer(source, target, STYLES), FormLearning())
        assert stats.terms_flagged == stats.figures_flagged == stats.second_passes == 0 and stats.terms_enforced > 0
        for spy in spies:  # each hop of the pivot sees each sentence once (and nothing else: no term alone)
            counted = passes(spy.sent, units, cutoff=0)
            assert set(counted.values()) == {1} and len(counted) == len(units) == len(spy.sent), name
        for hop, spy in zip(engine._route(source, target), spies):
            engine.load(hop).translator = spy.translator
