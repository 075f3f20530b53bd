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
from . import docx, html, markdown, ninjs, plaintext

PARSERS: dict[str, Callable[[str], Document]] = {
    ".txt": plaintext.parse,
    ".text": plaintext.parse,
    ".md": markdown.parse,
    ".markdown": markdown.parse,
    ".html": html.parse,
    ".htm": html.parse,
    ".json": ninjs.parse,  # JSON is read as an IPTC ninjs item only; anything else is refused by its content
}

# Formats that are not text: read from the file itself (a .docx is a zip).
READERS: dict[str, Callable[[Path], Document]] = {".docx": docx.read}
SUFFIXES = frozenset(PARSERS) | frozenset(READERS)


def parser_for(path: Path) -> Callable[[str], Document]:
    """The parser for *path*'s format, chosen by its extension."""
    try:
        return PARSERS[path.suffix.lower()]
    except KeyError:
        known = ", ".join(sorted(SUFFIXES))
        raise UsageError(f"{path}: unsupported article format {path.suffix or '(no extension)'!r}; use one of {known}") from None


def parse_file(path: Path) -> Document:
    """Read and parse the article at *path*; a parse error names the file (and line).

    A UTF-8 byte order mark is skeleton, not text: the format's own syntax
    (YAML front matter, a Markdown heading) starts after it. Every byte of
    the file must land in the Document (skeleton or block), or nothing is built.
    """
    if path.suffix.lower() in READERS:
        return READERS[path.suffix.lower()](path)
    parse = parser_for(path)
    text = read_text(path)
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    try:
        doc = parse(text[len(bom) :])
    except TransflowError as err:
        raise TransflowError(f"{path}:{err}") from None
    if bom:
        doc.parts.insert(0, bom)
    if doc.source() != text:
        raise TransflowError(f"{path}: transflow could not account for every part of this article, so it will not translate it; report it to the transflow maintainers")
    return doc


def output_file(doc: Document, built: str, target: str) -> str | bytes:
    """The file a build writes: *built* (the rendered Document) plus what the format adds for a translation."""
    if doc.format == "ninjs":
        return ninjs.finish(doc.source(), built, target)
    if isinstance(doc.package, docx.Package):
        return docx.write(doc.package, built, target)
    return built
