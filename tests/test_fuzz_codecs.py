"""Fuzzing the sheet codecs and `reconcile` with the random grids of `fuzz_grids` (issue 6):
they never raise (but `WorkbookError` for a structural problem), every data row is used or
reported exactly once, and every problem names a cell like `Usage!B7` inside the grid.

The engine's invariants under random policies are `test_properties.py`'s business.
"""

from __future__ import annotations

import re
from typing import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fuzz_grids import Grid, grids, is_blank_row
from workbook.sheets import inputs
from workbook.sheets.cells import text
from workbook.reconcile import reconcile
from workbook.sheets.schema import COUNTS, LOTS, USAGE, column_letter, find_header, numbered
from workbook.seam import Grids, WorkbookError
from workbook.sheets.settings import read_settings

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
CELL = re.compile(r"^(?P<sheet>[A-Za-z]+)!(?P<column>[A-Z]{1,3})(?P<row>[0-9]+)$")
CODECS: dict[str, tuple] = {"Usage": (USAGE, inputs.read_usage), "Lots": (LOTS, inputs.read_lots),
                            "Counts": (COUNTS, inputs.read_counts)}


def column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number - 1


def check_cell(cell: str, sheet: str, grid: Grid) -> tuple[int, int]:
    """`cell` names `sheet` and a cell inside the grid (a header's width counts too);
    returns its (row, 0-based column)."""
    found = CELL.match(cell)
    assert found and found["sheet"] == sheet, cell
    row, column = int(found["row"]), column_number(found["column"])
    assert column_letter(column) == found["column"]
    assert 1 <= row <= len(grid.rows), cell
    assert column < max(len(r) for r in grid.rows) + 2, cell  # a missing column is reported beside the table
    return row, column


def read_fields(grid: Grid, header) -> list[int]:
    """The columns the codec reads: the first column of each field the header names."""
    return sorted(set(header.columns.values()))


def data_row_numbers(grid: Grid, header) -> set[int]:
    """Rows below the header with a non-blank cell in a column the schema reads (other
    columns are ignored by SPEC section 5)."""
    columns = read_fields(grid, header)
    return {number for number, row in enumerate(grid.rows, start=1) if number > header.row
            and not is_blank_row([row[c] for c in columns if c < len(row)])}


@pytest.mark.parametrize("sheet", list(CODECS))
@FUZZ
@given(data=st.data())
def test_every_data_row_is_a_record_or_reported_exactly_once(sheet, data):
    grid = data.draw(grids(sheet))
    schema, codec = CODECS[sheet]
    rows = numbered(grid.rows)
    header = find_header(schema, sheet, rows)
    if header is None or header.missing(schema):
        return  # structural: reconcile raises WorkbookError (checked below)
    found = codec(header, rows)
    used = [int(CELL.match(record.source)["row"]) for record in found.records]
    reported = {check_cell(problem.cell, sheet, grid)[0] for problem in found.problems if problem.is_error} - {header.row}
    assert len(used) == len(set(used)) and not set(used) & reported
    assert set(used) | reported == data_row_numbers(grid, header)


@FUZZ
@given(grids("Settings"))
def test_settings_never_raise_and_name_cells_in_the_grid(grid):
    chosen, problems, *_ = read_settings("Settings", numbered(grid.rows))
    assert set(chosen) <= {"rule", "lot_order", "max_runs", "max_loops", "max_write_off", "max_write_off_cost",
                           "date_order", "distinct_products"}
    for problem in problems:
        check_cell(problem.cell, "Settings", grid)


@FUZZ
@given(grids("Usage"), st.none() | grids("Lots"), st.none() | grids("Counts"), st.none() | grids("Settings"),
       st.sampled_from([None, "fewest", "guide"]), st.sampled_from([None, "fifo", "lifo"]))
def test_reconcile_never_raises_and_every_usage_row_is_used_or_reported(usage, lots, counts, settings_, rule, order):
    book = {name: grid for name, grid in
            {"Usage": usage, "Lots": lots, "Counts": counts, "Settings": settings_}.items() if grid is not None}
    try:
        done = reconcile(Grids({name: grid.rows for name, grid in book.items()}), {"rule": rule, "lot_order": order})
    except WorkbookError as error:
        assert error.code.value in ("column_missing", "sheet_missing")
        return
    for problem in done.problems:
        check_cell(problem.cell, problem.cell.split("!")[0], book[problem.cell.split("!")[0]])
    for name, grid in book.items():
        if name != "Settings":
            assert_rows_accounted_for(name, grid, done)


def assert_rows_accounted_for(sheet: str, grid: Grid, done) -> None:
    """Each data row of `sheet` is reported on its row, or belongs to a product that is
    recommended (so the row was used) or set aside (reported on Summary)."""
    header = find_header(CODECS[sheet][0], sheet, numbered(grid.rows))
    if header is None or header.missing(CODECS[sheet][0]):
        return  # an optional sheet without its columns: reconcile refused it or it is blank
    reported = {int(CELL.match(p.cell)["row"]) for p in done.problems if p.cell.startswith(f"{sheet}!") and p.is_error}
    recommended = {rec.product for rec in done.recommendations}
    product_column = header.columns["product"]
    for number in data_row_numbers(grid, header):
        row = grid.rows[number - 1]
        product = text(row[product_column]) if product_column < len(row) and row[product_column] is not None else None
        used = product in recommended and number not in reported
        assert used or number in reported or product in done.blocked, f"{sheet}!{number} lost"
        assert not (product in recommended and number in reported)
    if sheet == "Usage":
        assert set(done.products) == recommended | set(done.blocked)
