"""Hostile and damaged archives: `models install --file`, downloaded .argosmodel files, `models import-bundle`.

Every case builds its archive here, runs the real install path against a
packages folder holding two installed packages, and asserts that a refusal
is one line and leaves that folder byte for byte as it was.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import stat
import tempfile
import time
import tracemalloc
import zipfile
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from transflow import archives, bundles, models
from transflow.errors import TransflowError

SMALL = archives.Limits(members=50, member_bytes=64 << 10, total_bytes=256 << 10, ratio=20.0, ratio_floor=4 << 10)


# Building archives -----------------------------------------------------------------------


def _info(name: str, mode: int | None = None, method: int = zipfile.ZIP_DEFLATED) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
    info.compress_type = method
    if mode is not None:
        info.create_system = 3
        info.external_attr = mode << 16
    return info


def make_zip(path: Path, members: list[tuple[str | zipfile.ZipInfo, bytes]]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            archive.writestr(name if isinstance(name, zipfile.ZipInfo) else _info(name), data)
    return path


def package_members(folder: str, source: str, target: str, version: str = "1.0", weights: bytes = b"weights") -> list[tuple[str, bytes]]:
    """What an .argosmodel holds, with a stand-in model (installing never loads it)."""
    metadata = {"package_version": version, "from_code": source, "to_code": target, "type": "translate"}
    return [
        (f"{folder}/metadata.json", json.dumps(metadata).encode()),
        (f"{folder}/model/model.bin", weights),
        (f"{folder}/sentencepiece.model", b"spm"),
    ]


def make_bundle(path: Path, packages: list[dict], members: list[tuple[str, bytes]], extra: list[tuple[str | zipfile.ZipInfo, bytes]] = ()) -> Path:
    manifest = {"format": 1, "packages": packages}
    return make_zip(path, [*members, *extra, (bundles.MANIFEST, json.dumps(manifest).encode())])


def manifest_entry(members: list[tuple[str, bytes]], folder: str, source: str, target: str, version: str = "1.0") -> dict:
    files = {name: hashlib.sha256(data).hexdigest() for name, data in members if name.startswith(folder + "/")}
    return {"folder": folder, "from_code": source, "to_code": target, "version": version, "files": files}


def snapshot(folder: Path) -> dict[str, tuple]:
    """Every entry below *folder*: kind, mode and content (links by target), to compare byte for byte."""
    found = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            info = path.lstat()
            if stat.S_ISLNK(info.st_mode):
                found[str(path.relative_to(folder))] = ("link", os.readlink(path))
            elif stat.S_ISDIR(info.st_mode):
                found[str(path.relative_to(folder))] = ("dir", stat.S_IMODE(info.st_mode))
            else:
                found[str(path.relative_to(folder))] = ("file", stat.S_IMODE(info.st_mode), path.read_bytes())
    return found


@contextmanager
def packages_at(folder: Path):
    """Point transflow (through argostranslate's settings) at *folder* as the packages directory."""
    from argostranslate import settings as argos_settings

    folder.mkdir(parents=True, exist_ok=True)
    with mock.patch.object(argos_settings, "package_data_dir", folder), mock.patch.object(argos_settings, "package_dirs", [folder]):
        yield folder


@pytest.fixture
def packages(tmp_path):
    """A packages folder holding en→vi and en→ja, as argostranslate installs them."""
    folder = tmp_path / "packages"
    for source, target in (("en", "vi"), ("en", "ja")):
        name = f"translate-{source}_{target}-1_0"
        for member, data in package_members(name, source, target, weights=f"{source}{target}".encode() * 100):
            (folder / member).parent.mkdir(parents=True, exist_ok=True)
            (folder / member).write_bytes(data)
    with packages_at(folder):
        yield folder


def refused(call, *args, **kwargs) -> str:
    with pytest.raises(TransflowError) as raised:
        call(*args, **kwargs)
    message = str(raised.value)
    assert "\n" not in message and "Traceback" not in message
    return message


# Bundles: never delete what the bundle does not own ---------------------------------------


def test_manifest_folder_empty_string_deletes_nothing(packages, tmp_path):
    members = package_members("translate-en_vi-1_0", "en", "vi")
    entry = manifest_entry(members, "translate-en_vi-1_0", "en", "vi") | {"folder": ""}
    before = snapshot(packages)
    message = refused(bundles.import_bundle, make_bundle(tmp_path / "b.zip", [entry], members))
    assert "b.zip" in message and "not a plain folder name" in message
    assert snapshot(packages) == before


@pytest.mark.parametrize("folder", [".", "..", "../packages", "/tmp", "a/b", ".hidden", "x\x00y", "x\ny"])
def test_manifest_folder_that_is_not_a_plain_name_is_refused(packages, tmp_path, folder):
    members = package_members("translate-en_vi-1_0", "en", "vi")
    entry = manifest_entry(members, "translate-en_vi-1_0", "en", "vi") | {"folder": folder}
    before = snapshot(packages)
    refused(bundles.import_bundle, make_bundle(tmp_path / "b.zip", [entry], members))
    assert snapshot(packages) == before


def test_listed_folder_with_no_files_keeps_the_installed_model(packages, tmp_path):
    empty = {"folder": "translate-en_vi-1_0", "from_code": "en", "to_code": "vi", "version": "1.0", "files": {}}
    before = snapshot(packages)
    message = refused(bundles.import_bundle, make_bundle(tmp_path / "b.zip", [empty], []))
    assert "lists no files" in message
    assert snapshot(packages) == before


def test_damaged_bundle_installs_not_even_its_first_package(packages, tmp_path):
    first = package_members("translate-en_ko-1_0", "en", "ko")
    second = package_members("translate-en_th-1_0", "en", "th")
    entries = [manifest_entry(first, "translate-en_ko-1_0", "en", "ko"), manifest_entry(second, "translate-en_th-1_0", "en", "th")]
    entries[1]["files"]["translate-en_th-1_0/model/model.bin"] = "0" * 64
    before = snapshot(packages)
    message = refused(bundles.import_bundle, make_bundle(tmp_path / "b.zip", entries, first + second))
    assert "translate-en_th-1_0/model/model.bin does not match its checksum" in message
    assert snapshot(packages) == before


def test_lying_checksum_is_refused_with_little_memory(packages, tmp_path):
    """A member that inflates to 24 MB is hashed as it streams: memory stays far below its size."""
    bundle = tmp_path / "b.zip"
    members = package_members("translate-en_ko-1_0", "en", "ko")[:1] + [("translate-en_ko-1_0/sentencepiece.model", b"spm")]
    entry = manifest_entry(members, "translate-en_ko-1_0", "en", "ko")
    entry["files"]["translate-en_ko-1_0/model/model.bin"] = "0" * 64
    with zipfile.ZipFile(bundle, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            archive.writestr(name, data)
        with archive.open("translate-en_ko-1_0/model/model.bin", "w") as handle:
            for _ in range(24):
                handle.write(bytes(1 << 20))
        archive.writestr(bundles.MANIFEST, json.dumps({"format": 1, "packages": [entry]}))
    before = snapshot(packages)
    tracemalloc.start()
    try:
        message = refused(bundles.import_bundle, bundle, archives.Limits(ratio=1e9))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "does not match its checksum" in message
    assert peak < 4 << 20, f"peak {peak:,} bytes"
    assert snapshot(packages) == before


def test_bundle_member_the_manifest_does_not_list_is_refused(packages, tmp_path):
    members = package_members("translate-en_ko-1_0", "en", "ko")
    entry = manifest_entry(members, "translate-en_ko-1_0", "en", "ko")
    before = snapshot(packages)
    message = refused(bundles.import_bundle, make_bundle(tmp_path / "b.zip", [entry], members, [("translate-en_vi-1_0/model/model.bin", b"evil")]))
    assert "translate-en_vi-1_0/model/model.bin is not in the manifest" in message
    assert snapshot(packages) == before


def test_manifest_file_outside_its_package_folder_is_refused(packages, tmp_path):
    members = package_members("translate-en_ko-1_0", "en", "ko") + [("translate-en_vi-1_0/metadata.json", b"{}")]
    entry = manifest_entry(members, "translate-en_ko-1_0", "en", "ko")
    entry["files"]["translate-en_vi-1_0/metadata.json"] = hashlib.sha256(b"{}").hexdigest()
    before = snapshot(packages)
    message = refused(bundles.import_bundle, make_bundle(tmp_path / "b.zip", [entry], members))
    assert "outside its folder" in message
    assert snapshot(packages) == before


def test_manifest_pair_that_the_package_does_not_hold_is_refused(packages, tmp_path):
    members = package_members("translate-en_ko-1_0", "en", "ja")
    entry = manifest_entry(members, "translate-en_ko-1_0", "en", "ko")
    before = snapshot(packages)
    message = refused(bundles.import_bundle, make_bundle(tmp_path / "b.zip", [entry], members))
    assert "holds en→ja, not what the manifest says" in message
    assert snapshot(packages) == before


def test_bundle_folder_named_like_another_pairs_package_does_not_overwrite_it(packages, tmp_path):
    members = package_members("translate-en_vi-1_0", "en", "ko", weights=b"korean")
    entry = manifest_entry(members, "translate-en_vi-1_0", "en", "ko")
    vietnamese = snapshot(packages / "translate-en_vi-1_0")
    assert bundles.import_bundle(make_bundle(tmp_path / "b.zip", [entry], members)) == ["en→ko 1.0"]
    assert snapshot(packages / "translate-en_vi-1_0") == vietnamese
    installed = models.installed()
    assert installed[("en", "vi")].path == packages / "translate-en_vi-1_0"
    assert (installed[("en", "ko")].path / "model" / "model.bin").read_bytes() == b"korean"


def test_good_bundle_replaces_the_same_pair_and_touches_nothing_else(packages, tmp_path):
    members = package_members("translate-en_vi-1_1", "en", "vi", "1.1", weights=b"new")
    entry = manifest_entry(members, "translate-en_vi-1_1", "en", "vi", "1.1")
    japanese = snapshot(packages / "translate-en_ja-1_0")
    assert bundles.import_bundle(make_bundle(tmp_path / "b.zip", [entry], members)) == ["en→vi 1.1"]
    assert sorted(p.name for p in packages.iterdir()) == ["translate-en_ja-1_0", "translate-en_vi-1_1"]
    assert snapshot(packages / "translate-en_ja-1_0") == japanese


def test_a_bundle_in_memory_is_checked_the_same_way(tmp_path):
    """Ray workers unpack the driver's bundle from bytes: the same checks, errors naming its origin."""
    members = package_members("translate-en_ko-1_0", "en", "ko") + [("../../escape", b"x")]
    entry = manifest_entry(members, "translate-en_ko-1_0", "en", "ko")
    data = make_bundle(tmp_path / "b.zip", [entry], members).read_bytes()
    folder = tmp_path / "unpacked"
    folder.mkdir()
    message = refused(bundles.unpack, io.BytesIO(data), folder, "the model bundle from the driver")
    assert message.startswith("the model bundle from the driver: unsafe member name")
    assert not list(folder.iterdir()) and not (tmp_path / "escape").exists()
    good = package_members("translate-en_ko-1_0", "en", "ko")
    data = make_bundle(tmp_path / "g.zip", [manifest_entry(good, "translate-en_ko-1_0", "en", "ko")], good).read_bytes()
    [model] = bundles.unpack(io.BytesIO(data), folder, "the model bundle from the driver")
    assert (model.label, model.path) == ("en→ko 1.0", folder / "translate-en_ko-1_0")


# Packages (.argosmodel): members checked before anything is extracted --------------------------


HOSTILE_NAMES = [
    "/etc/evil",
    "../evil",
    "translate-en_ko-1_0/../../evil",
    "translate-en_ko-1_0/./model.bin",
    "translate-en_ko-1_0//evil",
    "C:/evil",
    "translate-en_ko-1_0\\..\\..\\evil",
    "translate-en_ko-1_0/ev\x01il",
    "translate-en_ko-1_0/ev\u202eil",
]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_unsafe_member_names_are_refused_before_extraction(packages, tmp_path, name):
    package = make_zip(tmp_path / "p.argosmodel", package_members("translate-en_ko-1_0", "en", "ko") + [(name, b"evil")])
    before, around = snapshot(packages), snapshot(tmp_path.parent)
    message = refused(models.install_file, package)
    assert "p.argosmodel" in message and "nothing was installed" in message
    assert snapshot(packages) == before
    assert snapshot(tmp_path.parent) == around


@pytest.mark.parametrize(
    "mode, what",
    [(stat.S_IFLNK | 0o777, "symlink"), (stat.S_IFIFO | 0o644, "fifo"), (stat.S_IFCHR | 0o644, "device"), (stat.S_IFSOCK | 0o644, "socket")],
)
def test_links_and_special_files_are_refused(packages, tmp_path, mode, what):
    link = (_info("translate-en_ko-1_0/model/extra", mode), b"../../../../etc/passwd")
    package = make_zip(tmp_path / "p.argosmodel", package_members("translate-en_ko-1_0", "en", "ko") + [link])
    before = snapshot(packages)
    assert "link or special file" in refused(models.install_file, package)
    assert snapshot(packages) == before


def test_zip_bomb_is_refused_from_the_headers(packages, tmp_path):
    """4 MB of zeros deflate to ~4 kB: refused by its ratio, before a byte is written."""
    package = make_zip(tmp_path / "p.argosmodel", package_members("translate-en_ko-1_0", "en", "ko", weights=bytes(4 << 20)))
    before = snapshot(packages)
    with mock.patch.object(archives, "extract", side_effect=AssertionError("extracted")):
        message = refused(models.install_file, package)
    assert "a zip bomb" in message
    assert snapshot(packages) == before


def test_member_and_total_sizes_are_bounded(packages, tmp_path):
    big = os.urandom(100 << 10)
    package = make_zip(tmp_path / "p.argosmodel", package_members("translate-en_ko-1_0", "en", "ko", weights=big))
    before = snapshot(packages)
    assert "more than the 65,536 allowed" in refused(models.install_file, package, SMALL)
    many = package_members("translate-en_ko-1_0", "en", "ko") + [(f"translate-en_ko-1_0/part{i}", os.urandom(60 << 10)) for i in range(5)]
    assert "add up to more than" in refused(models.install_file, make_zip(tmp_path / "q.argosmodel", many), SMALL)
    crowd = package_members("translate-en_ko-1_0", "en", "ko") + [(f"translate-en_ko-1_0/f{i}", b"") for i in range(60)]
    assert "more than the 50 allowed" in refused(models.install_file, make_zip(tmp_path / "r.argosmodel", crowd), SMALL)
    assert snapshot(packages) == before


def test_a_member_larger_than_its_header_says_is_refused(packages, tmp_path):
    """The central directory claims 7 bytes; the data inflates to 200 kB. Reading stops at the claim."""
    package = make_zip(tmp_path / "p.argosmodel", package_members("translate-en_ko-1_0", "en", "ko", weights=os.urandom(200 << 10)))
    data = bytearray(package.read_bytes())
    with zipfile.ZipFile(package) as archive:
        info = archive.getinfo("translate-en_ko-1_0/model/model.bin")
    size = (200 << 10).to_bytes(4, "little")
    central = data.rindex(b"PK\x01\x02", 0, data.rindex(b"translate-en_ko-1_0/model/model.bin"))
    assert data[central + 24 : central + 28] == size
    data[central + 24 : central + 28] = (7).to_bytes(4, "little")
    local = info.header_offset
    data[local + 22 : local + 26] = (7).to_bytes(4, "little")
    package.write_bytes(bytes(data))
    before = snapshot(packages)
    message = refused(models.install_file, package)
    assert "damaged" in message
    assert snapshot(packages) == before


@pytest.mark.parametrize(
    "members, expected",
    [
        ([("translate-en_ko-1_0/model.bin", b"a"), ("translate-en_ko-1_0/model.bin", b"b")], "appears twice"),
        ([("translate-en_ko-1_0/MODEL/x", b"a"), ("translate-en_ko-1_0/model/x", b"b")], "appears twice"),
        ([("translate-en_ko-1_0/readme", b"a"), ("translate-en_ko-1_0/readme/x", b"b")], "inside a file"),
        ([("stray.txt", b"a")], "one top-level folder"),
        ([("other/metadata.json", b"{}")], "one top-level folder"),
    ],
)
def test_clashing_or_stray_members_are_refused(packages, tmp_path, members, expected):
    with pytest.warns(UserWarning) if len(members) > 1 and members[0][0] == members[-1][0] else _nothing():
        package = make_zip(tmp_path / "p.argosmodel", package_members("translate-en_ko-1_0", "en", "ko") + members)
    before = snapshot(packages)
    assert expected in refused(models.install_file, package)
    assert snapshot(packages) == before


@contextmanager
def _nothing():
    yield


def test_encrypted_member_is_refused(packages, tmp_path):
    package = make_zip(tmp_path / "p.argosmodel", package_members("translate-en_ko-1_0", "en", "ko"))
    data = bytearray(package.read_bytes())
    with zipfile.ZipFile(package) as archive:
        info = archive.getinfo("translate-en_ko-1_0/model/model.bin")
    data[info.header_offset + 6] |= 1
    central = data.rindex(b"PK\x01\x02", 0, data.rindex(b"translate-en_ko-1_0/model/model.bin"))
    data[central + 8] |= 1
    package.write_bytes(bytes(data))
    before = snapshot(packages)
    assert "encrypted" in refused(models.install_file, package)
    assert snapshot(packages) == before


@pytest.mark.parametrize(
    "metadata, expected",
    [
        (b"not json", "not valid JSON"),
        (b"[1, 2]", "not a JSON object"),
        (json.dumps({"from_code": "en", "to_code": "../x"}).encode(), "no valid from_code/to_code"),
        (json.dumps({"from_code": "en", "to_code": "ko", "type": "sbd"}).encode(), "not a translation model"),
    ],
)
def test_bad_metadata_installs_nothing(packages, tmp_path, metadata, expected):
    members = [("translate-en_ko-1_0/metadata.json", metadata), ("translate-en_ko-1_0/model/model.bin", b"w")]
    before = snapshot(packages)
    assert expected in refused(models.install_file, make_zip(tmp_path / "p.argosmodel", members))
    assert snapshot(packages) == before


def test_package_named_like_another_pairs_folder_does_not_overwrite_it(packages, tmp_path):
    package = make_zip(tmp_path / "p.argosmodel", package_members("translate-en_ja-1_0", "en", "ko", weights=b"korean"))
    japanese = snapshot(packages / "translate-en_ja-1_0")
    model = models.install_file(package)
    assert (model.from_code, model.to_code) == ("en", "ko") and model.path != packages / "translate-en_ja-1_0"
    assert snapshot(packages / "translate-en_ja-1_0") == japanese
    assert set(models.installed()) == {("en", "vi"), ("en", "ja"), ("en", "ko")}


def test_package_named_like_a_folder_that_is_no_package_leaves_it_alone(packages, tmp_path):
    (packages / "notes").mkdir()
    (packages / "notes" / "keep.txt").write_text("mine")
    package = make_zip(tmp_path / "p.argosmodel", package_members("notes", "en", "ko"))
    model = models.install_file(package)
    assert (packages / "notes" / "keep.txt").read_text() == "mine" and model.path.name != "notes"


def test_reinstalling_the_same_pair_and_version_replaces_the_old_package_cleanly(packages, tmp_path):
    (packages / "translate-en_vi-1_0" / "stale.bin").write_bytes(b"left over from the old install")
    package = make_zip(tmp_path / "p.argosmodel", package_members("translate-en_vi-1_0", "en", "vi", weights=b"fresh"))
    model = models.install_file(package)
    assert model.path == packages / "translate-en_vi-1_0"
    assert not (model.path / "stale.bin").exists() and (model.path / "model" / "model.bin").read_bytes() == b"fresh"
    assert sorted(p.name for p in packages.iterdir()) == ["translate-en_ja-1_0", "translate-en_vi-1_0"]


def test_a_killed_install_leaves_nothing_that_breaks_listing(packages, tmp_path):
    leftover = packages / f"{archives.STAGING_PREFIX}killed"
    (leftover / "translate-en_ko-1_0").mkdir(parents=True)
    (packages / "half-copied").mkdir()
    assert set(models.installed()) == {("en", "vi"), ("en", "ja")}
    old = time.time() - 2 * 24 * 3600
    os.utime(leftover, (old, old))
    models.install_file(make_zip(tmp_path / "p.argosmodel", package_members("translate-en_ko-1_0", "en", "ko")))
    assert not leftover.exists()
    assert not list(packages.glob(archives.STAGING_PREFIX + "*"))


def test_a_downloaded_package_is_checked_the_same_way_and_the_download_removed(packages, tmp_path):
    from argostranslate import settings as argos_settings

    package = make_zip(tmp_path / "translate-en_ko-1_0.argosmodel", package_members("translate-en_ko-1_0", "en", "ko", weights=bytes(4 << 20)))
    before = snapshot(packages)
    assert "a zip bomb" in refused(models.install_url, package.as_uri())
    assert snapshot(packages) == before
    assert not list(Path(argos_settings.downloads_dir).glob("translate-en_ko*"))


def test_cli_refuses_a_hostile_package_in_one_line(packages, tmp_path, cli):
    package = make_zip(tmp_path / "p.argosmodel", package_members("translate-en_ko-1_0", "en", "ko") + [("../evil", b"x")])
    before = snapshot(packages)
    result = cli("models", "install", "--file", package)
    assert result.code == 1 and result.stderr.count("\n") == 1 and "p.argosmodel" in result.stderr
    bundle = make_zip(tmp_path / "b.zip", [("x", b"y")])
    result = cli("models", "import-bundle", bundle)
    assert result.code == 1 and result.stderr.count("\n") == 1 and "b.zip" in result.stderr
    assert snapshot(packages) == before


def test_a_real_package_still_installs_and_translates(packages, package_files):
    model = models.install_file(package_files[("en", "vi")])
    from transflow.engines.argos import ArgosEngine

    assert ArgosEngine(installed={("en", "vi"): model}).translate(["Hello."], "en", "vi") == ["Hello."]


# Fuzz: every archive ends in a result or one line, and changes nothing it does not name ----------------


_NAMES = st.one_of(
    st.sampled_from(["pkg/metadata.json", "pkg/model/model.bin", "pkg/model/", "pkg/", "pkg/sentencepiece.model", bundles.MANIFEST, *HOSTILE_NAMES]),
    st.lists(st.sampled_from(["pkg", "..", ".", "", "a", "model", "/", "\\", "C:", "translate-en_vi-1_0", "é"]), min_size=1, max_size=4).map("/".join),
    st.text(max_size=12),
)
_MODES = st.sampled_from([None, None, None, stat.S_IFREG | 0o644, stat.S_IFDIR | 0o755, stat.S_IFLNK | 0o777, stat.S_IFIFO | 0o600])
_DATA = st.one_of(st.binary(max_size=64), st.sampled_from([b"{}", json.dumps({"from_code": "en", "to_code": "ko"}).encode(), bytes(20000)]))
_MEMBER = st.tuples(_NAMES, _MODES, _DATA)


@st.composite
def _archives(draw):
    """Mostly well-formed packages and bundles with a few hostile changes, so every stage is reached."""
    folder = draw(st.sampled_from(["pkg", "translate-en_vi-1_0", "translate-en_ja-1_0"]))
    target = draw(st.sampled_from(["ko", "vi", "ja"]))
    members = [(name, None, data) for name, data in package_members(folder, "en", target)]
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        change = draw(st.sampled_from(["add", "drop", "rename", "mode", "data"]))
        if change == "add" or not members:
            members.append(draw(_MEMBER))
            continue
        index = draw(st.integers(min_value=0, max_value=len(members) - 1))
        name, mode, data = members[index]
        if change == "drop":
            members.pop(index)
        elif change == "rename":
            members[index] = (draw(_NAMES), mode, data)
        elif change == "mode":
            members[index] = (name, draw(_MODES), data)
        else:
            members[index] = (name, mode, draw(_DATA))
    manifest = None
    if draw(st.sampled_from([True, True, False])):
        files = {name: hashlib.sha256(data).hexdigest() for name, _, data in members if not name.endswith("/")}
        entry = {"folder": folder, "from_code": "en", "to_code": target, "version": "1.0", "files": files}
        if draw(st.booleans()):
            key = draw(st.sampled_from(["folder", "to_code", "files", "version"]))
            entry[key] = draw(st.one_of(_NAMES, st.none(), st.dictionaries(_NAMES, st.sampled_from(["0" * 64, "zz"]), max_size=2)))
        manifest = draw(st.sampled_from([{"format": 1, "packages": [entry]}] * 3 + [{"format": 1, "packages": [entry, entry]}, {"packages": "x"}, [entry]]))
    flip = draw(st.one_of(st.none(), st.none(), st.integers(min_value=0, max_value=4000)))
    return members, manifest, flip


def _pair(snap: dict, folder: str) -> tuple | None:
    entry = snap.get(os.path.join(folder, "metadata.json"))
    try:
        metadata = json.loads(entry[2])
        return metadata["from_code"], metadata["to_code"]
    except (TypeError, ValueError, KeyError, IndexError):
        return None


def _write_fuzzed(path: Path, members, manifest, flip) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, mode, data in members:
            info = _info(name, mode)
            try:
                archive.writestr(info, data)
            except (ValueError, UserWarning):
                continue
        if manifest is not None:
            archive.writestr(bundles.MANIFEST, json.dumps(manifest))
    data = bytearray(buffer.getvalue())
    if flip is not None and data:
        data[flip % len(data)] ^= 0x5A
    path.write_bytes(bytes(data))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(_archives(), st.sampled_from(["install", "bundle"]))
def test_fuzz_archives_end_in_a_result_or_one_line(case, mode):
    import warnings

    members, manifest, flip = case
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        archive = root / ("in.argosmodel" if mode == "install" else "in.zip")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _write_fuzzed(archive, members, manifest, flip)
        outside = root / "outside"
        outside.mkdir()
        (outside / "keep").write_text("keep")
        with packages_at(root / "packages") as folder:
            for member, data in package_members("translate-en_vi-1_0", "en", "vi"):
                (folder / member).parent.mkdir(parents=True, exist_ok=True)
                (folder / member).write_bytes(data)
            before = snapshot(folder)
            around = snapshot(outside)
            try:
                if mode == "install":
                    model = models.install_file(archive, SMALL)
                    pairs = {(model.from_code, model.to_code)}
                else:
                    pairs = {tuple(label.split()[0].split("→")) for label in bundles.import_bundle(archive, SMALL)}
            except TransflowError as err:
                assert "\n" not in str(err) and str(archive) in str(err)
                assert snapshot(folder) == before
            else:
                after = snapshot(folder)
                changed = {key.split(os.sep)[0] for key in set(before) | set(after) if before.get(key) != after.get(key)}
                for name in changed:
                    assert (_pair(before, name) or _pair(after, name)) in pairs, f"{name} changed, not installed by the archive"
                assert all(not key.startswith(archives.STAGING_PREFIX) for key in after)
            assert snapshot(outside) == around
            assert not list(root.glob("evil*")) and not Path("/tmp/evil").exists()
