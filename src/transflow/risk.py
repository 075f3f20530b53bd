"""Review risk of a draft: where the reviewer's time should go first.

Every signal transflow has about a draft adds points: a glossary term the
model lost, which had to be swapped into its output (repaired) or could not
be enforced at all, markup MT dropped, the model's own low confidence, the
pivot through English, QA warnings, a fuzzy TM match that needed corrections,
an unusual length ratio, a long source sentence. The points and the
thresholds are data (``[risk]`` in transflow.toml). The defaults are
calibrated on the sample articles with the careless test model so that one
repaired or unenforced term outweighs every soft signal together
(tests/test_risk.py checks the ranking; benchmarks/risk_calibration.py prints it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields

from .document import Risk
from .errors import UsageError

HIGH, MEDIUM, LOW = "high", "medium", "low"
LEVELS = (HIGH, MEDIUM, LOW)
# The reason a machine draft gets when its engine gives no score: its risk lacks that evidence.
NO_MODEL_SCORE = "no model score"


@dataclass(frozen=True)
class RiskSettings:
    """Points per signal and the level thresholds.

    The hard signals (a term or markup MT lost) are worth ``high`` points
    each, more than the soft ones can add up to (3 + 2 + 2 + 1 + 1 = 9), so
    a draft with a repaired term always ranks above a clean one.
    """

    high: float = 10
    medium: float = 3
    term_not_enforced: float = 12
    term_repaired: float = 10
    figure_not_enforced: float = 12
    figure_repaired: float = 10
    markup_lost: float = 10
    model_score_low: float = 3
    model_score: float = -1.0  # mean log-probability per token below which the model is unsure
    no_model_score: float = 0  # an engine that cannot score: the reason is shown whatever its points
    tm_not_corrected: float = 3
    tm_corrected: float = 1
    qa_warning: float = 1
    qa_max: float = 2
    length_ratio: float = 2
    pivot: float = 1
    long_source: float = 1
    long_source_words: int = 40
    long_source_characters: int = 100  # the same length in a script written without spaces (Japanese), counted in characters
    # Review work left per source word, by level (status --review); an empty entry is translated from scratch.
    work: Mapping[str, float] = field(default_factory=lambda: {HIGH: 4.0, MEDIUM: 2.0, LOW: 1.0, "untranslated": 3.0})

    @classmethod
    def from_mapping(cls, values: Mapping[str, object], origin: str = "transflow.toml") -> RiskSettings:
        known = {f.name: f for f in fields(cls)}
        kwargs: dict[str, object] = {}
        for key, value in values.items():
            if key not in known:
                raise UsageError(f"{origin}: unknown [risk] setting {key!r}; known: {', '.join(known)}")
            try:
                if key == "work":
                    if not isinstance(value, Mapping):
                        raise TypeError
                    kwargs[key] = {**cls().work, **{str(k): float(v) for k, v in value.items()}}
                else:
                    kwargs[key] = int(value) if key.startswith("long_source_") else float(value)  # type: ignore[arg-type]
            except (TypeError, ValueError):
                raise UsageError(f"{origin}: [risk] {key} = {value!r} must be a number") from None
        settings = cls(**kwargs)  # type: ignore[arg-type]
        if settings.medium > settings.high:
            raise UsageError(f"{origin}: [risk] medium ({settings.medium:g}) must not exceed high ({settings.high:g})")
        return settings


@dataclass
class Signals:
    """What is known about one draft when it is made."""

    machine: bool = False  # a machine draft: its model score, or the lack of one, is a signal
    model_score: float | None = None
    pivot: str | None = None
    terms_repaired: list[str] = field(default_factory=list)
    terms_missing: list[str] = field(default_factory=list)
    figures_repaired: list[str] = field(default_factory=list)  # in house style, as they must read
    figures_missing: list[str] = field(default_factory=list)
    markup_lost: bool = False
    qa_checks: list[str] = field(default_factory=list)
    tm_score: int | None = None
    tm_corrections: int = 0
    tm_failures: int = 0
    length_ratio: float | None = None  # set only when outside the expected band
    source_words: int = 0  # in characters where the source language is written without spaces
    source_in_characters: bool = False


def assess(signals: Signals, settings: RiskSettings) -> tuple[float, Risk]:
    """The draft's points and its level with the reasons, most serious first."""
    found: list[tuple[float, str]] = []
    for terms, points, what in (
        (signals.terms_missing, settings.term_not_enforced, "term not enforced"),
        (signals.figures_missing, settings.figure_not_enforced, "figure not enforced"),
        (signals.terms_repaired, settings.term_repaired, "term repaired"),
        (signals.figures_repaired, settings.figure_repaired, "figure repaired"),
    ):
        if terms:
            names = list(dict.fromkeys(terms))
            noun, _, verb = what.partition(" ")
            found.append((points * len(terms), f"{noun}{'s' if len(names) > 1 else ''} {verb} ({', '.join(names)})"))
    if signals.markup_lost:
        found.append((settings.markup_lost, "markup lost"))
    if signals.model_score is not None and signals.model_score < settings.model_score:
        found.append((settings.model_score_low, f"model score low ({signals.model_score:.2f}/token)"))
    if signals.machine and signals.model_score is None:
        found.append((settings.no_model_score, NO_MODEL_SCORE))
    if signals.tm_failures:
        found.append((settings.tm_not_corrected, f"TM {signals.tm_score} %: {signals.tm_failures} difference(s) not corrected"))
    elif signals.tm_corrections:
        found.append((settings.tm_corrected, f"TM {signals.tm_score} % with {signals.tm_corrections} correction(s)"))
    if signals.qa_checks:
        checks = list(dict.fromkeys(signals.qa_checks))
        found.append((min(settings.qa_max, settings.qa_warning * len(signals.qa_checks)), f"QA: {', '.join(checks)}"))
    if signals.length_ratio is not None:
        found.append((settings.length_ratio, f"length {signals.length_ratio:.1f}× the source"))
    if signals.pivot:
        found.append((settings.pivot, f"pivot through {signals.pivot}"))
    longest, unit = (settings.long_source_characters, "characters") if signals.source_in_characters else (settings.long_source_words, "words")
    if signals.source_words > longest:
        found.append((settings.long_source, f"long sentence ({signals.source_words} {unit})"))
    points = sum(p for p, _ in found)
    level = HIGH if points >= settings.high else MEDIUM if points >= settings.medium else LOW
    reasons = tuple(reason for p, reason in sorted(found, key=lambda item: -item[0]) if p > 0 or reason == NO_MODEL_SCORE)
    return points, Risk(level, reasons)
