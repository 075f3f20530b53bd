"""Reading untrusted XML: no entity expansion, no network, no huge trees.

Glossaries, XLIFF and TMX come from outside the newsroom; a file with a
DOCTYPE that declares entities (billion laughs, external entities) is refused
outright rather than parsed with the entities left unexpanded. A DOCTYPE that
only names an external DTD (as TMX files do) is fine: it is never loaded.
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from .errors import TransflowError

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False, remove_comments=False)


def parse(path: Path, what: str) -> etree._ElementTree:
    """Parse *path* safely, or raise a one-line error naming the file and line."""
    try:
        tree = etree.parse(str(path), _PARSER)
    except OSError as err:
        raise TransflowError(f"{path}: cannot read the {what} ({err}); check the path") from None
    except etree.XMLSyntaxError as err:
        raise TransflowError(f"{path}:{err.lineno}: not well-formed XML ({' '.join(str(err.msg).split())}); fix the {what}") from None
    doctype = tree.docinfo.internalDTD
    if doctype is not None and list(doctype.iterentities()):
        raise TransflowError(f"{path}: the {what} declares XML entities in its DOCTYPE; refused for safety, remove the DOCTYPE")
    return tree


def local_name(element: etree._Element) -> str:
    """An element's tag without its namespace ("" for comments and processing instructions)."""
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def check_bytes(data: bytes, origin: str, what: str) -> etree._Element:
    """Parse XML held in memory (a member of a DOCX) with the same safety as ``parse``; one-line errors name *origin*."""
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as err:
        raise TransflowError(f"{origin}:{err.lineno}: not well-formed XML ({' '.join(str(err.msg).split())}); {what}") from None
    doctype = root.getroottree().docinfo.internalDTD
    if doctype is not None and list(doctype.iterentities()):
        raise TransflowError(f"{origin}: declares XML entities in its DOCTYPE; refused for safety, {what}")
    return root
