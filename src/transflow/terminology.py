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
from .glossary import Entry, Glossary, Term
from .glossary.csvfile import write as write_csv
from .glossary.reviews import Reviewed, Substitution, learn
from .glossary.suggest import Candidate, suggest, without_codes
from .mtcache import Drafts
from .textio import relative_path
from .workflow import Article


def article_candidates(articles: Sequence[Article], glossary: Glossary | None, min_count: int) -> list[Candidate]:
    """Candidates per source language of *articles* (each in its own language); within each, those used
    in the most articles first, then the most frequent."""
    by_lang: dict[str, list[tuple[str, str]]] = {}
    for article in articles:
        sentences = by_lang.setdefault(article.source_lang, [])
        sentences += [(article.reference, without_codes(s.text, s.codes)) for s in article.segments() if s.translatable]
    found = []
    for lang, sentences in by_lang.items():
        for candidate in suggest(sentences, lang, glossary, min_count):
            candidate.lang = lang
            found.append(candidate)
    return found


def add_renderings(candidates: Sequence[Candidate], engine: engines.Engine, targets: Sequence[str]) -> None:
    """What the MT makes of each candidate on its own, per target language (one batch per language pair)."""
    for lang in dict.fromkeys(c.lang for c in candidates):
        group = [c for c in candidates if c.lang == lang]
        for target in targets:
            if target == lang or engine.origin(lang, target) is None:
                continue
            for candidate, rendering in zip(group, engine.translate([c.text for c in group], lang, target)):
                candidate.renderings[target] = rendering


def write_candidates(path: Path, candidates: Sequence[Candidate], targets: Sequence[str]) -> None:
    """The glossary's own CSV: the term in its language's column, empty cells for the other languages,
    its type; frequency, example and MT as information columns."""
    langs = list(dict.fromkeys([*(c.lang for c in candidates), *targets]))
    entries = [
        Entry({c.lang: [Term(c.text)]}, note=f"acronym {c.expansion}" if c.kind != "acronym" and c.expansion else c.expansion, kind=c.kind)
        for c in candidates
    ]
    info = [
        ("count", [str(c.count) for c in candidates]),
        ("articles", [str(c.articles) for c in candidates]),
        ("example", [c.example for c in candidates]),
    ]
    info += [(f"mt:{target}", [c.renderings.get(target, "") for c in candidates]) for target in targets]
    write_csv(Glossary(entries), path, langs, info)


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
