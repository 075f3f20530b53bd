"""Precision and recall of ``glossary suggest`` on the hand-labelled sample articles
(tests/data/glossary_candidates.json) and on the generated batch (tests/candidate_batch.py).

    python benchmarks/glossary_suggest.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from candidate_batch import evaluate  # noqa: E402
from transflow.glossary import load  # noqa: E402


def main() -> None:
    for name, score in evaluate(load([ROOT / "glossaries" / "newsroom.csv"])).items():
        print(
            f"{name}: precision {score.precision:.2f} ({score.correct}/{score.suggested}), "
            f"recall {score.recall:.2f} ({score.correct}/{score.expected})"
        )
        if score.missed:
            print(f"  missed: {', '.join(score.missed)}")
        if score.wrong:
            print(f"  wrong: {', '.join(score.wrong)}")


if __name__ == "__main__":
    main()
