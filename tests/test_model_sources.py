"""Where models come from: the Argos index, transflow's catalogue, a URL, a bundle; all verified."""

import hashlib
import json
import threading
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from conftest import run_transflow
from transflow import models
from transflow.synthetic_models import build_copy_package


@pytest.fixture
def package(tmp_path, sentencepiece_model):
    """Make a copy-model package for a pair no other test installs; remove it afterwards."""
    made = []

    def make(source, target, version="1.0"):
        made.append((source, target))
        return build_copy_package(tmp_path / f"translate-{source}_{target}.argosmodel", source, target, sentencepiece_model, package_version=version)

    yield make
    for pair in made:
        if pair in models.installed():
            models.remove(*pair)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def downloads_dir() -> Path:
    from argostranslate import settings

    return Path(settings.downloads_dir)


def test_index_hit(project, cli, package, monkeypatch, installed_models):
    pkg = package("en", "fr")
    index = project / "index"
    index.mkdir()
    (index / "index.json").write_text(json.dumps([{"type": "translate", "from_code": "en", "to_code": "fr", "links": [pkg.as_uri()]}]))
    monkeypatch.setenv("ARGOS_PACKAGE_INDEX", index.as_uri() + "/")
    result = cli("models", "install", "en", "fr")
    assert result.code == 0, result.stderr
    assert ("en", "fr") in models.installed()


def write_catalogue(project, monkeypatch, entries):
    path = project / "catalogue.json"
    path.write_text(json.dumps(entries))
    monkeypatch.setenv("TRANSFLOW_MODEL_CATALOGUE", str(path))


def test_catalogue_fallback_when_the_index_lacks_the_pair(project, cli, package, monkeypatch, installed_models):
    pkg = package("fr", "en")
    index = project / "index"
    index.mkdir()
    (index / "index.json").write_text("[]")
    monkeypatch.setenv("ARGOS_PACKAGE_INDEX", index.as_uri() + "/")
    entry = {"from_code": "fr", "to_code": "en", "url": pkg.as_uri(), "size": pkg.stat().st_size, "sha256": sha256(pkg)}
    write_catalogue(project, monkeypatch, [entry])
    result = cli("models", "install", "fr", "en")
    assert result.code == 0, result.stderr
    assert ("fr", "en") in models.installed()


def test_checksum_mismatch_installs_nothing(project, cli, package, monkeypatch, installed_models):
    pkg = package("en", "de")
    entry = {"from_code": "en", "to_code": "de", "url": pkg.as_uri(), "size": pkg.stat().st_size, "sha256": "0" * 64}
    write_catalogue(project, monkeypatch, [entry])
    result = cli("models", "install", "en", "de")
    assert result.code == 1
    assert "does not match the expected" in result.stderr and "nothing was installed" in result.stderr
    assert ("en", "de") not in models.installed()
    assert not list(downloads_dir().glob("translate-en_de*"))


def test_builtin_catalogue_knows_vietnamese():
    known = {(e["from_code"], e["to_code"]): e for e in models.catalogue()}
    assert known[("en", "vi")]["sha256"] == "86957101aa4099aa9a1a7492e41987d938d3cf0fdaf4fb684c0797a9d567dd16"
    assert known[("vi", "en")]["size"] == 65_895_840


class _FlakyServer(BaseHTTPRequestHandler):
    """Serves one file; the first request is cut off half-way; later ones honour Range."""

    payload = b""
    requests: list = []

    def do_GET(self):
        span = self.headers.get("Range")
        type(self).requests.append(span)
        data, status = self.payload, 200
        if span:
            start = int(span.split("=")[1].rstrip("-"))
            data, status = data[start:], 206
        self.send_response(status)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if len(type(self).requests) == 1:
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.connection.shutdown(2)
            return
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def test_interrupted_download_resumes(project, cli, package, installed_models):
    pkg = package("en", "es")
    _FlakyServer.payload, _FlakyServer.requests = pkg.read_bytes(), []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FlakyServer)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/translate-en_es-1_0.argosmodel"
    try:
        first = cli("models", "install", "--url", url, "--sha256", sha256(pkg))
        assert first.code == 1 and "run the same command again to resume" in first.stderr
        assert (downloads_dir() / "translate-en_es-1_0.argosmodel.part").exists()
        assert ("en", "es") not in models.installed()
        second = cli("models", "install", "--url", url, "--sha256", sha256(pkg))
        assert second.code == 0, second.stderr
    finally:
        server.shutdown()
    assert _FlakyServer.requests[0] is None and _FlakyServer.requests[1].startswith("bytes=")
    assert ("en", "es") in models.installed()
    assert not list(downloads_dir().glob("translate-en_es*"))


def test_bundle_carries_models_to_a_clean_machine(project, cli, installed_models, tmp_path):
    bundle = project / "models.zip"
    exported = cli("models", "export-bundle", bundle)
    assert exported.code == 0, exported.stderr
    clean = {"ARGOS_PACKAGES_DIR": str(tmp_path / "airgapped"), "XDG_DATA_HOME": str(tmp_path / "xdg")}
    imported = run_transflow("models", "import-bundle", bundle, env=clean, cwd=project)
    assert imported.returncode == 0, imported.stderr
    listing = run_transflow("models", "list", env=clean, cwd=project)
    assert "via en" in listing.stdout and "translate-en_vi-1_0" in listing.stdout
    translated = run_transflow("translate", "sample_articles/asean-japan.txt", "--to", "vi", env=clean, cwd=project)
    assert translated.returncode == 0, translated.stderr


def test_damaged_bundle_installs_nothing(project, cli, installed_models, tmp_path):
    bundle = project / "models.zip"
    cli("models", "export-bundle", bundle)
    damaged = project / "damaged.zip"
    with zipfile.ZipFile(bundle) as source, zipfile.ZipFile(damaged, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            target.writestr(item, data[:-1] + b"!" if item.filename.endswith("model.bin") else data)
    clean = {"ARGOS_PACKAGES_DIR": str(tmp_path / "airgapped")}
    result = run_transflow("models", "import-bundle", damaged, env=clean, cwd=project)
    assert result.returncode == 1 and "does not match its checksum" in result.stderr
    assert not [p for p in (tmp_path / "airgapped").iterdir() if not p.name.startswith(".")]


def test_doctor_on_good_and_corrupted_packages(project, package_files, tmp_path):
    folder = tmp_path / "packages"
    folder.mkdir()
    for pair in (("en", "vi"), ("en", "ja")):
        with zipfile.ZipFile(package_files[pair]) as archive:
            archive.extractall(folder)
    env = {"ARGOS_PACKAGES_DIR": str(folder)}
    good = run_transflow("models", "doctor", env=env, cwd=project)
    assert good.returncode == 0, good.stderr
    assert "en→vi 1.0: ok" in good.stdout and "licence: Synthetic copy model" in good.stdout
    (folder / "translate-en_ja-1_0" / "model" / "model.bin").write_bytes(b"not a model")
    bad = run_transflow("models", "doctor", env=env, cwd=project)
    assert bad.returncode == 1
    assert "en→ja 1.0: FAILED" in bad.stdout and "does not load" in bad.stdout
    assert "en→vi 1.0: ok" in bad.stdout
