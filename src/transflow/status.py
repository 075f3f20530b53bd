"""``transflow status``: how far each article's translation is, like pocount.

Counts segments and source words per state: translated (reviewed), fuzzy
(drafts awaiting review) and untranslated. Words are counted as words in
spaced scripts and as characters in Japanese or Chinese, as translators quote
them. ``--review`` weighs the words left by each draft's review risk (read
back from the file as data), so the desk starts where the risk is.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from collections.abc import Callable, Sequence
from typing import TypeVar
from pathlib import Path

from . import exchange
from .document import CODES_DAMAGED
from .errors import TransflowError
from .exchange.catalog import Catalog
from .languages import spaced
from .project import Project
from .risk import LOW, RiskSettings
from .textio import relative_path

_WORD = re.compile(r"\w+")
T = TypeVar("T")


@dataclass
class Status:
    article: str
    language: str
    file: str
    translated: int = 0
    fuzzy: int = 0
    untranslated: int = 0
    translated_words: int = 0
    fuzzy_words: int = 0
    untranslated_words: int = 0
    # Units the file marks done (Poedit counts them) whose inline codes were damaged: counted as fuzzy, never built.
    codes_damaged: int = 0
    source_missing: str = ""  # the article the file translates, when that file is gone
    error: str = ""  # why the file could not be read (the row counts nothing)

    def as_dict(self) -> dict:
        return asdict(self)


def words(text: str, lang: str) -> int:
    plain = re.sub(r"<[^>]*>|\[|\]\([^)]*\)|[*_`]", " ", text)
    if spaced(lang):
        return len(_WORD.findall(plain))
    return sum(1 for ch in plain if ch.isalnum())


def missing_source(project: Project, catalog: Catalog) -> str:
    """The article *catalog* translates (its ``#:`` references), when no such file exists any more; else ""."""
    owners = sorted({reference for unit in catalog.units for reference, _ in unit.occurrences})
    if owners and not any((project.root / reference).exists() for reference in owners):
        return owners[0]
    return ""


def cleanup_advice(project: Project, row: Status | ReviewLoad) -> str:
    """One line for a row whose article is gone: what is left of it and how to clean up."""
    built = project.built_article(project.root / row.source_missing, row.language)
    return (
        f"{row.article} ({row.language}): source {row.source_missing} is missing; restore it, or if the article was withdrawn "
        f"delete {relative_path(Path(row.file))}" + (f" and {relative_path(built)}" if built.exists() else "")
    )


def _owned(project: Project, name: str, path: Path) -> Catalog:
    """The catalogue of *path*, found under *name*; refused, as ``status ARTICLE`` refuses it, when it
    holds the translations of an article that is not *name* (a file copied or renamed by hand)."""
    catalog, _ = exchange.read(path)
    owners = {reference for unit in catalog.units for reference, _ in unit.occurrences}
    if owners and not any(_mirrors(project, reference) == name for reference in owners):
        raise TransflowError(
            f"{relative_path(path)}: holds the translations of {min(owners)}, not of {name}; "
            "move the file back to where that article's translations go, or delete it"
        )
    return catalog


def _mirrors(project: Project, reference: str) -> str | None:
    try:
        return project.mirrored(project.root / reference).with_suffix("").as_posix()
    except TransflowError:
        return None


def article_status(article: str, language: str, path: Path, default_source_lang: str, project: Project) -> Status:
    catalog = _owned(project, article, path)
    source_lang = catalog.source_language or default_source_lang
    units, source_words = catalog.counts(), catalog.counts(lambda unit: words(unit.source, source_lang))
    return Status(
        article, language, str(path),
        units.translated, units.fuzzy, units.untranslated,
        source_words.translated, source_words.fuzzy, source_words.untranslated,
        sum(unit.has_problem(CODES_DAMAGED) for unit in catalog.units),
        missing_source(project, catalog),
    )


def project_status(project: Project, articles: Sequence[Path] | None, langs: Sequence[str], default_source_lang: str) -> list[Status]:
    """Status rows for *articles* (default: every translation file of the project), per language.

    A file that cannot be read is one row carrying its error, so one damaged
    file never hides the others."""
    return [
        _or_error(lambda: article_status(name, lang, _owned_file(project, path, article, lang), default_source_lang, project), Status(name, lang, str(path)))
        for name, lang, path, article in _files(project, articles, langs)
    ]


def _or_error(count: Callable[[], T], empty: T) -> T:
    """*count*'s row, or *empty* carrying the one-line error that kept the file from being read."""
    try:
        return count()
    except TransflowError as err:
        empty.error = str(err)  # type: ignore[attr-defined]
        return empty


def _owned_file(project: Project, path: Path, article: Path | None, lang: str) -> Path:
    """*path*, refused when a named *article*'s file holds another article's translations (read per row, so
    one bad file is one row)."""
    if article is not None:
        project.owned_translation(article, lang)
    return path


def _files(project: Project, articles: Sequence[Path] | None, langs: Sequence[str]) -> list[tuple[str, str, Path, Path | None]]:
    """(article name, language, translation file, the article if named) for *articles* (default: every translation file of the project)."""
    if articles is None:
        found = [(*row, None) for row in sorted(project.translations(langs), key=lambda row: (row[0], langs.index(row[1])))]
    else:
        found = [
            (project.mirrored(article).with_suffix("").as_posix(), lang, path, article)
            for article in articles
            for lang in langs
            if (path := project.existing_translation(article, lang)) is not None  # read (and checked) per row
        ]
    return found


@dataclass
class ReviewLoad:
    """Review work left in one article and language: drafts by risk level, and the weighted work."""

    article: str
    language: str
    file: str
    high: int = 0
    medium: int = 0
    low: int = 0
    untranslated: int = 0
    words_left: int = 0
    work: float = 0.0
    source_missing: str = ""
    error: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def review_load(article: str, language: str, path: Path, default_source: str, risk: RiskSettings, project: Project) -> ReviewLoad:
    """Every entry not yet reviewed, counted by its risk level (a draft without one is low) and weighted per word."""
    catalog = _owned(project, article, path)
    source = catalog.source_language or default_source
    load = ReviewLoad(article, language, str(path), source_missing=missing_source(project, catalog))
    for unit in catalog.units:
        if unit.reviewed:
            continue
        level = "untranslated" if not unit.target else unit.risk.level if unit.risk is not None else LOW
        setattr(load, level, getattr(load, level) + 1)
        count = words(unit.source, source)
        load.words_left += count
        load.work += count * risk.work.get(level, 1.0)
    load.work = round(load.work, 1)
    return load


def project_review(
    project: Project, articles: Sequence[Path] | None, langs: Sequence[str], default_source_lang: str, risk: RiskSettings
) -> list[ReviewLoad]:
    """Review work left per article and language, high-risk drafts first, then the most weighted work."""
    loads = [
        _or_error(lambda: review_load(name, lang, _owned_file(project, path, article, lang), default_source_lang, risk, project), ReviewLoad(name, lang, str(path)))
        for name, lang, path, article in _files(project, articles, langs)
    ]
    return sorted(loads, key=lambda load: (-load.high, -load.work, -load.medium, load.article, load.language))

