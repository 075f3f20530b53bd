"""IPTC ninjs (News in JSON) items, versions 1.x, 2.x and 3.x, as agencies and newsroom systems exchange them.

Translated: headlines, bodies (plain text, or HTML cut exactly as the HTML
format cuts it), descriptions, the byline (``by``/``byline``), the dateline
(``located``), the same fields of associated items (a picture's caption and
headline), and the names of people, places, organisations and subjects,
which reach the glossary as segments of their own. Every other member (uri,
versions, dates, renditions, rights, ids) is skeleton. Each block's kind
names its field and role ("headline (main)", "photo: description (caption)"),
so reviewers see it as context.

A string's decoded text maps back to its exact source span, escapes and
all, so the identity rebuild is byte-exact; a translation is written with
the escaping the source uses. ``finish`` adds what a translated item needs
and its source has not: a ``language`` member, and an association that
links back to the source item (NewsML-G2's ``irel:translatedFrom``).
"""

from __future__ import annotations

import json
import re
from dataclasses import replace

from ..detect import detect
from ..document import Block, Document, InnerBlock, encode
from ..errors import TransflowError
from . import html, jsontext, plaintext
from .jsontext import Value

HEADLINES = ("headlines", "headline")
DESCRIPTIONS = "descriptions"
NAMES = {"people": "person", "person": "person", "places": "place", "place": "place",
         "organisations": "organisation", "organisation": "organisation", "subjects": "subject", "subject": "subject"}
# Members only ninjs 3 spells in camelCase, and members only ninjs 1 has: how an item without ``standard`` tells its version.
_V3_ONLY = {"versionCreated", "contentType", "altIds", "copyrightNotice", "copyrightHolder", "firstCreated", "contentCreated",
            "edNote", "pubStatus", "embargoedUntil", "infoSources", "usageTerms", "rightsInfo", "trustIndicators", "charCount", "wordCount"}
_V1_ONLY = {"headline", "byline", "person", "place", "organisation", "subject", "$standard", "mimetype", "event", "object"}
_V1_TEXT = re.compile(r"(body|description)_(\w+)$")
LINK_NAME = "translatedFrom"
LINK_REL = "irel:translatedFrom"


def parse(text: str) -> Document:
    reader, root = jsontext.read(text)
    if root.kind == "array":
        raise TransflowError(
            f"1: holds a JSON array of {len(root.items)} items; transflow translates one ninjs item per file: "
            "split them into one file each (jq -c '.[]')"
        )
    if root.kind != "object" or root.text("uri") is None:
        raise TransflowError('1: is JSON but not an IPTC ninjs item (it has no "uri"); transflow reads .json files as ninjs items only')
    item = _Item(reader, _style(text))
    item.walk(root, "", root.text("language"))
    doc = Document("ninjs")
    cursor = 0
    for start, end, parts in sorted(item.spans, key=lambda span: span[0]):
        doc.parts.append(text[cursor:start])
        doc.parts.extend(parts)
        cursor = end
    doc.parts.append(text[cursor:])
    return doc


def _style(text: str) -> str:
    """The JSON string encoder that escapes as the source does: non-ASCII as ``\\uXXXX``, ``/`` as ``\\/``."""
    ascii_only = text.isascii() and re.search(r"\\u(?:00[89a-fA-F]|0[1-9a-fA-F]|[1-9a-fA-F])", text) is not None
    return "json" + ("-ascii" if ascii_only else "") + ("-slash" if "\\/" in text else "")


class _Item:
    """Collects the translatable spans of an item and its associations."""

    def __init__(self, reader: jsontext.Reader, style: str) -> None:
        self.reader = reader
        self.style = style
        self.spans: list[tuple[int, int, list[str | Block]]] = []

    def walk(self, item: Value, prefix: str, language: str | None) -> None:
        found = item.get("language")
        if found is not None and found.kind == "string":
            self.spans.append((found.start + 1, found.end - 1, [self.language_block(found)]))
        for key, value in item.members.items():
            if key in HEADLINES or key == DESCRIPTIONS or key == "bodies":
                self.texts(key, value, prefix, language)
            elif _V1_TEXT.match(key) and value.kind == "string":
                field, kind = _V1_TEXT.match(key).groups()
                self.string(value, f"{prefix}{field} ({kind})", html_markup=kind in ("html", "xhtml"))
            elif key in ("by", "byline") and value.kind == "string":
                self.string(value, f"{prefix}byline")
            elif key == "located" and value.kind == "string":
                self.string(value, f"{prefix}dateline")
            elif key in NAMES and value.kind == "array":
                for entry in value.items:
                    name = entry.get("name")
                    if name is not None and name.kind == "string":
                        self.string(name, f"{prefix}{NAMES[key]} name")
            elif key == "associations":
                self.associations(value, prefix, language)

    def texts(self, key: str, value: Value, prefix: str, language: str | None) -> None:
        field = {"headlines": "headline", "headline": "headline", "descriptions": "description", "bodies": "body"}[key]
        if value.kind == "string":  # ninjs 1: "headline": "…"
            self.string(value, f"{prefix}{field}")
            return
        for number, entry in enumerate(value.items if value.kind == "array" else [], start=1):
            text = entry.get("value")
            if text is None or text.kind != "string":
                continue
            role = entry.text("role")
            media = (entry.text("contentType") or entry.text("contenttype") or "").lower()
            markup = "html" in media or "xml" in media or (not media and re.match(r"\s*<[A-Za-z!]", text.string) is not None)
            if field == "body" and language:
                self.same_language(text, number, language)
            self.string(text, f"{prefix}{field}" + (f" ({role})" if role else ""), html_markup=markup)

    def associations(self, value: Value, prefix: str, language: str | None) -> None:
        entries = value.members.items() if value.kind == "object" else ((a.text("name") or str(i), a) for i, a in enumerate(value.items, 1))
        for name, entry in entries:
            if entry.kind != "object":
                continue
            own = entry.text("language")
            if own and language and own.split("-")[0].lower() != language.split("-")[0].lower():
                continue  # an associated item in another language is carried as it is
            self.walk(entry, f"{prefix}{name}: ", language or own)

    def same_language(self, text: Value, number: int, language: str) -> None:
        found = detect(re.sub(r"<[^>]*>", " ", text.string))
        if found.certain and found.lang != language.split("-")[0].lower():
            raise TransflowError(
                f"{self.reader.line(text.start)}: body {number} is written in {found.lang} but the item's language is {language}; "
                "one item is translated from one language: correct \"language\" or put that body in an item of its own"
            )

    def language_block(self, value: Value) -> Block:
        raw = self.reader.source[value.start + 1 : value.end - 1]
        return Block("language", self.reader.line(value.start), raw, value.string, encode=self.style, role="language")

    def string(self, value: Value, kind: str, html_markup: bool = False) -> None:
        """Cut a string member into blocks: as HTML, or as plain text with a block per line."""
        if not value.string.strip():
            return
        raw = self.reader.source[value.start + 1 : value.end - 1]
        line = self.reader.line(value.start)
        try:
            sub = html.parse(value.string) if html_markup else plaintext.parse(value.string)
        except TransflowError as err:
            raise TransflowError(f"{line}: {kind}: {str(err).split(': ', 1)[-1]}") from None
        offsets = jsontext.decoded_offsets(raw)
        parts: list[str | Block] = []
        at = 0
        for part in sub.parts:
            piece = part if isinstance(part, str) else part.raw
            span = raw[offsets[at] : offsets[at + len(piece)]]
            at += len(piece)
            if isinstance(part, str):
                parts.append(span)
                continue
            sub_kind = kind if not html_markup else f"{kind} {part.kind}"
            inner = tuple(self.inner(item, f"{kind} {item.block.kind}") for item in part.inner)
            parts.append(replace(part, kind=sub_kind if part.role != "language" else part.kind, line=line, raw=span, encode=self.chained(part.encode), inner=inner))
        self.spans.append((value.start + 1, value.end - 1, parts))

    def chained(self, name: str) -> str:
        return self.style if name == "verbatim" else f"{name}>{self.style}"

    def inner(self, item: InnerBlock, kind: str) -> InnerBlock:
        """An attribute inside an HTML run, re-anchored on the run's text as the JSON file escapes it."""
        anchor = encode(self.style, item.anchor)
        start = len(encode(self.style, item.anchor[: item.value_start]))
        end = len(encode(self.style, item.anchor[: item.value_end]))
        block = replace(item.block, kind=kind, raw=anchor[start:end], encode=self.chained(item.block.encode))
        return InnerBlock(block, anchor, start, end)


def version(item: Value) -> int:
    """The ninjs major version: ``standard.version`` where the item says, else told by its members' spelling."""
    standard = item.get("standard") or item.get("$standard")
    stated = standard.text("version") if standard is not None else None
    if stated and stated[:1] in "123":
        return int(stated[:1])
    keys = set(item.members)
    if keys & _V1_ONLY or any(_V1_TEXT.match(key) for key in keys) or (item.get("associations") or Value("", 0, 0)).kind == "object":
        return 1
    spelled = set(keys)
    for key in ("headlines", "bodies", "descriptions"):
        for entry in (item.get(key) or Value("", 0, 0)).items:
            spelled |= set(entry.members)
    return 3 if spelled & _V3_ONLY else 2


def finish(source: str, built: str, target: str) -> str:
    """The built item with ``language`` set (added where the source had none) and a link back to the source item.

    The link is an association named ``translatedFrom`` with the source's uri
    and language (in ninjs 3 also ``rel: irel:translatedFrom``); ninjs 1 keys
    associations by name. An item that already links to its original keeps that link.
    """
    _, original = jsontext.read(source)
    reader, item = jsontext.read(built)
    style = _style(source)
    insertions: list[tuple[int, str]] = []
    if item.get("language") is None:
        insertions.append(_member(reader, item, "language", _dump(target, style)))
    major = version(original)
    link = {"name": LINK_NAME, "uri": original.text("uri") or ""}
    if original.text("language"):
        link["language"] = original.text("language") or ""
    if major == 3:
        link["rel"] = LINK_REL
    associations = item.get("associations")
    if major == 1:
        del link["name"]
        if associations is None:
            insertions.append(_member(reader, item, "associations", _dump({LINK_NAME.lower(): link}, style)))
        elif associations.kind == "object" and LINK_NAME.lower() not in associations.members:
            insertions.append(_member(reader, associations, LINK_NAME.lower(), _dump(link, style)))
    elif associations is None:
        insertions.append(_member(reader, item, "associations", _dump([link], style)))
    elif associations.kind == "array" and not any(a.text("name") == LINK_NAME for a in associations.items):
        insertions.append(_element(reader, associations, _dump(link, style)))
    for at, text in sorted(insertions, reverse=True):
        built = built[:at] + text + built[at:]
    json.loads(built)  # what is written is JSON, whatever was inserted
    return built


def _dump(value: object, style: str) -> str:
    text = json.dumps(value, ensure_ascii="ascii" in style)
    return text.replace("/", "\\/") if "slash" in style else text


def _member(reader: jsontext.Reader, obj: Value, key: str, value: str) -> tuple[int, str]:
    """Where and what to insert to add ``key: value`` as the last member of *obj*, indented like its first."""
    gap = reader.source[obj.start + 1 : reader.skip(obj.start + 1)]
    if not obj.members:
        return obj.start + 1, f'{gap}"{key}": {value}'
    last = max(member.end for member in obj.members.values())
    return last, f',{gap}"{key}": {value}'


def _element(reader: jsontext.Reader, array: Value, value: str) -> tuple[int, str]:
    gap = reader.source[array.start + 1 : reader.skip(array.start + 1)]
    if not array.items:
        return array.start + 1, value
    return array.items[-1].end, f",{gap}{value}"
