"""Write-then-read properties: every unit, its text, state and reviewer's comment survive PO, XLIFF 1.2
and XLIFF 2.0; figures rendered in house style are recognised as the same value."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from transflow import config
from transflow.document import CodeKind, InlineCode, Origin, State, Unit
from transflow.exchange import Catalog, read, tmx, write
from transflow.figures import DATE, MONEY, NUMBER, PERCENT, Figure, same
from transflow.figures.recognise import find
from transflow.memory import TMUnit
from transflow.protect import protect, restore, usable_forms

# Newsroom text: Latin with Vietnamese diacritics, Japanese, digits, punctuation, quotes and backslashes.
TEXT = st.text(
    alphabet=st.sampled_from(list("aAzZ09 .,;:!?%$&<>'\"\\/()[]{}#*_-–—…“”«»") + list("ăâđêôơưạảấầẩẫậếềểễệộờởỡợừửữự") + list("東京会談した。「」、漢字カタカナ")),
    min_size=1,
    max_size=40,
).map(str.strip).filter(bool)
COMMENT = st.text(alphabet=st.sampled_from(list("abc xyz.,:Đđ東京")), max_size=20).map(str.strip)
STATE = st.sampled_from([State.EMPTY, State.DRAFT, State.REVIEWED])


def _unit(source: str, target: str, state: State, comment: str) -> Unit:
    unit = Unit(source, translator_comment=comment)
    if state is not State.EMPTY:
        unit.translate(target, state, Origin.MT if state is State.DRAFT else Origin.HUMAN, "MT argos en→vi 1.0" if state is State.DRAFT else "")
    return unit


UNITS = st.lists(st.tuples(TEXT, TEXT, STATE, COMMENT), min_size=1, max_size=6, unique_by=lambda u: u[0])
CASE: list[Path] = []


@pytest.fixture(autouse=True, scope="module")
def _case_folder(tmp_path_factory):
    CASE.append(tmp_path_factory.mktemp("roundtrip"))
    yield
    CASE.clear()


@pytest.mark.parametrize("fmt, suffix", [("po", ".po"), ("xliff", ".xlf"), ("xliff2", ".xlf")])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(rows=UNITS)
def test_every_unit_survives_writing_and_reading(fmt, suffix, rows):
    folder = CASE[-1] / fmt
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    path = folder / f"article{suffix}"
    units = [_unit(*row) for row in rows]
    write(path, Catalog(units, "en", "vi"), "article.txt", fmt)
    back, _ = read(path)
    assert [(u.source, u.target, u.state or State.EMPTY, u.translator_comment) for u in back.units] == [
        (u.source, u.target, u.state or State.EMPTY, u.translator_comment) for u in units
    ]
    assert [u.origin for u in back.units] == [u.origin for u in units]


STYLES = config.load(Path(__file__).resolve().parent.parent / "transflow.toml").figures
AMOUNT = st.decimals(min_value=0, max_value=10**12, places=2, allow_nan=False, allow_infinity=False).map(lambda d: d.normalize() if d != d.to_integral() else d.quantize(1))
FIGURE = st.one_of(
    st.builds(lambda v, s: Figure(NUMBER, 0, 0, (v,), scaled=s), AMOUNT, st.booleans()),
    st.builds(lambda v: Figure(PERCENT, 0, 0, (v,)), st.decimals(min_value=0, max_value=1000, places=1, allow_nan=False).map(lambda d: d.normalize() if d != d.to_integral() else d.quantize(1))),
    st.builds(lambda v, s, c: Figure(MONEY, 0, 0, (v,), scaled=s, currency=c), AMOUNT, st.booleans(), st.sampled_from(["USD", "VND", "JPY", "EUR"])),
    st.builds(lambda d, m, y: Figure(DATE, 0, 0, day=d, month=m, year=y), st.integers(1, 28), st.integers(1, 12), st.one_of(st.none(), st.integers(1990, 2040))),
)


@pytest.mark.parametrize("lang", ["en", "vi", "ja"])
@settings(max_examples=150, deadline=None)
@given(figure=FIGURE)
def test_a_figure_rendered_in_house_style_is_recognised_as_the_same_value(lang, figure):
    written = STYLES[lang].render(figure)
    found = find(f"{written}", lang)
    assert len(found) == 1, (written, found)
    assert found[0].kind == figure.kind and all(any(same(w, f) for f in found[0].keys()) for w in figure.keys()), (written, found[0])
    if figure.kind == MONEY:
        assert found[0].currency == figure.currency, (written, found[0])


TM_UNITS = st.lists(
    st.builds(lambda s, t, o, a, p, n: TMUnit("en", "vi", s, t, o, a, p, n), TEXT, TEXT, st.sampled_from(["human", "mt"]), TEXT | st.just(""), TEXT | st.just(""), TEXT | st.just("")),
    min_size=1,
    max_size=6,
)


@settings(max_examples=100, deadline=None)
@given(units=TM_UNITS)
def test_every_tm_unit_survives_tmx_export_and_import(units):
    path = CASE[-1] / "tm.tmx"
    assert tmx.write(path, units, "en", "vi") == len(units)
    assert tmx.read(path) == units


WORDS = st.lists(st.sampled_from(["The", "summit", "Hội nghị", "ASEAN", "東京", "opened", "240,8", "x1", "Q", "ZX", "a_b"]), min_size=1, max_size=4).map(" ".join)


@st.composite
def marked_up(draw) -> tuple[str, tuple[InlineCode, ...]]:
    """A sentence of words, some wrapped in paired codes (**, <b>…</b>, links) or after a standalone one (<br/>)."""
    text, codes = "", []
    for pair in range(draw(st.integers(1, 4))):
        text += draw(WORDS) + draw(st.sampled_from([" ", ", ", " – "]))
        kind = draw(st.sampled_from(["**", "<b>", "link", "br"]))
        if kind == "br":
            text = text.rstrip()  # known: a space before a code that ends the segment is not kept (restore strips it)
            codes.append(InlineCode(len(text), len(text) + 5, CodeKind.STANDALONE, None))
            text += "<br/>"
            continue
        opening, closing = {"**": ("**", "**"), "<b>": ("<b>", "</b>"), "link": ("[", "](https://x.vn/a_b)")}[kind]
        codes.append(InlineCode(len(text), len(text) + len(opening), CodeKind.OPEN, pair))
        text += opening + draw(WORDS)
        codes.append(InlineCode(len(text), len(text) + len(closing), CodeKind.CLOSE, pair))
        text += closing
    return text + draw(st.sampled_from(["", ".", " now."])), tuple(codes)


@settings(max_examples=200, deadline=None)
@given(case=marked_up())
def test_protected_text_restores_to_itself_through_a_faithful_engine(case):
    text, codes = case  # (a placeholder numbering off by one fails this; a faithful engine never tests the spacing rules)
    forms = usable_forms(text)
    assert forms  # the letters-and-digits form at the least
    for form in forms:
        prepared = protect(text, codes, form)
        assert not any(text[c.start : c.end] in prepared.text for c in codes if len(text[c.start : c.end]) > 2), prepared.text
        assert restore(prepared, prepared.text) == text, (form, prepared)
