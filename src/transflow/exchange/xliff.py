"""XLIFF 1.2 and 2.0 for CAT tools (OmegaT, memoQ, Trados, Okapi) and Poedit: Units to files and back.

One ``<file>`` per article, a group per block, one unit per distinct source
sentence with a stable id (1.2: its text as Poedit shows it, 2.0: a hash of
it). Inline codes become ``<x/>`` placeholders that Poedit shows as ``{n}``,
their exact Markdown or HTML in a context group (1.2), or ``<pc>``/``<ph>``
with ``<originalData>`` (2.0), so tools protect them and the round trip is
lossless; ``<bpt>``/``<ept>``/``<ph>`` from other tools are read too. States
come from the one table in states.py. A unit whose inline codes a translator
damaged is reported by id and kept out of the build. Sentences the article no
longer uses travel in a group marked ``translate="no"`` (each unit marked too),
as PO obsolete entries do. A source repeated with two different translations
is refused, as a duplicate PO entry is."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from .. import languages
from ..document import CODES_DAMAGED, CodeKind, InlineCode, State, Unit, UnitProblem
from ..errors import TransflowError
from ..textio import write_atomic
from ..xmlsafe import local_name, parse as parse_xml
from . import facts, states
from .catalog import Catalog, ExchangeFormat

XLIFF12 = "urn:oasis:names:tc:xliff:document:1.2"
XLIFF11 = "urn:oasis:names:tc:xliff:document:1.1"  # translate-toolkit's po2xliff writes 1.1; read as 1.2
XLIFF20 = "urn:oasis:names:tc:xliff:document:2.0"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
OBSOLETE = "obsolete"
# As Poedit (pugixml) and most tools write it: lxml's own uses single quotes, which a Poedit save flips.
XML_DECLARATION = b'<?xml version="1.0" encoding="UTF-8"?>\n'
DATATYPES = {"text": "plaintext", "markdown": "x-markdown", "html": "html"}


def unit_id(unit: Unit) -> str:
    """Stable across runs and revisions: the same sentence keeps its id."""
    key = f"{unit.context or ''}\x04{unit.source}".encode("utf-8")
    return "u" + hashlib.sha1(key).hexdigest()[:12]


def shown_source(unit: Unit) -> str:
    """The source as Poedit shows it in XLIFF 1.2: each inline code as its ``{n}`` placeholder."""
    return "".join(piece if isinstance(piece, str) else _placeholder(piece) for piece in _source_pieces(unit.source, unit.codes))


def _ids12(units: Sequence[Unit]) -> dict[int, str]:
    """XLIFF 1.2 trans-unit ids, by ``id(unit)``: the source as Poedit shows it, which Poedit then does not
    list as an "ID: …" comment (it shows an id that differs from the text, an internal hash to a reviewer);
    the hash where two units would share it, or where the text could not survive as an attribute."""
    shown = {id(unit): shown_source(unit) for unit in units}
    counts = Counter(shown.values())
    return {
        key: text if counts[text] == 1 and text.strip() == text and text and not _UNSAFE_ID.search(text) else unit_id(unit)
        for unit in units
        for key, text in [(id(unit), shown[id(unit)])]
    }


# Line breaks and tabs become spaces in an attribute read back; braces would be doubled by Poedit.
_UNSAFE_ID = re.compile(r"[\t\n\r]|\{\{|\}\}")


# Inline codes ------------------------------------------------------------------


@dataclass(frozen=True)
class _Code:
    number: int  # shared by an opening code and its closing one (XLIFF 2.0 pc/sc/ec ids)
    code: InlineCode
    raw: str
    index: int  # this code's own number in the source (XLIFF 1.2 x ids)

    @property
    def tag_id(self) -> int:
        return self.number


def _source_pieces(text: str, codes: Sequence[InlineCode]) -> list[str | _Code]:
    pieces: list[str | _Code] = []
    numbers: dict[int, int] = {}
    cursor = 0
    for n, code in enumerate(sorted(codes, key=lambda c: c.start), start=1):
        pieces.append(text[cursor : code.start])
        number = n
        if code.pair is not None:
            number = numbers.setdefault(code.pair, n)
        pieces.append(_Code(number, code, text[code.start : code.end], n))
        cursor = code.end
    pieces.append(text[cursor:])
    return [p for p in pieces if p != ""]


def _target_pieces(text: str, source: list[str | _Code]) -> list[str | _Code]:
    """Find the source's codes in a translation (they travel as their exact text)."""
    pending = [p for p in source if isinstance(p, _Code)]
    pieces: list[str | _Code] = []
    buffer, i = [], 0
    while i < len(text):
        found = next((c for c in sorted(pending, key=lambda c: -len(c.raw)) if text.startswith(c.raw, i)), None)
        if found is None:
            buffer.append(text[i])
            i += 1
            continue
        pieces.append("".join(buffer))
        buffer = []
        pieces.append(found)
        pending.remove(found)
        i += len(found.raw)
    pieces.append("".join(buffer))
    return [p for p in pieces if p != ""]


def _preserve(*texts: str) -> bool:
    return any(t != t.strip() or "  " in t or "\n" in t or "\t" in t for t in texts)


# Writing -----------------------------------------------------------------------


def write(path: Path, catalog: Catalog, article: str, datatype: str = "plaintext", version: str = "1.2") -> None:
    """Write *catalog* (the translation of *article*) as XLIFF *version*, atomically."""
    _refuse_unwritable(catalog, article)
    builder = _build12 if version == "1.2" else _build20
    root = builder(catalog, article, datatype)
    _indent(root)
    write_atomic(path, XML_DECLARATION + etree.tostring(root, encoding="UTF-8") + b"\n")


# Characters XML 1.0 cannot hold, even escaped (control characters other than tab, LF, CR).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _refuse_unwritable(catalog: Catalog, article: str) -> None:
    """A control character in a sentence cannot go into XLIFF: say where it is, before anything is written."""
    for unit in catalog.units + catalog.obsolete:
        for text in (unit.source, unit.target, unit.previous_source or "", unit.translator_comment, *unit.notes):
            found = _NOT_XML.search(text)
            if found:
                where = f"{unit.occurrences[0][0]}:{unit.occurrences[0][1]}" if unit.occurrences else article
                raise TransflowError(
                    f"{where}: the control character U+{ord(found.group(0)):04X} cannot be written to XLIFF (XML forbids it); "
                    "remove it from the article, or use --format po"
                )


_CONTENT = {"source", "target", "note", "data", "context", "tool"}  # whitespace inside these is content


def _indent(element: etree._Element, level: int = 0) -> None:
    """Indent the structure for diffs and eyes, never inside text-bearing elements (whitespace there is content)."""
    if local_name(element) in _CONTENT or not len(element):
        return
    inner = "\n" + "  " * (level + 1)
    element.text = inner
    for child in element:
        _indent(child, level + 1)
        child.tail = inner
    element[-1].tail = "\n" + "  " * level


def _groups(catalog: Catalog) -> list[tuple[str, str, list[Unit]]]:
    """(group id, block kind, units) in document order; a unit sits in its first block."""
    groups: dict[str, tuple[str, list[Unit]]] = {}
    for unit in catalog.units:
        line = unit.occurrences[0][1] if unit.occurrences else 0
        groups.setdefault(f"b{line}", (unit.block or "paragraph", []))[1].append(unit)
    result = [(gid, kind, units) for gid, (kind, units) in groups.items()]
    if catalog.obsolete:
        result.append((OBSOLETE, OBSOLETE, catalog.obsolete))
    return result


def _slug(kind: str) -> str:
    return "-".join(kind.split()) or "paragraph"


def _build12(catalog: Catalog, article: str, datatype: str) -> etree._Element:
    def q(tag: str) -> str:
        return f"{{{XLIFF12}}}{tag}"

    root = etree.Element(q("xliff"), nsmap={None: XLIFF12}, version="1.2")
    file = etree.SubElement(root, q("file"), original=article, datatype=datatype)
    file.set("source-language", catalog.source_language or "")
    file.set("target-language", catalog.language or "")
    file.set("tool-id", "transflow")
    header = etree.SubElement(file, q("header"))
    etree.SubElement(header, q("tool"), {"tool-id": "transflow", "tool-name": "transflow"})
    body = etree.SubElement(file, q("body"))
    ids = _ids12(catalog.units + catalog.obsolete)
    for gid, kind, units in _groups(catalog):
        group = etree.SubElement(body, q("group"), id=gid, restype=f"x-{_slug(kind)}")
        if gid == OBSOLETE:
            group.set("translate", "no")
        for unit in units:
            _unit12(group, unit, q, gid == OBSOLETE, ids[id(unit)])
    return root


def _unit12(group: etree._Element, unit: Unit, q, obsolete: bool, ident: str) -> None:
    element = etree.SubElement(group, q("trans-unit"), id=ident)
    forms = states.WRITE[unit.state]
    if forms.xliff12_approved:
        element.set("approved", "yes")
    if obsolete:  # Poedit looks at each unit's own translate attribute, not its group's
        element.set("translate", "no")
    if _preserve(unit.source, unit.target):
        element.set(XML_SPACE, "preserve")
    pieces = _source_pieces(unit.source, unit.codes)
    _inline12(etree.SubElement(element, q("source")), pieces, q)
    target = etree.SubElement(element, q("target"), state=forms.xliff12_state)
    qualifier = states.QUALIFIERS.get(unit.origin) if unit.target and unit.origin else None
    if qualifier:
        target.set("state-qualifier", qualifier)
    _inline12(target, _target_pieces(unit.target, pieces), q)
    for path, line in unit.occurrences:
        context = etree.SubElement(element, q("context-group"), purpose="location")
        etree.SubElement(context, q("context"), {"context-type": "sourcefile"}).text = path
        etree.SubElement(context, q("context"), {"context-type": "linenumber"}).text = str(line)
    if unit.context is not None:
        context = etree.SubElement(element, q("context-group"), purpose="information")
        etree.SubElement(context, q("context"), {"context-type": "x-msgctxt"}).text = unit.context
    codes = [piece for piece in pieces if isinstance(piece, _Code)]
    if codes:  # the markup of each <x/>, which Poedit (and no reviewer) sees: it shows {n}
        context = etree.SubElement(element, q("context-group"), purpose=CODES_PURPOSE)
        for code in codes:
            etree.SubElement(context, q("context"), {"context-type": f"{CODE_CONTEXT}{code.index}"}).text = code.raw
    for note in facts.comments(unit) + facts.revision(unit):
        _note(etree.SubElement(element, q("note"), {"from": "transflow", "annotates": "source"}), note, unit)
    if unit.translator_comment:
        etree.SubElement(element, q("note"), {"from": "translator"}).text = unit.translator_comment
    if unit.fuzzy and unit.previous_source is not None:  # for CAT tools; Poedit shows the notes above
        previous = etree.SubElement(element, q("alt-trans"), origin="previous-version")
        etree.SubElement(previous, q("source")).text = unit.previous_source
        etree.SubElement(previous, q("target")).text = unit.previous_target if unit.previous_target is not None else unit.target


_CTYPES = {CodeKind.OPEN: "x-open", CodeKind.CLOSE: "x-close"}
_KINDS = {value: kind for kind, value in _CTYPES.items()}


CODES_PURPOSE = "x-inline-codes"
CODE_CONTEXT = "x-code-"


def _placeholder(code: _Code) -> str:
    return f"{{{code.index}}}"


def _inline12(element: etree._Element, pieces: list[str | _Code], q) -> None:
    """Every code an ``<x/>`` that Poedit shows as the placeholder ``{n}``.

    Poedit's 1.2 reader turns only ``<x>`` and ``<g>`` into placeholders and
    would show ``<bpt>``/``<ept>``/``<ph>`` as raw escaped XML; ``<g>`` cannot
    hold the markup of its two ends. It shows an ``<x>`` as its ``equiv-text``
    wrapped in braces, or as ``{id}`` without one; only a ``{name}`` made of
    word characters is highlighted as a placeholder there, so a link's
    ``](https://…)`` would read as editable text. So no ``equiv-text``: the
    markup itself travels in the unit's ``x-inline-codes`` context group.
    CAT tools protect ``<x>`` as they protect ``<bpt>``. ``ctype`` says which
    codes open and close a pair; pairs nest in the source, so that is enough
    to pair them.
    """
    last = None
    for piece in pieces:
        if isinstance(piece, str):
            if last is None:
                element.text = (element.text or "") + piece
            else:
                last.tail = (last.tail or "") + piece
            continue
        last = etree.SubElement(element, q("x"), id=str(piece.index))
        kind = piece.code.kind if piece.code.pair is not None else CodeKind.STANDALONE
        if kind in _CTYPES:
            last.set("ctype", _CTYPES[kind])


def _note(element: etree._Element, text: str, unit: Unit) -> None:
    """A comment line as a note; the review line also gets the draft's risk as the note's priority,
    which CAT tools can sort by (both XLIFF versions have it)."""
    element.text = text
    priority = facts.priority(text, unit)
    if priority is not None:
        element.set("priority", str(priority))


def _build20(catalog: Catalog, article: str, datatype: str) -> etree._Element:
    def q(tag: str) -> str:
        return f"{{{XLIFF20}}}{tag}"

    root = etree.Element(q("xliff"), nsmap={None: XLIFF20}, version="2.0")
    root.set("srcLang", catalog.source_language or "")
    root.set("trgLang", catalog.language or "")
    file = etree.SubElement(root, q("file"), id="f1", original=article)
    notes = etree.SubElement(file, q("notes"))
    etree.SubElement(notes, q("note"), category="datatype").text = datatype
    for gid, kind, units in _groups(catalog):
        group = etree.SubElement(file, q("group"), id=gid, type=f"transflow:{_slug(kind)}")
        if gid == OBSOLETE:
            group.set("translate", "no")
        for unit in units:
            _unit20(group, unit, q, gid == OBSOLETE)
    return root


def _unit20(group: etree._Element, unit: Unit, q, obsolete: bool) -> None:
    element = etree.SubElement(group, q("unit"), id=unit_id(unit))
    if obsolete:  # Poedit looks at each unit's own translate attribute, not its group's
        element.set("translate", "no")
    notes = etree.SubElement(element, q("notes"))
    for path, line in unit.occurrences:
        etree.SubElement(notes, q("note"), category="location").text = f"{path}:{line}"
    if unit.context is not None:
        etree.SubElement(notes, q("note"), category="msgctxt").text = unit.context
    for note in facts.comments(unit) + facts.revision(unit):
        _note(etree.SubElement(notes, q("note"), category="transflow"), note, unit)
    if unit.translator_comment:
        etree.SubElement(notes, q("note"), category="translator").text = unit.translator_comment
    if not len(notes):
        element.remove(notes)
    pieces = _source_pieces(unit.source, unit.codes)
    codes = [p for p in pieces if isinstance(p, _Code)]
    if codes:
        data = etree.SubElement(element, q("originalData"))
        for code in codes:
            item = etree.SubElement(data, q("data"), id=f"d{code.code.start}")
            item.text = code.raw
            if _preserve(code.raw):
                item.set(XML_SPACE, "preserve")
    if _preserve(unit.source, unit.target):
        element.set(XML_SPACE, "preserve")
    segment = etree.SubElement(element, q("segment"))
    state = states.WRITE[unit.state].xliff20_state
    if unit.target and state:
        segment.set("state", state)
        if states.substate(unit.origin):
            segment.set("subState", states.substate(unit.origin))
    _inline20(etree.SubElement(segment, q("source")), pieces, q)
    if unit.target:
        _inline20(etree.SubElement(segment, q("target")), _target_pieces(unit.target, pieces), q)


def _inline20(element: etree._Element, pieces: list[str | _Code], q) -> None:
    """``<pc>`` for properly nested pairs, ``<sc>``/``<ec>`` where a translation crosses them."""
    nested = _nests(pieces)
    stack = [element]
    last: dict[int, etree._Element | None] = {0: None}

    def add_text(text: str) -> None:
        parent = stack[-1]
        tail = last.get(len(stack) - 1)
        if tail is None:
            parent.text = (parent.text or "") + text
        else:
            tail.tail = (tail.tail or "") + text

    for piece in pieces:
        if isinstance(piece, str):
            add_text(piece)
            continue
        ref = f"d{piece.code.start}"
        paired = piece.code.pair is not None and piece.code.kind is not CodeKind.STANDALONE
        if paired and nested and piece.code.kind is CodeKind.OPEN:
            child = etree.SubElement(stack[-1], q("pc"), id=str(piece.tag_id), dataRefStart=ref)
            last[len(stack) - 1] = child
            stack.append(child)
            last[len(stack) - 1] = None
            continue
        if paired and nested:
            stack[-1].set("dataRefEnd", ref)
            stack.pop()
            continue
        if paired and piece.code.kind is CodeKind.OPEN:
            child = etree.SubElement(stack[-1], q("sc"), id=str(piece.tag_id), dataRef=ref)
        elif paired:
            child = etree.SubElement(stack[-1], q("ec"), startRef=str(piece.tag_id), dataRef=ref)
        else:
            child = etree.SubElement(stack[-1], q("ph"), id=str(piece.tag_id), dataRef=ref)
        last[len(stack) - 1] = child


def _nests(pieces: list[str | _Code]) -> bool:
    stack: list[int] = []
    for piece in pieces:
        if isinstance(piece, str) or piece.code.pair is None or piece.code.kind is CodeKind.STANDALONE:
            continue
        if piece.code.kind is CodeKind.OPEN:
            stack.append(piece.code.pair)
        elif not stack or stack.pop() != piece.code.pair:
            return False
    return not stack


# Reading -----------------------------------------------------------------------


@dataclass
class _Text:
    """Native text rebuilt from an XLIFF source or target, with its codes."""

    text: str
    codes: list[InlineCode]
    ids: Counter
    by_id: dict[str, tuple[str, CodeKind, int | None]] = field(default_factory=dict)  # XLIFF 1.2 <x> codes of a source


def read(path: Path) -> tuple[Catalog, list[str]]:
    """The catalog in an XLIFF 1.2 or 2.0 file, and the units whose codes were damaged."""
    root = parse_xml(path, "XLIFF file").getroot()
    namespace = etree.QName(root).namespace
    if etree.QName(root).localname != "xliff" or namespace not in (XLIFF11, XLIFF12, XLIFF20):
        raise TransflowError(f"{path}:{root.sourceline}: not an XLIFF 1.2 or 2.0 file; export it from your CAT tool as XLIFF")
    if namespace == XLIFF20:
        return _read20(root, path)
    return _read12(root, path, namespace)


def _rebuild(
    element: etree._Element | None, data: dict[str, str] | None = None, known: _Text | None = None, raws: dict[str, str] | None = None
) -> _Text:
    """The native text of a source or target; *known* is the source a target's ``<x>`` codes refer to,
    *raws* the markup of a 1.2 source's ``<x>`` codes by id (else their ``equiv-text``, as older files and other tools write it)."""
    pieces: list[str] = []
    codes: list[InlineCode] = []
    ids: Counter = Counter()
    by_id: dict[str, tuple[str, CodeKind, int | None]] = {}
    open_pairs: list[int] = []
    length = 0

    def emit(text: str) -> None:
        nonlocal length
        pieces.append(text)
        length += len(text)

    def code(raw: str, kind: CodeKind, ident: str, pair: int | None = None) -> None:
        if pair is None and ident.isdigit() and kind is not CodeKind.STANDALONE:
            pair = int(ident)
        codes.append(InlineCode(length, length + len(raw), kind, pair))
        ids[f"{kind.value}:{ident}"] += 1
        emit(raw)

    def placeholder(child: etree._Element, ident: str) -> None:
        """An XLIFF 1.2 ``<x>``: its markup is its equiv-text, or the source's code of the same id."""
        if known is not None and ident in known.by_id:
            raw, kind, pair = known.by_id[ident]
            code(child.get("equiv-text", raw), kind, ident, pair)
            return
        kind = _KINDS.get(child.get("ctype", ""), CodeKind.STANDALONE)
        pair = None
        if kind is CodeKind.OPEN:
            pair = int(ident) if ident.isdigit() else len(codes) + 1
            open_pairs.append(pair)
        elif kind is CodeKind.CLOSE:
            pair = open_pairs.pop() if open_pairs else None
        raw = (raws or {}).get(ident, child.get("equiv-text", ""))
        by_id[ident] = (raw, kind, pair)
        code(raw, kind, ident, pair)

    def walk(node: etree._Element) -> None:
        if node.text:
            emit(node.text)
        for child in node:
            name = local_name(child)
            ident = child.get("startRef") or child.get("id") or ""
            if name == "x" and data is None:
                placeholder(child, ident)
            elif name in ("bpt", "ept", "ph", "it") and data is None:
                kind = {"bpt": CodeKind.OPEN, "ept": CodeKind.CLOSE}.get(name, CodeKind.STANDALONE)
                code("".join(child.itertext()), kind, ident)
            elif name == "pc" and data is not None:
                code(data.get(child.get("dataRefStart", ""), ""), CodeKind.OPEN, ident)
                walk(child)
                code(data.get(child.get("dataRefEnd", ""), ""), CodeKind.CLOSE, ident)
            elif name in ("sc", "ec", "ph") and data is not None:
                kind = {"sc": CodeKind.OPEN, "ec": CodeKind.CLOSE}.get(name, CodeKind.STANDALONE)
                code(data.get(child.get("dataRef", ""), ""), kind, ident)
            else:
                walk(child)
            if child.tail:
                emit(child.tail)

    if element is not None:
        walk(element)
    return _Text("".join(pieces), codes, ids, by_id)


def _damaged(source: _Text, target: _Text) -> bool:
    if not target.text or source.ids == target.ids:
        return False if not target.text else _crossed(target)
    return True


def _crossed(target: _Text) -> bool:
    seen: set[int | None] = set()
    for code in target.codes:
        if code.kind is CodeKind.OPEN:
            seen.add(code.pair)
        elif code.kind is CodeKind.CLOSE and code.pair not in seen:
            return True
    return False


def _finish(unit: Unit, source: _Text, target: _Text, ident: str, path: Path, problems: list[str]) -> Unit:
    unit.codes = tuple(source.codes)
    unit.problems = [problem for problem in unit.problems if problem.check != CODES_DAMAGED]  # judged from the codes, never from a note
    if _damaged(source, target):
        problems.append(f"{path}: unit {ident}: the inline codes of the translation do not match the source; kept out of the build, fix the tags in your CAT tool")
        unit.state = states.needs_work(unit.origin, unit.previous_source)
        if not unit.has_problem(CODES_DAMAGED):
            unit.problems.append(UnitProblem(CODES_DAMAGED, "the translator damaged the inline codes; fix the tags before building"))
    return unit


def _read12(root: etree._Element, path: Path, ns: str = XLIFF12) -> tuple[Catalog, list[str]]:
    file = next((e for e in root if local_name(e) == "file"), None)
    if file is None:
        raise TransflowError(f"{path}: the XLIFF file has no <file> element; export it again")
    catalog = Catalog([], languages.base(file.get("source-language")), languages.base(file.get("target-language")))
    problems: list[str] = []
    seen: dict[tuple[bool, str | None, str], Unit] = {}
    for element in file.iter(f"{{{ns}}}trans-unit"):
        if element.get("restype") == "x-gettext-domain-header":  # a PO header, as translate-toolkit's po2xliff carries it
            continue
        raws = {
            context.get("context-type", "")[len(CODE_CONTEXT) :]: context.text or ""
            for context in element.iterfind(f"{{{ns}}}context-group[@purpose='{CODES_PURPOSE}']/{{{ns}}}context")
        }
        source = _rebuild(element.find(f"{{{ns}}}source"), raws=raws)
        target_element = element.find(f"{{{ns}}}target")
        target = _rebuild(target_element, known=source)
        unit = Unit(source.text, target.text, line=element.sourceline)
        for context_group in element.iterfind(f"{{{ns}}}context-group"):
            contexts = {c.get("context-type"): c.text or "" for c in context_group}
            if "sourcefile" in contexts and contexts.get("linenumber", "").isdigit():
                unit.occurrences.append((contexts["sourcefile"], int(contexts["linenumber"])))
            if "x-msgctxt" in contexts:
                unit.context = contexts["x-msgctxt"]
        for note in element.iterfind(f"{{{ns}}}note"):
            if note.get("from") == "translator":
                unit.translator_comment = note.text or ""
            else:
                facts.absorb(unit, [note.text or ""])
        previous = element.find(f"{{{ns}}}alt-trans[@origin='previous-version']")
        if previous is not None and unit.previous_source is None:
            unit.previous_source = previous.findtext(f"{{{ns}}}source") or ""
            unit.previous_target = previous.findtext(f"{{{ns}}}target")
        attributes = target_element if target_element is not None else element
        unit.origin = unit.origin or states.qualifier_origin(attributes.get("state-qualifier"))
        unit.state = states.read_xliff12(unit.target, attributes.get("state"), element.get("approved"), unit.origin, unit.previous_source)
        unit = _finish(unit, source, target, element.get("id", "?"), path, problems)
        _add(catalog, unit, element, path, seen)
    return catalog, problems


def _read20(root: etree._Element, path: Path) -> tuple[Catalog, list[str]]:
    if not any(local_name(e) == "file" for e in root):
        raise TransflowError(f"{path}: the XLIFF file has no <file> element; export it again")
    catalog = Catalog([], languages.base(root.get("srcLang")), languages.base(root.get("trgLang")))
    problems: list[str] = []
    seen: dict[tuple[bool, str | None, str], Unit] = {}
    for element in root.iter(f"{{{XLIFF20}}}unit"):
        data = {d.get("id"): "".join(d.itertext()) for d in element.iter(f"{{{XLIFF20}}}data")}
        # A CAT tool that split the unit keeps the text between its segments (the spaces) in <ignorable>.
        parts = [e for e in element if local_name(e) in ("segment", "ignorable")]
        segments = [e for e in parts if local_name(e) == "segment"]
        translated = any(s.find(f"{{{XLIFF20}}}target") is not None for s in segments)
        source = _join([_rebuild(p.find(f"{{{XLIFF20}}}source"), data) for p in parts])
        target = _join([_rebuild(_target20(p, translated), data) for p in parts])
        unit = Unit(source.text, target.text, line=element.sourceline)
        for note in element.iter(f"{{{XLIFF20}}}note"):
            category, text = note.get("category"), note.text or ""
            if category == "location" and ":" in text and text.rsplit(":", 1)[1].isdigit():
                where, line = text.rsplit(":", 1)
                unit.occurrences.append((where, int(line)))
            elif category == "msgctxt":
                unit.context = text
            elif category == "translator":
                unit.translator_comment = text
            elif category == "previous-source":  # as files before the labelled notes carried it
                unit.previous_source = text
            else:
                facts.absorb(unit, [text])
        unit.origin = unit.origin or next(filter(None, (states.substate_origin(s.get("subState")) for s in segments)), None)
        unit.state = _state20(unit, segments)
        unit = _finish(unit, source, target, element.get("id", "?"), path, problems)
        _add(catalog, unit, element, path, seen)
    return catalog, problems


def _add(catalog: Catalog, unit: Unit, element: etree._Element, path: Path, seen: dict[tuple[bool, str | None, str], Unit]) -> None:
    """File *unit* as current or obsolete; a repeated source is one unit, and refused if its translations differ."""
    parent = element.getparent()
    obsolete = parent is not None and parent.get("id") == OBSOLETE
    key = (obsolete, unit.context, unit.source)
    first = seen.get(key)
    if first is None:
        seen[key] = unit
        (catalog.obsolete if obsolete else catalog.units).append(unit)
    elif first.target != unit.target and unit.target and first.target:
        raise TransflowError(
            f"{path}:{element.sourceline}: unit {element.get('id', '?')} repeats the source of an earlier unit with another translation "
            f"({first.target!r} / {unit.target!r}); keep one translation, or give the units different contexts"
        )
    else:
        first.occurrences += [o for o in unit.occurrences if o not in first.occurrences]
        if unit.target and not first.target:
            seen[key] = first = _replace(catalog, first, unit)


def _replace(catalog: Catalog, old: Unit, new: Unit) -> Unit:
    units = catalog.obsolete if old in catalog.obsolete else catalog.units
    units[units.index(old)] = new
    return new


def _target20(part: etree._Element, translated: bool) -> etree._Element | None:
    """A part's target; an <ignorable> without one stands as its source in a translated unit (the space between sentences)."""
    found = part.find(f"{{{XLIFF20}}}target")
    if found is None and translated and local_name(part) == "ignorable":
        return part.find(f"{{{XLIFF20}}}source")
    return found


def _state20(unit: Unit, segments: list[etree._Element]) -> State:
    """The least advanced state of the unit's segments (a CAT tool may have split it)."""
    found = [
        states.read_xliff20("".join(_rebuild(s.find(f"{{{XLIFF20}}}target")).text), s.get("state"), s.get("subState"), unit.origin, unit.previous_source)
        for s in segments
    ]
    if not unit.target:
        return State.EMPTY
    if any(state is not State.SIGNED_OFF and not state.done for state in found):
        return states.needs_work(unit.origin, unit.previous_source)
    return State.SIGNED_OFF if all(state is State.SIGNED_OFF for state in found) else State.REVIEWED


def _join(parts: list[_Text]) -> _Text:
    """A unit split into several segments by a CAT tool reads as one sentence again."""
    text, codes, ids, offset = [], [], Counter(), 0
    for part in parts:
        codes += [InlineCode(c.start + offset, c.end + offset, c.kind, c.pair) for c in part.codes]
        ids.update(part.ids)
        text.append(part.text)
        offset += len(part.text)
    return _Text("".join(text), codes, ids)


FORMAT_12 = ExchangeFormat("xliff", (".xlf", ".xliff"), "XLIFF 1.2", read, lambda path, catalog, article, datatype: write(path, catalog, article, datatype, "1.2"))
FORMAT_20 = ExchangeFormat("xliff2", (".xlf", ".xliff"), "XLIFF 2.0", read, lambda path, catalog, article, datatype: write(path, catalog, article, datatype, "2.0"))
