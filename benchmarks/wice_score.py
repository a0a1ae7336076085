"""Score citecheck's verdicts on the WiCE dev split (claim level).

    .venv/bin/python benchmarks/wice_score.py [--cli] [PATH_TO_DEV_JSONL]

Binary measure, as the WiCE README suggests: "supported" against the rest. Prints
balanced accuracy, F1 of "supported", AUROC of the score, the 3x3 confusion matrix,
claims per second, and the k-fold cross-validated figures recorded in weights.json by
benchmarks/train_verdicts.py (the shipped weights are fitted on all of dev, so the
figures on dev itself are in-sample; WiCE's held-out test split is not available here).

--cli pipes every pair through `citecheck score` (source as plain text, re-split by
citecheck), prints the same figures for that path, and fails unless the CLI's labels
and scores equal the library's on the same plain text. Nothing from the dataset is
written anywhere but a temporary file, deleted afterwards.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from wice_data import DEFAULT_PATH, LABELS, REPOSITORY, Row, auroc, load_rows

from citecheck.models import VerdictLabel
from citecheck.text import source_from_text
from citecheck.verify import score_pair
from citecheck.verify.model import WEIGHTS_PATH


def report(title: str, gold: list[str], predicted: list[str], scores: list[float],
           elapsed: float) -> None:
    is_gold = [g == VerdictLabel.SUPPORTED for g in gold]
    is_pred = [p == VerdictLabel.SUPPORTED for p in predicted]
    tp = sum(g and p for g, p in zip(is_gold, is_pred, strict=True))
    fp = sum(p and not g for g, p in zip(is_gold, is_pred, strict=True))
    fn = sum(g and not p for g, p in zip(is_gold, is_pred, strict=True))
    tn = len(gold) - tp - fp - fn
    recall = tp / (tp + fn) if tp + fn else 0.0
    specificity = tn / (tn + fp) if tn + fp else 0.0
    precision = tp / (tp + fp) if tp + fp else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0

    print(f"{title}: {len(gold)} claims ({dict(Counter(gold))})")
    print(f"balanced accuracy (supported vs rest): {100 * (recall + specificity) / 2:.1f}")
    print(f"F1 of supported: {100 * f1:.1f}  (precision {100 * precision:.1f}, "
          f"recall {100 * recall:.1f})")
    print(f"AUROC of the score: {auroc(scores, is_gold):.3f}")
    columns = (*LABELS, "unverifiable")
    print("confusion (rows gold, columns predicted):")
    print(f"  {'':20}" + "".join(f"{label:>21}" for label in columns))
    pairs = Counter(zip(gold, predicted, strict=True))
    for label in LABELS:
        print(f"  {label:20}" + "".join(f"{pairs[(label, p)]:>21}" for p in columns))
    print(f"speed: {len(gold) / elapsed:.0f} claims/second")


def cross_validated() -> None:
    data = json.loads(WEIGHTS_PATH.read_text(encoding="utf-8"))
    cv = data.get("cross_validation")
    if cv:
        print(f"cross-validated ({cv['folds']}-fold x{cv['repeats']}, thresholds chosen in "
              f"each training fold): balanced accuracy {cv['balanced_accuracy']} "
              f"(sd {cv['balanced_accuracy_sd']}), AUROC {cv['auroc']}")
    print("(the weights are fitted on all of dev: the figures above on dev are in-sample; "
          "WiCE's held-out test split is not available here)")


def run_library(rows: list[Row]) -> None:
    started = time.perf_counter()
    results = [score_pair(row.claim, row.source) for row in rows]
    elapsed = time.perf_counter() - started
    report("WiCE dev, library, the dataset's own sentences", [row.label for row in rows],
           [str(label) for label, *_ in results], [score for _, score, *_ in results], elapsed)


def run_cli(rows: list[Row]) -> int:
    """Every pair through `citecheck score`; the library on the same plain text must agree."""
    texts = ["\n".join(row.source.sentences) for row in rows]
    with tempfile.TemporaryDirectory() as folder:
        pairs = Path(folder) / "pairs.jsonl"
        with pairs.open("w", encoding="utf-8") as out:
            for number, (row, text) in enumerate(zip(rows, texts, strict=True)):
                out.write(json.dumps({"id": number, "claim": row.claim, "source": text}) + "\n")
        started = time.perf_counter()
        completed = subprocess.run(
            [sys.executable, "-m", "citecheck", "score", str(pairs)],
            capture_output=True, text=True, check=False, cwd=REPOSITORY,
            env={**os.environ, "PYTHONPATH": str(REPOSITORY)},
        )
        elapsed = time.perf_counter() - started
    if completed.returncode != 0:
        print(f"citecheck score failed ({completed.returncode}): {completed.stderr.strip()}")
        return 1
    results = {item["id"]: item for item in map(json.loads, completed.stdout.splitlines())}
    predicted = [results[i]["verdict"] for i in range(len(rows))]
    scores = [float(results[i]["score"]) for i in range(len(rows))]
    report("WiCE dev through `citecheck score` (plain text, re-split; process start included)",
           [row.label for row in rows], predicted, scores, elapsed)
    disagree = 0
    for i, (row, text) in enumerate(zip(rows, texts, strict=True)):
        label, score, *_ = score_pair(row.claim, source_from_text(text))
        if label.value != predicted[i] or abs(round(score, 4) - scores[i]) > 1e-9:
            disagree += 1
    if disagree:
        print(f"FAIL: the CLI and the library disagree on {disagree} of {len(rows)} claims")
        return 1
    print(f"the CLI and the library agree on all {len(rows)} claims")
    return 0


def main(argv: list[str]) -> int:
    args = [arg for arg in argv[1:] if arg != "--cli"]
    path = Path(args[0]) if args else DEFAULT_PATH
    if not path.exists():
        print(f"skipped: {path} not found (WiCE dev split; see its README)")
        return 0
    rows = load_rows(path)
    if "--cli" in argv:
        status = run_cli(rows)
    else:
        run_library(rows)
        status = 0
    cross_validated()
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
