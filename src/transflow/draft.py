"""Drafting: an article's segments become PO units, reviewed ones kept, the rest sent to MT.

One call per article and target language sends every segment that needs MT
to the engine at once, inline codes and glossary terms protected by
placeholders in the form the model is known to keep (protect.FormLearning).
A sentence goes to MT at most twice: one whose placeholders do not survive is
sent once more in a form the model keeps, or without placeholders, its
glossary terms then put in where the model's own rendering of them can be
found; whatever could not be enforced is named in a comment on the (fuzzy)
entry. Never a silently wrong draft. Figures (numbers, money, dates) are
spans rendered in the target's house style: the model's copy of each is
rewritten after MT, and only one that did not come back is protected by a
placeholder in the second pass (figures/enforce.py). Each machine or fuzzy-TM draft gets its review risk (risk.py)
from what happened on the way, and the names in it that the glossary lacks.
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from . import mtpieces, qa
from .document import CODES_DAMAGED, InlineCode, Origin, Risk, Segment, State, Unit, UnitProblem
from .engines import Engine, Translation
from .figures import enforce as figure_enforcement
from .figures.enforce import KEPT, NOT_ENFORCED, REPAIRED, FigureEnforcer, FigureSpan
from .glossary.enforce import Enforcer, TermSpan
from .glossary.suggest import candidates_in, without_codes
from .languages import spaced
from .leverage import Suggestion, suggest_many
from .memory import Memory, Query
from .protect import EVIDENCE, FORMS, Form, FormLearning, PairForms, Protected, protect, restore, strip_wrapping, usable_forms
from .risk import RiskSettings, Signals, assess
from .status import words

CODES_LOST = UnitProblem("markup", "MT lost the inline codes; they are missing from this draft")
# QA checks not repeated on machine drafts: enforcement already names glossary problems.
QA_COVERED_BY_ENFORCEMENT = ("glossary", "deprecated-term", "empty", "numbers", "figure-style")
# How alike (rapidfuzz ratio, 0–100) a revised sentence must be to an old one to inherit its translation.
REVISION_SIMILARITY = 70


@dataclass
class DraftStats:
    segments: int = 0
    kept: int = 0  # reviewed translations
    needs_work_kept: int = 0  # a reviewer's own translation, still marked as needing work
    from_tm: int = 0
    revised: int = 0
    machine: int = 0
    flagged: int = 0
    terms_enforced: int = 0
    terms_flagged: int = 0
    figures_enforced: int = 0
    figures_repaired: int = 0
    figures_flagged: int = 0
    mt_passes: int = 0  # MT passes over the machine-drafted sentences: at most two each
    second_passes: int = 0  # sentences sent twice, because what their placeholders carried did not come back


@dataclass
class _Job:
    """One segment on its way through MT."""

    text: str
    codes: Sequence[InlineCode]
    terms: list[TermSpan]
    figures: list[FigureSpan] = field(default_factory=list)
    protect_figures: bool = False  # figures as placeholders from the first pass (else repaired after it)
    forms: list[Form] = field(default_factory=list)
    output: str | None = None
    passes: int = 0  # MT passes the sentence took (at most two)
    fallback: tuple[str, Translation, int] | None = None  # a whole first-pass output, if a second pass is tried for a figure
    problems: list[UnitProblem] = field(default_factory=list)
    repaired: list[FigureSpan] = field(default_factory=list)
    signals: Signals = field(default_factory=lambda: Signals(machine=True))


def collect_units(segments: Sequence[Segment], reference: str) -> list[Unit]:
    """One unit per distinct source text, in order of first appearance, with every occurrence."""
    units: dict[str, Unit] = {}
    for seg in segments:
        unit = units.get(seg.text)
        if unit is None:
            unit = units[seg.text] = Unit(seg.text, codes=seg.codes, block=seg.block.kind)
        occurrence = (reference, seg.block.line)
        if occurrence not in unit.occurrences:
            unit.occurrences.append(occurrence)
    return list(units.values())


@dataclass
class Draft:
    """One article in one target language on its way through drafting."""

    units: list[Unit]
    source: str
    target: str
    enforcer: Enforcer | None = None
    figures: FigureEnforcer | None = None
    pending: list[tuple[Unit, _Job]] = field(default_factory=list)
    suggested: list[tuple[str, str]] = field(default_factory=list)  # (source, fuzzy TM suggestion) offered in this run
    stats: DraftStats = field(default_factory=DraftStats)
    risk: RiskSettings = field(default_factory=RiskSettings)


def prepare(
    units: list[Unit],
    previous: Mapping[str, Unit],
    source: str,
    target: str,
    enforcer: Enforcer | None = None,
    memory: Memory | None = None,
    threshold: float = 75.0,
    figures: FigureEnforcer | None = None,
    risk: RiskSettings | None = None,
    machine_drafts: Mapping[str, str] | None = None,
) -> Draft:
    """Keep what reviewers did, reuse the translation memory, and list what MT must translate.

    In order: the article's own reviewed translation; an exact TM match; as
    ``msgmerge`` does, for a sentence the article revised, the reviewed
    translation of the most similar old sentence (fuzzy, with the old source
    alongside so Poedit shows what changed); a fuzzy TM match; then MT.
    A draft a human rewrote but left as needing work is kept too: *machine_drafts*
    (the draft last written for each sentence) tells it from the machine's own.
    """
    job_draft = Draft(units, source, target, enforcer, figures, stats=DraftStats(segments=len(units)), risk=risk or RiskSettings())
    current = {unit.source for unit in units}
    leftovers = _leftovers(previous, current)
    opened: list[tuple[int, Unit, Unit | None, str | None]] = []  # what is not a human's to keep: (position, unit, old entry, machine draft)
    for position, unit in enumerate(units):
        old = previous.get(unit.source)
        if old is not None:
            unit.translator_comment = old.translator_comment
        machine_draft = (machine_drafts or {}).get(unit.source)
        if old is None or not _kept(unit, old, machine_draft, job_draft.stats):
            opened.append((position, unit, old, machine_draft))
    offers: list[Suggestion | None] = [None] * len(opened)
    if memory is not None and opened:
        queries = [Query(unit.source, units[p - 1].source if p else "", units[p + 1].source if p + 1 < len(units) else "") for p, unit, *_ in opened]
        offers = suggest_many(memory, source, target, queries, threshold, enforcer)
    for (_, unit, old, machine_draft), found in zip(opened, offers):
        blocked = [(c.start, c.end) for c in unit.codes]
        if enforcer is not None:
            terms, notes = enforcer.spans(unit.source, blocked)
            unit.notes += enforcer.notes(terms) + notes
            found_names = candidates_in(without_codes(unit.source, unit.codes), source, enforcer.matcher)
            unit.candidates = list(dict.fromkeys(item.text for item in found_names))
        else:
            terms = []
        spans = figures.spans(unit.source, blocked + [(t.start, t.end) for t in terms]) if figures else []
        if old is not None and _suggestion_reworded(old, machine_draft, found):
            if machine_draft is not None:  # the TM's suggestion is on record, and this is not it: the reviewer's words
                _by_hand(unit, old, State.DRAFT)
                job_draft.stats.needs_work_kept += 1
            else:  # what the TM offered is not on record (a lost cache): keep the text as it was rather than risk a reviewer's words
                unit.translate(old.target, old.state, old.origin, old.origin_detail)
                unit.notes, unit.problems = list(old.notes), list(old.problems)
                unit.risk, unit.candidates = old.risk, list(old.candidates)
                job_draft.stats.from_tm += 1
            continue
        if found is not None and not found.fuzzy:
            unit.translate(found.target, State.REVIEWED, Origin.TM_EXACT, found.detail)
            unit.notes += found.notes
            job_draft.stats.from_tm += 1
            continue
        revised = _most_similar(unit.source, leftovers)
        if revised is not None:
            unit.translate(revised.target, State.REVISED, Origin.PREVIOUS)
            unit.previous_source, unit.previous_target = revised.source, revised.target
            unit.translator_comment = unit.translator_comment or revised.translator_comment
            job_draft.stats.revised += 1
            continue
        if found is not None:
            unit.translate(found.target, State.SUGGESTED, Origin.TM_FUZZY, found.detail)
            job_draft.suggested.append((unit.source, unit.target))
            unit.notes += found.notes
            unit.problems += [UnitProblem("tm", warning) for warning in found.warnings]
            signals = Signals(tm_score=found.score, tm_corrections=len(found.notes), tm_failures=len(found.warnings))
            unit.risk = _assess(unit, signals, job_draft)
            job_draft.stats.from_tm += 1
            job_draft.stats.flagged += bool(found.warnings)
            continue
        unit.translate("", State.EMPTY)
        job_draft.pending.append((unit, _Job(unit.source, unit.codes, terms, spans, bool(figures and figures.placeholders))))
    return job_draft


def _kept(unit: Unit, old: Unit, machine_draft: str | None, stats: DraftStats) -> bool:
    """Fill *unit* from its old entry when a human's work or decision is in it (reviewed, awaiting approval,
    rewritten); False when the sentence is open to the TM and MT."""
    if old.reviewed and _changed_by_hand(old, machine_draft):
        _by_hand(unit, old, old.state)
        stats.kept += 1
    elif old.reviewed:
        # Everything the reviewed entry carried stays as it was, so a re-run changes no byte of it.
        unit.translate(old.target, old.state, old.origin, old.origin_detail)
        unit.notes, unit.problems = list(old.notes), list(old.problems)
        unit.risk, unit.candidates = old.risk, list(old.candidates)
        stats.kept += 1
    elif _awaits_decision(old):
        if _changed_by_hand(old, None):  # the reviewer reworded the old translation, and has not approved it yet
            unit.translate(old.target, State.REVISED, Origin.HUMAN)
        else:
            unit.translate(old.target, State.REVISED, old.origin or Origin.PREVIOUS, old.origin_detail)
        unit.previous_source, unit.previous_target = old.previous_source, old.previous_target
        unit.notes, unit.problems = list(old.notes), list(old.problems)
        unit.risk, unit.candidates = old.risk, list(old.candidates)
        stats.revised += 1
    elif _rewritten_by_hand(old, machine_draft):
        _by_hand(unit, old, State.DRAFT)
        stats.needs_work_kept += 1
    else:
        return False
    return True


def _suggestion_reworded(unit: Unit, offered: str | None, found) -> bool:
    """A fuzzy TM suggestion whose text is neither what the TM offered when it was written (*offered*,
    on record) nor what it offers now (*found*): a reviewer reworded it and left it as needing work."""
    if unit.state is not State.SUGGESTED or not unit.target:
        return False
    if found is not None and unit.target == found.target:
        return False
    return offered is None or unit.target != offered


def _awaits_decision(unit: Unit) -> bool:
    """A reviewed translation of an older version of the sentence, offered as a fuzzy suggestion.

    It stays as it is, however many times the article is re-drafted, until a
    human approves it (the entry becomes reviewed) or clears it (then MT drafts).
    """
    return unit.state is State.REVISED and bool(unit.target)


def _changed_by_hand(unit: Unit, machine_draft: str | None) -> bool:
    """A reviewed translation whose text is not the machine draft its origin names: the reviewer wrote it.

    Poedit keeps the ``origin`` comment (and, in XLIFF, drops the state
    qualifier) when a reviewer rewrites a draft and approves it.
    """
    if unit.origin is Origin.PREVIOUS:
        return unit.previous_target is not None and unit.target != unit.previous_target
    # The record holds the machine's drafts and the TM's fuzzy suggestions alike (what transflow offered).
    offered = unit.origin in (Origin.MT, Origin.TM_FUZZY)
    return offered and machine_draft is not None and unit.target != machine_draft


def _by_hand(unit: Unit, old: Unit, state: State) -> None:
    """Keep a reviewer's own text as theirs: origin human, and none of what was said about the
    machine's draft (its problems, its review risk). Notes on the source (glossary terms) and the
    names the glossary lacks stay true of it."""
    unit.translate(old.target, state, Origin.HUMAN)
    unit.notes, unit.candidates = list(old.notes), list(old.candidates)
    unit.problems = [problem for problem in old.problems if problem.check == CODES_DAMAGED]  # the reason it needs work


def _rewritten_by_hand(unit: Unit, machine_draft: str | None) -> bool:
    """A translation left as needing work that no machine wrote: a reviewer's own text, never replaced by MT.

    Poedit keeps the ``origin`` comment when a reviewer edits a draft, so the
    text itself is compared with the draft transflow wrote for the sentence.
    The problems found in the machine's draft no longer apply to it.

    A translation whose inline codes were dropped or changed (a reviewer saved
    it over Poedit's "broken markup" warning, whatever state they gave it) was
    marked as needing work by the reader: unless it is exactly the draft the
    machine wrote (MT that lost the codes, drafted again), it is a person's.
    """
    if not unit.target:
        return False
    if unit.has_problem(CODES_DAMAGED):
        return unit.target != machine_draft
    if unit.state is not State.DRAFT:
        return False
    if unit.origin is Origin.HUMAN or unit.origin is None:
        return True
    return unit.origin is Origin.MT and machine_draft is not None and unit.target != machine_draft


def _leftovers(previous: Mapping[str, Unit], current: set[str]) -> dict[str, Unit]:
    """Human translations the article's current sentences no longer use, keyed by the sentence they translate.

    A suggestion still awaiting a decision counts with the old sentence it
    translates, so a sentence revised twice still inherits the reviewer's work.
    """
    found = {u.source: u for u in previous.values() if u.reviewed and u.source not in current}
    for unit in previous.values():
        if unit.source not in current and _awaits_decision(unit) and unit.previous_source and unit.previous_source not in found:
            previous = unit.previous_target if unit.previous_target is not None else unit.target
            found[unit.previous_source] = Unit(unit.previous_source, previous, translator_comment=unit.translator_comment)
    return found


def _most_similar(text: str, candidates: Mapping[str, Unit]) -> Unit | None:
    if not candidates:
        return None
    from rapidfuzz import fuzz, process

    best = process.extractOne(text, list(candidates), scorer=fuzz.ratio, score_cutoff=REVISION_SIMILARITY)
    return candidates[best[0]] if best else None


def machine_translate(drafts: Sequence[Draft], engine: Engine, placeholders: FormLearning | None = None) -> None:
    """MT for every pending sentence of *drafts* (one language pair) in one batch, then finish each draft.

    *placeholders* holds what the job knows of each model's placeholder forms
    (the MT cache's record across runs); without it, what one engine object
    has shown in this process is used and kept.
    """
    if not drafts:
        return
    source, target = drafts[0].source, drafts[0].target
    origin = engine.origin(source, target)
    if origin is not None:
        learning = placeholders if placeholders is not None else _RUN_LEARNING.setdefault(engine, FormLearning())
        _machine_translate([job for d in drafts for _, job in d.pending], engine, source, target, learning.pair(origin, source, target))
        learning.save()
    for job_draft in drafts:
        if origin is not None:
            _finish(job_draft, origin)


# What each engine object has shown of its placeholder forms, when the caller keeps no record of its own.
_RUN_LEARNING: weakref.WeakKeyDictionary[Engine, FormLearning] = weakref.WeakKeyDictionary()


def _finish(job_draft: Draft, origin: str) -> None:
    stats = job_draft.stats
    context = qa.Context(job_draft.source, job_draft.target, job_draft.enforcer)
    enforcer = job_draft.enforcer
    for unit, job in job_draft.pending:
        unit.translate(job.output or "", State.DRAFT, Origin.MT, origin)
        missing = enforcer.missing(unit.target, job.terms) if enforcer else []
        if enforcer is not None:
            job.problems += [UnitProblem("glossary", text) for text in enforcer.describe(missing, enforcer.deprecated_in(unit.target))]
        lost = figure_enforcement.missing(unit.target, job.figures)
        repaired = [span for span in job.repaired if span not in lost]
        job.problems += [figure_enforcement.problem(unit.source, span, REPAIRED) for span in repaired]
        job.problems += [figure_enforcement.problem(unit.source, span, NOT_ENFORCED) for span in lost]
        job.problems += [figure_enforcement.problem(unit.source, span, KEPT) for span in job.figures if span.kept and span not in lost]
        covered = QA_COVERED_BY_ENFORCEMENT if job_draft.figures else QA_COVERED_BY_ENFORCEMENT[:-2]
        found = qa.run([unit], "", context, covered)
        job.problems += [UnitProblem(p.check, p.message) for p in found]
        job.signals.figures_missing = [span.replacement for span in lost]
        job.signals.figures_repaired = [span.replacement for span in repaired]
        unit.problems += job.problems
        job.signals.terms_missing = missing
        job.signals.terms_repaired = [term for term in job.signals.terms_repaired if term not in missing]
        job.signals.qa_checks = [p.check for p in found if p.check != "length"]
        unit.risk = _assess(unit, job.signals, job_draft)
        stats.machine += 1
        stats.mt_passes += job.passes
        stats.second_passes += job.passes > 1
        stats.flagged += bool(job.problems)
        stats.terms_flagged += len(missing)
        stats.terms_enforced += len(job.terms) - len(missing)
        stats.figures_flagged += len(lost)
        stats.figures_repaired += len(repaired)
        stats.figures_enforced += len(job.figures) - len(lost)


def _assess(unit: Unit, signals: Signals, job_draft: Draft) -> Risk:
    unusual = qa.unusual_length(unit, job_draft.source, job_draft.target)
    signals.length_ratio = unusual[0] if unusual else None
    signals.source_words = words(unit.source, job_draft.source)
    signals.source_in_characters = not spaced(job_draft.source)
    return assess(signals, job_draft.risk)[1]


def draft(
    units: list[Unit],
    previous: Mapping[str, Unit],
    engine: Engine,
    source: str,
    target: str,
    enforcer: Enforcer | None = None,
    figures: FigureEnforcer | None = None,
    placeholders: FormLearning | None = None,
) -> DraftStats:
    """Fill *units* of one article in place: reviewed translations kept, machine drafts for the rest."""
    job_draft = prepare(units, previous, source, target, enforcer, figures=figures)
    machine_translate([job_draft], engine, placeholders)
    return job_draft.stats


def _machine_translate(jobs: list[_Job], engine: Engine, source: str, target: str, forms: PairForms) -> None:
    """Set each job's output in at most two MT passes per sentence.

    The first pass sends each sentence in the placeholder form the model keeps
    most often (none if it keeps none); a sentence whose placeholders, or
    figures, did not come back is sent once more in the way most likely to
    succeed. With nothing known of the model, its shortest sentences that carry
    placeholders go first as a probe spreading the forms, in one call with
    every sentence that has nothing to protect (a probe in a call of its own
    is a half-empty batch); the rest, with the probe's second passes, is sent
    once what the probe taught is known.
    """
    for job in jobs:
        job.forms = usable_forms(job.text)
    # The same sentence in several articles (or in Markdown and HTML) is one text to MT: one form, sent once.
    shapes = {id(job): _shape(job) for job in jobs}
    guarded = list(dict.fromkeys(shapes[id(job)] for job in jobs if _guarded(job, job.protect_figures)))
    probed = sorted(guarded, key=len)[:PROBE] if forms.learning(FORMS) and len(guarded) > 2 * PROBE else []
    in_probe = set(probed)
    rest = [shape for shape in guarded if shape not in in_probe]
    turns = {shape: turn for group in (probed, rest) for turn, shape in enumerate(group)}  # each group spreads the forms evenly
    waiting = set(rest) if probed else set()
    now = [_first(job, forms, turns.get(shapes[id(job)], 0)) for job in jobs if shapes[id(job)] not in waiting]
    retries = _send(now, engine, source, target, forms)
    later = [_first(job, forms, turns[shapes[id(job)]]) for job in jobs if shapes[id(job)] in waiting]
    retries = _send(later + retries, engine, source, target, forms)
    _send(retries, engine, source, target, forms)


def _shape(job: _Job) -> str:
    """What MT would be sent for *job* in the first form: equal for sentences that differ only in their markup."""
    return protect(job.text, job.codes, FORMS[0], [*job.terms, *(job.figures if job.protect_figures else [])]).text


# Sentences sent ahead as a probe when nothing is known of a model: each form gets enough to be judged.
PROBE = EVIDENCE * len(FORMS)


@dataclass(frozen=True)
class _Pass:
    """How a sentence goes to MT: in *form* (None: without placeholders, repaired after), with or without
    its figures as placeholders; *last* when it gets no further pass."""

    job: _Job
    form: Form | None
    figures: bool
    last: bool


def _spans(p: _Pass) -> list[TermSpan]:
    """What the placeholders of *p* carry besides inline codes (nothing when it has none)."""
    if p.form is None:
        return []
    return [*p.job.terms, *(p.job.figures if p.figures else [])]


def _guarded(job: _Job, figures: bool) -> bool:
    """Whether the sentence holds anything its placeholders would carry (inline codes, terms, figures)."""
    return bool(job.terms or (figures and job.figures) or _inner_codes(job))


def _inner_codes(job: _Job) -> bool:
    """Whether the sentence has inline codes inside it (not only wrapping it), which only placeholders carry."""
    start, end = strip_wrapping(job.text, job.codes)
    return any(start <= c.start and c.end <= end for c in job.codes)


def _first(job: _Job, forms: PairForms, turn: int) -> _Pass:
    if not _guarded(job, job.protect_figures):
        return _Pass(job, job.forms[0] if job.forms else None, job.protect_figures, not job.figures)
    form = forms.first(job.forms, turn)
    return _Pass(job, form, job.protect_figures, form is None)


def _send(passes: list[_Pass], engine: Engine, source: str, target: str, forms: PairForms) -> list[_Pass]:
    """One MT call for *passes* (and the terms of those without placeholders); return the second passes needed."""
    if not passes:
        return []
    prepared = [protect(p.job.text, p.job.codes, p.form or FORMS[0], _spans(p)) for p in passes]
    texts = [item.text if p.form else FORMS[0].pattern().sub("", item.text) for p, item in zip(passes, prepared)]
    terms = list(dict.fromkeys(p.job.text[t.start : t.end] for p in passes if p.form is None for t in p.job.terms))
    outputs, pieces = mtpieces.translate(engine, texts + terms, source, target)
    renderings = {term: output.text.strip() for term, output in zip(terms, outputs[len(texts) :])}
    results, counted = [], set()
    for p, item, output in zip(passes, prepared, outputs):
        restored = None
        if p.form is not None:
            keep = None if p.figures else p.form.pattern()
            raw = output.text if p.figures else figure_enforcement.repair(output.text, p.job.figures, source, target, keep)
            restored = restore(item, raw, spaced(target))
            if item.replacements and item.text not in counted:  # a text several articles share went to MT once
                counted.add(item.text)
                forms.count(p.form, restored is not None)
        results.append(restored)
    again = []  # decided once the whole call has been counted, so every sentence's retry learns from all of it
    for p, item, output, cut, restored in zip(passes, prepared, outputs, pieces, results):
        p.job.passes += 1
        if p.form is None:
            _without_placeholders(p.job, item, output.text, renderings, source, target)
            _take(p.job, output, cut)
            continue
        lost = figure_enforcement.missing(restored, p.job.figures) if restored is not None else []
        if restored is not None and (not lost or p.last):
            p.job.output = restored
            _take(p.job, output, cut)
        elif p.last:
            _fallback(p.job, item, output, cut)
        else:
            # Inline codes, and figures the repair did not find, come back only as placeholders.
            needed = restored is not None or _inner_codes(p.job)
            retry = forms.second(p.job.forms, None if restored is not None else p.form, needed)
            if restored is not None and retry is None:  # no form to carry the figures: they are named on the entry
                p.job.output = restored
                _take(p.job, output, cut)
                continue
            if restored is not None:
                p.job.fallback = (restored, output, cut)
            again.append(_Pass(p.job, retry, retry is not None, True))
    return again


def _take(job: _Job, output: Translation, pieces: int) -> None:
    job.signals.model_score, job.signals.pivot = output.score, output.pivot
    if pieces > 1:
        job.problems.append(_long_sentence(job.text, pieces))


def _fallback(job: _Job, prepared: Protected, output: Translation, pieces: int) -> None:
    """The second pass lost its placeholders too: the first pass's output if it was whole, else this one
    without its placeholders (what they carried is then named on the entry)."""
    if job.fallback is not None:
        job.output, first, first_pieces = job.fallback
        _take(job, first, first_pieces)
        return
    job.output = prepared.prefix + " ".join(prepared.form.pattern().sub(" ", output.text).split()) + prepared.suffix
    _take(job, output, pieces)
    if _inner_codes(job):
        _codes_lost(job)


def _long_sentence(text: str, pieces: int) -> UnitProblem:
    return UnitProblem("long-sentence", f"the sentence ({len(text)} characters) is too long for the model; it was machine-translated in {pieces} pieces: check where they join")


def _without_placeholders(job: _Job, bare: Protected, output: str, renderings: Mapping[str, str], source: str, target: str) -> None:
    """The output of a sentence sent without placeholders: the model's rendering of each term swapped for
    the glossary's, and of each figure for the house style's; inline codes inside it are lost."""
    for term in job.terms:
        rendering = renderings.get(job.text[term.start : term.end], "")
        found = _rendering_in(output, rendering, target) if rendering and term.replacement not in output else None
        if found is not None:
            output = output[: found.start()] + term.replacement + output[found.end() :]
            job.signals.terms_repaired.append(term.replacement)
    if job.figures:
        repaired = figure_enforcement.repair(output, job.figures, source, target)
        if job.protect_figures:  # put back after the placeholder the first pass gave it was lost
            job.repaired = [s for s in job.figures if s.replacement not in output and s.replacement in repaired]
        output = repaired
    job.output = bare.prefix + output + bare.suffix
    if bare.replacements:
        _codes_lost(job)


def _rendering_in(output: str, rendering: str, target: str) -> re.Match[str] | None:
    """Where the model's rendering of a term stands in *output*: as a whole word in a spaced language
    ("Japan" is not the start of "Japanese"), anywhere in Japanese."""
    edge = r"(?<!\w)" if spaced(target) and rendering[:1].isalnum() else ""
    end = r"(?!\w)" if spaced(target) and rendering[-1:].isalnum() else ""
    return re.search(edge + re.escape(rendering) + end, output)


def _codes_lost(job: _Job) -> None:
    job.problems.append(CODES_LOST)
    job.signals.markup_lost = True
