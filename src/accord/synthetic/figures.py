"""The published figures of national.yaml, and the probabilities the national profile draws
with, derived from them. Each derivation is stated beside it and in docs/synthetic.md."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

# Kinds of conviction in the ICE letter's chart, with the case file's category and the
# offence classes a rule may read (an assumption of this profile: ICE's chart gives neither).
OFFENCE_CLASSES: dict[str, tuple[str, str]] = {
    "homicide": ("violent", "|crime_of_violence|"),
    "kidnapping": ("violent", "|crime_of_violence|"),
    "sexual assault": ("violent", "|crime_of_violence|"),
    "assault": ("violent", "|"),
    "burglary": ("nonviolent", "|"),
    "dangerous drugs": ("nonviolent", "|"),  # 30% illicit trafficking (national.py)
    "larceny": ("nonviolent", "|"),
    "weapons offence": ("nonviolent", "|"),
    "traffic offence": ("nonviolent", "|"),
    "DUI": ("nonviolent", "|"),
    "illegal entry or reentry": ("nonviolent", "|"),
    "offence not stated in record": ("unknown", "|"),
}


@dataclass(frozen=True)
class TpsDesignation:
    country: str
    holders: int
    since: dt.date
    valid_until: dt.date
    authority: str


@dataclass(frozen=True)
class NationalFigures:
    """Probabilities of the national profile, each derived from national.yaml."""

    raw: dict[str, Any]
    nationality: dict[str, float]  # share of the docket by country of citizenship
    final_rate: dict[str, float]  # P(final order | country)
    final_share: float  # 1,445,549 / 7,600,000
    not_final: float  # P(order not yet final | no final order)
    detained: float  # P(detained)
    convicted_detained: float
    convicted_free: float
    offences: dict[str, float]  # conviction kinds, as weights
    convictions_per_person: dict[int, float]
    asylum_pending: float  # P(asylum claim pending | no removal order)
    asylum_pending_share: float  # of the docket: 1,500,000 / 7,600,000
    withholding: float  # P(withholding granted | final order)
    cat: float  # P(CAT protection | final order)
    asylum_denied: float  # P(asylum denied on record | final order)
    designations: tuple[TpsDesignation, ...]
    tps_rate: dict[str, float]  # P(TPS | country)
    other_status: dict[str, float]
    past_custody: float
    citizenship: dict[str, float]
    screen_mix: dict[str, Any]


def _read() -> dict[str, Any]:
    text = resources.files("accord.synthetic").joinpath("national.yaml").read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


@cache
def national_figures() -> NationalFigures:
    raw = _read()
    docket = raw["docket"]
    non_detained = docket["non_detained"]["value"]
    detained = docket["detained"]["value"]

    # Nationality: the FY2023 top ten; the rest spread over the `rest` countries in
    # proportion to their final-order counts of November 2024.
    nat = raw["nationality"]
    finals = raw["final_orders"]
    top = {c: n / nat["total"] for c, n in nat["counts"].items()}
    rest_share = 1 - sum(top.values())
    rest = nat["rest"]["countries"]
    rest_weight = sum(finals["counts"][c] for c in rest)
    shares = top | {c: rest_share * finals["counts"][c] / rest_weight for c in rest}

    # Final orders: count of the country over its persons on the FY2024 docket; the rest
    # countries share one rate.
    rest_finals = finals["total"] - sum(finals["counts"][c] for c in top)
    final_rate = {c: finals["counts"][c] / (top[c] * non_detained) for c in top}
    final_rate |= dict.fromkeys(rest, rest_finals / (rest_share * non_detained))
    final_share = finals["total"] / non_detained
    not_final = finals["not_final"]["value"]

    conv = raw["convictions"]
    kinds = conv["kinds"]
    offences = {k: float(v) for k, v in kinds["counts"].items()}
    other = kinds["other"]
    offences |= {k: other["value"] * p for k, p in other["split"].items()}

    claims = raw["pending_claims"]
    asylum_share = claims["asylum"]["value"] / non_detained
    no_order = (1 - final_share) * (1 - not_final)
    barred = claims["withholding_cat"]

    tps = raw["tps"]
    designations = tuple(
        TpsDesignation(d["country"], d["holders"], d["since"], d["valid_until"], d["authority"])
        for d in tps["designations"]
    )
    on_docket, cap = tps["on_docket"]["value"], tps["on_docket"]["cap"]
    tps_rate: dict[str, float] = {}
    for d in designations:
        tps_rate[d.country] = tps_rate.get(d.country, 0.0) + d.holders * on_docket / (
            shares[d.country] * non_detained
        )
    tps_rate = {c: min(cap, r) for c, r in tps_rate.items()}

    custody = raw["custody"]
    return NationalFigures(
        raw=raw,
        nationality=shares,
        final_rate=final_rate,
        final_share=final_share,
        not_final=not_final,
        detained=detained / (non_detained + detained),
        convicted_detained=1 - docket["detained_never_convicted"]["value"],
        convicted_free=conv["non_detained_convicted"] / docket["non_detained_july_2024"]["value"],
        offences=offences,
        convictions_per_person={int(k): v for k, v in conv["per_person"]["split"].items()},
        asylum_pending=asylum_share / no_order,
        asylum_pending_share=asylum_share,
        withholding=barred["withholding"],
        cat=barred["cat"],
        asylum_denied=barred["asylum_denied"],
        designations=designations,
        tps_rate=tps_rate,
        other_status=dict(tps["other_status"]["shares"]),
        past_custody=custody["past_custody"]["value"],
        citizenship=dict(custody["citizenship"]["shares"]),
        screen_mix=raw["screen_mix"],
    )
