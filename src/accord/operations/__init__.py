"""Transfer operations with safeguards: nobody wrongly sent, nobody lost (issue #4).

Nomination, legal review, third-country notice, manifests, the boarding check,
departure, handover, custody, incidents, census, court-ordered returns,
consular notification, counsel access and monitoring visits: each step an
event in an append-only log with its audit entry, each state machine and
reason code declared in states.py, and `reconcile` to check the whole.
Service functions take an explicit session and the acting user, keyword-only;
permissions are checked by the interfaces (cli/operations.py).
"""
