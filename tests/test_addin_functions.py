"""The Excel functions as plain Python calls, and the metadata Excel reads from them.

Cells reach the functions as a matrix (`ndim=2`): Office.js sends whole numbers as int,
desktop COM as float, and blanks as None or "". Every host's spelling must give the same
answer."""

import asyncio
import datetime as dt
import re

import pytest
import xlwings as xw
import xlwings.server

from addin import functions
from addin.functions import (
    giveback_loops,
    giveback_options,
    giveback_trace,
    net_unallocated,
    recommend_adj,
    usage_case,
)

SEED = [2, 4, 4, -10, 3, -3]


def column(values):
    return [[value] for value in values]


@pytest.mark.parametrize(
    "usage",
    [
        pytest.param(column(SEED), id="column of ints (Office.js)"),
        pytest.param(column([float(q) for q in SEED]), id="column of floats (COM)"),
        pytest.param([SEED], id="one row"),
        pytest.param(column([2, None, 4, "", 4, -10, 3, "  ", -3]), id="blanks skipped"),
    ],
)
def test_recommend_adj_spills_the_seed_adjustment_on_every_host(usage):
    """The book rule for one product: the smallest lines within the guide's 3 runs."""
    assert recommend_adj(usage) == [[7, "On"], [-7, "Off"]]
    assert recommend_adj(usage, None, None, "fewest") == [[13, "On"], [-13, "Off"]]


@pytest.mark.parametrize(
    "usage, count, balance, rule, lines",
    [
        (column([-20, 3]), None, None, "guide", [[20, "On"], [-20, "Off"]]),
        (column([-20, 3]), None, None, None, [[20, "On"], [-20, "Off"]]),
        (column(SEED), None, None, "guide", [[10, "On"], [-10, "Off"]]),
        (column([5, 3]), None, None, "fewest", [[8, "On"]]),
        (column([5, 3]), 12.0, 4.0, None, [[8, "On"]]),
        (column([5, 3]), "", None, "", [[8, "On"]]),
    ],
)
def test_recommend_adj_takes_count_balance_and_rule(usage, count, balance, rule, lines):
    assert recommend_adj(usage, count, balance, rule) == lines


@pytest.mark.parametrize(
    "usage, cap, lines",
    [
        (column([50, -45, 48, -40, 30]), None, [[85, "On"], [-42, "Off"]]),
        (column([50, -45, 48, -40, 30]), 10, [[43, "On"]]),
        (column(SEED), 8.0, [[7, "On"], [-7, "Off"]]),
        (column(SEED), "", [[13, "On"], [-13, "Off"]]),
    ],
)
def test_recommend_adj_keeps_the_write_off_within_the_cap(usage, cap, lines):
    assert recommend_adj(usage, None, None, "fewest", cap) == lines


@pytest.mark.parametrize(
    "args, message",
    [
        ((column([5, 3]), 2, 10, None, 5),
         "Cannot clear within the write-off cap of 5 units: the balance change needs at least 8 units written off."),
        ((column([-20, 3]), None, None, "fewest", 10),
         "Cannot clear within the write-off cap of 10 units: 7 units stay"),
        ((column(SEED), None, None, None, -1), "max_write_off cannot be negative"),
        ((column(SEED), None, None, "guide", 3), "the guide rule takes no write-off cap"),  # never silently ignored
    ],
)
def test_recommend_adj_is_an_error_with_the_reason_when_nothing_within_the_cap_clears(args, message):
    with pytest.raises(xw.XlwingsError, match=re.escape(message)):
        recommend_adj(*args)


def test_giveback_options_spills_the_staircase_under_a_header_row():
    assert giveback_options(column(SEED)) == [
        functions.OPTIONS_HEADER,
        [2, 13, 13, -13, 26],
        [3, 7, 7, -7, 14],
    ]
    assert giveback_options(column([50, -45, 48, -40, 30]))[1:] == [[2, 42, 85, -42, 127], [3, 0, 43, "", 43]]


def test_giveback_options_takes_a_count_and_says_when_nothing_clears():
    assert giveback_options(column([5, 3]), 10, 0)[1:] == [[1, 0, 10, "", 10]]
    with pytest.raises(xw.XlwingsError, match="No adjustment clears the usage"):
        giveback_options(column([5, 3]), 4, 0)
    with pytest.raises(xw.XlwingsError, match=re.escape("count is -20, but a count cannot be negative")):
        giveback_options(column([5, 3]), -20, 50)


@pytest.mark.parametrize(
    "count, balance, words",
    [
        (10.0, 4.0, "Cannot clear: whatever the write-off, 2 units left unallocated after 1 run"),  # 6 of the net 8
        (-20, 50, "count is -20, but a count cannot be negative"),  # the guide's sentence, as read
    ],
)
def test_recommend_adj_gives_no_lines_that_would_not_clear_and_says_why(count, balance, words):
    with pytest.raises(xw.XlwingsError, match=re.escape(words)):
        recommend_adj(column([5, 3]), count, balance)


def test_quantities_are_exact_decimals_rounded_to_six_places():
    usage = column([0.1, 0.2, -0.3000000001])
    assert usage_case(usage) == "Net zero"
    assert net_unallocated(usage) == 0
    assert net_unallocated(column([2.5, -1])) == 1.5
    assert isinstance(net_unallocated(column([2.0, 1.0])), int)


@pytest.mark.parametrize(
    "usage, case",
    [(column([5, -2]), "Net positive"), (column([-5, 2]), "Net negative"), (column(SEED), "Net zero")],
)
def test_usage_case_labels(usage, case):
    assert usage_case(usage) == case


@pytest.mark.parametrize(
    "on, off, loops",
    [(13, 13, 2), (1, 1, 14), (10, 10, 3), (12, -12, 3), (50.0, 50.0, 2)],
)
def test_giveback_loops_matches_the_seed_table(on, off, loops):
    assert giveback_loops(column(SEED), on, off) == loops


@pytest.mark.parametrize(
    "usage, on, message",
    [
        (column([5, -2]), 0, "Never settles: 7 units stay unallocated after 0 runs."),
        (column([5]), 2, "Never settles: 3 units stay unallocated after 1 run."),
    ],
)
def test_giveback_loops_is_an_error_when_it_never_settles(usage, on, message):
    with pytest.raises(xw.XlwingsError) as raised:
        giveback_loops(usage, on)
    assert str(raised.value) == message


@pytest.mark.parametrize(
    "usage, on, last",
    [
        (column([5, -5]), 0, [0, "Not cleared", "These lines do not clear the usage: 10 units stay unallocated after"
                                                " 0 runs.", "", "", "", ""]),
        (column([5]), 2, [1, "Not cleared", "These lines do not clear the usage: 3 units stay unallocated after 1"
                                            " run.", "", "", "", ""]),
    ],
)
def test_a_trace_that_does_not_clear_the_usage_ends_saying_so(usage, on, last):
    """As GIVEBACK_LOOPS says it: not a header alone, nor movements that look complete."""
    assert giveback_trace(usage, on)[-1] == last


def test_giveback_trace_spills_a_header_and_one_row_per_movement():
    rows = giveback_trace(column(SEED), 13, 13)
    assert rows[0] == functions.TRACE_HEADER
    assert rows[1] == [1, "Allocate", "#1", "Adjustment lot", 2, 2, 0]
    assert {row[0] for row in rows[1:]} == {1, 2}
    assert rows[-1] == [2, "Allocate", "Adjustment write-off", "Adjustment lot", 13, 13, 0]


@pytest.mark.parametrize(
    "usage, message",
    [
        (column([2, "abc", 4]), "usage cell 2 (row 2 of the range) is text (abc), not a number"),
        ([[2, None, 0]], "usage cell 3 (column 3 of the range) is 0"),
        (column([2, "#N/A"]), "usage cell 2 (row 2 of the range) holds the error #N/A: giveback needs a number"),
        (column([2, "#div/0!"]), "usage cell 2 (row 2 of the range) holds the error #DIV/0!"),
        (column([2, True]), "usage cell 2 (row 2 of the range) is not a number (TRUE)"),
        ([[1, 2], [3, 4]], "one column or one row; got 2 rows by 2 columns"),
        (column([None, ""]), "every cell is blank"),
    ],
)
def test_bad_usage_cells_are_errors_naming_their_position(usage, message):
    with pytest.raises(xw.XlwingsError) as raised:
        recommend_adj(usage)
    assert message in str(raised.value)


@pytest.mark.parametrize(
    "value, message",
    [
        (float("nan"), "usage cell 2 (row 2 of the range) is not a number"),
        (float("inf"), "usage cell 2 (row 2 of the range) is not a number"),
        (float("-inf"), "usage cell 2 (row 2 of the range) is not a number"),
        (1e300, "usage cell 2 (row 2 of the range) is 1E+300, too large"),
        (1e-9, "usage cell 2 (row 2 of the range) is 0.000000001, which rounds to 0"),
        (-0.0, "usage cell 2 (row 2 of the range) is 0"),
        ("#DIV/0!", "usage cell 2 (row 2 of the range) holds the error #DIV/0!"),
    ],
)
def test_hostile_usage_numbers_are_errors_naming_their_position(value, message):
    for function in (recommend_adj, usage_case, net_unallocated):
        with pytest.raises(xw.XlwingsError, match=re.escape(message)):
            function(column([2, value]))


@pytest.mark.parametrize("value, message", [(float("nan"), "is not a number"), (1e300, "is 1E+300, too large"),
                                            (1e-9, "is 0.000000001, which rounds to 0"), ("#N/A", "holds the error #N/A")])
def test_hostile_single_cell_arguments_are_errors_naming_the_argument(value, message):
    with pytest.raises(xw.XlwingsError, match=re.escape(f"count {message}")):
        recommend_adj(column(SEED), value, 3)
    with pytest.raises(xw.XlwingsError, match=re.escape(f"on {message}")):
        giveback_loops(column(SEED), value)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: recommend_adj(column(SEED), 5, None), "both count and balance"),
        (lambda: recommend_adj(column(SEED), None, None, "cheapest"), "rule must be one of book, fewest, guide; got cheapest"),
        (lambda: recommend_adj(column(SEED), "ten", 3), "count is text (ten), not a number"),
        (lambda: giveback_loops(column(SEED), None), "on is blank"),
        (lambda: giveback_loops(column(SEED), -1), "on cannot be negative"),
    ],
)
def test_bad_optional_arguments_are_errors(call, message):
    with pytest.raises(xw.XlwingsError, match=re.escape(message)):
        call()


def test_metadata_lists_the_six_functions_with_argument_docs():
    meta = xlwings.server.custom_functions_meta(functions)
    by_name = {f["name"]: f for f in meta["functions"]}
    assert set(by_name) == {
        "RECOMMEND_ADJ", "USAGE_CASE", "NET_UNALLOCATED", "GIVEBACK_LOOPS", "GIVEBACK_TRACE", "GIVEBACK_OPTIONS",
    }
    for function in by_name.values():
        assert function["description"] and not function["description"].startswith("Python function")
        assert function["result"] == {"dimensionality": "matrix", "type": "any"}
        for parameter in function["parameters"]:
            assert not parameter["description"].startswith("Positional argument"), parameter
    recommend = by_name["RECOMMEND_ADJ"]["parameters"]
    assert [p["name"] for p in recommend] == ["usage", "count", "balance", "rule", "max_write_off"]
    assert [p.get("optional", False) for p in recommend] == [False, True, True, True, True]


def office_js_call(func_name, *args):
    """The body Excel's Office.js client posts for a formula: each argument a matrix."""
    return {
        "client": "Office.js",
        "version": xw.__version__,
        "func_name": func_name,
        "args": [arg if isinstance(arg, list) else [[arg]] for arg in args],
        "caller_address": "[Book1.xlsx]Sheet1!C1",
        "culture_info_name": "en-US",
        "date_format": "M/d/yyyy",
        "runtime": "1.4",
    }


def test_xlwings_dispatch_turns_cells_into_the_spilled_result():
    body = office_js_call("recommend_adj", column(SEED), [[None]], [[None]], [["fewest"]])
    assert asyncio.run(xlwings.server.custom_functions_call(body, functions)) == [[13, "On"], [-13, "Off"]]


def test_xlwings_dispatch_passes_a_single_cell_as_a_matrix():
    body = office_js_call("usage_case", [[-4]])
    assert asyncio.run(xlwings.server.custom_functions_call(body, functions)) == [["Net negative"]]


# ---- what Office.js sends, read raw (issue 21) --------------------------------------------

NOT_AVAILABLE = {"type": "Error", "basicValue": "#N/A", "errorType": "NotAvailable"}


@pytest.mark.parametrize(
    "usage, lines",
    [
        pytest.param(column(SEED), [[7, "On"], [-7, "Off"]], id="a column"),
        pytest.param([SEED], [[7, "On"], [-7, "Off"]], id="a row (xlwings hands it over flat)"),
        pytest.param(column([2, None, 4, "", 4, -10, 3, " ", -3]), [[7, "On"], [-7, "Off"]], id="blanks"),
        pytest.param(column([{"type": "FormattedNumber", "basicValue": 5, "numberFormat": "0"}, 3]), [[8, "On"]],
                     id="a formatted number"),
        pytest.param([[-4]], [[4, "On"], [-4, "Off"]], id="one cell"),
    ],
)
def test_office_js_ranges_are_read_as_excel_sent_them(usage, lines):
    body = office_js_call("recommend_adj", usage, [[None]], [[None]], [[None]], [[None]])
    assert asyncio.run(xlwings.server.custom_functions_call(body, functions)) == lines


@pytest.mark.parametrize(
    "usage, message",
    [
        ([[2, "abc", 4]], "usage cell 2 (column 2 of the range) is text (abc), not a number"),
        (column([2, NOT_AVAILABLE]), "usage cell 2 (row 2 of the range) holds the error #N/A"),
        (column([2, 0]), "usage cell 2 (row 2 of the range) is 0"),
        (column([2, True]), "usage cell 2 (row 2 of the range) is not a number (TRUE)"),
        ([[1, 2], [3, 4]], "one column or one row; got 2 rows by 2 columns"),
        (column([None, ""]), "every cell is blank"),
    ],
)
def test_office_js_cells_in_error_are_named_as_before(usage, message):
    body = office_js_call("recommend_adj", usage, [[None]], [[None]], [[None]], [[None]])
    with pytest.raises(xw.XlwingsError) as raised:
        asyncio.run(xlwings.server.custom_functions_call(body, functions))
    assert message in str(raised.value)


@pytest.mark.parametrize(
    "function, args, message",
    [
        ("recommend_adj", [[[NOT_AVAILABLE]], [[NOT_AVAILABLE]]], "count holds the error #N/A"),
        ("recommend_adj", [[[7]], [[NOT_AVAILABLE]]], "balance holds the error #N/A"),
        ("recommend_adj", [[[None]], [[None]], [["fewest"]], [[NOT_AVAILABLE]]], "max_write_off holds the error #N/A"),
        ("recommend_adj", [[[None]], [[None]], [[NOT_AVAILABLE]]], "rule holds the error #N/A"),
        ("giveback_loops", [[[NOT_AVAILABLE]]], "on holds the error #N/A"),
        ("giveback_loops", [[[7]], [[NOT_AVAILABLE]]], "off holds the error #N/A"),
        ("giveback_options", [[[0]], [[NOT_AVAILABLE]]], "balance holds the error #N/A"),
    ],
)
def test_an_error_cell_in_a_one_cell_argument_is_named_not_read_as_blank(function, args, message):
    """Found trying the functions over xlwings Server: an #N/A count was dropped and the
    lines came back as if no count were given; an #N/A Off line counted as 0."""
    body = office_js_call(function, column(SEED), *args)
    with pytest.raises(xw.XlwingsError) as raised:
        asyncio.run(xlwings.server.custom_functions_call(body, functions))
    assert message in str(raised.value)


@pytest.mark.parametrize("number_format, temporal", [
    ("m/d/yyyy", True), ("[h]:mm", True), ("yyyy-mm-dd hh:mm", True), ("0", False), ("#,##0.00", False),
    ('0" units"', False), ("[Red]0.00", False), ("[$-409]#,##0", False), ("General", False), ("0.00E+00", False),
])
def test_a_number_format_shows_a_date_or_time_by_its_codes_outside_literals(number_format, temporal):
    assert functions.is_temporal(number_format) is temporal


def test_a_date_in_a_one_cell_argument_gets_the_same_words_on_every_host():
    with pytest.raises(xw.XlwingsError, match="on holds a date or a time, not a quantity"):
        giveback_loops(column(SEED), dt.datetime(2024, 1, 1))  # desktop COM hands a date cell over so


def test_a_date_is_never_read_as_a_quantity():
    dated = {"type": "FormattedNumber", "basicValue": 45292, "numberFormat": "m/d/yyyy"}
    body = office_js_call("recommend_adj", column([5, dated]), [[None]], [[None]], [[None]], [[None]])
    with pytest.raises(xw.XlwingsError, match=r"usage cell 2 \(row 2 of the range\) holds a date or a time"):
        asyncio.run(xlwings.server.custom_functions_call(body, functions))


def test_pyodides_null_is_a_blank_cell():
    """Pyodide 0.28 and later hand a blank cell over as `JsNull`, not None (here a stand-in)."""
    assert recommend_adj(column([2, functions.JsNull(), -2])) == [[2, "On"], [-2, "Off"]]


def test_giveback_loops_counts_without_simulating(monkeypatch):
    """The count is exact from the totals; a simulation would cost a run per loop."""
    monkeypatch.setattr("core.whatif.simulate", lambda *args: pytest.fail("simulated"))
    with pytest.raises(xw.XlwingsError, match="Never settles: 1 unit stays unallocated after 1,000,000 runs"):
        giveback_loops(column([1_000_000, -999_999]), 1, 1)


@pytest.mark.parametrize(
    "usage, said",
    [
        (column([1_000_000, -999_999]),
         "Stopped after 1,000 runs; the usage does not settle: 1 unit stays unallocated after 1,000,000 runs."),
        (column([100_000, -100_000]), "Stopped after 1,000 runs; it settles after 100,001 runs."),
    ],
)
def test_a_trace_cut_at_its_run_limit_says_where_it_stopped(usage, said):
    rows = giveback_trace(usage, 1, 1)
    assert rows[-2][0] == functions.TRACE_RUNS == 1_000 and rows[-1] == [1_000, "Stopped", said, "", "", "", ""]
    assert len(rows) == 1 + (1 + 2 * 999) + 1  # the header; run 1 allocates, each later one gives back too; the stop


def test_a_trace_that_ends_by_itself_has_no_stop_row():
    assert giveback_trace(column(SEED), 1, 1)[-1][1] == "Allocate"
