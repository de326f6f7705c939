"""The shared reconcile routine, on workbooks held in memory."""

import datetime as dt
import subprocess
import sys
import time
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.problems import Code
from workbook.files.books import open_book
from workbook.reconcile import WorkbookError, reconcile
from workbook.seam import Grids
from workbooks import SEED_NET_ZERO, demo_usage, grids, sheets, usage_rows, xlsx


def by_name(done):
    return {sheet.name: sheet for sheet in done.sheets}


def lines(done):
    return {rec.product: [line.quantity for line in rec.chosen.lines] for rec in done.recommendations}


def test_a_clean_book_recommends_every_product_in_sheet_order():
    done = reconcile(grids(usage=demo_usage()))
    assert done.products == ("NUT-5", "BOLT-10", "WIDGET")
    # the book clears in 3 runs (NUT-5 under the guide's +10 / -10): BOLT-10 takes 3 too, for less
    assert lines(done) == {"NUT-5": [D(7), D(-7)], "BOLT-10": [D(17), D(-17)], "WIDGET": [D(60)]}
    assert (done.book.runs, done.book.paced_by) == (3, ("NUT-5",))
    assert (done.status, done.problems, done.drop) == (0, (), ("Issues",))
    assert list(by_name(done)) == ["Adjustments", "LoopTrace", "Summary", "Options", "RunRecord"]
    assert [sheet.name for sheet in done.sheets if sheet.hidden] == ["RunRecord"]  # the run record, very hidden


def test_a_bad_row_blocks_its_product_and_summary_says_why():
    done = reconcile(grids(usage=usage_rows("A", [2, "two"]) + usage_rows("B", [-2, 2])))
    assert [rec.product for rec in done.recommendations] == ["B"]
    assert [(p.cell, p.code) for p in done.blocked["A"]] == [("Usage!B3", Code.QUANTITY_NOT_A_NUMBER)]
    summary = {row[0]: row for row in by_name(done)["Summary"].rows}
    assert summary["A"][1] == "Blocked" and "Usage!B3" in summary["A"][6]
    assert summary["B"][1] == "Adjust"
    (issue,) = by_name(done)["Issues"].rows
    assert (str(issue[0]), issue[1], issue[4]) == ("Usage!B3", "A", "quantity_not_a_number")
    assert (done.status, done.drop) == (1, ())


def test_every_non_blank_row_is_used_or_reported():
    rows = [("A", 1), ("A", "x"), (None, None), ("B", -1), ("C", 0), (None, 4), ("D", 2, "bad date"), ("E", 5),
            ("F", "1,23")]
    done = reconcile(grids(usage=rows))
    reported_rows = {int(p.cell.split("!")[1][1:]) for p in done.problems}
    blocked = set(done.blocked)
    recommended = {rec.product for rec in done.recommendations}
    for number, row in enumerate(rows, start=2):
        if row == (None, None):
            continue
        assert number in reported_rows or row[0] in recommended | blocked
    assert recommended == {"B", "D", "E"} and blocked == {"A", "C", "F"}  # D's date is optional: a warning


def test_sheet_names_match_in_any_case_and_headers_sit_below_titles():
    book = Grids({
        " USAGE ": [("Unallocated usage, March",), (), ("SKU", "Qty", "Remarks"), *usage_rows("A", SEED_NET_ZERO)],
        "lots": [("Item", "Lot ID", "Qty", "Used")],
        "settings": [("Rule", "guide")],
    })
    done = reconcile(book)
    assert lines(done) == {"A": [D(10), D(-10)]}
    assert done.policy.rule == "guide"


def test_existing_lots_take_part_in_the_simulation():
    usage = usage_rows("A", [5, -2])
    without = reconcile(grids(usage=usage))
    with_lots = reconcile(grids(usage=usage, lots=[("A", "L1", 10, 0)]))
    assert lines(without) == {"A": [D(3)]}
    assert with_lots.recommendations[0].chosen.loops <= without.recommendations[0].chosen.loops


def test_the_guides_count_typed_literally_is_a_problem_that_blocks_its_product():
    """"if you count -20, but the balance reflected in aACE is 50, ... 70": typed as
    written, Balance 50 and Counted -20 are swapped (balance -20, count 50, change +70)."""
    done = reconcile(grids(usage=usage_rows("A", [45, 30, -5]) + usage_rows("B", [2, -2]), counts=[("A", 50, -20)]))
    assert [rec.product for rec in done.recommendations] == ["B"]
    assert [(p.cell, p.code) for p in done.blocked["A"]] == [("Counts!C2", Code.COUNT_INVALID)]
    assert "-20 under Balance and 50 under Counted" in done.blocked["A"][0].message
    assert "+70" in done.blocked["A"][0].message
    assert done.status == 1
    swapped = reconcile(grids(usage=usage_rows("A", [45, 30, -5]), counts=[("A", -20, 50)]))
    assert (swapped.status, lines(swapped)) == (0, {"A": [D(70)]})


def test_a_warning_alone_is_reported_but_leaves_the_status_0():
    done = reconcile(grids(usage=[("Widget-Red", 2, "soon"), ("Widget-Red", -2), ("BOLT", 3, None, None, "cheap")]))
    assert lines(done) == {"Widget-Red": [D(2), D(-2)], "BOLT": [D(3)]}
    assert [(p.cell, p.code, p.severity) for p in done.problems] == [
        ("Usage!C2", Code.DATE_INVALID, "warning"), ("Usage!E4", Code.COST_INVALID, "warning")]
    assert (done.status, done.blocked, done.drop) == (0, {}, ())
    assert "Issues" in by_name(done)


def test_a_count_sets_the_balance_change():
    done = reconcile(grids(usage=usage_rows("A", [25, 45, -10]), counts=[("A", -60, 0)]))
    assert done.recommendations[0].delta == D(60)


def test_options_override_the_settings_sheet():
    book = sheets(usage=usage_rows("A", SEED_NET_ZERO), settings=[("rule", "guide")])
    assert reconcile(Grids(book)).policy.rule == "guide"
    assert reconcile(Grids(book), {"rule": "fewest"}).policy.rule == "fewest"
    assert reconcile(Grids(book), {"max_runs": 3}).policy.rule == "budget"


@pytest.mark.parametrize(
    "book, code",
    [
        ({"Sheet1": [("Product", "Quantity")]}, Code.SHEET_MISSING),
        ({"Usage": [("Product", "Date"), ("A", 1)]}, Code.COLUMN_MISSING),
        ({"Usage": [("what", "ever"), ("A", 1)]}, Code.COLUMN_MISSING),
        ({"Usage": []}, Code.COLUMN_MISSING),
        ({"Usage": [("Product", "Qty")], "Lots": [("Product", "Lot")]}, Code.COLUMN_MISSING),
    ],
)
def test_structural_problems_raise_one_workbook_error(book, code):
    with pytest.raises(WorkbookError) as raised:
        reconcile(Grids(book))
    assert raised.value.code == code


def test_progress_is_reported():
    seen = []
    reconcile(grids(usage=usage_rows("A", [1, -1] * 6000)), progress=lambda *args: seen.append(args))
    assert ("Reading Usage", 5000, None) in seen and ("Recommending", 1, 1) in seen


@pytest.mark.slow
def test_two_hundred_thousand_rows_reconcile_in_a_few_seconds():
    rows = [(f"P{i % 2000}", (i % 7) - 3 or 1) for i in range(200_000)]
    started = time.perf_counter()
    done = reconcile(grids(usage=rows))
    for sheet in done.sheets:
        for _ in sheet.rows:
            pass
    assert len(done.recommendations) == 2000
    assert time.perf_counter() - started < 20


def test_the_file_reader_gives_values_dates_and_error_cells(tmp_path):
    path = xlsx(tmp_path / "b.xlsx", {
        "usage ": [("Usage export",), (), ("Item", "Qty", "Date"), (1001, 5, dt.datetime(2026, 3, 2)),
                   (1001, "#DIV/0!"), ("B", -2, "2026-03-03")],
        "Chart data": [(1, 2)],
    })
    with open_book(path) as book:
        assert book.sheet_names() == ["usage ", "Chart data"]
        done = reconcile(book)
    assert [(p.cell, p.code) for p in done.problems] == [("'usage '!B5", Code.FORMULA_ERROR)]
    assert list(done.blocked) == ["1001"] and [rec.product for rec in done.recommendations] == ["B"]


@pytest.mark.parametrize("name", ["b.xls", "b.csv", "missing.xlsx"])
def test_the_file_reader_refuses_what_it_cannot_read(tmp_path, name):
    (tmp_path / "b.xls").write_bytes(b"\xd0\xcf\x11\xe0" + bytes(100))
    (tmp_path / "b.csv").write_text("Product,Quantity\n")
    with pytest.raises(WorkbookError) as raised:
        open_book(tmp_path / name)
    assert raised.value.code == Code.FILE_UNREADABLE


cell_values = st.one_of(
    st.none(), st.just(""), st.just("#N/A"), st.just("x"), st.just(0),
    st.integers(-50, 50), st.floats(-50, 50, allow_nan=False).map(lambda f: round(f, 2)),
)
usage_row = st.tuples(st.sampled_from(["A", "B", " C ", None, "", "#REF!"]), cell_values, cell_values)


@settings(max_examples=150, deadline=None)
@given(st.lists(usage_row, max_size=25))
def test_every_row_is_used_or_reported_and_only_good_products_are_recommended(rows):
    done = reconcile(Grids({"Usage": [("Product", "Quantity", "Date"), *rows]}))
    reported = {int(p.cell.split("!")[1][1:]) for p in done.problems if p.is_error}
    recommended = {rec.product for rec in done.recommendations}
    assert recommended.isdisjoint(done.blocked) and set(done.products) == recommended | set(done.blocked)
    assert not any(problem.product in recommended for problem in done.problems if problem.is_error)
    good = {}
    for number, (product, quantity, date) in enumerate(rows, start=2):
        if all(value is None or value == "" for value in (product, quantity, date)):
            continue
        if number not in reported:  # a good row (a warning at most, on its date): its product is
            # recommended or blocked by another row
            assert product.strip() in done.products
            good.setdefault(product.strip(), []).append(D(str(quantity)))
    for rec in done.recommendations:
        assert rec.net == sum(good[rec.product])


def test_the_codecs_and_reconcile_load_no_file_or_excel_library():
    code = ("import sys, workbook.reconcile; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in {'openpyxl', 'xlwings', 'giveback'}))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
