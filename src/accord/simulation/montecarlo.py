"""The Monte Carlo core: every draw at once (numpy), one step a month.

State: for each draw, the number of persons in each stage of the stay
(stay.py). Each month, in this order:

1. arrivals: Poisson(mean of the month) or the fixed count, then capped so
   that cumulative arrivals never pass the eligible population;
2. they enter the first stage of a chain (split among chains binomially);
3. everyone in a stage is held for the whole month (arrivals on its first
   day, departures on its last): `held` is counted here;
4. at the end of the month each person held is ordered returned with the
   monthly probability, and each one left moves on from its stage with the
   stage's probability; moving on from a last stage is release.

Binomial draws are numpy's, exact, except where a cell's variance n·p·(1-p)
passes NORMAL_ABOVE_VARIANCE (9, the usual rule of thumb), where the normal
approximation (rounded, clipped to [0, n]) is used instead: numpy's exact
sampler costs ~170 ns a draw once n·p passes about 25, and on the bundled
scenarios the percentiles of both agree within the Monte Carlo noise.
Probabilities of 0 or 1 take no random draw, so a fixed stay with fixed
arrivals and no return orders is deterministic.

No loop runs over draws; the only Python loop is over months (and chains).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from accord.simulation.stay import StageModel

NORMAL_ABOVE_VARIANCE = 9.0
Progress = Callable[[int, int], None]  # (months done, months in all)


@dataclass(frozen=True)
class PopulationInputs:
    arrivals: np.ndarray  # (months,) Poisson means, or fixed counts
    arrivals_fixed: bool
    eligible_cap: int | None  # cumulative arrivals never pass this
    stay: StageModel
    return_probability: float

    @property
    def months(self) -> int:
        return int(self.arrivals.shape[0])


@dataclass(frozen=True)
class Trajectories:
    """Per draw (rows) and month (columns): persons."""

    held: np.ndarray  # held during the month
    arrivals: np.ndarray
    returns: np.ndarray  # ordered returned at the end of the month
    releases: np.ndarray  # released at the end of the stay, end of the month

    @property
    def draws(self) -> int:
        return int(self.held.shape[0])


def _normal_binomial(
    rng: np.random.Generator, n: np.ndarray, p: np.ndarray, variance: np.ndarray
) -> np.ndarray:
    """The normal approximation of Binomial(n, p), rounded and clipped to [0, n]."""
    drawn = np.rint(n * p + np.sqrt(variance) * rng.standard_normal(n.shape))
    clipped: np.ndarray = np.clip(drawn, 0, n).astype(n.dtype)
    return clipped


def binomial(rng: np.random.Generator, n: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Binomial(n, p) for every cell of `n` (draws x stages), `p` one per stage (column)."""
    random = (p > 0.0) & (p < 1.0)
    if not random.all():
        out = np.where(p >= 1.0, n, 0)
        if random.any():
            out[:, random] = binomial(rng, n[:, random], p[random])
        return out
    variance = n * (p * (1.0 - p))
    large = variance > NORMAL_ABOVE_VARIANCE
    if not large.any():
        return rng.binomial(n, p)
    if large.all():
        return _normal_binomial(rng, n, p, variance)
    probability = np.broadcast_to(p, n.shape)
    out = np.empty_like(n)
    small = ~large
    out[small] = rng.binomial(n[small], probability[small])
    out[large] = _normal_binomial(rng, n[large], probability[large], variance[large])
    return out


def _arrivals(
    inputs: PopulationInputs, month: int, draws: int, rng: np.random.Generator
) -> np.ndarray:
    value = float(inputs.arrivals[month])
    if inputs.arrivals_fixed:
        return np.full(draws, round(value), dtype=np.int64)
    return rng.poisson(value, size=draws).astype(np.int64)


def _enter_chains(
    arrivals: np.ndarray, entry: tuple[float, ...], rng: np.random.Generator
) -> list[np.ndarray]:
    """Split each draw's arrivals among the chains (a multinomial as successive binomials)."""
    parts: list[np.ndarray] = []
    rest = arrivals
    left = 1.0
    for weight in entry[:-1]:
        share = min(1.0, weight / left) if left > 0 else 0.0
        part = binomial(rng, rest[:, None], np.array([share]))[:, 0]
        parts.append(part)
        rest = rest - part
        left -= weight
    parts.append(rest)
    return parts


def simulate_population(
    inputs: PopulationInputs,
    *,
    draws: int,
    rng: np.random.Generator,
    progress: Progress | None = None,
) -> Trajectories:
    months = inputs.months
    leave, first, following, last = inputs.stay.arrays()
    moves_on = np.flatnonzero(~last)
    into = following[moves_on]
    state = np.zeros((draws, leave.size), dtype=np.int64)
    held, arrived, returned, released = (
        np.zeros((draws, months), dtype=np.int64) for _ in range(4)
    )
    remaining = (
        np.full(draws, inputs.eligible_cap, dtype=np.int64)
        if inputs.eligible_cap is not None
        else None
    )
    return_p = np.full(leave.size, inputs.return_probability)
    for month in range(months):
        new = _arrivals(inputs, month, draws, rng)
        if remaining is not None:
            new = np.minimum(new, remaining)
            remaining -= new
        arrived[:, month] = new
        for stage, part in zip(first, _enter_chains(new, inputs.stay.entry, rng), strict=True):
            state[:, stage] += part
        held[:, month] = state.sum(axis=1)
        if inputs.return_probability > 0.0:
            going_back = binomial(rng, state, return_p)
            state -= going_back
            returned[:, month] = going_back.sum(axis=1)
        leaving = binomial(rng, state, leave)
        state -= leaving
        released[:, month] = leaving[:, last].sum(axis=1)
        state[:, into] += leaving[:, moves_on]
        if progress is not None:
            progress(month + 1, months)
    return Trajectories(held, arrived, returned, released)
