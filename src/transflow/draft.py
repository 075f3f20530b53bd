"""Drafting: an article's segments become PO units, reviewed ones kept, the rest sent to MT.

One call per article and target language sends every segment that needs MT
to the engine at once, inline codes and glossary terms protected by
placeholders. Placeholders that do not survive are retried in the next form;
a segment that still fails is translated unprotected, its glossary terms put
in where the model's own rendering of them can be found, and whatever could
not be enforced is named in a comment on the (fuzzy) entry. Never a silently
wrong draft. Figures (numbers, money, dates) ride the same mechanism: each is
a span rendered in the target's house style, protected, verified and repaired
like a term. Each machine or fuzzy-TM draft gets its review risk (risk.py)
from what happened on the way, and the names in it that the glossary lacks.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from . import mtpieces, qa
from .document import CODES_DAMAGED, InlineCode, Origin, Risk, Segment, State, Unit, UnitProblem
from .engines import Engine
from .figures import enforce as figure_enforcement
from .figures.enforce import KEPT, NOT_ENFORCED, REPAIRED, FigureEnforcer, FigureSpan
from .glossary.enforce import Enforcer, TermSpan
from .glossary.suggest import candidates_in, without_codes
from .leverage import suggest
from .memory import Memory
from .protect import FORMS, Form, Protected, protect, restore, usable_forms
from .risk import RiskSettings, Signals, assess
from .languages import spaced
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


@dataclass
class _Job:
    """One segment on its way through MT."""

    text: str
    codes: Sequence[InlineCode]
    terms: list[TermSpan]
    figures: list[FigureSpan] = field(default_factory=list)
    forms: list[Form] = field(default_factory=list)
    output: str | None = None
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
    for position, unit in enumerate(units):
        old = previous.get(unit.source)
        if old is not None:
            unit.translator_comment = old.translator_comment
        machine_draft = (machine_drafts or {}).get(unit.source)
        if old is not None and old.reviewed and _changed_by_hand(old, machine_draft):
            _by_hand(unit, old, old.state)
            job_draft.stats.kept += 1
            continue
        if old is not None and old.reviewed:
            # Everything the reviewed entry carried stays as it was, so a re-run changes no byte of it.
            unit.translate(old.target, old.state, old.origin, old.origin_detail)
            unit.notes, unit.problems = list(old.notes), list(old.problems)
            unit.risk, unit.candidates = old.risk, list(old.candidates)
            job_draft.stats.kept += 1
            continue
        if old is not None and _awaits_decision(old):
            if _changed_by_hand(old, None):  # the reviewer reworded the old translation, and has not approved it yet
                unit.translate(old.target, State.REVISED, Origin.HUMAN)
            else:
                unit.translate(old.target, State.REVISED, old.origin or Origin.PREVIOUS, old.origin_detail)
            unit.previous_source, unit.previous_target = old.previous_source, old.previous_target
            unit.notes, unit.problems = list(old.notes), list(old.problems)
            unit.risk, unit.candidates = old.risk, list(old.candidates)
            job_draft.stats.revised += 1
            continue
        if old is not None and _rewritten_by_hand(old, machine_draft):
            _by_hand(unit, old, State.DRAFT)
            job_draft.stats.needs_work_kept += 1
            continue
        blocked = [(c.start, c.end) for c in unit.codes]
        if enforcer is not None:
            terms, notes = enforcer.spans(unit.source, blocked)
            unit.notes += enforcer.notes(terms) + notes
            found_names = candidates_in(without_codes(unit.source, unit.codes), source, enforcer.matcher)
            unit.candidates = list(dict.fromkeys(item.text for item in found_names))
        else:
            terms = []
        spans = figures.spans(unit.source, blocked + [(t.start, t.end) for t in terms]) if figures else []
        found = None
        if memory is not None:
            prev = units[position - 1].source if position else ""
            following = units[position + 1].source if position + 1 < len(units) else ""
            found = suggest(memory, source, target, unit.source, prev, following, threshold, enforcer)
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
        job_draft.pending.append((unit, _Job(unit.source, unit.codes, terms, spans)))
    return job_draft


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


def machine_translate(drafts: Sequence[Draft], engine: Engine) -> None:
    """MT for every pending sentence of *drafts* (one language pair) in one batch, then finish each draft."""
    if not drafts:
        return
    source, target = drafts[0].source, drafts[0].target
    origin = engine.origin(source, target)
    if origin is not None:
        _machine_translate([job for d in drafts for _, job in d.pending], engine, source, target)
    for job_draft in drafts:
        if origin is not None:
            _finish(job_draft, origin)


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
) -> DraftStats:
    """Fill *units* of one article in place: reviewed translations kept, machine drafts for the rest."""
    job_draft = prepare(units, previous, source, target, enforcer, figures=figures)
    machine_translate([job_draft], engine)
    return job_draft.stats


def _machine_translate(jobs: list[_Job], engine: Engine, source: str, target: str) -> None:
    """Set each job's output: placeholders first, form after form, then the unprotected fallback."""
    for job in jobs:
        job.forms = usable_forms(job.text)
    while True:
        batch: list[tuple[_Job, Protected]] = [
            (job, protect(job.text, job.codes, job.forms.pop(0), [*job.terms, *job.figures]))
            for job in jobs
            if job.output is None and job.forms
        ]
        if not batch:
            break
        outputs, pieces = mtpieces.translate(engine, [p.text for _, p in batch], source, target)
        for (job, prepared), output, count in zip(batch, outputs, pieces):
            job.output = restore(prepared, output.text, spaced(target))
            job.signals.model_score, job.signals.pivot = output.score, output.pivot
            if job.output is not None and count > 1:
                job.problems.append(_long_sentence(job.text, count))
    failed = [job for job in jobs if job.output is None]
    if failed:
        _unprotected(failed, engine, source, target)


def _long_sentence(text: str, pieces: int) -> UnitProblem:
    return UnitProblem("long-sentence", f"the sentence ({len(text)} characters) is too long for the model; it was machine-translated in {pieces} pieces: check where they join")


def _unprotected(jobs: list[_Job], engine: Engine, source: str, target: str) -> None:
    """Translate without placeholders, then swap the model's rendering of each term for the glossary's
    and of each figure for the house style's."""
    bare = [protect(job.text, job.codes, FORMS[0]) for job in jobs]
    texts = [FORMS[0].pattern().sub("", prepared.text) for prepared in bare]
    outputs, pieces = mtpieces.translate(engine, texts, source, target)
    term_sources = list(dict.fromkeys(job.text[t.start : t.end] for job in jobs for t in job.terms))
    renderings = dict(zip(term_sources, engine.translate(term_sources, source, target)))
    for job, prepared, scored, count in zip(jobs, bare, outputs, pieces):
        output = scored.text
        job.signals.model_score, job.signals.pivot = scored.score, scored.pivot
        if count > 1:
            job.problems.append(_long_sentence(job.text, count))
        for term in job.terms:
            rendering = renderings.get(job.text[term.start : term.end], "").strip()
            if rendering and term.replacement not in output and rendering in output:
                output = output.replace(rendering, term.replacement, 1)
                job.signals.terms_repaired.append(term.replacement)
        if job.figures:
            repaired = figure_enforcement.repair(output, job.figures, source, target)
            job.repaired = [s for s in job.figures if s.replacement not in output and s.replacement in repaired]
            output = repaired
        job.output = prepared.prefix + output + prepared.suffix
        if prepared.replacements:
            job.problems.append(CODES_LOST)
            job.signals.markup_lost = True
