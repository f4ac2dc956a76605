"""Length of stay as chains of monthly stages (a discrete phase-type distribution).

The simulator steps by month and tracks, for every draw, how many persons
are in each stage. A person enters chain i with probability `entry[i]`,
spends at least one month in each stage of it, and at the end of every
month leaves the stage with that stage's probability (1 for a stage of
exactly one month). Leaving the last stage is release at the end of the
stay. The stay is the number of months present, at least one.

Why stages and not one cohort per arrival month: a cohort per month means
draws x months x months binomial draws (about 70 million for ten years and
10,000 draws, several seconds); stages keep the work to draws x months x
stages, and the count of stages is small for every distribution but a long
fixed stay.

* fixed: `months` stages of one month each: exact, and no random draw.
* sentence: a mix of fixed remaining terms, one chain each, entered by share.
* gamma: round(shape) stages (at least 1, at most the mean), each geometric
  with mean `mean_months / stages`: the monthly analogue of a gamma, with the
  same mean exactly.
* lognormal: a chain with the lognormal's mean and about its variance
  (stages = 1 / (CV^2 + 1/mean)); if the lognormal is more dispersed than a
  geometric stay (CV > 1), two one-stage chains with balanced means (a
  two-phase hyper-geometric), again with the same mean.

`describe()` gives the mean and coefficient of variation of the stages as
built, next to the distribution asked for, so a report shows both.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from accord.simulation.scenario import (
    FixedStay,
    GammaStay,
    LengthOfStay,
    LognormalStay,
    SentenceStay,
)


@dataclass(frozen=True)
class StageModel:
    entry: tuple[float, ...]  # probability of entering each chain
    chains: tuple[tuple[float, ...], ...]  # per chain, each stage's monthly leaving probability
    asked: str  # the distribution as the scenario gives it

    @property
    def stages(self) -> int:
        return sum(len(c) for c in self.chains)

    @property
    def mean_months(self) -> float:
        return sum(w * _chain_mean(c) for w, c in zip(self.entry, self.chains, strict=True))

    @property
    def cv(self) -> float:
        """Coefficient of variation of the stay, months."""
        mean = self.mean_months
        second = sum(
            w * (_chain_variance(c) + _chain_mean(c) ** 2)
            for w, c in zip(self.entry, self.chains, strict=True)
        )
        return math.sqrt(max(second - mean * mean, 0.0)) / mean

    def describe(self) -> str:
        chains = "; ".join(
            f"{w:.0%} into {len(c)} stage{'s' if len(c) > 1 else ''}"
            for w, c in zip(self.entry, self.chains, strict=True)
        )
        return (
            f"{self.asked}: modelled as {chains}; mean {self.mean_months:.2f} months, "
            f"coefficient of variation {self.cv:.2f}"
        )

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(leaving probability per stage, first stage of each chain, next stage or -1, is last)."""
        leave: list[float] = []
        first: list[int] = []
        following: list[int] = []
        for chain in self.chains:
            first.append(len(leave))
            for i, p in enumerate(chain):
                following.append(len(leave) + 1 if i < len(chain) - 1 else -1)
                leave.append(p)
        nxt = np.array(following, dtype=np.int64)
        return np.array(leave), np.array(first, dtype=np.int64), nxt, nxt < 0


def _chain_mean(chain: tuple[float, ...]) -> float:
    return sum(1.0 / p for p in chain)


def _chain_variance(chain: tuple[float, ...]) -> float:
    return sum((1.0 - p) / (p * p) for p in chain)


def _erlang(mean: float, stages: int) -> tuple[float, ...]:
    """`stages` geometric stages (each at least a month) with total mean `mean`."""
    stages = max(1, min(stages, math.floor(mean)))
    return (stages / mean,) * stages


def stage_model(stay: LengthOfStay) -> StageModel:
    if isinstance(stay, FixedStay):
        return StageModel((1.0,), ((1.0,) * stay.months,), f"fixed {stay.months} months")
    if isinstance(stay, SentenceStay):
        return StageModel(
            tuple(s.share for s in stay.remaining),
            tuple((1.0,) * s.months for s in stay.remaining),
            "remaining sentence "
            + ", ".join(f"{s.months} months ({s.share:.0%})" for s in stay.remaining),
        )
    if isinstance(stay, GammaStay):
        asked = f"gamma, mean {stay.mean_months:g} months, shape {stay.shape:g}"
        return StageModel((1.0,), (_erlang(stay.mean_months, round(stay.shape)),), asked)
    return _lognormal(stay)


def _lognormal(stay: LognormalStay) -> StageModel:
    asked = f"lognormal, median {stay.median_months:g} months, sigma {stay.sigma:g}"
    mean = max(1.0, stay.median_months * math.exp(stay.sigma**2 / 2))
    cv2 = math.expm1(stay.sigma**2)
    if cv2 <= 1.0:
        stages = round(1.0 / (cv2 + 1.0 / mean)) if mean > 1 else 1
        return StageModel((1.0,), (_erlang(mean, stages),), asked)
    # Two geometric chains with balanced means (each carries half the mean).
    w = 0.5 * (1.0 + math.sqrt((cv2 - 1.0) / (cv2 + 1.0)))
    leave = (min(1.0, 2 * w / mean), min(1.0, 2 * (1 - w) / mean))
    return StageModel((w, 1.0 - w), ((leave[0],), (leave[1],)), asked)
