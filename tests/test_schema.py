"""Input schemas: sheet and header names, aliases, where the header is."""

import pytest

from core.problems import Code
from workbook.sheets.schema import (
    COUNTS,
    LOTS,
    SETTINGS,
    USAGE,
    cell_address,
    column_letter,
    find_header,
    find_sheet,
    numbered,
)


@pytest.mark.parametrize(
    "schema, header, key",
    [
        (USAGE, "Product", "product"),
        (USAGE, "item", "product"),
        (USAGE, " CODE ", "product"),
        (USAGE, "Sku", "product"),
        (USAGE, "Quantity", "quantity"),
        (USAGE, "QTY", "quantity"),
        (USAGE, "date", "date"),
        (USAGE, "Ref", "reference"),
        (USAGE, "Document", "reference"),
        (USAGE, "unit  cost", "unit_cost"),
        (USAGE, "Cost", "unit_cost"),
        (LOTS, "Lot ID", "lot"),
        (LOTS, "lot", "lot"),
        (LOTS, "Used", "used"),
        (COUNTS, "System Balance", "balance"),
        (COUNTS, "Count", "counted"),
        (COUNTS, "counted", "counted"),
        (SETTINGS, "setting", "setting"),
        (USAGE, "Notes", None),
        (USAGE, None, None),
        (USAGE, 17, None),
    ],
)
def test_headers_match_names_and_aliases_in_any_case(schema, header, key):
    assert schema.key_for(header) == key


@pytest.mark.parametrize(
    "names, found",
    [
        (["Usage"], "Usage"),
        (["Notes", " usage "], " usage "),
        (["USAGE"], "USAGE"),
        (["Usages", "Use"], None),
    ],
)
def test_sheets_are_found_whatever_their_case_and_blanks(names, found):
    assert find_sheet(names, USAGE) == found


def header_of(rows, schema=USAGE):
    return find_header(schema, "Usage", numbered(rows))


def test_the_header_is_the_first_row_naming_a_column_below_title_rows():
    rows = iter(numbered([("March usage",), (), (None, "Qty", "Item", "Remarks"), ("A", 1)]))
    header = find_header(USAGE, "Usage", rows)
    assert (header.row, header.columns) == (3, {"quantity": 1, "product": 2})
    assert list(rows) == [(4, ("A", 1))]


def test_unknown_columns_are_ignored():
    assert header_of([("Product", "Remarks", "Quantity")]).columns == {"product": 0, "quantity": 2}


def test_a_column_named_twice_is_reported_and_its_first_cell_read():
    header = header_of([("Product", "Qty", "Quantity")])
    assert header.columns == {"product": 0, "quantity": 1}
    assert [(p.code, p.cell) for p in header.problems] == [(Code.HEADER_DUPLICATE, "Usage!C1")]


@pytest.mark.parametrize(
    "rows, missing",
    [
        ([("Product", "Quantity")], []),
        ([("Product", "Date")], ["quantity"]),
        ([("Qty",)], ["product"]),
        ([("no", "header", "here")], ["product", "quantity"]),
    ],
)
def test_missing_required_columns(rows, missing):
    assert [f.key for f in header_of(rows).missing(USAGE)] == missing


def test_a_blank_sheet_has_no_header():
    assert header_of([(), (None, "  ")]) is None


@pytest.mark.parametrize("index, letters", [(0, "A"), (25, "Z"), (26, "AA"), (701, "ZZ"), (702, "AAA")])
def test_column_letters(index, letters):
    assert column_letter(index) == letters


@pytest.mark.parametrize(
    "sheet, address", [("Usage", "Usage!D17"), ("My usage", "'My usage'!D17"), ("Bob's", "'Bob''s'!D17")]
)
def test_cell_addresses_quote_sheet_names_when_needed(sheet, address):
    assert cell_address(sheet, 17, 3) == address
