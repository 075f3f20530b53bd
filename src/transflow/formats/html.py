"""HTML articles from the newsroom CMS.

Byte-exact reassembly needs character offsets, which lxml's tree does not
keep (and its serializer rewrites quoting and entities), so the source is
tokenized with the standard library's HTMLParser, which reports where every
tag, text run and entity starts; it never resolves external entities nor
touches the network. Elements are rebuilt into a tree with HTML's optional
end tags implied (``<p>``, ``<li>``, ``<td>``…); anything else left open or
closed out of order is refused with the line to fix.

Translatable: the text of block elements (runs of text and inline elements
between block children), ``<title>``, ``alt``/``title`` attributes, the
description and Open Graph ``<meta>`` contents. Inline elements become
inline codes; ``script``, ``style``, ``pre``, ``code`` and anything marked
``translate="no"`` or ``class="notranslate"`` are left alone. The ``lang``
of ``<html>`` becomes the target language.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from ..document import Block, CodeKind, Document, InlineCode, InnerBlock
from ..errors import TransflowError

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}
INLINE = {
    "a", "abbr", "b", "bdi", "bdo", "br", "cite", "code", "data", "del", "dfn", "em", "font", "i", "img", "ins",
    "kbd", "label", "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var", "wbr",
}
SKIP = {"script", "style", "pre", "template", "textarea", "svg", "math", "iframe", "object", "noscript"}
OPAQUE_INLINE = {"code", "kbd", "samp", "var"}
NO_TEXT = {"#document", "html", "head", "table", "thead", "tbody", "tfoot", "tr", "ul", "ol", "dl", "colgroup", "select", "optgroup"}
OPTIONAL_END = {"p", "li", "dt", "dd", "td", "th", "tr", "thead", "tbody", "tfoot", "option", "optgroup", "colgroup", "caption", "rb", "rt", "rp", "html", "head", "body"}
CLOSES_P = {
    "address", "article", "aside", "blockquote", "details", "div", "dl", "fieldset", "figcaption", "figure", "footer",
    "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "main", "nav", "ol", "p", "pre", "section", "table", "ul",
}
IMPLIED_BY = {"li": {"li"}, "dt": {"dt", "dd"}, "dd": {"dt", "dd"}, "td": {"td", "th"}, "th": {"td", "th"}, "tr": {"tr"}, "option": {"option"}}
TRANSLATABLE_ATTRIBUTES = {"alt", "title"}
# Deeper nesting is refused: no article needs it, and the tree is walked recursively (Blink caps its DOM depth at 512).
MAX_DEPTH = 512
META_CONTENT = {("name", "description"), ("property", "og:title"), ("property", "og:description"), ("name", "twitter:title"), ("name", "twitter:description")}
_ATTRIBUTE = re.compile(r"""\s+([^\s"'>/=]+)(?:(\s*=\s*)(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")


@dataclass
class _Attribute:
    name: str
    value: str
    start: int
    end: int
    assignment: str
    assignment_start: int
    quoted: bool = True


@dataclass
class _Node:
    tag: str
    start: int
    start_end: int
    line: int
    attributes: list[_Attribute] = field(default_factory=list)
    children: list[_Node | _Token] = field(default_factory=list)
    end_start: int | None = None
    end: int | None = None

    def attribute(self, name: str) -> _Attribute | None:
        return next((a for a in self.attributes if a.name == name), None)

    @property
    def skipped(self) -> bool:
        marker = self.attribute("translate")
        classes = (self.attribute("class").value if self.attribute("class") else "").split()
        return self.tag in SKIP or (marker is not None and marker.value.lower() == "no") or "notranslate" in classes


@dataclass
class _Token:
    kind: str
    start: int
    end: int


class _Tokenizer(HTMLParser):
    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=False)
        self.source = source
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", source)]
        self.events: list[tuple] = []

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def _until(self, start: int, marker: str) -> int:
        at = self.source.find(marker, start)
        return len(self.source) if at < 0 else at + len(marker)

    def handle_starttag(self, tag, attrs):
        start = self._offset()
        self.events.append(("start", tag, start, start + len(self.get_starttag_text()), self.getpos()[0]))

    def handle_startendtag(self, tag, attrs):
        start = self._offset()
        self.events.append(("void", tag, start, start + len(self.get_starttag_text()), self.getpos()[0]))

    def handle_endtag(self, tag):
        start = self._offset()
        self.events.append(("end", tag, start, self._until(start, ">"), self.getpos()[0]))

    def handle_data(self, data):
        start = self._offset()
        self.events.append(("data", "", start, start + len(data), self.getpos()[0]))

    def _reference(self, name: str) -> None:
        start = self._offset()
        end = start + 1 + len(name)
        end += self.source.startswith(";", end)
        self.events.append(("entity", "", start, end, self.getpos()[0]))

    def handle_entityref(self, name):
        self._reference(name)

    def handle_charref(self, name):
        self._reference("#" + name)

    def handle_comment(self, data):
        start = self._offset()
        self.events.append(("comment", "", start, self._until(start, "-->"), self.getpos()[0]))

    def _markup(self, data) -> None:
        start = self._offset()
        self.events.append(("markup", "", start, self._until(start, ">"), self.getpos()[0]))

    handle_decl = handle_pi = unknown_decl = _markup


def _attributes(source: str, node: _Node) -> list[_Attribute]:
    raw = source[node.start : node.start_end]
    head = re.match(r"<[^\s/>]+", raw)
    found = []
    for match in _ATTRIBUTE.finditer(raw, head.end() if head else 0):
        group = next((g for g in (3, 4, 5) if match.group(g) is not None), None)
        if group is None:
            continue
        start, end = node.start + match.start(group), node.start + match.end(group)
        name_start = node.start + match.start(1)
        found.append(_Attribute(match.group(1).lower(), match.group(group), start, end, source[name_start : end + (group != 5)], name_start, group != 5))
    return found


def _tree(source: str) -> _Node:
    tokenizer = _Tokenizer(source)
    tokenizer.feed(source)
    tokenizer.close()
    root = _Node("#document", 0, 0, 1)
    stack = [root]

    def close(node: _Node, at: int, end: int | None = None) -> None:
        node.end_start, node.end = at, end if end is not None else at

    for kind, tag, start, end, line in tokenizer.events:
        if kind == "start" and tag not in VOID:
            if len(stack) > MAX_DEPTH:
                raise TransflowError(f"{line}: HTML nested deeper than {MAX_DEPTH} elements (browsers stop there too); flatten the markup")
            if tag in CLOSES_P and stack[-1].tag == "p":
                close(stack.pop(), start)
            implied = IMPLIED_BY.get(tag)
            if implied and stack[-1].tag in implied:
                close(stack.pop(), start)
            node = _Node(tag, start, end, line)
            node.attributes = _attributes(source, node)
            stack[-1].children.append(node)
            stack.append(node)
        elif kind in ("start", "void"):
            node = _Node(tag, start, end, line)
            node.attributes = _attributes(source, node)
            close(node, end)
            stack[-1].children.append(node)
        elif kind == "end":
            if tag in VOID:
                stack[-1].children.append(_Token("markup", start, end))
                continue
            if not any(n.tag == tag for n in stack[1:]):
                raise TransflowError(f"{line}: malformed HTML: </{tag}> closes nothing; remove it or add the opening tag")
            while stack[-1].tag != tag:
                node = stack.pop()
                if node.tag not in OPTIONAL_END:
                    raise TransflowError(f"{line}: malformed HTML: </{tag}> closes <{node.tag}> opened at line {node.line}; close <{node.tag}> first")
                close(node, start)
            close(stack.pop(), start, end)
        else:
            stack[-1].children.append(_Token(kind, start, end))
    for node in reversed(stack[1:]):
        if node.tag not in OPTIONAL_END:
            raise TransflowError(f"{node.line}: malformed HTML: <{node.tag}> is never closed; add </{node.tag}>")
        close(node, len(source))
    return root


class _Builder:
    def __init__(self, source: str) -> None:
        self.source = source
        self.blocks: list[tuple[int, int, Block]] = []
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", source)]

    def line(self, offset: int) -> int:
        lo, hi = 0, len(self.line_starts)
        while lo + 1 < hi:
            mid = (lo + hi) // 2
            if self.line_starts[mid] <= offset:
                lo = mid
            else:
                hi = mid
        return lo + 1

    def element(self, node: _Node) -> None:
        if node.skipped:
            return
        if node.tag == "html":
            self.language(node)
        self.attributes(node, inside_run=False)
        run: list[_Node | _Token] = []
        for child in node.children:
            if isinstance(child, _Node) and child.tag not in INLINE:
                self.run(node, run)
                run = []
                self.element(child)
            else:
                run.append(child)
        self.run(node, run)

    def language(self, node: _Node) -> None:
        lang = node.attribute("lang")
        if lang is not None:
            self.blocks.append((lang.start, lang.end, Block("language", node.line, lang.value, lang.value, role="language")))
        else:
            at = node.start + len(node.tag) + 1
            self.blocks.append((at, at, Block("language", node.line, "", "", encode="html-lang-attribute", role="language")))

    def attribute_block(self, node: _Node, attribute: _Attribute) -> Block | None:
        wanted = attribute.name in TRANSLATABLE_ATTRIBUTES
        if attribute.name == "content" and node.tag == "meta":
            wanted = any(node.attribute(key) and node.attribute(key).value.lower() == value for key, value in META_CONTENT)
        text = " ".join(html.unescape(attribute.value).split())
        if not wanted or not text:
            return None
        encode = "html-attribute" if attribute.quoted else "html-attribute-unquoted"
        return Block(f"{node.tag} {attribute.name}", self.line(attribute.start), attribute.value, text, encode=encode)

    def attributes(self, node: _Node, inside_run: bool) -> list[InnerBlock]:
        inner = []
        for attribute in node.attributes:
            block = self.attribute_block(node, attribute)
            if block is None:
                continue
            if inside_run:
                value_start = attribute.start - attribute.assignment_start
                inner.append(InnerBlock(block, attribute.assignment, value_start, value_start + len(attribute.value)))
            else:
                self.blocks.append((attribute.start, attribute.end, block))
        return inner

    def run(self, container: _Node, run: list[_Node | _Token]) -> None:
        if not run or container.tag in NO_TEXT:
            return
        collector = _RunText(self)
        for item in run:
            collector.add(item)
        text, codes, inner = collector.finish()
        if not any(ch.isalnum() for ch in _outside(text, codes)) and not inner:
            return
        start = run[0].start
        end = run[-1].end if isinstance(run[-1], _Token) else run[-1].end
        raw = self.source[start:end]
        lead = len(raw) - len(raw.lstrip())
        trail = len(raw.rstrip())
        start, end = start + lead, start + trail
        kind = "title" if container.tag == "title" else container.tag
        self.blocks.append((start, end, Block(kind, self.line(start), self.source[start:end], text, tuple(codes), inner=tuple(inner), syntax="html")))


class _RunText:
    """Folds a run of text and inline elements into display text with inline codes."""

    def __init__(self, builder: _Builder) -> None:
        self.builder = builder
        self.source = builder.source
        self.pieces: list[str] = []
        self.codes: list[InlineCode] = []
        self.inner: list[InnerBlock] = []
        self.length = 0
        self.pairs = 0
        self.space = False

    def emit_text(self, raw: str) -> None:
        for part in re.split(r"(\s+)", raw):
            if not part:
                continue
            if part.isspace():
                self.space = True
                continue
            if self.space and self.length:
                self.pieces.append(" ")
                self.length += 1
            self.space = False
            self.pieces.append(part)
            self.length += len(part)

    def emit_code(self, raw: str, kind: CodeKind, pair: int | None = None) -> None:
        if self.space and self.length:
            self.pieces.append(" ")
            self.length += 1
        self.space = False
        self.codes.append(InlineCode(self.length, self.length + len(raw), kind, pair))
        self.pieces.append(raw)
        self.length += len(raw)

    def add(self, item: _Node | _Token) -> None:
        if isinstance(item, _Token):
            raw = self.source[item.start : item.end]
            if item.kind == "data":
                self.emit_text(raw)
            else:  # comments and character references: MT never sees them, they come back as they were
                self.emit_code(raw, CodeKind.STANDALONE)
            return
        if item.skipped or item.tag in OPAQUE_INLINE or item.tag in VOID:
            if not item.skipped:
                self.inner.extend(self.builder.attributes(item, inside_run=True))
            self.emit_code(self.source[item.start : item.end], CodeKind.STANDALONE)
            return
        self.inner.extend(self.builder.attributes(item, inside_run=True))
        pair = self.pairs
        self.pairs += 1
        self.emit_code(self.source[item.start : item.start_end], CodeKind.OPEN, pair)
        for child in item.children:
            self.add(child)
        if item.end_start is not None and item.end is not None and item.end > item.end_start:
            self.emit_code(self.source[item.end_start : item.end], CodeKind.CLOSE, pair)

    def finish(self) -> tuple[str, list[InlineCode], list[InnerBlock]]:
        return "".join(self.pieces), self.codes, self.inner


def _outside(text: str, codes: list[InlineCode]) -> str:
    pieces, cursor = [], 0
    for code in codes:
        pieces.append(text[cursor : code.start])
        cursor = code.end
    pieces.append(text[cursor:])
    return "".join(pieces)


def encode_text(text: str, line_start: bool = False) -> str:
    """A translator's text as HTML text: references decoded, then ``& < >`` escaped, so none of it is markup."""
    return html.escape(html.unescape(text), quote=False)


def decode_text(text: str) -> str:
    """What a run of a translation displays as (its character references resolved)."""
    return html.unescape(text)


def parse(text: str) -> Document:
    root = _tree(text)
    builder = _Builder(text)
    builder.element(root)
    doc = Document("html")
    cursor = 0
    for start, end, block in sorted(builder.blocks, key=lambda item: (item[0], item[1])):
        doc.parts.append(text[cursor:start])
        doc.parts.append(block)
        cursor = end
    doc.parts.append(text[cursor:])
    return doc
