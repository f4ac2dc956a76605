"""`person_in` for a docket: every subset a statement asks about, answered in one pass.

A rule asks "does the person have a row here?" of dozens of subsets. Asked one at a
time, each is a join probed by every person of the docket (a million probes each).
Here each distinct subset gets a bit; one grouped pass over the union of all subsets
gives every person's bits, one join puts them beside the person, and each question
becomes a test of one bit of a column of `facts.persons` (`_w<n>`), made only where the
rule's CASE reaches it. The subsets are the rules' own expressions, so the answers are
the semi-join's (the one-person path keeps the semi-join; the differential tests
compare the two engines on every rule).

`among` (a relation of person ids) keeps only those persons: each subset keeps their rows, so
their bits are as without it, and nobody else is grouped or joined (an order's impact decides
its class only, 8% of a national docket: impact/statements.py)."""

from __future__ import annotations

import ibis

from accord.law.framework import Expr

# bits per 64-bit word (the sign bit is left alone), and the subsets a statement may ask about
_BITS = 63
_WORDS = 4
MAX_SUBSETS = _WORDS * _BITS
FLAGGED = "persons_flagged"
# each read once per statement: left for DuckDB to inline rather than materialized
INLINED = ("members", FLAGGED)


class DocketMemberships:
    """The subsets asked about so far, and the persons table whose columns answer them."""

    def __init__(self, persons: Expr, among: Expr | None = None) -> None:
        self._persons = persons
        self._among = among
        self._bits: dict[object, tuple[int, Expr]] = {}  # subset's op -> (bit, subset)
        words = {f"_w{w}": "int64" for w in range(_WORDS)}
        # a placeholder with room for every word: the SQL names only the words rules read
        self.persons = ibis.table(
            ibis.schema({**persons.schema(), **words}), name=f"shared_{FLAGGED}"
        )

    def flag(self, subset: Expr) -> Expr:
        """The column that is True for persons with at least one row in `subset`."""
        rows = subset.select("person_id")
        key = rows.op()  # the same subset asked twice is one bit
        if key not in self._bits:
            if len(self._bits) == MAX_SUBSETS:
                raise RuntimeError(f"more than {MAX_SUBSETS} subsets in one statement")
            self._bits[key] = (len(self._bits), rows)
        k = self._bits[key][0]
        return (self.persons[f"_w{k // _BITS}"] & (1 << (k % _BITS))) != 0

    def relations(self) -> dict[str, Expr]:
        """The relations that define the placeholder, in the order they must be computed:
        the members' bits per person, then the persons with their flags."""
        p = self._kept(self._persons)
        if not self._bits:
            return {FLAGGED: p.select(*p.columns)}
        words = (len(self._bits) - 1) // _BITS + 1

        def bit(k: int, word: int) -> Expr:
            return ibis.literal(1 << (k % _BITS) if k // _BITS == word else 0, type="int64")

        branches = [
            self._kept(rows).select("person_id", **{f"_w{w}": bit(k, w) for w in range(words)})
            for k, rows in self._bits.values()
        ]
        union = ibis.union(*branches, distinct=False)
        members = union.group_by("person_id").aggregate(
            **{f"_w{w}": union[f"_w{w}"].bit_or() for w in range(words)}
        )
        shared = ibis.table(members.schema(), name="shared_members")
        joined = p.left_join(shared, p.person_id == shared.person_id)
        flagged = joined.select(
            *(joined[c] for c in p.columns),
            **{f"_w{w}": joined[f"_w{w}"].fill_null(0) for w in range(words)},
        )
        return {"members": members, FLAGGED: flagged}

    def _kept(self, rows: Expr) -> Expr:
        """`rows` of the persons `among` holds (every row without it)."""
        if self._among is None:
            return rows
        return rows.filter(rows.person_id.isin(self._among.person_id))
