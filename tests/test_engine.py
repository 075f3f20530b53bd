"""The Argos engine on real (tiny) Argos packages: batching, pivots, decoding, missing models."""

from pathlib import Path

import pytest

from transflow.engines.argos import ArgosEngine, ArgosSettings
from transflow.errors import UsageError

SENTENCES = [
    "Deputy Foreign Minister Nguyen Quoc Dung met Japan's envoy on Nov. 27.",
    "Trade reached 240.8 billion USD.",
    "Thứ trưởng Bộ Ngoại giao Nguyễn Quốc Dũng phát biểu.",
    "グエン・クオック・ズン外務副大臣（写真：VNA）",
    "Deputy Foreign Minister Nguyen Quoc Dung met Japan's envoy on Nov. 27.",
]


def test_copy_model_reproduces_input_including_underscores(installed_models):
    engine = ArgosEngine()
    texts = ["snake_case_name and file_v2.txt stay intact.", *SENTENCES]
    assert engine.translate(texts, "en", "vi") == texts


def test_batched_translation_equals_one_sentence_at_a_time(installed_models):
    engine = ArgosEngine(ArgosSettings(max_batch_size=2))
    batched = engine.translate(SENTENCES, "en", "ja")
    single = [engine.translate([text], "en", "ja")[0] for text in SENTENCES]
    assert batched == single == SENTENCES


def test_each_model_is_loaded_once_per_engine(installed_models, monkeypatch):
    import ctranslate2

    opened = []
    real = ctranslate2.Translator  # the real translator, its openings counted (no mock in the MT path)
    monkeypatch.setattr(ctranslate2, "Translator", lambda path, *a, **k: opened.append(Path(path).parent.name) or real(path, *a, **k))
    engine = ArgosEngine()
    for _ in range(3):
        assert engine.translate(SENTENCES, "en", "vi") == SENTENCES
    engine.translate(SENTENCES, "vi", "ja")
    engine.translate(SENTENCES, "en", "ja")
    assert sorted(opened) == ["translate-en_ja-1_0", "translate-en_vi-1_0", "translate-vi_en-1_0"]


def test_pivot_through_english(installed_models):
    engine = ArgosEngine()
    assert engine.origin("vi", "ja") == "MT argos via en (vi→en 1.0, en→ja 1.0)"
    assert engine.translate(SENTENCES[2:4], "vi", "ja") == SENTENCES[2:4]
    assert engine.origin("en", "vi") == "MT argos en→vi 1.0"


def test_missing_model_names_the_pair_and_the_fix(installed_models):
    with pytest.raises(UsageError) as info:
        ArgosEngine().check("en", "fr")
    assert "en→fr" in str(info.value)
    assert "transflow models install en fr" in str(info.value)
    assert info.value.exit_code == 2


def test_empty_texts_are_not_sent_to_the_model(installed_models):
    assert ArgosEngine().translate(["", "  ", "Hello."], "en", "vi") == ["", "", "Hello."]


def test_unknown_engine_setting_is_a_usage_error():
    with pytest.raises(UsageError, match="beam"):
        ArgosSettings.from_mapping({"beam": 2})
    assert ArgosSettings.from_mapping({"beam_size": "2", "name": "argos"}).beam_size == 2
