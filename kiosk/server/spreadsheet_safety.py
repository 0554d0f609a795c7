"""Text from the hall (an applicant's name, a work log) in a supervisor's spreadsheet stays text.

A cell starting with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return) is taken for a
formula by Excel and LibreOffice when the file is opened (OWASP's "CSV injection"). In CSV such
a cell gets a leading apostrophe, the spreadsheets' own mark for "this is text"; in XLSX it is
stored as a string with the quote-prefix style, so it reads exactly as typed.
"""
from __future__ import annotations

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_START)


def csv_cell(value):
    return "'" + value if looks_like_formula(value) else value


def keep_as_text(cell) -> None:
    """An openpyxl cell whose value would run as a formula: kept as its text."""
    if looks_like_formula(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True
