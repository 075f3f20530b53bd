"""``transflow status``: how far each article's translation is, like pocount.

Counts segments and source words per state: translated (reviewed), fuzzy
(drafts awaiting review) and untranslated. Words are counted as words in
spaced scripts and as characters in Japanese or Chinese, as translators quote
them.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from pathlib import Path

from . import exchange
from .languages import spaced

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


def article_status(article: str, language: str, path: Path, default_source: str) -> Status:
    catalog, _ = exchange.read(path)
    source = catalog.source_language or default_source
    status = Status(article, language, str(path))
    for unit in catalog.units:
        state = "translated" if unit.reviewed else "fuzzy" if unit.fuzzy and unit.target else "untranslated"
        setattr(status, state, getattr(status, state) + 1)
        setattr(status, f"{state}_words", getattr(status, f"{state}_words") + words(unit.source, source))
    return status
