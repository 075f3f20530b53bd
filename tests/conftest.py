"""Session fixtures: tiny real Argos copy models, installed once through argostranslate.

argostranslate reads ARGOS_PACKAGES_DIR (and creates its XDG folders) when it
is first imported, so the environment is pointed at a session folder here,
before any test imports it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_articles"
SCHEMAS = ROOT / "tests" / "schemas"  # OASIS, LISA and TBX schemas shipped with the tests (see its README)

_SESSION_HOME = Path(tempfile.mkdtemp(prefix="transflow-tests-"))
os.environ["ARGOS_PACKAGES_DIR"] = str(_SESSION_HOME / "packages")
for variable in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
    os.environ[variable] = str(_SESSION_HOME / "xdg")
os.environ["ARGOS_PACKAGE_INDEX"] = "http://127.0.0.1:9/"  # nothing may reach the network

PAIRS = [("en", "vi"), ("en", "ja"), ("vi", "en"), ("ja", "en")]


def pytest_sessionfinish(session, exitstatus):
    shutil.rmtree(_SESSION_HOME, ignore_errors=True)


@pytest.fixture(scope="session")
def sentencepiece_model() -> Path:
    from transflow.synthetic_models import train_sentencepiece

    texts = [path.read_text(encoding="utf-8") for path in sorted(SAMPLES.iterdir())]
    return train_sentencepiece(texts, _SESSION_HOME / "spm")


@pytest.fixture(scope="session")
def package_files(sentencepiece_model) -> dict[tuple[str, str], Path]:
    """Copy-model .argosmodel files for every pair the tests translate."""
    from transflow.synthetic_models import build_copy_package

    folder = _SESSION_HOME / "argosmodels"
    folder.mkdir(exist_ok=True)
    return {
        (src, tgt): build_copy_package(folder / f"translate-{src}_{tgt}-1_0.argosmodel", src, tgt, sentencepiece_model)
        for src, tgt in PAIRS
    }


@pytest.fixture(scope="session")
def careless_package(sentencepiece_model) -> Path:
    """An en→vi model that deletes bracket-like and other symbol pieces, as real models garble markup."""
    from transflow.synthetic_models import build_copy_package

    folder = _SESSION_HOME / "careless"
    folder.mkdir(exist_ok=True)
    return build_copy_package(folder / "translate-en_vi-1_0.argosmodel", "en", "vi", sentencepiece_model, careless=True)


@pytest.fixture(scope="module")
def careless_engine(careless_package, tmp_path_factory):
    """The careless en→vi model, installed in a folder of its own."""
    from transflow.engines.argos import ArgosEngine
    from transflow.models import InstalledModel

    folder = tmp_path_factory.mktemp("careless")
    with zipfile.ZipFile(careless_package) as archive:
        archive.extractall(folder)
    path = folder / "translate-en_vi-1_0"
    return ArgosEngine(installed={("en", "vi"): InstalledModel("en", "vi", "1.0", path)})


@pytest.fixture(scope="session")
def garbling_package(sentencepiece_model) -> Path:
    """The careless en→vi model that also garbles "Z", so no placeholder form survives it:
    every glossary term must be repaired after MT (the risk calibration's worst case)."""
    from transflow.synthetic_models import build_copy_package

    folder = _SESSION_HOME / "garbling"
    folder.mkdir(exist_ok=True)
    return build_copy_package(folder / "translate-en_vi-1_0.argosmodel", "en", "vi", sentencepiece_model, careless=True, also_garble="Z")


def unpacked_engine(package: Path, folder: Path, source: str = "en", target: str = "vi"):
    """An ArgosEngine running one .argosmodel kept outside the installed packages."""
    import zipfile

    from transflow.engines.argos import ArgosEngine
    from transflow.models import InstalledModel

    with zipfile.ZipFile(package) as archive:
        archive.extractall(folder)
    path = folder / package.stem
    return ArgosEngine(installed={(source, target): InstalledModel(source, target, "1.0", path)})


@pytest.fixture(scope="session")
def installed_models(package_files) -> Path:
    """The copy models installed with argostranslate's own installer."""
    from argostranslate import package

    for path in package_files.values():
        package.install_from_path(path)
    return Path(os.environ["ARGOS_PACKAGES_DIR"])


@pytest.fixture
def project(tmp_path, monkeypatch) -> Path:
    """An empty newsroom project folder (the current directory) with the sample articles."""
    shutil.copytree(SAMPLES, tmp_path / "sample_articles")
    monkeypatch.chdir(tmp_path)
    return tmp_path


class CliResult:
    def __init__(self, code: int, stdout: str, stderr: str) -> None:
        self.code, self.stdout, self.stderr = code, stdout, stderr


@pytest.fixture
def cli(capsys):
    """Run ``transflow ARGS`` in-process through the real entry point."""
    from transflow.cli import main

    def run(*args: str) -> CliResult:
        capsys.readouterr()
        old_argv = sys.argv
        sys.argv = ["transflow", *map(str, args)]
        try:
            main()
            code = 0
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else 1
        finally:
            sys.argv = old_argv
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run


def table_rows(text: str) -> list[tuple[str, ...]]:
    """The body rows of a table the CLI printed (rich's box lines), each cell stripped; wrapped continuation lines dropped."""
    rows = []
    for line in text.splitlines():
        if "│" in line and not line.lstrip().startswith(("┃", "┏", "┡", "└", "┗")):
            cells = tuple(cell.strip() for cell in line.strip().strip("│").split("│"))
            if cells[0]:
                rows.append(cells)
    return rows


PG_URL = os.environ.get("TRANSFLOW_TEST_PG", "")


def pg_schema(prefix: str):
    """Yield (admin connection, schema, URL whose tables live in that fresh schema); the schema is dropped afterwards.

    Without TRANSFLOW_TEST_PG the test is skipped, except in CI (.ci/run starts the server and sets it), where it fails.
    """
    if not PG_URL:
        if os.environ.get("CI") == "true":
            pytest.fail("CI must test the PostgreSQL TM: .ci/run sets TRANSFLOW_TEST_PG=postgresql://… after starting the server")
        pytest.skip("no PostgreSQL server: set TRANSFLOW_TEST_PG=postgresql://user@host/db to test the shared TM")
    import uuid

    import psycopg

    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = psycopg.connect(PG_URL, autocommit=True)
    admin.execute(f"CREATE SCHEMA {schema}")
    try:
        yield admin, schema, PG_URL + ("&" if "?" in PG_URL else "?") + f"options=-csearch_path%3D{schema}"
    finally:
        admin.execute(f"DROP SCHEMA {schema} CASCADE")
        admin.close()


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file below *root* and its bytes, to compare two trees byte for byte."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def review(path: Path | str, translations, *, comment: str | None = None, wrapwidth: int = 78) -> None:
    """What a reviewer does in Poedit: type translations and clear 'needs work'.

    *translations* maps a source to its text (None keeps the draft, approving it), or is a
    function of the source applied to every entry; *comment* replaces the translator comment.
    """
    catalog = polib.pofile(str(path), wrapwidth=wrapwidth)
    wanted = set() if callable(translations) else set(translations)
    for entry in catalog:
        if entry.obsolete or not (callable(translations) or entry.msgid in wanted):
            continue
        text = translations(entry.msgid) if callable(translations) else translations[entry.msgid]
        wanted.discard(entry.msgid)
        if text is not None:
            entry.msgstr = text
        entry.flags = [flag for flag in entry.flags if flag != "fuzzy"]
        if comment is not None:
            entry.tcomment = comment
    assert not wanted, f"{path} has no entry for {sorted(wanted)}"
    catalog.save()


from transflow.engines import Scored  # noqa: E402  (after the environment above; no model is read on import)


class Counting(Scored):
    """The real Argos engine, with every text it is sent recorded."""

    name = "argos"

    def __init__(self, fail_after: int | None = None):
        from transflow.engines.argos import ArgosEngine

        self.engine = ArgosEngine()
        self.sent: list[str] = []
        self.batches: list[list[str]] = []
        self.calls = 0
        self.fail_after = fail_after

    def check(self, source, target):
        self.engine.check(source, target)

    def origin(self, source, target):
        return self.engine.origin(source, target)

    def translate_scored(self, texts, source, target):
        self.calls += 1
        if self.fail_after is not None and self.calls > self.fail_after:
            raise KeyboardInterrupt  # the run is killed here
        self.sent += list(texts)
        self.batches.append(list(texts))
        return self.engine.translate_scored(texts, source, target)


def english_articles(folder: Path, copies: int = 3) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(copies):
        for name in ("asean-japan.txt", "mekong-summit.md", "asean-cybersecurity.html"):
            target = folder / f"{Path(name).stem}-{n}{Path(name).suffix}"
            shutil.copy(SAMPLES / name, target)
            paths.append(target)
    return paths


def settings(project: Path):
    """A batch's settings for *project*: English articles to Vietnamese and Japanese, default layout."""
    from transflow.project import Project
    from transflow.workflow import Settings

    layout = Project(project, project / "locales", project / "localized", project / ".transflow")
    return Settings(layout, "en", ("vi", "ja"))


# QA cases per target language: source -> (clean translation, faulty translation, the check that flags it).
QA_CASES = {
    "vi": {
        "Deputy Foreign Minister Nguyen Quoc Dung arrived.": ("Thứ trưởng Bộ Ngoại giao Nguyen Quoc Dung đã đến.", "Thứ trưởng Ngoại giao Nguyen Quoc Dung đã đến.", "glossary"),
        "The Foreign Minister spoke.": ("Bộ trưởng Ngoại giao đã phát biểu.", "Bộ trưởng Ngoại giao, tức Ngoại trưởng, đã phát biểu.", "deprecated-term"),
        "Trade reached 240.8 billion USD on Nov. 27.": ("Thương mại đạt 240,8 tỷ USD ngày 27/11.", "Thương mại đạt 240,9 tỷ USD ngày 27/11.", "numbers"),
        "Read the **full** text now.": ("Hãy đọc **toàn** văn ngay.", "Hãy đọc toàn văn ngay.", "markup"),
        "See https://asean.org/news for more.": ("Xem thêm tại https://asean.org/news nhé.", "Xem thêm tại https://asean.org/tin-tuc nhé.", "urls"),
        "The summit ended late in the evening.": ("Hội nghị kết thúc muộn vào buổi tối.", "The summit ended late in the evening.", "untranslated"),
        "Leaders met again today.": ("Các nhà lãnh đạo lại gặp nhau hôm nay.", "", "empty"),
        "The talks, however, continued.": ("Tuy nhiên, cuộc đàm phán vẫn tiếp tục.", "Tuy nhiên , cuộc đàm phán vẫn tiếp tục.", "spacing"),
        "The fund (JAIF) helps the region.": ("Quỹ (JAIF) hỗ trợ khu vực.", "Quỹ (JAIF hỗ trợ khu vực.", "brackets"),
        "Japan and Vietnam signed an agreement on energy cooperation.": ("Nhật Bản và Việt Nam đã ký thỏa thuận hợp tác năng lượng.", "Đã ký.", "length"),
        "The ministers agreed on the plan.": ("Các bộ trưởng đã nhất trí về kế hoạch.", "Các bộ trưởng đã đã nhất trí về kế hoạch.", "repeated-word"),
    },
    "ja": {
        "Deputy Foreign Minister Nguyen Quoc Dung arrived.": ("Nguyen Quoc Dung外務副大臣が到着した。", "Nguyen Quoc Dung外務大臣が到着した。", "glossary"),
        "The Foreign Minister spoke.": ("外務大臣が発言した。", "外務大臣（外相）が発言した。", "deprecated-term"),
        "Trade reached 240.8 billion USD on Nov. 27.": ("貿易額は11月27日に2408億ドルに達した。", "貿易額は11月28日に2408億ドルに達した。", "numbers"),
        "Read the **full** text now.": ("**全文**を今すぐ読んでください。", "全文**を今すぐ読んでください。", "markup"),
        "See https://asean.org/news for more.": ("詳しくはhttps://asean.org/newsを参照。", "詳しくはASEANのサイトを参照。", "urls"),
        "The summit ended late in the evening.": ("首脳会議は夜遅くに終わった。", "The summit ended late in the evening.", "untranslated"),
        "Leaders met again today.": ("首脳らは今日再び会談した。", "", "empty"),
        "He spoke and she listened.": ("彼は話し、彼女は聞いた。", "彼は話した。 彼女は聞いた。", "spacing"),
        "The fund (JAIF) helps the region.": ("基金（JAIF）は地域を支援する。", "基金（JAIF は地域を支援する。", "brackets"),
        "Japan and Vietnam signed an agreement on energy cooperation.": ("日本とベトナムはエネルギー協力協定に署名した。", "日本とベトナムはエネルギー協力に関する協定に署名し、その内容について長時間にわたって詳細に議論を重ね、今後の協力の方向性と具体的な実施計画をめぐる意見交換を行い、さらに地域の安定と繁栄のために協力を続けることで一致し、共同声明を発表したうえで次回の会合の日程についても確認した。", "length"),
        "The ministers agreed on the plan.": ("閣僚らは計画に合意した。", "閣僚らは計画に計画に合意した。", "repeated-word"),
    },
}


def gettext_tool(name: str) -> str:
    """The path of a GNU gettext program; the test fails without it (a skip here would skip the rest of the test)."""
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"GNU gettext {name} is not installed, so the PO files cannot be judged; install it (Debian: apt-get install gettext)")
    return found


def msgfmt_check(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([gettext_tool("msgfmt"), "--check", "-o", os.devnull, str(path)], capture_output=True, text=True)


def run_transflow(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """``transflow ARGS`` in a fresh process (its own ARGOS_PACKAGES_DIR, as on another machine)."""
    environment = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "transflow", *map(str, args)], capture_output=True, text=True, env=environment, cwd=cwd, timeout=300
    )


def without_placeholders(text: str) -> str:
    """What an adversarial engine returns that deletes every placeholder form protect.FORMS tries."""
    from transflow.protect import FORMS

    for form in FORMS:
        text = form.pattern().sub("", text)
    return text


def xliff_schema(version: str):
    """The OASIS XSD of XLIFF *version* ("1.2" strict or "2.0"), to judge the XLIFF files transflow writes."""
    from lxml import etree

    path = SCHEMAS / ("xliff12/xliff-core-1.2-strict.xsd" if version == "1.2" else "xliff20/xliff_core_2.0.xsd")
    return etree.XMLSchema(etree.parse(str(path)))


_W_NS = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
)
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
# A 1×1 PNG: the media a build must carry through untouched.
PIXEL_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000" "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)

DOCX_BODY = (
    # A heading with Word's table-of-contents bookmark around it.
    '<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:bookmarkStart w:id="0" w:name="_Toc1"/>'
    "<w:r><w:t>Floods close the Mekong ferry</w:t></w:r><w:bookmarkEnd w:id=\"0\"/></w:p>"
    # Bold inside a sentence, a footnote mark, a comment on the second sentence.
    '<w:p w:rsidR="00A1"><w:r><w:t xml:space="preserve">The ferry at </w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>Can Tho</w:t></w:r>'
    '<w:r><w:t xml:space="preserve"> stopped on Monday.</w:t></w:r>'
    '<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteReference w:id="1"/></w:r>'
    '<w:commentRangeStart w:id="0"/><w:r><w:t xml:space="preserve"> Officials said more rain is due.</w:t></w:r><w:commentRangeEnd w:id="0"/>'
    '<w:r><w:commentReference w:id="0"/></w:r></w:p>'
    # A word split into two runs by a spell-check mark and revision ids.
    '<w:p><w:r w:rsidR="00A1"><w:t>The commis</w:t></w:r><w:proofErr w:type="spellStart"/>'
    '<w:r w:rsidR="00B2"><w:rPr><w:lang w:val="en-GB"/></w:rPr><w:t xml:space="preserve">sion met on Tuesday.</w:t></w:r>'
    '<w:proofErr w:type="spellEnd"/></w:p>'
    # Bold across a sentence boundary.
    '<w:p><w:r><w:t xml:space="preserve">Water rose fast. </w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>Roads closed. Schools</w:t></w:r>'
    '<w:r><w:t xml:space="preserve"> stayed open.</w:t></w:r></w:p>'
    # A link, and italic.
    '<w:p><w:r><w:t xml:space="preserve">See </w:t></w:r><w:hyperlink r:id="rIdLink" w:history="1"><w:r><w:rPr><w:rStyle w:val="Hyperlink"/>'
    '<w:color w:val="0563C1"/><w:u w:val="single"/></w:rPr><w:t>the map</w:t></w:r></w:hyperlink>'
    '<w:r><w:t xml:space="preserve"> for roads that are </w:t></w:r><w:r><w:rPr><w:i/></w:rPr><w:t>open</w:t></w:r><w:r><w:t>.</w:t></w:r></w:p>'
    # A page-number field.
    '<w:p><w:r><w:t xml:space="preserve">Printed on page </w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r>'
    '<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r>'
    '<w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:t xml:space="preserve"> of the river report.</w:t></w:r></w:p>'
    # A table.
    "<w:tbl><w:tblPr><w:tblW w:w=\"0\" w:type=\"auto\"/></w:tblPr><w:tblGrid><w:gridCol/><w:gridCol/></w:tblGrid>"
    "<w:tr><w:tc><w:p><w:r><w:t>River level</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Four metres</w:t></w:r></w:p></w:tc></w:tr>"
    "<w:tr><w:tc><w:p><w:r><w:t>Ferries stopped</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Twelve</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
    '<w:p><w:r><w:t>Tom &amp; Jerry left &lt;early&gt;.</w:t></w:r></w:p>'
    # A picture in the text, with its caption after it.
    '<w:p><w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing">'
    '<wp:extent cx="914400" cy="914400"/><wp:docPr id="1" name="Picture 1" descr="A flooded ferry landing"/>'
    '<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
    '<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
    '<pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:nvPicPr><pic:cNvPr id="1" name="image1.png"/>'
    '<pic:cNvPicPr/></pic:nvPicPr><pic:blipFill><a:blip r:embed="rIdImage"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>'
    '<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="914400" cy="914400"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr>'
    "</pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r>"
    '<w:r><w:t xml:space="preserve"> The ferry landing under water (Photo: VNA)</w:t></w:r></w:p>'
    "<w:sectPr><w:headerReference w:type=\"default\" r:id=\"rIdHeader\"/></w:sectPr>"
)


def make_docx(path: Path, body: str = DOCX_BODY) -> Path:
    """A Word document written by hand, part by part, with what real ones have: styles, a header, a footnote,
    a comment, a link, an image in the media folder, and Word's run-splitting noise (see DOCX_BODY)."""
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/><Default Extension="png" ContentType="image/png"/>'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
            '<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>'
            '<Override PartName="/word/footnotes.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"/>'
            '<Override PartName="/word/comments.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"/>'
            '<Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="word/document.xml"/></Relationships>'
        ),
        "word/_rels/document.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rIdStyles" Type="{_REL}/styles" Target="styles.xml"/>'
            f'<Relationship Id="rIdFootnotes" Type="{_REL}/footnotes" Target="footnotes.xml"/>'
            f'<Relationship Id="rIdComments" Type="{_REL}/comments" Target="comments.xml"/>'
            f'<Relationship Id="rIdHeader" Type="{_REL}/header" Target="header1.xml"/>'
            f'<Relationship Id="rIdImage" Type="{_REL}/image" Target="media/image1.png"/>'
            f'<Relationship Id="rIdLink" Type="{_REL}/hyperlink" Target="https://example.com/map" TargetMode="External"/>'
            "</Relationships>"
        ),
        "word/document.xml": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document {_W_NS}><w:body>{body}</w:body></w:document>'
        ),
        "word/styles.xml": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:styles {_W_NS}>'
            '<w:docDefaults><w:rPrDefault><w:rPr><w:lang w:val="en-US" w:eastAsia="en-US" w:bidi="ar-SA"/></w:rPr></w:rPrDefault></w:docDefaults>'
            '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>'
            '<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/><w:basedOn w:val="Normal"/>'
            '<w:pPr><w:outlineLvl w:val="0"/></w:pPr><w:rPr><w:b/><w:sz w:val="32"/></w:rPr></w:style>'
            '<w:style w:type="character" w:styleId="FootnoteReference"><w:name w:val="footnote reference"/><w:rPr><w:vertAlign w:val="superscript"/></w:rPr></w:style>'
            '<w:style w:type="character" w:styleId="Hyperlink"><w:name w:val="Hyperlink"/><w:rPr><w:color w:val="0563C1"/><w:u w:val="single"/></w:rPr></w:style>'
            "</w:styles>"
        ),
        "word/footnotes.xml": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:footnotes {_W_NS}>'
            '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
            '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>'
            '<w:footnote w:id="1"><w:p><w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteRef/></w:r>'
            '<w:r><w:t xml:space="preserve"> Source: the provincial flood office.</w:t></w:r></w:p></w:footnote></w:footnotes>'
        ),
        "word/comments.xml": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:comments {_W_NS}>'
            '<w:comment w:id="0" w:author="Desk" w:date="2026-01-05T08:00:00Z" w:initials="D"><w:p><w:r><w:t>Check the river level.</w:t></w:r></w:p></w:comment>'
            "</w:comments>"
        ),
        "word/header1.xml": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:hdr {_W_NS}><w:p><w:r><w:t>Mekong Daily News</w:t></w:r></w:p></w:hdr>'
        ),
        "word/media/image1.png": PIXEL_PNG,
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return path


def soffice_text(path: Path, folder: Path) -> str:
    """What LibreOffice (headless) shows of a document, as plain text; skips when LibreOffice is not installed."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed (Debian: apt-get install libreoffice-writer-nogui)")
    folder.mkdir(parents=True, exist_ok=True)
    profile = folder / "profile"
    result = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "txt:Text (encoded):UTF8", "--outdir", str(folder), str(path)],
        capture_output=True, text=True, timeout=180,
    )
    out = folder / (path.stem + ".txt")
    assert out.is_file(), result.stdout + result.stderr
    return out.read_text(encoding="utf-8-sig")


# Poedit 3's XLIFF reading rules, transcribed from its src/catalog_xliff.cpp ------------------------------
# (XLIFF12CatalogItem / XLIFF2CatalogItem constructors and MetadataExtractor): what a reviewer sees.

# The patterns Poedit's syntax highlighter marks (strings in its syntaxhighlighter.cpp): placeholders, and markup.
POEDIT_PLACEHOLDER = re.compile(r"%[\w.-]+%|%?\{[\w.-]+\}|\{\{[\w.-]+\}\}")
POEDIT_MARKUP = re.compile(r"(<\/?[a-zA-Z0-9:-]+(\s+[-:\w]+(=([-:\w+]|\"[^\"]*\"|'[^']*'))?)*\s*\/?>)|(&[^ ;]+;)")


@dataclass
class PoeditItem:
    """One entry as Poedit shows it: source and translation (placeholders substituted), comments, fuzzy."""

    source: str
    translation: str
    comments: list[str]
    fuzzy: bool
    placeholders: list[str]  # the placeholder texts Poedit substitutes for inline codes


def _markup(node) -> str:
    from lxml import etree

    return etree.tostring(node, with_tail=False, encoding="unicode")


def _subtree(node) -> str:
    from lxml import etree
    from xml.sax.saxutils import escape

    return escape(node.text or "") + "".join(etree.tostring(child, with_tail=True, encoding="unicode") for child in node)


def _prettify(text: str) -> str:
    if not text:
        return "{}"
    if (text[0], text[-1]) in (("{", "}"), ("%", "%"), ("<", ">")):
        return text
    return "{" + text + "}"


def _metadata(source, single: str, group: str, display) -> tuple[bool, list[tuple[str, str]], str]:
    """MetadataExtractor: (plain text?, substitutions (placeholder, markup), the source as shown)."""
    plain = not len(source)
    extracted = (source.text or "") if plain else _subtree(source)
    found: dict[str, tuple[str, str, str, str]] = {}  # shown → (kind, id, markup, closing markup)
    seen: set[str] = set()
    for node in source.iterdescendants():
        name = node.tag.split("}")[-1] if isinstance(node.tag, str) else ""
        if name not in (single, group) or not node.get("id"):
            continue
        kind = "single" if name == single or (not len(node) and not node.text) else "group"
        markup = _markup(node)
        if markup in seen:
            continue
        seen.add(markup)
        ident = node.get("id")
        if kind == "single":
            shown = display(node)
            shown = _prettify(ident if not shown.strip() else shown)
            info = (kind, ident, markup, "")
        else:
            shown = "<g>"
            close = markup.rindex("</")
            info = (kind, ident, markup[: markup.index(">") + 1], markup[close:])
        if shown in found:
            other = found.pop(shown)
            if kind == "single":
                found[_prettify(other[1])], found[_prettify(ident)] = other, info
            else:
                found[f'<g id="{other[1]}">'], found[f'<g id="{ident}">'] = other, info
        else:
            found[shown] = info
    substitutions: list[tuple[str, str]] = []
    if not plain:
        removed = extracted
        for _, _, markup, closing in found.values():
            removed = removed.replace(markup, "")
            if closing:
                removed = removed.replace(closing, "")
        for shown in sorted(found):
            kind, _, markup, closing = found[shown]
            if kind == "single":
                while shown in removed:
                    shown = shown[0] + shown + shown[-1]
                substitutions.append((shown, markup))
            else:
                close = "</" + shown[1] + ">"
                while shown in removed or (closing and close in removed):
                    shown = shown[:1] + shown[1] + shown[1:]
                    close = close[:2] + close[2] + close[2:]
                substitutions.append((shown, markup))
                if closing:
                    substitutions.append((close, closing))
    for shown, markup in substitutions:
        extracted = extracted.replace(markup, shown)
    return plain, substitutions, extracted


def poedit_items(path: Path) -> list[PoeditItem]:
    """Every entry of an XLIFF 1.x or 2.0 file as Poedit 3 loads it."""
    from lxml import etree

    root = etree.parse(str(path)).getroot()
    ns = root.nsmap.get(None, "")
    q = (lambda tag: f"{{{ns}}}{tag}") if ns else (lambda tag: tag)
    items = []
    if root.get("version") == "2.0":
        nodes = [(segment, segment.getparent()) for segment in root.iter(q("segment")) if segment.getparent().get("translate") != "no"]
        single, group, display = "ph", "pc", lambda node: node.get("disp") or node.get("equiv") or ""
    else:
        nodes = [(unit, unit) for unit in root.iter(q("trans-unit")) if unit.get("translate") != "no"]
        single, group, display = "x", "g", lambda node: node.get("equiv-text") or ""
    for node, unit in nodes:
        plain, substitutions, shown = _metadata(node.find(q("source")), single, group, display)
        comments = [f"ID: {unit.get('id')}"] if unit.get("id") and unit.get("id") != shown else []
        target = node.find(q("target"))
        translation = ""
        if target is not None:
            translation = (target.text or "") if plain else _subtree(target)
            if not plain:
                for placeholder, markup in substitutions:
                    translation = translation.replace(markup, placeholder)
        if root.get("version") == "2.0":
            fuzzy = (bool(translation) and node.get("state") == "initial") or node.get("subState") == "poedit:fuzzy"
            notes = [n for n in unit.iter(q("note")) if n.get("category") != "location"]
        else:
            state = target.get("state", "") if target is not None else ""
            fuzzy = state in ("needs-adaptation", "needs-l10n") or (bool(translation) and state in ("new", "needs-translation"))
            notes = [n for n in unit if n.tag == q("note")]
        for note in notes:
            if note.text == "No comment provided by engineer.":
                continue
            comments += ([""] if comments else []) + [note.text or ""]
        items.append(PoeditItem(shown, translation, comments, fuzzy, [p for p, _ in substitutions]))
    return items


def poedit_mark_xliff(unit, version: str, done: bool) -> None:
    """The state Poedit writes on an XLIFF unit whose translation it saved: 1.2 ``state`` on the target
    (``translated`` or ``needs-l10n``, its qualifier dropped), 2.0 ``state="translated"`` on the segment with
    ``subState="poedit:fuzzy"`` while it needs work."""
    namespace = unit.tag.split("}")[0][1:]
    if version == "1.2":
        target = unit.find(f"{{{namespace}}}target")
        target.attrib.pop("state-qualifier", None)
        target.set("state", "translated" if done else "needs-l10n")
        return
    segment = unit.find(f"{{{namespace}}}segment")
    segment.set("state", "translated")
    if done:
        segment.attrib.pop("subState", None)
    else:
        segment.set("subState", "poedit:fuzzy")
