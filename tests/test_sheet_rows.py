"""A sheet's rows give the same bytes whichever way they are written: a run of rows of
the same types column by column (`_RunTemplate`), or cell by cell (the general way)."""

from __future__ import annotations

import datetime as dt
import enum
import re
import sys
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbook.xlsx import sheetxml

STYLES = sheetxml.CellStyles(columns=(5, 0, 7, 0, 6, 6), general=(False, True, False, True, False, False),
                             date=8, datetime=9)
MARKUP = sheetxml._CellMarkup.of(STYLES)


class Level(enum.IntEnum):
    LOW = 1


class Tag(str):
    pass


def cell_by_cell(first: int, rows: list) -> str:
    encode, out = sheetxml._cell_by_cell_encoder(MARKUP, [], 0), []
    for number, values in enumerate(rows, first):
        encode(number, values, out)
    return "".join(out)


def by_runs(first: int, rows: list) -> str:
    return sheetxml._rows_encoder(STYLES)(first, rows)


TRACE_ROW = (3, "give_back", "SKU-00012", "PO-778", "Usage!C14", "L12", Decimal("-124.5"), Decimal("17"), Decimal("0"))

ODD_VALUES = [
    "", "plain", "two words", " lead", "trail ", "\tlead", "trail\n", "a\u00a0b", "\u2028", "a&b", "<tag>",
    "x > y", "_x0041_", "_x00e9_", "tax_x", "_x", "ctrl\x01", "nul\x00", "\x1f", "\ud800", "\ufffe", "\uffff",
    "Müller", "日本", "%s", "%", "|", "| x", "x |", "a | b", "x" * 40_000, "&" * 40_000, "=1+1",
    "x" * 20_000, "x" * 32_767, "x" * 32_768, "é" * 20_000, "&" * 20_000, "\U0001F600" * 16_384,
    0, -7, 10**308, 10**400, -(10**400), 2**1023, 1.5, -0.0, 1e300, float("inf"), float("-inf"), float("nan"),
    Decimal("12.5"), Decimal("-0"), Decimal("0E-7"), Decimal("1E+3"), Decimal("1E+307"), Decimal("9.99E+307"),
    Decimal("1E+308"), Decimal("1E-400"), Decimal("NaN"), Decimal("-sNaN"), Decimal("Infinity"), Decimal("-Infinity"),
    Decimal("9" * 308), Decimal("1" + "0" * 308), Decimal("-1" + "0" * 308 + ".5"), Decimal("0E+400"), Decimal("-0E-9"),
    True, False, dt.date(2024, 1, 1), dt.date(1900, 2, 28), dt.date(1850, 1, 1), dt.datetime(2024, 1, 1, 18),
    Level.LOW, Tag("tag"), Tag(" tag"), None,
]


@pytest.mark.parametrize("value", ODD_VALUES, ids=repr)
def test_a_value_in_a_run_is_written_as_cell_by_cell(value):
    rows = [("SKU-1", value, Decimal("1"), None, 4, "end")] * 3
    assert by_runs(2, rows) == cell_by_cell(2, rows)


@pytest.mark.parametrize("value", ODD_VALUES, ids=repr)
def test_a_value_among_plain_rows_is_written_as_cell_by_cell(value):
    rows = [("SKU-1", "x", Decimal("1"), 2, 3.5, "end")] * 2 + [("SKU-2", value, Decimal("1"), 2, 3.5, "end")]
    assert by_runs(7, rows) == cell_by_cell(7, rows)


def test_rows_of_different_lengths_and_types_keep_their_order():
    rows = [TRACE_ROW[:6], TRACE_ROW[:6], ("a",), (), (None, None), ("b", 1), ("b", 1), (1, "b"), TRACE_ROW[:6]]
    assert by_runs(2, rows) == cell_by_cell(2, rows)


def test_plain_and_escaped_rows_are_written_column_by_column():
    template = sheetxml._RunTemplate.of(sheetxml._kinds(TRACE_ROW[:6]), MARKUP)
    for rows in ([TRACE_ROW[:6]] * 2, [TRACE_ROW[:5] + ("Nuts & <Bolts>",), TRACE_ROW[:6]]):
        assert template.fill(2, rows) == cell_by_cell(2, rows)
    assert template.fill(2, [TRACE_ROW[:5] + ("_x0041_",)]) is None


def test_a_row_longer_than_the_sheet_is_refused():
    with pytest.raises(ValueError, match="row 3 has 7 values for 6 columns"):
        by_runs(2, [TRACE_ROW[:6], TRACE_ROW[:7]])


def test_what_plain_text_rules_out_covers_every_code_point():
    """`_plain_texts` leans on `str.isprintable` for the characters XML cannot carry and
    for every white space but the space."""
    not_xml = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        if not_xml.match(char) or (re.match(r"\s", char) and char != " "):
            assert not char.isprintable(), hex(code)


texts = st.one_of(
    st.text(st.sampled_from("ab _x0123456789Ff&<>|\t\n\x01\u00a0é"), max_size=12),
    st.text(max_size=6),
    st.sampled_from([s for s in ODD_VALUES if isinstance(s, str) and len(s) < 100]),
)
values = st.one_of(
    st.none(), texts, st.integers(), st.floats(), st.decimals(), st.booleans(),
    st.dates(min_value=dt.date(1800, 1, 1)), st.datetimes(min_value=dt.datetime(1800, 1, 1)),
    st.sampled_from([Level.LOW, Tag("t"), 10**400, Decimal("1E+308")]),
)
rows = st.lists(values, max_size=6).map(tuple)
runs = st.lists(st.tuples(rows, st.integers(1, 4)), max_size=8)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(runs, st.integers(1, 1_000_000))
def test_any_rows_come_out_as_cell_by_cell(runs, first):
    table = [row for row, repeat in runs for _ in range(repeat)]
    assert by_runs(first, table) == cell_by_cell(first, table)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(texts, texts, st.integers(-10**6, 10**6), st.decimals(allow_nan=False)), min_size=1, max_size=6))
def test_runs_of_one_shape_come_out_as_cell_by_cell(table):
    assert by_runs(2, table) == cell_by_cell(2, table)


@pytest.mark.parametrize("text", ["x" * 40_000, "&" * 40_000, " y" * 20_000], ids=["plain", "escaped", "spaced"])
def test_text_longer_than_a_cell_holds_is_cut_either_way(text):
    """Excel refuses a file whose cell holds more than 32,767 characters (a reference or a
    message quoting a long cell could): both ways cut the text at that limit."""
    rows = [("SKU-1", text, Decimal("1"), None, 4, "end")] * 3
    written = by_runs(2, rows)
    assert written == cell_by_cell(2, rows)
    cells = re.findall(r"<t(?: xml:space=\"preserve\")?>([^<]*)</t>", written)
    longest = max(len(cell.replace("&amp;", "&")) for cell in cells)
    assert longest == sheetxml.MAX_TEXT
