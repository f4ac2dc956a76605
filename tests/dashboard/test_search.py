"""Searching people (registry/search.py) on both backends: by name, id, date of birth and
nationality; PostgreSQL also by trigram similarity, through migration 0016's GIN index."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import text

from accord.db import read_session
from accord.registry.search import search_people, trigram_schema

from .conftest import Api, Registry
from .people_data import load_people


def _ids(registry: Registry, **query: object) -> list[str]:
    with read_session(registry.engine) as session:
        return [m.person_id for m in search_people(session, **query)]  # type: ignore[arg-type]


def test_an_exact_id_or_a_prefix_finds_the_person_first(registry: Registry) -> None:
    load_people(registry)
    assert _ids(registry, typed="ve-002")[0] == "ve-002"
    assert set(_ids(registry, typed="ve-")) == {"ve-001", "ve-002"}
    with read_session(registry.engine) as session:
        best = search_people(session, typed="sv-001")[0]
    assert (best.person_id, best.rank, best.nationality) == ("sv-001", 1.0, "SV")
    assert best.name == "Carlos Martinez Ficticio"
    assert best.birth_date == dt.date(1992, 11, 30)


def test_a_part_of_a_name_matches_on_both_backends(registry: Registry) -> None:
    load_people(registry)
    # case-insensitive substring: the same persons on SQLite and PostgreSQL
    assert set(_ids(registry, typed="gonzalez")) >= {"ve-002"}
    assert set(_ids(registry, typed="FICTICIA")) == {"ve-002", "sv-002"}
    found = _ids(registry, typed="Hernandez")
    assert "gt-001" in found
    assert _ids(registry, typed="Pedro Hernandez Ficticio")[0] == "gt-001"  # the exact name
    assert _ids(registry, typed="no such person") == []


def test_date_of_birth_and_nationality_narrow_the_search(registry: Registry) -> None:
    load_people(registry)
    born = dt.date(1990, 1, 1)
    assert set(_ids(registry, birth_date=born)) == {"ve-001", "sv-002"}
    assert _ids(registry, birth_date=born, nationality="SV") == ["sv-002"]
    assert set(_ids(registry, nationality="VE")) == {"ve-001", "ve-002"}
    assert _ids(registry, typed="ficticio", nationality="HN") == ["hn-001"]


def test_close_spellings_match_by_trigrams_on_postgresql(registry: Registry) -> None:
    load_people(registry)
    misspelt = _ids(registry, typed="Maria Gonzales Fictisia")
    with read_session(registry.engine) as session:
        schema = trigram_schema(session)
    if registry.backend == "sqlite":
        assert schema is None
        assert misspelt == []
        return
    assert schema is not None
    assert misspelt[0] == "ve-002"
    # and the name search can use migration 0016's GIN trigram index
    with registry.engine.begin() as conn:
        conn.execute(text("SET LOCAL enable_seqscan = off"))
        plan = "\n".join(
            row[0]
            for row in conn.execute(
                text("EXPLAIN SELECT version_id FROM fact_person WHERE name ILIKE '%gonz%'")
            )
        )
    assert "ix_fact_person_name_trgm" in plan


def test_the_people_page_searches_ranks_and_audits(api: Api) -> None:
    load_people(api.registry)
    page = api.call("olivia", "GET", "/people", params={"q": "sv-00"})
    assert page.status_code == 200, page.text
    assert "Showing 1–2 of 2" in page.text
    assert "Carlos Martinez Ficticio" in page.text
    assert "Ana Lopez Ficticia" in page.text
    narrowed = api.call(
        "olivia", "GET", "/people", params={"q": "ficti", "born": "1990-01-01", "nationality": "ve"}
    )
    assert "Showing 1–1 of 1" in narrowed.text
    assert "ve-001" in narrowed.text
    bad = api.call("olivia", "GET", "/people", params={"born": "1990-02-30", "nationality": "V"})
    assert bad.status_code == 400
    assert "There is a problem" in bad.text
    assert 'href="#field-born"' in bad.text
    assert 'href="#field-nationality"' in bad.text
    assert 'value="1990-02-30"' in bad.text  # what was typed stays
    audited = api.registry.sql(
        "SELECT change FROM audit_log WHERE action = 'read.dashboard_people' ORDER BY seq"
    )
    assert len(audited) == 2  # the refused search read nothing
    assert '"search":"ficti"' in audited[1][0].replace(" ", "")
