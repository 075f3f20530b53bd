"""QA checks over translated units, before anything is published.

Each check has an id and a severity and reports what it found with the
file, line and segment. A translator can exempt one entry with a comment
``qa-ignore: numbers, spacing`` (or ``qa-ignore`` for all checks); a project
switches checks off with ``[qa] disable = [...]`` in transflow.toml.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass

from . import markup
from .document import CodeKind, Unit
from .figures import recognise as figures
from .figures import same
from .figures.enforce import carried
from .glossary.enforce import Enforcer
from .languages import spaced

ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    check: str
    severity: str
    message: str
    source: str

    def as_dict(self) -> dict:
        return asdict(self)

    def __str__(self) -> str:
        snippet = self.source if len(self.source) <= 60 else self.source[:59] + "…"
        return f"{self.file}:{self.line}: {self.severity}: [{self.check}] {self.message} — {snippet!r}"


@dataclass
class Context:
    source_lang: str
    target_lang: str
    enforcer: Enforcer | None = None


Check = Callable[[Unit, Context], Iterable[str]]
CHECKS: dict[str, tuple[str, Check]] = {}


def check(name: str, severity: str) -> Callable[[Check], Check]:
    def register(function: Check) -> Check:
        CHECKS[name] = (severity, function)
        return function

    return register


def _plain(unit: Unit, text: str, blank: str = " ") -> str:
    """*text* (the source or a translation) with the unit's inline codes replaced by *blank*."""
    for raw in sorted({unit.source[c.start : c.end] for c in unit.codes}, key=len, reverse=True):
        text = text.replace(raw, blank)
    return text


# Glossary ------------------------------------------------------------------------


@check("glossary", ERROR)
def _glossary(unit: Unit, ctx: Context) -> Iterable[str]:
    if ctx.enforcer is None:
        return
    spans, _ = ctx.enforcer.spans(unit.source, [(c.start, c.end) for c in unit.codes])
    for term in ctx.enforcer.missing(unit.target, spans):
        yield f"glossary term {term!r} is missing"


@check("deprecated-term", ERROR)
def _deprecated(unit: Unit, ctx: Context) -> Iterable[str]:
    if ctx.enforcer is None:
        return
    for form in ctx.enforcer.deprecated_in(unit.target):
        yield f"deprecated term {form!r} used"


# Numbers and dates ----------------------------------------------------------------


def _figures(unit: Unit, ctx: Context) -> tuple[list[str], list[str]]:
    """The source's figures the translation lacks, and those it keeps as the source writes them
    (an English "Dec. 2" inside a Vietnamese sentence): there, but not in the target's style."""
    source_text = unicodedata.normalize("NFC", _plain(unit, unit.source))
    target_text = unicodedata.normalize("NFC", _plain(unit, unit.target))
    for start, end, _ in reversed(carried(source_text, ctx.source_lang)):  # no style can write these: as written, they are there
        written = source_text[start:end]
        if written in target_text:
            source_text = source_text[:start] + " " + source_text[end:]
            target_text = target_text.replace(written, " ", 1)
    wanted = [(source_text[f.start : f.end], key) for f in figures.find(source_text, ctx.source_lang) for key in f.keys()]
    available = [key for f in figures.find(target_text, ctx.target_lang, tolerant=True) for key in f.keys()]
    literal = [(target_text[f.start : f.end], key) for f in figures.find(target_text, ctx.source_lang, tolerant=True) for key in f.keys()]
    missing, kept = [], []
    for shown, key in wanted:
        match = next((i for i, found in enumerate(available) if same(key, found)), None)
        if match is not None:
            available.pop(match)
            continue
        as_written = next((i for i, (text, found) in enumerate(literal) if same(key, found) and text == shown), None)
        if as_written is not None:
            literal.pop(as_written)
            kept.append(shown)
        else:
            missing.append(shown)
    return missing, kept


@check("numbers", ERROR)
def _numbers(unit: Unit, ctx: Context) -> Iterable[str]:
    """Every figure of the source, by value, in the translation: 3,000 = 3.000, 240.8 billion = 2408億, Nov. 27 = 27/11."""
    for shown in _figures(unit, ctx)[0]:
        yield f"{shown} of the source is missing from the translation"


@check("figure-style", WARNING)
def _figure_style(unit: Unit, ctx: Context) -> Iterable[str]:
    """A figure kept exactly as the source writes it is there, in the wrong style: not an error, not missing."""
    for shown in _figures(unit, ctx)[1]:
        yield f"{shown} is written as in the source, not in the {ctx.target_lang} house style"


# Markup, URLs ---------------------------------------------------------------------


@check("markup", ERROR)
def _markup(unit: Unit, ctx: Context) -> Iterable[str]:
    if not unit.codes:
        return
    raws = [unit.source[c.start : c.end] for c in sorted(unit.codes, key=lambda c: c.start)]
    wanted = Counter(raws)
    present = Counter({raw: unit.target.count(raw) for raw in wanted})
    for raw, count in wanted.items():
        if present[raw] < count:
            yield f"inline code {raw!r} is missing"
        elif present[raw] > count:
            yield f"inline code {raw!r} appears more often than in the source"
    for code in unit.codes:
        if code.kind is CodeKind.OPEN:
            closing = next((c for c in unit.codes if c.kind is CodeKind.CLOSE and c.pair == code.pair), None)
            if closing is None:
                continue
            opening_raw, closing_raw = unit.source[code.start : code.end], unit.source[closing.start : closing.end]
            first_open = unit.target.find(opening_raw)
            if first_open >= 0 and unit.target.find(closing_raw, first_open + len(opening_raw)) < 0:
                yield f"inline codes {opening_raw!r} … {closing_raw!r} are out of order"


@check("unsafe-markup", ERROR)
def _unsafe_markup(unit: Unit, ctx: Context) -> Iterable[str]:
    found = markup.foreign(unit.source, unit.target)
    if found is not None:
        yield f"the translation adds markup its source does not have: {found[:60]!r}; a translation is text (build refuses it)"


# An e-mail address is tried only where a run of address characters starts: tried at
# every character of a long word, the pattern would cost quadratic time.
_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>()\[\]\"']+[^\s<>()\[\]\"'.,;:!?]|(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+|(?<![\w@])@\w{2,}")


@check("urls", ERROR)
def _urls(unit: Unit, ctx: Context) -> Iterable[str]:
    for url in dict.fromkeys(_URL.findall(unit.source)):
        if url not in unit.target:
            yield f"{url} must appear unchanged"


# Completeness ---------------------------------------------------------------------


@check("untranslated", WARNING)
def _untranslated(unit: Unit, ctx: Context) -> Iterable[str]:
    if unit.target and unit.target == unit.source and any(ch.isalpha() for ch in _plain(unit, unit.source)):
        if ctx.enforcer is not None:
            spans, _ = ctx.enforcer.spans(unit.source)
            covered = sum(span.end - span.start for span in spans if span.replacement == unit.source[span.start : span.end])
            if covered >= len(re.sub(r"[\W\d_]", "", unit.source)) * 0.8:
                return
        yield "the translation is the source text"


@check("empty", WARNING)
def _empty(unit: Unit, ctx: Context) -> Iterable[str]:
    if not unit.target.strip():
        yield "no translation"


# Spacing and punctuation ---------------------------------------------------------------


_SPACED_RULES = [
    (re.compile(r"\w\s+[,.;:!?](?!\d)"), "space before punctuation"),
    (re.compile(r"[a-zà-ỹ][,;!?][A-Za-zÀ-ỹ]|[a-zà-ỹ]{2}\.[A-ZÀ-Ỹ][a-zà-ỹ]"), "no space after punctuation"),
]
_UNSPACED_RULES = [
    (re.compile(r"[。！？]\s+\S"), "space after a Japanese full stop"),
    (re.compile(r"[\u3040-\u30ff\u4e00-\u9fff][.,](?!\d)"), "half-width . or , in Japanese; use 。 or 、"),
]


@check("spacing", WARNING)
def _spacing(unit: Unit, ctx: Context) -> Iterable[str]:
    target = unit.target
    lead_s, lead_t = unit.source[: len(unit.source) - len(unit.source.lstrip())], target[: len(target) - len(target.lstrip())]
    if lead_s != lead_t or unit.source[len(unit.source.rstrip()) :] != target[len(target.rstrip()) :]:
        yield "leading or trailing whitespace differs from the source"
    # Inline codes are markup, not spacing: "</a>." and "**bold**," are no space before punctuation.
    text, source = _plain(unit, target, ""), _plain(unit, unit.source, "")
    if "  " in target.strip() and "  " not in unit.source:
        yield "double space"
    rules = _UNSPACED_RULES if not spaced(ctx.target_lang) else _SPACED_RULES
    for pattern, message in rules:
        # Only what the translation adds: the same spacing in the source is the writer's choice.
        if len(pattern.findall(text)) > len(pattern.findall(source)):
            yield message


_PAIRS = ["()", "[]", "{}", "「」", "『』", "（）", "“”", "‘’", "«»"]
# Brackets a translation keeps from its source (full-width ones count as their half-width form).
_KEPT = {"(": "(（", ")": ")）", "[": "[［", "]": "]］", "{": "{｛", "}": "}｝"}


@check("brackets", WARNING)
def _brackets(unit: Unit, ctx: Context) -> Iterable[str]:
    text = _plain(unit, unit.target)
    source = _plain(unit, unit.source)
    for pair in _PAIRS:
        if text.count(pair[0]) != text.count(pair[1]):
            yield f"unbalanced {pair[0]}{pair[1]}"
    if text.count('"') % 2:
        yield 'unbalanced "'
    for bracket, forms in _KEPT.items():
        wanted, found = sum(source.count(f) for f in forms), sum(text.count(f) for f in forms)
        if found < wanted:  # added ones are usually a translator's gloss; dropped ones a careless model's
            yield f"{wanted - found} {bracket} of the source missing"


# Japanese writes a long English name as a short kanji compound: 国連海洋法条約 is 0.15× "United
# Nations Convention on the Law of the Sea", a correct and standard translation.
_RATIOS = {("en", "vi"): (0.7, 2.2), ("en", "ja"): (0.12, 1.2), ("vi", "en"): (0.5, 1.6), ("ja", "en"): (1.2, 6.0), ("vi", "ja"): (0.15, 1.0), ("ja", "vi"): (1.4, 7.0)}


def unusual_length(unit: Unit, source_lang: str, target_lang: str) -> tuple[float, float, float] | None:
    """The translation's length ratio to the source and the expected band, when the ratio falls outside it."""
    source, target = _plain(unit, unit.source).strip(), _plain(unit, unit.target).strip()
    if len(source) < 20 or not target:
        return None
    low, high = _RATIOS.get((source_lang, target_lang), (0.3, 3.0))
    ratio = len(target) / len(source)
    return None if low <= ratio <= high else (ratio, low, high)


@check("length", WARNING)
def _length(unit: Unit, ctx: Context) -> Iterable[str]:
    found = unusual_length(unit, ctx.source_lang, ctx.target_lang)
    if found is not None:
        ratio, low, high = found
        yield f"translation is {ratio:.1f}× the length of the source (expected {low}–{high}×)"


# Without spaces, only runs of three or more characters count (ますます is a word); a
# repeated run is at most _LONGEST_REPEAT characters, which keeps the search linear.
_LONGEST_REPEAT = 30
_REPEATED_SPACED = re.compile(r"\b(\w{2,})\s+\1\b", re.IGNORECASE)
_REPEATED_UNSPACED = re.compile(rf"(\w{{3,{_LONGEST_REPEAT}}})\1", re.IGNORECASE)


@check("repeated-word", WARNING)
def _repeated(unit: Unit, ctx: Context) -> Iterable[str]:
    for match in (_REPEATED_SPACED if spaced(ctx.target_lang) else _REPEATED_UNSPACED).finditer(unit.target):
        if match.group(0).lower() not in unit.source.lower():
            yield f"word repeated: {match.group(0)!r}"


# Running ----------------------------------------------------------------------------------


def _exempt(unit: Unit) -> set[str] | None:
    """Checks an entry's translator comment exempts it from (None: all of them)."""
    match = re.search(r"qa-ignore(?::\s*([\w\-, ]+))?", unit.translator_comment or "")
    if not match:
        return set()
    return None if not match.group(1) else {name.strip() for name in match.group(1).split(",")}


def _line(unit: Unit) -> int:
    """Where the unit is in the file a problem names: its PO entry or XLIFF unit, else its article line."""
    if unit.line is not None:
        return unit.line
    return unit.occurrences[0][1] if unit.occurrences else 0


def run(units: Sequence[Unit], file: str, ctx: Context, disabled: Iterable[str] = ()) -> list[Problem]:
    """Every problem in *units* (one file), in unit order."""
    active = {name: spec for name, spec in CHECKS.items() if name not in set(disabled)}
    problems = []
    for unit in units:
        exempt = _exempt(unit)
        if exempt is None:
            continue
        line = _line(unit)
        for name, (severity, function) in active.items():
            if name in exempt or (not unit.target and name != "empty"):
                continue
            for message in function(unit, ctx):
                problems.append(Problem(file, line, name, severity, message, unit.source))
    return problems


def consistency(files: Sequence[tuple[str, str, Sequence[Unit]]], disabled: Iterable[str] = ()) -> list[Problem]:
    """The same source translated differently within a file or across the project (per language)."""
    if "consistency" in set(disabled):
        return []
    seen: dict[tuple[str, str], dict[str, list[tuple[str, Unit]]]] = defaultdict(lambda: defaultdict(list))
    for file, lang, units in files:
        for unit in units:
            if unit.target and not unit.fuzzy and _exempt(unit) is not None and "consistency" not in (_exempt(unit) or set()):
                seen[(lang, unit.source)][unit.target].append((file, unit))
    problems = []
    for (lang, source), targets in seen.items():
        if len(targets) < 2:
            continue
        variants = " / ".join(repr(t) for t in targets)
        for target, places in targets.items():
            for file, unit in places:
                problems.append(Problem(file, _line(unit), "consistency", WARNING, f"translated differently elsewhere: {variants}", source))
    return problems
