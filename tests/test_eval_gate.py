"""Evaluation gate: verdict quality on WiCE dev must not fall below the pinned floors.

Runs when the dev split is beside the repository (../shared/data/wice/dev.jsonl, as in
CI); skips otherwise. The floors live in benchmarks/wice_baseline.json. Two figures
are gated: the shipped weights on dev (in-sample) and k-fold cross-validation of the
training recipe (held out within dev), so neither a worse feature nor an overfitted
weight file can land quietly.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import wice_data  # noqa: E402  # found through the path set above

BASELINE = json.loads((BENCHMARKS / "wice_baseline.json").read_text(encoding="utf-8"))

pytestmark = pytest.mark.skipif(
    not wice_data.DEFAULT_PATH.exists(),
    reason=f"WiCE dev split not found at {wice_data.DEFAULT_PATH}",
)


@pytest.fixture(scope="module")
def rows() -> list[Any]:
    return wice_data.load_rows()


def test_shipped_weights_keep_their_quality_on_dev(rows: list[Any]) -> None:
    from citecheck.verify import score_pair

    results = [score_pair(row.claim, row.source) for row in rows]
    gold = [row.label == "supported" for row in rows]
    predicted = [label == "supported" for label, *_ in results]
    accuracy = 100 * wice_data.balanced_accuracy(gold, predicted)
    auroc = wice_data.auroc([score for _, score, *_ in results], gold)
    floors = BASELINE["in_sample"]
    assert accuracy >= floors["balanced_accuracy"], f"balanced accuracy fell to {accuracy:.1f}"
    assert auroc >= floors["auroc"], f"AUROC fell to {auroc:.3f}"


def test_the_training_recipe_holds_up_under_cross_validation(rows: list[Any]) -> None:
    import train_verdicts

    x = train_verdicts.feature_matrix(rows)
    cv = train_verdicts.cross_validate(x, [row.label for row in rows])
    floors = BASELINE["cross_validated"]
    assert cv["balanced_accuracy"] >= floors["balanced_accuracy"], cv
    assert cv["auroc"] >= floors["auroc"], cv
