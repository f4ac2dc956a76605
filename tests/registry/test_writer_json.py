"""The import's hand-formatted audit changes are exactly the canonical JSON a monitor's
verifier hashes: any difference would break the chain of every import."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from accord.db import canonical_json
from accord.registry.codec import LISTS
from accord.registry.writer import record_change_text, record_change_value, shared_change_json

WRITTEN = st.dictionaries(
    st.sampled_from(sorted(LISTS)),
    st.tuples(
        st.integers(min_value=1, max_value=10**12),
        st.booleans(),
        st.text(alphabet="0123456789abcdef", min_size=64, max_size=64),
    ).map(list),
    min_size=1,
)
TEXT = st.text(min_size=1)  # quotes, backslashes, control characters, any script


@given(
    import_id=st.none() | st.integers(min_value=1, max_value=10**9),
    written=WRITTEN,
    source_document=TEXT,
    note=st.none() | st.text(),
    valid_from=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)),
)
def test_formatted_change_equals_the_canonical_json(
    import_id: int | None,
    written: dict[str, list[Any]],
    source_document: str,
    note: str | None,
    valid_from: dt.date,
) -> None:
    value = record_change_value(
        import_id=import_id,
        written=written,
        source_document=source_document,
        valid_from=valid_from,
        note=note,
    )
    shared = shared_change_json(source_document=source_document, valid_from=valid_from, note=note)
    assert record_change_text(shared, import_id, written) == canonical_json(value)
