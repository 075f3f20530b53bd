"""Translation text is text: in HTML and Markdown, markup comes only from the source's own inline codes.

A reviewer, a CAT tool or a TM can put anything into a translation, and an
article goes to the open web. So a build splits each translation into the
segment's own inline codes (each used at most as often as the source uses
it; a code is identified by its exact source markup, which is what PO
carries and what the XLIFF readers rebuild from the ids) and runs of text;
each run is written as text of the target format (escaped), and a run that
still holds markup (a tag, comment, Markdown link or autolink, also behind
character references) is refused rather than escaped, since it is not what
the reviewer meant either. QA and the TM use the same detector so that such
a translation is flagged, never learnt and never replayed.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Callable, Mapping

from .document import Block, Segment
from .errors import TransflowError
from .formats import html as html_format, markdown as markdown_format

_MARKUP = re.compile(  # every repetition is bounded, so a long hostile run costs linear time
    r"<(?:/?[A-Za-z][A-Za-z0-9:-]{0,64}(?:[\s/][^<>]{0,2000})?|![A-Za-z][^<>]{0,2000}|\?[^<>]{0,2000})>"  # tags, declarations
    r"|<[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]{0,2000}>|<[\w.+-]{1,200}@[\w-]{1,100}(?:\.[\w-]{1,100}){1,10}>"  # autolinks
    r"|\]\((?:[^()\]]|\([^()]{0,200}\)){0,2000}\)|\]\[[^\][]{0,1000}\]"  # a Markdown link's tail: ](url) or ][label]
    r"|<!--|<\?|<![A-Za-z]",  # comments, and declarations left open
)

Decode = Callable[[str], str]
Encode = Callable[[str, bool], str]
SYNTAXES: Mapping[str, tuple[Decode, Encode]] = {
    "html": (html_format.decode_text, html_format.encode_text),
    "markdown": (markdown_format.decode_text, markdown_format.encode_text),
    "docx": (lambda text: text, lambda text, line_start: text),  # text stays text: the paragraph writer escapes it
}


class MarkupError(TransflowError):
    """A translation holds markup that its source does not: refused, never escaped silently."""

    def __init__(self, markup: str, why: str = "adds markup its source does not have") -> None:
        super().__init__(f"the translation {why}: {markup[:60]!r}; translations are text, so remove it (markup comes only from the source's own tags)")
        self.markup = markup


def markup_in(text: str) -> list[str]:
    """Every piece of markup in *text*, as written and behind character references."""
    found = _MARKUP.findall(text)
    decoded = html.unescape(text)
    if decoded != text:
        found += [m for m in _MARKUP.findall(decoded) if m not in found]
    return found


def foreign(source: str, target: str) -> str | None:
    """The first piece of markup in *target* that *source* does not have as often (None if none)."""
    if not any(ch in target for ch in "<]&"):
        return None
    have = Counter(markup_in(source))
    want = Counter(markup_in(target))
    return next((piece for piece, count in want.items() if count > have[piece]), None)


def safe_target(segment: Segment, target: str) -> str:
    """*target* as the segment's block writes it: the segment's codes kept, every other run escaped as text.

    Raises MarkupError when a run holds markup or a code is used more often than in the source.
    """
    syntax = SYNTAXES.get(segment.block.syntax)
    if syntax is None or target == segment.text:
        return target
    decode, encode = syntax
    raws = [segment.text[code.start : code.end] for code in segment.codes]
    left = Counter(raws)
    longest = sorted(left, key=len, reverse=True)
    out: list[str] = []
    run: list[str] = []
    line_start = not segment.block.text[: segment.start].strip()
    shown = _without(segment.text, raws)
    shown_decoded = decode(shown)

    def flush() -> None:
        nonlocal line_start
        if not run:
            return
        text = "".join(run)
        run.clear()
        for found in [*_MARKUP.finditer(decode(text)), *_MARKUP.finditer(text)]:
            # What the source sentence shows as text (``\<br/>``, ``&lt;script&gt;``) may stay text.
            if found.group(0) not in shown and found.group(0) not in shown_decoded:
                reused = found.group(0) in left
                raise MarkupError(found.group(0), "uses an inline code more often than its source" if reused else "adds markup its source does not have")
        out.append(encode(text, line_start))
        line_start = False

    i = 0
    while i < len(target):
        raw = next((r for r in longest if left[r] and target.startswith(r, i)), None)
        if raw is None:
            run.append(target[i])
            i += 1
            continue
        flush()
        out.append(raw)
        left[raw] -= 1
        line_start = raw.rstrip(" \t").endswith("\n")
        i += len(raw)
    flush()
    return "".join(out)


def _without(text: str, codes: list[str]) -> str:
    for code in sorted(codes, key=len, reverse=True):
        text = text.replace(code, "")
    return text


def check_block(block: Block, built: str) -> None:
    """Refuse a built Markdown block whose codes regrouped into elements its source does not make
    (``*`` ``*`` ``*`` ``*`` around one word is ``<strong>`` where the source had two ``<em>``)."""
    if block.syntax != "markdown" or built == block.text:
        return
    extra = markdown_format.elements(built) - markdown_format.elements(block.text)
    if extra:
        element = next(iter(extra))
        raise MarkupError(f"<{element[0]}>", "makes an element its source does not have")
