"""Language codes, names and conventions, from babel's CLDR data."""

from __future__ import annotations

from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.messages.plurals import get_plural

from .errors import UsageError

# Scripts written without spaces between sentences (or words).
_UNSPACED = {"ja", "zh", "th", "lo", "km", "my"}


@lru_cache(maxsize=None)
def locale(code: str) -> Locale:
    """The babel Locale for *code*, or a UsageError naming the bad code."""
    try:
        return Locale.parse(code.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        raise UsageError(f"unknown language code {code!r}; use an ISO 639 code such as en, vi or ja") from None


def check(code: str) -> str:
    """Validate *code* and return it in canonical form (``pt_BR`` style)."""
    return str(locale(code.strip()))


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
