"""The fuzzing strategy itself: grids are plain values with the header where it says."""

from datetime import date
from decimal import Decimal

from hypothesis import given, settings

from fuzz_grids import SCHEMAS, Grid, grids, is_blank_row
from workbook.seam import Uncalculated

PLAIN = (str, int, float, Decimal, date, bool, type(None), Uncalculated)  # what crosses the seam


@settings(max_examples=200)
@given(grids("Usage"))
def test_usage_grids_hold_plain_values_below_their_first_non_empty_row(grid: Grid):
    assert all(isinstance(cell, PLAIN) for row in grid.rows for cell in row)
    if grid.header_index is not None:
        assert all(is_blank_row(row) for row in grid.rows[: grid.header_index])
        assert not is_blank_row(grid.rows[grid.header_index])
    assert 0 <= grid.data_rows <= len(grid.rows)
    assert len(grid.rows[grid.names_index]) == len(grid.fields)


@settings(max_examples=50)
@given(grids("Lots"), grids("Counts"), grids("Settings"))
def test_every_sheet_has_a_strategy(lots: Grid, counts: Grid, settings_: Grid):
    assert len(lots.rows[lots.names_index]) == len(lots.fields)
    assert set(SCHEMAS) == {"Usage", "Lots", "Counts", "Settings"}
