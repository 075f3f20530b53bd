"""Archive batches on Ray: the files of a local batch byte for byte, review signals included;
shards put back in order; a dead worker replaced or reported; clear one-line errors.

One local cluster per module. It declares 4 CPUs (more than the machine may
have; Ray allows it) so that two one-CPU workers share the shards, and one
GPU so that a CUDA worker is scheduled on a machine without one.
"""

import os
import shutil
import signal
import socket
import sys
import threading
import zipfile
from contextlib import contextmanager
from pathlib import Path

import pytest

from conftest import ROOT, SAMPLES, run_transflow, snapshot
from transflow.batch import run_batch
from transflow.engines import Scored
from transflow.engines.argos import ArgosEngine, ArgosSettings
from transflow.errors import UsageError
from transflow.project import Project
from transflow.workflow import Settings

ray = pytest.importorskip("ray", reason="Ray is in the test extra: pip install -e '.[test]'")

from transflow.engines import ray_pool  # noqa: E402
from transflow.engines.ray_pool import RayOptions, ray_engine, worker_options  # noqa: E402

GLOSSARY = ROOT / "glossaries" / "newsroom.csv"
ENGLISH = ("asean-japan.txt", "mekong-summit.md", "asean-cybersecurity.html")
TWO_WORKERS = "[batch]\nray_workers = 2\nray_worker_cpus = 1\n"


@pytest.fixture(scope="module")
def ray_cluster() -> str:
    """A local cluster for this module; its address lets another process join it as a newsroom's driver would."""
    ray.init(num_cpus=4, num_gpus=1, include_dashboard=False, logging_level="ERROR", log_to_driver=False, namespace="transflow-tests")
    yield ray.get_runtime_context().gcs_address
    ray.shutdown()


@pytest.fixture(scope="module")
def unsure_models(sentencepiece_model, tmp_path_factory) -> Path:
    """A packages folder of copy models made unsure by noise: real per-token scores that differ from
    sentence to sentence, some below the risk threshold; vi→ja pivots through en."""
    from transflow.synthetic_models import build_copy_package

    folder = tmp_path_factory.mktemp("unsure")
    for seed, (source, target) in enumerate([("en", "vi"), ("en", "ja"), ("vi", "en")]):
        package = build_copy_package(folder / f"{source}_{target}.argosmodel", source, target, sentencepiece_model, noise=0.04, seed=seed)
        with zipfile.ZipFile(package) as archive:
            archive.extractall(folder / "packages")
    return folder / "packages"


def write_articles(folder: Path) -> list[Path]:
    """The English samples and one Vietnamese article (its Japanese goes through en)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in (*ENGLISH, "hoi-nghi-asean.txt"):
        shutil.copy(SAMPLES / name, folder / name)
    return sorted(folder.iterdir())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_two_ray_workers_write_the_po_and_xliff_of_a_local_batch_byte_for_byte_scores_and_pivot_included(
    project, unsure_models, ray_cluster
):
    write_articles(project / "today")
    (project / "transflow.toml").write_text(TWO_WORKERS, encoding="utf-8")
    args = ("batch", "today", "--to", "vi,ja", "--format", "po,xliff", "--glossary", GLOSSARY)
    env = {"ARGOS_PACKAGES_DIR": str(unsure_models)}
    alone = run_transflow(*args, env=env, cwd=project)
    assert alone.returncode == 0, alone.stderr
    local = snapshot(project / "locales")
    # Without the manifest and the MT cache every sentence goes to MT again. The PO headers keep their
    # dates only when every entry comes out the same, so equal bytes mean equal drafts and notes.
    shutil.rmtree(project / ".transflow")
    joined = run_transflow(*args, "--ray-address", ray_cluster, env=env, cwd=project)
    assert joined.returncode == 0, joined.stderr
    assert "Ray: 2 workers" in joined.stdout
    mt_line = next(line for line in alone.stdout.splitlines() if line.startswith("MT: "))
    assert mt_line in joined.stdout and not mt_line.startswith("MT: 0 ")
    assert len(local) == 14 and snapshot(project / "locales") == local
    # The signals the model's scores give are in those files: real, varied, some low; the pivot named.
    po = b"".join(data for name, data in local.items() if name.endswith(".po")).decode()
    assert po.count("model score low (") >= 3 and "no model score" not in po
    pivoted = local["ja/hoi-nghi-asean.po"].decode()
    assert "pivot through en" in pivoted and "MT argos via en" in pivoted


class KillsItsWorker(Scored):
    """The Ray engine, whose first worker is frozen when MT starts and killed (SIGKILL) half a second later."""

    def __init__(self, engine, pid: int):
        self.engine, self.pid, self.killed = engine, pid, False
        self.name = engine.name

    def check(self, source, target):
        self.engine.check(source, target)

    def origin(self, source, target):
        return self.engine.origin(source, target)

    def translate_scored(self, texts, source, target):
        if not self.killed:
            self.killed = True
            os.kill(self.pid, signal.SIGSTOP)  # a shard reaches a worker that cannot answer
            threading.Timer(0.5, os.kill, (self.pid, signal.SIGKILL)).start()
        return self.engine.translate_scored(texts, source, target)


def test_a_worker_killed_mid_batch_is_replaced_and_the_outputs_are_the_same(project, installed_models, ray_cluster):
    articles = [path for path in write_articles(project / "today") if path.name in ENGLISH]
    settings = Settings(Project(project, project / "locales", project / "localized", project / ".transflow"), "en", ("vi", "ja"))
    alone = run_batch(articles, settings)
    local = snapshot(project / "locales")
    shutil.rmtree(project / ".transflow")
    with ray_engine(ArgosSettings(), [("en", "vi"), ("en", "ja")], RayOptions(workers=2, worker_cpus=1)) as engine:
        assert len(engine.workers) == 2
        before = ray.get(engine.workers[0].start.remote(engine.bundle))["pid"]
        killing = KillsItsWorker(engine, before)
        result = run_batch(articles, settings, engine=killing)
        after = ray.get(engine.workers[0].start.remote(engine.bundle))["pid"]
    assert killing.killed and after != before
    assert [r.status for r in result.reports] == ["translated"] * 6 and result.sent_to_mt == alone.sent_to_mt > 0
    assert snapshot(project / "locales") == local


def test_a_worker_that_stays_dead_fails_the_batch_in_one_line_per_article_and_writes_nothing(
    project, cli, installed_models, ray_cluster, monkeypatch
):
    write_articles(project / "today")
    Path("transflow.toml").write_text(TWO_WORKERS, encoding="utf-8")
    started = ray_pool.ray_engine

    @contextmanager
    def one_worker_dies(*args, **kwargs):
        with started(*args, **kwargs) as engine:
            ray.kill(engine.workers[1], no_restart=True)
            yield engine

    monkeypatch.setattr(ray_pool, "ray_engine", one_worker_dies)
    result = cli("batch", "today", "--to", "vi", "--ray")
    assert result.code == 1
    lines = result.stderr.strip().splitlines()
    assert lines[-1] == "transflow: error: 3 of 4 article translations failed; see the lines above"
    failures = [line for line in lines if ": FAILED: Ray workers failed translating " in line]
    assert len(failures) == 3 and len(lines) == 5 and "already in vi, not translated into itself" in lines[-2]
    assert all(
        " sentences en→vi (The actor is dead " in line and line.endswith("); the files already written are kept, run the batch again to resume")
        for line in failures
    )
    assert not (project / "locales").exists()


@pytest.mark.parametrize("how", ["flag", "RAY_ADDRESS", "config"])
def test_an_unreachable_cluster_is_one_line_and_nothing_is_written(project, cli, installed_models, how, monkeypatch):
    write_articles(project / "today")
    address = f"127.0.0.1:{free_port()}"
    if how == "flag":
        result = cli("batch", "today", "--to", "vi", "--ray-address", address)
    elif how == "RAY_ADDRESS":
        monkeypatch.setenv("RAY_ADDRESS", address)
        result = cli("batch", "today", "--to", "vi", "--ray")
    else:
        Path("transflow.toml").write_text(f'[batch]\nexecutor = "ray"\nray_address = "{address}"\n', encoding="utf-8")
        result = cli("batch", "today", "--to", "vi")
    assert result.code == 2
    assert result.stderr.strip().splitlines() == [
        f"transflow: error: cannot reach the Ray cluster at {address} (Connection refused); start it with 'ray start --head' there, or check --ray-address"
    ]
    assert sorted(p.name for p in project.iterdir()) == ["sample_articles", "today"] + (["transflow.toml"] if how == "config" else [])


@pytest.mark.parametrize("address", ["localhost", "10.0.0.5:port", ":6379", "ray://head"])
def test_an_address_that_is_not_host_port_is_one_line_and_nothing_is_written(project, cli, installed_models, address):
    write_articles(project / "today")
    result = cli("batch", "today", "--to", "vi", "--ray-address", address)
    assert result.code == 2
    assert result.stderr.strip().splitlines() == [
        f"transflow: error: Ray address {address!r} is not HOST:PORT (or auto); the head node prints it after 'ray start --head'"
    ]
    assert sorted(p.name for p in project.iterdir()) == ["sample_articles", "today"]


BLOCK_RAY = """
import sys
from importlib.abc import MetaPathFinder

class NoRay(MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "ray" or name.startswith("ray."):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, NoRay())
sys.argv = ["transflow", *sys.argv[1:]]
from transflow.cli import main
main()
"""


def test_without_ray_installed_a_ray_batch_is_one_line_and_nothing_is_written(project, installed_models):
    write_articles(project / "today")
    import subprocess

    result = subprocess.run(
        [sys.executable, "-c", BLOCK_RAY, "batch", "today", "--to", "vi", "--ray"], capture_output=True, text=True, cwd=project, timeout=120
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == ["transflow: error: Ray is not installed; install it with: pip install -e '.[ray]' in transflow's folder"]
    assert sorted(p.name for p in project.iterdir()) == ["sample_articles", "today"]


def test_device_cuda_reaches_ctranslate2_and_the_ray_gpu_request(installed_models, ray_cluster):
    import ctranslate2

    if ctranslate2.get_cuda_device_count():
        pytest.skip("this machine has a GPU: the test checks the plumbing where CUDA fails")
    with pytest.raises(UsageError, match=r"on device cuda \(CUDA failed"):
        ArgosEngine(ArgosSettings(device="cuda")).translate(["Hello."], "en", "vi")
    # The cluster declares one GPU: the worker is scheduled only if it asked for it, and gets GPU 0.
    with pytest.raises(UsageError, match=r"Ray worker on .* \(GPUs \[0\]\): .*on device cuda \(CUDA failed") as failed:
        with ray_engine(ArgosSettings(device="cuda"), [("en", "vi")], RayOptions()):
            pass
    assert "\n" not in str(failed.value)
    nodes = [{"Alive": True, "Resources": {"CPU": 16.0, "GPU": 2.0}}, {"Alive": True, "Resources": {"CPU": 8.0}}]
    count, request, engine = worker_options(ArgosSettings(device="cuda"), RayOptions(), nodes)
    assert (count, request, engine["device"]) == (2, {"num_cpus": 1, "num_gpus": 1}, "cuda")
    count, request, engine = worker_options(ArgosSettings(), RayOptions(), nodes)
    assert (count, request, engine["inter_threads"], engine["intra_threads"]) == (6, {"num_cpus": 4, "num_gpus": 0}, 4, 1)
    with pytest.raises(UsageError, match="the Ray cluster has no GPUs"):
        worker_options(ArgosSettings(device="cuda"), RayOptions(), nodes[1:])


def test_workers_load_from_a_shared_folder_when_one_is_configured(tmp_path, installed_models, ray_cluster):
    with ray_engine(ArgosSettings(), [("en", "vi")], RayOptions(models=installed_models)) as engine:
        assert engine.translate(["Other news", "– VNA"], "en", "vi") == ["Other news", "– VNA"]
    with pytest.raises(UsageError, match=r"no model package translate-en_vi-1_0 in .*; copy the packages there") as missing:
        with ray_engine(ArgosSettings(), [("en", "vi")], RayOptions(models=tmp_path)):
            pass
    assert "\n" not in str(missing.value)
