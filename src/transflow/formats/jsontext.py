"""JSON with offsets: where every value starts and ends in the source text.

Python's json module decodes values but forgets where they were; a byte-exact
rebuild needs the span of each string. This reader walks the text once (with
json's own string scanner), bounded in depth and size, and refuses what JSON
does not allow (NaN, trailing commas, duplicate keys: which one would win?).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from json.decoder import JSONDecodeError, scanstring

from ..errors import TransflowError

# No news item comes near these; a hostile file stops here, before any recursion or memory runs out.
MAX_DEPTH = 64
MAX_CHARS = 16 * 1024 * 1024

_WS = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
_LITERALS = ("true", "false", "null")


@dataclass
class Value:
    """A JSON value and its span ``text[start:end]`` (a string's span includes its quotes)."""

    kind: str  # object, array, string, number, literal
    start: int
    end: int
    members: dict[str, Value] = field(default_factory=dict)
    items: list[Value] = field(default_factory=list)
    string: str = ""

    def get(self, key: str) -> Value | None:
        return self.members.get(key) if self.kind == "object" else None

    def text(self, key: str) -> str | None:
        """The string value of member *key*, or None if it is not a string."""
        found = self.get(key)
        return found.string if found is not None and found.kind == "string" else None


class Reader:
    def __init__(self, text: str) -> None:
        if len(text) > MAX_CHARS:
            raise TransflowError(f"1: the JSON file is larger than {MAX_CHARS // (1024 * 1024)} MiB; no news item is, so it is refused")
        self.source = text
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def line(self, offset: int) -> int:
        return bisect_right(self.line_starts, offset)

    def fail(self, offset: int, what: str) -> TransflowError:
        return TransflowError(f"{self.line(offset)}: not valid JSON ({what}); fix the file")

    def skip(self, at: int) -> int:
        return _WS.match(self.source, at).end()

    def document(self) -> Value:
        value, end = self.value(self.skip(0), 0)
        end = self.skip(end)
        if end != len(self.source):
            raise self.fail(end, "extra data after the value")
        return value

    def value(self, at: int, depth: int) -> tuple[Value, int]:
        text = self.source
        if depth > MAX_DEPTH:
            raise TransflowError(f"{self.line(at)}: JSON nested deeper than {MAX_DEPTH} levels; no news item is, so it is refused")
        char = text[at : at + 1]
        if char == "{":
            return self.container(at, depth, "object")
        if char == "[":
            return self.container(at, depth, "array")
        if char == '"':
            try:
                string, end = scanstring(text, at + 1, True)
            except JSONDecodeError as err:
                raise self.fail(err.pos, err.msg.lower()) from None
            return Value("string", at, end, string=string), end
        number = _NUMBER.match(text, at)
        if number and number.end() > at:
            return Value("number", at, number.end()), number.end()
        literal = next((word for word in _LITERALS if text.startswith(word, at)), None)
        if literal:
            return Value("literal", at, at + len(literal)), at + len(literal)
        raise self.fail(at, "expected a value" if char else "the file ends too early")

    def container(self, at: int, depth: int, kind: str) -> tuple[Value, int]:
        text, close = self.source, "}" if kind == "object" else "]"
        node = Value(kind, at, at)
        i = self.skip(at + 1)
        if text.startswith(close, i):
            node.end = i + 1
            return node, node.end
        while True:
            if kind == "object":
                if not text.startswith('"', i):
                    raise self.fail(i, "expected a member name in double quotes")
                key, i = self.value(i, depth + 1)
                i = self.skip(i)
                if not text.startswith(":", i):
                    raise self.fail(i, "expected ':' after the member name")
                item, i = self.value(self.skip(i + 1), depth + 1)
                if key.string in node.members:
                    raise self.fail(key.start, f"member {key.string!r} appears twice; keep one")
                node.members[key.string] = item
            else:
                item, i = self.value(i, depth + 1)
                node.items.append(item)
            i = self.skip(i)
            if text.startswith(close, i):
                node.end = i + 1
                return node, node.end
            if not text.startswith(",", i):
                raise self.fail(i, f"expected ',' or '{close}'")
            i = self.skip(i + 1)


def read(text: str) -> tuple[Reader, Value]:
    """Parse *text*; errors start with the line number like every format's."""
    reader = Reader(text)
    return reader, reader.document()


def decoded_offsets(raw: str) -> list[int]:
    """For the inside of a JSON string, the raw offset where each decoded character starts (and the end).

    An escape (``\\n``, ``\\u00e9``, a surrogate pair) is one decoded character,
    so a span of the decoded text maps back to the exact source text.
    """
    offsets, i = [], 0
    while i < len(raw):
        offsets.append(i)
        if raw[i] != "\\":
            i += 1
        elif raw[i + 1] != "u":
            i += 2
        elif 0xD800 <= int(raw[i + 2 : i + 6], 16) < 0xDC00 and raw[i + 6 : i + 8] == "\\u" and 0xDC00 <= int(raw[i + 8 : i + 12], 16) < 0xE000:
            i += 12
        else:
            i += 6
    offsets.append(len(raw))
    return offsets
