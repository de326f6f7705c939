"""The Settings sheet (issue 18): `date_order` decides how dates typed as text read on the
other sheets, `distinct_products` tells look-alike codes apart, and a setting the chosen
rule does not use is a `setting_not_used` warning on its cell (`workbook.sheets.settings`)."""

import datetime as dt
from decimal import Decimal as D

import pytest

from core.problems import Code
from workbook.reconcile import reconcile
from workbook.sheets.schema import numbered
from workbook.sheets.settings import policy, read_settings, unused
from workbooks import grids


def settings(*rows):
    return read_settings("Settings", numbered([("Setting", "Value"), *rows]))


@pytest.mark.parametrize(
    "rows, values, problems",
    [
        ([("date_order", "dmy")], {"date_order": "dmy"}, []),
        ([("Date Order", " YMD ")], {"date_order": "ymd"}, []),
        ([("date_order", "european")], {}, [("Settings!B2", Code.SETTING_INVALID)]),
        ([("date_order", "dd/mm/yyyy")], {}, [("Settings!B2", Code.SETTING_INVALID)]),
        ([("date_order", None)], {}, []),
        ([("date_order", "dmy"), ("date_order", "mdy")], {"date_order": "dmy"},
         [("Settings!A3", Code.SETTING_INVALID)]),
        ([("distinct_products", "MOTOR-H, Motor-H"), ("Distinct products", "O'RING | O\u2019RING")],
         {"distinct_products": (("MOTOR-H", "Motor-H"), ("O'RING", "O\u2019RING"))}, []),
        ([("distinct_products", "MOTOR-H")], {}, [("Settings!B2", Code.SETTING_INVALID)]),
        ([("distinct_products", " , ")], {}, [("Settings!B2", Code.SETTING_INVALID)]),
        ([("rule", "book")], {"rule": "book"}, []),
    ],
)
def test_reading_settings_are_read_or_reported(rows, values, problems):
    found = settings(*rows)
    assert (found.values, [(p.cell, p.code) for p in found.problems]) == (values, problems)
    assert all(p.severity == "error" for p in found.problems)


@pytest.mark.parametrize(
    "row, overrides, used",
    [
        (("rule", "fastest"), {}, "this run uses the book rule"),
        (("rule", "fastest"), {"rule": "fewest"}, "this run uses the fewest rule"),  # --rule, or the add-in's
        (("lot_order", "newest"), {}, "lots are drawn oldest first (fifo)"),
        (("lot_order", "newest"), {"lot_order": "lifo"}, "lots are drawn newest first (lifo)"),
        (("max_write_off", "1O0"), {}, "the write-off has no cap in units"),
        (("max_write_off_cost", "lots"), {}, "the write-off has no cap in money"),
        (("max_loops", 0), {}, "a simulation stops at 10,000 runs"),
        (("max_runs", "three"), {"max_runs": 4}, "this run takes at most 4 runs, as given to it"),
    ],
)
def test_a_setting_that_cannot_be_read_says_what_the_run_used_instead(row, overrides, used):
    """The error stands (the exit status says so); the message says what the run went on with,
    the command line's or the add-in's option included."""
    done = reconcile(grids(usage=[("A", 5), ("A", -2)], settings=[row]), overrides)
    problem, = [p for p in done.problems if p.code == Code.SETTING_INVALID]
    assert problem.severity == "error" and problem.message.endswith(f" Until it is corrected, {used}.")


def test_a_date_order_that_cannot_be_read_says_dates_are_read_month_first():
    done = reconcile(grids(usage=[("A", 5), ("A", -2)], settings=[("date_order", "european")]))
    problem, = [p for p in done.problems if p.code == Code.SETTING_INVALID]
    assert problem.message.endswith(" Until it is corrected, no date order is set: a date typed as text that reads"
                                    " two ways is a warning, read month first.")


@pytest.mark.parametrize(
    "rows, overrides, rule, warned",
    [
        ([("rule", "guide"), ("max_write_off", 50)], {}, "guide", ["Settings!B3 max_write_off"]),
        ([("rule", "guide"), ("max_write_off_cost", "$500")], {}, "guide", ["Settings!B3 max_write_off_cost"]),
        ([("rule", "guide"), ("max_runs", 3)], {}, "guide", ["Settings!B3 max_runs"]),
        ([("max_runs", 3), ("rule", "fewest"), ("max_write_off", 5)], {}, "fewest", ["Settings!B2 max_runs"]),
        ([("rule", "book"), ("max_runs", 3), ("max_write_off", 5), ("max_write_off_cost", 9)], {}, "budget", []),
        ([("rule", "book"), ("max_write_off", 5), ("max_write_off_cost", 9)], {}, "book", []),
        ([("rule", "budget"), ("max_runs", 3), ("max_write_off", 5), ("max_write_off_cost", 9)], {}, "budget", []),
        ([("max_runs", 3), ("max_write_off", 5)], {}, "budget", []),  # max_runs without a rule: budget
        ([("max_write_off", 5), ("lot_order", "lifo"), ("max_loops", 50)], {}, "book", []),
        ([("rule", "guide"), ("lot_order", "lifo"), ("max_loops", 50)], {}, "guide", []),
        ([("max_write_off", 5)], {"rule": "guide"}, "guide", ["Settings!B2 max_write_off"]),  # the rule given
        ([("rule", "guide"), ("max_runs", 3)], {"max_runs": 4}, "budget", []),
        ([("rule", "guide"), ("max_write_off", 5)], {"max_write_off": D(6)}, "guide", []),  # replaced: the host's
        ([("rule", "guide"), ("max_write_off", 5)], {"rule": "fewest"}, "fewest", []),
    ],
)
def test_a_setting_the_chosen_rule_does_not_use_is_a_warning_on_its_cell(rows, overrides, rule, warned):
    found = settings(*rows)
    chosen = policy(found.values, overrides)
    problems = unused(found, chosen, overrides)
    assert chosen.rule == rule
    assert [f"{p.cell} {p.message.split(' use ')[1].split(',')[0]}" for p in problems] == warned
    assert {(p.code, p.severity) for p in problems} <= {(Code.SETTING_NOT_USED, "warning")}


def test_the_reading_settings_stay_out_of_the_policy():
    found = settings(("date_order", "dmy"), ("distinct_products", "A, a"), ("rule", "guide"))
    assert policy(found.values).model_dump(exclude_defaults=True) == {"rule": "guide"}


def dates(book_settings=None):
    usage = [("A", 5, "03/04/2026", "R1"), ("A", -5, "31/03/2026", "R2"), ("B", 2, "2026-03-04")]
    done = reconcile(grids(usage=usage, settings=book_settings))
    return done, [(p.cell, p.code, p.severity) for p in done.problems]


@pytest.mark.parametrize(
    "book_settings, problems, status",
    [
        (None, [("Usage!C2", Code.DATE_AMBIGUOUS, "warning")], 0),
        ([("date_order", "mdy")], [], 0),
        ([("date_order", "dmy")], [], 0),
        ([("date_order", "dmy"), ("rule", "guide"), ("max_write_off", 5)],
         [("Settings!B4", Code.SETTING_NOT_USED, "warning")], 0),
        ([("date_order", "day first")], [("Usage!C2", Code.DATE_AMBIGUOUS, "warning"),
                                         ("Settings!B2", Code.SETTING_INVALID, "error")], 1),
    ],
)
def test_reconcile_reads_the_settings_first_and_dates_in_their_order(book_settings, problems, status):
    done, found = dates(book_settings)
    assert (found, done.status) == (problems, status)
    assert [rec.product for rec in done.recommendations] == ["A", "B"]


def test_an_ambiguous_date_warns_once_per_cell_naming_what_was_assumed():
    done, _ = dates()
    (problem,) = done.problems
    assert (problem.product, problem.reference) == ("A", "R1")
    assert "read as 4 March 2026" in problem.message and "date_order" in problem.message


@pytest.mark.parametrize("order, dated, first",
                         [("mdy", dt.date(2026, 3, 4), "R1"), ("dmy", dt.date(2026, 4, 3), "R2")])
def test_the_date_order_dates_and_orders_the_usage_it_reads(order, dated, first):
    usage = [("A", 5, "03/04/2026", "R1"), ("A", 3, "2026-03-20", "R2"), ("A", -8, None, "R3")]
    done = reconcile(grids(usage=usage, settings=[("date_order", order)]))
    (trace,) = [list(sheet.rows) for sheet in done.sheets if sheet.name == "LoopTrace"]
    allocated = [(row[4], row[3]) for row in trace if row[0] == 1 and row[1] == "Allocate"]
    assert dict(allocated)["R1"] == dated and allocated[0][0] == first  # visited in date order


def test_rule_book_is_accepted_and_max_runs_sets_the_whole_books_runs():
    """SPEC section 4: `max_runs = K` under the book rule is the budget rule for the whole book."""
    usage = [("A", 2), ("A", 4), ("A", 4), ("A", -10), ("A", 3), ("A", -3)]
    done = reconcile(grids(usage=usage, settings=[("rule", "book"), ("max_runs", 3), ("max_write_off", 20)]))
    assert (done.policy.rule, done.policy.max_runs, done.status, done.problems) == ("budget", 3, 0, ())
    assert [rec.product for rec in done.recommendations] == ["A"]
