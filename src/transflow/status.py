"""``transflow status``: how far each article's translation is, like pocount.

Counts segments and source words per state: translated (reviewed), fuzzy
(drafts awaiting review) and untranslated. Words are counted as words in
spaced scripts and as characters in Japanese or Chinese, as translators quote
them.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from collections.abc import Sequence
from pathlib import Path

from . import exchange
from .languages import spaced
from .project import Project

_WORD = re.compile(r"\w+")


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

    def as_dict(self) -> dict:
        return asdict(self)


def words(text: str, lang: str) -> int:
    plain = re.sub(r"<[^>]*>|\[|\]\([^)]*\)|[*_`]", " ", text)
    if spaced(lang):
        return len(_WORD.findall(plain))
    return sum(1 for ch in plain if ch.isalnum())


def article_status(article: str, language: str, path: Path, default_source_lang: str) -> Status:
    catalog, _ = exchange.read(path)
    source_lang = catalog.source_language or default_source_lang
    units, source_words = catalog.counts(), catalog.counts(lambda unit: words(unit.source, source_lang))
    return Status(
        article, language, str(path),
        units.translated, units.fuzzy, units.untranslated,
        source_words.translated, source_words.fuzzy, source_words.untranslated,
    )


def project_status(project: Project, articles: Sequence[Path] | None, langs: Sequence[str], default_source_lang: str) -> list[Status]:
    """Status rows for *articles* (default: every translation file of the project), per language."""
    if articles is None:
        found = sorted(project.translations(langs), key=lambda row: (row[0], langs.index(row[1])))
    else:
        found = [
            (project.mirrored(article).with_suffix("").as_posix(), lang, path)
            for article in articles
            for lang in langs
            if (path := project.existing_translation(article, lang)) is not None
        ]
    return [article_status(name, lang, path, default_source_lang) for name, lang, path in found]
