"""MT throughput: transflow's engine against the naive Argos path and against raw CTranslate2.

The model has the cost of the published Argos models, random weights, int8:
argos-train's config.yml (argosopentech/argos-train) trains a Transformer with
enc_layers 6, dec_layers 6, heads 8, rnn_size (d_model) 512, transformer_ff
2048 and a shared SentencePiece vocabulary of src/tgt_vocab_size 50000; the
OPUS-MT models behind en↔vi 1.9 are the same 6+6-layer, 512-wide
transformer. An end-of-sentence bias makes outputs about as long as inputs;
the length distribution is printed so the comparison is fair.

One article of generated news sentences in paragraphs of 3–5, a quarter of
them with a figure and a quarter with a glossary term (newsroom.csv), as a
wire story has them; in one run, same model:
  (a) naive: one CTranslate2 call per paragraph with Argos's settings (beam 4,
      max_batch_size 32 of batch_type "tokens", replace_unknowns, length penalty
      0.2), as argostranslate.translate.apply_packaged_translation does;
  (b) transflow: the article drafted as `transflow translate`/`batch` drafts
      it, end to end (segmentation, glossary and figure enforcement,
      protection, MT, restore, repair and QA), default settings, with the
      model behaving two ways: one that keeps every placeholder, one that loses
      them all; both copy numbers through, as NMT models do. The behaviour is
      put on the random model's output (its cost is the real model's): the
      input's figures, and for the keeping model its placeholders, are appended.
      Each runs twice: first with nothing known of the model (a first run),
      then with what that run learned (the MT cache's record in a later run);
  (c) the limit: one raw translate_batch over all the article's sentences
      sorted by length, with the best batch size and thread layout found.
Printed: (b)/(c) for each model and run, MT passes per sentence (mean, and
the most any sentence took, counted in the texts the engine received), (b)/(a),
greedy decoding, a pivot pair, and peak memory with en→vi and en→ja loaded.

    python benchmarks/mt_throughput.py [--sentences 150] [--no-extras]
"""

from __future__ import annotations

import argparse
import os
import random
import re
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


FIGURES = ["240.8 billion USD", "Nov. 27", "12.5%", "3,000", "$1.5 billion", "2026–2030", "8 million tonnes", "15 percent"]
TERMS = ["ASEAN", "Japan", "Foreign Minister", "Prime Minister", "JICA", "Official Development Assistance", "East Sea", "Hanoi"]


def wire_story(sentences: list[str], rng: random.Random, glossary) -> list[str]:
    """*sentences* without figures or terms of their own, then a figure put in a quarter and a term in another quarter."""
    from transflow.figures.recognise import find
    from transflow.glossary.enforce import Enforcer

    enforcer = Enforcer(glossary, "en", "vi")
    plain = [s for s in sentences if not find(s, "en") and not enforcer.spans(s)[0]]
    story = []
    for n, text in enumerate(plain):
        words = text.split()
        at = rng.randint(1, max(1, len(words) - 1))
        if n % 4 == 0:
            words.insert(at, rng.choice(FIGURES))
        elif n % 4 == 1:
            words.insert(at, rng.choice(TERMS))
        story.append(" ".join(words))
    return story


class Behaving:
    """The random model with the behaviour of a real one put on its output: the input's figures copied
    through and, when *keeps*, its placeholders; every text it is sent is recorded."""

    name = "argos"

    def __init__(self, engine, keeps: bool) -> None:
        self.engine, self.keeps = engine, keeps
        self.sent: list[str] = []

    def check(self, source: str, target: str) -> None:
        self.engine.check(source, target)

    def origin(self, source: str, target: str) -> str:
        return f"{self.engine.origin(source, target)} ({'keeps' if self.keeps else 'loses'} placeholders)"

    def translate(self, texts, source, target):
        return [t.text for t in self.translate_scored(texts, source, target)]

    def translate_scored(self, texts, source, target):
        from transflow.engines import Translation
        from transflow.figures.recognise import find
        from transflow.protect import FORMS

        placeholder = re.compile("|".join(form.pattern().pattern for form in FORMS))
        self.sent += texts
        outputs = []
        for text, out in zip(texts, self.engine.translate_scored(texts, source, target)):
            held = [m.span() for m in placeholder.finditer(text)]
            carried = [text[f.start : f.end] for f in find(text, source, held)]
            carried += [text[a:b] for a, b in held] if self.keeps else []
            outputs.append(Translation(" ".join([out.text, *carried]), out.score, out.pivot))
        return outputs


def passes_per_sentence(sent: list[str], units, terms: set[str]) -> list[int]:
    """How many times each unit's sentence is among the texts the engine received (terms sent alone aside)."""
    from rapidfuzz import fuzz, process

    sources = [unit.source for unit in units]
    counted = dict.fromkeys(sources, 0)
    for text in sent:
        if text not in terms:
            counted[process.extractOne(text, sources, scorer=fuzz.ratio)[0]] += 1
    return list(counted.values())


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
    parser.add_argument("--sentences", type=int, default=150)
    parser.add_argument("--no-extras", action="store_true", help="only (b) and (c): skip the naive path, greedy, pivot and memory")
    args = parser.parse_args()
    import ctranslate2
    import sentencepiece

    from transflow import config
    from transflow.draft import collect_units, draft
    from transflow.engines.argos import ArgosEngine, ArgosSettings
    from transflow.figures.enforce import FigureEnforcer
    from transflow.formats import plaintext
    from transflow.glossary import load
    from transflow.glossary.enforce import Enforcer
    from transflow.protect import FormLearning
    from transflow.segment import segment, segments_of

    root = SEED_WORDS.parent
    glossary = load([root / "glossaries" / "newsroom.csv"])
    settings = config.load(root / "transflow.toml")
    rng = random.Random(9)
    corpus = news_sentences(20_000, rng)
    sentences = wire_story(corpus[: args.sentences * 10], rng, glossary)[: args.sentences]
    paragraphs, i = [], 0
    while i < len(sentences):
        size = rng.randint(3, 5)
        paragraphs.append(" ".join(sentences[i : i + size]))
        i += size
    article = "\n\n".join(paragraphs) + "\n"
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        installed, sp_model = build(folder, corpus, [("en", "vi"), ("en", "ja"), ("vi", "en")])
        sp = sentencepiece.SentencePieceProcessor(model_file=str(sp_model))
        model_dir = str(installed[("en", "vi")].path / "model")
        units = collect_units(segments_of(plaintext.parse(article), "en"), "bench.txt")
        texts = [unit.source for unit in units]  # the article's sentences, as transflow segments them
        tokens = [sp.encode(s, out_type=str) for s in texts]
        print(f"machine: {cores} CPUs, ctranslate2 {ctranslate2.__version__}; model: 6+6 layers, d512, 8 heads, FFN 2048, vocabulary 50,000, int8")
        enforcer = Enforcer(glossary, "en", "vi", settings.order_rules)
        figures = FigureEnforcer("en", "vi", settings.figures)
        with_terms = sum(bool(enforcer.spans(t)[0]) for t in texts)
        with_figures = sum(bool(figures.spans(t)) for t in texts)
        print(
            f"{len(texts)} sentences in {len(paragraphs)} paragraphs, {with_figures} with figures, {with_terms} with glossary terms; "
            f"input tokens per sentence: mean {statistics.mean(map(len, tokens)):.1f}, median {statistics.median(map(len, tokens)):.0f}, max {max(map(len, tokens))}"
        )

        def raw(translator, batch, **options):
            began = time.perf_counter()
            results = translator.translate_batch(batch, **options)
            return results, time.perf_counter() - began

        a_rate = None
        if not args.no_extras:
            # (a) the naive Argos path: one call per paragraph.
            naive = ctranslate2.Translator(model_dir, device="cpu", inter_threads=1, intra_threads=0)
            seconds, lengths = 0.0, []
            for paragraph in paragraphs:
                batch = [sp.encode(paragraph[a:b], out_type=str) for a, b in segment(paragraph, "en")]
                results, spent = raw(naive, batch, replace_unknowns=True, max_batch_size=32, batch_type="tokens", beam_size=4, length_penalty=0.2)
                seconds += spent
                lengths += [len(r.hypotheses[0]) for r in results]
            a_rate = len(lengths) / seconds
            print(f"output tokens per sentence: mean {statistics.mean(lengths):.1f}, median {statistics.median(lengths):.0f}, p90 {sorted(lengths)[int(0.9 * len(lengths))]}")
            print(f"(a) naive Argos path          {rate(len(lengths), sum(lengths), seconds)}")
            del naive

        # (b) transflow end to end, default settings, models loaded once as in a run.
        term_texts = {t[s.start : s.end] for t in texts for s in enforcer.spans(t)[0]}

        def transflow(engine, learning: FormLearning, pair=("en", "vi"), count: int | None = None):
            doc = plaintext.parse("\n\n".join(paragraphs[:count]) + "\n")
            began = time.perf_counter()
            units = collect_units(segments_of(doc, pair[0]), "bench.txt")
            terms = Enforcer(glossary, pair[0], pair[1], settings.order_rules)
            stats = draft(units, {}, engine, pair[0], pair[1], terms, FigureEnforcer(pair[0], pair[1], settings.figures), learning)
            return time.perf_counter() - began, stats, units

        # (c) the limit: raw CTranslate2, sorted by length, best layout found.
        best = None
        ordered = sorted(tokens, key=len)
        for inter in sorted({1, cores}):
            translator = ctranslate2.Translator(model_dir, device="cpu", inter_threads=inter, intra_threads=max(1, cores // inter))
            for size in (32, 64):  # 16 was never the best at full size
                results, spent = raw(translator, ordered, max_batch_size=size, batch_type="examples", beam_size=4, length_penalty=0.2)
                produced = sum(len(r.hypotheses[0]) for r in results)
                print(f"    raw inter_threads={inter} intra_threads={max(1, cores // inter)} max_batch_size={size:<3} {rate(len(texts), produced, spent)}")
                if best is None or spent < best[0]:
                    best = (spent, produced, inter, size, translator)
            del translator
        c_seconds, c_tokens, inter, size, limit = best
        print(f"(c) limit (inter_threads={inter}, max_batch_size={size}) {rate(len(texts), c_tokens, c_seconds)}")

        def limit_seconds() -> float:
            return raw(limit, ordered, max_batch_size=size, batch_type="examples", beam_size=4, length_penalty=0.2)[1]

        # (b) each run between two runs of the limit, so that a shared machine's load changes both alike.
        base = ArgosEngine(ArgosSettings(), installed=installed)
        base.load(installed[("en", "vi")])
        runs = []
        before = limit_seconds()
        for keeps in (True, False):
            model, learning = Behaving(base, keeps), FormLearning()
            for run in ("first run", "learned"):
                model.sent = []
                seconds, stats, done = transflow(model, learning)
                after = limit_seconds()
                counted = passes_per_sentence(model.sent, done, term_texts)
                runs.append((f"{'keeps' if keeps else 'loses'} placeholders, {run}", seconds, (before + after) / 2, stats, counted))
                before = after
        targets = {"keeps": 0.9, "loses": 0.75}
        for label, seconds, limit_around, stats, counted in runs:
            b_rate = len(texts) / seconds
            print(
                f"(b) transflow, model {label:<32} {b_rate:7.1f} sentences/s ({seconds:5.1f} s; the limit around it {limit_around:5.1f} s)  "
                f"(b)/(c) = {limit_around / seconds:.2f} "
                f"(target ≥ {targets[label[:5]]})  MT passes per sentence: mean {sum(counted) / len(counted):.2f}, most {max(counted)} "
                f"(drafting counted {stats.mt_passes / stats.machine:.2f}, {stats.second_passes} sentences twice)"
            )
        if a_rate is not None:
            keep_rate = len(texts) / runs[0][1]
            print(f"(b)/(a) = {keep_rate / a_rate:.1f} with the keeping model   (target ≥ 8)")
        if args.no_extras:
            return
        g_seconds, _, _ = transflow(ArgosEngine(ArgosSettings(beam_size=1), installed=installed), FormLearning())
        print(f"greedy draft mode (beam_size = 1)  {len(texts) / g_seconds:7.1f} sentences/s ({g_seconds:5.1f} s)")
        pivot_paragraphs = 15  # random weights make the first hop's output long, so the second hop costs more than a real one
        pivot_sentences = sum(len(segment(p, "en")) for p in paragraphs[:pivot_paragraphs])
        p_seconds, _, _ = transflow(ArgosEngine(ArgosSettings(), installed=installed), FormLearning(), ("vi", "ja"), pivot_paragraphs)
        print(f"pivot vi→en→ja (both hops batched) {pivot_sentences / p_seconds:7.1f} sentences/s ({pivot_sentences} sentences, {p_seconds:5.1f} s)")
        print(f"peak RSS of a process with en→vi and en→ja loaded and translating: {peak_memory(installed, texts[:32]):.0f} MiB")


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
