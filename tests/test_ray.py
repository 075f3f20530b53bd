"""Archive batches on a Ray cluster: the files of a local batch, byte for byte; a killed worker replaced; clear errors.

One local Ray cluster (2 CPUs, and one declared GPU so that a CUDA worker is
scheduled on a machine without one) serves every test of the session.
"""

import os
import shutil
import signal
import socket
import threading
from pathlib import Path

import pytest

from conftest import ROOT, run_transflow
from test_batch import english_articles, settings
from transflow.batch import run_batch
from transflow.engines.argos import ArgosEngine, ArgosSettings
from transflow.errors import UsageError

ray = pytest.importorskip("ray", reason="Ray is in the test extra: pip install -e '.[test]'")

from transflow.engines.ray_pool import RayOptions, ray_engine, worker_options  # noqa: E402

GLOSSARY = ROOT / "glossaries" / "newsroom.csv"


@pytest.fixture(scope="session")
def ray_cluster() -> str:
    """A local cluster started once; its address lets another process join it as a newsroom's driver would."""
    ray.init(num_cpus=2, num_gpus=1, include_dashboard=False, logging_level="ERROR", log_to_driver=False, namespace="transflow-tests")
    yield ray.get_runtime_context().gcs_address
    ray.shutdown()


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_ray_batch_writes_the_files_of_a_local_batch_byte_for_byte(project, cli, installed_models, ray_cluster):
    english_articles(project / "today")
    args = ("batch", "today", "--to", "vi,ja", "--format", "po,xliff", "--glossary", GLOSSARY)
    alone = cli(*args)
    assert alone.code == 0
    local = snapshot(project / "locales")
    # Without the manifest and the MT cache every sentence goes to MT again. The PO headers keep their
    # dates only when every entry comes out the same, so equal bytes mean equal drafts.
    shutil.rmtree(project / ".transflow")
    joined = run_transflow(*args, "--ray-address", ray_cluster, cwd=project)
    assert joined.returncode == 0, joined.stderr
    mt_line = next(line for line in alone.stdout.splitlines() if line.startswith("MT: "))
    assert mt_line == "MT: 98 sentences sent to the engine, 0 taken from the MT cache" and mt_line in joined.stdout
    assert len(local) == 36 and snapshot(project / "locales") == local


class KillsItsWorker:
    """The Ray engine, whose worker is frozen when MT starts and killed (SIGKILL) half a second later."""

    def __init__(self, engine, pid: int):
        self.engine, self.pid, self.killed = engine, pid, False
        self.name = engine.name

    def check(self, source, target):
        self.engine.check(source, target)

    def origin(self, source, target):
        return self.engine.origin(source, target)

    def translate(self, texts, source, target):
        if not self.killed:
            self.killed = True
            os.kill(self.pid, signal.SIGSTOP)  # the shards reach a worker that cannot answer
            threading.Timer(0.5, os.kill, (self.pid, signal.SIGKILL)).start()
        return self.engine.translate(texts, source, target)


def test_a_worker_killed_mid_batch_is_replaced_and_the_outputs_are_the_same(project, installed_models, ray_cluster):
    articles = english_articles(project / "today", copies=1)
    run_batch(articles, settings(project))
    local = snapshot(project / "locales")
    shutil.rmtree(project / ".transflow")
    with ray_engine(ArgosSettings(), [("en", "vi"), ("en", "ja")], RayOptions()) as engine:
        [worker] = engine.workers
        before = ray.get(worker.start.remote(engine.bundle))["pid"]
        killing = KillsItsWorker(engine, before)
        result = run_batch(articles, settings(project), engine=killing)
        after = ray.get(worker.start.remote(engine.bundle))["pid"]
    assert killing.killed and after != before
    assert [r.status for r in result.reports] == ["translated"] * 6 and result.sent_to_mt == 100
    assert snapshot(project / "locales") == local


@pytest.mark.parametrize("how", ["flag", "RAY_ADDRESS", "config"])
def test_an_unreachable_cluster_is_one_line_and_nothing_is_written(project, cli, installed_models, how, monkeypatch):
    english_articles(project / "today", copies=1)
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


def test_device_cuda_reaches_ctranslate2_and_the_ray_gpu_request(installed_models, ray_cluster):
    import ctranslate2

    if ctranslate2.get_cuda_device_count():
        pytest.skip("this machine has a GPU: the test checks the plumbing where CUDA fails")
    with pytest.raises(UsageError, match=r"on device cuda \(CUDA failed"):
        ArgosEngine(ArgosSettings(device="cuda")).translate(["Hello."], "en", "vi")
    # The session cluster declares one GPU: the worker is scheduled only if it asked for it, and gets GPU 0.
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
