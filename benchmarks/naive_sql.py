"""A naive, hand-written baseline: every rule the engine evaluates, as one plain SQL statement.

The request is the benchmark's: custody placement at CECOT in El Salvador under
`sv-2025-offer`, as of 2025-03-16, under the `most_protective` notice profile. On that day
the engine evaluates 21 rules (RULES below; with person_id and outcome, 23 columns). This
statement computes the same 21 statuses and the same outcome for every person.

How it was written. Rule by rule from src/accord/law/*.py (each rule's code, docstring,
`passes_when` and citations) and the law data of that day (src/accord/law/data/), read and
written again in SQL by hand, not generated: one CASE per rule, its branches in the rule's
order, each test an EXISTS or NOT EXISTS over the `<table>_all` tables of a FactStore. It is
independent of the engine's compiler, not of the engine's reading of the law: where that
reading is wrong, both are. "The latest record on or before the day" is a correlated
max(date) subquery (ties all kept). Plain CTEs name what many rules read, as a person would:
the business-day calendar, the removal orders in force (with the last day to appeal), the
standing and deciding orders (the latest in force not cancelled by a U or T approval) and
the convictions with their standing for immigration purposes. They are ordinary WITH
clauses: what DuckDB does with them is its own choice. No engine code is called and none of
its tricks is used: no membership flag columns, no compiler-made shared relations, no Ibis.
Only the holiday dates come from the engine's package (accord.law.calendar, 5 U.S.C. 6103).

The values the law gives on that date are written in, each with its source in a comment:
the 30-day appeal period (8 C.F.R. 1003.38(b)), age 18 (the agreement's term), no waiting
period after a written notice and no service on counsel (8 C.F.R. 1240.10(f), the
regulation's terms: the agency's 24 hours start 2025-03-30, D.V.D. v. DHS on 2025-03-28),
the TPS designations encoded for that day (Burundi terminated, 72 Fed. Reg. 61172; the
others' periods begin later), the Ninth Circuit's automatic stay on an initial stay motion
(General Order 6.4(c)(1)), and the class-wide orders binding that day (J.O.P. v. DHS bars
removal of its class; J.G.G. v. Trump bars removal under the Alien Enemies Act only, not
this Title 8 removal). `naive_sql` refuses any other date: the values would be wrong.

How it was checked. bench_engine.py compares it with the engine's screen person by person,
rule by rule and outcome (screen_compare.py) at every size it runs.
tests/test_naive_baseline.py does so on synthetic dockets of both profiles (20,000 persons,
two seeds each) and on the 248 scenarios of src/accord/law/scenarios/ (case files written to
reach the law's branches), each moved in time so that its own decision date falls on
2025-03-16; and it checks that a changed status, a missing person and a fact changed under
one side only are reported, with the rule and the person. Every one agreed on the first
complete draft. Three readings were settled while writing, where a careless hand would
differ on unusual data: a latest-record key may be null (IS NOT DISTINCT FROM, as a window
partition groups nulls); an anti-join keeps a row whose join test is null (NOT EXISTS with
the test inside, not NOT (x AND EXISTS ...)); the business-day calendar starts in 1997, as
the engine's law table does. The dockets do not reach every branch (no null kinds, for
one): agreement there rests on the reading.

The first baseline, 13 rules of the law before 2025, is naive_sql_2024 (naive_sql_2024.py).
"""

from __future__ import annotations

import datetime as dt

from naive_sql_2024 import RULES_2024, naive_sql_2024

__all__ = ["AS_OF", "RULES", "RULES_2024", "naive_sql", "naive_sql_2024"]

AS_OF = dt.date(2025, 3, 16)

RULES = (
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
    "early_removal_offence",
    "third_country_notice",
    "receiving_acceptance",
    "conviction_required",
    "adult",
    "facility_capacity",
)

D = f"DATE '{AS_OF.isoformat()}'"
SV = "'SV'"


def _live(o: str) -> str:
    """Issued on or before the day and not vacated by then."""
    return f"{o}.issued_on <= {D} AND ({o}.vacated_on IS NULL OR {o}.vacated_on > {D})"


def _latest_protection(r: str) -> str:
    """The person's latest protection record per kind and country on or before the day."""
    return f"""{r}.person_id = p.person_id AND {r}.date <= {D}
        AND {r}.date = (SELECT max(r2.date) FROM protections_all r2
                        WHERE r2.person_id = {r}.person_id AND r2.date <= {D}
                          AND r2.kind IS NOT DISTINCT FROM {r}.kind
                          AND r2.country IS NOT DISTINCT FROM {r}.country)"""


def _latest_fear(f: str) -> str:
    """The person's latest fear-claim record per country on or before the day."""
    return f"""{f}.person_id = p.person_id AND {f}.date <= {D}
        AND {f}.date = (SELECT max(f2.date) FROM fear_claims_all f2
                        WHERE f2.person_id = {f}.person_id AND f2.date <= {D}
                          AND f2.country IS NOT DISTINCT FROM {f}.country)"""


def _court_order_in_force(k: str) -> str:
    """An order in the person's own case: its latest record per court, docket and effect,
    not dissolved and not expired on the day."""
    return f"""{k}.person_id = p.person_id AND {k}.date <= {D}
        AND {k}.date = (SELECT max(k2.date) FROM court_orders_all k2
                        WHERE k2.person_id = {k}.person_id AND k2.date <= {D}
                          AND k2.court IS NOT DISTINCT FROM {k}.court
                          AND k2.docket IS NOT DISTINCT FROM {k}.docket
                          AND k2.effect IS NOT DISTINCT FROM {k}.effect)
        AND {k}.status <> 'dissolved' AND ({k}.expires_on IS NULL OR {D} <= {k}.expires_on)"""


def _serving(s: str) -> str:
    return (
        f"{s}.person_id = p.person_id AND {s}.start <= {D} "
        f"AND ({s}.released_on IS NULL OR {s}.released_on > {D})"
    )


def _has_class(c: str, *classes: str) -> str:
    return "(" + " OR ".join(f"contains({c}.offence_classes, '|{x}|')" for x in classes) + ")"


def _forum(a: str) -> str:
    """A court's name without case, spaces or full stops ("9th Cir." = "9thcir")."""
    return f"replace(replace(lower({a}.court), ' ', ''), '.', '')"


# 8 C.F.R. 1003.38(b): the appeal period runs to the next business day; the holidays are
# 5 U.S.C. 6103(a)-(c). The calendar starts in 1997 (IIRIRA), as the engine's does: a day
# before it is taken as it is.
_CALENDAR = """
calendar AS (
  SELECT t.day::DATE AS day,
         CASE WHEN isodow(t.day) < 6 AND t.day::DATE NOT IN ({holidays}) THEN t.day::DATE END
           AS business_day
  FROM generate_series(DATE '1997-01-01', DATE '{last}', INTERVAL 1 DAY) AS t(day)
),
next_business_day AS (  -- the day itself if it is a business day, else the next one
  SELECT day, min(business_day) OVER (ORDER BY day ROWS BETWEEN CURRENT ROW AND 10 FOLLOWING)
    AS business_day
  FROM calendar
)"""

_CTES = f"""
orders_in_force AS (  -- and the last day to appeal: 30 days, 8 C.F.R. 1003.38(b)
  SELECT o.*, coalesce((SELECT b.business_day FROM next_business_day b
                        WHERE b.day = o.issued_on + 30), o.issued_on + 30) AS last_day_to_appeal
  FROM removal_orders_all o
  WHERE {_live("o")}
),
standing_orders AS (
  -- an expedited or INA 238(b) order is cancelled by a later U or T approval
  -- (8 C.F.R. 214.14(c)(5)(i))
  SELECT o.* FROM orders_in_force o
  WHERE NOT EXISTS (
    SELECT 1 FROM status_grants_all g
    WHERE g.person_id = o.person_id AND o.kind IN ('expedited', 'administrative')
      AND g.kind IN ('u_nonimmigrant', 't_nonimmigrant')
      AND g.granted_on <= {D} AND g.granted_on >= o.issued_on
  )
),
deciding_orders AS (  -- the latest standing order decides (ties all kept)
  SELECT o.* FROM standing_orders o
  WHERE o.issued_on = (SELECT max(o2.issued_on) FROM standing_orders o2
                       WHERE o2.person_id = o.person_id)
),
convictions_on_the_day AS (
  -- 8 U.S.C. 1101(a)(48)(A); Devison-Charles (juvenile), Pickering and Roldan (vacatur),
  -- J.M. Acosta (finality), De La Nues (foreign: unsettled)
  SELECT c.*,
    CASE
      WHEN c.juvenile THEN 'not_a_conviction'
      WHEN c.vacated_on <= {D} AND c.vacatur_basis = 'defect' THEN 'erased'
      WHEN NOT c.final THEN 'not_final'
      WHEN c.vacated_on <= {D} AND (c.vacatur_basis IS NULL OR c.vacatur_basis = 'unknown')
        THEN 'doubtful'
      WHEN c.juvenile IS NULL OR c.jurisdiction IS NULL OR c.jurisdiction = 'foreign'
        OR c.final IS NULL THEN 'doubtful'
      ELSE 'counts'
    END AS standing
  FROM convictions_all c
  WHERE c.date <= {D}
)"""

# final_order: is the deciding order final on the day (8 C.F.R. 1241.1(a)-(f))?
_APPEALABLE = "o.kind = 'immigration_judge' AND NOT o.in_absentia"
_WITH_VD = (  # voluntary departure granted with a judge's or the Board's order
    f"o.voluntary_departure_until IS NOT NULL AND (({_APPEALABLE}) OR o.kind = 'bia')"
)
_FINAL = f"""EXISTS (
      SELECT 1 FROM deciding_orders o
      WHERE o.person_id = p.person_id AND (
        -- (a) the Board dismissed (or the person withdrew) an appeal filed in time
        EXISTS (
          SELECT 1 FROM appeals_all a
          WHERE a.person_id = o.person_id AND {_APPEALABLE}
            AND a.kind = 'bia_appeal' AND a.filed_on <= {D}
            AND a.status IN ('dismissed', 'withdrawn') AND a.decided_on <= {D}
            AND a.filed_on >= o.issued_on AND a.filed_on <= o.last_day_to_appeal)
        OR (
          NOT EXISTS (  -- no appeal filed in time
            SELECT 1 FROM appeals_all a
            WHERE a.person_id = o.person_id AND {_APPEALABLE}
              AND a.kind = 'bia_appeal' AND a.filed_on <= {D}
              AND a.filed_on >= o.issued_on AND a.filed_on <= o.last_day_to_appeal)
          AND (
            -- final when made: 1241.1(a), 1003.25(b), 8 U.S.C. 1225(b)(1), 1231(a)(5), 1228(b)
            (o.kind IN ('bia', 'stipulated', 'expedited', 'reinstated', 'administrative')
             AND NOT ({_WITH_VD}))
            OR (o.kind = 'immigration_judge' AND o.in_absentia)  -- (e)
            OR ({_APPEALABLE} AND o.voluntary_departure_until IS NULL  -- (b), (c)
                AND (o.appeal_waived OR o.last_day_to_appeal < {D}))
            OR ({_WITH_VD} AND o.voluntary_departure_until < {D})  -- (f) overstayed
            OR (o.kind = 'judicial' AND o.appeal_waived)  -- 8 U.S.C. 1228(c)(3)(A)(iii)
            -- (f) a motion or petition filed during voluntary departure ends it: 1240.26(e)(1)
            OR ({_WITH_VD} AND EXISTS (
                  SELECT 1 FROM appeals_all a
                  WHERE a.person_id = o.person_id AND a.filed_on <= {D}
                    AND a.kind IN ('motion_to_reopen', 'motion_to_reconsider',
                                   'petition_for_review')
                    AND a.filed_on >= o.issued_on
                    AND a.filed_on <= o.voluntary_departure_until))
          )
        )
      ))"""


def _granted_since_order(kinds: str) -> str:
    """A motion of `kinds` granted on the day or before, decided after the deciding order."""
    return f"""EXISTS (
      SELECT 1 FROM deciding_orders o JOIN appeals_all a ON a.person_id = o.person_id
      WHERE o.person_id = p.person_id AND a.filed_on <= {D} AND a.status = 'granted'
        AND a.decided_on <= {D} AND a.kind IN ({kinds}) AND a.decided_on > o.issued_on)"""


_U_T_SINCE = f"""g.person_id = o.person_id AND g.kind IN ('u_nonimmigrant', 't_nonimmigrant')
            AND g.granted_on <= {D} AND g.granted_on >= o.issued_on"""

_FINAL_ORDER = f"""
  CASE
    WHEN NOT p.removal_orders_known THEN 'unknown'
    -- reopened or remanded since: 8 C.F.R. 1003.2, 1003.23(b)
    WHEN {_granted_since_order("'motion_to_reopen', 'motion_to_remand'")} THEN 'fail'
    -- reconsidered since, with no new order (Fuller v. BIA; Mu Ju Li v. Mukasey)
    WHEN {_granted_since_order("'motion_to_reconsider'")}
      -- an order cancelled by a U or T approval that has since been terminated
      OR EXISTS (
        SELECT 1 FROM orders_in_force o
        WHERE o.person_id = p.person_id AND o.kind IN ('expedited', 'administrative')
          AND EXISTS (SELECT 1 FROM status_grants_all g
                      WHERE {_U_T_SINCE}
                        AND g.terminated_on IS NOT NULL AND g.terminated_on <= {D}))
      -- a reinstated order and a later U or T approval: whether it cancels it is open
      OR EXISTS (
        SELECT 1 FROM deciding_orders o
        WHERE o.person_id = p.person_id AND o.kind = 'reinstated'
          AND EXISTS (SELECT 1 FROM status_grants_all g WHERE {_U_T_SINCE}))
    THEN 'unknown'
    WHEN {_FINAL} AND p.appeals_known
      AND (p.status_grants_known OR NOT EXISTS (
        SELECT 1 FROM deciding_orders o WHERE o.person_id = p.person_id
          AND o.kind IN ('expedited', 'administrative', 'reinstated')))
    THEN 'pass'
    WHEN {_FINAL} OR EXISTS (
      SELECT 1 FROM deciding_orders o
      WHERE o.person_id = p.person_id AND o.kind = 'judicial' AND NOT o.appeal_waived)
    THEN 'unknown'
    ELSE 'fail'
  END AS final_order"""

_NINTH_CIRCUIT = "'9thcir', '9thcircuit', 'ca9', 'ninthcircuit'"
_AGENCY_FORUMS = "'ij', 'immigrationjudge', 'bia', 'boardofimmigrationappeals', 'dhs', 'ice'"
_STAY_MOTION = f"m.person_id = p.person_id AND m.kind = 'stay_motion' AND m.filed_on <= {D}"
_PENDING_MOTION = f"{_STAY_MOTION} AND (m.status = 'pending' OR m.decided_on > {D})"
_EARLIER_MOTION = f"""EXISTS (
          SELECT 1 FROM appeals_all e
          WHERE e.person_id = m.person_id AND e.kind = 'stay_motion' AND e.filed_on <= {D}
            AND {_forum("e")} = {_forum("m")} AND e.filed_on < m.filed_on)"""
_DECIDED_SINCE_STAY = f"""EXISTS (
          SELECT 1 FROM appeals_all l
          WHERE l.person_id = m.person_id AND l.kind <> 'stay_motion'
            AND l.decided_on IS NOT NULL AND l.decided_on <= {D}
            AND {_forum("l")} = {_forum("m")} AND l.decided_on >= m.decided_on)"""
_GRANTED_STAY = f"{_STAY_MOTION} AND m.status = 'granted' AND m.decided_on <= {D}"

_NOTICE_ORDER_UNMET = f"""(
      EXISTS (SELECT 1 FROM court_orders_all k
              WHERE {_court_order_in_force("k")} AND k.effect = 'require_notice')
      AND NOT EXISTS (
        SELECT 1 FROM court_orders_all k
        WHERE {_court_order_in_force("k")} AND k.effect = 'require_notice'
          AND EXISTS (SELECT 1 FROM notices_all x
                      WHERE x.person_id = k.person_id AND x.country = {SV}
                        AND x.written AND x.served_on_counsel
                        AND x.served_on + k.notice_days <= {D})))"""

_COUNTS = "c.person_id = p.person_id AND c.standing = 'counts'"
_BARRED_ANY_CUSTODY = ("crime_of_violence", "firearms_trafficking", "explosives_firearms")
_BARRED_FEDERAL = (
    "alien_smuggling",
    "illicit_trafficking",
    "child_pornography",
    "national_defense",
)
_UNCOVERED = f"""{_serving("s")} AND NOT EXISTS (
          SELECT 1 FROM early_removal_approvals_all e
          WHERE e.person_id = s.person_id AND e.approved_on <= {D}
            AND ((s.custodian = 'federal' AND e.authority = 'attorney_general')
                 OR (s.custodian = 'state' AND e.authority = 'state_official'
                     AND e.written_request)))"""
_APPROVED = f"e.person_id = p.person_id AND e.approved_on <= {D}"

_RULE_COLUMNS = f"""
  CASE  -- 8 U.S.C. 1101(a)(3)
    WHEN p.citizenship IN ('us_citizen', 'us_national') THEN 'fail'
    WHEN p.citizenship = 'unknown' THEN 'unknown'
    ELSE 'pass'
  END AS citizenship,

  CASE  -- 8 U.S.C. 1252(b)(5)
    WHEN EXISTS (
      SELECT 1 FROM citizenship_claim_all c
      WHERE c.person_id = p.person_id AND c.date <= {D} AND c.status IN ('pending', 'upheld')
        AND c.date = (SELECT max(c2.date) FROM citizenship_claim_all c2
                      WHERE c2.person_id = p.person_id AND c2.date <= {D})
    ) THEN 'fail'
    WHEN NOT p.citizenship_claim_known THEN 'unknown'
    ELSE 'pass'
  END AS citizenship_claim,
{_FINAL_ORDER},

  CASE  -- 8 C.F.R. 1003.6(a), 1003.23(b)(4)(ii), 241.6
    WHEN EXISTS (
      SELECT 1 FROM stays_all s
      WHERE s.person_id = p.person_id AND s.granted_on <= {D}
        AND (s.expires_on IS NULL OR {D} <= s.expires_on)
        AND (s.lifted_on IS NULL OR s.lifted_on > {D}))
    OR EXISTS (
      SELECT 1 FROM appeals_all a
      WHERE a.person_id = p.person_id AND a.filed_on <= {D}
        AND (a.status = 'pending' OR a.decided_on > {D})
        AND (a.kind = 'bia_appeal' OR EXISTS (
          SELECT 1 FROM orders_in_force o WHERE o.person_id = p.person_id AND o.in_absentia)))
    OR EXISTS (  -- the appeal period of a judge's order has not run
      SELECT 1 FROM orders_in_force o
      WHERE o.person_id = p.person_id AND o.kind = 'immigration_judge'
        AND NOT o.in_absentia AND NOT o.appeal_waived AND {D} <= o.last_day_to_appeal)
    THEN 'fail'
    WHEN NOT p.stays_known OR (NOT p.appeals_known AND EXISTS (
      SELECT 1 FROM orders_in_force o
      WHERE o.person_id = p.person_id AND o.kind = 'immigration_judge'))
    THEN 'unknown'
    ELSE 'pass'
  END AS no_stay,

  CASE  -- 8 U.S.C. 1254a (TPS); 8 C.F.R. 236.21(c)(1) (DACA), 274a.12(c)(14), 214.14
    -- TPS designations on 2025-03-16 (law/data/tps_designations.yaml): Burundi terminated
    -- from 2009-05-03 (72 Fed. Reg. 61172); no other period has begun: the grant's own dates
    -- decide
    WHEN EXISTS (
      SELECT 1 FROM status_grants_all g
      WHERE g.person_id = p.person_id AND g.granted_on <= {D}
        AND (g.terminated_on IS NULL OR g.terminated_on > {D})
        AND (g.valid_until IS NULL OR {D} <= g.valid_until)
        AND (g.kind <> 'tps' OR (g.kind = 'tps' AND g.country IS DISTINCT FROM 'BI')))
    THEN 'fail'
    WHEN NOT p.status_grants_known OR EXISTS (
      SELECT 1 FROM status_grants_all g
      WHERE g.person_id = p.person_id AND g.granted_on <= {D}
        AND (g.terminated_on IS NULL OR g.terminated_on > {D}) AND g.kind = 'tps'
        AND ((g.country IS DISTINCT FROM 'BI' AND g.valid_until < {D})  -- past its date
             OR (g.country = 'BI' AND g.granted_on >= DATE '2009-05-03')))  -- after the end
    THEN 'unknown'
    ELSE 'pass'
  END AS no_status_bar,

  CASE  -- 28 U.S.C. 1651(a), 2241; the court's order
    WHEN EXISTS (
      SELECT 1 FROM court_orders_all k
      WHERE {_court_order_in_force("k")}
        AND ((k.effect = 'bar_removal' AND (k.country IS NULL OR k.country = {SV}))
             OR k.effect IN ('bar_transfer_out_of_district', 'require_return')))
      OR (p.notices_known AND {_NOTICE_ORDER_UNMET})
    THEN 'fail'
    WHEN NOT p.court_orders_known OR {_NOTICE_ORDER_UNMET} THEN 'unknown'
    ELSE 'pass'
  END AS no_individual_order_bar,

  CASE  -- 8 U.S.C. 1228(b)(3): executable from the 15th day after issue unless waived
    WHEN EXISTS (
      SELECT 1 FROM orders_in_force o
      WHERE o.person_id = p.person_id AND o.kind = 'administrative'
        AND {D} < o.issued_on + 15 AND NOT o.waived_14_days)
    THEN 'fail'
    WHEN NOT p.removal_orders_known OR EXISTS (
      SELECT 1 FROM orders_in_force o
      WHERE o.person_id = p.person_id AND o.kind = 'administrative'
        AND {D} < o.issued_on + 15 AND o.waived_14_days IS NULL)
    THEN 'unknown'
    ELSE 'pass'
  END AS execution_waiting_period,

  CASE  -- 8 U.S.C. 1252(b)(3)(B); Nken v. Holder; Ninth Circuit General Order 6.4(c)(1): an
        -- initial stay motion stays removal (the only circuit rule encoded on 2025-03-16)
    WHEN EXISTS (
      SELECT 1 FROM appeals_all m
      WHERE {_PENDING_MOTION} AND {_forum("m")} IN ({_NINTH_CIRCUIT})
        AND NOT {_EARLIER_MOTION})
    OR EXISTS (  -- a stay granted, pending a decision not yet made
      SELECT 1 FROM appeals_all m WHERE {_GRANTED_STAY} AND NOT {_DECIDED_SINCE_STAY})
    THEN 'fail'
    WHEN NOT p.appeals_known
    OR EXISTS (  -- pending in a court whose rule is not encoded
      SELECT 1 FROM appeals_all m
      WHERE {_PENDING_MOTION}
        AND ({_forum("m")} IS NULL
             OR {_forum("m")} NOT IN ({_NINTH_CIRCUIT}, {_AGENCY_FORUMS})))
    OR EXISTS (  -- not the first motion: the case file does not link it to its petition
      SELECT 1 FROM appeals_all m
      WHERE {_PENDING_MOTION} AND {_forum("m")} IN ({_NINTH_CIRCUIT}) AND {_EARLIER_MOTION})
    OR EXISTS (  -- decided since the stay was granted: the mandate is not dated
      SELECT 1 FROM appeals_all m WHERE {_GRANTED_STAY} AND {_DECIDED_SINCE_STAY})
    THEN 'unknown'
    ELSE 'pass'
  END AS no_stay_motion_bar,

  CASE  -- the government's commitment to a court
    WHEN EXISTS (
      SELECT 1 FROM forbearances_all b
      WHERE b.person_id = p.person_id AND b.made_on <= {D}
        AND (b.ends_on IS NULL OR {D} <= b.ends_on)
        AND (b.withdrawn_on IS NULL OR b.withdrawn_on > {D})
        AND (b.country IS NULL OR b.country = {SV}))
    THEN 'fail'
    WHEN NOT p.forbearances_known THEN 'unknown'
    ELSE 'pass'
  END AS no_forbearance,

  -- Class-wide orders binding on 2025-03-16 (law/data/court_orders/): J.G.G. v. Trump
  -- (D.D.C. No. 1:25-cv-00766, TRO of 2025-03-15) bars removal under the Alien Enemies Act
  -- only, not this Title 8 removal. J.O.P. v. DHS (D. Md. No. 8:19-cv-01944, settlement
  -- approved 2024-11-25) bars removal of its class: determined a UAC, an asylum application
  -- pending with USCIS by 2025-02-24, and an element the case file has no field for. No one
  -- is shown to be in the class; unknown unless the facts show the person is not.
  CASE
    WHEN NOT (
      (p.uac_determinations_known AND NOT EXISTS (
        SELECT 1 FROM uac_determinations_all u
        WHERE u.person_id = p.person_id AND u.determined_on <= {D}))
      OR (p.protections_known AND NOT EXISTS (
        SELECT 1 FROM protections_all r
        WHERE {_latest_protection("r")} AND r.kind = 'asylum' AND r.status = 'pending'
          AND (r.forum = 'uscis' OR r.forum IS NULL))))
    THEN 'unknown'
    ELSE 'pass'
  END AS no_class_order_bar,

  CASE  -- 8 U.S.C. 1158(c)(1)(A): asylum granted, as such or as a fear claim's outcome
    WHEN EXISTS (SELECT 1 FROM protections_all r
                 WHERE {_latest_protection("r")} AND r.kind = 'asylum' AND r.status = 'granted')
      OR EXISTS (SELECT 1 FROM fear_claims_all f
                 WHERE {_latest_fear("f")} AND f.status = 'granted' AND f.protection = 'asylum')
    THEN 'fail'
    WHEN NOT (p.protections_known AND p.fear_claims_known) OR EXISTS (
      SELECT 1 FROM fear_claims_all f
      WHERE {_latest_fear("f")} AND f.status = 'granted' AND f.protection IS NULL)
    THEN 'unknown'
    ELSE 'pass'
  END AS no_asylum,

  CASE  -- 8 U.S.C. 1231(b)(3): withholding as to El Salvador
    WHEN EXISTS (SELECT 1 FROM protections_all r
                 WHERE {_latest_protection("r")} AND r.kind = 'withholding'
                   AND r.country = {SV} AND r.status = 'granted')
      OR EXISTS (SELECT 1 FROM fear_claims_all f
                 WHERE {_latest_fear("f")} AND f.country = {SV} AND f.status = 'granted'
                   AND f.protection = 'withholding')
    THEN 'fail'
    WHEN NOT (p.protections_known AND p.fear_claims_known) OR EXISTS (
      SELECT 1 FROM fear_claims_all f
      WHERE {_latest_fear("f")} AND f.country = {SV} AND f.status = 'granted'
        AND f.protection IS NULL)
    THEN 'unknown'
    ELSE 'pass'
  END AS no_withholding,

  CASE  -- 8 C.F.R. 208.16(c), 208.17, 1208.16-1208.18: CAT as to El Salvador
    WHEN EXISTS (SELECT 1 FROM protections_all r
                 WHERE {_latest_protection("r")} AND r.kind IN ('cat_withholding', 'cat_deferral')
                   AND r.country = {SV} AND r.status = 'granted')
      OR EXISTS (SELECT 1 FROM fear_claims_all f
                 WHERE {_latest_fear("f")} AND f.country = {SV} AND f.status = 'granted'
                   AND f.protection IN ('cat_withholding', 'cat_deferral'))
    THEN 'fail'
    WHEN NOT (p.protections_known AND p.fear_claims_known) OR EXISTS (
      SELECT 1 FROM fear_claims_all f
      WHERE {_latest_fear("f")} AND f.country = {SV} AND f.status = 'granted'
        AND f.protection IS NULL)
    THEN 'unknown'
    ELSE 'pass'
  END AS no_cat,

  CASE  -- 8 U.S.C. 1231(b)(3), 1225(b)(1)(B); 8 C.F.R. 208.30(f)-(g), 208.31(e)-(g), 1003.42
    WHEN EXISTS (SELECT 1 FROM fear_claims_all f
                 WHERE {_latest_fear("f")} AND f.country = {SV}
                   AND f.status IN ('pending', 'positive', 'referred', 'review_pending', 'denied'))
      OR EXISTS (SELECT 1 FROM protections_all r
                 WHERE {_latest_protection("r")} AND r.country = {SV} AND r.status = 'pending')
    THEN 'fail'
    WHEN NOT (p.fear_claims_known AND p.protections_known) OR EXISTS (
      SELECT 1 FROM fear_claims_all f
      WHERE {_latest_fear("f")} AND f.country = {SV} AND f.status = 'unknown')
    THEN 'unknown'
    ELSE 'pass'
  END AS no_pending_fear,

  CASE  -- 8 U.S.C. 1231(a)(4)(A), (B)(i) federal custody, (B)(ii) state custody
    WHEN NOT p.sentences_known THEN 'unknown'
    WHEN NOT EXISTS (SELECT 1 FROM sentences_all s WHERE {_serving("s")}) THEN 'pass'
    WHEN NOT p.early_removal_approvals_known THEN 'unknown'
    WHEN NOT EXISTS (SELECT 1 FROM sentences_all s WHERE {_UNCOVERED}) THEN 'pass'
    WHEN EXISTS (SELECT 1 FROM sentences_all s WHERE {_UNCOVERED} AND s.custodian IS NULL)
      OR EXISTS (SELECT 1 FROM early_removal_approvals_all e
                 WHERE {_APPROVED} AND e.authority IS NULL)
      OR (EXISTS (SELECT 1 FROM sentences_all s WHERE {_UNCOVERED} AND s.custodian = 'state')
          AND EXISTS (SELECT 1 FROM early_removal_approvals_all e
                      WHERE {_APPROVED} AND e.authority = 'state_official'
                        AND e.written_request IS NULL))
    THEN 'unknown'
    ELSE 'fail'
  END AS not_serving,

  CASE  -- 8 U.S.C. 1231(a)(4)(B)(i)-(ii), 1101(a)(43)(B), (C), (E), (I), (L), 1101(a)(48)(A)
    WHEN NOT p.sentences_known THEN 'unknown'
    WHEN NOT EXISTS (SELECT 1 FROM sentences_all s WHERE {_serving("s")}) THEN 'not_applicable'
    WHEN NOT p.convictions_known THEN 'unknown'
    WHEN EXISTS (SELECT 1 FROM convictions_on_the_day c
                 WHERE {_COUNTS}
                   AND (c.category = 'violent' OR {_has_class("c", *_BARRED_ANY_CUSTODY)}))
    THEN 'fail'
    WHEN EXISTS (SELECT 1 FROM sentences_all s WHERE {_serving("s")} AND s.custodian = 'federal')
      AND EXISTS (SELECT 1 FROM convictions_on_the_day c
                  WHERE {_COUNTS} AND {_has_class("c", *_BARRED_FEDERAL)})
    THEN 'fail'
    WHEN EXISTS (  -- not recorded as nonviolent and of none of the barred classes
      SELECT 1 FROM convictions_on_the_day c
      WHERE c.person_id = p.person_id AND c.standing IN ('counts', 'doubtful', 'not_final')
        AND NOT (c.category = 'nonviolent' AND c.offence_classes IS NOT NULL
                 AND NOT {_has_class("c", *_BARRED_ANY_CUSTODY)}))
    OR EXISTS (
      SELECT 1 FROM convictions_on_the_day c
      WHERE c.person_id = p.person_id AND c.standing IN ('doubtful', 'not_final'))
    OR (EXISTS (SELECT 1 FROM sentences_all s WHERE {_serving("s")} AND s.custodian IS NULL)
        AND EXISTS (SELECT 1 FROM convictions_on_the_day c
                    WHERE {_COUNTS} AND {_has_class("c", *_BARRED_FEDERAL)}))
    THEN 'unknown'
    WHEN EXISTS (SELECT 1 FROM convictions_on_the_day c WHERE {_COUNTS}) THEN 'pass'
    ELSE 'fail'  -- no final conviction: (B) does not reach the confinement
  END AS early_removal_offence,

  CASE  -- 8 U.S.C. 1231(b)(3); 8 C.F.R. 1240.12(d), 1240.10(f): on 2025-03-16 written notice
        -- suffices, with no waiting period and no service on counsel (parameter
        -- third_country_notice, the regulation's terms); no class order requires more yet
    WHEN EXISTS (  -- El Salvador designated on an order in force: no notice owed
      SELECT 1 FROM orders_in_force o
      WHERE o.person_id = p.person_id
        AND (o.country = {SV} OR contains(o.alternative_countries, '|SV|')))
    THEN 'not_applicable'
    WHEN NOT p.removal_orders_known THEN 'unknown'
    WHEN EXISTS (  -- written notice naming El Salvador, served under the order in force
      SELECT 1 FROM notices_all x
      WHERE x.person_id = p.person_id AND x.country = {SV} AND x.served_on <= {D} AND x.written
        AND NOT EXISTS (SELECT 1 FROM orders_in_force o
                        WHERE o.person_id = x.person_id AND o.issued_on > x.served_on))
    THEN 'pass'
    WHEN EXISTS (  -- an order in force that does not record its countries
      SELECT 1 FROM orders_in_force o
      WHERE o.person_id = p.person_id
        AND (o.country IS NULL OR o.alternative_countries IS NULL))
    THEN 'unknown'
    WHEN NOT p.notices_known THEN 'unknown'
    ELSE 'fail'
  END AS third_country_notice,

  -- sv-2025-offer v1 is in force on 2025-03-16 and provides for custody placement in SV
  'pass' AS receiving_acceptance,

  CASE  -- agreement term (seeds/002: 'only convicted criminals'); 8 U.S.C. 1101(a)(48)(A)
    WHEN EXISTS (SELECT 1 FROM convictions_on_the_day c WHERE {_COUNTS}) THEN 'pass'
    WHEN NOT p.convictions_known OR EXISTS (
      SELECT 1 FROM convictions_on_the_day c
      WHERE c.person_id = p.person_id AND c.standing = 'doubtful')
    THEN 'unknown'
    ELSE 'fail'
  END AS conviction_required,

  CASE  -- agreement term 'adult': age 18 or over on the date
    WHEN p.birth_date IS NULL THEN 'unknown'
    WHEN p.birth_date + INTERVAL 18 YEAR <= {D} THEN 'pass'
    ELSE 'fail'
  END AS adult,

  -- CECOT's capacity, 40,000 (seeds/003), is counted by the registry; a screen of a docket
  -- does not know the count
  'unknown' AS facility_capacity"""


def naive_sql(*, as_of: dt.date = AS_OF) -> str:
    """The statement: person_id, one column per rule (named as the engine's), outcome.

    The law's values are written in for 2025-03-16; any other date is refused."""
    if as_of != AS_OF:
        raise ValueError(f"the naive statement writes in the law of {AS_OF}, not of {as_of}")
    from accord.law.calendar import legal_holidays

    holidays = sorted(legal_holidays(1997, as_of.year + 2))
    calendar = _CALENDAR.format(
        holidays=", ".join(f"DATE '{h.isoformat()}'" for h in holidays),
        last=f"{as_of.year + 2}-12-31",
    )
    columns = ", ".join(RULES)
    return f"""
WITH {calendar},{_CTES}
SELECT *,
  CASE
    WHEN list_contains([{columns}], 'fail') THEN 'ineligible'
    WHEN list_contains([{columns}], 'unknown') THEN 'undetermined'
    ELSE 'eligible'
  END AS outcome
FROM (SELECT p.person_id,{_RULE_COLUMNS}
      FROM persons_all p) AS rules
"""
