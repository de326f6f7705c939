"""Follow-up (SPEC section 11): the After run sheet (what the ERP still shows unallocated
after run k) against the trace's prediction for run k, worked out again from the inputs
and the recommendation: on track, or which products differ, by how much, and why.

Under the fewest-runs rule the seed's net-zero list `+2 +4 +4 -10 +3 -3` is recommended
On 13 / Off -13 (2 runs); the guide's is On 10 / Off -10 (3 runs). After run 1 of On 13 /
Off -13 both returns are left (-10, -3) and the write-off (13) waits."""

from __future__ import annotations

import json
from decimal import Decimal

import openpyxl
import pytest

from core.counting import left_after
from core.models import Adjustment
from core.rules import search_space
from giveback.cli import main
from giveback.demo import COUNTS, LOTS, USAGE as DEMO
from workbook.close.check import check, compared_words, follow_up_lines
from workbook.close.follow_up import Compared, Left, predicted, unadjusted
from workbook.reconcile import reconcile
from workbook.seam import Grids
from workbook.sheets.after_run import TEMPLATE_ROWS
from workbooks import COUNTS_HEADER, LOTS_HEADER, SEED_NET_ZERO, USAGE_HEADER, sheets, xlsx

D = Decimal
ZERO = D(0)
USAGE = [("NUT-5", q, None, f"NZ-{i}") for i, q in enumerate(SEED_NET_ZERO, start=1)] + [
    ("WIDGET", 25, None, "SO-1"), ("WIDGET", 45, None, "SO-2"), ("WIDGET", -10, None, "RMA-1")]


def reconciled(extra_rows=None, run=None) -> Grids:
    """The book reconciled, with an After run sheet of `extra_rows` after run `run`."""
    book = sheets(usage=USAGE, settings=[("rule", "fewest")])
    done = reconcile(Grids(book))
    book.update({sheet.name: [[column.header for column in sheet.columns], *sheet.rows]
                 for sheet in done.sheets if sheet.name == "RunRecord"})
    if extra_rows is not None:
        book["After run"] = [("Run", run), (), ("Product", "Quantity", "Reference"), *extra_rows]
    return Grids(book)


def test_the_prediction_after_each_run():
    done = reconcile(Grids(sheets(usage=USAGE, settings=[("rule", "fewest")])))
    nut = unadjusted(done.recommendations[0], done.ready[0])
    space = search_space(done.ready[0])
    assert nut == space.totals(ZERO)._replace(capacity=space.lots_capacity)  # the rules' totals, no adjustment
    assert predicted(nut, Adjustment(on=D(13), off=D(13)), 1) == (0, 13, 13)
    assert predicted(nut, Adjustment(on=D(13), off=D(13)), 2) == (0, 0, 0)
    assert predicted(nut, Adjustment(on=D(10), off=D(10)), 1) == (3, 13, 10)


def test_the_prediction_counts_from_the_totals_the_rules_count_from():
    """Lots with units used and counts (a balance change) included: the demo book."""
    done = reconcile(Grids({"Usage": [USAGE_HEADER, *DEMO], "Lots": [LOTS_HEADER, *LOTS],
                            "Counts": [COUNTS_HEADER, *COUNTS]}))
    for rec, product in zip(done.recommendations, done.ready):
        space = search_space(product)
        totals = unadjusted(rec, product)
        for adjustment in (rec.chosen.adjustment or Adjustment(on=ZERO), rec.guide.adjustment, Adjustment(on=ZERO)):
            if adjustment is None:
                continue
            rules = space.totals(adjustment.off)._replace(capacity=space.lots_capacity + adjustment.on)
            for runs in range(1, 5):
                _, _, consumption, returns = left_after(rules, runs)
                write_off = min(consumption, adjustment.off)
                assert predicted(totals, adjustment, runs) == (consumption - write_off, returns, write_off), rec.product


@pytest.mark.parametrize("rows", [
    [("NUT-5", -10, "NZ-4"), ("NUT-5", -3, "NZ-6"), ("WIDGET", 10, "SO-2"), ("WIDGET", -10, "RMA-1")],
    [("NUT-5", -10, "NZ-4"), ("NUT-5", -3, "NZ-6"), ("NUT-5", 13, "ADJ-1"),  # the write-off listed
     ("WIDGET", 10, "SO-2"), ("WIDGET", -10, "RMA-1")],
], ids=["write-off left out", "write-off listed"])
def test_on_track_after_run_1(rows):
    result = check(reconciled(rows, run=1))
    assert result.follow_up.status == "on_track" and result.follow_up.compared == 2
    assert result.follow_up.message.startswith("on track after 1 run")


def test_nothing_pasted_is_nothing_to_follow_up_until_a_run_number_says_nothing_is_left():
    assert check(reconciled([], run=None)).follow_up.status == "none"
    assert check(reconciled([], run=2)).follow_up.status == "on_track"


def causes(rows, run) -> dict[str, tuple]:
    follow_up = check(reconciled(rows, run=run)).follow_up
    assert follow_up.status == "off_track"
    return {one.product: (one.difference, one.cause) for one in follow_up.products}


def test_usage_posted_since_the_run_is_named_by_its_reference():
    found = causes([("NUT-5", -10, "NZ-4"), ("NUT-5", -3, "NZ-6"), ("NUT-5", 5, "SO-77"),
                    ("WIDGET", 10, "SO-2"), ("WIDGET", -10, "RMA-1")], run=1)
    assert found["NUT-5"][0] == (5, 0)  # consumption 5 more, returns as predicted
    assert found["NUT-5"][1].startswith("usage posted since the run: SO-77 (5) is not on the Usage sheet; without it"
                                        " the product is on track")


def test_lines_keyed_as_the_guides_are_recognised():
    found = causes([("NUT-5", 3, "NZ-5"), ("NUT-5", -10, "NZ-4"), ("NUT-5", -3, "NZ-6"),
                    ("WIDGET", 10, "SO-2"), ("WIDGET", -10, "RMA-1")], run=1)
    assert found["NUT-5"][1].startswith("the lines look keyed with another quantity: On 10 / Off -10 (the guide's"
                                        " lines) leaves exactly this after 1 run, where On 13 / Off -13 was recommended")


def test_lines_keyed_with_any_other_quantity_are_found_by_what_they_leave():
    # On 13 keyed without its Off line: run 1 allocates 13 of consumption, gives nothing back
    found = causes([("NUT-5", -10, "NZ-4"), ("NUT-5", -3, "NZ-6"), ("WIDGET", 10, "SO-2"), ("WIDGET", -10, "RMA-1"),
                    ("WIDGET", 5, "SO-1")], run=1)
    assert "WIDGET" in found and "NUT-5" not in found
    assert found["WIDGET"][1].startswith("the lines look keyed with another quantity: On 55 leaves exactly this")


def test_another_run_count_is_suggested():
    """A product listed with nothing left cleared by some run: 'that run or more', not a
    run count of its own (each product clears at its own run; several would disagree)."""
    found = causes([("WIDGET", 10, "SO-2"), ("WIDGET", -10, "RMA-1")], run=1)
    assert found["NUT-5"][1].startswith("nothing of it is listed, which is what 2 or more runs would leave (it clears"
                                        " in 2 runs): if that many runs were done, type the number in the Run cell;")


def test_a_remainder_another_run_leaves_suggests_that_run():
    run_1 = [("NUT-5", -10, "NZ-4"), ("NUT-5", -3, "NZ-6"), ("WIDGET", 10, "SO-2"), ("WIDGET", -10, "RMA-1")]
    found = causes(run_1, run=2)  # run 1's remainder, with 2 typed in the Run cell
    assert found["NUT-5"][1] == "it is what 1 run would leave: were 1 run done, not 2? Type the runs done in the Run cell."


def test_an_adjustment_not_posted_leaves_all_the_usage():
    rows = [(product, quantity, reference) for product, quantity, _, reference in USAGE]
    found = causes(rows, run=3)
    assert found["NUT-5"][1] == "it is what the usage leaves with no adjustment: the lines look not posted yet."


def test_a_product_not_on_the_usage_sheet_is_usage_posted_since():
    found = causes([("WIDGET", 10, "SO-2"), ("WIDGET", -10, "RMA-1"), ("NUT-5", -13, "NZ-4"), ("SCREW", 3, "X1")],
                   run=1)
    assert list(found) == ["SCREW"] and found["SCREW"][1].startswith("SCREW has no row on the Usage sheet")


def test_a_row_that_cannot_be_read_is_left_out_and_named():
    follow_up = check(reconciled([("WIDGET", "ten", "SO-2"), ("WIDGET", -10, "RMA-1")], run=2)).follow_up
    assert "Left out, as they cannot be read: 'After run'!B4 ('ten' is not a number: type digits, such as 12 or -12.5.)." in follow_up.message


def test_no_run_number_asks_for_it():
    follow_up = check(reconciled([("WIDGET", 10, "SO-2")], run="two")).follow_up
    assert follow_up.status == "incomplete" and "holds 'two'" in follow_up.message


def test_the_command_line_reports_the_follow_up_first_line_and_json(tmp_path, capsys):
    book = xlsx(tmp_path / "march.xlsx", sheets(usage=USAGE))
    main(["reconcile", str(book), "--in-place", "--rule", "fewest"])
    workbook = openpyxl.load_workbook(book)
    after = workbook.create_sheet("After run")
    for row in [("Run", 1), (), ("Product", "Quantity", "Reference"), ("NUT-5", 3, "NZ-5"), ("NUT-5", -13, "NZ-4"),
                ("WIDGET", 10, "SO-2"), ("WIDGET", -10, "RMA-1")]:
        after.append(row)
    workbook.save(book)
    capsys.readouterr()
    assert main(["check", str(book)]) == 0  # current: a follow-up is no input
    first, *rest = capsys.readouterr().out.splitlines()
    assert first.startswith("current, but not on track: the outputs match the inputs")
    assert "Follow-up: not on track after 1 run: 1 of 2 products differ from the trace's prediction." in rest
    assert any(line.startswith("  NUT-5: expected -13 (+13 more with the write-off listed), found +3 / -13"
                               " (consumption 3 more than predicted): the lines look keyed") for line in rest)
    main(["check", "--json", str(book)])
    follow_up = json.loads(capsys.readouterr().out)["follow_up"]
    assert (follow_up["status"], follow_up["run"], follow_up["compared"]) == ("off_track", 1, 2)
    assert {key: follow_up["products"][0][key] for key in ("product", "expected", "found", "difference")} == {
        "product": "NUT-5", "expected": {"consumption": 0, "returns": 13}, "found": {"consumption": 3, "returns": 13},
        "difference": {"consumption": 3, "returns": 0}}


def test_the_template_rows_are_a_run_label_then_the_header():
    assert TEMPLATE_ROWS == (("Run", None), (), ("Product", "Quantity", "Reference"))


@pytest.mark.parametrize("run, rows, cells", [
    ("abc", [("WIDGET", "x", "SO-2")], ["'After run'!B1", "'After run'!B4"]),  # nothing readable but typed
    (None, [("WIDGET", "x", "SO-2")], ["'After run'!B1", "'After run'!B4"]),
    ("abc", [], ["'After run'!B1"]),
])
def test_a_filled_in_sheet_that_cannot_be_read_is_incomplete_naming_its_cells(run, rows, cells):
    follow_up = check(reconciled(rows, run=run)).follow_up
    assert follow_up.status == "incomplete", follow_up
    assert all(cell in follow_up.message for cell in cells), follow_up.message
    assert "empty" not in follow_up.message.replace("is empty:", "")  # the Run cell may be; the sheet is not


def test_rows_pasted_without_a_header_are_incomplete_not_empty():
    book = reconciled([], run=None)
    book.sheets["After run"] = [("Run", None), (), ("WIDGET", 10, "SO-2")]
    follow_up = check(book).follow_up
    assert follow_up.status == "incomplete" and "'After run'!A3" in follow_up.message
    assert "No row names the Product and Quantity columns" in follow_up.message


def test_the_command_line_says_what_is_incomplete(tmp_path, capsys):
    book = xlsx(tmp_path / "march.xlsx", sheets(usage=USAGE))
    main(["reconcile", str(book), "--in-place"])
    workbook = openpyxl.load_workbook(book)
    after = workbook.create_sheet("After run")
    for row in [("Run", "abc"), (), ("Product", "Quantity", "Reference"), ("WIDGET", "x", "SO-2")]:
        after.append(row)
    workbook.save(book)
    capsys.readouterr()
    main(["check", str(book)])
    out = capsys.readouterr().out
    assert "Follow-up: The run number ('After run'!B1) holds 'abc'" in out and "'After run'!B4" in out
    main(["check", "--json", str(book)])
    follow_up = json.loads(capsys.readouterr().out)["follow_up"]
    assert follow_up["status"] == "incomplete" and "'After run'!B4" in follow_up["message"]


@pytest.mark.parametrize("expected, found, words", [
    (Left(D(100), D(100)), Left(D(3), D(0)),
     "expected +100 / -100, found +3 (consumption 97 less, returns 100 less than predicted)"),
    (Left(D(0), D(0)), Left(D(5), D(5)), "expected nothing, found +5 / -5 (consumption 5 more, returns 5 more than"
                                         " predicted)"),
    (Left(D(0), D(13), D(13)), Left(D(13), D(10), D(13)),
     "expected +13 / -13 (the write-off's 13 included, as listed), found +13 / -10 (returns 3 less than predicted)"),
    (Left(D(1200), D(0)), Left(D(0), D(0)), "expected +1,200, found nothing (consumption 1,200 less than predicted)"),
])
def test_consumption_and_returns_are_compared_and_said_each_on_its_own(expected, found, words):
    compared = Compared("P", expected, found)
    assert not compared.on_track and compared_words(compared) == words


def test_a_remainder_whose_net_is_right_but_not_its_sides_is_not_on_track(tmp_path, capsys):
    """WIDGET: 10 of consumption and 10 of returns are left after run 1; 15 of each nets the
    same, but is not what the trace predicted."""
    found = causes([("NUT-5", -10, "NZ-4"), ("NUT-5", -3, "NZ-6"), ("WIDGET", 15, "SO-2"), ("WIDGET", -15, "RMA-1")],
                   run=1)
    assert list(found) == ["WIDGET"] and found["WIDGET"][0] == (5, 5)
    follow_up = check(reconciled([("NUT-5", -10, "NZ-4"), ("NUT-5", -3, "NZ-6"), ("WIDGET", 15, "SO-2"),
                                  ("WIDGET", -15, "RMA-1")], run=1)).follow_up
    [line] = follow_up_lines(follow_up)[1:]
    assert line.startswith("  WIDGET: expected +10 / -10, found +15 / -15 (consumption 5 more, returns 5 more than"
                           " predicted): ")


def test_runs_and_lines_are_worded_as_every_sheet_words_them():
    """core.notes' `runs` and `describe`: a thousands separator in a run count too."""
    follow_up = check(reconciled([], run=1000)).follow_up
    assert follow_up.status == "on_track" and follow_up.message.startswith("on track after 1,000 runs:")
