"""Learned weights over the interpretable features: a logistic regression.

weights.json is written by `benchmarks/train_verdicts.py` (one command, from the WiCE
dev split) and read here. A logistic regression over ten named features is small
enough to read: each weight says how much a feature moves the odds of "supported".
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from citecheck.verify.features import FEATURE_NAMES

WEIGHTS_PATH = Path(__file__).with_name("weights.json")


@dataclass(frozen=True)
class Model:
    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    supported_at: float  # probability from which a claim is "supported"
    partial_at: float  # below this it is "not_supported", else "partially_supported"

    def probability(self, values: tuple[float, ...]) -> float:
        z = self.intercept + sum(
            c * (v - m) / s
            for c, v, m, s in zip(self.coef, values, self.mean, self.scale, strict=True)
        )
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def to_json(self) -> dict[str, object]:
        return {
            "features": list(self.features), "mean": list(self.mean),
            "scale": list(self.scale), "coef": list(self.coef), "intercept": self.intercept,
            "supported_at": self.supported_at, "partial_at": self.partial_at,
        }


def model_from_json(data: dict[str, object]) -> Model:
    def floats(key: str) -> tuple[float, ...]:
        value = data[key]
        assert isinstance(value, list)
        return tuple(float(v) for v in value)

    features = tuple(str(name) for name in data["features"])  # type: ignore[attr-defined]  # a list
    if features != FEATURE_NAMES:
        raise ValueError(
            f"{WEIGHTS_PATH.name} was trained on other features; run benchmarks/train_verdicts.py"
        )
    return Model(
        features=features, mean=floats("mean"), scale=floats("scale"), coef=floats("coef"),
        intercept=float(data["intercept"]),  # type: ignore[arg-type]  # checked by float()
        supported_at=float(data["supported_at"]),  # type: ignore[arg-type]
        partial_at=float(data["partial_at"]),  # type: ignore[arg-type]
    )


@lru_cache(maxsize=1)
def load_model() -> Model:
    return model_from_json(json.loads(WEIGHTS_PATH.read_text(encoding="utf-8")))
