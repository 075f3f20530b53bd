"""The jobs a translator runs, stage by stage: translate (article → PO/XLIFF drafts),
build (reviewed file → article) and convert (PO ↔ XLIFF). ``batch`` reuses the
translate stages with its own scheduling.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import engines
from .build import BuildResult, build
from .document import Document, Segment, Unit
from .draft import Draft, collect_units, machine_translate, prepare
from .config import Config
from .errors import TransflowError, UsageError
from . import exchange
from .exchange import po, xliff
from .exchange.catalog import Catalog
from .formats import parse_file
from .glossary import Glossary
from .glossary.enforce import Enforcer, OrderRule
from . import memory as tm
from .memory import Memory, TMUnit
from .segment import segments_of
from .textio import relative_path


@dataclass
class Article:
    path: Path
    doc: Document
    reference: str
    _segments: dict[str, list[Segment]] = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, path: Path, root: Path) -> Article:
        return cls(path, parse_file(path), relative_path(path, root))

    def segments(self, lang: str) -> list[Segment]:
        """The article's segments, cut once however many target languages are drafted."""
        if lang not in self._segments:
            self._segments[lang] = segments_of(self.doc, lang)
        return self._segments[lang]


@dataclass
class Settings:
    """What a translate or batch run does, whichever articles it is given."""

    source: str
    targets: list[str]
    engine: dict[str, Any]
    locales: Path
    root: Path
    glossary: Glossary | None = None
    order_rules: Sequence[OrderRule] = ()
    formats: Sequence[str] = ("po",)
    memory_path: Path | str | None = None  # a file or a postgresql:// URL
    fuzzy_threshold: float = 75.0
    _memory: Memory | None = field(default=None, init=False, repr=False)

    def memory(self) -> Memory | None:
        """The translation memory, opened on first use; none until a build has created it."""
        if self._memory is None and self.memory_path is not None and tm.exists(self.memory_path):
            self._memory = tm.open_memory(self.memory_path)
        return self._memory

    def enforcer(self, target: str) -> Enforcer | None:
        return Enforcer(self.glossary, self.source, target, self.order_rules) if self.glossary else None

    def outputs(self, article: Article, target: str) -> list[Path]:
        return [self.locales / target / f"{article.path.stem}{exchange.FORMATS[fmt]}" for fmt in self.formats]


@dataclass
class Pending:
    """An article drafted in one target language, waiting for MT and then for its files."""

    article: Article
    target: str
    draft: Draft
    previous: Catalog


def start(article: Article, target: str, settings: Settings, enforcer: Enforcer | None) -> Pending:
    """Segment, merge with what reviewers already did, and list what MT must translate."""
    previous = _previous(settings.locales / target, article.path.stem, settings.source, target)
    units = collect_units(article.segments(settings.source), article.reference)
    drafted = prepare(units, previous.by_source(), settings.source, target, enforcer, settings.memory(), settings.fuzzy_threshold)
    return Pending(article, target, drafted, previous)


def finish(pending: Pending, settings: Settings) -> str:
    """Write the PO/XLIFF files of a drafted article; return the line that reports them."""
    catalog = pending.previous.updated(pending.draft.units, settings.source, pending.target)
    datatype = xliff.DATATYPES.get(pending.article.doc.format, "plaintext")
    paths = settings.outputs(pending.article, pending.target)
    for fmt, path in zip(settings.formats, paths):
        exchange.write(path, catalog, pending.article.reference, fmt, datatype)
    stats = pending.draft.stats
    return (
        f"{', '.join(relative_path(p) for p in paths)}: {stats.segments} segments, {stats.kept} reviewed kept, "
        + (f"{stats.from_tm} from the TM, " if stats.from_tm else "")
        + (f"{stats.revised} revised (fuzzy, previous kept), " if stats.revised else "")
        + f"{stats.machine} machine drafts (fuzzy)"
        + (f", {stats.terms_enforced} glossary terms enforced" if settings.glossary else "")
        + (f", {stats.flagged} flagged for the reviewer" if stats.flagged else "")
    )


def translate_articles(
    paths: Sequence[Path], settings: Settings, guard: AbstractContextManager[Any] | None = None
) -> Iterator[str]:
    """Write ``locales/<lang>/<stem>.po`` (and/or .xlf) for every article and target; yield a line per article.

    Every article is read and every model checked before *guard* (the project
    lock) is taken and the first file written, so a bad input or a missing
    model leaves nothing behind. MT runs once per language pair over the
    sentences of all the articles.
    """
    articles = [Article.load(path, settings.root) for path in paths]
    engine = engines.create(str(settings.engine.get("name", "argos")), settings.engine)
    for target in settings.targets:
        engine.check(settings.source, target)
    with guard or nullcontext():
        for target in settings.targets:
            enforcer = settings.enforcer(target)
            pending = [start(article, target, settings, enforcer) for article in articles]
            machine_translate([p.draft for p in pending], engine)
            for item in pending:
                yield finish(item, settings)


def _previous(folder: Path, stem: str, source: str, target: str) -> Catalog:
    """What reviewers already did: the PO file if there is one, else the XLIFF file."""
    po_path, xliff_path = folder / f"{stem}.po", folder / f"{stem}.xlf"
    if po_path.exists():
        return po.read(po_path)
    if xliff_path.exists():
        catalog, _ = xliff.read(xliff_path)
        catalog.units = catalog.usable()
        return catalog
    return Catalog([], source, target)


@dataclass
class Built:
    """A rendered article and what it was built from (for reporting and for the TM)."""

    result: BuildResult
    problems: list[str]
    order: list[str]  # the article's distinct segment texts in document order (TM neighbours)
    units: dict[str, Unit]
    source: str


def build_article(article_path: Path, translations: Path, target: str, default_source: str, include_fuzzy: bool) -> Built:
    """Render the article in *target* from a PO or XLIFF file.

    Units whose inline codes a translator damaged are left out, even as drafts.
    """
    doc = parse_file(article_path)
    catalog, problems = exchange.read(translations)
    if catalog.language and catalog.language != target:
        raise TransflowError(f"{translations}: is a {catalog.language} file, not {target}; give the {target} file with --from")
    source = catalog.source_language or default_source
    segments = segments_of(doc, source)
    codes = {seg.text: seg.codes for seg in segments}
    usable = {u.source: u for u in catalog.usable()}
    for unit in usable.values():
        unit.codes = unit.codes or codes.get(unit.source, ())
    order = list(dict.fromkeys(seg.text for seg in segments))
    return Built(build(doc, usable, source, target, include_fuzzy), problems, order, usable, source)


def learn(memory: Memory, built: Built, target: str, article: str) -> int:
    """Store in the TM every reviewed translation the built article uses, with its neighbours."""
    order = built.order
    units = [
        TMUnit(
            built.source, target, text, built.units[text].target, "human", article,
            order[i - 1] if i else "", order[i + 1] if i + 1 < len(order) else "",
        )
        for i, text in enumerate(order)
        if text in built.units and built.units[text].reviewed
    ]
    return memory.add(units)


def convert_file(source: Path, target: Path, xliff_format: str, cfg: Config) -> list[str]:
    """Convert one article's translations between PO and XLIFF; return the input's problems.

    XLIFF needs to know where the inline codes are: they are found by
    re-parsing the article the units refer to, when it is at hand.
    """
    suffix = target.suffix.lower()
    if suffix != ".po" and suffix not in exchange.XLIFF_SUFFIXES:
        raise UsageError(f"{target}: write .po, .xlf or .xliff")
    if source.resolve() == target.resolve():
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
