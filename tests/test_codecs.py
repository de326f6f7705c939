"""Codecs: sheet rows into models plus problems naming their cells, and models into
output sheets."""

import datetime as dt
import types
from decimal import Decimal as D

import pytest

from core.models import Policy
from core.problems import Code
from core.whatif import recommend_quantities
from workbook import seam
from workbook.seam import UNCALCULATED, Link
from workbook.sheets import cells, inputs, outputs
from workbook.sheets.schema import COUNTS, LOTS, USAGE, find_header, numbered
from workbook.sheets.settings import policy, read_settings
from workbooks import COUNTS_HEADER, LOTS_HEADER, SEED_NET_ZERO, USAGE_HEADER


def read(codec, schema, header, rows, sheet="Usage"):
    numbered_rows = numbered([header, *rows])
    return codec(find_header(schema, sheet, numbered_rows), numbered_rows)


def usage(*rows):
    return read(inputs.read_usage, USAGE, USAGE_HEADER, rows)


def found(records):
    return [(p.cell, p.code) for p in records.problems]


@pytest.mark.parametrize(
    "row, problems",
    [
        (("A", 5), []),
        (("A", None), [("Usage!B2", Code.QUANTITY_BLANK)]),
        (("A", "  "), [("Usage!B2", Code.QUANTITY_BLANK)]),
        (("A", "five"), [("Usage!B2", Code.QUANTITY_NOT_A_NUMBER)]),
        (("A", 0), [("Usage!B2", Code.QUANTITY_ZERO)]),
        (("A", 0.0000001), [("Usage!B2", Code.QUANTITY_ZERO)]),
        (("A", True), [("Usage!B2", Code.QUANTITY_NOT_A_NUMBER)]),
        (("A", "#DIV/0!"), [("Usage!B2", Code.FORMULA_ERROR)]),
        (("#N/A", 3), [("Usage!A2", Code.FORMULA_ERROR)]),
        ((None, 3), [("Usage!A2", Code.PRODUCT_BLANK)]),
        (("A", 3, "03/01/2026"), [("Usage!C2", Code.DATE_AMBIGUOUS)]),  # a warning: see below
        (("A", 3, None, None, "cheap"), [("Usage!E2", Code.COST_INVALID)]),
        (("A", 3, None, None, -1), [("Usage!E2", Code.COST_INVALID)]),
        ((None, "x", "y"), [("Usage!A2", Code.PRODUCT_BLANK), ("Usage!B2", Code.QUANTITY_NOT_A_NUMBER),
                            ("Usage!C2", Code.DATE_INVALID)]),
    ],
)
def test_usage_cells_are_read_or_reported_with_their_cell(row, problems):
    assert found(usage(row)) == problems


@pytest.mark.parametrize(
    "codec, row, problems, fields",
    [  # an optional field that cannot be read: a warning saying what was taken instead, the row used
        ("usage", ("A", 3, "soon"), [("Usage!C2", Code.DATE_INVALID)], {"date": None}),
        ("usage", ("A", 3, "#REF!"), [("Usage!C2", Code.FORMULA_ERROR)], {"date": None}),
        ("usage", ("A", 3, 60), [("Usage!C2", Code.DATE_INVALID)], {"date": None}),  # Excel's 1900-02-29
        ("usage", ("A", 3, None, "#N/A"), [("Usage!D2", Code.FORMULA_ERROR)], {"reference": ""}),
        ("usage", ("A", 3, None, UNCALCULATED), [("Usage!D2", Code.FORMULA_NOT_CALCULATED)], {"reference": ""}),
        ("usage", ("A", 3, None, None, "cheap"), [("Usage!E2", Code.COST_INVALID)], {"unit_cost": None}),
        ("usage", ("A", 3, None, None, -1), [("Usage!E2", Code.COST_INVALID)], {"unit_cost": None}),
        ("lots", ("A", "#N/A", 5), [("Lots!B2", Code.FORMULA_ERROR)], {"id": "Lots!2"}),
        ("lots", ("A", "L1", 5, 1, "never"), [("Lots!E2", Code.DATE_INVALID)], {"date": None}),
        ("lots", ("A", "L1", 5, 1, None, "free"), [("Lots!F2", Code.COST_INVALID)], {"unit_cost": None}),
    ],
)
def test_an_optional_field_that_cannot_be_read_is_a_warning_and_the_row_is_used(codec, row, problems, fields):
    """(A reference that cannot be read is no reference to find the record by, either.)"""
    records = {"usage": usage, "lots": lots}[codec](row)
    assert [(p.cell, p.code) for p in records.problems] == problems
    assert [p.severity for p in records.problems] == ["warning"]
    assert "taken" in records.problems[0].message  # what was assumed
    assert records.problems[0].reference in (None, "L1")
    (record,) = records.records
    assert {name: getattr(record, name) for name in fields} == fields


@pytest.mark.parametrize(
    "codec, row, problems",
    [  # a required field, or one that changes the answer: an error, the row not used
        ("usage", ("A", "x", "soon"), [("Usage!B2", Code.QUANTITY_NOT_A_NUMBER, "error"),
                                       ("Usage!C2", Code.DATE_INVALID, "warning")]),
        ("usage", ("#N/A", 3, None, None, "cheap"), [("Usage!A2", Code.FORMULA_ERROR, "error"),
                                                     ("Usage!E2", Code.COST_INVALID, "warning")]),
        ("lots", ("A", "L1", 5, "some", "never"), [("Lots!D2", Code.LOT_USED_INVALID, "error"),
                                                   ("Lots!E2", Code.DATE_INVALID, "warning")]),
        ("lots", ("A", "L1", -5), [("Lots!C2", Code.LOT_QUANTITY_NOT_POSITIVE, "error")]),
        ("counts", ("A", None, 20), [("Counts!B2", Code.COUNT_INVALID, "error")]),
        ("counts", ("A", 5, -1), [("Counts!C2", Code.COUNT_INVALID, "error")]),
    ],
)
def test_a_required_field_that_cannot_be_read_is_an_error_and_the_row_is_not_used(codec, row, problems):
    records = {"usage": usage, "lots": lots, "counts": counts}[codec](row)
    assert [(p.cell, p.code, p.severity) for p in records.problems] == problems
    assert records.records == []


def test_a_good_usage_row_becomes_a_usage_record_that_knows_its_cell():
    records = usage((" BOLT-10 ", -20.5, "2026-03-01", 4711, 1.25))
    (record,) = records.records
    assert (record.product, record.quantity, record.date, record.reference, record.unit_cost) == (
        "BOLT-10", D("-20.5"), dt.date(2026, 3, 1), "4711", D("1.25"))
    assert (record.row, record.source) == (2, "Usage!B2")


def test_excel_floats_become_exact_quantities():
    assert usage(("A", 0.1 + 0.2)).records[0].quantity == D("0.3")


def test_rows_blank_in_every_read_column_are_skipped_and_others_reported():
    records = usage(("A", 1), (), (None, None, None, None, None, "a note"), ("A", None))
    assert [r.row for r in records.records] == [2]
    assert found(records) == [("Usage!B5", Code.QUANTITY_BLANK)]
    assert list(records.products) == ["A"]


@pytest.mark.parametrize(
    "value, expected",
    [
        (dt.date(2026, 3, 31), dt.date(2026, 3, 31)),
        (dt.datetime(2026, 3, 31, 17, 45), dt.date(2026, 3, 31)),
        ("2026-03-31", dt.date(2026, 3, 31)),
        (" 2026-03-31T08:00:00 ", dt.date(2026, 3, 31)),
        (46112, dt.date(2026, 3, 31)),
        (46112.75, dt.date(2026, 3, 31)),
        (1, dt.date(1900, 1, 1)),
        (61, dt.date(1900, 3, 1)),
        (60, Code.DATE_INVALID),
        (0, Code.DATE_INVALID),
        (-5, Code.DATE_INVALID),
        ("31/03/2026", dt.date(2026, 3, 31)),
        ("31/02/2026", Code.DATE_INVALID),
        ("soon", Code.DATE_INVALID),
        (dt.time(8, 0), Code.DATE_INVALID),
        (True, Code.DATE_INVALID),
    ],
)
def test_dates_are_real_dates_iso_text_or_excel_serials(value, expected):
    result = cells.date(value)
    assert (result.code if isinstance(result, cells.Fault) else result) == expected


def lots(*rows):
    return read(inputs.read_lots, LOTS, LOTS_HEADER, rows, "Lots")


@pytest.mark.parametrize(
    "row, problems",
    [
        (("A", "L1", 5, 2), []),
        (("A", "L1", 0, 0), [("Lots!C2", Code.LOT_QUANTITY_NOT_POSITIVE)]),
        (("A", "L1", -5, 0), [("Lots!C2", Code.LOT_QUANTITY_NOT_POSITIVE)]),
        (("A", "L1", None, 0), [("Lots!C2", Code.QUANTITY_BLANK)]),
        (("A", "L1", "lots", 0), [("Lots!C2", Code.QUANTITY_NOT_A_NUMBER)]),
        (("A", "L1", 5, 6), [("Lots!D2", Code.LOT_USED_ABOVE_QUANTITY)]),
        (("A", "L1", 5, -1), [("Lots!D2", Code.LOT_USED_INVALID)]),
        (("A", "L1", 5, "some"), [("Lots!D2", Code.LOT_USED_INVALID)]),
        (("A", "L1", 5, 1, "never"), [("Lots!E2", Code.DATE_INVALID)]),
    ],
)
def test_lot_cells_are_read_or_reported_with_their_cell(row, problems):
    assert found(lots(row)) == problems


def test_a_lot_without_id_or_used_is_named_by_its_row_and_unused():
    (lot,) = lots(("A", None, 5)).records
    assert (lot.id, lot.used, lot.quantity) == ("Lots!2", D(0), D(5))


def counts(*rows):
    return read(inputs.read_counts, COUNTS, COUNTS_HEADER, rows, "Counts")


@pytest.mark.parametrize(
    "row, problems",
    [
        (("A", -20, 50), []),
        (("A", 50, -20), [("Counts!C2", Code.COUNT_INVALID)]),
        (("A", -5, -20), [("Counts!C2", Code.COUNT_INVALID)]),
        (("A", None, 20), [("Counts!B2", Code.COUNT_INVALID)]),
        (("A", 50, "twenty"), [("Counts!C2", Code.COUNT_INVALID)]),
        (("A", "#REF!", 3), [("Counts!B2", Code.FORMULA_ERROR)]),
    ],
)
def test_count_cells_are_read_or_reported(row, problems):
    assert found(counts(row)) == problems


def test_assembling_groups_by_product_and_checks_across_rows():
    products = inputs.assemble(
        usage(("A", 5), ("B", -3), ("A", -2), ("C", 1)),
        lots(("A", "L1", 5, 5), ("B", "L1", 3, 3), ("B", "L1", 4, 0), ("Z", "L9", 1, 0)),
        counts(("A", 10, 12), ("A", 10, 12), ("Y", 1, 1)),
    )
    assert [(p.product, len(p.usage), len(p.lots), p.count is not None) for p in products.ready] == [
        ("C", 1, 0, False)
    ]
    assert {product: [(p.cell, p.code) for p in found] for product, found in products.blocked.items()} == {
        "A": [("Counts!A3", Code.COUNT_DUPLICATE)],
        "B": [("Lots!B4", Code.LOT_ID_DUPLICATE)],
    }
    assert [(p.cell, p.code) for p in products.problems if p.product is None] == [
        ("Lots!B5", Code.LOT_UNKNOWN_PRODUCT),
        ("Counts!A4", Code.COUNT_UNKNOWN_PRODUCT),
    ]


def test_a_product_whose_every_row_is_bad_is_still_listed_as_blocked():
    products = inputs.assemble(usage(("A", "x"), ("B", 1)), lots(), counts())
    assert list(products.blocked) == ["A"]
    assert [p.product for p in products.ready] == ["B"]


@pytest.mark.parametrize(
    "row, problems",
    [
        (("A", UNCALCULATED), [("Usage!B2", Code.FORMULA_NOT_CALCULATED)]),
        ((UNCALCULATED, 3), [("Usage!A2", Code.FORMULA_NOT_CALCULATED)]),
        (("A", 3, UNCALCULATED, UNCALCULATED, UNCALCULATED), [("Usage!C2", Code.FORMULA_NOT_CALCULATED),
                                                              ("Usage!D2", Code.FORMULA_NOT_CALCULATED),
                                                              ("Usage!E2", Code.FORMULA_NOT_CALCULATED)]),
        ((None, None, None, UNCALCULATED), [("Usage!A2", Code.PRODUCT_BLANK), ("Usage!B2", Code.QUANTITY_BLANK),
                                            ("Usage!D2", Code.FORMULA_NOT_CALCULATED)]),
        ((None, None, None, None, None, UNCALCULATED), [("Usage!A1", Code.USAGE_EMPTY)]),  # a column giveback does
        # not read: not reported, and the sheet has no usage (a warning of its own)
    ],
)
def test_a_formula_saved_without_its_result_is_reported_not_read_as_blank(row, problems):
    assert found(usage(row)) == problems


def test_formulas_saved_without_their_result_are_reported_on_the_other_sheets():
    assert found(lots(("A", "L1", UNCALCULATED, 1))) == [("Lots!C2", Code.FORMULA_NOT_CALCULATED)]
    assert found(counts(("A", 5, UNCALCULATED))) == [("Counts!C2", Code.FORMULA_NOT_CALCULATED)]
    assert [(p.cell, p.code) for p in settings((UNCALCULATED, 3), ("rule", UNCALCULATED))[1]] == [
        ("Settings!A2", Code.FORMULA_NOT_CALCULATED), ("Settings!B3", Code.FORMULA_NOT_CALCULATED)]


def settings(*rows, header=("Setting", "Value")):
    """The values and the problems the Settings sheet's rows give."""
    return read_settings("Settings", numbered([header, *rows] if header else list(rows)))[:2]


@pytest.mark.parametrize(
    "rows, given, problems",
    [
        ([("rule", "Guide"), ("Lot Order", "LIFO"), ("max_runs", 3.0), ("max_loops", "500")],
         {"rule": "guide", "lot_order": "lifo", "max_runs": 3, "max_loops": 500},
         []),  # not used by the guide: reconcile warns (`test_settings.py`)
        ([("rule", "book")], {"rule": "book"}, []),
        ([("colour", "blue")], {}, [("Settings!A2", Code.SETTING_UNKNOWN)]),
        ([("rule", "quickest")], {}, [("Settings!B2", Code.SETTING_INVALID)]),
        ([("max_runs", 0)], {}, [("Settings!B2", Code.SETTING_INVALID)]),
        ([("max_runs", 2.5)], {}, [("Settings!B2", Code.SETTING_INVALID)]),
        ([("max_runs", None)], {}, []),
        ([("rule", "guide"), ("rule", "fewest")], {"rule": "guide"}, [("Settings!A3", Code.SETTING_INVALID)]),
        ([("rule", "budget")], {}, [("Settings!B2", Code.SETTING_INVALID)]),
        ([("lot_order", "#N/A")], {}, [("Settings!B2", Code.FORMULA_ERROR)]),
        ([("Max Write-off", 500), ("max_write_off_cost", "1250.50")],
         {"max_write_off": 500, "max_write_off_cost": D("1250.5")}, []),
        ([("max_write_off", 0)], {"max_write_off": 0}, []),
        ([("max_write_off", -5)], {}, [("Settings!B2", Code.SETTING_INVALID)]),
        ([("max_write_off_cost", "lots")], {}, [("Settings!B2", Code.SETTING_INVALID)]),
        ([("max_write_off", "1,500"), ("max_write_off_cost", "$12,500.50"), ("max_loops", "20,000")],
         {"max_write_off": 1500, "max_write_off_cost": D("12500.5"), "max_loops": 20000}, []),
        ([("max_write_off", "1,50")], {}, [("Settings!B2", Code.SETTING_INVALID)]),
        ([("max_write_off", "$500")], {}, [("Settings!B2", Code.SETTING_INVALID)]),  # units, not money
    ],
)
def test_settings_are_read_or_reported(rows, given, problems):
    read_ok, reported = settings(*rows)
    assert (read_ok, [(p.cell, p.code) for p in reported]) == (given, problems)


def test_settings_without_a_header_row_read_columns_a_and_b():
    assert settings(("rule", "guide"), ("lot_order", "lifo"), header=None) == (
        {"rule": "guide", "lot_order": "lifo"}, [])


@pytest.mark.parametrize(
    "sheet, options, expected",
    [
        ({}, {}, Policy()),
        ({"rule": "guide"}, {"rule": None}, Policy(rule="guide")),
        ({"rule": "guide"}, {"rule": "fewest"}, Policy(rule="fewest")),
        ({"max_runs": 3}, {}, Policy(rule="budget", max_runs=3)),
        ({"rule": "guide", "max_runs": 3}, {}, Policy(rule="guide", max_runs=3)),
        ({"rule": "guide"}, {"max_runs": 4}, Policy(rule="budget", max_runs=4)),
        ({"lot_order": "lifo", "max_loops": 50}, {"lot_order": "fifo"}, Policy(lot_order="fifo", max_loops=50)),
        ({"max_write_off": 500}, {"max_write_off": D(80), "max_write_off_cost": None},
         Policy(max_write_off=80)),
    ],
)
def test_options_override_the_settings_sheet(sheet, options, expected):
    assert policy(sheet, options) == expected


def recommended(quantities, **kwargs):
    return recommend_quantities(quantities, **kwargs).model_copy(update={"product": "P"})


def test_adjustments_have_one_row_per_line_with_signed_quantities_and_costs():
    rec = recommended(SEED_NET_ZERO).model_copy(update={"unit_cost": D("2.5")})
    sheet = outputs.adjustments([rec])
    assert [c.header for c in sheet.columns] == [
        "Product", "Status", "Line", "Quantity", "Unit Cost", "Extended Cost", "Runs", "Case", "Rule", "Memo"]
    assert [row[:9] for row in sheet.rows] == [
        ("P", "Adjust", "On", D(7), D("2.5"), D("17.5"), 3, "Net zero", "Book's runs"),
        ("P", "Adjust", "Off", D(-7), D("2.5"), D("-17.5"), 3, "Net zero", "Book's runs"),
    ]
    assert [c.header for c in sheet.columns if c.total] == ["Extended Cost"]
    assert "leaves" not in sheet.intro[-1]


def test_the_adjustments_total_names_the_products_it_leaves_out():
    """A product to post without a unit cost has no Extended Cost: the legend says the total lacks it."""
    costed = recommended(SEED_NET_ZERO).model_copy(update={"unit_cost": D("2.5")})
    uncosted = [recommended([2, -2]).model_copy(update={"product": name}) for name in ("NUT-5", "O-RING")]
    assert "; NUT-5 has no unit cost, so the total leaves it out." in outputs.adjustments([costed, uncosted[0]]).intro[-1]
    assert "; NUT-5, O-RING have no unit cost, so the total leaves them out." in \
        outputs.adjustments([costed, *uncosted]).intro[-1]


def test_lines_that_cannot_clear_come_last_marked_and_without_a_cost():
    cannot = recommend_quantities([60], counted=40, balance=0).model_copy(
        update={"product": "Q", "unit_cost": D(2)})
    rows = list(outputs.adjustments([cannot, recommended([2, -2])]).rows)
    assert [(row[0], row[1], row[2], row[3], row[5]) for row in rows] == [
        ("P", "Adjust", "On", D(2), None), ("P", "Adjust", "Off", D(-2), None),
        ("Q", "Cannot clear", "On", D(40), None),
    ]
    assert rows[2][-1] == "Not for posting: 20 units left unallocated after 1 run. See Summary."


def worked(quantities, product="P"):
    """A product and its recommendation without a trace, as `reconcile` pairs them."""
    from core import Policy, ProductUsage, recommend
    from core.whatif import usage_list

    item = ProductUsage(product=product, usage=usage_list(quantities, product))
    return item, recommend(item, Policy(rule="fewest"), with_trace=False)


def test_the_loop_trace_is_streamed_product_by_product():
    work = [worked(SEED_NET_ZERO)]
    assert work[0][1].trace == ()  # nothing held: simulated as the sheet is written
    sheet = outputs.loop_trace(outputs.Traces(work, Policy()))
    assert isinstance(sheet.rows, types.GeneratorType)
    rows = list(sheet.rows)
    assert len(rows) == len(recommended(SEED_NET_ZERO, policy=Policy(rule="fewest")).trace) == 7
    assert rows[0] == (1, "Allocate", "P", None, "", "#1", D(2), "Adjustment lot", D(2), D(2), D(0))
    assert rows[-1][4:7] == ("Adjustment write-off", "", D(13))


def notes_of(sheet):
    at = [c.header for c in sheet.columns].index("Notes")
    return [row[at] for row in sheet.rows]


def test_summary_read_before_loop_trace_counts_the_traces_itself(monkeypatch):
    monkeypatch.setattr(seam, "EXCEL_MAX_ROWS", 7 + 5)  # five data rows under LoopTrace's intro and header
    traces = outputs.Traces([worked([2, -2], "A"), worked(SEED_NET_ZERO, "B")], Policy())
    notes = notes_of(outputs.summary(["A", "B"], [rec for _, rec in traces.work], {}, traces))
    assert "LoopTrace (2)" in notes[1]
    assert outputs.loop_trace(traces).header_row == 7
    assert len(list(outputs.loop_trace(traces).rows)) == 10 and traces.spilled == {"B": ("LoopTrace", "LoopTrace (2)")}


def test_summary_lists_every_product_and_why_one_is_not_recommended():
    rec = recommended([-20, 3])
    problem = usage(("Q", "x")).problems[0]
    sheet = outputs.summary(["P", "Q"], [rec], {"Q": [problem]}, outputs.Traces([], Policy()))
    rows = [dict(zip([c.header for c in sheet.columns], row)) for row in sheet.rows]
    assert rows[0] | {"Notes": ""} == {
        "Product": "P", "Status": "Adjust", "On the Books": D(20), "Off the Books": D(-20), "Runs": 2,
        "Gross Cost": None, "Notes": "", "Case": "Net negative", "Consumption": D(3), "Returns": D(20),
        "Net Usage": D(-17), "Balance Change": D(0), "Gross Units": D(40), "Clears": "Yes", "Guide On": D(20),
        "Guide Off": D(-20), "Guide Runs": 2, "Guide Clears": "Yes"}
    assert (rows[1]["Product"], rows[1]["Status"], rows[1]["Case"]) == ("Q", "Blocked", None)
    assert "Usage!B2" in rows[1]["Notes"]


@pytest.mark.parametrize("quantities, number_format", [([2, -2], "#,##0_);-#,##0_)"),
                                                       ([1.5, -0.25], "#,##0.######_);-#,##0.######_)")])
def test_quantity_columns_show_decimals_only_when_a_product_has_them(quantities, number_format):
    sheet = outputs.adjustments([recommended(quantities)])
    assert sheet.columns[3].number_format == number_format


def test_summary_says_when_a_trace_continues_on_a_second_sheet(monkeypatch):
    monkeypatch.setattr(seam, "EXCEL_MAX_ROWS", 7 + 5)  # five data rows under LoopTrace's intro and header
    traces = outputs.Traces([worked([2, -2], "A"), worked(SEED_NET_ZERO, "B")], Policy())
    assert len(list(outputs.loop_trace(traces).rows)) == 3 + 7  # rows 1-3 and 4-10, 5 a sheet
    assert traces.spilled == {"B": ("LoopTrace", "LoopTrace (2)")}
    notes = notes_of(outputs.summary(["A", "B"], [rec for _, rec in traces.work], {}, traces))
    assert "LoopTrace (2)" in notes[1] and "LoopTrace (2)" not in notes[0]


def test_issues_list_cell_code_and_message():
    problem = usage(("A", 0)).problems[0]
    assert list(outputs.issues([problem]).rows) == [
        (Link("Usage!B2", "Usage!B2"), "A", "Usage row 2", "Error", "quantity_zero", problem.message)]
