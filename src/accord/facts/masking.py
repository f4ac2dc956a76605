"""The one masking of every export of the docket for analysts (`registry snapshot` as an
analyst; any masked export of the docket goes through `mask_docket`).

An analyst screens and simulates the masked docket, so the masking keeps what the bulk
screen's rules read and removes or coarsens everything else that could single a person
out. Each column of the fact tables (facts/tables.py) has one treatment (TREATMENTS):

==============  ==================================================================
treatment       columns
==============  ==================================================================
pseudonym       `person_id` of every table: HMAC-SHA256 under ACCORD_MASKING_KEY
                (`mask_person_id`, 128 bits shown): one person, one pseudonym in
                every table and every export under that key
drop (null)     `persons.name`; every `source` (document numbers and descriptions
                name a person's files); `convictions.offence` (free text beside the
                coded `category` and `offence_classes`);
                `status_grants.authority` and `transfer_approvals.authority` (free
                text); the `docket` numbers of `court_orders` and `forbearances` (a
                docket names its party); `custody_locations.facility` (free text
                naming where a person is held: the rules read the `district`). No
                rule reads any of them (a test screens a synthetic docket both ways)
whether         `consents.verifying_officer`: "(recorded)" where a name is recorded,
recorded        null where none is (a rule reads only whether there is one)
year            `persons.birth_date`: 31 December of its year, "born no later than".
                The rules read birth dates only as ages (an agreement's adult term, who
                may consent to a transfer, a class defined by age); a person so
                generalised is as young as they can be: never an adult who is not one.
                Limit: in the year they turn 18, a person whose parent consented to a
                transfer may be read as a minor, whose parent may consent (rare; the
                screen of a synthetic docket shows no such case). Then k-anonymised
to the day      every other date: the rules compare each by the day (finality after
                30 days, 14 days before execution, notice days, the days a stay,
                grant or court order runs, the request's as-of day, dated law); a
                month would change decisions
kept            codes, flags and numbers the rules read (kinds, statuses, countries,
                courts as cited, districts, `citizenship`, the `<list>_known` flags)
                and `sex`, which is then k-anonymised
==============  ==================================================================

k-anonymity. The quasi-identifiers an outsider may know of a person are birth year, sex
and nationalities (facility and free text are dropped above). Every combination of them
in the export is shared by at least k persons (k: the setting ACCORD_MASKING_K, default
5). Persons are grouped level by level, finest first (LEVELS):

    0  birth year, sex, nationalities
    1  birth year, nationalities                       sex withheld (null)
    2  5-year band of birth years, nationalities       sex withheld
    3  10-year band, nationalities                     sex withheld
    4  nationalities                                   sex withheld
    5  none                                            sex withheld, nationalities not known

Persons not yet grouped that share a level's values form a group when they are k or
more; fewer are joined by members of groups already formed that share the level's values
(the surplus over k of one group, else whole groups), or wait for the next level. Every
member of a group is given the group's values: birth date 31 December of the latest birth
year in the group (null if any member's is not known), sex only at level 0, and at level
5 the nationalities list "not known" (its rows left out, `nationalities_known` false).
An age read from a group's birth date is never older than the person's own, and a rule
that reads a list not known answers `unknown`: k-anonymity makes a masked screen less
determined, not more eligible (tests/security/test_masked_snapshot.py screens a synthetic
docket both ways). A docket of fewer than k persons is one group at level 5 (the report
says so).

What stays, and why: the legal facts the rules read (orders, grants, convictions, with
their days) are what the screen decides on and are kept. Whoever already knows a fact of
a person that no one else has (a withholding grant of a given day) can tell which
pseudonym is theirs; nothing else left in the export links a person
(tests/security/test_masked_snapshot.py attacks the demo's masked snapshot).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from enum import Enum

import pyarrow as pa
import pyarrow.compute as pc

from accord.errors import DataError
from accord.facts.tables import FACT_SCHEMAS, FactTables, known_flag

MASK_PREFIX = "anon-"
RECORDED = "(recorded)"  # what a PRESENCE column holds where the registry has a value
DEFAULT_K = 5


class Treatment(Enum):
    PSEUDONYM = "pseudonym"
    DROP = "drop"
    PRESENCE = "whether recorded"
    YEAR = "year"
    DAY = "kept to the day"
    KEEP = "kept"


def _treatments() -> dict[str, dict[str, Treatment]]:
    """Every column of every fact table and its treatment (the table in the docstring)."""
    dropped = {
        ("persons", "name"),
        ("convictions", "offence"),
        ("status_grants", "authority"),
        ("transfer_approvals", "authority"),
        ("court_orders", "docket"),
        ("forbearances", "docket"),
        ("custody_locations", "facility"),
    }
    out: dict[str, dict[str, Treatment]] = {}
    for table, schema in FACT_SCHEMAS.items():
        columns: dict[str, Treatment] = {}
        for field in schema:
            if field.name == "person_id":
                columns[field.name] = Treatment.PSEUDONYM
            elif (table, field.name) == ("consents", "verifying_officer"):
                columns[field.name] = Treatment.PRESENCE
            elif field.name == "source" or (table, field.name) in dropped:
                columns[field.name] = Treatment.DROP
            elif (table, field.name) == ("persons", "birth_date"):
                columns[field.name] = Treatment.YEAR
            elif field.type == pa.date32():
                columns[field.name] = Treatment.DAY
            else:
                columns[field.name] = Treatment.KEEP
        out[table] = columns
    return out


TREATMENTS: dict[str, dict[str, Treatment]] = _treatments()
# Free text the rules do not read: every string column dropped above. A new string column
# of the fact tables is kept only once it is a code the rules read (add it to `dropped`
# otherwise); tests/security/test_masked_snapshot.py lists the codes kept.


def mask_person_id(person_id: str, key: bytes) -> str:
    """A stable pseudonym: HMAC-SHA256 of the id under the masking key (128 bits shown)."""
    digest = hmac.new(key, person_id.encode("utf-8"), hashlib.sha256).hexdigest()
    return MASK_PREFIX + digest[:32]


QuasiIdentifiers = tuple[int | None, str | None, tuple[str, ...] | None]
# Each level: the birth years a group shares (1: the year, 5 or 10: a band of years, 0: any),
# whether it shares sex, whether it shares nationalities; finest first. Each level's
# grouping is a coarsening of the one before.
_LEVELS: tuple[tuple[str, int, bool, bool], ...] = (
    ("birth year, sex, nationalities", 1, True, True),
    ("birth year, nationalities", 1, False, True),
    ("5-year band, nationalities", 5, False, True),
    ("10-year band, nationalities", 10, False, True),
    ("nationalities", 0, False, True),
    ("none", 0, False, False),
)
LEVELS: tuple[str, ...] = tuple(level[0] for level in _LEVELS)


@dataclass(frozen=True)
class Group:
    """Persons (indices) given the same quasi-identifiers, formed at a level of LEVELS."""

    level: int
    members: list[int]


@dataclass(frozen=True)
class MaskingReport:
    """What the masking did: k, and how many persons each level of k-anonymity placed."""

    k: int
    persons: int
    placed: dict[str, int]  # level -> persons

    @property
    def below_k(self) -> bool:
        """True when the docket itself has fewer than k persons: no grouping reaches k."""
        return 0 < self.persons < self.k

    def as_dict(self) -> dict[str, object]:
        treatments = {
            f"{t}.{c}": v.value for t, cols in TREATMENTS.items() for c, v in cols.items()
        }
        return {
            "k": self.k,
            "persons": self.persons,
            "persons_by_level": self.placed,
            "below_k": self.below_k,
            "columns": treatments,
        }


@dataclass(frozen=True)
class MaskedDocket:
    facts: FactTables
    report: MaskingReport


def _generalise(key: QuasiIdentifiers, level: int) -> Hashable:
    _, years, sex, nations = _LEVELS[level]
    year = key[0] if years else None
    return (
        year // years if year is not None else None,
        key[1] if sex else None,
        key[2] if nations else None,
    )


def group_persons(keys: Sequence[QuasiIdentifiers], k: int) -> list[Group]:
    """Groups of k or more persons (all persons in one group, in a docket of fewer than k).

    Level by level, finest first, the persons not yet grouped that share the level's
    generalised quasi-identifiers form a group when they are k or more. Fewer than k are
    joined by persons of groups already formed that generalise alike at this level: the
    surplus over k of one such group if one has enough, else whole groups (coarsest, then
    smallest, first); if those are too few, they wait for the next level."""
    groups: list[Group] = []
    left = list(range(len(keys)))
    last = len(_LEVELS) - 1
    for level in range(len(_LEVELS)):
        buckets: defaultdict[Hashable, list[int]] = defaultdict(list)
        for i in left:
            buckets[_generalise(keys[i], level)].append(i)
        left = []
        for shared, members in buckets.items():
            if len(members) < k and level > 0:
                members = members + _borrow(groups, keys, shared, level, k, k - len(members))
            if len(members) >= k or level == last:
                groups.append(Group(level, members))
            else:
                left.extend(members)
    return groups


def _borrow(
    groups: list[Group],
    keys: Sequence[QuasiIdentifiers],
    shared: Hashable,
    level: int,
    k: int,
    need: int,
) -> list[int]:
    """At least `need` persons taken from `groups` (changed in place) that generalise to
    `shared` at `level`, or none if those groups do not hold so many."""
    donors = [g for g in groups if _generalise(keys[g.members[0]], level) == shared]
    for g in sorted(donors, key=lambda g: (-g.level, -len(g.members))):
        if len(g.members) - k >= need:  # it keeps k: take only what is needed
            taken = g.members[-need:]
            del g.members[-need:]
            return taken
    if sum(len(g.members) for g in donors) < need:
        return []
    taken = []
    for g in sorted(donors, key=lambda g: (-g.level, len(g.members))):
        groups[:] = [other for other in groups if other is not g]
        taken += g.members
        if len(taken) >= need:
            break
    return taken


def place_persons(keys: Sequence[QuasiIdentifiers], k: int) -> list[int]:
    """The level (index into LEVELS) each person's group was formed at."""
    levels = [0] * len(keys)
    for group in group_persons(keys, k):
        for i in group.members:
            levels[i] = group.level
    return levels


def mask_docket(facts: FactTables, key: bytes, *, k: int = DEFAULT_K) -> MaskedDocket:
    """The docket as an analyst may have it: each column treated as TREATMENTS says, then
    birth year, sex and nationalities k-anonymised (module docstring)."""
    if k < 2:
        raise DataError(f"masking needs k of 2 or more, not {k}")
    ids = facts.persons.column("person_id").to_pylist()
    pseudonym = {pid: mask_person_id(pid, key) for pid in ids}
    quasi = _quasi_identifiers(facts)
    keys = [quasi[pid] for pid in ids]
    groups = group_persons(keys, k)
    tables = dict(treat_columns(facts, key, pseudonyms=pseudonym).tables)
    tables["persons"] = _release(tables["persons"], keys, groups)
    suppressed = [pseudonym[ids[i]] for g in groups if not _LEVELS[g.level][3] for i in g.members]
    if suppressed:
        nationalities = tables["nationalities"]
        kept = pc.invert(pc.is_in(nationalities.column("person_id"), pa.array(suppressed)))
        tables["nationalities"] = nationalities.filter(kept)
    placed = Counter(LEVELS[g.level] for g in groups for _ in g.members)
    report = MaskingReport(k=k, persons=len(ids), placed={n: placed.get(n, 0) for n in LEVELS})
    return MaskedDocket(FactTables(tables), report)


def _release(persons: pa.Table, keys: Sequence[QuasiIdentifiers], groups: list[Group]) -> pa.Table:
    """The persons table with each group's shared quasi-identifiers: the latest birth year
    of the group (31 December; null if a member's is not known), sex if the level shares
    it, and the nationalities list not known at the last level."""
    births: list[dt.date | None] = [None] * len(keys)
    sexes: list[str | None] = [None] * len(keys)
    nations_given_up = [False] * len(keys)
    for group in groups:
        _, _, shares_sex, shares_nations = _LEVELS[group.level]
        years = [keys[i][0] for i in group.members]
        latest = None if None in years else dt.date(max(y for y in years if y), 12, 31)
        for i in group.members:
            births[i] = latest
            sexes[i] = keys[i][1] if shares_sex else None
            nations_given_up[i] = not shares_nations
    flag = known_flag("nationalities")
    known = pc.if_else(pa.array(nations_given_up, pa.bool_()), False, persons.column(flag))
    for column, values in (
        ("birth_date", pa.array(births, pa.date32())),
        ("sex", pa.array(sexes, pa.string())),
        (flag, known),
    ):
        persons = persons.set_column(persons.schema.get_field_index(column), column, values)
    return persons


def mask_fact_tables(facts: FactTables, key: bytes, *, k: int = DEFAULT_K) -> FactTables:
    """The masked docket's tables (mask_docket without its report)."""
    return mask_docket(facts, key, k=k).facts


def treat_columns(
    facts: FactTables, key: bytes, *, pseudonyms: dict[str, str] | None = None
) -> FactTables:
    """Every column treated as TREATMENTS says (no k-anonymity): what an attacker holding the
    registry can compute too, and what the rules must decide alike."""
    names = pseudonyms if pseudonyms is not None else {}

    def pseudonym(person_id: str) -> str:
        if person_id not in names:
            names[person_id] = mask_person_id(person_id, key)
        return names[person_id]

    return FactTables({name: _treat(name, t, pseudonym) for name, t in facts.tables.items()})


def _quasi_identifiers(facts: FactTables) -> dict[str, QuasiIdentifiers]:
    """person_id -> (birth year, sex, nationalities as a sorted tuple; None: not known)."""
    countries: defaultdict[str, list[str]] = defaultdict(list)
    nationalities = facts.tables["nationalities"]
    for pid, country in zip(
        nationalities.column("person_id").to_pylist(),
        nationalities.column("country").to_pylist(),
        strict=True,
    ):
        countries[pid].append(country)
    persons = facts.persons
    out: dict[str, QuasiIdentifiers] = {}
    for pid, birth, sex, known in zip(
        persons.column("person_id").to_pylist(),
        persons.column("birth_date").to_pylist(),
        persons.column("sex").to_pylist(),
        persons.column(known_flag("nationalities")).to_pylist(),
        strict=True,
    ):
        nations = tuple(sorted(set(countries.get(pid, ())))) if known else None
        out[pid] = (birth.year if birth is not None else None, sex, nations)
    return out


def _treat(name: str, table: pa.Table, pseudonym: Callable[[str], str]) -> pa.Table:
    treatments = TREATMENTS[name]
    unknown = [c for c in table.column_names if c not in treatments]
    if unknown:  # a column added to the fact tables must be decided here first
        raise DataError(f"masking: no treatment for {name}.{', '.join(unknown)}")
    for column, treatment in treatments.items():
        index = table.schema.get_field_index(column)
        values = table.column(column)
        if treatment is Treatment.PSEUDONYM:
            new = pa.array([pseudonym(p) for p in values.to_pylist()], pa.string())
        elif treatment is Treatment.DROP:
            new = pa.nulls(table.num_rows, values.type)
        elif treatment is Treatment.PRESENCE:
            new = pc.if_else(pc.is_null(values), pa.scalar(None, values.type), RECORDED)
        elif treatment is Treatment.YEAR:  # born no later than: see the module docstring
            new = pa.array(
                [dt.date(d.year, 12, 31) if d else None for d in values.to_pylist()], pa.date32()
            )
        else:
            continue
        table = table.set_column(index, column, new)
    return table
