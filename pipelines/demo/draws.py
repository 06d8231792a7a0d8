"""Seeded random draws for the demo generator (Poisson, binomial, weighted picks), never from the clock."""
from __future__ import annotations

import math
import random

# Every draw is seeded with this string plus the village code (and the month): the same inputs
# give the same workbooks, never the clock or the process.
SEED = "pantau-desmigratif-demo-v1"

# --------------------------------------------------------------------------- random helpers


def poisson(rng: random.Random, lam: float) -> int:
    """A Poisson draw (Knuth for small means, normal approximation for large)."""
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def binomial(rng: random.Random, n: int, p: float) -> int:
    """A binomial draw, exact for small n, normal approximation (clamped) for large n."""
    if n <= 0 or p <= 0:
        return 0
    if n <= 40:
        return sum(rng.random() < p for _ in range(n))
    return min(n, max(0, round(rng.gauss(n * p, math.sqrt(n * p * (1 - p))))))


def pick(rng: random.Random, weights: dict[str, float]) -> str:
    """One key drawn with the given weights."""
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def jitter(rng: random.Random, weights: dict[str, float], spread: float) -> dict[str, float]:
    """The same weights, each multiplied by a log-normal village effect."""
    return {k: w * rng.lognormvariate(0, spread) for k, w in weights.items()}


def rupiah(x: float) -> int:
    """Whole rupiah rounded to thousands (what officers write; never a float tail)."""
    return int(round(x / 1000.0)) * 1000
