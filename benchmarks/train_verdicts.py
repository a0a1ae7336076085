"""Train the verdict weights (citecheck/verify/weights.json) on the WiCE dev split.

    .venv/bin/python benchmarks/train_verdicts.py [PATH_TO_DEV_JSONL]

A logistic regression over the ten interpretable features of citecheck.verify.features,
fitted with a few Newton steps in numpy (L2-regularised, features standardised): no
scikit-learn, whose weight is not worth one small fit. Prints k-fold cross-validated
balanced accuracy and AUROC (thresholds chosen inside each training fold, so the
figures are held-out within dev; WiCE's own test split is not available here), then
fits on all of dev and writes the weights. Deterministic: same data, same file.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
from wice_data import DEFAULT_PATH, Row, auroc, balanced_accuracy, load_rows

from citecheck.verify.features import FEATURE_NAMES, explain
from citecheck.verify.model import WEIGHTS_PATH, Model

L2 = 1.0
FOLDS = 5
REPEATS = 10
SEED = 20231201


def feature_matrix(rows: list[Row]) -> np.ndarray:
    values = []
    for row in rows:
        explained = explain(row.claim, row.source)
        values.append(explained.values if explained else (0.0,) * len(FEATURE_NAMES))
    return np.asarray(values, dtype=float)


def fit(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """(mean, scale, coef, intercept) of an L2 logistic regression, by Newton's method."""
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale == 0] = 1.0
    z = np.hstack([np.ones((len(x), 1)), (x - mean) / scale])
    w = np.zeros(z.shape[1])
    penalty = np.eye(z.shape[1]) * L2
    penalty[0, 0] = 0.0  # the intercept is not shrunk
    for _ in range(50):
        p = 1 / (1 + np.exp(-z @ w))
        gradient = z.T @ (p - y) + penalty @ w
        hessian = (z.T * (p * (1 - p))) @ z + penalty
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return mean, scale, w[1:], float(w[0])


def best_threshold(scores: np.ndarray, positive: np.ndarray) -> float:
    """The cut that maximises balanced accuracy (midway between neighbouring scores)."""
    ordered = np.unique(scores)
    cuts = np.concatenate([[ordered[0] - 1e-6], (ordered[1:] + ordered[:-1]) / 2])
    best, best_cut = -1.0, 0.5
    for cut in cuts:
        value = balanced_accuracy(list(positive), list(scores >= cut))
        if value > best:
            best, best_cut = value, float(cut)
    return best_cut


def train(x: np.ndarray, labels: list[str]) -> Model:
    supported = np.array([label == "supported" for label in labels], dtype=float)
    mean, scale, coef, intercept = fit(x, supported)
    model = Model(
        features=FEATURE_NAMES, mean=tuple(mean), scale=tuple(scale), coef=tuple(coef),
        intercept=intercept, supported_at=0.5, partial_at=0.0,
    )
    probabilities = np.array([model.probability(tuple(v)) for v in x])
    supported_at = best_threshold(probabilities, supported.astype(bool))
    some_support = np.array([label != "not_supported" for label in labels])
    partial_at = min(best_threshold(probabilities, some_support), supported_at)
    return Model(
        features=FEATURE_NAMES, mean=tuple(float(v) for v in mean),
        scale=tuple(float(v) for v in scale), coef=tuple(float(v) for v in coef),
        intercept=intercept, supported_at=supported_at, partial_at=partial_at,
    )


def cross_validate(x: np.ndarray, labels: list[str]) -> dict[str, float]:
    """Repeated stratified k-fold: mean held-out balanced accuracy and AUROC."""
    rng = np.random.default_rng(SEED)
    accuracies, aurocs = [], []
    gold = np.array([label == "supported" for label in labels])
    for _ in range(REPEATS):
        fold_of = np.empty(len(labels), dtype=int)
        for label in sorted(set(labels)):  # stratify by the three labels
            members = rng.permutation([i for i, lab in enumerate(labels) if lab == label])
            fold_of[members] = np.arange(len(members)) % FOLDS
        held_scores = np.empty(len(labels))
        held_predictions = np.empty(len(labels), dtype=bool)
        for fold in range(FOLDS):
            test = fold_of == fold
            model = train(x[~test], [lab for lab, t in zip(labels, test, strict=True) if not t])
            for i in np.flatnonzero(test):
                held_scores[i] = model.probability(tuple(x[i]))
                held_predictions[i] = held_scores[i] >= model.supported_at
        accuracies.append(balanced_accuracy(list(gold), list(held_predictions)))
        aurocs.append(auroc(list(held_scores), list(gold)))
    return {
        "folds": FOLDS, "repeats": REPEATS,
        "balanced_accuracy": round(100 * float(np.mean(accuracies)), 1),
        "balanced_accuracy_sd": round(100 * float(np.std(accuracies)), 1),
        "auroc": round(float(np.mean(aurocs)), 3),
    }


def main(argv: list[str]) -> int:
    path = Path(argv[1]) if len(argv) > 1 else DEFAULT_PATH
    if not path.exists():
        print(f"skipped: {path} not found (WiCE dev split; see its README)")
        return 0
    rows = load_rows(path)
    x = feature_matrix(rows)
    labels = [row.label for row in rows]
    cv = cross_validate(x, labels)
    print(f"{FOLDS}-fold cross-validation x{REPEATS} on WiCE dev ({len(rows)} claims): "
          f"balanced accuracy {cv['balanced_accuracy']} (sd {cv['balanced_accuracy_sd']}), "
          f"AUROC {cv['auroc']}")
    model = train(x, labels)
    data = {
        "trained_on": f"WiCE dev, {len(rows)} claims, supported vs rest",
        "script": "benchmarks/train_verdicts.py",
        "cross_validation": cv,
        **model.to_json(),
    }
    WEIGHTS_PATH.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {WEIGHTS_PATH}")
    for name, coef in zip(FEATURE_NAMES, model.coef, strict=True):
        print(f"  {name:20} {coef:+.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
