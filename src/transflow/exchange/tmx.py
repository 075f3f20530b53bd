"""TMX 1.4b, the exchange format of translation memories.

Written with the TMX 1.4 DOCTYPE so that it validates against the DTD; read
safely (no entities, no network) from any tool, taking the text of inline
elements (``<bpt>``, ``<ph>``…), which TMX defines as the native codes.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from lxml import etree

from .. import __version__, languages
from ..errors import TransflowError, UsageError
from ..memory import TMUnit
from ..textio import write_atomic
from ..xmlsafe import parse as parse_xml

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
DOCTYPE = '<!DOCTYPE tmx SYSTEM "tmx14.dtd">'


def _tmx_date(iso: str) -> str:
    """2026-11-28T12:00:00Z → 20261128T120000Z, TMX's form."""
    return iso.replace("-", "").replace(":", "") if iso else ""


def _iso_date(tmx: str) -> str:
    if len(tmx) == 16 and tmx[8] == "T":
        return f"{tmx[0:4]}-{tmx[4:6]}-{tmx[6:8]}T{tmx[9:11]}:{tmx[11:13]}:{tmx[13:15]}Z"
    return ""


def write(path: Path, units: Iterable[TMUnit], source_lang: str, target_lang: str) -> int:
    root = etree.Element("tmx", version="1.4")
    etree.SubElement(
        root,
        "header",
        {
            "creationtool": "transflow",
            "creationtoolversion": __version__,
            "datatype": "plaintext",
            "segtype": "sentence",
            "adminlang": "en",
            "srclang": source_lang,
            "o-tmf": "transflow",
        },
    )
    body = etree.SubElement(root, "body")
    count = 0
    for unit in units:
        tu = etree.SubElement(body, "tu")
        if unit.created:
            tu.set("creationdate", _tmx_date(unit.created))
        if unit.updated:
            tu.set("changedate", _tmx_date(unit.updated))
        for name, value in (("x-origin", unit.origin), ("x-article", unit.article), ("x-context-prev", unit.prev), ("x-context-next", unit.next)):
            if value:
                etree.SubElement(tu, "prop", type=name).text = value
        for lang, text in ((source_lang, unit.source), (target_lang, unit.target)):
            tuv = etree.SubElement(tu, "tuv")
            tuv.set(XML_LANG, lang)
            etree.SubElement(tuv, "seg").text = text
        count += 1
    etree.indent(root, space=" ")
    data = etree.tostring(root, encoding="UTF-8", xml_declaration=True, doctype=DOCTYPE)
    write_atomic(path, data + b"\n")
    return count


def _language(tag: str) -> str:
    """The language of a BCP 47 tag, whatever its case or region (``EN-us``, ``en_US``, ``en`` → ``en``),
    as transflow's languages are bare codes; an unknown tag is a UsageError."""
    return languages.locale(languages.check(tag)).language


def read(path: Path) -> list[TMUnit]:
    """Every translation unit of a TMX file, one TMUnit per (source, target) language pair in it."""
    root = parse_xml(path, "TMX file").getroot()
    if root.tag != "tmx":
        raise TransflowError(f"{path}:{root.sourceline}: not a TMX file (root <{root.tag}>); export TMX 1.4 from your tool")
    header = root.find("header")
    source_lang = header.get("srclang") if header is not None else None
    if not source_lang or source_lang == "*all*":
        raise UsageError(f"{path}: the TMX header names no single srclang; transflow needs to know the source language")
    source_lang = _language(source_lang)
    units = []
    for tu in root.iter("tu"):
        props = {p.get("type"): p.text or "" for p in tu.findall("prop")}
        variants = {}
        for tuv in tu.findall("tuv"):
            lang = tuv.get(XML_LANG) or tuv.get("lang")
            seg = tuv.find("seg")
            if lang and seg is not None:
                try:
                    variants[_language(lang)] = "".join(seg.itertext())
                except UsageError:
                    continue
        source = variants.pop(source_lang, None)
        if source is None:
            continue
        for target_lang, target in variants.items():
            units.append(
                TMUnit(
                    source_lang,
                    target_lang,
                    source,
                    target,
                    props.get("x-origin", "human"),
                    props.get("x-article", ""),
                    props.get("x-context-prev", ""),
                    props.get("x-context-next", ""),
                    _iso_date(tu.get("creationdate", "")),
                    _iso_date(tu.get("changedate", "")),
                )
            )
    return units
