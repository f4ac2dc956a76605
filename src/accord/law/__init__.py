"""Law and agreement terms as code: rules with citations, parameters with dated values.

Rules are small pure functions from fact tables (Ibis expressions) to a
three-valued status column, so the same rule source answers for one person
(with an explanation) and for a whole docket.
"""
