"""The Excel functions of SPEC section 7, for every host xlwings serves.

    =RECOMMEND_ADJ(B2:B7)          spills  13  On
                                          -13  Off
    =USAGE_CASE(B2:B7)             Net zero
    =NET_UNALLOCATED(B2:B7)        0
    =GIVEBACK_LOOPS(B2:B7, 13, 13) 2
    =GIVEBACK_TRACE(B2:B7, 13, 13) spills the runs' movements under a header row
    =GIVEBACK_OPTIONS(B2:B7)       spills the options: runs against the entry, under a header row

Only the portable subset of xlwings is used, so desktop Excel (the xlwings add-in),
xlwings Server and xlwings Lite run the same code: arguments are plain values
(`ndim=2` matrices), results are plain lists of lists that spill as dynamic arrays.

This module only parses cells and calls `core`. Hosts differ at the boundary, and it is
normalised here: whole numbers arrive as `int` over Office.js and as `float` over COM;
floats become exact decimals rounded to 6 places (`core.quantities.to_quantity`); blank
cells arrive as `None` or `""` (or Pyodide's `JsNull`) and are skipped. A text cell, an
error cell or a 0 in the usage is an `xw.XlwingsError` naming its position, which Excel
shows with the cell's error.

Under Office.js (xlwings Server and xlwings Lite) the usage range is taken as Excel sent
it (`USAGE_RANGE`, xlwings' `raw`) and read once here: xlwings' own conversion looks at
every cell in Python, trying to import Pyodide's `JsNull` for each, nine tenths of
`RECOMMEND_ADJ`'s time on 1,000 cells (`bench/udf.py`: 49.5 ms before, 5.2 ms after).
Raw, a range is a matrix (a list of rows), one row a flat list, one cell its value, and an
error cell Excel's `{"type": "Error", "basicValue": "#N/A"}`, read here as its text as
xlwings' `err_to_str` reads it. Desktop COM converts cells cheaply and keeps xlwings'
conversion (`ndim=2`, errors as text).
Likewise a trace's rows (numbers and text only) go back to Office.js as they are
(`ROWS_RESULT`), not looked at cell by cell: 20,000 rows of 7 cells took 0.1 s so.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import xlwings as xw
from pydantic import ValidationError

from core import (BadQuantity, NotAQuantity, Option, Outcome, Policy, Recommendation, Status, TraceRow, classify,
                  recommend_quantities, to_quantity, what_if, whatif)
from core.models import PHASE_WORDS
from core.notes import runs, units
from core.rules import unused

USAGE_DOC = (
    "One column or one row of signed unallocated usage quantities: positive = "
    "consumption, negative = a return. Blank cells are skipped."
)
TRACE_HEADER = ["Run", "Phase", "Usage", "Lot", "Moved", "Lot Used After", "Left to Allocate"]
OPTIONS_HEADER = ["Runs", "Write-off", "On", "Off", "Gross Units"]
RULES = ("book", "fewest", "guide")
# GIVEBACK_TRACE spills at most this many runs (about 2,000 rows), then a row saying where it
# stopped: a sheet has no use for more, and the 10,000 runs of `max_loops` took a quarter
# of a second over HTTP to send (bench/udf.py). The run counts are exact whatever the runs.
TRACE_RUNS = 1_000
OFFICE_JS = xw.arg.__module__.startswith("xlwings.pro")  # xlwings Server's and Lite's dispatch
USAGE_RANGE = {"convert": "raw"} if OFFICE_JS else {"ndim": 2, "err_to_str": True}
ONE_CELL = {"convert": "raw"} if OFFICE_JS else {"err_to_str": True}  # an error cell named, never read as a blank
ROWS_RESULT = {"convert": "raw"} if OFFICE_JS else {}  # rows of numbers and text, sent as they are
try:
    from pyodide.ffi import JsNull  # Pyodide >= 0.28 hands a blank cell over as this, not None
except ImportError:
    class JsNull:  # outside Pyodide: nothing is one
        pass


# ---- the functions -------------------------------------------------------------------


@xw.func
@xw.arg("usage", doc=USAGE_DOC, **USAGE_RANGE)
@xw.arg("count", doc="Optional physical count of the product (give it with balance).", **ONE_CELL)
@xw.arg("balance", doc="Optional system balance of the product (give it with count).", **ONE_CELL)
@xw.arg("rule", doc='Optional rule: "book" (default: the smallest lines within the guide\'s runs), "fewest" (fewest runs,'
                    ' then the smallest entry) or "guide" (rules of thumb).', **ONE_CELL)
@xw.arg("max_write_off", doc="Optional cap: write off at most this many units.", **ONE_CELL)
def recommend_adj(usage, count=None, balance=None, rule=None, max_write_off=None):
    """Beginning-balance adjustment lines that clear the usage: one row per line, the signed quantity then "On" or "Off"; an error saying why when no adjustment clears it."""
    recommendation = recommendation_for(usage, count, balance, policy_for(rule, max_write_off))
    if recommendation.status is Status.CANNOT_CLEAR:
        raise xw.XlwingsError(recommendation.why_not_cleared)
    return adjustment_rows(recommendation)


@xw.func
@xw.arg("usage", doc=USAGE_DOC, **USAGE_RANGE)
def usage_case(usage):
    """The usage's case: "Net positive", "Net negative" or "Net zero"."""
    return classify(usage_quantities(usage)).case.label


@xw.func
@xw.arg("usage", doc=USAGE_DOC, **USAGE_RANGE)
def net_unallocated(usage):
    """Net unallocated usage: consumption minus returns."""
    return cell_number(classify(usage_quantities(usage)).net)


@xw.func
@xw.arg("usage", doc=USAGE_DOC, **USAGE_RANGE)
@xw.arg("on", doc="The adjustment's On line: the beginning-balance lot's quantity.", **ONE_CELL)
@xw.arg("off", doc="Optional Off line: the units written off (its sign is ignored).", **ONE_CELL)
def giveback_loops(usage, on, off=None):
    """Reconciliation runs (loops) the adjustment needs to clear the usage; an error if it never settles."""
    outcome = run_what_if(usage, on, off, with_trace=False).outcome
    if not outcome.settled:
        raise xw.XlwingsError(f"Never settles: {unallocated_words(outcome)}.")
    return outcome.loops


@xw.func
@xw.arg("usage", doc=USAGE_DOC, **USAGE_RANGE)
@xw.arg("on", doc="The adjustment's On line: the beginning-balance lot's quantity.", **ONE_CELL)
@xw.arg("off", doc="Optional Off line: the units written off (its sign is ignored).", **ONE_CELL)
@xw.ret(**ROWS_RESULT)
def giveback_trace(usage, on, off=None):
    """Every movement of every run under a header row: loop, phase, usage, lot, quantity moved, lot used after, unallocated after; a last row says where a trace that stops at its run limit stopped."""
    result = run_what_if(usage, on, off)
    rows = [TRACE_HEADER] + [trace_row(row) for row in result.trace]
    if result.outcome.capped:
        return rows + [stopped_row(result.outcome)]
    return rows if result.outcome.settled else rows + [unsettled_row(result.outcome)]


@xw.func
@xw.arg("usage", doc=USAGE_DOC, **USAGE_RANGE)
@xw.arg("count", doc="Optional physical count of the product (give it with balance).", **ONE_CELL)
@xw.arg("balance", doc="Optional system balance of the product (give it with count).", **ONE_CELL)
def giveback_options(usage, count=None, balance=None):
    """The trade-off between runs and entry size under a header row: runs, write-off, on line, off line, gross units; fewest runs first."""
    recommendation = recommendation_for(usage, count, balance, Policy())
    if not recommendation.options:
        raise xw.XlwingsError("No adjustment clears the usage: " + " ".join(recommendation.notes))
    return [OPTIONS_HEADER] + [option_row(option) for option in recommendation.options]


# ---- arguments in ----------------------------------------------------------------------


def usage_quantities(usage) -> list[Decimal]:
    """The usage range's quantities in order, blanks skipped.

    Raises XlwingsError for a range that is neither one column nor one row, and for a
    text, error or zero cell, naming its position."""
    cells, axis = range_cells(usage)
    quantities = []
    for position, value in enumerate(cells, start=1):
        value = plain(value)
        if is_blank(value):
            continue
        quantities.append(usage_quantity(value, position, axis))
    if not quantities:
        raise xw.XlwingsError("usage has no quantities: every cell is blank.")
    return quantities


def range_cells(usage) -> tuple[list, str]:
    """The cells of a one-column or one-row range, and the word for a position in it. A
    range is a list of rows, one row also a flat list (as xlwings' raw values give it),
    one cell its value."""
    if not isinstance(usage, list):  # one cell
        return [usage], "row"
    if not any(isinstance(row, list) for row in usage):  # one row
        return usage, "column"
    grid = [row if isinstance(row, list) else [row] for row in usage]
    width = max((len(row) for row in grid), default=0)
    if len(grid) > 1 and width > 1:
        raise xw.XlwingsError(
            f"usage must be one column or one row; got {len(grid)} rows by {width} columns."
        )
    if len(grid) == 1 and width > 1:
        return list(grid[0]), "column"
    return [row[0] if row else None for row in grid], "row"


def plain(value: object) -> object:
    """A cell as xlwings' conversion would give it: an Office.js error cell as its text
    (`#N/A`), a number formatted as a date or time as a `Dated` cell (COM gives a
    datetime), another Office.js value (a formatted number) as its value, a blank as None."""
    if type(value) is dict:
        shown = value.get("basicValue")
        if value.get("type") == "FormattedNumber" and is_temporal(value.get("numberFormat", "")):
            return Dated(shown)
        return shown
    return None if type(value) is JsNull else value


class Dated(float):
    """An Office.js cell holding a date or a time (its serial number): never a quantity."""


# A format's literals: quoted text, an escaped character, [$-409] or [Red]; not [h], [mm], [ss] (elapsed time).
_LITERALS = re.compile(r'"[^"]*"|\\.|\[(?![hms]+\])[^\]]*\]', re.IGNORECASE)


def is_temporal(number_format: str) -> bool:
    """Whether a number format shows a date or a time (d, m, y, h or s outside its literals)."""
    return bool(re.search(r"[dmyhs]", _LITERALS.sub("", number_format), re.IGNORECASE))


def usage_quantity(value: object, position: int, axis: str) -> Decimal:
    """One usage cell, at `position` of the range's `axis`, as an exact quantity, or an
    XlwingsError naming that position."""
    try:
        quantity = to_quantity(value) if type(value) in (int, float) else None  # the common cell, quickly
    except NotAQuantity:
        quantity = None
    if quantity:
        return quantity
    where = f"usage cell {position} ({axis} {position} of the range)"
    quantity = cell_quantity(value, where)
    if quantity == 0:
        raise xw.XlwingsError(f"{where} is 0: a usage quantity cannot be 0")
    return quantity


EXCEL_ERRORS = frozenset("#NULL! #DIV/0! #VALUE! #REF! #NAME? #NUM! #N/A #GETTING_DATA #SPILL! #CALC! #FIELD!"
                         " #BLOCKED! #CONNECT! #BUSY! #UNKNOWN! #PYTHON!".split())


def cell_quantity(value: object, where: str) -> Decimal:
    """A number cell as an exact quantity, or an XlwingsError naming `where` and saying
    what is there in words: an Excel error (`#N/A`, as the range hands it over), text, a
    number too large, or one that is not 0 yet rounds to 0 at 6 decimal places."""
    if isinstance(value, (Dated, dt.date, dt.time, dt.timedelta)):  # Office.js's serial, COM's datetime
        raise xw.XlwingsError(f"{where} holds a date or a time, not a quantity")
    if isinstance(value, str):
        if value.strip().upper() in EXCEL_ERRORS:
            raise xw.XlwingsError(f"{where} holds the error {value.strip().upper()}: giveback needs a number there;"
                                  " fix the cell the error comes from, or leave the cell blank")
        raise xw.XlwingsError(f"{where} is text ({value.strip()}), not a number")
    try:
        return whatif.quantity(value, where)
    except BadQuantity as error:
        raise xw.XlwingsError(str(error)) from None


def optional_quantity(value: object, name: str) -> Decimal | None:
    """A single-cell argument as a quantity; None when blank."""
    value = single_value(value)
    if is_blank(value):
        return None
    return cell_quantity(value, name)


def count_and_balance(count, balance) -> tuple[Decimal | None, Decimal | None]:
    counted = optional_quantity(count, "count")
    system_balance = optional_quantity(balance, "balance")
    if (counted is None) != (system_balance is None):
        raise xw.XlwingsError("Give both count and balance, or neither.")
    return counted, system_balance


def recommendation_for(usage, count, balance, policy: Policy) -> Recommendation:
    """The recommendation for the usage range and an optional count; XlwingsError for a
    negative count (count and balance swapped), as for any argument in error."""
    quantities = usage_quantities(usage)
    counted, system_balance = count_and_balance(count, balance)
    try:
        return recommend_quantities(quantities, counted, system_balance, policy)
    except BadQuantity as error:
        raise xw.XlwingsError(f"{error}.") from None


def policy_for(rule, max_write_off=None) -> Policy:
    cap = optional_quantity(max_write_off, "max_write_off")
    if cap is not None and cap < 0:
        raise xw.XlwingsError(f"max_write_off cannot be negative; got {cell_number(cap)}")
    rule = single_value(rule)
    if is_blank(rule):
        return Policy(max_write_off=cap)
    if str(rule).strip().upper() in EXCEL_ERRORS:
        raise xw.XlwingsError(f"rule holds the error {str(rule).strip().upper()}: give one of {', '.join(RULES)},"
                              " or leave it blank")
    name = str(rule).strip().lower()
    if name not in RULES:
        raise xw.XlwingsError(f"rule must be one of {', '.join(RULES)}; got {str(rule).strip()}")
    if cap is not None and unused(name, ["max_write_off"]):
        raise xw.XlwingsError(f"the {name} rule takes no write-off cap: leave max_write_off blank, or use the book"
                              " or fewest rule")
    return Policy(rule=name, max_write_off=cap)


def run_what_if(usage, on, off, with_trace: bool = True):
    """What the adjustment does to the usage range; its trace (`with_trace`) at most
    `TRACE_RUNS` runs long."""
    quantities = usage_quantities(usage)
    on_line = optional_quantity(on, "on")
    if on_line is None:
        raise xw.XlwingsError("on is blank: give the adjustment's On line.")
    if on_line < 0:
        raise xw.XlwingsError(f"on cannot be negative; got {cell_number(on_line)}")
    off_line = optional_quantity(off, "off") or Decimal(0)
    try:
        return what_if(quantities, on_line, off_line, Policy(max_loops=TRACE_RUNS), with_trace)
    except ValidationError as error:  # a bug if reached: the values were checked above
        raise xw.XlwingsError(f"Cannot simulate: {error.errors()[0]['msg']}") from None


def single_value(value: object) -> object:
    """A one-cell argument as `plain` reads it (an error cell as its text, `#N/A`); a
    range of several cells is refused."""
    while isinstance(value, list):
        if len(value) != 1:
            raise xw.XlwingsError("Expected a single cell, got a range.")
        value = value[0]
    return plain(value)


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# ---- results out -----------------------------------------------------------------------


def cell_number(quantity: Decimal | None) -> int | float | None:
    """A quantity as Excel holds it: an int when whole, else a float."""
    if quantity is None:
        return None
    if quantity == quantity.to_integral_value():
        return int(quantity)
    return float(quantity)


def adjustment_rows(recommendation: Recommendation) -> list[list]:
    lines = recommendation.chosen.lines
    if not lines:
        return [["", "No adjustment"]]
    return [[cell_number(line.quantity), line.kind] for line in lines]


def trace_row(row: TraceRow) -> list:
    return [
        row.loop,
        PHASE_WORDS[row.phase],
        row.reference or row.source,
        row.lot,
        cell_number(row.moved),
        cell_number(row.lot_used_after),
        cell_number(row.unallocated_after),
    ]


def stopped_row(outcome: Outcome) -> list:
    """The row under a trace cut at `TRACE_RUNS` runs: where it stopped, and what the
    exact count says of the rest."""
    shown = TRACE_RUNS
    rest = f"it settles after {outcome.loops:,} runs" if outcome.settled else \
        f"the usage does not settle: {unallocated_words(outcome)}"
    return [shown, "Stopped", f"Stopped after {shown:,} runs; {rest}.", "", "", "", ""]


def unsettled_row(outcome: Outcome) -> list:
    """The row under a trace that ended without clearing the usage: what is left."""
    return [outcome.loops, "Not cleared", f"These lines do not clear the usage: {unallocated_words(outcome)}.",
            "", "", "", ""]


def unallocated_words(outcome: Outcome) -> str:
    """`3 units stay unallocated after 1 run` (`core.notes`' words for units and runs)."""
    stay = "stays" if outcome.unallocated == 1 else "stay"
    return f"{units(outcome.unallocated)} {stay} unallocated after {runs(outcome.loops)}"


def option_row(option: Option) -> list:
    """Runs, write-off, the on and off lines as keyed (blank when there is no such line),
    gross entry."""
    lines = {line.kind: cell_number(line.quantity) for line in option.lines}
    return [option.loops, cell_number(option.w), lines.get("On", ""), lines.get("Off", ""), cell_number(option.gross)]
