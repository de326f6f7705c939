"""Hypothesis strategies for fuzzing the sheet codecs with the grids users really hand in.

`grids(sheet)` draws a `Grid`: rows of plain values, as the sheet-access seam delivers them
(`str`, `int`, `float`, `Decimal`, `date`, `datetime`, `bool`, `None`), with

- title rows and blank rows above the header (the header is the first non-empty row);
- a header spelled any way SPEC section 5 allows, or nearly: every alias, any case,
  surrounding blanks; sometimes a required column missing, a column twice, unknown
  columns, columns in any order;
- data rows of any length (ragged), whose cells are what Excel and ERPs produce: blanks,
  whitespace, text, numbers as text, ints, floats including nan, inf, 1e300 and -0.0,
  Decimals, dates and datetimes (also impossible dates as text), booleans, error values
  such as "#DIV/0!" and "#N/A", unicode, strings up to Excel's 32,767 characters,
  numbers and dates typed as accountants type them (`(4)`, `$2.50`, `1,234`, `1 Mar 2024`)
  and formulas saved without their result (`UNCALCULATED`).

The `Grid` says where its header is and which field each column means, so a test can
check that every data row ends up used or reported:

    @given(grids("Usage"))
    def test_every_row_is_used_or_reported(grid):
        result = read_usage(grid.rows)
        assert len(result.usage) + rows_reported(result) == grid.data_rows
"""

from __future__ import annotations

import math
from datetime import date, datetime
from decimal import Decimal
from typing import NamedTuple

from hypothesis import strategies as st

from workbook.seam import UNCALCULATED

# sheet -> field -> the spellings SPEC section 5 accepts (the first is the canonical name)
SCHEMAS: dict[str, dict[str, tuple[str, ...]]] = {
    "Usage": {
        "product": ("Product", "Item", "Code", "SKU"),
        "quantity": ("Quantity", "Qty"),
        "date": ("Date",),
        "reference": ("Reference", "Ref", "Document"),
        "unit_cost": ("Unit Cost", "Cost"),
    },
    "Lots": {
        "product": ("Product",),
        "lot": ("Lot", "Lot ID"),
        "quantity": ("Quantity", "Qty"),
        "used": ("Used",),
        "date": ("Date",),
        "unit_cost": ("Unit Cost",),
    },
    "Counts": {
        "product": ("Product",),
        "balance": ("Balance", "System Balance"),
        "counted": ("Counted", "Count"),
    },
    "Settings": {
        "setting": ("Setting",),
        "value": ("Value",),
    },
}
REQUIRED = {"Usage": ("product", "quantity"), "Lots": ("product", "quantity"), "Counts": ("product",), "Settings": ("setting", "value")}
UNKNOWN_HEADERS = ("Notes", "Warehouse", "Comment", "Amount", "Unnamed: 7", "", None, 2024)
ERROR_VALUES = ("#DIV/0!", "#N/A", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!")
EXCEL_MAX_TEXT = 32_767


class Grid(NamedTuple):
    """Rows of plain values. `header_index`: the first non-empty row, the header by SPEC's
    rule (None: every row is blank). `names_index`: the row that really holds the column
    names (below `header_index` when title rows sit above it); `fields[i]`: what its
    column i means (None: a column unknown to giveback)."""

    rows: list[list[object]]
    header_index: int | None
    names_index: int
    fields: tuple[str | None, ...]

    @property
    def data_rows(self) -> int:
        """Rows below the header with at least one non-blank cell."""
        start = 0 if self.header_index is None else self.header_index + 1
        return sum(1 for row in self.rows[start:] if not is_blank_row(row))


def is_blank_row(row: list[object]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in row)


# Cells --------------------------------------------------------------------------------------

blanks = st.sampled_from([None, "", " ", "\t", "\n", "\u00a0", "   "])
special_floats = st.sampled_from([math.nan, math.inf, -math.inf, 1e300, -1e300, -0.0, 0.0, 5e-324, 0.1 + 0.2])
numbers = st.one_of(
    st.integers(-10**6, 10**6),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    special_floats,
    st.decimals(allow_nan=False, allow_infinity=False, places=6, min_value=-10**9, max_value=10**9),
    st.sampled_from([Decimal("NaN"), Decimal("Infinity"), Decimal("-0"), Decimal("1E+300")]),
)
numbers_as_text = st.sampled_from(["12", " 3.5 ", "1,000", "1e3", "-2", "(4)", "5-", "0", "١٢", "12 units", "NaN", "inf",
                                   "(1,234.50)", "1,234,567", "12,5", "1.234,5", "$2.50", "2.50 €", "EUR 2.50", "(-4)"])
dates = st.one_of(
    st.dates(min_value=date(1900, 1, 1), max_value=date(9999, 12, 31)),
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(9999, 12, 31)),
    st.sampled_from(["2024-03-31", "31/03/2024", "03/31/2024", "2024-13-45", "Feb 30, 2024", "yesterday", "45382",
                     "03/01/2024", "1 Mar 2024", "Mar 1, 2024", "03/01/24"]),
)
texts = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=20),
    st.sampled_from(["A-100", " a-100 ", "A-100\u200b", "Ａ-１００", "ü-ÿ", "品目", "🙂", "=SUM(A1:A2)", "'0012"]),
    st.integers(EXCEL_MAX_TEXT - 2, EXCEL_MAX_TEXT + 2).map(lambda length: "x" * length),
)
cells = st.one_of(blanks, numbers, numbers_as_text, dates, texts, st.booleans(), st.sampled_from(ERROR_VALUES),
                  st.just(UNCALCULATED))


# Headers ------------------------------------------------------------------------------------


def _spelled(name: str) -> st.SearchStrategy[str]:
    """`name` in any case, sometimes with surrounding blanks."""
    cased = st.sampled_from([name, name.upper(), name.lower(), name.title(), name.swapcase()])
    return st.tuples(st.sampled_from(["", " ", "  "]), cased, st.sampled_from(["", " ", "\t"])).map("".join)


@st.composite
def headers(draw, sheet: str) -> tuple[list[object], tuple[str | None, ...]]:
    """A header row and the field of each column: the sheet's columns in any order, each
    spelled by one of its aliases, sometimes one dropped, doubled, or unknown columns mixed in."""
    schema = SCHEMAS[sheet]
    fields = draw(st.permutations(list(schema)))
    fields = [field for field in fields if field in REQUIRED[sheet] or draw(st.booleans())]
    if fields and draw(st.integers(0, 9)) == 0:
        fields.remove(draw(st.sampled_from(fields)))  # a required column may go missing
    if fields and draw(st.integers(0, 5)) == 0:
        fields.insert(draw(st.integers(0, len(fields))), draw(st.sampled_from(fields)))  # duplicated
    header: list[object] = [draw(_spelled(draw(st.sampled_from(schema[field])))) for field in fields]
    known: list[str | None] = list(fields)
    for _ in range(draw(st.integers(0, 2))):
        at = draw(st.integers(0, len(header)))
        header.insert(at, draw(st.sampled_from(UNKNOWN_HEADERS)))
        known.insert(at, None)
    return header, tuple(known)


def _title_rows() -> st.SearchStrategy[list[list[object]]]:
    """What sits above the header: nothing, blank rows, report titles."""
    title = st.sampled_from(["Unallocated usage", "Report run 2024-03-31 by J. Smith", "ACME Corp", "  "])
    blank_row = st.lists(blanks, max_size=4)
    title_row = st.tuples(title).map(list)
    return st.lists(st.one_of(blank_row, title_row), max_size=3)


# Grids ----------------------------------------------------------------------------------------


@st.composite
def grids(draw, sheet: str = "Usage", max_rows: int = 30) -> Grid:
    """A grid for `sheet` (one of `SCHEMAS`): title rows, a header, ragged data rows."""
    above = draw(_title_rows())
    header, fields = draw(headers(sheet))
    width = len(header)
    row = st.lists(cells, min_size=max(width - 2, 0), max_size=width + 2)
    data = draw(st.lists(row, max_size=max_rows))
    rows = above + [header] + data
    header_index = next((i for i, row in enumerate(rows) if not is_blank_row(row)), None)
    return Grid(rows, header_index, len(above), fields)
