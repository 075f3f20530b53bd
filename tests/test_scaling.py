"""Linear-time construction of segmentation, QA patterns and deprecated-term matching.

Behaviour, not timing (benchmarks/scaling.py prints the times): the work a
stage does is counted, or the pattern is checked to be one that cannot
rescan a long run from every position.
"""

from __future__ import annotations

import re
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transflow import qa
from transflow.document import Block, CodeKind, InlineCode
from transflow.glossary import DEPRECATED, Entry, Glossary, Term
from transflow.glossary.enforce import Enforcer
from transflow.segment import segment, segments_of


class CountingText(str):
    """A str that counts the characters its slices copy: a rescanned prefix shows up as n² work."""

    copied = 0

    def __getitem__(self, key):
        piece = str.__getitem__(self, key)
        if isinstance(key, slice):
            CountingText.copied += len(piece)
        return piece


@pytest.mark.parametrize("unit, lang", [("Mr. Smith met Dr. Tan on Nov. 27. The U.S. agreed. ", "en"), ("a.", "en"), ("会談した。「重要だ。」と述べた。", "ja"), ("!!!...", "en")])
def test_segmentation_copies_a_bounded_amount_per_character(unit, lang):
    copied = []
    for size in (2_000, 20_000):
        CountingText.copied = 0
        text = CountingText((unit * (size // len(unit) + 1))[:size])
        segment(text, lang)
        copied.append(CountingText.copied)
    assert copied[1] <= 12 * max(copied[0], 1)  # the old per-period text[:i] copied ~n²/4 characters
    assert copied[1] <= 50 * 20_000


class CountingCodes(tuple):
    iterated = 0

    def __iter__(self):
        CountingCodes.iterated += 1
        return super().__iter__()


def test_segments_of_a_long_block_do_not_rescan_its_codes():
    sentences = 2_000
    text = "".join(f"See **item {n}** now. " for n in range(sentences))
    codes = []
    for match in re.finditer(r"\*\*", text):
        pair = len(codes) // 2
        codes.append(InlineCode(match.start(), match.end(), CodeKind.OPEN if len(codes) % 2 == 0 else CodeKind.CLOSE, pair))
    block = Block("paragraph", 1, text, text, CountingCodes(codes))
    from transflow.document import Document

    doc = Document("markdown", [block])
    CountingCodes.iterated = 0
    found = segments_of(doc, "en")
    assert len(found) == sentences and all(len(seg.codes) == 2 for seg in found)
    assert CountingCodes.iterated <= 10  # once to index them, not once per sentence


def test_an_email_address_is_only_sought_where_an_address_run_starts():
    # Starting inside a run of word characters is what made the pattern quadratic.
    assert qa._URL.match("a" * 50 + "@example.org", 10) is None
    assert qa._URL.findall("write to press.office@example.org or www.vna.vn") == ["press.office@example.org", "www.vna.vn"]


def test_a_repeated_run_in_japanese_is_bounded():
    long_run = "".join(chr(0x4E00 + n) for n in range(qa._LONGEST_REPEAT + 1))
    assert qa._REPEATED_UNSPACED.search(long_run + long_run) is None
    assert qa._REPEATED_UNSPACED.search("首脳会議首脳会議が開かれた") is not None


OLD_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>()\[\]\"']+[^\s<>()\[\]\"'.,;:!?]|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|(?<![\w@])@\w{2,}")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab.+-@ x:/wht1_", max_size=40))
def test_the_linear_url_pattern_finds_what_the_old_one_found(text):
    assert qa._URL.findall(text) == OLD_URL.findall(text)


def _glossary(size: int) -> Glossary:
    return Glossary([Entry({"en": [Term(f"term{n}")], "ja": [Term(f"用語{n}号"), Term(f"旧語{n}号", DEPRECATED)]}) for n in range(size)])


def _bytecodes_run(call) -> int:
    """How many Python bytecodes *call* runs, in every frame it enters: any loop over terms shows up."""
    count = 0

    def tracer(frame, event, arg):
        nonlocal count
        frame.f_trace_opcodes = True
        if event == "opcode":
            count += 1
        return tracer

    sys.settrace(tracer)
    try:
        call()
    finally:
        sys.settrace(None)
    return count


def test_deprecated_terms_cost_the_same_per_segment_whatever_the_glossary_size(monkeypatch):
    calls = []
    real_search, real_compile = re.search, re.compile
    monkeypatch.setattr(re, "search", lambda *a, **k: calls.append(a) or real_search(*a, **k))
    monkeypatch.setattr(re, "compile", lambda *a, **k: calls.append(a) or real_compile(*a, **k))
    work = {}
    for size in (1_000, 50_000):
        enforcer = Enforcer(_glossary(size), "en", "ja")
        calls.clear()
        found = []
        texts = ("岩屋氏は旧語7号を使った。", "岩屋氏は用語7号を使った。")  # a scan that stops at a hit runs to the end on the second
        work[size] = _bytecodes_run(lambda: found.extend(enforcer.deprecated_in(text) for text in texts))
        assert found == [["旧語7号"], []]
        assert calls == []  # no pattern per deprecated form
    # One pass over the text: fifty times the glossary is not one bytecode more per segment
    # (a scan over the forms or entries, even one that stops early, runs thousands more).
    assert work[50_000] == work[1_000] < 10_000, work


def test_a_deprecated_japanese_term_needs_no_punctuation_after_it():
    glossary = Glossary([Entry({"en": [Term("Foreign Minister")], "ja": [Term("外務大臣"), Term("外相", DEPRECATED)], "vi": [Term("Bộ trưởng Ngoại giao"), Term("Ngoại trưởng", DEPRECATED)]})])
    to_ja, to_vi = Enforcer(glossary, "en", "ja"), Enforcer(glossary, "en", "vi")
    assert to_ja.deprecated_in("岩屋外相は述べた") == ["外相"]
    assert to_ja.deprecated_in("岩屋外務大臣は述べた") == []
    assert to_vi.deprecated_in("Ngoại trưởng Iwaya nói") == ["Ngoại trưởng"]
    assert to_vi.deprecated_in("Ngoại trưởngs") == []  # Latin words still need word boundaries
    from transflow.document import Unit

    problems = qa.run([Unit("Foreign Minister Iwaya spoke", "岩屋外相は述べた")], "a.po", qa.Context("en", "ja", to_ja))
    assert [p.check for p in problems if p.check == "deprecated-term"] == ["deprecated-term"]
