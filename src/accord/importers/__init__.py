"""Importers: outside data layouts turned into case files.

`read_ice_ero` reads an ICE ERO removals export released under FOIA; what
each ICE case category proves is the data in CATEGORY_FACTS, explained in
docs/ice-ero-mapping.md. `write_case_files` writes the result as JSON Lines.
"""

from accord.importers.ice_ero import IceEroImport, RowReject, read_ice_ero, reject_record
from accord.importers.ice_ero_categories import (
    CATEGORY_FACTS,
    REFUSED_CATEGORIES,
    CategoryFacts,
)
from accord.importers.ice_ero_countries import ICE_COUNTRY_OVERRIDES, ICE_FORMER_STATES
from accord.importers.writer import rejects_path, write_case_files, write_json_lines

__all__ = [
    "CATEGORY_FACTS",
    "ICE_COUNTRY_OVERRIDES",
    "ICE_FORMER_STATES",
    "REFUSED_CATEGORIES",
    "CategoryFacts",
    "IceEroImport",
    "RowReject",
    "read_ice_ero",
    "reject_record",
    "rejects_path",
    "write_case_files",
    "write_json_lines",
]
