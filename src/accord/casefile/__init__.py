"""Case file version 1: one person's legal facts, as dated records with their sources."""

from accord.casefile.models import CASE_FILE_LISTS, CaseFile
from accord.casefile.reader import ReadResult, read_case_files

__all__ = ["CASE_FILE_LISTS", "CaseFile", "ReadResult", "read_case_files"]
