"""Word documents (.docx, WordprocessingML): paragraphs of the body, tables, headers, footers, footnotes, endnotes and comments.

A .docx is a zip of XML parts. The parts that hold text are cut, byte for
byte, into skeleton and one Block per paragraph; the Document's text is those
parts joined by NUL (a character XML cannot hold), and ``package`` names the
archive and its digest, so a build writes every other member back untouched
(and refuses if the file changed meanwhile).

lxml checks each part (safely: no entities, no network) but keeps no
character offsets, so the part is tokenized here with a regex, as the HTML
format does with HTMLParser. A paragraph's runs are read the way Okapi's
OpenXML filter and python-docx see them: text in ``w:t``; formatting in each
run's ``w:rPr``. Runs whose formatting differs only by spell-check and
revision noise (``w:proofErr``, ``w:rsid*``, ``w:lang``, ``w:noProof``) are
one piece of text, so a sentence is never cut by it. What is left becomes
short inline codes that translators can read and move: ``<b1>…</b1>`` for
bold (``i`` italic, ``u`` underline, ``s`` strike, ``sup``/``sub``, ``g``
other formatting), ``<a2>…</a2>`` for a link, ``<fld3>…</fld3>`` for a field
with its shown text, ``<fn4/>`` a footnote mark, ``<tab5/>``, ``<br6/>``,
``<img7/>``, ``<x8/>`` anything else. Each code stands for exact source
markup; a translated paragraph is rewritten from them as plain runs
(``ParagraphWriter``), an untouched one is its source bytes.

Refused: tracked changes (accept or reject them in Word first), parts that are
not UTF-8 XML, and archives outside the limits model bundles are held to.
Text boxes and drawings are carried untranslated inside their code.
"""

from __future__ import annotations

import hashlib
import html
import io
import re
import stat
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from xml.sax.saxutils import escape, unescape

from .. import archives, xmlsafe
from ..document import Block, CodeKind, Document, InlineCode, InnerBlock
from ..errors import TransflowError, UsageError

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
MAIN = R + "/officeDocument"
PARTS = {"header": "header", "footer": "footer", "footnotes": "footnote", "endnotes": "endnote", "comments": "comment"}
# A .docx is held to the limits of a model bundle, tighter where a document never comes near them.
LIMITS = archives.Limits(members=5_000, member_bytes=256 << 20, total_bytes=1 << 30, ratio=200.0)
MAX_FILE = 512 << 20
SEPARATOR = "\x00"
FIX = "save the document again from Word or LibreOffice"

_TOKEN = re.compile(
    r"<!--.*?-->|<\?.*?\?>|<!\[CDATA\[.*?\]\]>|<![^>]*>"
    r"|<(/?)([^\s/>]+)((?:\s+[^\s=/>]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*)\s*(/?)>",
    re.S,
)
_ATTRIBUTE = re.compile(r"""([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
# Word's noise: what two runs may differ by and still be one piece of text.
_NOISE = re.compile(r"<w:lang\b[^>]*/>|<w:noProof\b[^>]*/>|\s+w:rsid\w*=\"[^\"]*\"|<w:rFonts w:hint=\"[^\"]*\"/>")
_DESCRIPTION = re.compile(r'(?<=\s)descr="([^"<]*)"')
_LANGUAGE = re.compile(r"<w:lang\b[^>]*/>")
_ZERO_WIDTH = {"bookmarkStart", "bookmarkEnd", "commentRangeStart", "commentRangeEnd", "permStart", "permEnd"}
_DROPPED = {"proofErr", "lastRenderedPageBreak"}
_TRACKED = {"ins", "del", "moveFrom", "moveTo"}
_STANDALONE_NAMES = {
    "tab": "tab", "ptab": "tab", "br": "br", "cr": "br", "footnoteReference": "fn", "endnoteReference": "en",
    "commentReference": "c", "annotationRef": "c", "footnoteRef": "fn", "endnoteRef": "en", "drawing": "img", "pict": "img", "object": "img", "fldSimple": "fld",
    "bookmarkStart": "bm", "bookmarkEnd": "bm", "commentRangeStart": "cm", "commentRangeEnd": "cm",
}


@dataclass
class _El:
    """An element and where it is in the part's text; ``children`` holds elements and text spans."""

    name: str  # {namespace}local
    start: int
    start_end: int
    end_start: int = -1
    end: int = -1
    attributes: dict[str, str] = field(default_factory=dict)
    children: list[_El | tuple[int, int]] = field(default_factory=list)

    @property
    def local(self) -> str:
        return self.name.rsplit("}", 1)[-1]

    def is_w(self, local: str) -> bool:
        return self.name == f"{{{W}}}{local}"

    def elements(self) -> list[_El]:
        return [child for child in self.children if isinstance(child, _El)]

    def child(self, local: str) -> _El | None:
        return next((c for c in self.elements() if c.is_w(local)), None)

    def holds_runs(self) -> bool:
        return any(c.is_w("r") or c.holds_runs() for c in self.elements())


def _tree(xml: str) -> _El:
    root = _El("#document", 0, 0)
    stack: list[tuple[_El, dict[str, str]]] = [(root, {"xml": "http://www.w3.org/XML/1998/namespace"})]
    cursor = 0
    for match in _TOKEN.finditer(xml):
        if match.start() > cursor:
            stack[-1][0].children.append((cursor, match.start()))
        cursor = match.end()
        closing, qname, attrs, empty = match.group(1), match.group(2), match.group(3), match.group(4)
        if qname is None:  # comment, processing instruction, declaration
            continue
        if closing:
            element, _ = stack.pop()
            element.end_start, element.end = match.start(), match.end()
            continue
        namespaces = dict(stack[-1][1])
        attributes = {}
        for attribute in _ATTRIBUTE.finditer(attrs or ""):
            name, value = attribute.group(1), attribute.group(2) if attribute.group(2) is not None else attribute.group(3)
            if name == "xmlns":
                namespaces[""] = unescape(value)
            elif name.startswith("xmlns:"):
                namespaces[name[6:]] = unescape(value)
            attributes[name] = unescape(value, {"&quot;": '"', "&apos;": "'"})
        prefix, _, local = qname.rpartition(":")
        element = _El(f"{{{namespaces.get(prefix, '')}}}{local}", match.start(), match.end(), attributes=attributes)
        stack[-1][0].children.append(element)
        if empty:
            element.end_start, element.end = match.end(), match.end()
        else:
            stack.append((element, namespaces))
    return root


@dataclass(frozen=True)
class _Code:
    kind: str  # open, close (formatting); open-link, close-link (a link, field or other wrapper); standalone
    xml: str = ""  # the exact markup it stands for (nothing for formatting)
    properties: str = ""  # the run properties of the text it opens


@dataclass(frozen=True)
class ParagraphWriter:
    """Writes a translated paragraph back as runs: text in the formatting its codes say, every code's markup kept.

    Whatever a translator did to the codes (moved, dropped, unbalanced), the
    result is well-formed: a closing code without its opening is ignored, and
    what is left open at the end is closed.
    """

    base: str  # the run properties of text outside any formatting code
    codes: tuple[tuple[str, _Code], ...]
    pairs: tuple[tuple[str, str], ...]  # closing code, its opening code

    def __call__(self, text: str) -> str:
        table = dict(self.codes)
        opening_of = dict(self.pairs)
        closing_of = {opening: closing for closing, opening in self.pairs}
        out: list[str] = []
        stack: list[tuple[str, str, str]] = []  # (opening code, run properties inside, markup that closes it)

        def write(piece: str) -> None:
            if piece:
                properties = _LANGUAGE.sub("", stack[-1][1] if stack else self.base)
                out.append(f'<w:r>{properties}<w:t xml:space="preserve">{escape(piece)}</w:t></w:r>')

        cursor = 0
        pattern = re.compile("|".join(re.escape(code) for code in sorted(table, key=len, reverse=True))) if table else None
        for match in pattern.finditer(text) if pattern else ():
            write(text[cursor : match.start()])
            cursor = match.end()
            shown = match.group(0)
            code = table[shown]
            if code.kind == "open":
                stack.append((shown, code.properties, ""))
            elif code.kind == "open-link":
                out.append(code.xml)
                stack.append((shown, code.properties, table[closing_of[shown]].xml))
            elif code.kind in ("close", "close-link"):
                if any(entry[0] == opening_of[shown] for entry in stack):
                    while True:
                        entry = stack.pop()
                        out.append(entry[2])
                        if entry[0] == opening_of[shown]:
                            break
            else:
                out.append(code.xml)
        write(text[cursor:])
        out.extend(entry[2] for entry in reversed(stack))
        return "".join(out)


class _Paragraph:
    """Folds a ``w:p`` into display text with inline codes and the writer that rebuilds it."""

    def __init__(self, xml: str) -> None:
        self.xml = xml
        self.pieces: list[str] = []
        self.codes: list[InlineCode] = []
        self.length = 0
        self.names: dict[_Code, str] = {}
        self.table: dict[str, _Code] = {}
        self.pairs: dict[str, str] = {}
        self.counter = 0

    def raw(self, element: _El) -> str:
        return self.xml[element.start : element.end]

    def name(self, code: _Code, stem: str) -> str:
        if code not in self.names:
            self.counter += 1
            self.names[code] = f"{stem}{self.counter}"
        return self.names[code]

    def emit(self, text: str, kind: CodeKind, pair: int | None = None) -> None:
        self.codes.append(InlineCode(self.length, self.length + len(text), kind, pair))
        self.pieces.append(text)
        self.length += len(text)

    def text(self, text: str) -> None:
        self.pieces.append(text)
        self.length += len(text)

    def standalone(self, xml: str, stem: str) -> None:
        code = _Code("standalone", xml)
        shown = f"<{self.name(code, stem)}/>"
        self.table[shown] = code
        self.emit(shown, CodeKind.STANDALONE)

    def pair(self, opening: _Code, closing: _Code, stem: str) -> tuple[str, str]:
        number = self.name(opening, stem)
        shown = (f"<{number}>", f"</{number}>")
        self.table[shown[0]], self.table[shown[1]] = opening, closing
        self.pairs[shown[1]] = shown[0]
        return shown


def _properties(run: _El, xml: str) -> str:
    found = run.child("rPr")
    return xml[found.start : found.end] if found is not None else ""


def _key(properties: str) -> str:
    return _NOISE.sub("", properties).replace("<w:rPr></w:rPr>", "").replace("<w:rPr/>", "")


def _on(properties: str, tag: str) -> bool:
    return re.search(rf"<w:{tag}(?:\s+w:val=\"(?:1|true|on)\")?\s*/>", properties) is not None


def _stem(properties: str) -> str:
    """A code's name says what it does to the text: b, i, u, s (strike), sup, sub, or g for anything else."""
    stem = "b" * _on(properties, "b") + "i" * _on(properties, "i")
    stem += "u" * (re.search(r'<w:u w:val="(?!none")', properties) is not None)
    stem += "s" * (_on(properties, "strike") or _on(properties, "dstrike"))
    if 'w:val="superscript"' in properties:
        stem += "sup"
    elif 'w:val="subscript"' in properties:
        stem += "sub"
    return stem or "g"


@dataclass
class _Atom:
    kind: str  # text, code, open, close
    text: str = ""
    properties: str = ""
    element: _El | None = None
    stem: str = ""
    code: _Code | None = None
    partner: _Code | None = None


class _Reader:
    """Cuts one XML part into skeleton and paragraph blocks."""

    def __init__(self, xml: str, kind: str, origin: str, first_line: int) -> None:
        self.xml = xml
        self.kind = kind
        self.origin = origin
        self.line = first_line
        self.spans: list[tuple[int, int, Block]] = []

    def walk(self, element: _El, in_table: bool = False) -> None:
        for child in element.elements():
            if child.is_w("p"):
                self.paragraph(child, in_table)
            else:
                self.walk(child, in_table or child.is_w("tc"))

    def paragraph(self, p: _El, in_table: bool) -> None:
        self.line += 1
        if p.end_start == p.start_end:
            return
        content = [c for c in p.elements() if not c.is_w("pPr")]
        kept = [i for i, c in enumerate(content) if c.local not in _ZERO_WIDTH and c.local not in _DROPPED]
        if not kept:
            return  # bookmarks and spell-check marks at the edges stay in the skeleton
        inner = content[kept[0] : kept[-1] + 1]
        start, end = inner[0].start, inner[-1].end
        atoms = self.atoms(inner, p)
        para = _Paragraph(self.xml)
        counts: Counter[str] = Counter()
        for atom in atoms:
            if atom.kind == "text":
                counts[_key(atom.properties)] += len(atom.text)
        base_key = "" if "" in counts or not counts else counts.most_common(1)[0][0]  # plain text is the base where there is any
        base = next((a.properties for a in atoms if a.kind == "text" and _key(a.properties) == base_key), "")
        self.fold(atoms, para, base_key)
        text = "".join(para.pieces)
        outside = re.sub("|".join(re.escape(c) for c in sorted(para.table, key=len, reverse=True)), "", text) if para.table else text
        descriptions = self.descriptions(start, end)
        if not any(ch.isalnum() for ch in outside) and not descriptions:
            return
        writer = ParagraphWriter(base, tuple(para.table.items()), tuple(para.pairs.items()))
        block = Block(
            self.block_kind(p, in_table), self.line, self.xml[start:end], text, tuple(para.codes),
            inner=descriptions, syntax="docx", rebuild=writer,
        )
        self.spans.append((start, end, block))

    def descriptions(self, start: int, end: int) -> tuple[InnerBlock, ...]:
        """The alt text of pictures in the paragraph (``wp:docPr descr``): translated inside the picture's code."""
        found: dict[str, InnerBlock] = {}
        for match in _DESCRIPTION.finditer(self.xml, start, end):
            anchor, value = match.group(0), match.group(1)
            text = " ".join(html.unescape(value).split())
            if anchor not in found and any(ch.isalpha() for ch in text):
                block = Block("picture description", self.line, value, text, encode="html-attribute")
                found[anchor] = InnerBlock(block, anchor, len('descr="'), len('descr="') + len(value))
        return tuple(found.values())

    def block_kind(self, p: _El, in_table: bool) -> str:
        if self.kind != "paragraph":
            return self.kind
        props = p.child("pPr")
        style = ""
        if props is not None and props.child("pStyle") is not None:
            style = props.child("pStyle").attributes.get("w:val", "")
        heading = re.fullmatch(r"(?i)heading\s*(\d)", style)
        if heading:
            return f"heading {heading.group(1)}"
        if style.lower() in ("title", "subtitle", "caption", "quote"):
            return style.lower()
        if in_table:
            return "table cell"
        if props is not None and props.child("numPr") is not None or style.lower().startswith("list"):
            return "list item"
        return "paragraph"

    def atoms(self, elements: list[_El], p: _El) -> list[_Atom]:
        found: list[_Atom] = []
        i = 0
        while i < len(elements):
            element = elements[i]
            local = element.local
            if local in _TRACKED and element.name.startswith(f"{{{W}}}"):
                raise TransflowError(f"{self.origin}: paragraph {self.line} has tracked changes; accept or reject them in Word first (Review > Accept), then translate")
            if element.is_w("r") and _field_char(element) == "begin":
                i = self.field(elements, i, found)
                continue
            if element.is_w("r"):
                self.run(element, found)
            elif local in _DROPPED:
                pass
            elif local in _ZERO_WIDTH:
                found.append(_Atom("code", code=_Code("standalone", self.xml[element.start : element.end]), stem=_STANDALONE_NAMES.get(local, "x")))
            elif element.is_w("hyperlink") or (element.holds_runs() and not element.is_w("fldSimple")):
                runs = [c for c in element.elements() if c.is_w("r") or c.holds_runs()]
                opening = self.xml[element.start : runs[0].start] if runs else self.xml[element.start : element.start_end]
                closing = self.xml[runs[-1].end : element.end] if runs else self.xml[element.end_start : element.end]
                inside = element.elements()[element.elements().index(runs[0]) : element.elements().index(runs[-1]) + 1] if runs else []
                stem = "a" if element.is_w("hyperlink") else "g"
                found.append(_Atom("open", element=element, stem=stem, code=_Code("open-link", opening), partner=_Code("close-link", closing)))
                found.extend(self.atoms(inside, p))
                found.append(_Atom("close"))
            else:
                found.append(_Atom("code", code=_Code("standalone", self.xml[element.start : element.end]), stem=_STANDALONE_NAMES.get(local, "x")))
            i += 1
        return found

    def run(self, run: _El, found: list[_Atom]) -> None:
        properties = _properties(run, self.xml)
        for child in run.elements():
            if child.is_w("rPr") or child.local in _DROPPED:
                continue
            if child.is_w("t"):
                text = "".join(html.unescape(self.xml[a:b]) for a, b in _texts(child))
                if text:
                    found.append(_Atom("text", text, properties))
            else:
                markup = f"<w:r>{properties}{self.xml[child.start : child.end]}</w:r>"
                found.append(_Atom("code", code=_Code("standalone", markup), stem=_STANDALONE_NAMES.get(child.local, "x")))

    def field(self, elements: list[_El], i: int, found: list[_Atom]) -> int:
        """A complex field (``fldChar`` begin … separate … end): its instructions one code, its shown text translatable."""
        depth, j, separate = 0, i, None
        while j < len(elements):
            state = _field_char(elements[j]) if elements[j].is_w("r") else None
            if state == "begin":
                depth += 1
            elif state == "separate" and depth == 1 and separate is None:
                separate = j
            elif state == "end":
                depth -= 1
                if depth == 0:
                    break
            j += 1
        end = min(j, len(elements) - 1)
        whole = self.xml[elements[i].start : elements[end].end]
        if separate is None or j >= len(elements) or depth > 0 or separate + 1 == end:
            found.append(_Atom("code", code=_Code("standalone", whole), stem="fld"))
            return end + 1
        opening = self.xml[elements[i].start : elements[separate].end]
        closing = self.xml[elements[end].start : elements[end].end]
        found.append(_Atom("open", stem="fld", code=_Code("open-link", opening), partner=_Code("close-link", closing)))
        found.extend(self.atoms(elements[separate + 1 : end], elements[i]))
        found.append(_Atom("close"))
        return end + 1

    def fold(self, atoms: list[_Atom], para: _Paragraph, base_key: str) -> None:
        """Text, with a formatting code pair around each stretch whose properties differ from the base."""
        pairs = 0
        current: tuple[str, str, int] | None = None  # (key, closing shown, pair)
        containers: list[tuple[str, int, str]] = []  # (closing shown, pair, base key inside)

        def close_format() -> None:
            nonlocal current
            if current is not None:
                para.emit(current[1], CodeKind.CLOSE, current[2])
                current = None

        level_base = [base_key]
        for index, atom in enumerate(atoms):
            if atom.kind == "text":
                key = _key(atom.properties)
                if current is not None and current[0] != key:
                    close_format()
                if key != level_base[-1] and current is None:
                    opening, closing = para.pair(_Code("open", properties=atom.properties), _Code("close"), _stem(atom.properties))
                    pair = pairs
                    pairs += 1
                    para.emit(opening, CodeKind.OPEN, pair)
                    current = (key, closing, pair)
                para.text(atom.text)
            elif atom.kind == "code":
                close_format()
                para.standalone(atom.code.xml, atom.stem)
            elif atom.kind == "open":
                close_format()
                inside: dict[str, str] = {}
                chars: Counter[str] = Counter()
                depth = 0
                for later in atoms[index + 1 :]:
                    depth += later.kind == "open"
                    if later.kind == "close":
                        if depth == 0:
                            break
                        depth -= 1
                    if later.kind == "text" and depth == 0:
                        chars[_key(later.properties)] += len(later.text)
                        inside.setdefault(_key(later.properties), later.properties)
                key = chars.most_common(1)[0][0] if chars else level_base[-1]
                opening_code = _Code("open-link", atom.code.xml, inside.get(key, ""))
                opening, closing = para.pair(opening_code, atom.partner, atom.stem)
                para.emit(opening, CodeKind.OPEN, pairs)
                level_base.append(key)
                containers.append((closing, pairs, ""))
                pairs += 1
            elif atom.kind == "close":
                close_format()
                closing, pair, _ = containers.pop()
                level_base.pop()
                para.emit(closing, CodeKind.CLOSE, pair)
        close_format()


def _texts(element: _El) -> list[tuple[int, int]]:
    return [child for child in element.children if isinstance(child, tuple)]


def _field_char(run: _El) -> str | None:
    char = run.child("fldChar")
    return char.attributes.get("w:fldCharType") if char is not None else None


@dataclass(frozen=True)
class Package:
    """What a build needs besides the text: where the source archive is (not its bytes: a batch holds many
    Documents, and a document's pictures can be large), its digest, and which parts the text is made of."""

    path: Path
    digest: str
    parts: tuple[str, ...]
    styles: str | None = None  # the styles part, whose default language a build sets


def read(path: Path) -> Document:
    """Parse the .docx at *path*; every error is one line naming the file."""
    data = _read_bytes(path)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, NotImplementedError) as err:
        raise TransflowError(f"{path}: not a Word document (unreadable as a zip: {' '.join(str(err).split())}); {FIX}") from None
    with archive:
        archives.check(archive, path, "a Word document", LIMITS, FIX)
        names = set(archive.namelist())
        main = _main_part(archive, path, names)
        parts = [(main, "paragraph")] + _related_parts(archive, path, main, names)
        styles = next((name for name, kind in _related(archive, path, main, names) if kind == "styles"), None)
        package = Package(path, hashlib.sha256(data).hexdigest(), tuple(name for name, _ in parts), styles)
        doc = Document("docx", package=package)
        line = 0
        for number, (name, kind) in enumerate(parts):
            if number:
                doc.parts.append(SEPARATOR)
            xml = _member_text(archive, path, name)
            reader = _Reader(xml, kind, f"{path}:{name}", line)
            reader.walk(_tree(xml))
            line = reader.line
            cursor = 0
            for start, end, block in reader.spans:
                doc.parts.append(xml[cursor:start])
                doc.parts.append(block)
                cursor = end
            doc.parts.append(xml[cursor:])
    return doc


def _read_bytes(path: Path) -> bytes:
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file; check the path") from None
    except OSError as err:
        raise TransflowError(f"{path}: cannot read ({err.strerror}); check its permissions") from None
    if stat.S_ISDIR(mode):
        raise UsageError(f"{path}: is a directory; give an article file")
    if not stat.S_ISREG(mode):
        raise UsageError(f"{path}: is not a regular file (a pipe, socket or device); give an article file")
    with path.open("rb") as handle:
        data = handle.read(MAX_FILE + 1)
    if len(data) > MAX_FILE:
        raise TransflowError(f"{path}: larger than {MAX_FILE >> 20} MiB; no article is, so it is refused")
    return data


def _member_text(archive: zipfile.ZipFile, path: Path, name: str) -> str:
    try:
        data = archive.read(name)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as err:
        raise TransflowError(f"{path}: member {name} is damaged ({' '.join(str(err).split())}); {FIX}") from None
    root = xmlsafe.check_bytes(data, f"{path}:{name}", FIX)
    if root.nsmap.get("w") != W:  # translations are written as w:r and w:t, which must mean WordprocessingML there
        raise TransflowError(f"{path}: member {name} does not name WordprocessingML with the usual w: prefix; {FIX}")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise TransflowError(f"{path}: member {name} is not UTF-8 XML; {FIX}") from None
    if SEPARATOR in text:
        raise TransflowError(f"{path}: member {name} holds a NUL character, which XML cannot; {FIX}")
    return text


def _relationships(archive: zipfile.ZipFile, path: Path, rels: str, names: set[str]) -> list[tuple[str, str, str]]:
    """(type, target, mode) of each relationship in the part *rels*."""
    if rels not in names:
        return []
    root = xmlsafe.check_bytes(archive.read(rels), f"{path}:{rels}", FIX)
    return [(r.get("Type", ""), r.get("Target", ""), r.get("TargetMode", "")) for r in root if r.tag == f"{{{PKG_RELS}}}Relationship"]


def _main_part(archive: zipfile.ZipFile, path: Path, names: set[str]) -> str:
    for kind, target, _ in _relationships(archive, path, "_rels/.rels", names):
        if kind == MAIN:
            name = target.lstrip("/")
            if name in names:
                return name
    raise TransflowError(f"{path}: is a zip but not a Word document (no main document part); {FIX}")


def _related(archive: zipfile.ZipFile, path: Path, main: str, names: set[str]) -> list[tuple[str, str]]:
    """(member name, relationship type's last word) of each part the main document refers to."""
    folder = PurePosixPath(main).parent
    rels = str(folder / "_rels" / (PurePosixPath(main).name + ".rels"))
    found = []
    for kind, target, mode in _relationships(archive, path, rels, names):
        name = target.lstrip("/") if target.startswith("/") else str(folder / target)
        if mode != "External" and name in names:
            found.append((name, kind.rsplit("/", 1)[-1]))
    return found


def _related_parts(archive: zipfile.ZipFile, path: Path, main: str, names: set[str]) -> list[tuple[str, str]]:
    """The parts with text besides the main one, in a stable order: headers, footers, footnotes, endnotes, comments."""
    found = {}
    for name, kind in _related(archive, path, main, names):
        if kind in PARTS and name not in found:
            found[name] = PARTS[kind]
    order = list(PARTS.values())
    return sorted(found.items(), key=lambda item: (order.index(item[1]), item[0]))


def write(package: Package, built: str, target: str) -> bytes:
    """The .docx a build writes: the source archive with the translated parts replaced, every other member as it was."""
    texts = built.split(SEPARATOR)
    if len(texts) != len(package.parts):
        raise TransflowError("the built document lost a part boundary; report it to the transflow maintainers")
    replaced = dict(zip(package.parts, texts))
    data = _read_bytes(package.path)
    if hashlib.sha256(data).hexdigest() != package.digest:
        raise TransflowError(f"{package.path}: changed while it was being built; build it again")
    if package.styles is not None and package.styles not in replaced:
        with zipfile.ZipFile(io.BytesIO(data)) as source:
            replaced[package.styles] = _default_language(source.read(package.styles).decode("utf-8"), target)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as archive:
        for info in source.infolist():
            data = replaced[info.filename].encode("utf-8") if info.filename in replaced else source.read(info)
            archive.writestr(info, data, compress_type=info.compress_type)
    return out.getvalue()


LOCALES = {"en": "en-US", "vi": "vi-VN", "ja": "ja-JP"}


def _default_language(styles: str, target: str) -> str:
    """Styles with the document's default proofing language set to *target*, so Word spell-checks the translation
    in its own language (rebuilt runs carry no language of their own)."""
    code = LOCALES.get(target, target)

    def retag(match: re.Match) -> str:
        tag = re.sub(r'w:val="[^"]*"', f'w:val="{code}"', match.group(0))
        return re.sub(r'w:eastAsia="[^"]*"', f'w:eastAsia="{code}"', tag) if target in ("ja", "zh", "ko") else tag

    defaults = re.search(r"<w:docDefaults>.*?</w:docDefaults>", styles, re.S)
    if defaults is None:
        return styles
    inside = re.sub(r"<w:lang\b[^>]*/>", retag, defaults.group(0))
    return styles[: defaults.start()] + inside + styles[defaults.end() :]
