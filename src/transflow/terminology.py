"""The terminologist's jobs: candidate terms from the articles, and entries learnt from reviews,
written as a glossary CSV to complete and merge.

Candidates come with their frequency, one example sentence and what the MT
currently makes of them in each target language (each term translated on
its own, in one batch per language), so the terminologist sees at once
which names the model garbles.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from . import engines, exchange
from .errors import UsageError
from .formats import parse_file
from .glossary import Entry, Glossary, Term
from .glossary.csvfile import write as write_csv
from .glossary.reviews import Reviewed, Substitution, learn
from .glossary.suggest import Candidate, suggest, without_codes
from .mtcache import Drafts
from .project import Project
from .segment import segments_of
from .textio import relative_path


def article_candidates(paths: Sequence[Path], source: str, glossary: Glossary | None, min_count: int, project: Project) -> list[Candidate]:
    sentences = [
        (project.reference(path), without_codes(segment.text, segment.codes))
        for path in paths
        for segment in segments_of(parse_file(path), source)
        if segment.translatable
    ]
    return suggest(sentences, source, glossary, min_count)


def add_renderings(candidates: Sequence[Candidate], engine: engines.Engine, source: str, targets: Sequence[str]) -> None:
    """What the MT makes of each candidate on its own, per target language (one batch each)."""
    if engine.origin(source, targets[0] if targets else source) is None:
        return
    texts = [c.text for c in candidates]
    for target in targets:
        for candidate, rendering in zip(candidates, engine.translate(texts, source, target)):
            candidate.renderings[target] = rendering


def write_candidates(path: Path, candidates: Sequence[Candidate], source: str, targets: Sequence[str]) -> None:
    """The glossary's own CSV: the term, empty target cells, its type; frequency, example and MT as information."""
    entries = [
        Entry({source: [Term(c.text)]}, note=f"acronym {c.expansion}" if c.kind != "acronym" and c.expansion else c.expansion, kind=c.kind)
        for c in candidates
    ]
    info = [("count", [str(c.count) for c in candidates]), ("example", [c.example for c in candidates])]
    info += [(f"mt:{target}", [c.renderings.get(target, "") for c in candidates]) for target in targets]
    write_csv(Glossary(entries), path, [source, *targets], info)


def review_substitutions(locales: Path, drafts_path: Path, min_count: int) -> list[tuple[str, str, Substitution]]:
    """(source language, target language, substitution) learnt from every reviewed PO/XLIFF file under *locales*."""
    if not locales.is_dir():
        raise UsageError(f"{locales}: no such folder; give the folder of reviewed PO/XLIFF files (locales/)")
    if not drafts_path.is_file():
        raise UsageError(f"{drafts_path}: no machine drafts kept yet; they are recorded by 'transflow translate' and 'transflow batch'")
    files = sorted(p for p in locales.rglob("*") if p.suffix.lower() in (".po", ".xlf", ".xliff") and p.is_file())
    reviewed: dict[tuple[str, str], list[tuple[str, str, str]]] = {}
    for path in files:
        catalog, _ = exchange.read(path)
        if not catalog.source_language or not catalog.language:
            raise UsageError(f"{path}: names no source or target language (PO X-Source-Language/Language, XLIFF srcLang/trgLang); set them and retry")
        pair = (catalog.source_language, catalog.language)
        reviewed.setdefault(pair, []).extend((u.source, u.target, relative_path(path)) for u in catalog.units if u.reviewed)
    found = []
    with Drafts(drafts_path) as drafts:
        for (source, target), units in reviewed.items():
            machine = drafts.find(source, target, [text for text, _, _ in units])
            entries = [Reviewed(text, machine[text], done, where) for text, done, where in units if text in machine]
            found += [(source, target, s) for s in learn(entries, source, target, min_count)]
    return found


def write_substitutions(path: Path, found: Sequence[tuple[str, str, Substitution]]) -> None:
    """One entry per substitution, target filled with the reviewers' words; counts and an example as information."""
    langs = list(dict.fromkeys([lang for source, target, _ in found for lang in (source, target)]))
    entries = [
        Entry(
            {source: [Term(s.source)], target: [Term(s.reviewed)]},
            note=f"reviewers replaced the MT's '{s.machine}' in {s.count} of {s.seen} reviewed sentences",
        )
        for source, target, s in found
    ]
    info = [
        ("count", [str(s.count) for _, _, s in found]),
        ("example", [f"{s.examples[0].source} → {s.examples[0].target}" for _, _, s in found]),
    ]
    write_csv(Glossary(entries), path, langs, info)
