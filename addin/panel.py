"""A `Panel` (the cells between an output's intro and its table: Options' pick, its
formulas and the rows only a chart reads) written into an xlwings book with the calls
every host has: the cells as formulas in one write (a value is a constant there), the
labels in bold, each formula's number format, the hidden rows, the drop-down lists.
Its charts are the host's (`addin.hosts`).

    row  A            B          C ... E
    6    Product      BRACKET              =COUNTIF(...)   "5 options"
    7    First row    =IFERROR(MATCH(...)) =SUBSTITUTE(...)       (hidden)
    ...
"""

from __future__ import annotations

import re
from typing import Iterator

from workbook.seam import Choice, Formula, Number, OutputSheet, Panel, Row

from .cells import formula_cell
from .hosts import is_json_book

_REFERENCE = re.compile(r"(?:'((?:[^']|'')+)'|([^'!]+))!(.+)")


def write_panel(sheet, output: OutputSheet) -> None:
    """Write `output`'s panel from its first row (`output.panel_row`)."""
    panel, top = output.panel, output.panel_row
    rows = _filled(panel.rows)
    if rows:
        width = max(len(row) for row in rows)
        cells = sheet.range((top, 1), (top + len(rows) - 1, width))
        grid = [[formula_cell(value) for value in row] + [""] * (width - len(row)) for row in rows]
        if is_json_book(sheet.book):  # as `raw_value` for values: xlwings' conversion copies the sheet's grid
            cells.impl.formula = grid
        else:
            cells.formula = grid
        sheet.range((top, 1), (top + len(rows) - 1, 1)).font.bold = True  # the labels
    for row, column, number_format in _formats(panel):
        sheet.range((top + row, column + 1)).number_format = number_format
    for first, last in _runs(panel.hidden):
        sheet.range((top + first, 1), (top + last, 1)).rows.hidden = True
    for choice in panel.choices:
        add_list(sheet, choice)


def add_list(sheet, choice: Choice) -> None:
    """A drop-down list in `choice.cell` of the values its source names."""
    source_sheet, cells = split_reference(choice.source)
    source = sheet.book.sheets[source_sheet].range(cells) if source_sheet else sheet.range(cells)
    sheet.range(choice.cell).data_validation.set_list(source)


def split_reference(reference: str) -> tuple[str, str]:
    """`'My sheet'!$A$5:$A$9` -> ("My sheet", "$A$5:$A$9"); a reference without a sheet
    -> ("", reference)."""
    match = _REFERENCE.fullmatch(reference)
    if not match:
        return "", reference
    quoted, plain, cells = match.groups()
    return (quoted.replace("''", "'") if quoted is not None else plain), cells


def _filled(rows: tuple[Row, ...]) -> list[Row]:
    """The rows down to the last that holds a cell (the chart's place below is empty)."""
    rows = list(rows)
    while rows and not any(value is not None for value in rows[-1]):
        rows.pop()
    return rows


def _formats(panel: Panel) -> Iterator[tuple[int, int, str]]:
    """(row, column, format) of each formula or number that asks for a number format, from 0."""
    for row, values in enumerate(panel.rows):
        for column, value in enumerate(values):
            if isinstance(value, (Formula, Number)) and value.number_format != "General":
                yield row, column, value.number_format


def _runs(rows: frozenset[int]) -> Iterator[tuple[int, int]]:
    """Consecutive runs (first, last) of row indexes."""
    ordered = sorted(rows)
    start = 0
    for i in range(1, len(ordered) + 1):
        if i == len(ordered) or ordered[i] != ordered[i - 1] + 1:
            yield ordered[start], ordered[i - 1]
            start = i
