"""PO text exactly as GNU gettext's msgcat writes it, which is how Poedit saves every PO file.

Poedit writes a PO file and then reformats it with ``msgcat --force-po
--width=79`` (``POCatalog::Save`` in its ``src/catalog_po.cpp``), so a file
written the same way survives a Poedit save byte for byte and a transflow
re-run after a review churns nothing in version control. This module follows
gettext's ``write-po.c``: the order of comments, ``#:`` references filled to
the page width, and strings wrapped where Unicode line breaking allows
(between words, and between Japanese characters) through libunistring's
``u32_width_linebreaks``, the very function msgcat calls. Where libunistring
is not installed, breaks fall after spaces, inside hyphenated words and
between CJK characters, which is what it does for most news text.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

PAGE_WIDTH = 79
_ESCAPES = {"\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\\": "\\\\", '"': '\\"'}
_PROHIBITED, _POSSIBLE = 1, 2
_POSSIBLE_BYTE = bytes([_POSSIBLE])


@dataclass
class Entry:
    """One PO entry as written (the header is the entry with an empty msgid)."""

    msgid: str
    msgstr: str
    msgctxt: str | None = None
    translator_comments: Sequence[str] = ()
    extracted_comments: Sequence[str] = ()
    references: Sequence[tuple[str, int | None]] = ()
    flags: Sequence[str] = ()
    previous_msgctxt: str | None = None
    previous_msgid: str | None = None
    obsolete: bool = False


def render(entries: Sequence[Entry], width: int = PAGE_WIDTH) -> str:
    """The PO text of *entries*, separated by blank lines as msgcat separates them."""
    return "\n".join(render_entry(entry, width) for entry in entries)


def render_entry(entry: Entry, width: int = PAGE_WIDTH) -> str:
    out: list[str] = [("# " + line) if line else "#" for line in _lines(entry.translator_comments)]
    if not entry.obsolete:
        out += [("#. " + line) if line else "#." for line in _lines(entry.extracted_comments)]
        out += _references(entry.references, width)
    if entry.flags:
        out.append("#, " + ", ".join(entry.flags))
    previous = "#~| " if entry.obsolete else "#| "
    prefix = "#~ " if entry.obsolete else ""
    if entry.previous_msgctxt is not None:
        out += wrap(previous, "msgctxt", entry.previous_msgctxt, width)
    if entry.previous_msgid is not None:
        out += wrap(previous, "msgid", entry.previous_msgid, width)
    if entry.msgctxt is not None:
        out += wrap(prefix, "msgctxt", entry.msgctxt, width)
    out += wrap(prefix, "msgid", entry.msgid, width)
    out += wrap(prefix, "msgstr", entry.msgstr, width)
    return "".join(line + "\n" for line in out)


def wrapping_width(text: str) -> int:
    """The page width Poedit finds in a PO file and saves it with (``POCatalogParser::ReadTextLine``).

    The longest line, in characters, of those that hold a space and are not
    comments or hard-wrapped (ending in ``\\n"``); the default width when no
    string is wrapped. Poedit then runs ``msgcat --width`` with it, so
    Japanese text, whose characters are two columns wide, is wrapped narrower
    after a Poedit save; writing at the same width keeps such a file stable.
    """
    widest, wrapped, previous = 0, False, ""
    for line in text.splitlines():
        if not line or line.startswith(("#. ", "# ")):
            continue
        if line.lstrip("#~| ").startswith('"') and previous and not previous.endswith('\\n"') and not previous.endswith(' ""'):
            wrapped = True
        if not line.endswith('\\n"') and line not in ('msgid ""', 'msgstr ""') and line.rfind(" ") > 2:
            widest = max(widest, len(line))
        previous = line
    return widest if wrapped and widest else PAGE_WIDTH


def _lines(comments: Sequence[str]) -> list[str]:
    return [line for comment in comments for line in comment.split("\n")]


def _references(references: Sequence[tuple[str, int | None]], width: int) -> list[str]:
    """``#:`` lines filled up to the page width (counted in bytes, as gettext counts them)."""
    if not references:
        return []
    lines, line, column = [], "#:", 2
    for path, number in references:
        name = f"{_ISOLATE_START}{path}{_ISOLATE_END}" if " " in path or "\t" in path else path
        item = name + (f":{number}" if number is not None else "")
        size = len(item.encode("utf-8")) + 1
        if column > 2 and column + size > width:
            lines.append(line)
            line, column = "#:", 2
        line += " " + item
        column += size
    lines.append(line)
    return lines


_ISOLATE_START, _ISOLATE_END = "\u2068", "\u2069"


def parse_references(lines: Sequence[str]) -> list[tuple[str, int | None]]:
    """The ``#:`` references of an entry, read as gettext (0.22+) reads them.

    A name holding a space or a tab is written between the Unicode isolates
    U+2068 and U+2069 (``#: ⁨articles/my article.txt⁩:3``); any other name
    ends at white space. A reference ends in ``:LINE`` only when LINE is digits.
    """
    found: list[tuple[str, int | None]] = []
    for line in lines:
        text, i = line[2:] if line.startswith("#:") else line, 0
        while i < len(text):
            if text[i].isspace():
                i += 1
                continue
            if text[i] == _ISOLATE_START:
                end = text.find(_ISOLATE_END, i + 1)
                end = len(text) if end < 0 else end
                name, i = text[i + 1 : end], end + 1
                tail = re.match(r":(\d+)", text[i:])
                if tail is not None:
                    i += tail.end()
                found.append((name, int(tail.group(1)) if tail else None))
                continue
            end = i
            while end < len(text) and not text[end].isspace():
                end += 1
            token, i = text[i:end], end
            name, colon, number = token.rpartition(":")
            found.append((name, int(number)) if colon and name and number.isdigit() else (token, None))
    return found


def wrap(prefix: str, keyword: str, value: str, width: int = PAGE_WIDTH) -> list[str]:
    """``keyword "value"`` split into lines as gettext's ``wrap()`` does, each line starting with *prefix*."""
    lines: list[str] = []
    portions = _portions(value)
    first = True
    after_break = len(prefix) + 1  # subsequent lines start after the prefix and the opening quote
    limit = width - 1 - after_break  # room for the closing quote
    for index, portion in enumerate(portions):
        escaped = portion.translate(_ESCAPE_TABLE)
        start = (len(prefix) + len(keyword) + 1 if first else len(prefix)) + 1 - after_break
        breaks = _linebreaks(escaped, limit, start)
        if first and escaped and (index + 1 < len(portions) or start > limit or breaks):
            lines.append(f'{prefix}{keyword} ""')
            first = False
            start = len(prefix) + 1 - after_break
            breaks = _linebreaks(escaped, limit, start)
        head = f"{prefix}{keyword} " if first else prefix
        cuts = [0, *breaks, len(escaped)]
        pieces = [escaped[a:b] for a, b in zip(cuts, cuts[1:])]
        lines.append(f'{head}"{pieces[0]}"')
        lines += [f'{prefix}"{piece}"' for piece in pieces[1:]]
        first = False
    return lines


def _portions(value: str) -> list[str]:
    """The value cut after each newline (an empty value is one empty portion)."""
    if not value:
        return [""]
    parts = value.split("\n")
    portions = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        portions.append(parts[-1])
    return portions


_ESCAPE_TABLE = str.maketrans(_ESCAPES)
_ESCAPE_SEQUENCE = re.compile(r"\\.")


def _linebreaks(text: str, width: int, start: int) -> list[int]:
    """The positions in *text* (escaped) where a new line starts; never inside an escape sequence."""
    if _fits(text, width - start):
        return []
    overrides = bytearray(len(text))  # 0: Unicode line breaking decides
    for match in _ESCAPE_SEQUENCE.finditer(text):
        overrides[match.start() + 1] = _PROHIBITED
    library = _libunistring()
    if library is None:
        return _fallback_linebreaks(text, overrides, width, start)
    result = ctypes.create_string_buffer(len(text))
    library.u32_width_linebreaks(text.encode("utf-32-le"), len(text), width, start, 0, bytes(overrides), b"UTF-8", result)
    raw, found, at = result.raw, [], -1
    while (at := raw.find(_POSSIBLE_BYTE, at + 1)) >= 0:
        found.append(at)
    return found


def _fits(text: str, room: int) -> bool:
    """Whether *text* is at most *room* columns wide, so that no break is ever needed."""
    if len(text) * 2 <= room:
        return True
    if text.isascii():
        return len(text) <= room
    return sum(_width(ch) for ch in text) <= room


@lru_cache(maxsize=1)
def _libunistring():
    name = ctypes.util.find_library("unistring")
    if name is None:
        return None
    try:
        library = ctypes.CDLL(name)
        function = library.u32_width_linebreaks
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p]
    function.restype = ctypes.c_int
    return library


def _width(ch: str) -> int:
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


_NO_BREAK_BEFORE = set("、。，．・：；？！ー）」』】〕〉》ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ々ゝゞヽヾ!%),.:;?]}")
_NO_BREAK_AFTER = set("（「『【〔〈《([{")


def _fallback_linebreaks(text: str, overrides: bytearray, width: int, start: int) -> list[int]:
    """Greedy filling at break opportunities: after spaces, after a hyphen or slash inside a word, around CJK characters."""
    possible = [False] * len(text)
    for i in range(1, len(text)):
        before, ch = text[i - 1], text[i]
        if overrides[i] == _PROHIBITED or ch == " ":
            continue
        wide = _width(before) == 2 or _width(ch) == 2
        after_hyphen = ch.isalpha() and (before == "/" or (before == "-" and i > 1 and text[i - 2].isalnum()))
        if before == " " or after_hyphen or (wide and ch not in _NO_BREAK_BEFORE and before not in _NO_BREAK_AFTER):
            possible[i] = True
    breaks: list[int] = []
    column, piece, last = start, 0, None
    for i, ch in enumerate(text):
        if possible[i]:
            if last is not None and column + piece > width:
                breaks.append(last)
                column = 0
            last, column, piece = i, column + piece, 0
        piece += _width(ch)
    if last is not None and column + piece > width:
        breaks.append(last)
    return breaks
