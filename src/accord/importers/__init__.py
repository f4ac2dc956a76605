"""Importers: outside data layouts turned into case files v1.

`read_ice_ero` reads an ICE ERO removals export released under FOIA; what
each ICE case category proves is the data in CATEGORY_FACTS, explained in
docs/ice-ero-mapping.md. `write_case_files` writes the result as JSON Lines.
"""

from accord.importers.ice_ero import IceEroImport, read_ice_ero
from accord.importers.ice_ero_categories import CATEGORY_FACTS, CategoryFacts
from accord.importers.ice_ero_countries import ICE_COUNTRY_OVERRIDES
from accord.importers.writer import write_case_files

__all__ = [
    "CATEGORY_FACTS",
    "ICE_COUNTRY_OVERRIDES",
    "CategoryFacts",
    "IceEroImport",
    "read_ice_ero",
    "write_case_files",
]
