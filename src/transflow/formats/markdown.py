"""Markdown articles (CommonMark, parsed by markdown-it-py) with YAML front matter.

markdown-it gives each leaf block its source lines and its inline tokens, but
not their offsets; this module aligns the tokens back onto the source so that
emphasis, links, images, inline code and inline HTML become InlineCodes at
exact positions. Translators see the raw Markdown of each sentence (as with
po4a), MT sees placeholders, and code blocks and HTML blocks stay skeleton.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass, field

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

from ..document import Block, CodeKind, Document, InlineCode, InnerBlock
from ..errors import TransflowError

_FRONT_MATTER_KEYS = ("title", "subtitle", "description", "summary")
_FRONT_MATTER_LINE = re.compile(rf"^({'|'.join(_FRONT_MATTER_KEYS)}):[ \t]+(\S.*?)[ \t]*$")
_BLOCK_SCALAR = re.compile(r"^[|>][+-]?$")
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_VOID_TAGS = {"br", "img", "wbr", "hr", "input", "meta", "link", "source"}
_LEAF_KINDS = {"heading_open", "paragraph_open", "th_open", "td_open"}
_CELL_KINDS = {"table-header", "table-cell"}
# CommonMark plus GFM tables, whose cells are translated one by one.
_PARSER = MarkdownIt("commonmark").enable("table")
# Lines as markdown-it counts them: only CR, LF and CRLF end a line (str.splitlines also
# splits at U+2028, U+0085, form feed… which would shift every later block).
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
# The title ending a link or image tail ``](destination "title")``, by its delimiter.
_TITLE = re.compile(r"""[ \t\r\n]+(?:"(?P<double>(?:\\.|[^"\\])*)"|'(?P<single>(?:\\.|[^'\\])*)'|\((?P<paren>(?:\\.|[^()\\])*)\))[ \t\r\n]*\)\Z""", re.S)


class AlignmentError(ValueError):
    """markdown-it's tokens could not be placed back onto the source text."""


def parse(text: str) -> Document:
    doc = Document("markdown")
    lines = _LINE.findall(text)
    body_start = _front_matter(lines, doc)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    cursor = offsets[body_start]
    containers: list[str] = []
    tokens = _PARSER.parse("".join(lines[body_start:]))
    _refuse_skipped_depth(tokens, body_start)
    for index, token in enumerate(tokens):
        if token.type.endswith("_open") and token.type not in _LEAF_KINDS:
            containers.append(token.type[: -len("_open")])
        elif token.type.endswith("_close") and containers and token.type[: -len("_close")] == containers[-1]:
            containers.pop()
        if token.type != "inline" or token.map is None or not token.content.strip():
            continue
        kind = _kind(tokens[index - 1], containers)
        first = body_start + token.map[0]
        located = _locate(token.content, lines, offsets, first, cursor, kind in _CELL_KINDS)
        if located is None:
            raise TransflowError(
                f"{first + 1}: cannot map this {kind} back onto the source text, so it cannot be translated safely; "
                "simplify its markup (or report it to the transflow maintainers)"
            )
        start, end = located
        doc.parts.append(text[cursor:start])
        doc.parts.append(_inline_block(kind, first + 1, text[start:end], token))
        cursor = end
    doc.parts.append(text[cursor:])
    return doc


def _refuse_skipped_depth(tokens: list[Token], body_start: int) -> None:
    """markdown-it skips whatever lies deeper than its nesting limit: refuse rather than leave it untranslated."""
    limit = _PARSER.options["maxNesting"]
    for token in tokens:
        if token.type in ("blockquote_open", "list_item_open") and token.level + 1 >= limit and token.map is not None:
            raise TransflowError(
                f"{body_start + token.map[0] + 1}: Markdown nested too deep (quotes and lists inside each other, {limit} levels at most); "
                "flatten it so that no text is left untranslated"
            )


def _kind(opener: Token, containers: list[str]) -> str:
    """The block kind of a leaf: heading level, table cell, or the container it sits in."""
    if opener.type == "heading_open":
        return f"heading{opener.tag[1:]}"
    if opener.type in ("th_open", "td_open"):
        return "table-header" if opener.type == "th_open" else "table-cell"
    if "list_item" in containers:
        return "list-item"
    if "blockquote" in containers:
        return "quote"
    return "paragraph"


def _front_matter(lines: list[str], doc: Document) -> int:
    """Add the front matter's skeleton and translatable values to *doc*; return the body's first line."""
    if not lines or lines[0].rstrip("\r\n") != "---":
        return 0
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip("\r\n") in ("---", "...")), None)
    if end is None:
        return 0
    doc.parts.append(lines[0])
    i = 1
    while i < end:
        line = lines[i]
        match = _FRONT_MATTER_LINE.match(line.rstrip("\r\n"))
        if match is None:
            doc.parts.append(line)
            i += 1
            continue
        key, value = match.groups()
        if _BLOCK_SCALAR.match(value):
            i = _block_scalar(lines, i, end, key, doc)
            continue
        decoded = _yaml_string(value)
        if decoded is None:
            doc.parts.append(line)
        else:
            doc.parts.extend(
                [line[: match.start(2)], Block(f"front-matter {key}", i + 1, value, decoded, encode="yaml"), line[match.end(2) :]]
            )
        i += 1
    doc.parts.append(lines[end])
    return end + 1


def _block_scalar(lines: list[str], i: int, end: int, key: str, doc: Document) -> int:
    """A ``key: >`` value spans the indented lines after it; a translation is written as one line."""
    doc.parts.append(lines[i])
    j = i + 1
    while j < end and (lines[j].startswith((" ", "\t")) or not lines[j].strip()):
        j += 1
    while j > i + 1 and not lines[j - 1].strip():
        j -= 1
    if j == i + 1:
        return j
    chunk = "".join(lines[i + 1 : j])
    lead = len(chunk) - len(chunk.lstrip())
    body = chunk.rstrip()
    raw = body[lead:]
    text = " ".join(part.strip() for part in raw.splitlines())
    doc.parts.extend([chunk[:lead], Block(f"front-matter {key}", i + 2, raw, text, encode="yaml-folded"), chunk[len(body) :]])
    return j


def _yaml_string(value: str) -> str | None:
    try:
        loaded = yaml.safe_load(f"v: {value}")
    except yaml.YAMLError:
        return None
    result = loaded.get("v") if isinstance(loaded, dict) else None
    return result if isinstance(result, str) and result.strip() else None


def _locate(content: str, lines: list[str], offsets: list[int], first: int, cursor: int, cell: bool) -> tuple[int, int] | None:
    """The file span of a leaf block's *content*, whose lines start at line index *first*, at or after *cursor*.

    markdown-it strips container prefixes and indentation from each line; a
    table cell's content has its escaped pipes unescaped.
    """
    content_lines = content.split("\n")
    if first + len(content_lines) > len(lines):
        return None
    spans = []
    for n, piece in enumerate(content_lines):
        line_start = offsets[first + n]
        line = lines[first + n].rstrip("\r\n")
        low = max(0, cursor - line_start)
        if cell:
            pattern = "".join(r"\\?\|" if ch == "|" else re.escape(ch) for ch in piece)
            match = re.compile(pattern).search(line, low)
            at, size = (match.start(), match.end() - match.start()) if match else (-1, 0)
        else:
            piece = piece if line.find(piece, low) >= 0 else piece.lstrip()
            at, size = line.find(piece, low), len(piece)
        if at < 0:
            return None
        spans.append((line_start + at, line_start + at + size))
    return spans[0][0], spans[-1][1]


def _inline_block(kind: str, line: int, raw: str, token: Token) -> Block:
    content = token.content
    encode = "markdown-table-cell" if kind in _CELL_KINDS else "verbatim"
    try:
        aligner = _Aligner(content)
        aligner.walk(token.children or [])
        aligner.finish()
        titles = tuple(_title_block(line, *title) for title in dict.fromkeys(aligner.titles))
        return Block(kind, line, raw, "".join(aligner.pieces), tuple(aligner.codes), encode=encode, syntax="markdown", inner=titles)
    except AlignmentError:
        return Block(kind, line, raw, re.sub(r"[ \t]*\n[ \t]*", " ", content), encode=encode, syntax="markdown")


def _title_block(line: int, kind: str, lines_before: int, tail: str, delimiter: str, start: int, end: int) -> InnerBlock:
    """A link or image title as a block of its own inside the tail code that holds it (as HTML's ``title``
    attribute): translated on its own, written back between the same delimiters."""
    text = " ".join(decode_text(tail[start:end]).split())
    return InnerBlock(Block(kind, line + lines_before, tail[start:end], text, encode=f"markdown-title-{delimiter}"), tail, start, end)


@dataclass
class _Aligner:
    """Walks inline tokens along the source, emitting display text and code spans."""

    source: str
    pos: int = 0
    pieces: list[str] = field(default_factory=list)
    codes: list[InlineCode] = field(default_factory=list)
    length: int = 0
    pairs: int = 0
    html_stack: list[tuple[str, int]] = field(default_factory=list)
    image_starts_line: bool = False
    # (block kind, lines before it, tail code, delimiter, title start, title end in the tail) per titled link or image
    titles: list[tuple[str, int, str, str, int, int]] = field(default_factory=list)

    def walk(self, tokens: list[Token]) -> None:
        stack: list[int] = []
        links: list[Token] = []
        i = 0
        while i < len(tokens):
            token = tokens[i]
            kind = token.type
            if kind == "text":
                self._text(token.content)
            elif kind == "softbreak" and i > 0 and tokens[i - 1].type == "image" and self.image_starts_line:
                # An image line and its caption line: the line break is layout, kept as a code, not folded.
                self._code(self._match(r"[ \t]*\n[ \t]*"), CodeKind.STANDALONE)
            elif kind == "softbreak":
                self._softbreak()
            elif kind == "hardbreak":
                self._code(self._match(r"(?:\\| {2,}|\t)[ \t]*\n[ \t]*"), CodeKind.STANDALONE)
            elif kind == "code_inline":
                fence = re.escape(token.markup)
                self._code(self._match(rf"{fence}.*?(?<!`){fence}(?!`)", re.S), CodeKind.STANDALONE)
            elif kind == "html_inline":
                self._html(token.content)
            elif kind.endswith("_open") and kind != "link_open" or kind == "link_open" and token.markup != "autolink":
                pair = self._new_pair()
                stack.append(pair)
                if kind == "link_open":
                    links.append(token)
                self._code(self._expect("[" if kind == "link_open" else token.markup), CodeKind.OPEN, pair)
            elif kind == "link_open":
                i = self._autolink(tokens, i)
            elif kind == "link_close":
                self._code(self._link_tail("link title", links.pop().attrs.get("title")), CodeKind.CLOSE, stack.pop())
            elif kind.endswith("_close"):
                self._code(self._expect(token.markup), CodeKind.CLOSE, stack.pop())
            elif kind == "image":
                pair = self._new_pair()
                self.image_starts_line = not self.source[self.source.rfind("\n", 0, self.pos) + 1 : self.pos].strip()
                self._code(self._expect("!["), CodeKind.OPEN, pair)
                self.walk(token.children or [])
                self._code(self._link_tail("image title", token.attrs.get("title")), CodeKind.CLOSE, pair)
            else:
                raise AlignmentError(kind)
            i += 1

    def finish(self) -> None:
        if self.source[self.pos :].strip():
            raise AlignmentError("unconsumed source")

    def _new_pair(self) -> int:
        self.pairs += 1
        return self.pairs - 1

    def _emit(self, raw: str) -> None:
        self.pieces.append(raw)
        self.length += len(raw)

    def _code(self, raw: str, kind: CodeKind, pair: int | None = None) -> None:
        self.codes.append(InlineCode(self.length, self.length + len(raw), kind, pair))
        self._emit(raw)

    def _expect(self, literal: str) -> str:
        if not self.source.startswith(literal, self.pos):
            raise AlignmentError(literal)
        self.pos += len(literal)
        return literal

    def _match(self, pattern: str, flags: int = 0) -> str:
        match = re.compile(pattern, flags).match(self.source, self.pos)
        if match is None:
            raise AlignmentError(pattern)
        self.pos = match.end()
        return match.group(0)

    def _softbreak(self) -> None:
        self._match(r"[ \t]*\n[ \t]*")
        self._emit(" ")

    def _text(self, text: str) -> None:
        src, start = self.source, self.pos
        p = start
        for ch in text:
            while True:
                if p + 1 < len(src) and src[p] == "\\" and src[p + 1] == ch and ch.isascii() and not ch.isalnum():
                    p += 2
                elif p < len(src) and src[p] == "&" and (entity := _ENTITY.match(src, p)) and html.unescape(entity.group(0)) == ch:
                    p = entity.end()
                elif p < len(src) and src[p] == ch:
                    p += 1
                elif p < len(src) and src[p] in " \t" and ch not in " \t":
                    p += 1
                    continue
                else:
                    raise AlignmentError(text)
                break
        self.pos = p
        self._emit(src[start:p])

    def _html(self, raw: str) -> None:
        """Inline HTML pairs by tag name; void elements, comments and strays stand alone."""
        self._expect(raw)
        name = re.match(r"</?([A-Za-z][A-Za-z0-9-]*)", raw)
        tag = name.group(1).lower() if name else ""
        if raw.startswith("</") and self.html_stack and self.html_stack[-1][0] == tag:
            self._code(raw, CodeKind.CLOSE, self.html_stack.pop()[1])
        elif raw.startswith("<") and not raw.startswith(("</", "<!", "<?")) and not raw.endswith("/>") and tag not in _VOID_TAGS:
            pair = self._new_pair()
            self.html_stack.append((tag, pair))
            self._code(raw, CodeKind.OPEN, pair)
        else:
            self._code(raw, CodeKind.STANDALONE)

    def _autolink(self, tokens: list[Token], i: int) -> int:
        self._code(self._match(r"<[^<>\s]*>"), CodeKind.STANDALONE)
        while tokens[i].type != "link_close":
            i += 1
        return i

    def _link_tail(self, kind: str, title: object = None) -> str:
        """The ``](destination "title")``, ``][label]`` or ``]`` that closes a link or image; its title, if
        markdown-it found one, is noted as a block of *kind*."""
        src, start = self.source, self.pos
        self._expect("]")
        if src.startswith("(", self.pos):
            depth, p = 0, self.pos
            while p < len(src):
                if src[p] == "\\":
                    p += 2
                    continue
                depth += (src[p] == "(") - (src[p] == ")")
                p += 1
                if depth == 0:
                    break
            if depth:
                raise AlignmentError("link destination")
            self.pos = p
        elif src.startswith("[", self.pos):
            self._match(r"\[(?:\\.|[^\]\\])*\]")
        tail = src[start : self.pos]
        found = _TITLE.search(tail) if title else None
        if found is not None and found.lastgroup is not None:
            self.titles.append((kind, src.count("\n", 0, start), tail, found.lastgroup, found.start(found.lastgroup), found.end(found.lastgroup)))
        return tail


# Translations as Markdown text --------------------------------------------------------------

_DECODE = re.compile(r"\\([!-/:-@\[-`{-~])|(" + _ENTITY.pattern + ")")
_ACTIVE = re.compile(r"[\\`*_\[\]<>&~]")
_LINE_START = re.compile(r"^(?:[#+=|-]|\d{1,9}(?=[.)]))")


def decode_text(text: str) -> str:
    """What a run of a translation displays as: backslash escapes and entity references resolved."""
    return _DECODE.sub(lambda m: m.group(1) or html.unescape(m.group(2)), text)


def encode_text(text: str, line_start: bool = False) -> str:
    """A translator's text as Markdown that displays exactly that text and is never markup.

    Line breaks become spaces (a blank line would start a new block); every
    character that can open inline syntax is backslash-escaped; at the start of
    a line, what would open a heading, list, quote or table is escaped too.
    """
    text = _ACTIVE.sub(lambda m: "\\" + m.group(0), re.sub(r"[\r\n]+", " ", decode_text(text)))
    if line_start:
        text = text.lstrip(" \t")
        match = _LINE_START.match(text)
        if match:
            at = match.end() if match.group(0)[0].isdigit() else 0
            text = text[:at] + "\\" + text[at:]
    return text


def elements(text: str) -> Counter:
    """The elements (with their attributes) that *text* makes as Markdown, block-level ones included:
    a code placed at the start of a line can open a list or a rule."""
    found: Counter = Counter()

    def walk(tokens: list[Token]) -> None:
        for token in tokens:
            if token.type in ("text", "softbreak", "inline") or token.nesting == -1:
                walk(token.children or [])
                continue
            if token.type in ("html_inline", "html_block"):
                found[("html", " ".join(token.content.split()))] += not token.content.startswith("</")
                continue
            attrs = tuple(sorted((k, str(v)) for k, v in (token.attrs or {}).items() if k != "alt"))
            found[(token.tag or token.type, attrs)] += 1
            walk(token.children or [])

    walk(_PARSER.parse(text))
    return +found
