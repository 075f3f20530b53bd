"""The jobs a translator runs, stage by stage: translate (article → PO/XLIFF drafts),
build (reviewed file → article) and convert (PO ↔ XLIFF). ``batch`` reuses the
translate stages with its own scheduling.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, ExitStack, contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import engines, languages, markup
from .build import CODES_DAMAGED as DAMAGED, BuildResult, build, buildable, refusal
from .document import CODES_DAMAGED, Document, Origin, Segment, State, Unit
from .draft import Draft, collect_units, machine_translate, prepare
from .config import Config
from .detect import LANGUAGES as DETECTED, article as detect_article
from .errors import TransflowError, UsageError
from . import exchange, qa
from .exchange import tmx, xliff
from .exchange.catalog import Catalog, by_source
from .figures.enforce import FigureEnforcer
from .figures.style import HouseStyle
from .formats import output_file, parse_file
from .glossary import Glossary
from .glossary.enforce import Enforcer, OrderRule
from . import memory as tm
from .engines import Engine
from .memory import Memory, TMUnit
from .mtcache import CachedEngine, Drafts, FormHistory
from .project import Project
from .protect import FormLearning
from .risk import RiskSettings
from .segment import segments_of
from .textio import file_digest, is_stdout, relative_path, unless_changed, write_atomic


@dataclass
class Article:
    path: Path
    doc: Document
    reference: str
    source_lang: str
    _segments: list[Segment] | None = field(default=None, repr=False)
    warning: str | None = None  # the article mixes languages

    @classmethod
    def load(cls, path: Path, settings: Settings) -> Article:
        """Parse the article and settle its language (see ``Settings.source_lang_of``)."""
        doc = parse_file(path)
        reference = settings.project.reference(path)
        lang = settings.source_lang_of(reference, doc)
        return cls(path, doc, reference, lang, warning=_mixed(reference, doc, lang))

    def segments(self) -> list[Segment]:
        """The article's segments, cut once (by its own language's rules) however many target languages are drafted."""
        if self._segments is None:
            self._segments = segments_of(self.doc, self.source_lang)
        return self._segments


@dataclass(frozen=True)
class Settings:
    """What a translate or batch run does, whichever articles it is given: plain values, nothing open."""

    project: Project
    source_lang: str | None  # None: each article's detected language
    target_langs: tuple[str, ...]
    engine: Mapping[str, Any] = field(default_factory=lambda: {"name": "argos"})
    glossary: Glossary | None = None
    order_rules: Sequence[OrderRule] = ()
    formats: Sequence[str] = ("po",)
    memory_path: Path | str | None = None  # a file or a postgresql:// URL
    fuzzy_threshold: float = 75.0
    default_source_lang: str = "en"  # for an article too short to tell (names and figures only)
    force_source_lang: bool = False  # --from-force: take --from even where the text says otherwise
    risk: RiskSettings = field(default_factory=RiskSettings)
    figure_styles: Mapping[str, HouseStyle] = field(default_factory=dict)  # house style per target language

    def outputs(self, article: Article, target_lang: str) -> list[Path]:
        return self.project.translation_files(article.path, target_lang, self.formats)

    def language_pairs(self) -> list[tuple[str, str]]:
        """Every pair the run may translate: from --from, or from any language an article can be detected in."""
        sources = [self.source_lang] if self.source_lang else list(dict.fromkeys((*DETECTED, self.default_source_lang)))
        return [(source, target) for target in self.target_langs for source in sources if source != target]

    def targets_of(self, article: Article) -> list[str]:
        """The article's target languages: never its own."""
        return [lang for lang in self.target_langs if lang != article.source_lang]

    def source_lang_of(self, reference: str, doc: Document) -> str:
        """The article's language: ``--from`` if given, refused when the text plainly says otherwise; else detected."""
        found, _ = detect_article([block.text for block in doc.blocks if block.role != "language"])
        if self.source_lang is None:
            return found.lang if found.evidence else self.default_source_lang
        if found.certain and found.lang != self.source_lang and not self.force_source_lang:
            raise UsageError(
                f"{reference}: is written in {languages.english_name(found.lang)} ({found.lang}: {found.reason}), "
                f"not {self.source_lang} as --from says; drop --from to use the detected language, "
                f"or add --from-force if it really is {self.source_lang}"
            )
        return self.source_lang


def _mixed(reference: str, doc: Document, lang: str) -> str | None:
    """A warning when paragraphs of the article are plainly in another language than the one it is translated from."""
    _, counts = detect_article([block.text for block in doc.blocks if block.role != "language"])
    others = {other: n for other, n in counts.items() if other != lang}
    if not others:
        return None
    listed = ", ".join(f"{n} in {languages.english_name(other)} ({other})" for other, n in sorted(others.items()))
    return (
        f"warning: {reference}: mixes languages: {counts.get(lang, 0)} paragraphs in {languages.english_name(lang)} ({lang}), {listed}; "
        f"it is translated from {lang}, so the others go through the {lang} model: split the article, or check those paragraphs in review"
    )


@dataclass
class Resources:
    """What a job opens once and passes down: the MT engine, the TM, one glossary enforcer per language pair."""

    engine: Engine
    memory: Memory | None
    glossary: Glossary | None = None
    order_rules: Sequence[OrderRule] = ()
    drafts: Drafts | None = None  # the machine drafts written, kept for glossary suggest --from-reviews
    placeholders: FormLearning | None = None  # what each model does with placeholder forms, across runs
    _enforcers: dict[tuple[str, str], Enforcer | None] = field(default_factory=dict, repr=False)
    _figures: dict[tuple[str, str], FigureEnforcer] = field(default_factory=dict, repr=False)

    def enforcer(self, source_lang: str, target_lang: str) -> Enforcer | None:
        pair = (source_lang, target_lang)
        if pair not in self._enforcers:
            self._enforcers[pair] = Enforcer(self.glossary, source_lang, target_lang, self.order_rules) if self.glossary else None
        return self._enforcers[pair]

    def figure_enforcer(self, source_lang: str, target_lang: str, styles: Mapping[str, HouseStyle]) -> FigureEnforcer:
        """One per language pair and job: a house style is built once, not once per article (a watch burst has hundreds)."""
        pair = (source_lang, target_lang)
        if pair not in self._figures:
            self._figures[pair] = FigureEnforcer(source_lang, target_lang, styles)
        return self._figures[pair]


@contextmanager
def open_resources(settings: Settings, engine: Engine | None = None, mt_cache: Path | None = None) -> Iterator[Resources]:
    """Open the job's engine (behind the MT cache at *mt_cache*, if given) and TM; close them when the job ends.

    The TM is opened only if it exists: a build creates it.
    """
    chosen = engine or engines.create(str(settings.engine.get("name", "argos")), dict(settings.engine))
    with ExitStack() as stack:
        if mt_cache is not None:
            chosen = CachedEngine(chosen, mt_cache)
            stack.callback(chosen.close)
        memory = None
        if settings.memory_path is not None and tm.exists(settings.memory_path):
            memory = stack.enter_context(tm.open_memory(settings.memory_path))
        drafts = stack.enter_context(Drafts(settings.project.mt_cache))
        placeholders = FormLearning(stack.enter_context(FormHistory(settings.project.mt_cache)))
        yield Resources(chosen, memory, settings.glossary, settings.order_rules, drafts, placeholders)


@dataclass
class Pending:
    """An article drafted in one target language, waiting for MT and then for its files."""

    article: Article
    target_lang: str
    draft: Draft
    previous: Catalog
    seen: dict[Path, str | None] = field(default_factory=dict)  # each output file's content hash when it was read


def start(article: Article, target_lang: str, settings: Settings, resources: Resources) -> Pending:
    """Segment, merge with what reviewers already did, and list what MT must translate."""
    source_lang = article.source_lang
    seen = {path: file_digest(path) for path in settings.outputs(article, target_lang)}
    previous = _previous(settings.project, settings.project.existing_translation(article.path, target_lang), article, target_lang)
    units = collect_units(article.segments(), article.reference)
    # Drafts left as needing work, reviewed machine drafts and units with broken codes: is their text still the machine's?
    awaiting = [
        unit.source for unit in previous.by_source().values()
        if unit.target and (unit.state in (State.DRAFT, State.SUGGESTED) or unit.origin in (Origin.MT, Origin.TM_FUZZY) or unit.has_problem(CODES_DAMAGED))
    ]
    machine_drafts = resources.drafts.find(source_lang, target_lang, awaiting) if resources.drafts is not None and awaiting else {}
    drafted = prepare(
        units, previous.by_source(), source_lang, target_lang, resources.enforcer(source_lang, target_lang),
        resources.memory, settings.fuzzy_threshold, resources.figure_enforcer(source_lang, target_lang, settings.figure_styles), settings.risk,
        machine_drafts,
    )
    return Pending(article, target_lang, drafted, previous, seen)


def finish(pending: Pending, settings: Settings, resources: Resources | None = None) -> str:
    """Write the PO/XLIFF files of a drafted article; return the line that reports them.

    A reviewer may save the file (Poedit takes no lock) while MT runs: a file
    whose content changed since it was read is read again and what the
    reviewer changed wins over the draft; the check is repeated right before
    each rename, and a save in that last instant refuses the write instead.
    The machine drafts written are kept in *resources* for ``--from-reviews``.
    """
    paths = settings.outputs(pending.article, pending.target_lang)
    saved = 0
    for path in paths:
        if file_digest(path) != pending.seen.get(path):
            saved += _keep_reviewer_saves(pending, path)
    catalog = pending.previous.updated(pending.draft.units, pending.article.source_lang, pending.target_lang)
    datatype = xliff.DATATYPES.get(pending.article.doc.format, "plaintext")
    for fmt, path in zip(settings.formats, paths):
        with unless_changed(path, pending.seen.get(path)):
            exchange.write(path, catalog, pending.article.reference, fmt, datatype)
    if resources is not None:
        record_drafts(pending, resources)
    stats = pending.draft.stats
    return (
        f"{', '.join(relative_path(p) for p in paths)}: {stats.segments} segments, {stats.kept} reviewed kept, "
        + (f"{stats.needs_work_kept} reviewer's translations needing work kept, " if stats.needs_work_kept else "")
        + (f"{saved} saved by a reviewer during the run kept, " if saved else "")
        + (f"{stats.from_tm} from the TM, " if stats.from_tm else "")
        + (f"{stats.revised} revised (fuzzy, previous kept), " if stats.revised else "")
        + f"{stats.machine} machine drafts (fuzzy)"
        + (f", {stats.terms_enforced} glossary terms enforced" if settings.glossary else "")
        + (f", {stats.figures_enforced} figures in house style" if stats.figures_enforced else "")
        + (f", {stats.flagged} flagged for the reviewer" if stats.flagged else "")
    )


def record_drafts(pending: Pending, resources: Resources) -> None:
    """Keep the machine drafts and fuzzy TM suggestions an article's files were written with: to tell a
    reviewer's rewording from what the machine offered on the next run, and for ``glossary suggest --from-reviews``."""
    if resources.drafts is not None:
        drafted = [(unit.source, unit.target) for unit, _ in pending.draft.pending] + pending.draft.suggested
        resources.drafts.record(pending.article.source_lang, pending.target_lang, drafted)


def _keep_reviewer_saves(pending: Pending, path: Path) -> int:
    """Merge what a reviewer saved into *path* during the run into the draft (three-way, by source text).

    A unit the reviewer changed (translation, state or comment) since the run
    read the file replaces the draft's; units the article no longer has stay
    as obsolete entries; the saved file's header is kept. Returns how many
    units were the reviewer's.
    """
    digest = file_digest(path)
    if digest is None:  # deleted: nothing of the reviewer's to keep in it
        pending.seen[path] = None
        return 0
    try:
        theirs, _ = exchange.read(path)
    except TransflowError as err:
        raise TransflowError(f"{path}: was saved while this run was working on it and cannot be read now ({err}); it was left as saved; run again") from None
    base = {(unit.context, unit.source): unit for unit in pending.previous.units}
    ours = {unit.source: index for index, unit in enumerate(pending.draft.units)}
    taken = 0
    for unit in theirs.units:
        before = base.get((unit.context, unit.source))
        if before is not None and (before.target, before.state, before.translator_comment) == (unit.target, unit.state, unit.translator_comment):
            continue
        taken += 1
        if unit.context is None and unit.source in ours:
            draft_unit = pending.draft.units[ours[unit.source]]
            unit.codes, unit.occurrences, unit.block = draft_unit.codes, draft_unit.occurrences, draft_unit.block
            pending.draft.units[ours[unit.source]] = unit
    pending.previous = theirs
    pending.seen[path] = digest
    return taken


def translate_articles(
    paths: Sequence[Path], settings: Settings, guard: AbstractContextManager[Any] | None = None, engine: Engine | None = None
) -> Iterator[str]:
    """Write every article's PO (and/or XLIFF) file in every target language; yield a line per file.

    Each article is translated from its own language (detected, or ``--from``),
    never into it. Every article is read and every model checked before
    *guard* (the project lock) is taken, and every existing translation file
    is read and checked before the first file is written, so a bad input, a
    missing model or a file made from another language leaves nothing behind.
    MT runs once per language pair over the sentences of all the articles.
    """
    project = settings.project
    articles = [Article.load(path, settings) for path in paths]
    shared = project.refuse_shared_outputs(paths, settings.target_langs)
    if shared:
        raise UsageError(next(iter(shared.values())))
    pairs = list(dict.fromkeys((a.source_lang, t) for t in settings.target_langs for a in articles if t in settings.targets_of(a)))
    if not pairs:
        raise UsageError(
            f"nothing to translate: {', '.join(f'{a.reference} is {a.source_lang}' for a in articles)}; "
            "choose other languages with --to"
        )
    with open_resources(settings, engine) as resources:
        for source_lang, target_lang in pairs:
            resources.engine.check(source_lang, target_lang)
        for article in articles:
            if article.warning:
                yield article.warning
            if article.source_lang in settings.target_langs:
                yield f"{article.reference}: already in {article.source_lang}, not translated into it"
        with guard or nullcontext():
            pending = {
                pair: [start(a, pair[1], settings, resources) for a in articles if a.source_lang == pair[0] and pair[1] in settings.targets_of(a)]
                for pair in pairs
            }
            for items in pending.values():
                machine_translate([p.draft for p in items], resources.engine, resources.placeholders)
                for item in items:
                    yield finish(item, settings, resources)


def _previous(project: Project, path: Path | None, article: Article, target_lang: str) -> Catalog:
    """What reviewers already did: the article's PO or XLIFF file, if there is one.

    A file that belongs to another article (two articles whose names collide
    across runs) or that was made from another source language is refused,
    never merged into: its reviewed work would be lost.
    """
    if path is None:
        return Catalog([], article.source_lang, target_lang)
    catalog, _ = exchange.read(path)
    project.refuse_foreign(path, catalog, article.path)
    if catalog.source_language and languages.base(catalog.source_language) != article.source_lang:
        raise TransflowError(
            f"{relative_path(path)}: was made from {catalog.source_language} (X-Source-Language), but {article.reference} "
            f"is translated from {article.source_lang} now; the file is left as it is: check --from, or move the file away to start over"
        )
    return catalog


@dataclass
class Built:
    """A rendered article and what it was built from (for reporting and for the TM)."""

    result: BuildResult
    problems: list[str]
    order: list[str]  # the article's distinct segment texts in document order (TM neighbours)
    units: dict[str, Unit]
    source_lang: str
    doc: Document


def build_article(article_path: Path, translations: Path, target_lang: str, default_source_lang: str, include_fuzzy: bool) -> Built:
    """Render the article in *target_lang* from a PO or XLIFF file.

    Units whose inline codes a translator damaged are left out, even as drafts,
    unless the damage adds markup: that refuses the build like any other
    translation carrying markup its source does not have.
    """
    doc = parse_file(article_path)
    catalog, problems = exchange.read(translations)
    if catalog.language and catalog.language != languages.base(target_lang):
        raise TransflowError(f"{translations}: is a {catalog.language} file, not {target_lang}; give the {target_lang} file with --from")
    source_lang = catalog.source_language or default_source_lang
    segments = segments_of(doc, source_lang)
    codes = {seg.text: seg.codes for seg in segments}
    lines = {seg.text: seg.block.line for seg in segments}
    for unit in catalog.units:
        found = markup.foreign(unit.source, unit.target) if unit.has_problem(CODES_DAMAGED) and unit.source in lines else None
        if found is not None:
            raise refusal(relative_path(translations), lines[unit.source], unit.source, markup.MarkupError(found))
    usable = by_source(catalog.usable())
    for unit in usable.values():
        unit.codes = unit.codes or codes.get(unit.source, ())
    order = list(dict.fromkeys(seg.text for seg in segments))
    result = build(doc, usable, source_lang, target_lang, include_fuzzy, relative_path(translations))
    damaged = {unit.source for unit in catalog.units if unit.has_problem(CODES_DAMAGED)}
    result.missing = [(line, text, DAMAGED if text in damaged else why) for line, text, why in result.missing]
    return Built(result, problems, order, usable, source_lang, doc)


def learn(memory: Memory, built: Built, target_lang: str, article: str) -> int:
    """Store in the TM every reviewed translation the built article uses, with its neighbours."""
    order = built.order
    units = [
        TMUnit(
            built.source_lang, target_lang, text, built.units[text].target, "human", article,
            order[i - 1] if i else "", order[i + 1] if i + 1 < len(order) else "",
        )
        for i, text in enumerate(order)
        if text in built.units and built.units[text].reviewed and markup.foreign(text, built.units[text].target) is None
    ]
    return memory.add(units)


@dataclass(frozen=True)
class BuildOptions:
    """How ``build`` decides whether an article may be published: plain values."""

    default_source_lang: str
    include_fuzzy: bool = False
    force: bool = False
    min_translated: float = 80.0
    glossary: Glossary | None = None
    order_rules: Sequence[OrderRule] = ()
    qa_disabled: Sequence[str] = ()


@dataclass
class Published:
    """One build: what was used, what QA found, and why nothing was written if it was refused."""

    article: Path
    translations: Path
    output: Path
    built: Built
    qa_problems: list[Any]
    refused: str = ""
    learned: int = 0


def publish(
    article: Path, target_lang: str, translations: Path, output: Path, project: Project, options: BuildOptions, memory: Memory
) -> Published:
    """Build *article* in *target_lang* from *translations*, gate it on QA and the translated share,
    write it and teach the TM its reviewed sentences. A refusal writes nothing and says why."""
    built = build_article(article, translations, target_lang, options.default_source_lang, options.include_fuzzy)
    result = built.result
    name = relative_path(translations)
    used = [u for u in built.units.values() if buildable(u, options.include_fuzzy)]
    context = qa_context(built.source_lang, target_lang, options.glossary, options.order_rules)
    problems = qa.run(used, name, context, options.qa_disabled)
    problems += qa.consistency([(name, target_lang, used)], options.qa_disabled)
    published = Published(article, translations, output, built, problems)
    errors = [p for p in problems if p.severity == qa.ERROR]
    if errors and not options.force:
        published.refused = f"{len(errors)} QA errors in {name}; fix them, or build anyway with --force"
    elif result.percent < options.min_translated:
        published.refused = (
            f"{article}: only {result.translated} of {result.total} segments ({result.percent:.0f}%) are translated in {name}, "
            f"below {options.min_translated:g}%; review {name}, or use "
            + ("--min-translated" if options.include_fuzzy else "--include-fuzzy or --min-translated")
        )
    else:
        write_atomic(output, output_file(built.doc, result.text, target_lang))
        published.learned = learn(memory, built, target_lang, project.reference(article))
    return published


def qa_context(source_lang: str, target_lang: str, glossary: Glossary | None, order_rules: Sequence[OrderRule]) -> qa.Context:
    """What QA compares a translation with: the language pair and the glossary's enforcer for it."""
    return qa.Context(source_lang, target_lang, Enforcer(glossary, source_lang, target_lang, order_rules) if glossary else None)


def memory_units(path: Path, default_source_lang: str, project: Project) -> tuple[list[TMUnit], int]:
    """The translations a TMX file holds, or the reviewed units of a PO or XLIFF file, for ``tm import``;
    and how many were left out for carrying markup their source does not have (the TM never learns it)."""
    if not path.is_file():
        raise UsageError(f"{path}: no such file; give TMX, PO or XLIFF files")
    if path.suffix.lower() == ".tmx":
        units = list(tmx.read(path))
    else:
        catalog, _ = exchange.read(path)
        if not catalog.language:
            raise UsageError(f"{path}: names no target language (PO Language header / XLIFF target-language); set it and retry")
        source_lang = catalog.source_language or default_source_lang
        reference = project.reference(path)
        units = [TMUnit(source_lang, catalog.language, u.source, u.target, "human", reference) for u in catalog.units if u.reviewed]
    kept = [unit for unit in units if markup.foreign(unit.source, unit.target) is None]
    return kept, len(units) - len(kept)


def convert_file(source: Path, target: Path, xliff_format: str, cfg: Config) -> list[str]:
    """Convert one article's translations between PO and XLIFF; return the input's problems.

    XLIFF needs to know where the inline codes are: they are found by
    re-parsing the article the units refer to, when it is at hand.
    """
    suffix = target.suffix.lower() if not is_stdout(target) else ".xlf" if source.suffix.lower() == ".po" else ".po"
    if suffix != ".po" and suffix not in exchange.XLIFF_SUFFIXES:
        raise UsageError(f"{target}: write .po, .xlf or .xliff")
    if not is_stdout(target) and source.resolve() == target.resolve():
        raise UsageError(f"{target}: is the input file; give another output path")
    catalog, problems = exchange.read(source)
    reference, doc = attach_codes(catalog, cfg)
    datatype = xliff.DATATYPES.get(doc.format, "plaintext") if doc is not None else "plaintext"
    exchange.write(target, catalog, reference or source.name, "po" if suffix == ".po" else xliff_format, datatype)
    return problems


def attach_codes(catalog: Catalog, cfg: Config) -> tuple[str | None, Document | None]:
    """Give units read from a PO file the inline codes of their source, from the article they refer to.

    Returns the article reference and its Document (None when it is not at hand).
    """
    reference = next((path for unit in catalog.units for path, _ in unit.occurrences), None)
    if reference is None:
        return None, None
    article = next((p for p in (Path(reference), cfg.root / reference) if p.is_file()), None)
    if article is None:
        return reference, None
    doc = parse_file(article)
    codes = {seg.text: seg.codes for seg in segments_of(doc, catalog.source_language or cfg.source)}
    for unit in catalog.units + catalog.obsolete:
        unit.codes = unit.codes or codes.get(unit.source, ())
    return reference, doc
