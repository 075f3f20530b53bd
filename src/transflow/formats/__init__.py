"""Article formats: each module turns source text into a Document.

Rendering is format-independent (Document.render), so a format only has to
cut its source into skeleton and Blocks without losing a byte.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..document import Document
from ..errors import UsageError
from . import markdown, plaintext

PARSERS: dict[str, Callable[[str], Document]] = {
    ".txt": plaintext.parse,
    ".text": plaintext.parse,
    ".md": markdown.parse,
    ".markdown": markdown.parse,
}


def parser_for(path: Path) -> Callable[[str], Document]:
    """The parser for *path*'s format, chosen by its extension."""
    try:
        return PARSERS[path.suffix.lower()]
    except KeyError:
        known = ", ".join(sorted(PARSERS))
        raise UsageError(f"{path}: unsupported article format {path.suffix or '(no extension)'!r}; use one of {known}") from None
