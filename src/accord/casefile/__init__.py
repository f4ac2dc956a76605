"""Case files (version 2; v1 still read): one person's legal facts as dated, sourced records."""

from accord.casefile.models import CASE_FILE_LISTS, CaseFile
from accord.casefile.reader import ReadResult, read_case_files

__all__ = ["CASE_FILE_LISTS", "CaseFile", "ReadResult", "read_case_files"]
