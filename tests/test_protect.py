"""Placeholders survive MT or the damage is detected; codes wrapping a sentence stay out of MT."""

import pytest

from transflow.document import CodeKind, InlineCode
from transflow.document import Origin, Unit
from transflow.draft import CODES_LOST, draft
from transflow.engines import Scored, Translation
from transflow.protect import FORMS, protect, restore, usable_forms


def codes_for(text, *pieces):
    """Paired or standalone codes at the given substrings, in order."""
    codes, cursor = [], 0
    for raw, kind, pair in pieces:
        at = text.index(raw, cursor)
        codes.append(InlineCode(at, at + len(raw), kind, pair))
        cursor = at + len(raw)
    return codes


TEXT = "The **ASEAN** summit opened [today](https://x.vn/a_b)."
CODES = codes_for(
    TEXT,
    ("**", CodeKind.OPEN, 0),
    ("**", CodeKind.CLOSE, 0),
    ("[", CodeKind.OPEN, 1),
    ("](https://x.vn/a_b)", CodeKind.CLOSE, 1),
)


@pytest.mark.parametrize("form", FORMS, ids=lambda f: f.template)
def test_every_form_round_trips(form):
    prepared = protect(TEXT, CODES, form)
    assert "https" not in prepared.text and "**" not in prepared.text
    assert restore(prepared, prepared.text) == TEXT


def test_tokenizer_spaces_inside_paired_codes_are_removed():
    prepared = protect(TEXT, CODES, FORMS[0])
    spaced = prepared.text.replace("<x1>", "<x1> ").replace("<x2>", " <x2>")
    assert restore(prepared, spaced) == TEXT


@pytest.mark.parametrize(
    "damage",
    [
        lambda t: t.replace("<x2>", ""),  # dropped
        lambda t: t.replace("<x1>", "<x1><x1>"),  # duplicated
        lambda t: t + " <x9>",  # invented
        lambda t: t.replace("<x3>", "@").replace("<x4>", "<x3>").replace("@", "<x4>"),  # close before open
    ],
    ids=["dropped", "duplicated", "invented", "reordered"],
)
def test_damaged_placeholders_are_detected(damage):
    prepared = protect(TEXT, CODES, FORMS[0])
    assert restore(prepared, damage(prepared.text)) is None


def test_codes_wrapping_the_whole_sentence_stay_out_of_mt():
    text = "*Prime Minister speaks (Photo: VNA)*"
    prepared = protect(text, codes_for(text, ("*", CodeKind.OPEN, 0), ("*", CodeKind.CLOSE, 0)), FORMS[0])
    assert prepared.text == "Prime Minister speaks (Photo: VNA)"
    assert restore(prepared, "Thủ tướng phát biểu (Ảnh: TTXVN)") == "*Thủ tướng phát biểu (Ảnh: TTXVN)*"


def test_forms_already_present_in_the_text_are_not_used():
    assert FORMS[1] not in usable_forms("See note [1] below.")
    assert FORMS[0] in usable_forms("See note [1] below.")


class GarblingEngine(Scored):
    """An adversarial engine: destroys every bracket-like character, like a careless model."""

    name = "garbling"

    def __init__(self):
        self.calls = []

    def origin(self, source, target):
        return "MT garbling"

    def translate_scored(self, texts, source, target):
        self.calls.append(list(texts))
        return [Translation("".join(" " if ch in "<>[]{}" else ch for ch in text), None) for text in texts]


def test_letter_form_is_the_second_pass_when_symbols_are_garbled():
    """Nothing known of the model: the first form fails, and the second pass goes straight to the
    letters-only form (the inline codes could not be repaired without a placeholder), not through every form."""
    engine = GarblingEngine()
    unit = Unit(TEXT, codes=tuple(CODES))
    draft([unit], {}, engine, "en", "vi")
    assert unit.target == TEXT and unit.fuzzy
    assert (unit.origin, unit.origin_detail) == (Origin.MT, "MT garbling") and CODES_LOST not in unit.problems
    assert [call[0][:8] for call in engine.calls] == ["The <x1>", "The ZX1Q"]


class DroppingEngine(Scored):
    name = "dropping"

    def origin(self, source, target):
        return "MT dropping"

    def translate_scored(self, texts, source, target):
        return [Translation("Bản dịch không có mã.", None) for _ in texts]


def test_codes_that_cannot_be_placed_are_flagged_not_silently_lost():
    unit = Unit(TEXT, codes=tuple(CODES))
    draft([unit], {}, DroppingEngine(), "en", "vi")
    assert unit.target == "Bản dịch không có mã." and unit.fuzzy
    assert CODES_LOST in unit.problems


@pytest.mark.parametrize("form", FORMS, ids=lambda f: f.template)
def test_a_term_before_a_code_gets_no_space_in_any_form(form):
    """In a spaced target a term never touches a word, but the next placeholder (ZX2Q is letters too)
    is a code, not a word: 'tiểu vùng Mekong*;' must not become 'tiểu vùng Mekong *;'."""
    from transflow.glossary.enforce import TermSpan

    text = "energy in the *Mekong sub-region*;"
    codes = codes_for(text, ("*", CodeKind.OPEN, 0), ("*", CodeKind.CLOSE, 0))
    start = text.index("Mekong")
    term = TermSpan(start, start + len("Mekong sub-region"), "tiểu vùng Mekong", ())
    prepared = protect(text, codes, form, [term])
    assert restore(prepared, prepared.text, spaced=True) == "energy in the *tiểu vùng Mekong*;"
