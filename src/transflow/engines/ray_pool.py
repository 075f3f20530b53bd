"""Archive batches on a Ray cluster: the driver keeps all the work but MT; Ray actors translate.

``transflow batch --ray`` runs the batch on this machine (the driver) exactly
as a local batch: it reads, segments, protects, consults the TM and the MT
cache and writes every file, so the project lock, the manifest and atomic
writes are the local ones. Only the unique sentences the MT cache lacks
reach the cluster, one shard per worker (CTranslate2 sorts it by length into
batches), to workers that each load every model once and translate with the
ArgosEngine a local run uses. They answer with its ``Translation`` values
(text, per-token score, pivot, every hop), so the drafts, their review risk
and notes are those of a local run. Models travel
from the driver in the bundle format through Ray's object store (or come
from a folder every node shares); a worker never downloads. Ray restarts a
worker that dies and retries its shard.
"""

from __future__ import annotations

import hashlib
import io
import math
import os
import shutil
import socket
import tempfile
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import bundles, models
from ..errors import TransflowError, UsageError
from . import Scored, Translation
from .argos import ArgosEngine, ArgosSettings

# Sentences per worker and chunk a batch aims at: CTranslate2 sorts and
# batches them (max_batch_size at a time) and Ray's per-task cost (about a
# millisecond) vanishes next to them; a retried shard costs little.
SHARD = 256
# Times Ray restarts a dead worker, and retries the shard it held, before the chunk is reported failed.
RESTARTS = 3
# A cluster address that accepts no TCP connection within this time is unreachable (Ray itself retries for minutes).
CONNECT_TIMEOUT = 5.0
# Sentences in an average news article, to size batch chunks so every worker gets a full shard.
ARTICLE_SENTENCES = 25
# Replicas of a model per CPU worker (CTranslate2 inter_threads), as a local run uses at most.
MAX_WORKER_CPUS = 4


@dataclass(frozen=True)
class RayOptions:
    """Where the cluster is and how workers are cut from it (``[batch]`` in transflow.toml)."""

    address: str = ""  # "": RAY_ADDRESS if set, else a new local cluster; "auto": the cluster 'ray start' runs here
    workers: int = 0  # 0: as many as the cluster's CPUs (GPUs with device = "cuda") hold
    worker_cpus: int = 0  # 0: the CPUs of the smallest node, up to MAX_WORKER_CPUS
    models: Path | None = None  # a folder of packages every node sees at this path; None: shipped by the driver


class Worker:
    """A Ray actor: every model of the batch loaded once, then shard after shard translated.

    The bundle's ObjectRef comes with each call (nested in a list, so Ray
    passes the reference, not the bytes): a worker Ray restarted after a
    crash loads the models again when its retried shard arrives.
    """

    def __init__(self, digest: str, shared: str | None, packages: list[tuple[str, str, str, str]], settings: dict) -> None:
        self.digest, self.shared, self.packages, self.settings = digest, shared, packages, settings
        self.engine: ArgosEngine | None = None

    def _load(self, bundle: list[Any]) -> ArgosEngine:
        import ray

        if self.engine is None:
            folder = Path(self.shared) if self.shared else _unpacked(ray.get(bundle[0]), self.digest)
            installed = {}
            for source, target, version, name in self.packages:
                path = folder / name
                if not (path / "model").is_dir():
                    raise UsageError(f"{socket.gethostname()}: no model package {name} in {folder}; copy the packages there, or leave ray_models empty to ship them")
                installed[(source, target)] = models.InstalledModel(source, target, version, path)
            engine = ArgosEngine(ArgosSettings(**self.settings), installed=installed)
            for model in installed.values():
                engine.load(model)
            self.engine = engine
        return self.engine

    def start(self, bundle: list[Any]) -> dict[str, Any]:
        """Load the models now; where this worker runs, and the load error if any (one line)."""
        import ray

        try:
            self._load(bundle)
            error = ""
        except TransflowError as err:
            error = str(err)
        return {"pid": os.getpid(), "where": f"{socket.gethostname()} (GPUs {list(ray.get_gpu_ids())})", "error": error}

    def translate(self, texts: list[str], source: str, target: str, bundle: list[Any]) -> list[Translation]:
        return self._load(bundle).translate_scored(texts, source, target)


def _unpacked(bundle: bytes, digest: str) -> Path:
    """The bundle's packages, extracted and verified once per node and shared by the workers there."""
    folder = Path(tempfile.gettempdir()) / f"transflow-models-{digest[:16]}"
    if folder.is_dir():
        return folder
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
    try:
        bundles.unpack(io.BytesIO(bundle), staging, "the model bundle from the driver")
        staging.rename(folder)
    except OSError:
        if not folder.is_dir():
            raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return folder


class RayEngine(Scored):
    """The Engine protocol over Ray workers; routing and draft labels come from the driver's models."""

    name = "argos"

    def __init__(self, local: ArgosEngine, workers: list[Any], bundle: list[Any], where: Sequence[str] = ()) -> None:
        self.local = local
        self.workers = workers
        self.bundle = bundle
        self.where = list(where)

    def describe(self) -> str:
        """The workers in one line, for the batch's summary: how many, and on which machines."""
        hosts = sorted({where.split(" (")[0] for where in self.where})
        return f"Ray: {len(self.workers)} worker{'s' if len(self.workers) != 1 else ''} on {', '.join(hosts) or 'no node'}"

    def check(self, source: str, target: str) -> None:
        self.local.check(source, target)

    def chunk_size(self, default: int) -> int:
        """Articles a batch chunk should hold so that every worker gets a full shard."""
        return max(default, len(self.workers) * SHARD // ARTICLE_SENTENCES)

    def origin(self, source: str, target: str) -> str:
        return self.local.origin(source, target)

    def translate_scored(self, texts: Sequence[str], source: str, target: str) -> list[Translation]:
        """The unique texts in order, one contiguous shard per worker; CTranslate2 sorts each by length.

        With one worker the shard is the very list a local run translates in
        one call, so even a model whose numbers depend on how sentences are
        batched writes the same drafts.
        """
        import ray
        from ray.exceptions import RayError

        self.local.check(source, target)
        unique = list(dict.fromkeys(texts))
        if not unique:
            return []
        size = math.ceil(len(unique) / len(self.workers))
        shards = [unique[start : start + size] for start in range(0, len(unique), size)]
        refs = [worker.translate.remote(shard, source, target, self.bundle) for worker, shard in zip(self.workers, shards)]
        try:
            outputs = ray.get(refs)
        except RayError as err:
            raise TransflowError(
                f"Ray workers failed translating {len(unique)} sentences {source}→{target} ({_cause(err)}); "
                f"the files already written are kept, run the batch again to resume"
            ) from None
        if [len(result) for result in outputs] != [len(shard) for shard in shards]:
            raise TransflowError(f"Ray workers returned {sum(map(len, outputs))} translations for {len(unique)} sentences {source}→{target}; run the batch again")
        translated = {text: output for shard, result in zip(shards, outputs) for text, output in zip(shard, result)}
        return [translated[text] for text in texts]


def _cause(err: BaseException) -> str:
    """The line of an error that names its cause: the last (Ray puts the worker's traceback first)."""
    lines = [line.strip() for line in str(err).splitlines() if line.strip()]
    return lines[-1] if lines else type(err).__name__


def _import_ray():
    try:
        import ray
    except ImportError:
        raise UsageError("Ray is not installed; install it with: pip install -e '.[ray]' in transflow's folder") from None
    return ray


def connect(address: str) -> bool:
    """Join the cluster at *address* (or RAY_ADDRESS), or start a local one; False when already connected.

    An address nobody answers at is refused at once: Ray itself would retry for minutes.
    """
    ray = _import_ray()
    given = address or os.environ.get("RAY_ADDRESS", "")
    if given and given not in ("auto", "local"):
        _check_reachable(given)
    if ray.is_initialized():
        return False
    quiet: dict[str, Any] = {"logging_level": "ERROR", "log_to_driver": False, "namespace": "transflow"}
    try:
        if given:
            ray.init(address=address or None, **quiet)
        else:
            ray.init(include_dashboard=False, **quiet)
    except (ConnectionError, RuntimeError, ValueError) as err:
        raise UsageError(
            f"cannot reach the Ray cluster at {given or 'a new local cluster'} ({_cause(err)}); "
            f"start one with 'ray start --head', or check --ray-address"
        ) from None
    return True


def _check_reachable(address: str) -> None:
    location = address.removeprefix("ray://")
    host, _, port = location.rpartition(":")
    if not host or not port.isdigit():
        raise UsageError(f"Ray address {address!r} is not HOST:PORT (or auto); the head node prints it after 'ray start --head'")
    try:
        socket.create_connection((host, int(port)), timeout=CONNECT_TIMEOUT).close()
    except OSError as err:
        raise UsageError(
            f"cannot reach the Ray cluster at {address} ({err.strerror or err}); start it with 'ray start --head' there, or check --ray-address"
        ) from None


def worker_options(settings: ArgosSettings, options: RayOptions, nodes: list[dict]) -> tuple[int, dict[str, Any], dict]:
    """How many workers, the Ray resources each asks for, and the engine settings each runs with.

    CPU workers hold ``worker_cpus`` translator replicas of one thread each; a
    GPU worker holds one GPU (Ray sets CUDA_VISIBLE_DEVICES, so CTranslate2's
    device 0 is that GPU) and one CPU.
    """
    alive = [node["Resources"] for node in nodes if node.get("Alive")]
    engine = {name: getattr(settings, name) for name in ArgosSettings.__dataclass_fields__}
    if settings.device == "cuda":
        fits = sum(int(resources.get("GPU", 0)) for resources in alive)
        if not fits:
            raise UsageError("the Ray cluster has no GPUs; add GPU nodes ('ray start --num-gpus N'), or drop --device cuda")
        request = {"num_cpus": 1, "num_gpus": 1}
    else:
        cpus = options.worker_cpus or min(MAX_WORKER_CPUS, min(int(resources.get("CPU", 0)) for resources in alive))
        fits = sum(int(resources.get("CPU", 0)) // max(1, cpus) for resources in alive)
        if not cpus or not fits:
            raise UsageError(f"no node of the Ray cluster has {cpus or 1} CPUs for a worker; lower ray_worker_cpus or add nodes")
        request = {"num_cpus": cpus, "num_gpus": 0}
        engine.update(inter_threads=settings.inter_threads or cpus, intra_threads=settings.intra_threads or 1)
    count = min(options.workers, fits) if options.workers else fits
    return count, request, engine


@contextmanager
def ray_engine(settings: ArgosSettings, pairs: Sequence[tuple[str, str]], options: RayOptions) -> Iterator[RayEngine]:
    """Connect, ship the models *pairs* need and start the workers; stop them and disconnect at the end.

    Everything that can fail here fails before the batch writes anything.
    """
    ray = _import_ray()
    connected = connect(options.address)
    workers: list[Any] = []
    try:
        local = ArgosEngine(settings)
        needed = {hop.path: hop for source, target in pairs for hop in (models.route(source, target, local.installed) or [])}
        count, request, engine_settings = worker_options(settings, options, ray.nodes())
        packages = [(m.from_code, m.to_code, m.version, m.path.name) for m in needed.values()]
        if options.models is None:
            buffer = io.BytesIO()
            bundles.pack(list(needed.values()), buffer, zipfile.ZIP_STORED)
            data = buffer.getvalue()
            bundle, digest, shared = [ray.put(data)], hashlib.sha256(data).hexdigest(), None
        else:
            bundle, digest, shared = [], "", str(options.models)
        actor = ray.remote(Worker).options(max_restarts=RESTARTS, max_task_retries=RESTARTS, scheduling_strategy="SPREAD", **request)
        workers = [actor.remote(digest, shared, packages, engine_settings) for _ in range(count if needed else 0)]
        started = ray.get([worker.start.remote(bundle) for worker in workers])
        for answer in started:
            if answer["error"]:
                raise UsageError(f"Ray worker on {answer['where']}: {answer['error']}")
        yield RayEngine(local, workers, bundle, [answer["where"] for answer in started])
    finally:
        for worker in workers:
            ray.kill(worker)
        if connected:
            ray.shutdown()
