"""Build small but *real* Argos packages whose behaviour is known in advance.

A copy model is a CTranslate2 Transformer with hand-set weights: the decoder's
cross-attention at step t looks at source position t and copies its token, so
the "translation" is the input (optionally with a small piece dictionary, or
"careless" and deleting symbol pieces the way real models garble markup).
Tests, benchmarks and demos use these to run the genuine install, tokenizer
and CTranslate2 inference paths without downloading a model.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np

SPECIALS = ["<blank>", "<unk>", "<s>", "</s>"]
CARELESS_SYMBOLS = set("<>[]{}()⟦⟧«»|/\\#@%&*=+~^`$")
_QUERY_SCALE = 12.0
_VALUE_SCALE = 12.0
_OUTPUT_SCALE = 10.0
# Output weight of an unsure copy model (noise > 0): low enough that the noise moves every score
# (about -0.5 to -1.1 per token at noise 0.04), high enough that it still copies.
_UNSURE_SCALE = 0.25


def train_sentencepiece(texts: Iterable[str], model_prefix: Path, vocab_size: int = 600) -> Path:
    """Train a byte-fallback SentencePiece model (any text encodes) on *texts*."""
    import sentencepiece as spm

    corpus = [line for text in texts for line in text.splitlines() if line.strip()]
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(corpus),
        model_prefix=str(model_prefix),
        vocab_size=vocab_size,
        model_type="unigram",
        byte_fallback=True,
        character_coverage=1.0,
        normalization_rule_name="identity",
        hard_vocab_limit=False,
        minloglevel=2,
    )
    return model_prefix.with_suffix(".model")


def _pieces(sp_model: Path) -> list[str]:
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_file=str(sp_model))
    return [
        sp.id_to_piece(i)
        for i in range(sp.get_piece_size())
        if not (sp.is_control(i) or sp.is_unknown(i))
    ]


def _is_careless_target(piece: str, symbols: set[str]) -> bool:
    if piece.startswith("<0x") and piece.endswith(">"):
        return chr(int(piece[3:-1], 16)) in symbols
    return any(ch in symbols for ch in piece)


def _copy_spec(vocab: list[str], max_positions: int, output_map: Mapping[int, int], noise: float = 0.0, seed: int = 0):
    from ctranslate2.specs import transformer_spec

    v, m = len(vocab), max_positions
    d = v + m
    spec = transformer_spec.TransformerSpec.from_config(1, 1)
    spec.config.add_source_eos = True
    f32 = np.float32

    def zeros(*shape: int) -> np.ndarray:
        return np.zeros(shape, dtype=f32)

    embeddings = np.concatenate([np.eye(v, dtype=f32), zeros(v, m)], axis=1)
    positions = np.concatenate([zeros(m, v), np.eye(m, dtype=f32)], axis=1)
    token_dims = np.concatenate([np.eye(v, dtype=f32), zeros(v, m)], axis=1)
    position_dims = np.concatenate([zeros(m, v), np.eye(m, dtype=f32)], axis=1)

    def norm(layer) -> None:
        layer.gamma = np.ones(d, dtype=f32)
        layer.beta = zeros(d)

    def linear(layer, weight: np.ndarray) -> None:
        layer.weight = weight.astype(f32)
        layer.bias = zeros(weight.shape[0])

    def passthrough(layer) -> None:
        norm(layer.self_attention.layer_norm)
        linear(layer.self_attention.linear[0], zeros(3 * d, d))
        linear(layer.self_attention.linear[1], zeros(d, d))
        norm(layer.ffn.layer_norm)
        linear(layer.ffn.linear_0, zeros(8, d))
        linear(layer.ffn.linear_1, zeros(d, 8))

    for side in (spec.encoder, spec.decoder):
        side.scale_embeddings = False
        side.position_encodings.encodings = positions
        norm(side.layer_norm)
        passthrough(side.layer[0])
    spec.encoder.embeddings[0].weight = embeddings
    spec.decoder.embeddings.weight = embeddings

    cross = spec.decoder.layer[0].attention
    norm(cross.layer_norm)
    query = zeros(d, d)
    query[:m] = position_dims * _QUERY_SCALE
    key_value = zeros(2 * d, d)
    key_value[:m] = position_dims
    # Past the end of the source no position matches: </s> answers every query
    # at half strength, so decoding stops instead of wandering (and beam search ends early).
    key_value[:m, vocab.index("</s>")] = 0.5
    key_value[d : d + v] = token_dims * _VALUE_SCALE
    linear(cross.linear[0], query)
    linear(cross.linear[1], key_value)
    linear(cross.linear[2], np.eye(d, dtype=f32))

    projection = zeros(v, d)
    for source_id in range(v):
        projection[output_map.get(source_id, source_id), source_id] = _OUTPUT_SCALE if not noise else _UNSURE_SCALE
    if noise:
        projection += np.random.default_rng(seed).normal(0.0, noise, (v, d)).astype(f32)
    linear(spec.decoder.projection, projection)

    spec.register_source_vocabulary(vocab)
    spec.register_target_vocabulary(vocab)
    return spec


def _write_package(
    out_file: Path, spec, from_code: str, to_code: str, sp_model: Path, version: str, readme: str, quantization: str | None = None
) -> Path:
    """Convert *spec* with CTranslate2 and zip it with its tokenizer and metadata as an ``.argosmodel``."""
    from ctranslate2.converters.converter import Converter

    class _Given(Converter):
        def _load(self):
            return spec

    name = f"translate-{from_code}_{to_code}-{version.replace('.', '_')}"
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / name
        root.mkdir()
        _Given().convert(str(root / "model"), quantization=quantization, force=True)
        shutil.copy(sp_model, root / "sentencepiece.model")
        metadata = {
            "package_version": version,
            "argos_version": "1.9",
            "from_code": from_code,
            "from_name": from_code,
            "to_code": to_code,
            "to_name": to_code,
            "type": "translate",
        }
        (root / "metadata.json").write_text(json.dumps(metadata, indent=2), encoding="utf-8")
        (root / "README.md").write_text(readme, encoding="utf-8")
        # Weights are stored as published packages effectively hold them (dense weights do not
        # compress): hand-set ones are mostly zeros and would inflate like a zip bomb.
        with zipfile.ZipFile(out_file, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(root.rglob("*")):
                archive.write(path, path.relative_to(tmp), zipfile.ZIP_STORED if path.name == "model.bin" else None)
    return out_file


def build_copy_package(
    out_file: Path,
    from_code: str,
    to_code: str,
    sp_model: Path,
    *,
    dictionary: Mapping[str, str] | None = None,
    careless: bool = False,
    also_garble: str = "",
    max_positions: int = 256,
    package_version: str = "1.0",
    noise: float = 0.0,
    seed: int = 0,
) -> Path:
    """Write an ``.argosmodel`` that copies its input from *from_code* to *to_code*.

    *dictionary* maps source pieces to target pieces; *careless* turns every
    piece holding a bracket-like or other symbol character (and those of
    *also_garble*: "Z" breaks even the letters-and-digits placeholder form)
    into a space. *noise* (the standard deviation of Gaussian noise, drawn
    from *seed*, added to the output weights) makes a model that still copies
    but is unsure of itself by a different amount for each sentence: real,
    non-zero scores for the review risk, as a published model gives.
    """
    vocab = SPECIALS + _pieces(sp_model)
    index = {piece: i for i, piece in enumerate(vocab)}
    output_map: dict[int, int] = {}
    for source, target in (dictionary or {}).items():
        output_map[index[source]] = index[target]
    if careless:
        space = index["▁"]
        for i, piece in enumerate(vocab[len(SPECIALS) :], start=len(SPECIALS)):
            if _is_careless_target(piece, CARELESS_SYMBOLS | set(also_garble)):
                output_map[i] = space
    readme = "Synthetic copy model built by transflow for tests. Licence: CC0.\n"
    spec = _copy_spec(vocab, max_positions, output_map, noise, seed)
    return _write_package(out_file, spec, from_code, to_code, sp_model, package_version, readme)


def build_random_package(
    out_file: Path,
    from_code: str,
    to_code: str,
    sp_model: Path,
    *,
    layers: int = 6,
    heads: int = 8,
    d_model: int = 512,
    ffn: int = 2048,
    vocab_size: int = 50_000,
    eos_bias: float = 0.0,
    seed: int = 0,
) -> Path:
    """Write an ``.argosmodel`` of the real Argos architecture with random int8 weights.

    It translates nothing, but costs what a real model costs: same layers,
    width, heads, FFN and (padded) vocabulary. *eos_bias* raises or lowers
    the end-of-sentence logit to steer output lengths.
    """
    from ctranslate2.specs import transformer_spec

    pieces = _pieces(sp_model)
    vocab = SPECIALS + pieces + [f"▁pad{i}" for i in range(max(0, vocab_size - len(SPECIALS) - len(pieces)))]
    rng = np.random.default_rng(seed)
    spec = transformer_spec.TransformerSpec.from_config((layers, layers), heads)
    spec.config.add_source_eos = True

    def fill(layer) -> None:
        for name, value in list(vars(layer).items()):
            if isinstance(value, list):
                for item in value:
                    fill(item)
            elif hasattr(value, "__dict__") and not isinstance(value, (str, np.ndarray)):
                fill(value)
        if hasattr(layer, "gamma"):
            layer.gamma = np.ones(d_model, dtype=np.float32)
            layer.beta = np.zeros(d_model, dtype=np.float32)

    fill(spec)

    def linear(layer, rows: int, cols: int) -> None:
        layer.weight = (rng.standard_normal((rows, cols)) / np.sqrt(cols)).astype(np.float32)
        layer.bias = np.zeros(rows, dtype=np.float32)

    for side in (spec.encoder, spec.decoder):
        for layer in side.layer:
            linear(layer.self_attention.linear[0], 3 * d_model, d_model)
            linear(layer.self_attention.linear[1], d_model, d_model)
            linear(layer.ffn.linear_0, ffn, d_model)
            linear(layer.ffn.linear_1, d_model, ffn)
            if hasattr(layer, "attention"):
                linear(layer.attention.linear[0], d_model, d_model)
                linear(layer.attention.linear[1], 2 * d_model, d_model)
                linear(layer.attention.linear[2], d_model, d_model)
    embeddings = (rng.standard_normal((len(vocab), d_model)) * 0.1).astype(np.float32)
    spec.encoder.embeddings[0].weight = embeddings
    spec.decoder.embeddings.weight = embeddings
    linear(spec.decoder.projection, len(vocab), d_model)
    spec.decoder.projection.bias[vocab.index("</s>")] = eos_bias
    # As a trained model, it never writes a control character (its byte pieces): XML could not hold one.
    for i, piece in enumerate(vocab):
        if piece.startswith("<0x") and piece.endswith(">") and (int(piece[3:-1], 16) < 0x20 or int(piece[3:-1], 16) == 0x7F):
            spec.decoder.projection.bias[i] = -30.0
    spec.register_source_vocabulary(vocab)
    spec.register_target_vocabulary(vocab)
    readme = "Synthetic random-weight model of the Argos architecture, for benchmarks. Licence: CC0.\n"
    return _write_package(out_file, spec, from_code, to_code, sp_model, "1.9", readme, quantization="int8")
