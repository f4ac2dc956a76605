"""The rule catalogue, and which rules apply to a decision."""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable

from accord.law.class_orders import CLASS_ORDER_RULES
from accord.law.execution import EXECUTION_RULES
from accord.law.finality import FINALITY_RULES
from accord.law.framework import Context, Rule
from accord.law.notice import NOTICE_RULES
from accord.law.protection import PROTECTION_RULES
from accord.law.removal import REMOVAL_RULES
from accord.law.serving import SERVING_RULES
from accord.law.status_bars import STATUS_BAR_RULES
from accord.law.terms import TERM_RULES, term_rule_ids
from accord.law.transfer import TRANSFER_RULES

ALL_RULES: tuple[Rule, ...] = (
    *REMOVAL_RULES,
    *FINALITY_RULES,
    *STATUS_BAR_RULES,
    *EXECUTION_RULES,
    *CLASS_ORDER_RULES,
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
    "no_status_bar",
    "no_individual_order_bar",
    "execution_waiting_period",
    "no_stay_motion_bar",
    "no_forbearance",
    "no_class_order_bar",
    "no_asylum",
    "no_withholding",
    "no_cat",
    "no_pending_fear",
    "not_serving",
    "early_removal_offence",  # whenever the person is serving (8 U.S.C. 1231(a)(4)(B))
)
_BY_PATHWAY: dict[str, tuple[str, ...]] = {
    "return_of_nationals": (*_REMOVAL_LAW, "pathway_nationality"),
    "third_country_removal": (*_REMOVAL_LAW, "pathway_nationality", "third_country_notice"),
    "custody_placement": (*_REMOVAL_LAW, "third_country_notice"),
    "early_removal": (*_REMOVAL_LAW, "third_country_notice"),
    "sentenced_transfer": (
        "transfer_treaty",
        "transfer_nationality",
        "transfer_consent",
        "transfer_remaining",
        "transfer_final_judgment",
        "transfer_approvals",
    ),
}


def rule_ids_for(ctx: Context) -> list[str]:
    """Every rule the decision must pass: the law's for the pathway, then the agreement's."""
    ids = [*_BY_PATHWAY[ctx.pathway], "receiving_acceptance"]
    for rule_id in term_rule_ids(ctx):
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
    # every law data file: parameters, TPS designations, circuit stay rules, and any folder
    for path, data in sorted(_data_files(root / "data", "data")):
        digest.update(path.encode() + b"\0" + data)
    return digest.hexdigest()


def _data_files(folder: Traversable, prefix: str) -> list[tuple[str, bytes]]:
    """(relative path, bytes) of every .yaml file under `folder`, subfolders included."""
    found: list[tuple[str, bytes]] = []
    for entry in folder.iterdir():
        path = f"{prefix}/{entry.name}"
        if entry.is_dir():
            found.extend(_data_files(entry, path))
        elif entry.name.endswith(".yaml"):
            found.append((path, entry.read_bytes()))
    return found
