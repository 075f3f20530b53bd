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
from .errors import TransflowError
from .exchange import po
from .formats import parser_for
from .glossary import Glossary
from .glossary.enforce import Enforcer, OrderRule
from .segment import segments_of
from .textio import read_text, relative_path


@dataclass
class Article:
    path: Path
    doc: Document
    reference: str

    @classmethod
    def load(cls, path: Path, root: Path) -> Article:
        parse = parser_for(path)
        doc = parse(read_text(path))
        return cls(path, doc, relative_path(path, root))


def translate_articles(
    paths: Sequence[Path],
    source: str,
    targets: Sequence[str],
    engine_settings: dict[str, Any],
    locales: Path,
    root: Path,
    glossary: Glossary | None = None,
    order_rules: Sequence[OrderRule] = (),
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
            path = locales / target / f"{article.path.stem}.po"
            previous = po.read(path) if path.exists() else po.Catalog([], source, target)
            units = collect_units(segments, article.reference)
            stats = draft(units, previous.by_source(), engine, source, target, enforcers.get(target))
            catalog = po.Catalog(
                units,
                source,
                target,
                previous.header,
                _obsolete(units, previous),
            )
            po.write(path, catalog, article.reference)
            yield (
                f"{relative_path(path)}: {stats.segments} segments, {stats.kept} reviewed kept, "
                f"{stats.machine} machine drafts (fuzzy)"
                + (f", {stats.terms_enforced} glossary terms enforced" if glossary else "")
                + (f", {stats.flagged} flagged for the reviewer" if stats.flagged else "")
            )


def _obsolete(units: list[Unit], previous: po.Catalog) -> list[Unit]:
    """Translations the article no longer uses: kept as obsolete entries, as msgmerge does."""
    current = {unit.source for unit in units}
    dropped = [unit for unit in previous.units if unit.source not in current and unit.target]
    return dropped + [unit for unit in previous.obsolete if unit.source not in current]


def build_article(article_path: Path, po_path: Path, target: str, default_source: str, include_fuzzy: bool) -> BuildResult:
    """Render the article in *target* from the PO file's translations."""
    doc = parser_for(article_path)(read_text(article_path))
    catalog = po.read(po_path)
    if catalog.language and catalog.language != target:
        raise TransflowError(f"{po_path}: is a {catalog.language} file, not {target}; give the {target} PO with --from")
    source = catalog.source_language or default_source
    return build(doc, catalog.by_source(), source, target, include_fuzzy)
