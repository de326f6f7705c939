"""Input as typed (issue 10): numbers and dates typed as text are read where only one
reading exists; text that could be read two ways is a problem whose message says how to
type it (`workbook.sheets.typed`)."""

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
        ("(1,234.50)", D("-1234.5")),
        ("1,234.50", D("1234.5")),
        ("-1,234.5", D("-1234.5")),
        ("1,234,567", D(1234567)),
        ("\u00a0(20)\u00a0", D(-20)),
    ],
)
def test_quantities_typed_as_an_accountant_writes_them(typed, expected):
    assert read(cells.usage_quantity, typed) == expected


@pytest.mark.parametrize(
    "typed, offered",
    [
        ("1,234", ["1234", "1.234"]),
        ("(1,234)", ["-1234", "-1.234"]),
        ("-12,500", ["-12500", "-12.500"]),
        ("12,5", ["12.5"]),
        ("1.234,5", ["1234.5"]),
        ("1.234.567", ["1234567"]),
        ("(-20)", ["(20)", "-20"]),
        ("-(20)", []),
        ("20-", []),
        ("1 234", []),
        ("$5", []),  # money is not a quantity
        ("1,23,4", []),
        ("()", []),
    ],
)
def test_quantities_that_could_be_read_two_ways_say_how_to_type_them(typed, offered):
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
        ("$1,234", Code.COST_INVALID),  # pesos write 1.234,50 with a $ too
        ("US$ 3", D(3)),
        ("EUR 2.50", D("2.5")),
        ("2.50 EUR", D("2.5")),
        ("USD2.50", D("2.5")),
        (" $ 2.50 ", D("2.5")),
        ("$1,234.50", D("1234.5")),
        ("$0", D(0)),
        ("€ 1,234", Code.COST_INVALID),  # 1234 or 1.234?
        ("2,50 €", Code.COST_INVALID),
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
        (cells.lot_quantity, "1,500", Code.QUANTITY_NOT_A_NUMBER),
        (cells.lot_used, "1,250.5", D("1250.5")),
        (cells.lot_used, "(1)", Code.LOT_USED_INVALID),
        (cells.lot_used, "2,5", Code.LOT_USED_INVALID),
        (inputs._counted, "(20)", D(-20)),  # read; the row check refuses a negative count
        (inputs._balance, "(1,234.50)", D("-1234.5")),
        (inputs._balance, "1.234", D("1.234")),  # a decimal point, as always
        (inputs._balance, "1,234", Code.COUNT_INVALID),
    ],
)
def test_lot_and_count_cells_read_typed_numbers_alike(parse, typed, expected):
    result = read(parse, typed)
    assert (result[0] if isinstance(result, tuple) else result) == expected


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("2026-03-01", dt.date(2026, 3, 1)),
        ("2026-03-01 08:00", dt.date(2026, 3, 1)),
        ("31/03/2026", dt.date(2026, 3, 31)),
        ("03/31/2026", dt.date(2026, 3, 31)),
        ("31.03.2026", dt.date(2026, 3, 31)),
        ("03/03/2026", dt.date(2026, 3, 3)),
        ("13-01-2026", dt.date(2026, 1, 13)),
        ("2026/03/01", dt.date(2026, 3, 1)),
        ("2026-3-1", dt.date(2026, 3, 1)),
        ("1 Mar 2026", dt.date(2026, 3, 1)),
        ("01-Mar-2026", dt.date(2026, 3, 1)),
        ("1 March 2026", dt.date(2026, 3, 1)),
        ("Mar 1, 2026", dt.date(2026, 3, 1)),
        ("March 1st, 2026", dt.date(2026, 3, 1)),
        ("SEPT 30 2026", dt.date(2026, 9, 30)),
        ("1 Mar 2026 08:00", dt.date(2026, 3, 1)),
        ("31/03/2026 8:00 PM", dt.date(2026, 3, 31)),
        ("03/01/2026", Code.DATE_INVALID),  # 3 January or 1 March?
        ("03/01/26", Code.DATE_INVALID),  # a two-digit year
        ("1 Mar", Code.DATE_INVALID),
        ("31/02/2026", Code.DATE_INVALID),
        ("13/13/2026", Code.DATE_INVALID),
        ("00/01/2026", Code.DATE_INVALID),
        ("1 Ma 2026", Code.DATE_INVALID),
        ("1 Marz 2026", Code.DATE_INVALID),
        ("Mayday 1 2026", Code.DATE_INVALID),
    ],
)
def test_dates_typed_as_text_are_read_when_only_one_date_fits(typed, expected):
    result = read(cells.date, typed)
    assert (result[0] if isinstance(result, tuple) else result) == expected


def test_an_ambiguous_date_offers_both_dates_in_iso():
    code, message = read(cells.date, "03/01/2026")
    assert code == Code.DATE_INVALID
    assert all(spelling in message for spelling in ("3 January", "1 March", "2026-01-03", "2026-03-01"))


def codec_problems(codec, schema, header, row, sheet):
    rows = numbered([header, row])
    found = codec(find_header(schema, sheet, rows), rows)
    return [(p.cell, p.code) for p in found.problems], found.records


@pytest.mark.parametrize(
    "codec, schema, header, row, sheet, problems",
    [
        (inputs.read_usage, USAGE, USAGE_HEADER, ("A", "(20)", "1 Mar 2026", "R1", "$2.50"), "Usage", []),
        (inputs.read_usage, USAGE, USAGE_HEADER, ("A", "1,234", "03/01/2026", "R1", "2,50"), "Usage",
         [("Usage!B2", Code.QUANTITY_NOT_A_NUMBER), ("Usage!C2", Code.DATE_INVALID), ("Usage!E2", Code.COST_INVALID)]),
        (inputs.read_lots, LOTS, LOTS_HEADER, ("A", "L1", "1,000.5", "(1)", "Mar 1, 2026", "€3"), "Lots",
         [("Lots!D2", Code.LOT_USED_INVALID)]),
        (inputs.read_counts, COUNTS, COUNTS_HEADER, ("A", "(20)", "1,050.5"), "Counts", []),
    ],
)
def test_typed_cells_through_the_sheet_codecs(codec, schema, header, row, sheet, problems):
    assert codec_problems(codec, schema, header, row, sheet)[0] == problems


def test_a_typed_usage_row_becomes_the_record_of_its_values():
    _, (record,) = codec_problems(inputs.read_usage, USAGE, USAGE_HEADER,
                                  ("A", "(1,234.50)", "Mar 1, 2026", "R1", "$2.50"), "Usage")
    assert (record.quantity, record.date, record.unit_cost) == (D("-1234.5"), dt.date(2026, 3, 1), D("2.5"))
