"""Article formats side by side: the same article as HTML, as an IPTC ninjs item and as a Word document.

For each format, N articles (the same text, figures varied so no two are
equal) go through ``transflow translate --engine none`` (parse, segment, PO)
in one process, every PO entry is given a reviewed translation that differs
from its source (so every block is rewritten, not copied), and each article
is built with ``transflow build``. Prints articles per second for both
stages and each format's ratio to HTML, measured in the same run.

    python benchmarks/formats.py [--articles 200]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import random
import re
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from transflow.cli import main  # noqa: E402

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def article(rng: random.Random) -> tuple[str, list[str]]:
    """A headline and paragraphs; ``**…**`` marks bold, as each format writes it."""
    n = lambda: rng.randint(2, 950)  # noqa: E731
    headline = f"Floods close {n()} ferries on the Mekong"
    paragraphs = [
        f"The ferry at **Can Tho** stopped on Monday after the river rose {n()} centimetres. Officials said more rain is due. "
        f"About {n()} passengers waited at the landing.",
        f"The provincial flood office counted {n()} flooded roads. Schools in {n()} districts stayed open. "
        f"Farmers moved {n()} tonnes of rice to higher ground.",
        f"**Roads closed.** Buses ran on {n()} routes instead. The army sent {n()} boats and {n()} soldiers.",
        f"The Mekong River Commission expects the water to fall by Friday. It measured {n()} cubic metres a second at the gauge.",
    ] * 3
    return headline, paragraphs


def bold(text: str) -> str:
    return re.sub(r"[*][*](.+?)[*][*]", r"<b>\1</b>", text)


def as_html(headline: str, paragraphs: list[str]) -> str:
    body = "\n".join(f"<p>{bold(p)}</p>" for p in paragraphs)
    return f'<!DOCTYPE html>\n<html lang="en">\n<head><title>{headline}</title></head>\n<body>\n<h1>{headline}</h1>\n{body}\n</body>\n</html>\n'


def as_ninjs(headline: str, paragraphs: list[str], number: int) -> str:
    html = "".join(f"<p>{bold(p)}</p>" for p in paragraphs)
    item = {
        "uri": f"urn:newsml:example.com:20260105:flood-{number}", "type": "text", "language": "en",
        "versionCreated": "2026-01-05T08:00:00Z", "headlines": [{"role": "main", "value": headline}],
        "bodies": [{"role": "main", "contentType": "text/html", "value": html}], "by": "Lan Nguyen", "located": "Can Tho",
    }
    return json.dumps(item, indent=2, ensure_ascii=False) + "\n"


def as_docx(headline: str, paragraphs: list[str]) -> bytes:
    def runs(text: str) -> str:
        pieces = re.split(r"[*][*](.+?)[*][*]", text)
        return "".join(
            f'<w:r>{"<w:rPr><w:b/></w:rPr>" if i % 2 else ""}<w:t xml:space="preserve">{piece}</w:t></w:r>' for i, piece in enumerate(pieces) if piece
        )

    body = f'<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr>{runs(headline)}</w:p>' + "".join(f"<w:p>{runs(p)}</w:p>" for p in paragraphs)
    parts = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        "_rels/.rels": f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="word/document.xml"/></Relationships>',
        "word/document.xml": f'<?xml version="1.0" encoding="UTF-8"?><w:document {W}><w:body>{body}</w:body></w:document>',
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return out.getvalue()


def transflow(*args: str) -> None:
    old = sys.argv
    sys.argv = ["transflow", *args]
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()) as err:
            try:
                main()
            except SystemExit as exit_:
                if exit_.code:
                    raise RuntimeError(f"transflow {' '.join(args)}: {err.getvalue()}") from None
    finally:
        sys.argv = old


def review(po_folder: Path) -> None:
    """Every entry reviewed, with a translation that differs from its source outside the inline codes."""
    for path in po_folder.rglob("*.po"):
        po = polib.pofile(str(path))
        for entry in po:
            entry.msgstr = re.sub(r"(<[^>]*>)|e", lambda m: m.group(1) or "é", entry.msgid)
            entry.flags = []
        po.save()


def measure(suffix: str, count: int, folder: Path) -> tuple[float, float]:
    project = folder / suffix.strip(".")
    inbox = project / "articles"
    inbox.mkdir(parents=True)
    rng = random.Random(2026)
    for number in range(count):
        headline, paragraphs = article(rng)
        path = inbox / f"{number:04d}-flood{suffix}"
        if suffix == ".html":
            path.write_text(as_html(headline, paragraphs), encoding="utf-8")
        elif suffix == ".json":
            path.write_text(as_ninjs(headline, paragraphs, number), encoding="utf-8")
        else:
            path.write_bytes(as_docx(headline, paragraphs))
    os.chdir(project)
    articles = sorted(str(p.relative_to(project)) for p in inbox.iterdir())
    began = time.perf_counter()
    transflow("translate", *articles, "--from", "en", "--to", "vi", "--engine", "none")
    translated = time.perf_counter() - began
    review(project / "locales")
    began = time.perf_counter()
    for name in articles:
        transflow("build", name, "--lang", "vi")
    built = time.perf_counter() - began
    return count / translated, count / built


def main_benchmark() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for suffix in (".html", ".json", ".docx"):  # warm-up: imports and first-use caches are nobody's cost
            measure(suffix, 2, Path(tmp) / "warm-up")
        results = {suffix: measure(suffix, args.articles, Path(tmp)) for suffix in (".html", ".json", ".docx")}
    html_translate, html_build = results[".html"]
    print(f"{args.articles} articles per format, {sum(1 for _ in article(random.Random(0))[1]) + 1} blocks each (headline + paragraphs)")
    print(f"{'format':8} {'translate art/s':>16} {'vs html':>8} {'build art/s':>12} {'vs html':>8}")
    for suffix, (translate_rate, build_rate) in results.items():
        print(f"{suffix:8} {translate_rate:16.1f} {translate_rate / html_translate:8.2f} {build_rate:12.1f} {build_rate / html_build:8.2f}")


if __name__ == "__main__":
    main_benchmark()
