"""The one data model every stage shares: a Document is its source file cut into
untouched skeleton text and translatable Blocks.

Concatenating the skeleton and each block's ``raw`` text gives back the source
byte for byte; rendering replaces a block's text only where its translation
differs, which is what makes reassembly trustworthy (see DESIGN.md).
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from enum import Enum


class CodeKind(str, Enum):
    """How an inline code relates to the text around it."""

    OPEN = "open"
    CLOSE = "close"
    STANDALONE = "standalone"


@dataclass(frozen=True)
class InlineCode:
    """Markup inside a sentence (emphasis, a link's URL part, inline HTML…).

    ``start``/``end`` index the block text. Paired codes share a ``pair`` id so
    that a sentence is never cut between an opening and its closing code.
    """

    start: int
    end: int
    kind: CodeKind
    pair: int | None = None


@dataclass
class Block:
    """A translatable unit of a document: a paragraph, heading, caption, cell…

    ``raw`` is the exact source span; ``text`` is what translators see (soft
    line breaks and container prefixes folded, quoting removed). ``encode``
    names how a translation is written back into the file format. A block
    whose ``role`` is ``language`` holds the document's language code, which
    a build sets to the target language. ``syntax`` is the markup language
    its text is written in ("html", "markdown"; "text" for plain text): there,
    only the block's own inline codes may be markup in a translation.
    """

    kind: str
    line: int
    raw: str
    text: str
    codes: tuple[InlineCode, ...] = ()
    encode: str = "verbatim"
    role: str = "text"
    inner: tuple[InnerBlock, ...] = ()
    syntax: str = "text"
    rebuild: Callable[[str], str] | None = None  # writes a translation where an encoder cannot (a Word paragraph's runs)

    def render(self, translated: str) -> str:
        if translated == self.text:
            return self.raw
        return self.rebuild(translated) if self.rebuild is not None else encode(self.encode, translated)

    def codes_within(self, start: int, end: int) -> tuple[InlineCode, ...]:
        """The codes inside ``text[start:end]``, found by bisection: a long block has many sentences and codes."""
        starts = self._code_starts
        found = self._sorted_codes[bisect_left(starts, start) : bisect_left(starts, end)]
        return tuple(code for code in found if code.end <= end)

    @cached_property
    def _sorted_codes(self) -> tuple[InlineCode, ...]:
        return tuple(sorted(self.codes, key=lambda code: code.start))

    @cached_property
    def _code_starts(self) -> list[int]:
        return [code.start for code in self._sorted_codes]


@dataclass
class InnerBlock:
    """A block that lives inside one of its parent's inline codes (an ``abbr`` title in a paragraph).

    ``anchor`` is the exact markup around it (``title="…"``), which translations
    carry verbatim; rendering swaps the value inside every copy of the anchor.
    """

    block: Block
    anchor: str
    value_start: int
    value_end: int

    def apply(self, text: str, translated: str) -> str:
        value = self.block.render(translated)
        if value == self.block.raw:
            return text
        replacement = self.anchor[: self.value_start] + value + self.anchor[self.value_end :]
        return text.replace(self.anchor, replacement)


@dataclass
class Document:
    """A parsed article: skeleton strings and Blocks in file order."""

    format: str
    parts: list[str | Block] = field(default_factory=list)
    package: object | None = None  # what a binary format (DOCX) needs besides the text to write the file back

    def source(self) -> str:
        """The text this document was parsed from: skeleton and blocks' raw text, in order."""
        return "".join(part if isinstance(part, str) else part.raw for part in self.parts)

    @property
    def blocks(self) -> list[Block]:
        """Every block, inner ones right after their parent."""
        found = []
        for part in self.parts:
            if isinstance(part, Block):
                found.append(part)
                found.extend(inner.block for inner in part.inner)
        return found

    def render(self, translate_block: Callable[[Block], str]) -> str:
        """Reassemble the file, asking *translate_block* for each block's text."""
        out = []
        for part in self.parts:
            if isinstance(part, str):
                out.append(part)
                continue
            text = part.render(translate_block(part))
            for inner in part.inner:
                text = inner.apply(text, translate_block(inner.block))
            out.append(text)
        return "".join(out)


_NOT_YAML = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_YAML_ESCAPE = re.compile(_NOT_YAML.pattern + "|[\x85\u2028\u2029]")


def _yaml_scalar(text: str) -> str:
    # A JSON string is a valid YAML double-quoted scalar; characters YAML may not hold raw
    # (DEL, C1 controls…) or would read as line breaks (NEL, U+2028/9) are escaped as JSON escapes C0.
    return _YAML_ESCAPE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", json.dumps(text, ensure_ascii=False))


def _yaml_folded(text: str) -> str:
    """One line inside a folded block scalar: a line break would end the scalar (and start a new key),
    and YAML cannot hold control characters at all."""
    return " ".join(_NOT_YAML.sub("", text).split())


def _html_attribute(text: str) -> str:
    """Safe inside single or double quotes: a translation never ends the value nor opens a tag."""
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("'", "&#39;").replace("<", "&lt;").replace(">", "&gt;")


def _markdown_table_cell(text: str) -> str:
    # A cell ends at a line break or an unescaped pipe.
    return re.sub(r"(?<!\\)\|", r"\\|", " ".join(text.splitlines()))


def _markdown_title(close: str) -> Callable[[str], str]:
    """A Markdown link or image title between its delimiters (``"…"``, ``'…'``, ``(…)``): what would end
    it or be read as an escape or entity is escaped, so the title reads back as the translation."""

    def write(text: str) -> str:
        text = re.sub(r"\\(?=[!-/:-@\[-`{-~])", r"\\\\", " ".join(text.split()))
        text = re.sub(r"&(?=#?\w+;)", r"\\&", text)
        return re.sub("([" + re.escape(close) + "])", r"\\\1", text)

    return write


def _json_string(text: str, ascii_only: bool = False, slash: bool = False) -> str:
    """The inside of a JSON string, escaped the way the source file escapes (``\\uXXXX``, ``\\/``) so diffs stay small."""
    out = json.dumps(text, ensure_ascii=ascii_only)[1:-1]
    return out.replace("/", "\\/") if slash else out


_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml_text(text: str) -> str:
    """XML character data: ``& < >`` escaped, characters XML 1.0 cannot hold dropped."""
    return _NOT_XML.sub("", text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


ENCODERS: Mapping[str, Callable[[str], str]] = {
    "verbatim": lambda text: text,
    "yaml": _yaml_scalar,
    "yaml-folded": _yaml_folded,
    "html-attribute": _html_attribute,
    "html-attribute-unquoted": lambda text: f'"{_html_attribute(text)}"',  # a space would start a new attribute
    "html-lang-attribute": lambda code: f' lang="{_html_attribute(code)}"',
    "markdown-table-cell": _markdown_table_cell,
    "markdown-title-double": _markdown_title('"'),
    "markdown-title-single": _markdown_title("'"),
    "markdown-title-paren": _markdown_title("()"),
    "json": _json_string,
    "json-ascii": lambda text: _json_string(text, ascii_only=True),
    "json-slash": lambda text: _json_string(text, slash=True),
    "json-ascii-slash": lambda text: _json_string(text, ascii_only=True, slash=True),
    "xml-text": _xml_text,
}


def encode(name: str, text: str) -> str:
    """Write *text* with the encoder *name*; ``a>b`` chains them (an HTML attribute inside a JSON string)."""
    for step in name.split(">"):
        text = ENCODERS[step](text)
    return text


@dataclass(frozen=True)
class Segment:
    """A sentence of a block: ``block.text[start:end]``, the unit of translation."""

    block: Block
    start: int
    end: int

    @property
    def text(self) -> str:
        return self.block.text[self.start : self.end]

    @property
    def codes(self) -> tuple[InlineCode, ...]:
        """The block's inline codes inside this segment, indexed from the segment start."""
        return tuple(
            InlineCode(code.start - self.start, code.end - self.start, code.kind, code.pair)
            for code in self.block.codes_within(self.start, self.end)
        )

    @property
    def translatable(self) -> bool:
        """Whether any letter is left once inline codes are removed (not "2026", not "–")."""
        text, cursor = self.text, 0
        for code in self.codes:
            if any(ch.isalpha() for ch in text[cursor : code.start]):
                return True
            cursor = code.end
        return any(ch.isalpha() for ch in text[cursor:])


class Origin(str, Enum):
    """Where a unit's translation came from; it stays with the translation once reviewed."""

    HUMAN = "human"
    TM_EXACT = "tm-exact"
    TM_FUZZY = "tm-fuzzy"
    PREVIOUS = "previous-version"
    MT = "mt"


class State(str, Enum):
    """How far a unit's translation is. ``exchange/states.py`` maps these to PO and XLIFF."""

    EMPTY = "empty"
    DRAFT = "draft"  # a machine draft, or a translation a reviewer marked as needing work
    SUGGESTED = "suggested"  # a fuzzy translation-memory match
    REVISED = "revised-source"  # the reviewed translation of an earlier version of the sentence
    REVIEWED = "reviewed"
    SIGNED_OFF = "signed-off"

    @property
    def needs_review(self) -> bool:
        return self in (State.DRAFT, State.SUGGESTED, State.REVISED)

    @property
    def done(self) -> bool:
        return self in (State.REVIEWED, State.SIGNED_OFF)

    @property
    def of_another_text(self) -> bool:
        """The target translates another sentence (an earlier version of it, a fuzzy TM match):
        a suggestion for the reviewer, never built as this sentence's translation, not even as a draft."""
        return self in (State.SUGGESTED, State.REVISED)


@dataclass(frozen=True)
class UnitProblem:
    """Something a reviewer must check in a unit, found by drafting, QA or a reader (``check``: an id)."""

    check: str
    message: str


# A unit whose inline codes a translator damaged: never built, never learned.
CODES_DAMAGED = "codes-damaged"


@dataclass(frozen=True)
class Risk:
    """How much a draft needs the reviewer, and why: ``level`` is high, medium or low.

    Assessed once when the draft is made (risk.py) and carried through PO and
    XLIFF as data, so ``status --review`` reads it back without re-deriving it.
    """

    level: str
    reasons: tuple[str, ...] = ()


@dataclass
class Unit:
    """A source segment and its translation as exchanged with translators (a PO entry).

    What is known about the translation travels as typed fields (``state``,
    ``origin``, ``block``, ``problems``, ``risk``, ``candidates``); the exchange formats turn them into
    flags, states and comments through one table (``exchange/states.py``,
    ``exchange/facts.py``). ``notes`` are free text for the reviewer that no
    code reads back. ``codes`` locate the inline codes in ``source`` where
    the article is known; XLIFF turns them into inline elements.
    """

    source: str
    target: str = ""
    state: State | None = None  # None: reviewed if there is a target, else empty
    context: str | None = None
    occurrences: list[tuple[str, int]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    translator_comment: str = ""
    codes: tuple[InlineCode, ...] = ()
    previous_source: str | None = None
    previous_target: str | None = None  # the reviewed translation of previous_source, as it was offered
    origin: Origin | None = None
    origin_detail: str = ""  # e.g. the engine and model, or the TM score and remembered source
    block: str | None = None  # the kind of block the sentence is in (paragraph, heading…)
    problems: list[UnitProblem] = field(default_factory=list)
    line: int | None = None  # the line of the unit in the PO/XLIFF file it was read from, for messages
    risk: Risk | None = None  # how much the draft needs the reviewer (risk.py)
    candidates: list[str] = field(default_factory=list)  # names seen in the source that the glossary lacks

    def __post_init__(self) -> None:
        if self.state is None:
            self.state = State.REVIEWED if self.target else State.EMPTY

    @property
    def fuzzy(self) -> bool:
        """Waiting for a reviewer (PO ``fuzzy``): never built unless asked, never learned by the TM."""
        return self.state.needs_review

    @property
    def reviewed(self) -> bool:
        """A human-approved translation: never overwritten by MT or TM."""
        return bool(self.target) and self.state.done

    def translate(self, target: str, state: State, origin: Origin | None = None, detail: str = "") -> None:
        """Set the translation and what is known about it in one step, so they never disagree."""
        self.target, self.state, self.origin, self.origin_detail = target, state if target else State.EMPTY, origin, detail

    def has_problem(self, check: str) -> bool:
        return any(problem.check == check for problem in self.problems)
