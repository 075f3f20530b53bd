"""Review risk: the engine's scores, a risk level per draft calibrated on the samples,
the reason in PO and XLIFF, and ``status --review`` ordering the desk's work."""

import json
import sqlite3
from pathlib import Path

import polib
import pytest
from lxml import etree

from conftest import ROOT, SAMPLES, SCHEMAS, msgfmt_check, unpacked_engine
from transflow import draft as drafting
from transflow.document import Risk
from transflow.engines import Scored, Translation
from transflow.errors import TransflowError
from transflow.exchange import po, xliff
from transflow.formats import parse_file
from transflow.glossary import load
from transflow.glossary.enforce import Enforcer, OrderRule
from transflow.mtcache import CachedEngine
from transflow.risk import RiskSettings, Signals, assess
from transflow.segment import segments_of

NEWSROOM = ROOT / "glossaries" / "newsroom.csv"
ENGLISH = ["asean-japan.txt", "mekong-summit.md", "asean-cybersecurity.html"]
RULES = [OrderRule(("title", "person"), "{person}{title}", target="ja")]


@pytest.fixture(scope="module")
def careless(careless_package, tmp_path_factory):
    return unpacked_engine(careless_package, tmp_path_factory.mktemp("careless"))


@pytest.fixture(scope="module")
def garbling(garbling_package, tmp_path_factory):
    return unpacked_engine(garbling_package, tmp_path_factory.mktemp("garbling"))


def test_engine_scores_each_sentence_and_names_the_pivot(installed_models):
    from transflow.engines.argos import ArgosEngine

    engine = ArgosEngine()
    direct = engine.translate_scored(["Japan and ASEAN agreed.", " "], "en", "vi")
    assert direct[0].text == "Japan and ASEAN agreed." and direct[0].pivot is None
    assert direct[0].score is not None and -0.5 < direct[0].score <= 0  # the copy model is sure of itself
    assert direct[1] == Translation("", None, None)
    pivoted = engine.translate_scored(["Nhật Bản và ASEAN."], "vi", "ja")
    assert pivoted[0].pivot == "en" and pivoted[0].score is not None
    assert engine.translate(["Japan and ASEAN agreed."], "en", "vi") == ["Japan and ASEAN agreed."]


class ScoringEngine(Scored):
    """A fake that reports a low score, to follow the score through the cache and into the risk."""

    name = "scoring"
    calls = 0

    def origin(self, source, target):
        return "MT scoring"

    def check(self, source, target):
        return None

    def translate_scored(self, texts, source, target):
        self.calls += 1
        return [Translation(text, -2.5, "en") for text in texts]


def test_mt_cache_keeps_scores_and_upgrades_an_old_cache(tmp_path):
    path = tmp_path / "mt-cache.sqlite"
    with sqlite3.connect(path) as db:  # a cache written before scores were kept
        db.execute("CREATE TABLE mt (key TEXT PRIMARY KEY, output TEXT NOT NULL)")
    engine = ScoringEngine()
    cached = CachedEngine(engine, path)
    first = cached.translate_scored(["Hello."], "en", "vi")
    again = cached.translate_scored(["Hello."], "en", "vi")
    cached.close()
    assert first == again == [Translation("Hello.", -2.5, "en")] and engine.calls == 1


def test_an_engine_without_scores_says_so_and_one_that_does_not_follow_the_protocol_is_refused(installed_models):
    """No second path: an engine gives Translation values, a score or None; plain text is not read as a draft."""

    class Unscored(Scored):
        name = "plain"

        def origin(self, source, target):
            return "MT plain"

        def translate_scored(self, texts, source, target):
            return [Translation(text, None) for text in texts]

    units = drafting.collect_units(segments_of(parse_file(SAMPLES / "asean-japan.txt"), "en"), "a.txt")
    drafting.draft(units, {}, Unscored(), "en", "vi")
    assert units and all(u.target and u.risk is not None and "no model score" in u.risk.reasons for u in units)
    assert "#. review: low — QA: untranslated; no model score\n" in po.render_units(units, [])

    class TextOnly:
        name = "plain"

        def origin(self, source, target):
            return "MT plain"

        def translate(self, texts, source, target):
            return list(texts)

    with pytest.raises(TypeError, match="engine 'plain' has no translate_scored"):
        drafting.draft(drafting.collect_units(segments_of(parse_file(SAMPLES / "asean-japan.txt"), "en"), "a.txt"), {}, TextOnly(), "en", "vi")

    class Dropping(Unscored):
        def translate_scored(self, texts, source, target):
            return super().translate_scored(texts[1:], source, target)

    with pytest.raises(TransflowError, match=r"^the plain engine returned \d+ results for \d+ sentences en→vi, so none") as dropped:
        drafting.draft(drafting.collect_units(segments_of(parse_file(SAMPLES / "asean-japan.txt"), "en"), "a.txt"), {}, Dropping(), "en", "vi")
    assert "\n" not in str(dropped.value)


def test_low_model_score_and_pivot_reach_the_reason():
    units = drafting.collect_units(segments_of(parse_file(SAMPLES / "asean-japan.txt"), "en"), "a.txt")
    drafting.draft(units, {}, ScoringEngine(), "en", "ja")
    reasons = units[2].risk.reasons
    assert "model score low (-2.50/token)" in reasons and "pivot through en" in reasons
    assert units[2].risk.level == "medium"


def test_points_levels_and_reasons():
    settings = RiskSettings()
    points, risk = assess(Signals(terms_repaired=["Ngoại trưởng"], model_score=-2.5), settings)
    assert risk.level == "high" and points == 13
    assert risk.reasons == ("term repaired (Ngoại trưởng)", "model score low (-2.50/token)")
    assert assess(Signals(model_score=-0.2, source_words=12), settings)[1] == Risk("low", ())
    # Every soft signal at once still stays below one repaired term.
    soft = Signals(model_score=-3, qa_checks=["spacing", "brackets", "repeated-word"], length_ratio=3.1, pivot="en", source_words=60)
    points, risk = assess(soft, settings)
    assert points == 9 < settings.term_repaired and risk.level == "medium"
    fuzzy = assess(Signals(tm_score=82, tm_corrections=1, tm_failures=1), settings)[1]
    assert fuzzy.reasons == ("TM 82 %: 1 difference(s) not corrected",)


def _drafts(engine, name: str, glossary):
    path = SAMPLES / name
    units = drafting.collect_units(segments_of(parse_file(path), "en"), name)
    drafting.draft(units, {}, engine, "en", "vi", Enforcer(glossary, "en", "vi", RULES))
    return units


def _hard(unit) -> bool:
    lost = ("term repaired", "terms repaired", "term not enforced", "terms not enforced", "markup lost")
    lost += ("figure repaired", "figures repaired", "figure not enforced", "figures not enforced")
    return any(r.startswith(lost) for r in unit.risk.reasons)


@pytest.mark.parametrize("model", ["careless", "garbling"])
def test_calibration_every_repaired_or_unenforced_draft_ranks_above_every_clean_one(model, request):
    """The default points and thresholds on the sample articles: drafts whose terms (or markup)
    MT lost are all high; no other draft is."""
    engine = request.getfixturevalue(model)
    glossary = load([NEWSROOM])
    settings = RiskSettings()
    units = [u for name in ENGLISH for u in _drafts(engine, name, glossary)]
    hard = [u for u in units if _hard(u)]
    clean = [u for u in units if not _hard(u)]
    # The careless model keeps the letters-and-digits placeholders: nothing to repair; the garbling one loses many.
    assert len(hard) > 30 if model == "garbling" else hard == []
    assert all(u.risk.level == "high" for u in hard)
    assert not any(u.risk.level == "high" for u in clean)
    assert clean and all(u.risk.level in ("low", "medium") for u in clean)
    if model == "garbling":
        assert settings.high > 9  # the soft signals' maximum (see test_points_levels_and_reasons)


@pytest.fixture
def garbling_project(project, garbling, monkeypatch):
    """Translate with the garbling model through the real CLI path."""
    monkeypatch.setattr("transflow.engines.create", lambda name, settings=None: garbling)
    return project


def test_reason_is_written_in_po_and_xliff_and_read_back_as_data(garbling_project, cli):
    result = cli("translate", "sample_articles/asean-japan.txt", "--to", "vi", "--glossary", NEWSROOM, "--format", "po,xliff")
    assert result.code == 0, result.stderr
    entry = next(e for e in polib.pofile("locales/vi/asean-japan.po") if e.msgid.startswith("Hanoi (VNA)"))
    review = [line for line in entry.comment.splitlines() if line.startswith("review: ")]
    assert len(review) == 1 and review[0].startswith(  # one whole line, as gettext and Poedit keep comments
        "review: high — terms repaired (Hà Nội, TTXVN, Thứ trưởng Bộ Ngoại giao, Nguyễn Quốc Dũng, "
        "Hội nghị Bộ trưởng Ngoại giao ASEAN-Nhật Bản); QA: spacing"
    )  # its figures went to MT as written and were rewritten in house style: enforced, not repaired
    assert msgfmt_check(Path("locales/vi/asean-japan.po")).returncode == 0
    unit = next(u for u in po.read(Path("locales/vi/asean-japan.po")).units if u.source == entry.msgid)
    assert unit.risk.level == "high" and unit.risk.reasons[-1].startswith("QA: spacing")
    assert not any(note.startswith("review") for note in unit.notes)

    tree = etree.parse("locales/vi/asean-japan.xlf")
    notes = tree.findall(".//{urn:oasis:names:tc:xliff:document:1.2}note[@priority='1']")
    assert notes and all(n.text.startswith("review: high — ") for n in notes)
    catalog, _ = xliff.read(Path("locales/vi/asean-japan.xlf"))
    assert next(u for u in catalog.units if u.source == entry.msgid).risk == unit.risk

    assert cli("convert", "locales/vi/asean-japan.po", "converted.xlf", "--xliff-version", "2.0").code == 0
    converted, _ = xliff.read(Path("converted.xlf"))
    assert next(u for u in converted.units if u.source == entry.msgid).risk == unit.risk
    assert etree.parse("converted.xlf").find(".//{urn:oasis:names:tc:xliff:document:2.0}note[@priority='1']") is not None
    for path, xsd in (("locales/vi/asean-japan.xlf", "xliff12/xliff-core-1.2-strict.xsd"), ("converted.xlf", "xliff20/xliff_core_2.0.xsd")):
        if (SCHEMAS / xsd).exists():  # the OASIS schemas accept the priority and the notes
            schema = etree.XMLSchema(etree.parse(str(SCHEMAS / xsd)))
            assert schema.validate(etree.parse(path)), schema.error_log


def test_status_review_orders_articles_by_risk_weighted_work(project, cli, careless, garbling, monkeypatch):
    engines = {"careless": careless, "garbling": garbling}
    chosen = {"engine": "careless"}
    monkeypatch.setattr("transflow.engines.create", lambda name, settings=None: engines[chosen["engine"]])
    assert cli("translate", "sample_articles/mekong-summit.md", "--to", "vi", "--glossary", NEWSROOM).code == 0
    chosen["engine"] = "garbling"
    assert cli("translate", "sample_articles/asean-japan.txt", "--to", "vi", "--glossary", NEWSROOM).code == 0

    result = cli("status", "--review", "--json", "--lang", "vi")
    assert result.code == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [r["article"] for r in rows] == ["asean-japan", "mekong-summit"]
    japan, mekong = rows
    assert japan["high"] == 14 and mekong["high"] == 0
    assert japan["high"] + japan["medium"] + japan["low"] + japan["untranslated"] == 15
    assert japan["work"] > mekong["work"] > 0

    table = cli("status", "--review", "--lang", "vi").stdout
    assert "high risk" in table and table.index("asean-japan") < table.index("mekong-summit")

    po_file = polib.pofile("locales/vi/asean-japan.po")
    for entry in po_file:
        if "review: high" in entry.comment:
            entry.flags = []  # the reviewer approved every high-risk draft
    po_file.save()
    after = json.loads(cli("status", "--review", "--json", "--lang", "vi").stdout)
    assert [(r["article"], r["high"]) for r in after] == [("mekong-summit", 0), ("asean-japan", 0)]
    assert after[1]["low"] + after[1]["medium"] == 1


def test_risk_settings_are_checked(project, cli):
    Path("transflow.toml").write_text('[risk]\nhigh = "very"\n', encoding="utf-8")
    result = cli("status", "--review")
    assert result.code == 2 and "[risk] high" in result.stderr and "number" in result.stderr
    Path("transflow.toml").write_text("[risk]\nhihg = 3\n", encoding="utf-8")
    result = cli("status", "--review")
    assert result.code == 2 and "unknown [risk] setting 'hihg'" in result.stderr
