"""Article formats: each module turns source text into a Document.

A parser's error message starts with the line number; ``parse_file`` puts
the file name in front of it.

Rendering is format-independent (Document.render), so a format only has to
cut its source into skeleton and Blocks without losing a byte.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..document import Document
from ..errors import TransflowError, UsageError
from ..textio import read_text
from . import html, markdown, plaintext

PARSERS: dict[str, Callable[[str], Document]] = {
    ".txt": plaintext.parse,
    ".text": plaintext.parse,
    ".md": markdown.parse,
    ".markdown": markdown.parse,
    ".html": html.parse,
    ".htm": html.parse,
}


def parser_for(path: Path) -> Callable[[str], Document]:
    """The parser for *path*'s format, chosen by its extension."""
    try:
        return PARSERS[path.suffix.lower()]
    except KeyError:
        known = ", ".join(sorted(PARSERS))
        raise UsageError(f"{path}: unsupported article format {path.suffix or '(no extension)'!r}; use one of {known}") from None


def parse_file(path: Path) -> Document:
    """Read and parse the article at *path*; a parse error names the file (and line)."""
    parse = parser_for(path)
    text = read_text(path)
    try:
        return parse(text)
    except TransflowError as err:
        raise TransflowError(f"{path}:{err}") from None
