"""Argos Translate packages driven through CTranslate2 directly, in batches.

argostranslate's own path translates one paragraph per call and runs its
sentence splitter (which may fetch models at run time); here each package is
loaded once, all of a job's sentences are deduplicated and sent in one
``translate_batch`` that CTranslate2 sorts by length, and pivot pairs run
both hops over the whole batch. Decoding uses the package's SentencePiece
model directly: argostranslate's decode turns ``_`` into spaces.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import Path

from ..errors import TransflowError, UsageError
from .. import languages, models
from . import Scored, Translation


MAX_THREADS = 64


@dataclass(frozen=True)
class ArgosSettings:
    """CTranslate2 knobs. Decoding follows Argos (beam 4, length penalty 0.2);
    batching and threads follow benchmarks/mt_throughput.py: batches of 32
    sentences, and by default (0) one translator replica per core, up to 4,
    each with the remaining cores, which beat one replica using every core.
    On ``device = "cuda"`` one translator batches on the GPU (each Ray worker gets its own GPU).
    """

    beam_size: int = 4
    max_batch_size: int = 32
    inter_threads: int = 0
    intra_threads: int = 0
    compute_type: str = "auto"
    device: str = "cpu"
    length_penalty: float = 0.2
    max_decoding_length: int = 256
    max_input_tokens: int = 250  # longer inputs go to the model in pieces: its positions are finite

    def __post_init__(self) -> None:
        if self.device not in ("cpu", "cuda"):
            raise UsageError(f"engine setting device = {self.device!r}: use cpu or cuda")
        for name in ("inter_threads", "intra_threads"):
            value = getattr(self, name)
            if not 0 <= value <= MAX_THREADS:  # each thread is a model replica: 100,000 of them is death by signal, not speed
                raise UsageError(f"engine setting {name} = {value} (or --jobs): use 0 (automatic) to {MAX_THREADS}; this machine has {os.cpu_count() or 1} cores")

    @classmethod
    def from_mapping(cls, values: Mapping[str, object]) -> ArgosSettings:
        known = {f.name: f.type for f in fields(cls)}
        kwargs = {}
        for key, value in values.items():
            if key == "name":
                continue
            if key not in known:
                raise UsageError(f"unknown engine setting {key!r}; known: {', '.join(known)}")
            caster = {"int": int, "float": float, "str": str}[str(known[key])]
            try:
                kwargs[key] = caster(value)
            except (TypeError, ValueError):
                raise UsageError(f"engine setting {key} = {value!r} is not a valid {known[key]}") from None
        return cls(**kwargs)


class _LoadedModel:
    """One package's translator and tokenizer, loaded once per process."""

    def __init__(self, model: models.InstalledModel, settings: ArgosSettings) -> None:
        import ctranslate2
        from argostranslate.package import Package

        self.info = model
        package = Package(model.path)
        self.tokenizer = package.tokenizer
        self.target_prefix = package.target_prefix
        self.sentencepiece = None
        sp_path = Path(model.path) / "sentencepiece.model"
        if sp_path.exists():
            import sentencepiece

            self.sentencepiece = sentencepiece.SentencePieceProcessor(model_file=str(sp_path))
        cores = os.cpu_count() or 1
        inter = settings.inter_threads or (1 if settings.device == "cuda" else min(4, cores))
        intra = settings.intra_threads or max(1, cores // inter)
        options = {"device": settings.device, "inter_threads": inter, "intra_threads": intra}
        if settings.compute_type != "auto":
            options["compute_type"] = settings.compute_type
        try:
            self.translator = ctranslate2.Translator(str(Path(model.path) / "model"), **options)
        except (RuntimeError, ValueError) as err:
            raise UsageError(
                f"{model.path}: CTranslate2 cannot load the {model.label} model on device {settings.device} ({err}); "
                f"check the model and the device, or use --device cpu"
            ) from None

    def decode(self, tokens: list[str]) -> str:
        if self.target_prefix and tokens and tokens[0] == self.target_prefix:
            tokens = tokens[1:]
        if self.sentencepiece is not None:
            return self.sentencepiece.decode_pieces(tokens).strip()
        return self.tokenizer.decode(tokens).strip()


class ArgosEngine(Scored):
    name = "argos"

    def __init__(
        self,
        settings: ArgosSettings | None = None,
        installed: dict[tuple[str, str], models.InstalledModel] | None = None,
    ) -> None:
        """*installed* replaces the discovery of installed packages (to run packages kept elsewhere)."""
        self.settings = settings or ArgosSettings()
        self._installed = installed
        self._loaded: dict[Path, _LoadedModel] = {}

    @property
    def installed(self) -> dict[tuple[str, str], models.InstalledModel]:
        if self._installed is None:
            self._installed = models.installed()
        return self._installed

    def _route(self, source: str, target: str) -> list[models.InstalledModel]:
        hops = models.route(source, target, self.installed)
        if hops is None:
            raise UsageError(
                f"no Argos model for {source}→{target} is installed; run: {models.install_command(source, target)}"
            )
        return hops

    def check(self, source: str, target: str) -> None:
        self._route(source, target)

    def origin(self, source: str, target: str) -> str:
        hops = self._route(source, target)
        versions = ", ".join(hop.label for hop in hops)
        return f"MT argos {versions}" if len(hops) == 1 else f"MT argos via {models.PIVOT} ({versions})"

    def translate_scored(self, texts: Sequence[str], source: str, target: str) -> list[Translation]:
        """Every hop over the whole batch; a pivoted text keeps the score of its least confident hop."""
        hops = self._route(source, target)
        pivot = models.PIVOT if len(hops) > 1 else None
        results = [Translation(text, None, pivot) for text in texts]
        for hop in hops:
            outputs = self._run(self.load(hop), [r.text for r in results])
            results = [
                Translation(text, score if r.score is None or score is None else min(r.score, score), pivot)
                for r, (text, score) in zip(results, outputs)
            ]
        return results

    def load(self, model: models.InstalledModel) -> _LoadedModel:
        if model.path not in self._loaded:
            self._loaded[model.path] = _LoadedModel(model, self.settings)
        return self._loaded[model.path]

    def _run(self, model: _LoadedModel, texts: list[str]) -> list[tuple[str, float | None]]:
        unique = list(dict.fromkeys(t for t in texts if t.strip()))
        if not unique:
            return [("", None) for _ in texts]
        pieces = [_chunks(model.tokenizer.encode(text), self.settings.max_input_tokens) for text in unique]
        batch = [chunk for chunks in pieces for chunk in chunks]
        prefix = [[model.target_prefix] for _ in batch] if model.target_prefix else None
        s = self.settings
        try:
            results = model.translator.translate_batch(
                batch,
                target_prefix=prefix,
                beam_size=s.beam_size,
                max_batch_size=s.max_batch_size,
                batch_type="examples",
                length_penalty=s.length_penalty,
                replace_unknowns=True,
                max_decoding_length=s.max_decoding_length,
                return_scores=True,
            )
        except RuntimeError as err:
            raise TransflowError(
                f"{model.info.label}: the model failed ({' '.join(str(err).split())}); "
                "if it cannot read long inputs, lower max_input_tokens in the [engine] table of transflow.toml"
            ) from None
        decoded = iter((model.decode(r.hypotheses[0]), self._per_token(r.scores[0], len(r.hypotheses[0]))) for r in results)
        joiner = " " if languages.spaced(model.info.to_code) else ""
        translated = {}
        for text, chunks in zip(unique, pieces):
            outputs = [next(decoded) for _ in chunks]
            translated[text] = (joiner.join(o for o, _ in outputs), min(score for _, score in outputs))  # the least sure piece
        return [translated.get(text, ("", None)) for text in texts]

    def _per_token(self, score: float, tokens: int) -> float:
        """CTranslate2's score is the log-likelihood divided by length ** length_penalty, the
        end-of-sentence token counted; undo that to compare sentences of any length."""
        length = tokens + 1
        return score * length**self.settings.length_penalty / length


def _chunks(tokens: list[str], limit: int) -> list[list[str]]:
    """*tokens* in pieces of at most *limit*: cut before a word near the end of a piece, else
    anywhere but inside a character spelt as bytes (``<0xE4><0xBC><0x9A>``)."""
    pieces = []
    while len(tokens) > limit:
        cut = next((i for i in range(limit, limit // 2, -1) if tokens[i].startswith("▁")), None)
        if cut is None:
            cut = next((i for i in range(limit, 0, -1) if not _CONTINUATION_BYTE.fullmatch(tokens[i])), limit)
        pieces.append(tokens[:cut])
        tokens = tokens[cut:]
    return [*pieces, tokens]


_CONTINUATION_BYTE = re.compile(r"<0x[89AB][0-9A-F]>")
