"""Language codes, names and conventions, from babel's CLDR data."""

from __future__ import annotations

from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.core import parse_locale
from babel.messages.plurals import get_plural

from .errors import UsageError

# Scripts written without spaces between sentences (or words).
_UNSPACED = {"ja", "zh", "th", "lo", "km", "my"}
# The newsroom's languages: house styles, sentence rules and detection exist for these.
SUPPORTED = ("en", "vi", "ja")


@lru_cache(maxsize=None)
def locale(code: str) -> Locale:
    """The babel Locale for *code*, or a UsageError naming the bad code."""
    try:
        return Locale.parse(code.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        raise UsageError(f"unknown language code {code!r}; use an ISO 639 code such as en, vi or ja") from None


def check(code: str) -> str:
    """The language a tag names, as transflow names languages: ``vi-VN``, ``ja_JP``, ``EN``, ``en-US`` → ``vi``, ``ja``, ``en``.

    Files, folders, models and house styles are per language, so a region,
    script or case variant (BCP 47 with ``-`` or POSIX with ``_``) is its
    language; a variant must not make a second ``locales/vi_VN/`` beside ``locales/vi/``.
    """
    text = code.strip()
    try:
        language = parse_locale(text.replace("-", "_"))[0].lower()
        return Locale(language).language
    except (UnknownLocaleError, ValueError, TypeError):
        raise UsageError(
            f"unknown language {text!r}; the supported languages are {', '.join(SUPPORTED)} "
            "(a region or case variant such as vi-VN, ja-JP or EN names one of them)"
        ) from None


def parse_list(value: str) -> list[str]:
    """Parse a comma-separated list of language codes (``vi,ja``), in order, without repeats."""
    parts = [part for part in value.split(",") if part.strip()]
    spaced_list = next((part for part in parts if len(part.split()) > 1), None)
    if spaced_list is not None:
        raise UsageError(f"{spaced_list.strip()!r}: separate languages with commas, e.g. --to {','.join(spaced_list.split())}")
    codes = [check(part) for part in parts]
    if not codes:
        raise UsageError("no target language given; use --to vi,ja")
    return list(dict.fromkeys(codes))


def base(code: str | None) -> str | None:
    """The language of a tag as files write it (``vi_VN``, ``vi-VN``, ``ja-JP``) → ``vi``, ``ja``.

    Translation files name a locale; transflow's languages are bare codes, so
    a ``Language: vi_VN`` PO is a ``vi`` file. An unknown tag is kept as it is.
    """
    if not code:
        return None
    try:
        return locale(code.strip()).language
    except UsageError:
        return code.strip()


def english_name(code: str) -> str:
    return locale(code).get_display_name("en") or code


def plural_forms(code: str) -> str:
    """The gettext Plural-Forms header value for *code*."""
    return get_plural(locale(code)).plural_forms


def spaced(code: str) -> bool:
    """Whether sentences in *code* are separated by spaces."""
    return locale(code).language not in _UNSPACED
