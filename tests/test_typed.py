"""Input as typed (issues 10 and 18): numbers and dates typed as text are read as the
accountant meant them: commas between groups of three digits, dates in the Settings
`date_order`. Text that could be two numbers is a problem whose message says how to type
it; a date that could be two dates without a date_order is read month first with a
warning (`workbook.sheets.typed`)."""

import datetime as dt
from decimal import Decimal as D

import pytest

from core.problems import Code
from workbook.sheets import cells, inputs
from workbook.sheets.schema import COUNTS, LOTS, USAGE, find_header, numbered
from workbooks import COUNTS_HEADER, LOTS_HEADER, USAGE_HEADER


def read(parse, value):
    """The value read, or (code, the spellings the message offers) for a refusal."""
    result = parse(value)
    return (result.code, result.message) if isinstance(result, cells.Fault) else result


@pytest.mark.parametrize(
    "typed, expected",
    [
        (" 20 ", D(20)),
        ("(20)", D(-20)),
        ("( 20 )", D(-20)),
        ("(2.5)", D("-2.5")),
        ("1,234", D(1234)),
        ("(1,234)", D(-1234)),
        ("-12,500", D(-12500)),
        ("+1,000", D(1000)),
        ("1,234.50", D("1234.5")),
        ("(1,234.50)", D("-1234.5")),
        ("-1,234.5", D("-1234.5")),
        ("1,234,567", D(1234567)),
        ("999,999,999,999.5", D("999999999999.5")),
        ("\u00a0(20)\u00a0", D(-20)),
    ],
)
def test_quantities_typed_as_an_accountant_writes_them(typed, expected):
    assert read(cells.usage_quantity, typed) == expected


@pytest.mark.parametrize(
    "typed, offered",
    [
        ("1,23", ["1.23"]),  # a decimal comma, or a slip: commas group threes
        ("1,2345", ["1.2345"]),
        ("12,5", ["12.5"]),
        ("1.234,5", ["1234.5"]),
        ("1.234.567", ["1234567"]),
        ("12,34,567", ["1234567", "1,234,567"]),  # grouped in lakhs
        ("(12,34,567)", ["-1234567"]),
        ("1,23,4", ["1234"]),
        ("1,234,56", ["123456"]),
        ("(-20)", ["(20)", "-20"]),
        ("-(20)", []),
        ("20-", []),
        ("1 234", []),
        ("$5", []),  # money is not a quantity
        ("()", []),
        (",123", []),
        ("1,,234", []),
    ],
)
def test_quantities_whose_separators_are_not_thousands_say_how_to_type_them(typed, offered):
    code, message = read(cells.usage_quantity, typed)
    assert code == Code.QUANTITY_NOT_A_NUMBER and f"'{typed}'" in message
    assert all(f" {spelling}" in message for spelling in offered), message


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("$2.50", D("2.5")),
        ("2.50 €", D("2.5")),
        ("£3", D(3)),
        ("¥1,200,000", D(1200000)),
        ("$1,234", D(1234)),
        ("US$ 3", D(3)),
        ("EUR 2.50", D("2.5")),
        ("2.50 EUR", D("2.5")),
        ("USD2.50", D("2.5")),
        (" $ 2.50 ", D("2.5")),
        ("$1,234.50", D("1234.5")),
        ("$0", D(0)),
        ("€ 1,234", D(1234)),  # commas group thousands, whatever the currency
        ("2,50 €", Code.COST_INVALID),
        ("1.234,50 €", Code.COST_INVALID),
        ("($2.50)", Code.COST_INVALID),  # a negative cost
        ("-$2.50", Code.COST_INVALID),
        ("$", Code.COST_INVALID),
        ("$2.50 USD", Code.COST_INVALID),  # one mark, not two
        ("eur 2.50", Code.COST_INVALID),
    ],
)
def test_a_costs_currency_sign_or_code_is_ignored(typed, expected):
    result = read(cells.cost, typed)
    assert (result[0] if isinstance(result, tuple) else result) == expected


@pytest.mark.parametrize(
    "parse, typed, expected",
    [
        (cells.lot_quantity, "(5)", Code.LOT_QUANTITY_NOT_POSITIVE),
        (cells.lot_quantity, "1,500.25", D("1500.25")),
        (cells.lot_quantity, "1,500", D(1500)),
        (cells.lot_quantity, "15,00", Code.QUANTITY_NOT_A_NUMBER),
        (cells.lot_used, "1,250.5", D("1250.5")),
        (cells.lot_used, "(1)", Code.LOT_USED_INVALID),
        (cells.lot_used, "2,5", Code.LOT_USED_INVALID),
        (inputs._counted, "(20)", D(-20)),  # read; the row check refuses a negative count
        (inputs._balance, "(1,234.50)", D("-1234.5")),
        (inputs._balance, "1.234", D("1.234")),  # a decimal point, as always
        (inputs._balance, "1,234", D(1234)),
        (inputs._counted, "(1,234)", D(-1234)),
        (inputs._balance, "1,23", Code.COUNT_INVALID),
    ],
)
def test_lot_and_count_cells_read_typed_numbers_alike(parse, typed, expected):
    result = read(parse, typed)
    assert (result[0] if isinstance(result, tuple) else result) == expected


WARNED = "warned"  # read, with a date_ambiguous warning


def read_date(typed, order):
    """The date read, (date, WARNED) when read with a warning, or the refusal's code."""
    result = cells.dates(order)(typed)
    if isinstance(result, cells.Assumed):
        assert (result.warning.code, result.warning.severity) == (Code.DATE_AMBIGUOUS, "warning")
        return result.value, WARNED
    return result.code if isinstance(result, cells.Fault) else result


MARCH_4, APRIL_3 = dt.date(2026, 3, 4), dt.date(2026, 4, 3)


@pytest.mark.parametrize(
    "typed, order, expected",
    [
        ("2026-03-01", None, dt.date(2026, 3, 1)),
        ("2026-03-01 08:00", None, dt.date(2026, 3, 1)),
        ("31/03/2026", None, dt.date(2026, 3, 31)),
        ("03/31/2026", None, dt.date(2026, 3, 31)),
        ("31.03.2026", None, dt.date(2026, 3, 31)),
        ("03/03/2026", None, dt.date(2026, 3, 3)),
        ("13-01-2026", None, dt.date(2026, 1, 13)),
        ("2026/03/01", None, dt.date(2026, 3, 1)),
        ("2026-3-1", None, dt.date(2026, 3, 1)),
        ("1 Mar 2026", None, dt.date(2026, 3, 1)),
        ("01-Mar-2026", None, dt.date(2026, 3, 1)),
        ("1 March 2026", None, dt.date(2026, 3, 1)),
        ("Mar 1, 2026", None, dt.date(2026, 3, 1)),
        ("March 1st, 2026", None, dt.date(2026, 3, 1)),
        ("SEPT 30 2026", None, dt.date(2026, 9, 30)),
        ("1 Mar 2026 08:00", None, dt.date(2026, 3, 1)),
        ("31/03/2026 8:00 PM", None, dt.date(2026, 3, 31)),
        # two dates fit: date_order says which; without one, month first and a warning
        ("03/04/2026", None, (MARCH_4, WARNED)),
        ("03/04/2026", "mdy", MARCH_4),
        ("03/04/2026", "dmy", APRIL_3),
        ("03/04/2026", "ymd", (MARCH_4, WARNED)),  # ymd says nothing of a year-last date
        ("03.04.2026 08:00", "dmy", APRIL_3),
        ("3-4-2026", "dmy", APRIL_3),
        # one date fits: read whatever the order says
        ("31/03/2026", "mdy", dt.date(2026, 3, 31)),
        ("03/31/2026", "dmy", dt.date(2026, 3, 31)),
        ("2026/03/04", "dmy", MARCH_4),  # year first is year-month-day
        ("2026/04/03", "mdy", APRIL_3),
        ("4 Mar 2026", "dmy", MARCH_4),
        (46085, "dmy", MARCH_4),  # a serial is a date
        (dt.datetime(2026, 3, 4, 9), "dmy", MARCH_4),
        # not a date
        ("03/01/26", None, Code.DATE_INVALID),  # a two-digit year
        ("03/01/26", "dmy", Code.DATE_INVALID),
        ("1 Mar", None, Code.DATE_INVALID),
        ("31/02/2026", None, Code.DATE_INVALID),
        ("13/13/2026", "dmy", Code.DATE_INVALID),
        ("00/01/2026", None, Code.DATE_INVALID),
        ("2026/31/03", "ymd", Code.DATE_INVALID),
        ("1 Ma 2026", None, Code.DATE_INVALID),
        ("1 Marz 2026", None, Code.DATE_INVALID),
        ("Mayday 1 2026", None, Code.DATE_INVALID),
    ],
)
def test_dates_typed_as_text_follow_the_date_order(typed, order, expected):
    assert read_date(typed, order) == expected


def test_a_date_read_one_of_two_ways_says_what_was_assumed_and_how_to_make_it_certain():
    message = cells.date("03/04/2026").warning.message
    assert all(words in message for words in ("4 March 2026", "3 April 2026", "read as 4 March 2026",
                                               "mdy is the default", "2026-03-04", "date_order"))


def codec_problems(codec, schema, header, row, sheet):
    rows = numbered([header, row])
    found = codec(find_header(schema, sheet, rows), rows)
    return [(p.cell, p.code, p.severity) for p in found.problems], found.records


@pytest.mark.parametrize(
    "codec, schema, header, row, sheet, problems",
    [
        (inputs.read_usage, USAGE, USAGE_HEADER, ("A", "(20)", "1 Mar 2026", "R1", "$2.50"), "Usage", []),
        (inputs.read_usage, USAGE, USAGE_HEADER, ("A", "1,234", "03/01/2026", "R1", "2,50"), "Usage",
         [("Usage!C2", Code.DATE_AMBIGUOUS, "warning"), ("Usage!E2", Code.COST_INVALID, "warning")]),
        (inputs.read_usage, USAGE, USAGE_HEADER, ("A", "1,23", "03/01/2026", "R1", "2,50"), "Usage",
         [("Usage!B2", Code.QUANTITY_NOT_A_NUMBER, "error"), ("Usage!C2", Code.DATE_AMBIGUOUS, "warning"),
          ("Usage!E2", Code.COST_INVALID, "warning")]),
        (inputs.read_lots, LOTS, LOTS_HEADER, ("A", "L1", "1,000.5", "(1)", "Mar 1, 2026", "€3"), "Lots",
         [("Lots!D2", Code.LOT_USED_INVALID, "error")]),
        (inputs.read_lots, LOTS, LOTS_HEADER, ("A", "L1", "1,000", "1,000", "03/01/2026", "€1,000"), "Lots",
         [("Lots!E2", Code.DATE_AMBIGUOUS, "warning")]),
        (inputs.read_counts, COUNTS, COUNTS_HEADER, ("A", "(20)", "1,050.5"), "Counts", []),
    ],
)
def test_typed_cells_through_the_sheet_codecs(codec, schema, header, row, sheet, problems):
    assert codec_problems(codec, schema, header, row, sheet)[0] == problems


@pytest.mark.parametrize(
    "row, expected",
    [
        (("A", "(1,234.50)", "Mar 1, 2026", "R1", "$2.50"), (D("-1234.5"), dt.date(2026, 3, 1), D("2.5"))),
        (("A", "1,234", "03/01/2026", "R1", "2,50"), (D(1234), dt.date(2026, 3, 1), None)),
    ],
)
def test_a_typed_usage_row_becomes_the_record_of_its_values(row, expected):
    _, (record,) = codec_problems(inputs.read_usage, USAGE, USAGE_HEADER, row, "Usage")
    assert (record.quantity, record.date, record.unit_cost) == expected


@pytest.mark.parametrize(
    "order, problems, date",
    [(None, [("Usage!C2", Code.DATE_AMBIGUOUS, "warning")], MARCH_4), ("mdy", [], MARCH_4), ("dmy", [], APRIL_3)],
)
def test_the_usage_codec_reads_dates_in_the_date_order_on_both_paths(order, problems, date):
    for quick in (True, False):
        rows = numbered([USAGE_HEADER, ("A", 5, "03/04/2026"), ("A", 5, "03/04/2026")])
        found = inputs.read_usage(find_header(USAGE, "Usage", rows), rows, quick=quick, date_order=order)
        assert [(p.cell, p.code, p.severity) for p in found.problems][:1] == problems
        assert [record.date for record in found.records] == [date, date]
