"""Plain-text articles: every non-blank line is a block; the first is the headline.

Line endings, blank lines and the whitespace around each line are skeleton, so
the layout of the source comes back exactly.
"""

from __future__ import annotations

import re

from ..document import Block, Document

_CAPTION = re.compile(r"[(（]\s*(?:Photo|Ảnh|写真|Source|Nguồn|Video)\s*[:：][^()（）]*[)）]\s*$", re.IGNORECASE)


def parse(text: str) -> Document:
    doc = Document("text")
    headline_seen = False
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        body = line.rstrip("\r\n")
        content = body.strip()
        if not content:
            doc.parts.append(line)
            continue
        lead = body[: len(body) - len(body.lstrip())]
        trail = body[len(lead) + len(content) :] + line[len(body) :]
        kind = "paragraph" if headline_seen else "headline"
        if headline_seen and _CAPTION.search(content):
            kind = "caption"
        headline_seen = True
        doc.parts.extend([lead, Block(kind, number, content, content), trail])
    return doc
