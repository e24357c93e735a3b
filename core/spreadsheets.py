"""CSV files organizers and visitors open in spreadsheet programs."""

import csv

# A cell starting with one of these would be run as a formula (CSV injection).
FORMULA_STARTS = frozenset({"=", "+", "-", "@", "\t", "\r"})


def safe_cell(value):
    """The text of a cell, with a leading quote when a spreadsheet would read it as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in FORMULA_STARTS else text


class SafeWriter:
    """``csv.writer`` whose every cell goes through :func:`safe_cell`. The one way the project
    writes CSV."""

    def __init__(self, stream):
        self._writer = csv.writer(stream)

    def writerow(self, row):
        return self._writer.writerow([safe_cell(value) for value in row])


def writer(stream):
    return SafeWriter(stream)
