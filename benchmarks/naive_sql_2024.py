"""The first naive baseline: 13 rules of the law before 2025, as one plain SQL statement.

Kept for comparison only (bench_engine.py reports it beside naive_sql.py's statement, labelled
"13 rules of the law before 2025"). It is the query someone would have written by hand for
custody placement at CECOT in El Salvador under `sv-2025-offer`, as of 2025-03-16, before the
engine encoded the law of 2025: no status bars (TPS, DACA, U/T), no court orders in the
person's own case or class-wide, no stay motions, forbearance, INA 238(b) waiting period or
early-removal offence, notice owed only to non-nationals, and no facility capacity. It
computes less than the engine, so its statuses differ for many persons and a ratio against
it says little about the engine: the headline baseline is naive_sql.py.

Each rule is a CASE over correlated EXISTS subqueries against the `<table>_all` tables of a
FactStore; "the latest record" is a correlated max(date) subquery; the last day to appeal
comes from a calendar of business days (30 days, rolled past weekends and legal holidays,
8 C.F.R. 1003.38(b)). The values the law gives on that date are written in: a 30-day appeal
period, age 18, and (8 C.F.R. 1240.10(f), in force on that date) no waiting period after a
written notice and no service on counsel. Only the list of holiday dates is taken from the
engine's package (accord.law.calendar).
"""

from __future__ import annotations

import datetime as dt

RULES_2024 = (
    "citizenship",
    "citizenship_claim",
    "final_order",
    "no_stay",
    "no_asylum",
    "no_withholding",
    "no_cat",
    "no_pending_fear",
    "not_serving",
    "third_country_notice",
    "receiving_acceptance",
    "conviction_required",
    "adult",
)

_TEMPLATE = """
WITH calendar AS (
  SELECT t.day::DATE AS day,
         CASE WHEN isodow(t.day) < 6 AND t.day::DATE NOT IN ({HOLIDAYS}) THEN t.day::DATE END
           AS business_day
  FROM generate_series(DATE '1990-01-01', DATE '{LAST_CALENDAR_DAY}', INTERVAL 1 DAY) AS t(day)
),
next_business_day AS (  -- the day itself if it is a business day, else the next one
  SELECT day, min(business_day) OVER (ORDER BY day ROWS BETWEEN CURRENT ROW AND 10 FOLLOWING)
    AS business_day
  FROM calendar
),
appeal_deadlines AS (
  SELECT day - {APPEAL_DAYS} AS issued_on, business_day AS last_day FROM next_business_day
)
SELECT
  p.person_id,

  CASE
    WHEN p.citizenship IN ('us_citizen', 'us_national') THEN 'fail'
    WHEN p.citizenship = 'unknown' THEN 'unknown'
    ELSE 'pass'
  END AS citizenship,

  CASE
    WHEN EXISTS (
      SELECT 1 FROM citizenship_claim_all c
      WHERE c.person_id = p.person_id AND c.date <= {D} AND c.status IN ('pending', 'upheld')
        AND c.date = (SELECT max(c2.date) FROM citizenship_claim_all c2
                      WHERE c2.person_id = p.person_id AND c2.date <= {D})
    ) THEN 'fail'
    WHEN NOT p.citizenship_claim_known THEN 'unknown'
    ELSE 'pass'
  END AS citizenship_claim,

  CASE
    WHEN EXISTS (
      SELECT 1 FROM removal_orders_all o
      WHERE o.person_id = p.person_id AND {LIVE}
        AND (o.kind IN ('expedited', 'reinstated', 'administrative', 'stipulated')
             OR o.in_absentia OR o.appeal_waived)
    )
    OR EXISTS (
      SELECT 1 FROM removal_orders_all o
      WHERE o.person_id = p.person_id AND {LIVE} AND {APPEALABLE}
        AND EXISTS (
          SELECT 1 FROM appeals_all a
          WHERE a.person_id = o.person_id AND a.kind = 'bia_appeal' AND a.filed_on <= {D}
            AND a.status IN ('dismissed', 'withdrawn') AND a.decided_on <= {D}
            AND a.filed_on BETWEEN o.issued_on AND {LAST_DAY}
        )
    )
    OR (p.appeals_known AND EXISTS (
      SELECT 1 FROM removal_orders_all o
      WHERE o.person_id = p.person_id AND {LIVE} AND {APPEALABLE}
        AND {LAST_DAY} < {D}
        AND NOT EXISTS (
          SELECT 1 FROM appeals_all a
          WHERE a.person_id = o.person_id AND a.kind = 'bia_appeal' AND a.filed_on <= {D}
            AND a.filed_on BETWEEN o.issued_on AND {LAST_DAY}
        )
    )) THEN 'pass'
    WHEN NOT p.removal_orders_known OR EXISTS (
      SELECT 1 FROM removal_orders_all o
      WHERE o.person_id = p.person_id AND {LIVE} AND {APPEALABLE}
        AND {LAST_DAY} < {D}
        AND NOT EXISTS (
          SELECT 1 FROM appeals_all a
          WHERE a.person_id = o.person_id AND a.kind = 'bia_appeal' AND a.filed_on <= {D}
            AND a.filed_on BETWEEN o.issued_on AND {LAST_DAY}
        )
    ) THEN 'unknown'
    ELSE 'fail'
  END AS final_order,

  CASE
    WHEN EXISTS (
      SELECT 1 FROM stays_all s
      WHERE s.person_id = p.person_id AND s.granted_on <= {D}
        AND (s.expires_on IS NULL OR {D} <= s.expires_on)
        AND (s.lifted_on IS NULL OR s.lifted_on > {D})
    )
    OR EXISTS (
      SELECT 1 FROM appeals_all a
      WHERE a.person_id = p.person_id AND a.filed_on <= {D}
        AND (a.status = 'pending' OR a.decided_on > {D})
        AND (a.kind = 'bia_appeal' OR EXISTS (
          SELECT 1 FROM removal_orders_all o
          WHERE o.person_id = p.person_id AND {LIVE} AND o.in_absentia
        ))
    )
    OR EXISTS (
      SELECT 1 FROM removal_orders_all o
      WHERE o.person_id = p.person_id AND {LIVE} AND {APPEALABLE}
        AND {D} <= {LAST_DAY}
    ) THEN 'fail'
    WHEN NOT p.stays_known OR (NOT p.appeals_known AND EXISTS (
      SELECT 1 FROM removal_orders_all o
      WHERE o.person_id = p.person_id AND {LIVE} AND o.kind = 'immigration_judge'
    )) THEN 'unknown'
    ELSE 'pass'
  END AS no_stay,

  CASE
    WHEN EXISTS ({LATEST_PROTECTION} AND r.kind = 'asylum' AND r.status = 'granted')
    THEN 'fail'
    WHEN NOT p.protections_known THEN 'unknown'
    ELSE 'pass'
  END AS no_asylum,

  CASE
    WHEN EXISTS ({LATEST_PROTECTION} AND r.kind = 'withholding' AND r.country = {DEST}
                 AND r.status = 'granted')
    THEN 'fail'
    WHEN NOT p.protections_known THEN 'unknown'
    ELSE 'pass'
  END AS no_withholding,

  CASE
    WHEN EXISTS ({LATEST_PROTECTION} AND r.kind IN ('cat_withholding', 'cat_deferral')
                 AND r.country = {DEST} AND r.status = 'granted')
    THEN 'fail'
    WHEN NOT p.protections_known THEN 'unknown'
    ELSE 'pass'
  END AS no_cat,

  CASE
    WHEN EXISTS ({LATEST_FEAR} AND f.status IN ('pending', 'positive'))
      OR EXISTS ({LATEST_PROTECTION} AND r.country = {DEST} AND r.status = 'pending')
    THEN 'fail'
    WHEN NOT (p.fear_claims_known AND p.protections_known)
      OR EXISTS ({LATEST_FEAR} AND f.status = 'unknown')
    THEN 'unknown'
    ELSE 'pass'
  END AS no_pending_fear,

  CASE
    WHEN EXISTS ({SERVING}) AND EXISTS (
      SELECT 1 FROM early_removal_approvals_all e
      WHERE e.person_id = p.person_id AND e.approved_on <= {D}
    ) THEN 'pass'
    WHEN EXISTS ({SERVING}) AND p.early_removal_approvals_known THEN 'fail'
    WHEN NOT p.sentences_known OR EXISTS ({SERVING}) THEN 'unknown'
    ELSE 'pass'
  END AS not_serving,

  CASE
    WHEN EXISTS (
      SELECT 1 FROM nationalities_all n WHERE n.person_id = p.person_id AND n.country = {DEST}
    ) THEN 'not_applicable'
    WHEN EXISTS (
      SELECT 1 FROM notices_all x
      WHERE x.person_id = p.person_id AND x.country = {DEST} AND x.served_on <= {D}
        AND x.written {COUNSEL}
        AND x.served_on + CASE WHEN x.exigent THEN {EXIGENT_FROM} ELSE {FROM} END <= {D}
    ) THEN 'pass'
    WHEN NOT p.notices_known OR NOT p.nationalities_known THEN 'unknown'
    ELSE 'fail'
  END AS third_country_notice,

  'pass' AS receiving_acceptance,

  CASE
    WHEN EXISTS (
      SELECT 1 FROM convictions_all c
      WHERE c.person_id = p.person_id AND c.date <= {D} AND c.final
    ) THEN 'pass'
    WHEN NOT p.convictions_known OR EXISTS (
      SELECT 1 FROM convictions_all c
      WHERE c.person_id = p.person_id AND c.date <= {D} AND c.final IS NULL
    ) THEN 'unknown'
    ELSE 'fail'
  END AS conviction_required,

  CASE
    WHEN p.birth_date IS NULL THEN 'unknown'
    WHEN p.birth_date + INTERVAL {ADULT} YEAR <= {D} THEN 'pass'
    ELSE 'fail'
  END AS adult

FROM persons_all p
"""

_LATEST_PROTECTION = """
      SELECT 1 FROM protections_all r
      WHERE r.person_id = p.person_id AND r.date <= {D}
        AND r.date = (SELECT max(r2.date) FROM protections_all r2
                      WHERE r2.person_id = r.person_id AND r2.kind = r.kind
                        AND r2.country = r.country AND r2.date <= {D})"""

_LATEST_FEAR = """
      SELECT 1 FROM fear_claims_all f
      WHERE f.person_id = p.person_id AND f.country = {DEST} AND f.date <= {D}
        AND f.date = (SELECT max(f2.date) FROM fear_claims_all f2
                      WHERE f2.person_id = f.person_id AND f2.country = f.country
                        AND f2.date <= {D})"""

_SERVING = """
      SELECT 1 FROM sentences_all s
      WHERE s.person_id = p.person_id AND s.start <= {D}
        AND (s.released_on IS NULL OR s.released_on > {D})"""


def naive_sql_2024(
    *,
    as_of: dt.date = dt.date(2025, 3, 16),
    destination: str = "SV",
    appeal_days: int = 30,
    adult_years: int = 18,
    notice_wait_days: int = 0,
    exigent_wait_days: int = 0,
    counsel_service: bool = False,
) -> str:
    """The statement: person_id, one column per rule (named as the engine's), outcome.

    A waiting period of N days runs through the N-th day after service, so removal may
    follow on the day after it; no waiting period: the day of service.
    """
    from accord.law.calendar import legal_holidays

    holidays = sorted(legal_holidays(1997, as_of.year + 1))
    values = {
        "D": f"DATE '{as_of.isoformat()}'",
        "DEST": f"'{destination}'",
        "APPEAL_DAYS": str(appeal_days),
        "ADULT": str(adult_years),
        "FROM": str(notice_wait_days + 1 if notice_wait_days else 0),
        "EXIGENT_FROM": str(exigent_wait_days + 1 if exigent_wait_days else 0),
        "HOLIDAYS": ", ".join(f"DATE '{h.isoformat()}'" for h in holidays),
        "LAST_CALENDAR_DAY": f"{as_of.year + 2}-12-31",
        "LAST_DAY": "(SELECT c.last_day FROM appeal_deadlines c WHERE c.issued_on = o.issued_on)",
        "COUNSEL": "AND x.served_on_counsel" if counsel_service else "",
        "LIVE": "o.issued_on <= {D} AND (o.vacated_on IS NULL OR o.vacated_on > {D})",
        "APPEALABLE": "o.kind = 'immigration_judge' AND NOT o.in_absentia AND NOT o.appeal_waived",
    }
    parts = {"LATEST_PROTECTION": _LATEST_PROTECTION, "LATEST_FEAR": _LATEST_FEAR}
    parts["SERVING"] = _SERVING
    sql = _TEMPLATE
    for key, text in parts.items():
        sql = sql.replace("{" + key + "}", text)
    for _ in range(2):  # LIVE contains {D}
        for key, text in values.items():
            sql = sql.replace("{" + key + "}", text)
    columns = ", ".join(RULES_2024)
    return f"""
SELECT *,
  CASE
    WHEN list_contains([{columns}], 'fail') THEN 'ineligible'
    WHEN list_contains([{columns}], 'unknown') THEN 'undetermined'
    ELSE 'eligible'
  END AS outcome
FROM ({sql}) AS rules
"""
