"""Installing, listing and removing Argos packages through the CLI."""

from conftest import table_rows
from transflow.synthetic_models import build_copy_package


def test_install_list_and_remove_a_package_file(project, cli, sentencepiece_model, installed_models):
    package = build_copy_package(project / "translate-en_ko-1_0.argosmodel", "en", "ko", sentencepiece_model)
    before = {row[:3] for row in table_rows(cli("models", "list").stdout)}
    assert ("vi", "ko", "via en") not in before and not any("ko" in row[:2] for row in before)
    installed = cli("models", "install", "--file", package)
    assert installed.code == 0, installed.stderr
    assert "installed en→ko 1.0" in installed.stdout
    listing = {row[:3] for row in table_rows(cli("models", "list").stdout)}
    assert {("en", "ko", "direct"), ("vi", "ko", "via en"), ("ja", "ko", "via en")} <= listing  # vi→ko and ja→ko become reachable
    removed = cli("models", "remove", "en", "ko")
    assert removed.code == 0 and "removed en→ko 1.0" in removed.stdout
    assert not (installed_models / "translate-en_ko-1_0").exists()
    assert cli("models", "remove", "en", "ko").code == 2


def test_newer_version_replaces_the_older_one(project, cli, sentencepiece_model, installed_models):
    old = build_copy_package(project / "old.argosmodel", "en", "th", sentencepiece_model, package_version="1.0")
    new = build_copy_package(project / "new.argosmodel", "en", "th", sentencepiece_model, package_version="1.1")
    assert cli("models", "install", "--file", old).code == 0
    assert cli("models", "install", "--file", new).code == 0
    assert (installed_models / "translate-en_th-1_1").is_dir()
    assert not (installed_models / "translate-en_th-1_0").exists()
    assert cli("models", "remove", "en", "th").code == 0
