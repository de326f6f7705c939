"""The quick path for common Usage rows (`workbook.sheets.quick`) gives exactly the records and
problems of reading every row cell by cell: it only ever declines a row, never judges one."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from decimal import Decimal
from typing import Iterator

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.models import Usage
from fuzz_grids import grids
from workbook.seam import UNCALCULATED
from workbook.sheets import inputs
from workbook.sheets.quick import QuickUsage
from workbook.sheets.schema import USAGE, find_header, numbered

HEADER = ["Product", "Quantity", "Date", "Reference", "Unit Cost"]
# Values that meet in the quick path's caches: 1, 1.0 and True hash alike; -0.0 is 0;
# a date and the same datetime differ; text with blanks, errors and '#' inside.
TRICKY = st.sampled_from([
    None, "", "  ", "A", " A ", "#N/A", " #DIV/0! ", "INV#1", "B-7", "1001", 1, 1.0, True, False, 0, -0.0,
    0.0000001, 2.5, -3, 1e300, float("nan"), float("inf"), 45_000, 45_000.5, 60, Decimal("4"),
    dt.date(2026, 3, 31), dt.datetime(2026, 3, 31), dt.datetime(2026, 3, 31, 8), "2026-03-31", "x" * 32_768,
    " 2026-04-01 ", "2026-02-30", 1e15, 10**15, 1001.0, "12", " -3.5 ", "1e300", "NaN", "0", "0.0000001", "1_000",
    # one instant in two zones: equal and hashed alike, yet on different dates
    dt.datetime(2026, 3, 31, 23, tzinfo=dt.timezone.utc),
    dt.datetime(2026, 4, 1, 0, tzinfo=dt.timezone(dt.timedelta(hours=1))),
    # typed as accountants type them (`typed`), and a formula saved without its result
    "(20)", "(1,234.50)", "1,234", "1,234,567", "12,5", "$2.50", "2.50 €", "EUR 2.50", "($2.50)", "03/01/2026",
    "31/03/2026", "1 Mar 2026", "Mar 1, 2026", "03/01/26", UNCALCULATED,
])
COMMON = st.one_of(st.sampled_from(["A", "B", " C"]), st.integers(-5, 5), st.sampled_from([0.5, 7.25]),
                   st.sampled_from([dt.date(2026, 1, 2), dt.datetime(2026, 1, 2)]), st.none())
ROWS = st.lists(st.lists(st.one_of(TRICKY, COMMON), min_size=0, max_size=6), max_size=40)
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def both_ways(rows: list[list]) -> tuple[inputs.Records, inputs.Records]:
    def read(quick: bool) -> inputs.Records:
        numbered_rows = numbered(rows)
        header = find_header(USAGE, "Usage", numbered_rows)
        return inputs.read_usage(header, numbered_rows, quick=quick)

    return read(True), read(False)


def same(quick: inputs.Records, full: inputs.Records) -> None:
    assert [r._asdict() for r in quick.records] == [r._asdict() for r in full.records]
    assert list(map(repr, quick.records)) == list(map(repr, full.records))  # 1.0 written as 1.0, not 1
    assert [type(r.quantity) for r in quick.records] == [Decimal] * len(quick.records)
    assert quick.problems == full.problems
    assert list(quick.products) == list(full.products)


@SETTINGS
@given(ROWS)
def test_quick_path_reads_as_the_cell_by_cell_path(data_rows):
    same(*both_ways([HEADER, *data_rows]))


@contextmanager
def chunks_of(rows: int) -> Iterator[None]:
    """The quick path reads `rows` rows at a time (`inputs.CHUNK`)."""
    before, inputs.CHUNK = inputs.CHUNK, rows
    try:
        yield
    finally:
        inputs.CHUNK = before


COMMON_ROWS = st.lists(st.tuples(st.sampled_from(["A", "B", " C", 7, 7.0]),
                                 st.sampled_from([1, 1.0, 2.5, "1.50", "3", -4, "-4.0", "(2)"]),
                                 st.sampled_from([dt.date(2026, 1, 2), dt.datetime(2026, 1, 2, 8), 46_000, None,
                                                  "2026-01-03", "3/1/2026"]),
                                 st.sampled_from(["INV-1", " INV-2 ", None, 1001, 1001.5, "#7"]),
                                 st.sampled_from([None, 2.5, 2.50, "2.50", 3, "$1.00"])).map(list),
                       max_size=30)


@SETTINGS
@given(ROWS, st.integers(1, 5))
def test_quick_path_a_chunk_at_a_time(data_rows, chunk):
    with chunks_of(chunk):
        same(*both_ways([HEADER, *data_rows]))


@SETTINGS
@given(COMMON_ROWS, st.integers(1, 7))
def test_common_rows_a_chunk_at_a_time(data_rows, chunk):
    """Chunks of common rows are read a column at a time, and values first met are
    shared in the rows' order: "1.50" then 1.5 is 1.50 twice, as cell by cell."""
    with chunks_of(chunk):
        same(*both_ways([HEADER, *data_rows]))


def test_a_chunk_of_common_rows_is_read_a_column_at_a_time():
    rows = [["A", 3.0, dt.date(2026, 3, 1), "INV-1", 2.5], ["B", "1.50", None, 1001.0, None], ["A", 1.5, 46_000, None, "2"]]
    numbered_rows = numbered([HEADER])
    header = find_header(USAGE, "Usage", numbered_rows)
    records = QuickUsage(header, inputs.Shared()).batch([2, 3, 4], rows)
    assert [(r.product, r.quantity, r.date, r.reference, r.unit_cost, r.source) for r in records] == [
        ("A", 3, dt.date(2026, 3, 1), "INV-1", Decimal("2.5"), "Usage!B2"),
        ("B", Decimal("1.5"), None, "1001", None, "Usage!B3"),
        ("A", Decimal("1.5"), dt.date(2025, 12, 9), "", Decimal(2), "Usage!B4"),
    ]
    one_by_one = QuickUsage(header, inputs.Shared())
    assert list(map(repr, records)) == [repr(one_by_one(number, row)) for number, row in zip([2, 3, 4], rows)]
    assert QuickUsage(header, inputs.Shared()).batch([2], [["A", True, None, None, None]]) is None  # a bool: not a quantity


@SETTINGS
@given(st.data())
def test_quick_path_on_fuzzed_grids(data):
    grid = data.draw(grids("Usage"))
    rows = numbered(grid.rows)
    header = find_header(USAGE, "Usage", rows)
    if header is None or header.missing(USAGE):
        return
    same(*both_ways(grid.rows))


def test_common_rows_take_the_quick_path():
    rows = [HEADER, ["A", 3.0, dt.datetime(2026, 3, 1), "INV-1", 2.5], ["A", -3, None, None, None]]
    numbered_rows = numbered(rows)
    header = find_header(USAGE, "Usage", numbered_rows)
    quick = QuickUsage(header, inputs.Shared())
    first, second = (quick(number, row) for number, row in numbered_rows)
    assert first == Usage(product="A", quantity=Decimal(3), date=dt.date(2026, 3, 1), reference="INV-1",
                          unit_cost=Decimal("2.5"), row=2, source="Usage!B2")
    assert second == Usage(product="A", quantity=Decimal(-3), row=3, source="Usage!B3")


def test_document_numbers_iso_dates_and_numeric_text_take_the_quick_path():
    """ERP exports often store the reference as a number, the date as ISO text and
    quantities or costs as text."""
    rows = [HEADER, ["A", 3, "2026-03-01", 1001.0, None], ["A", " 2 ", " 2026-03-02", 1002, "1.50"]]
    numbered_rows = numbered(rows)
    header = find_header(USAGE, "Usage", numbered_rows)
    quick = QuickUsage(header, inputs.Shared())
    first, second = (quick(number, row) for number, row in numbered_rows)
    assert (first.reference, first.date) == ("1001", dt.date(2026, 3, 1))
    assert (second.quantity, second.reference, second.date, second.unit_cost) == (
        Decimal(2), "1002", dt.date(2026, 3, 2), Decimal("1.5"))


def test_rows_the_quick_path_declines():
    rows = [HEADER, ["A", True], ["A", "three"], ["#N/A", 1], ["A", " "], ["A", "#N/A"], ["A", 0],
            ["A", 1, "#N/A"], ["A", 1, None, "#REF!"], ["A", 1, None, None, -1], ["A"], [" ", 1],
            ["A", 1, dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)], ["A", 1, None, True],
            ["A", "1,234"], ["A", 1, "03/01/2026"], ["A", 1, None, None, "($2.50)"], [UNCALCULATED, 1],
            ["A", UNCALCULATED], ["A", 1, UNCALCULATED], ["A", 1, None, UNCALCULATED], ["A", 1, None, None, UNCALCULATED]]
    numbered_rows = numbered(rows)
    header = find_header(USAGE, "Usage", numbered_rows)
    quick = QuickUsage(header, inputs.Shared())
    assert [quick(number, row) for number, row in numbered_rows] == [None] * (len(rows) - 1)


def test_typed_spellings_take_the_quick_path():
    rows = [HEADER, ["A", "(20)", "1 Mar 2026", "R", "$2.50"], ["A", "1,234.5", "31/03/2026", "R", "2.50 EUR"]]
    numbered_rows = numbered(rows)
    header = find_header(USAGE, "Usage", numbered_rows)
    quick = QuickUsage(header, inputs.Shared())
    first, second = (quick(number, row) for number, row in numbered_rows)
    assert (first.quantity, first.date, first.unit_cost) == (Decimal(-20), dt.date(2026, 3, 1), Decimal("2.5"))
    assert (second.quantity, second.date, second.unit_cost) == (Decimal("1234.5"), dt.date(2026, 3, 31), Decimal("2.5"))


def test_checked_usage_is_the_record_usage_validates():
    """`Usage.checked` makes the record `Usage(...)` makes, without checking it again."""
    values = dict(product="A", quantity=Decimal(3), date=dt.date(2026, 3, 1), reference="R", unit_cost=None,
                  row=2, source="Usage!B2")
    fast, validated = Usage.checked(**values), Usage(**values)
    assert type(fast) is type(validated) is Usage and fast == validated and hash(fast) == hash(validated)
    assert fast._asdict() == values
    assert fast._replace(row=3).row == 3 and fast.row == 2
