"""A v1 registry with decisions recorded, upgraded, replays every decision, and `audit verify`
passes.

tests/data/registry-v1/registry-v1.sql is a registry made by Accord before case file v2
(commit 5da1855, schema 0010; README.md there gives the commands): eight persons imported
from v1 case files of varied shapes, corrections and a retraction, and thirteen decisions on
four pathways, two of them as known before the corrections. Each test loads it into a fresh
PostgreSQL schema, upgrades it with `accord init` (migration 0011 and any later), and checks
what the upgrade must keep:

- the audit chain: `audit verify` passes, and the upgrade wrote no entry;
- every fact version: its stored content digest is still the digest of its rows, now that
  the tables have the columns of v2 (null in every old row);
- every person: read back as a case file v2 whose v1 lists equal the v1 case files
  imported (as known now, and as known before the corrections), with the lists v2 adds
  "not known";
- every decision record: replayed, its facts digest as they did when it was recorded.

"The same result" needs care. A replay reads the facts as known when the decision was made
and decides with today's rules. The facts are the same (the inputs digest proves it), but
the law is not: v2 changed the rule catalogue (new rules read the new lists, which are not
known for a v1 person, so they answer `unknown`), and the ruleset hash names that change.
A decision recorded under the v1 ruleset cannot be expected to give the same statuses under
the v2 ruleset, and a replay that said "reproduces" would hide the change; one that said only
"does NOT reproduce" would not tell a change of law from facts that were altered. So a replay
says both: the facts replay identically (inputs digest) and the ruleset changed since
(recorded hash, hash now), and `accord decisions replay` prints which. What must reproduce
fully is a decision recorded after the upgrade: on the same facts (as known at the old
record's time) it records the same inputs digest as the old record, and its replay
reproduces every status.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from accord.auth import get_user
from accord.casefile.models import ADDED_IN_V2, V1_LISTS, V2_LISTS, CaseFile
from accord.db import make_engine, read_session, verify_chain, write_session
from accord.decisions import decide_from_registry, get_decision_record, replay_decision
from accord.decisions.models import DecisionRecord
from accord.decisions.service import LAW_CHANGED, REPRODUCES
from accord.engine import DecisionRequest
from accord.registry import FACT_MODELS, FactVersion, Person, content_digest, person_case_file
from accord.registry.codec import fact_columns

from .conftest import Registry, _Server

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "registry-v1"
V1_REVISION = "0010"
DECISIONS_RECORDED = 13
FACT_VERSIONS = 100


def _records(name: str) -> dict[str, dict[str, Any]]:
    lines = (FIXTURE / name).read_text(encoding="utf-8").splitlines()
    return {r["person_id"]: r for r in map(json.loads, lines)}


@pytest.fixture
def upgraded(pg_server: _Server, tmp_path: Path) -> Iterator[Registry]:
    """The v1 registry loaded into a schema of its own in the test database (dropped with it:
    a database per test would cost a checkpoint each), then upgraded by `accord init`."""
    base = pg_server.url()  # skips the test when no PostgreSQL server answers
    schema = f"v1_{uuid.uuid4().hex[:12]}"
    # the dump names its schema, public, on every object: here it is the test's own
    dump = (FIXTURE / "registry-v1.sql").read_text(encoding="utf-8")
    dump = dump.replace("public.", f"{schema}.")
    # plain SQL, many statements: sent as one simple query, as psql would send a file
    libpq = make_url(base).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(libpq, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"'.encode())
        conn.execute(dump.encode("utf-8"))
    url = f"{base}?options=-csearch_path%3D{schema}"
    registry = Registry(backend="postgresql", url=url, engine=make_engine(url), tmp=tmp_path)
    before = _state(registry)
    assert before["revision"] == V1_REVISION
    result = registry.cli("init")
    assert result.returncode == 0, result.stderr
    assert f"upgraded from schema {V1_REVISION} to" in result.stdout
    after = _state(registry)
    # the upgrade adds tables and columns; it writes no row and no audit entry
    assert after["counts"] == before["counts"]
    assert after["revision"] != V1_REVISION
    with read_session(registry.engine) as session:
        for user in ("root", "olivia", "lena", "mona"):
            registry.users[user] = get_user(session, name=user)
    yield registry
    registry.engine.dispose()


def _state(registry: Registry) -> dict[str, Any]:
    tables = ("persons", "fact_versions", "decision_records", "audit_log", "users", "imports")
    counts = {t: registry.sql(f"SELECT count(*) FROM {t}")[0][0] for t in tables}
    (revision,) = registry.sql("SELECT version_num FROM alembic_version")[0]
    return {"counts": counts, "revision": revision}


def test_audit_verify_passes_after_the_upgrade(upgraded: Registry) -> None:
    verified = upgraded.cli("audit", "verify", as_user="mona")
    assert verified.returncode == 0, verified.stderr
    assert "intact" in verified.stdout
    with read_session(upgraded.engine) as session:
        chain = verify_chain(session)
        assert chain.intact, chain.message


def test_every_fact_version_still_digests_to_its_stored_content_digest(
    upgraded: Registry,
) -> None:
    with read_session(upgraded.engine) as session:
        versions = session.scalars(select(FactVersion).order_by(FactVersion.id)).all()
        assert len(versions) == FACT_VERSIONS
        for v in versions:
            table = FACT_MODELS[v.list_name].__table__
            statement = (
                select(*fact_columns(v.list_name))
                .where(table.c.version_id == v.id)  # type: ignore[attr-defined]
                .order_by(table.c.ordinal)  # type: ignore[attr-defined]
            )
            rows = [dict(r._mapping) for r in session.execute(statement)]
            assert len(rows) == v.row_count, (v.id, v.list_name)
            if not v.known:
                assert rows == [], (v.id, v.list_name)
            digest = content_digest(rows if v.known else None, v.list_name)
            assert digest == v.content_digest, (v.id, v.person_id, v.list_name)
            for row in rows:  # the columns v2 added are there, null in every v1 row
                for name in ADDED_IN_V2.get(v.list_name, ()):
                    assert row[name] is None, (v.id, name)


def test_every_v1_person_reads_back_as_a_v2_case_file(upgraded: Registry) -> None:
    first, corrections = _records("cases-1.jsonl"), _records("cases-2.jsonl")
    now = {**first, **corrections}
    now["v1-ve-011"] = {**now["v1-ve-011"], "convictions": None}  # retracted
    known_before_corrections = _facts_known_before_corrections(upgraded)
    with read_session(upgraded.engine) as session:
        persons = session.scalars(select(Person.person_id)).all()
        assert sorted(persons) == sorted(first)
        for when, expected in ((None, now), (known_before_corrections, first)):
            for person_id, record in expected.items():
                case = person_case_file(session, person_id=person_id, as_known_on=when)
                want = CaseFile.model_validate(record)  # the v1 record, read as v2
                assert case.schema_version == "2"
                for name in V1_LISTS:
                    assert getattr(case, name) == getattr(want, name), (person_id, when, name)
                for name in V2_LISTS:
                    assert getattr(case, name) is None, (person_id, when, name)
                assert case == want, (person_id, when)
    shown = upgraded.cli("registry", "show", "v1-sv-019", as_user="mona")
    assert shown.returncode == 0, shown.stderr
    assert '"schema_version": "2"' in shown.stdout
    assert '"status_grants"' not in shown.stdout  # not known: left out


def _facts_known_before_corrections(registry: Registry) -> dt.datetime:
    """The record time the fixture's two `--as-known-on` decisions read the facts as of:
    after the first import, before the corrections."""
    with read_session(registry.engine) as session:
        records = session.scalars(select(DecisionRecord).order_by(DecisionRecord.id)).all()
        earlier = {r.facts_known_at for r in records if r.facts_known_at < r.decided_at}
    assert len(earlier) == 1
    return earlier.pop()


def test_every_recorded_decision_replays_its_facts_identically(upgraded: Registry) -> None:
    with read_session(upgraded.engine) as session:
        ids = session.scalars(select(DecisionRecord.id).order_by(DecisionRecord.id)).all()
        assert len(ids) == DECISIONS_RECORDED
        outcomes = set()
        for record_id in ids:
            replay = replay_decision(session, decision_id=record_id)
            record = replay.record
            outcomes.add(record.outcome)
            assert replay.facts_identical, (record_id, replay.differences)
            assert replay.inputs_digest == record.inputs_digest
            # the v1 ruleset is not today's: the replay says so rather than "reproduces"
            assert replay.ruleset_changed, record_id
            assert replay.law_changed
            assert replay.verdict == LAW_CHANGED, (record_id, replay.differences)
            assert not replay.reproduces
            assert all(not d.startswith("inputs digest") for d in replay.differences)
            assert f"ruleset hash: recorded {record.ruleset_hash}" in replay.differences[0]
    assert outcomes == {"eligible", "ineligible", "undetermined"}

    printed = upgraded.cli("decisions", "replay", str(ids[0]), as_user="mona")
    assert printed.returncode == 1, printed.stderr
    assert "the facts replay identically; the ruleset" in printed.stdout
    assert "facts: replay identically (inputs digest" in printed.stdout
    assert "ruleset: changed since (recorded" in printed.stdout
    as_json = upgraded.cli("decisions", "replay", str(ids[0]), "--format", "json", as_user="mona")
    assert as_json.returncode == 1, as_json.stderr
    report = json.loads(as_json.stdout)
    assert report["verdict"] == LAW_CHANGED
    assert report["facts_identical"] is True
    assert report["ruleset_changed"] is True
    assert report["inputs_digest"]["recorded"] == report["inputs_digest"]["now"]


def test_a_decision_recorded_after_the_upgrade_on_the_same_facts_reproduces(
    upgraded: Registry,
) -> None:
    with read_session(upgraded.engine) as session:
        old = session.scalars(select(DecisionRecord).order_by(DecisionRecord.id)).all()
        session.expunge_all()
    new_ids = []
    for record in old:
        stored = record.request
        request = DecisionRequest.build(
            agreement=stored["agreement"],
            pathway=stored["pathway"],
            destination=stored["destination"],
            as_of=stored["as_of"],
            facility=stored["facility"],
            notice_profile=stored["notice_profile"],
        )
        with write_session(upgraded.engine) as session:
            _, new = decide_from_registry(
                session,
                request=request,
                person_id=record.person_id,
                actor=upgraded.users["olivia"],
                as_known_on=record.facts_known_at,
            )
            # the same facts digest the same, before and after the upgrade
            assert new.inputs_digest == record.inputs_digest, record.id
            new_ids.append(new.id)
    with read_session(upgraded.engine) as session:
        for record_id in new_ids:
            replay = replay_decision(session, decision_id=record_id)
            assert replay.reproduces, (record_id, replay.differences)
            assert replay.verdict == REPRODUCES
            assert not replay.law_changed
            new = get_decision_record(session, decision_id=record_id)
            assert new.ruleset_hash != old[0].ruleset_hash
        assert verify_chain(session).intact
    # the same through the command line (decided and replayed by the same code)
    first = old[0]
    options = [f"--{k.replace('_', '-')}={v}" for k, v in first.request.items() if v is not None]
    known_at = first.facts_known_at.isoformat()
    decided = upgraded.cli(
        "decide", "--person", first.person_id, *options, "--as-known-on", known_at,
        "--format", "json", as_user="olivia",
    )  # fmt: skip
    assert decided.returncode == 0, decided.stderr
    record_id = json.loads(decided.stdout)["decision_record"]
    printed = upgraded.cli("decisions", "replay", str(record_id), as_user="mona")
    assert printed.returncode == 0, printed.stdout + printed.stderr
    assert f"decision record {record_id} ({first.person_id}" in printed.stdout
    assert "reproduces" in printed.stdout
    assert f"facts: replay identically (inputs digest {first.inputs_digest})" in printed.stdout
    assert "ruleset: unchanged" in printed.stdout
    assert upgraded.cli("audit", "verify", as_user="mona").returncode == 0


def test_replay_tells_altered_facts_and_a_changed_result_from_a_change_of_law(
    upgraded: Registry,
) -> None:
    """Records as if the facts had been altered, or the same facts and rules had given
    another result (inserted, not edited: the table is append-only)."""
    from accord.decisions.service import FACTS_DIFFER, RESULT_DIFFERS

    with write_session(upgraded.engine) as session:
        _, kept = decide_from_registry(
            session,
            request=DecisionRequest.build(
                agreement="sv-2025-offer",
                pathway="return_of_nationals",
                destination="SV",
                as_of="2025-03-16",
            ),
            person_id="v1-sv-019",
            actor=upgraded.users["olivia"],
        )
        columns = [c.key for c in DecisionRecord.__table__.columns if c.key != "id"]
        values = {c: getattr(kept, c) for c in columns}
        altered = DecisionRecord(**(values | {"inputs_digest": "0" * 64}))
        other = "eligible" if kept.outcome != "eligible" else "ineligible"
        differing = DecisionRecord(**(values | {"outcome": other}))
        session.add_all([altered, differing])
        session.flush()
        ids = {FACTS_DIFFER: altered.id, RESULT_DIFFERS: differing.id, REPRODUCES: kept.id}
    with read_session(upgraded.engine) as session:
        for verdict, record_id in ids.items():
            replay = replay_decision(session, decision_id=record_id)
            assert replay.verdict == verdict, (verdict, replay.differences)
            assert replay.law_changed is False
        assert not replay_decision(session, decision_id=ids[FACTS_DIFFER]).facts_identical
        assert replay_decision(session, decision_id=ids[RESULT_DIFFERS]).facts_identical
