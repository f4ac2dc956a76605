"""Finding people: by name, date of birth, nationality and person id, as known now.

`people_statement` is one SELECT over the registry's current persons (current_persons,
migration 0015: each person's current `person` version gives the name and date of birth)
with labelled columns: person_id, name, birth_date, nationality (the current
nationalities, comma-separated), latest_state (of the person's newest transfer case) and
rank (how well the person matches the typed text, 0 to 1; 1 without text). Lists page
and sort it in SQL (dashboard/listing.py); `search_people` runs it for one page.

The typed text matches a person whose id starts with it, or whose name contains it,
case-insensitively, on both backends. On PostgreSQL a name also matches when it is
similar to the text by trigrams (pg_trgm: "Jose Hernandes" finds "José Hernández"'s
neighbours), through the GIN trigram index of migration 0016, and ranks by that
similarity; SQLite ranks an exact id or name first, then a prefix, then a substring.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Float,
    Select,
    and_,
    case,
    cast,
    func,
    literal,
    literal_column,
    or_,
    select,
    union,
)
from sqlalchemy.orm import Session, aliased

from accord.db.trigram import installed_in
from accord.operations.models import TransferCase
from accord.registry.models import (
    CURRENT_PERSONS,
    FACT_MODELS,
    PERSON_ID_LENGTH,
    PERSON_LIST,
    SUPERSEDED_VERSIONS,
    FactVersion,
    PersonFact,
)

TEXT_MAX = PERSON_ID_LENGTH
SIMILARITY_MIN = 0.3  # pg_trgm's default threshold for `%`
_TRGM_SCHEMA = "accord_trgm_schema"  # session.info key: where pg_trgm's functions live


@dataclass(frozen=True)
class PersonMatch:
    person_id: str
    name: str | None
    birth_date: dt.date | None
    nationality: str
    latest_state: str | None
    rank: float


def trigram_schema(session: Session) -> str | None:
    """The schema pg_trgm is installed in (None: not installed, or not PostgreSQL).
    Its functions are called schema-qualified: a registry's search_path need not hold it."""
    if session.get_bind().dialect.name != "postgresql":
        return None
    connection = session.connection()
    cache = connection.info  # per pooled connection: looked up once on each
    if _TRGM_SCHEMA not in cache:
        cache[_TRGM_SCHEMA] = installed_in(connection.exec_driver_sql)
    found = cache[_TRGM_SCHEMA]
    return None if found is None else str(found)


def _countries(nationality: Any, postgres: bool) -> Any:
    """The nationalities as one text ("CO, VE"), in the record's order on PostgreSQL
    (SQLite before 3.44 takes no ORDER BY here: it joins them in the order it reads them)."""
    joined = func.aggregate_strings(nationality.c.country, ", ")
    return joined.aggregate_order_by(nationality.c.ordinal) if postgres else joined


def _nationalities(postgres: bool) -> Any:
    """Each person's current nationalities as one text ("CO, VE"), a correlated subquery."""
    nationality: Any = FACT_MODELS["nationalities"].__table__
    current = (
        select(func.max(FactVersion.id))
        .where(
            FactVersion.list_name == "nationalities",
            FactVersion.person_id == CURRENT_PERSONS.c.person_id,
        )
        .correlate(CURRENT_PERSONS)  # two levels up: auto-correlation looks one level only
        .scalar_subquery()
    )
    return (
        select(_countries(nationality, postgres))
        .where(nationality.c.version_id == current)
        .scalar_subquery()
    )


def _latest_state() -> Any:
    return (
        select(TransferCase.state)
        .where(TransferCase.person_id == CURRENT_PERSONS.c.person_id)
        .order_by(TransferCase.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def has_nationality(country: str) -> ColumnElement[bool]:
    """The person's current nationalities include `country`: set-based, one pass over that
    country's nationality rows, each kept unless a newer version of its list superseded it
    (superseded_versions, migration 0015)."""
    nationality: Any = FACT_MODELS["nationalities"].__table__
    superseded = (
        select(SUPERSEDED_VERSIONS.c.version_id)
        .where(
            SUPERSEDED_VERSIONS.c.list_name == "nationalities",
            SUPERSEDED_VERSIONS.c.version_id == nationality.c.version_id,
        )
        .exists()
    )
    holders = select(nationality.c.person_id).where(nationality.c.country == country, ~superseded)
    return CURRENT_PERSONS.c.person_id.in_(holders)


def _text_match(
    typed: str, name: Any, trgm: str | None
) -> tuple[ColumnElement[bool], ColumnElement[Any]]:
    """(does the person match `typed`, how well: 0..1)."""
    lowered = typed.lower()
    person_id = CURRENT_PERSONS.c.person_id
    id_prefix = person_id.startswith(typed, autoescape=True)
    name_contains = func.lower(name).contains(lowered, autoescape=True)
    exact = case(
        (person_id == typed, 1.0),
        (func.lower(name) == lowered, 0.95),
        (id_prefix, 0.9),
        (func.lower(name).startswith(lowered, autoescape=True), 0.8),
        else_=0.0,
    )
    if trgm is None:  # SQLite, or PostgreSQL without pg_trgm
        rank = case((exact > 0, exact), (name_contains, 0.6), else_=0.0)
        return or_(id_prefix, name_contains), rank
    # Each way through its own GIN trigram index (migration 0016): the current names (a
    # person version no newer one superseded) ILIKE the text or similar to it by trigrams
    # (`%`), and the ids that start with it.
    similar_to = f"OPERATOR({_quoted(trgm)}.%)"
    named = aliased(PersonFact)
    ids = CURRENT_PERSONS.alias("candidate_ids")
    superseded = (
        select(SUPERSEDED_VERSIONS.c.version_id)
        .where(
            SUPERSEDED_VERSIONS.c.list_name == PERSON_LIST,
            SUPERSEDED_VERSIONS.c.version_id == named.version_id,
        )
        .exists()
    )
    by_name = select(named.person_id).where(
        or_(
            named.name.ilike(f"%{_escape(typed)}%", escape="\\"),
            named.name.op(similar_to)(typed),
        ),
        ~superseded,
    )
    by_id = select(ids.c.person_id).where(ids.c.person_id.startswith(typed, autoescape=True))
    similarity = cast(getattr(func, trgm).similarity(name, typed), Float)
    similar = func.coalesce(similarity, 0.0)
    rank = case(  # a name containing the text above one only spelt alike
        (exact > 0, exact),
        (name_contains, 0.6 + 0.3 * similar),
        else_=0.6 * similar,
    )
    return CURRENT_PERSONS.c.person_id.in_(union(by_name, by_id)), rank


def _quoted(schema: str) -> str:
    return '"' + schema.replace('"', '""') + '"'


def _escape(typed: str) -> str:
    return typed.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _bulk_columns(postgres: bool) -> tuple[Any, Any, Any, Any]:
    """(nationalities, latest states, their two columns) as derived tables joined once: for a
    whole list (a CSV of every person), one pass each instead of subqueries per person."""
    nationality: Any = FACT_MODELS["nationalities"].__table__
    superseded = (
        select(SUPERSEDED_VERSIONS.c.version_id)
        .where(
            SUPERSEDED_VERSIONS.c.list_name == "nationalities",
            SUPERSEDED_VERSIONS.c.version_id == nationality.c.version_id,
        )
        .exists()
    )
    nationalities = (
        select(
            nationality.c.person_id,
            _countries(nationality, postgres).label("countries"),
        )
        .where(~superseded)
        .group_by(nationality.c.person_id)
        .subquery("current_nationalities")
    )
    newer = aliased(TransferCase)
    latest = (
        select(TransferCase.person_id, TransferCase.state)
        .where(
            ~select(newer.id)
            .where(newer.person_id == TransferCase.person_id, newer.id > TransferCase.id)
            .exists()
        )
        .subquery("latest_cases")
    )
    return nationalities, latest, nationalities.c.countries, latest.c.state


def people_statement(
    session: Session,
    *,
    typed: str = "",
    birth_date: dt.date | None = None,
    nationality: str | None = None,
    bulk: bool = False,
) -> Select[*tuple[Any, ...]]:
    """Every current person matching what is given (nothing given: everyone), with rank.
    `bulk`: the same rows, nationality and latest case joined from derived tables (for a
    whole list); otherwise subqueries per row (for a page: they run for its rows alone)."""
    person = aliased(PersonFact)
    postgres = session.get_bind().dialect.name == "postgresql"
    if bulk:
        nationalities, latest, countries, state = _bulk_columns(postgres)
    else:
        countries, state = _nationalities(postgres), _latest_state()
    statement = select(
        CURRENT_PERSONS.c.person_id.label("person_id"),
        person.name.label("name"),
        person.birth_date.label("birth_date"),
        countries.label("nationality"),
        state.label("latest_state"),
    ).outerjoin(
        person,
        # the person list has one row (ordinal 0): unique, so a count drops the join
        and_(person.version_id == CURRENT_PERSONS.c.person_version, person.ordinal == 0),
    )
    if bulk:
        statement = statement.outerjoin(
            nationalities, nationalities.c.person_id == CURRENT_PERSONS.c.person_id
        ).outerjoin(latest, latest.c.person_id == CURRENT_PERSONS.c.person_id)
    typed = typed.strip()
    if typed:
        matches, rank = _text_match(typed, person.name, trigram_schema(session))
        statement = statement.add_columns(rank.label("rank")).where(matches)
    else:
        statement = statement.add_columns(literal(1.0, Float).label("rank"))
    if birth_date is not None:
        statement = statement.where(person.birth_date == birth_date)
    if nationality:
        statement = statement.where(has_nationality(nationality.upper()))
    return statement


def search_people(
    session: Session,
    *,
    typed: str = "",
    birth_date: dt.date | None = None,
    nationality: str | None = None,
    limit: int = 50,
) -> list[PersonMatch]:
    """The best `limit` matches, best first (then by person id)."""
    statement = people_statement(
        session, typed=typed, birth_date=birth_date, nationality=nationality
    )
    rows = session.execute(
        statement.order_by(literal_column("rank").desc(), literal_column("person_id")).limit(limit)
    )
    return [
        PersonMatch(
            person_id=r.person_id,
            name=r.name,
            birth_date=r.birth_date,
            nationality=r.nationality or "",
            latest_state=r.latest_state,
            rank=float(r.rank),
        )
        for r in rows
    ]
