"""The rule catalogue, and which rules apply to a decision."""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import resources

from accord.law.finality import FINALITY_RULES
from accord.law.framework import Context, Rule
from accord.law.notice import NOTICE_RULES
from accord.law.protection import PROTECTION_RULES
from accord.law.removal import REMOVAL_RULES
from accord.law.serving import SERVING_RULES
from accord.law.terms import TERM_RULES, accepted_nationalities
from accord.law.transfer import TRANSFER_RULES

ALL_RULES: tuple[Rule, ...] = (
    *REMOVAL_RULES,
    *FINALITY_RULES,
    *PROTECTION_RULES,
    *NOTICE_RULES,
    *SERVING_RULES,
    *TRANSFER_RULES,
    *TERM_RULES,
)
RULES: dict[str, Rule] = {r.id: r for r in ALL_RULES}

_REMOVAL_LAW = (
    "citizenship",
    "citizenship_claim",
    "final_order",
    "no_stay",
    "no_asylum",
    "no_withholding",
    "no_cat",
    "no_pending_fear",
    "not_serving",
)
_BY_PATHWAY: dict[str, tuple[str, ...]] = {
    "return_of_nationals": (*_REMOVAL_LAW, "pathway_nationality"),
    "third_country_removal": (*_REMOVAL_LAW, "pathway_nationality", "third_country_notice"),
    "custody_placement": (*_REMOVAL_LAW, "third_country_notice"),
    "early_removal": (*_REMOVAL_LAW, "third_country_notice", "early_removal_offence"),
    "sentenced_transfer": (
        "transfer_treaty",
        "transfer_nationality",
        "transfer_consent",
        "transfer_remaining",
        "transfer_final_judgment",
    ),
}


def rule_ids_for(ctx: Context) -> list[str]:
    """Every rule the decision must pass: the law's for the pathway, then the agreement's."""
    ids = [*_BY_PATHWAY[ctx.pathway], "receiving_acceptance"]
    terms = ctx.agreement.pathways.get(ctx.pathway)
    extra: list[str] = list(terms.rules) if terms else []
    if accepted_nationalities(ctx) is not None:
        extra.append("nationality_accepted")
    if ctx.facility is not None:
        extra.extend(ctx.facility.rules)
    for rule_id in extra:
        if rule_id not in ids:
            ids.append(rule_id)
    return ids


def rules_for(ctx: Context) -> tuple[list[Rule], list[Rule]]:
    """(rules in effect on the date, rules that would apply but are not in effect)."""
    rules = [RULES[i] for i in rule_ids_for(ctx)]
    return [r for r in rules if r.in_effect(ctx.as_of)], [
        r for r in rules if not r.in_effect(ctx.as_of)
    ]


@cache
def ruleset_hash() -> str:
    """sha256 over the law package's code and data: a decision names the exact rules it ran."""
    digest = hashlib.sha256()
    root = resources.files("accord.law")
    for name in sorted(p.name for p in root.iterdir() if p.name.endswith(".py")):
        digest.update(name.encode() + b"\0" + (root / name).read_bytes())
    digest.update((root / "data" / "parameters.yaml").read_bytes())
    return digest.hexdigest()
