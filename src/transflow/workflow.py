"""The two jobs a translator runs, stage by stage: translate (article → PO drafts) and build (PO → article)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import engines
from .build import BuildResult, build
from .document import Document, Unit
from .draft import collect_units, draft
from .config import Config
from .errors import TransflowError, UsageError
from . import exchange
from .exchange import po, xliff
from .formats import parse_file
from .glossary import Glossary
from .glossary.enforce import Enforcer, OrderRule
from .segment import segments_of
from .textio import relative_path


@dataclass
class Article:
    path: Path
    doc: Document
    reference: str

    @classmethod
    def load(cls, path: Path, root: Path) -> Article:
        return cls(path, parse_file(path), relative_path(path, root))


def translate_articles(
    paths: Sequence[Path],
    source: str,
    targets: Sequence[str],
    engine_settings: dict[str, Any],
    locales: Path,
    root: Path,
    glossary: Glossary | None = None,
    order_rules: Sequence[OrderRule] = (),
    formats: Sequence[str] = ("po",),
) -> Iterator[str]:
    """Write ``locales/<lang>/<stem>.po`` for every article and target; yield a line per file.

    Every article is read and every model checked before the first file is
    written, so a bad input or a missing model leaves nothing behind.
    """
    articles = [Article.load(path, root) for path in paths]
    engine = engines.create(str(engine_settings.get("name", "argos")), engine_settings)
    for target in targets:
        engine.check(source, target)
    enforcers = {target: Enforcer(glossary, source, target, order_rules) for target in targets} if glossary else {}
    for article in articles:
        segments = segments_of(article.doc, source)
        for target in targets:
            folder = locales / target
            paths = {fmt: folder / f"{article.path.stem}{exchange.FORMATS[fmt]}" for fmt in formats}
            previous = _previous(folder, article.path.stem, source, target)
            units = collect_units(segments, article.reference)
            stats = draft(units, previous.by_source(), engine, source, target, enforcers.get(target))
            catalog = po.Catalog(units, source, target, previous.header, _obsolete(units, previous))
            datatype = xliff.DATATYPES.get(article.doc.format, "plaintext")
            for fmt, path in paths.items():
                exchange.write(path, catalog, article.reference, fmt, datatype)
            yield (
                f"{', '.join(relative_path(p) for p in paths.values())}: {stats.segments} segments, {stats.kept} reviewed kept, "
                f"{stats.machine} machine drafts (fuzzy)"
                + (f", {stats.terms_enforced} glossary terms enforced" if glossary else "")
                + (f", {stats.flagged} flagged for the reviewer" if stats.flagged else "")
            )


def _previous(folder: Path, stem: str, source: str, target: str) -> po.Catalog:
    """What reviewers already did: the PO file if there is one, else the XLIFF file."""
    po_path, xliff_path = folder / f"{stem}.po", folder / f"{stem}.xlf"
    if po_path.exists():
        return po.read(po_path)
    if xliff_path.exists():
        catalog, _ = xliff.read(xliff_path)
        catalog.units = [u for u in catalog.units if xliff.DAMAGED not in u.notes]
        return catalog
    return po.Catalog([], source, target)


def _obsolete(units: list[Unit], previous: po.Catalog) -> list[Unit]:
    """Translations the article no longer uses: kept as obsolete entries, as msgmerge does."""
    current = {unit.source for unit in units}
    dropped = [unit for unit in previous.units if unit.source not in current and unit.target]
    return dropped + [unit for unit in previous.obsolete if unit.source not in current]


def build_article(
    article_path: Path, translations: Path, target: str, default_source: str, include_fuzzy: bool
) -> tuple[BuildResult, list[str]]:
    """Render the article in *target* from a PO or XLIFF file; also return the file's problems.

    Units whose inline codes a translator damaged are left out, even as drafts.
    """
    doc = parse_file(article_path)
    catalog, problems = exchange.read(translations)
    if catalog.language and catalog.language != target:
        raise TransflowError(f"{translations}: is a {catalog.language} file, not {target}; give the {target} file with --from")
    source = catalog.source_language or default_source
    usable = {u.source: u for u in catalog.units if xliff.DAMAGED not in u.notes}
    return build(doc, usable, source, target, include_fuzzy), problems


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
    reference = next((path for unit in catalog.units for path, _ in unit.occurrences), source.name)
    datatype = "plaintext"
    article = next((p for p in (Path(reference), cfg.root / reference) if p.is_file()), None)
    if suffix != ".po" and article is not None:
        doc = parse_file(article)
        datatype = xliff.DATATYPES.get(doc.format, "plaintext")
        codes = {seg.text: seg.codes for seg in segments_of(doc, catalog.source_language or cfg.source)}
        for unit in catalog.units + catalog.obsolete:
            unit.codes = unit.codes or codes.get(unit.source, ())
    exchange.write(target, catalog, reference, "po" if suffix == ".po" else xliff_format, datatype)
    return problems
