"""Accord: the system of record for international removal and prisoner-transfer agreements.

The small public API lives here; everything else is an implementation detail.
"""

from accord.errors import AccordError, InputError

__all__ = ["AccordError", "InputError", "__version__"]
__version__ = "0.1.0"
