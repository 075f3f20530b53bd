"""Glossaries as TBX: v2 (``<martif>``, termEntry/langSet/tig) and v3 (ISO 30042:2019,
``<tbx>``, conceptEntry/langSec/termSec), DCA and DCT styles. Writing produces
TBX-Basic v3 (DCA), valid against the TBX core structure.
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from .. import languages
from ..errors import TransflowError, UsageError
from ..textio import write_atomic
from ..xmlsafe import local_name, parse as parse_xml
from . import ADMITTED, DEPRECATED, PREFERRED, Entry, Glossary, Term, languages_of
from .problems import Problem

TBX3 = "urn:iso:std:iso:30042:ed-2"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_STATUS = {
    "preferredterm-admn-sts": PREFERRED,
    "admittedterm-admn-sts": ADMITTED,
    "deprecatedterm-admn-sts": DEPRECATED,
    "supersededterm-admn-sts": DEPRECATED,
}
_FLAGS = ("transflow-dnt", "transflow-case-sensitive")


def parse(path: Path) -> tuple[list[Entry], list[Problem]]:
    root = parse_xml(path, "glossary").getroot()
    if local_name(root) not in ("martif", "tbx"):
        raise TransflowError(f"{path}:{root.sourceline}: not a TBX file (root <{local_name(root)}>); expected <tbx> or <martif>")
    problems: list[Problem] = []
    entries = []
    for concept in root.iter():
        if local_name(concept) in ("termEntry", "conceptEntry"):
            entries.append(_entry(concept, path, problems))
    return entries, problems


def _entry(concept: etree._Element, path: Path, problems: list[Problem]) -> Entry:
    entry = Entry(origin=f"{path}:{concept.sourceline}")
    notes = []
    for child in concept:
        name, kind = local_name(child), child.get("type", "")
        text = " ".join("".join(child.itertext()).split())
        if name == "descrip" and kind == "subjectField":
            entry.kind = text.lower()
        elif name == "descrip" and kind == "definition" or name == "note":
            notes.append(text)
        elif name == "admin" and kind in _FLAGS:
            flag = text.lower() in ("yes", "true", "1")
            if kind == "transflow-dnt":
                entry.dnt = flag
            else:
                entry.case_sensitive = flag
        elif name in ("langSet", "langSec"):
            _language(child, entry, path, problems, notes)
    entry.note = "; ".join(n for n in notes if n)
    if not entry.terms:
        problems.append(Problem(entry.origin, "entry has no terms; it is skipped"))
    return entry


def _language(section: etree._Element, entry: Entry, path: Path, problems: list[Problem], notes: list[str]) -> None:
    code = section.get(XML_LANG) or section.get("lang") or ""
    try:
        lang = languages.check(code)
    except UsageError:
        problems.append(Problem(f"{path}:{section.sourceline}", f"unknown language {code!r}", fatal=True))
        return
    for holder in section.iter():
        if local_name(holder) not in ("tig", "ntig", "termSec"):
            continue
        term = next((e for e in holder.iter() if local_name(e) == "term"), None)
        text = " ".join("".join(term.itertext()).split()) if term is not None else ""
        if not text:
            problems.append(Problem(f"{path}:{holder.sourceline}", f"empty {lang} term"))
            continue
        status = ADMITTED if entry.terms.get(lang) else PREFERRED
        for element in holder.iter():
            name = local_name(element)
            if (name == "termNote" and element.get("type") == "administrativeStatus") or name == "administrativeStatus":
                value = (element.text or "").strip().lower()
                status = _STATUS.get(value, status)
            elif name in ("note", "descrip") and element.text and element is not term:
                notes.append(" ".join(element.text.split()))
        terms = entry.terms.setdefault(lang, [])
        if status == PREFERRED and any(t.status == PREFERRED for t in terms):
            status = ADMITTED
        terms.append(Term(text, status))
        terms.sort(key=lambda t: (t.status != PREFERRED, t.status == DEPRECATED))


def write(glossary: Glossary, path: Path) -> None:
    langs = languages_of(glossary.entries)
    nsmap = {None: TBX3}
    root = etree.Element(f"{{{TBX3}}}tbx", nsmap=nsmap, type="TBX-Basic", style="dca")
    root.set(XML_LANG, langs[0] if langs else "en")
    header = etree.SubElement(etree.SubElement(root, f"{{{TBX3}}}tbxHeader"), f"{{{TBX3}}}fileDesc")
    etree.SubElement(etree.SubElement(header, f"{{{TBX3}}}sourceDesc"), f"{{{TBX3}}}p").text = "Newsroom glossary written by transflow"
    body = etree.SubElement(etree.SubElement(root, f"{{{TBX3}}}text"), f"{{{TBX3}}}body")
    for number, entry in enumerate(glossary.entries, start=1):
        concept = etree.SubElement(body, f"{{{TBX3}}}conceptEntry", id=f"c{number}")
        if entry.kind:
            etree.SubElement(concept, f"{{{TBX3}}}descrip", type="subjectField").text = entry.kind
        if entry.dnt:
            etree.SubElement(concept, f"{{{TBX3}}}admin", type="transflow-dnt").text = "yes"
        if entry.case_sensitive is not None:
            etree.SubElement(concept, f"{{{TBX3}}}admin", type="transflow-case-sensitive").text = "yes" if entry.case_sensitive else "no"
        if entry.note:
            etree.SubElement(concept, f"{{{TBX3}}}note").text = entry.note
        for lang in langs:
            terms = entry.terms.get(lang)
            if not terms:
                continue
            section = etree.SubElement(concept, f"{{{TBX3}}}langSec")
            section.set(XML_LANG, lang)
            for term in terms:
                holder = etree.SubElement(section, f"{{{TBX3}}}termSec")
                etree.SubElement(holder, f"{{{TBX3}}}term").text = term.text
                status = {PREFERRED: "preferredTerm-admn-sts", ADMITTED: "admittedTerm-admn-sts", DEPRECATED: "deprecatedTerm-admn-sts"}
                etree.SubElement(holder, f"{{{TBX3}}}termNote", type="administrativeStatus").text = status[term.status]
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    write_atomic(path, data)
