"""Write-then-read properties: every unit, its text, state and reviewer's comment survive PO, XLIFF 1.2
and XLIFF 2.0; figures rendered in house style are recognised as the same value."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from transflow.document import Origin, State, Unit
from transflow.exchange import Catalog, read, write

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
