"""The transfer treaties as data: party dates from the depositaries' records, what a treaty
says it requires, and which treaties the sentenced-transfer rules take."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest

from accord.agreements import bundled_agreements, get_agreement
from accord.agreements.models import Agreement
from accord.engine import DecisionRequest
from accord.law.transfer import applicable_treaties, transfer_treaties

D = dt.date.fromisoformat


def transfer_treaty_files() -> list[Agreement]:
    return [
        a
        for a in bundled_agreements().values()
        if a.status == "treaty" and "sentenced_transfer" in a.pathways
    ]


def context(agreement: str, destination: str, as_of: str):  # type: ignore[no-untyped-def]
    request = DecisionRequest.build(
        agreement=agreement, pathway="sentenced_transfer", destination=destination, as_of=as_of
    )
    return request.context()


def test_every_transfer_treaty_binds_the_united_states_and_states_its_terms() -> None:
    treaties = transfer_treaty_files()
    assert {t.id for t in treaties} >= {
        "inter-american-convention",
        "coe-ets-112",
        "us-mx-1976-penal-sentences",
        "us-ca-1977-penal-sentences",
        "us-th-1982-penal-sentences",
    }
    for treaty in treaties:
        assert "US" in {p.country for p in treaty.parties}, treaty.id
        assert treaty.transfer is not None, f"{treaty.id} states no transfer terms"
        assert treaty.transfer.remaining_source.strip(), treaty.id
        assert treaty.transfer.approval_source.strip(), treaty.id
        for party in treaty.parties:
            assert party.source.strip(), (treaty.id, party.country)
            if party.in_force_from is not None:
                assert party.in_force_from >= treaty.effective.from_, (treaty.id, party.country)


@pytest.mark.parametrize(
    ("treaty", "country", "day"),
    [
        # OAS A-57: deposit + 30 days (art. XVII); TIAS 01-624.1 for the United States.
        ("inter-american-convention", "US", "2001-06-24"),
        ("inter-american-convention", "SV", "2008-01-17"),
        ("inter-american-convention", "BR", "2001-05-26"),
        ("inter-american-convention", "MX", "1997-07-02"),
        # ETS No. 112: first day of the month after three months from deposit.
        ("coe-ets-112", "US", "1985-07-01"),
        ("coe-ets-112", "MX", "2007-11-01"),
        ("coe-ets-112", "TT", "1994-07-01"),
        ("us-mx-1976-penal-sentences", "MX", "1977-11-30"),
    ],
)
def test_verified_party_dates_are_the_first_day_in_force(
    treaty: str, country: str, day: str
) -> None:
    agreement = get_agreement(treaty)
    first = D(day)
    assert agreement.party_status(country, first - dt.timedelta(days=1)) == "not_in_force"
    assert agreement.party_status(country, first) == "in_force"


def test_an_unverified_day_is_unknown_before_the_attested_day() -> None:
    iac = get_agreement("inter-american-convention")
    assert iac.party_status("VE", D("2007-08-07")) == "unknown"
    assert iac.party_status("VE", D("2007-08-08")) == "in_force"
    # Before the convention itself entered into force, no party is bound.
    assert iac.party_status("VE", D("1996-04-11")) == "not_in_force"
    assert not iac.party_in_force("VE", D("2007-08-07"))
    assert iac.party_status("HN", D("2025-03-16")) == "not_in_force"  # not a party


def test_an_unverified_party_with_no_attested_day_is_never_known_in_force() -> None:
    data = get_agreement("inter-american-convention").model_dump(by_alias=True)
    data["parties"].append(
        {"country": "PE", "role": "party", "in_force_from_verified": False, "source": "test"}
    )
    treaty = Agreement.model_validate(data)
    assert treaty.party_status("PE", D("2030-01-01")) == "unknown"


def test_the_digest_leaves_out_new_fields_at_their_default() -> None:
    """An agreement that uses neither field keeps the digest its decisions were recorded with."""
    offer = get_agreement("sv-2025-offer")
    data = offer.model_dump(mode="json", by_alias=True)
    del data["transfer"]
    for party in data["parties"]:
        del party["in_force_from_verified"]
    expected = hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()
    assert offer.digest == expected


def test_every_treaty_between_the_states_is_considered() -> None:
    ctx = context("inter-american-convention", "MX", "2025-03-16")
    found = {t.id: status for t, status in transfer_treaties(ctx)}
    assert found == {
        "coe-ets-112": "in_force",
        "inter-american-convention": "in_force",
        "us-mx-1976-penal-sentences": "in_force",
    }
    # The request names a treaty in force: its terms apply.
    assert [t.id for t in applicable_treaties(ctx)] == ["inter-american-convention"]


def test_a_request_under_another_instrument_takes_every_treaty_in_force() -> None:
    ctx = context("sv-2025-offer", "SV", "2025-03-16")
    assert [t.id for t in applicable_treaties(ctx)] == ["inter-american-convention"]
    ctx = context("inter-american-convention", "MX", "2001-06-23")  # before it binds the U.S.
    assert [t.id for t in applicable_treaties(ctx)] == ["us-mx-1976-penal-sentences"]


def test_with_no_treaty_in_force_the_treaties_between_the_states_still_give_the_terms() -> None:
    ctx = context("inter-american-convention", "SV", "2008-01-16")
    assert [(t.id, s) for t, s in transfer_treaties(ctx)] == [
        ("inter-american-convention", "not_in_force")
    ]
    assert [t.id for t in applicable_treaties(ctx)] == ["inter-american-convention"]


def test_treaty_terms_differ_and_are_sourced() -> None:
    iac = get_agreement("inter-american-convention").transfer
    ets = get_agreement("coe-ets-112").transfer
    thai = get_agreement("us-th-1982-penal-sentences").transfer
    mexico = get_agreement("us-mx-1976-penal-sentences").transfer
    assert iac
    assert ets
    assert thai
    assert mexico
    assert (iac.min_remaining_months, iac.remaining_measured_at) == ("parameter", "request")
    assert (ets.min_remaining_months, ets.remaining_measured_at) == (6, "receipt")
    assert (thai.min_remaining_months, thai.remaining_measured_at) == (12, "request")
    assert mexico.min_remaining_months is None  # not encoded: the rule answers unknown
    assert "3(1)(f)" in ets.approval_source
