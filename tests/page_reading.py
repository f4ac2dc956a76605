"""Reading what a dashboard page or download shows, for tests over HTTP: a table's cells as
text, a CSV's rows, and the audit entries a read left."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from typing import Any

from registry.conftest import Registry


def table_rows(page: str, table_id: str) -> list[list[str]]:
    """The text of each cell of each body row of the table `table_id` (tags dropped,
    entities decoded, white space collapsed)."""
    found = re.search(rf'<table[^>]*id="{table_id}".*?<tbody>(.*?)</tbody>', page, re.S)
    assert found is not None, f"no table {table_id}"
    rows = re.findall(r"<tr>(.*?)</tr>", found[1], re.S)
    return [
        [html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", c))).strip() for c in cells]
        for cells in (re.findall(r"<td[^>]*>(.*?)</td>", r, re.S) for r in rows)
    ]


def csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def audit_entries(registry: Registry, action: str) -> list[dict[str, Any]]:
    """Each audit entry of `action`, oldest first: its actor and its details."""
    rows = registry.sql(
        "SELECT actor, change FROM audit_log WHERE action = :a ORDER BY seq", a=action
    )
    return [{"actor": a, **json.loads(c)} for a, c in rows]
