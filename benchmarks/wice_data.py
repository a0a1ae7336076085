"""The WiCE dev split as (claim, SourceText, label) rows, and the binary measures.

Shared by benchmarks/wice_score.py, benchmarks/train_verdicts.py and the evaluation
gate. Nothing from the dataset is written anywhere.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout, uninstalled

from citecheck.models import SourceText  # after the path fix above

REPOSITORY = Path(__file__).resolve().parents[1]
DEFAULT_PATH = REPOSITORY.parent / "shared" / "data" / "wice" / "dev.jsonl"
LABELS = ("supported", "partially_supported", "not_supported")


@dataclass(frozen=True)
class Row:
    claim: str
    source: SourceText
    label: str


def load_rows(path: Path = DEFAULT_PATH) -> list[Row]:
    """Each claim with its cited page as a SourceText (one evidence item per sentence)."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            item = json.loads(line)
            sentences = tuple(item["evidence"])
            source = SourceText(url=None, text=" ".join(sentences), sentences=sentences)
            rows.append(Row(item["claim"], source, item["label"]))
    return rows


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


def balanced_accuracy(gold: list[bool], predicted: list[bool]) -> float:
    tp = sum(g and p for g, p in zip(gold, predicted, strict=True))
    tn = sum(not g and not p for g, p in zip(gold, predicted, strict=True))
    positives = sum(gold)
    negatives = len(gold) - positives
    recall = tp / positives if positives else 0.0
    specificity = tn / negatives if negatives else 0.0
    return (recall + specificity) / 2
