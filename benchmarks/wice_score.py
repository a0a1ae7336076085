"""Score citecheck's lexical matcher on the WiCE dev split (claim level).

    .venv/bin/python benchmarks/wice_score.py [PATH_TO_DEV_JSONL]

Binary measure, as the WiCE README suggests: "supported" against the rest. Prints
balanced accuracy, F1 of "supported", AUROC of the score, the 3x3 confusion matrix
and claims per second. Nothing from the dataset is written anywhere.
"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout, uninstalled

from citecheck.models import SourceText, VerdictLabel
from citecheck.verify import score_pair

DEFAULT_PATH = Path("/work/shared/data/wice/dev.jsonl")
LABELS = ("supported", "partially_supported", "not_supported")


def auroc(scores: list[float], positives: list[bool]) -> float:
    """Probability that a random positive outscores a random negative (ties count half)."""
    ranked = sorted(zip(scores, positives, strict=True))
    rank_sum, position, count = 0.0, 0, len(ranked)
    while position < count:
        end = position
        while end < count and ranked[end][0] == ranked[position][0]:
            end += 1
        average_rank = (position + 1 + end) / 2  # 1-based ranks, ties share the mean
        rank_sum += average_rank * sum(1 for _, positive in ranked[position:end] if positive)
        position = end
    n_pos = sum(positives)
    n_neg = count - n_pos
    if not n_pos or not n_neg:
        return float("nan")
    return (rank_sum - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


def main(argv: list[str]) -> int:
    path = Path(argv[1]) if len(argv) > 1 else DEFAULT_PATH
    if not path.exists():
        print(f"skipped: {path} not found (WiCE dev split; see its README)")
        return 0
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    sources = [SourceText(url=None, text=" ".join(r["evidence"]), sentences=tuple(r["evidence"]))
               for r in rows]

    started = time.perf_counter()
    results = [score_pair(row["claim"], source) for row, source in zip(rows, sources, strict=True)]
    elapsed = time.perf_counter() - started

    gold = [row["label"] for row in rows]
    predicted = [str(label) for label, *_ in results]
    scores = [score for _, score, *_ in results]
    is_gold = [g == VerdictLabel.SUPPORTED for g in gold]
    is_pred = [p == VerdictLabel.SUPPORTED for p in predicted]

    tp = sum(g and p for g, p in zip(is_gold, is_pred, strict=True))
    fp = sum(p and not g for g, p in zip(is_gold, is_pred, strict=True))
    fn = sum(g and not p for g, p in zip(is_gold, is_pred, strict=True))
    tn = len(rows) - tp - fp - fn
    recall = tp / (tp + fn) if tp + fn else 0.0
    specificity = tn / (tn + fp) if tn + fp else 0.0
    precision = tp / (tp + fp) if tp + fp else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0

    print(f"WiCE dev: {len(rows)} claims ({dict(Counter(gold))})")
    print(f"balanced accuracy (supported vs rest): {100 * (recall + specificity) / 2:.1f}")
    print(f"F1 of supported: {100 * f1:.1f}  (precision {100 * precision:.1f}, "
          f"recall {100 * recall:.1f})")
    print(f"AUROC of the score: {auroc(scores, is_gold):.3f}")
    print("confusion (rows gold, columns predicted):")
    print(f"  {'':22}" + "".join(f"{label:>22}" for label in LABELS))
    pairs = Counter(zip(gold, predicted, strict=True))
    for label in LABELS:
        print(f"  {label:22}" + "".join(f"{pairs[(label, p)]:>22}" for p in LABELS))
    print(f"speed: {len(rows) / elapsed:.0f} claims/second "
          f"(mean {sum(len(r['evidence']) for r in rows) / len(rows):.0f} sentences per source,"
          " first pass, index not cached)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
