"""The bundled agreement files, loaded and validated on first use."""

from __future__ import annotations

from functools import cache
from importlib import resources

import yaml
from pydantic import ValidationError

from accord.agreements.models import Agreement
from accord.errors import DataError, UnknownAgreement


@cache
def bundled_agreements() -> dict[str, Agreement]:
    found: dict[str, Agreement] = {}
    folder = resources.files("accord.agreements") / "data"
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".yaml"):
            continue
        try:
            agreement = Agreement.model_validate(yaml.safe_load(entry.read_text("utf-8")))
        except (ValidationError, yaml.YAMLError) as exc:
            raise DataError(f"bundled agreement {entry.name} is invalid: {exc}") from exc
        if agreement.id in found:
            raise DataError(f"two bundled agreements have id '{agreement.id}'")
        found[agreement.id] = agreement
    return found


def get_agreement(agreement_id: str) -> Agreement:
    agreements = bundled_agreements()
    try:
        return agreements[agreement_id]
    except KeyError:
        known = ", ".join(sorted(agreements))
        raise UnknownAgreement(f"no agreement '{agreement_id}' (known: {known})") from None
