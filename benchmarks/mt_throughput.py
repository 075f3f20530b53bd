"""MT throughput: transflow's engine against the naive Argos path and against raw CTranslate2.

The model has the cost of the published Argos models, random weights, int8:
argos-train's config.yml (argosopentech/argos-train) trains a Transformer with
enc_layers 6, dec_layers 6, heads 8, rnn_size (d_model) 512, transformer_ff
2048 and a shared SentencePiece vocabulary of src/tgt_vocab_size 50000; the
OPUS-MT models behind en↔vi 1.9 are the same 6+6-layer, 512-wide
transformer. An end-of-sentence bias makes outputs about as long as inputs;
the length distribution is printed so the comparison is fair.

On ~300 generated news sentences in paragraphs of 3–5, in one run, same model:
  (a) naive: one CTranslate2 call per paragraph with Argos's settings (beam 4,
      max_batch_size 32 of batch_type "tokens", replace_unknowns, length penalty
      0.2), as argostranslate.translate.apply_packaged_translation does;
  (b) transflow: the engine as `transflow translate`/`batch` runs it, end to end
      (segmentation, protection and restore included), default settings;
  (c) the limit: one raw translate_batch over all sentences sorted by length,
      with the best batch size and thread layout found.
Then (b)/(a), (b)/(c), greedy decoding, a pivot pair, and peak memory with
en→vi and en→ja loaded.

    python benchmarks/mt_throughput.py [--sentences 300]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

SEED_WORDS = Path(__file__).resolve().parent


def news_sentences(count: int, rng: random.Random) -> list[str]:
    sys.path.insert(0, str(SEED_WORDS))
    from tm_lookup import samples_vocabulary, sentence_maker

    sentence = sentence_maker("en", samples_vocabulary())
    return [sentence(rng) for _ in range(count)]


def build(folder: Path, corpus: list[str], pairs: list[tuple[str, str]]):
    from transflow.models import InstalledModel
    from transflow.synthetic_models import build_random_package, train_sentencepiece

    sp_model = train_sentencepiece(["\n".join(corpus)], folder / "spm", vocab_size=8000)
    installed = {}
    for source, target in pairs:
        package = build_random_package(folder / f"{source}_{target}.argosmodel", source, target, sp_model, eos_bias=2.6, seed=len(installed))
        with zipfile.ZipFile(package) as archive:
            archive.extractall(folder / "packages")
        installed[(source, target)] = InstalledModel(source, target, "1.9", folder / "packages" / f"translate-{source}_{target}-1_9")
    return installed, sp_model


def rate(sentences: int, tokens: int, seconds: float) -> str:
    return f"{sentences / seconds:7.1f} sentences/s {tokens / seconds:8.0f} target tokens/s ({seconds:5.1f} s)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sentences", type=int, default=300)
    args = parser.parse_args()
    import ctranslate2
    import sentencepiece

    from transflow.draft import collect_units, draft
    from transflow.engines.argos import ArgosEngine, ArgosSettings
    from transflow.formats import plaintext
    from transflow.segment import segment, segments_of

    rng = random.Random(9)
    corpus = news_sentences(20_000, rng)
    sentences = corpus[: args.sentences]
    paragraphs, i = [], 0
    while i < len(sentences):
        size = rng.randint(3, 5)
        paragraphs.append(" ".join(sentences[i : i + size]))
        i += size
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        installed, sp_model = build(folder, corpus, [("en", "vi"), ("en", "ja"), ("vi", "en")])
        sp = sentencepiece.SentencePieceProcessor(model_file=str(sp_model))
        model_dir = str(installed[("en", "vi")].path / "model")
        tokens = [sp.encode(s, out_type=str) for s in sentences]
        print(f"machine: {cores} CPUs, ctranslate2 {ctranslate2.__version__}; model: 6+6 layers, d512, 8 heads, FFN 2048, vocabulary 50,000, int8")
        print(f"{len(sentences)} sentences in {len(paragraphs)} paragraphs; input tokens per sentence: mean {statistics.mean(map(len, tokens)):.1f}, median {statistics.median(map(len, tokens)):.0f}, max {max(map(len, tokens))}")

        def raw(translator, batch, **options):
            began = time.perf_counter()
            results = translator.translate_batch(batch, **options)
            return results, time.perf_counter() - began

        # (a) the naive Argos path: one call per paragraph.
        naive = ctranslate2.Translator(model_dir, device="cpu", inter_threads=1, intra_threads=0)
        seconds, out_tokens, lengths = 0.0, 0, []
        for paragraph in paragraphs:
            batch = [sp.encode(paragraph[a:b], out_type=str) for a, b in segment(paragraph, "en")]
            results, spent = raw(naive, batch, replace_unknowns=True, max_batch_size=32, batch_type="tokens", beam_size=4, length_penalty=0.2)
            seconds += spent
            lengths += [len(r.hypotheses[0]) for r in results]
        out_tokens = sum(lengths)
        a_rate = len(sentences) / seconds
        print(f"output tokens per sentence: mean {statistics.mean(lengths):.1f}, median {statistics.median(lengths):.0f}, p90 {sorted(lengths)[int(0.9 * len(lengths))]}")
        print(f"(a) naive Argos path          {rate(len(sentences), out_tokens, seconds)}")
        del naive

        # (b) transflow end to end, default settings.
        def transflow(settings: ArgosSettings, pair=("en", "vi"), count: int | None = None) -> float:
            engine = ArgosEngine(settings, installed=installed)
            doc = plaintext.parse("\n\n".join(paragraphs[:count]) + "\n")
            began = time.perf_counter()
            segs = segments_of(doc, pair[0])
            units = collect_units(segs, "bench.txt")
            draft(units, {}, engine, pair[0], pair[1])
            return time.perf_counter() - began

        b_seconds = transflow(ArgosSettings())
        b_rate = len(sentences) / b_seconds

        # (c) the limit: raw CTranslate2, sorted by length, best layout found.
        best = None
        ordered = sorted(tokens, key=len)
        for inter in sorted({1, cores}):
            translator = ctranslate2.Translator(model_dir, device="cpu", inter_threads=inter, intra_threads=max(1, cores // inter))
            for size in (16, 32, 64):
                results, spent = raw(translator, ordered, max_batch_size=size, batch_type="examples", beam_size=4, length_penalty=0.2)
                produced = sum(len(r.hypotheses[0]) for r in results)
                print(f"    raw inter_threads={inter} intra_threads={max(1, cores // inter)} max_batch_size={size:<3} {rate(len(sentences), produced, spent)}")
                if best is None or spent < best[0]:
                    best = (spent, produced, inter, size)
            del translator
        c_seconds, c_tokens, inter, size = best
        c_rate = len(sentences) / c_seconds
        # Beam search is deterministic: (b) produces the same target tokens as (c).
        print(f"(b) transflow (defaults)      {rate(len(sentences), c_tokens, b_seconds)}")
        print(f"(c) limit (inter_threads={inter}, max_batch_size={size}) {rate(len(sentences), c_tokens, c_seconds)}")
        print(f"(b)/(a) = {b_rate / a_rate:.1f}   (target ≥ 8)")
        print(f"(b)/(c) = {b_rate / c_rate:.2f}  (target ≥ 0.9)")

        g_seconds = transflow(ArgosSettings(beam_size=1))
        print(f"greedy draft mode (beam_size = 1)  {len(sentences) / g_seconds:7.1f} sentences/s ({g_seconds:5.1f} s)")
        pivot_paragraphs = 15  # random weights make the first hop's output long, so the second hop costs more than a real one
        pivot_sentences = sum(len(segment(p, "en")) for p in paragraphs[:pivot_paragraphs])
        p_seconds = transflow(ArgosSettings(), ("vi", "ja"), pivot_paragraphs)
        print(f"pivot vi→en→ja (both hops batched) {pivot_sentences / p_seconds:7.1f} sentences/s ({pivot_sentences} sentences, {p_seconds:5.1f} s)")
        print(f"peak RSS of a process with en→vi and en→ja loaded and translating: {peak_memory(installed, sentences[:32]):.0f} MiB")


def peak_memory(installed, sentences: list[str]) -> float:
    """Measured in a fresh process, so the benchmark's own translators do not count."""
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    with context.Pool(1) as pool:
        return pool.apply(_load_both, (installed, sentences))


def _load_both(installed, sentences: list[str]) -> float:
    from transflow.engines.argos import ArgosEngine

    engine = ArgosEngine(installed=installed)
    engine.translate(sentences, "en", "vi")
    engine.translate(sentences, "en", "ja")
    return peak_rss_mib()


def peak_rss_mib() -> float:
    """This process's own high-water mark (ru_maxrss would include the forking parent's)."""
    status = Path("/proc/self/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:"))) / 1024


if __name__ == "__main__":
    main()
