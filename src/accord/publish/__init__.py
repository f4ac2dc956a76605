"""The transparency report: aggregate tables of a period, small cells suppressed, with the
audit chain head it was built from (docs/publish.md)."""
