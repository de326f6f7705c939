"""Recommendations and problems into giveback's output sheets, as plain values
(SPEC section 5): `Adjustments`, `LoopTrace`, `Summary` and, when there are problems,
`Issues` (`Options` is in `options`). Quantities stay `Decimal`; the host's writer turns them into numbers.

The sheets are written for an accountant: headers in words, a title and a short legend
above each table, one status word per product (`core.models.Status`), memos that say how
to post, a total of the extended cost. A product that cannot be cleared is never shown
as an adjustment to post: its lines are listed last on Adjustments, marked Cannot clear,
with no cost, and Summary says why.

Quantity columns show whole units (`#,##0`) unless a product works in fractions, then up
to six decimals (`#,##0.######`, Excel shows `13.` for a whole number in that format).
"""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal
from typing import Iterable, Iterator, Mapping, Sequence

from core.models import PHASE_WORDS, RULE_WORDS, Policy, ProductUsage, Recommendation, Status
from core.problems import Problem
from core.quantities import ONE, ZERO
from core.book import Book, book_story, names
from core.notes import not_cleared, runs, runs_figure, units
from core.rules import row_of
from core.recommend import simulation_of, trace_of

from ..seam import Column, Link, Number, OutputSheet, Row, continuation_names

ADJUSTMENTS, LOOP_TRACE, SUMMARY, ISSUES = "Adjustments", "LoopTrace", "Summary", "Issues"
OPTIONS = "Options"  # written by `options`
OUTPUT_NAMES = (ADJUSTMENTS, LOOP_TRACE, SUMMARY, OPTIONS, ISSUES)
# Numbers keep a space to their right (`_)`, as accountants' formats do), so a number never
# runs into the text of the column beside it.
WHOLE, FRACTION, MONEY, RUNS = "#,##0_);-#,##0_)", "#,##0.######_);-#,##0.######_)", "#,##0.00_);-#,##0.00_)", "#,##0_)"
NUMBERS = (WHOLE, FRACTION, MONEY, RUNS)  # the formats `fitted` sizes a column for
PLACES = {MONEY: 2, RUNS: 0, WHOLE: 0}  # decimals a format shows (a fraction: the figure's own)
DATE = "yyyy-mm-dd"
_CELL = re.compile(r"^(?:'(?:[^']|'')+'|[^'!]+)!\$?[A-Za-z]{1,3}\$?[0-9]+$")  # a place a link can jump to


def quantity_format(recommendations: Sequence[Recommendation]) -> str:
    """Whole units unless some product's quantity grid is finer than 1."""
    return FRACTION if any(rec.step < ONE for rec in recommendations) else WHOLE


def fitting(width: float, amounts: Iterable[Decimal | None], places: int | None = None) -> float:
    """A numeric column's width: `width`, or as wide as its widest amount shown with
    thousands separators (and `places` decimals; None: the amount's own), a sign and the
    format's closing space beside it: Excel and LibreOffice show ### where a number does
    not fit, never a part of it."""
    shown = (f"{abs(amount):,.{places}f}" if places is not None else f"{abs(amount):,f}"
             for amount in amounts if amount is not None)
    return max(width, max((len(text) + 3 for text in shown), default=0))


def fitted(columns: Sequence[Column], rows: Iterable[Row]) -> tuple[Column, ...]:
    """`columns`, each numeric one as wide as the widest figure its cells show (`fitting`;
    a panel's `Number` in its own format), its total included, and a text in it ("2, 30
    left" under Runs) whole. The figures are gathered first and each distinct one shown
    once (the largest alone where the format fixes the decimals): Summary and Options of
    thousands of products are sized in milliseconds."""
    numeric = [index for index, column in enumerate(columns) if column.number_format in NUMBERS]
    figures: dict[tuple[int, str], set] = defaultdict(set)
    texts: dict[int, int] = defaultdict(int)
    totals: dict[int, Decimal] = defaultdict(Decimal)
    for row in rows:
        for index in numeric:
            value = row[index] if index < len(row) else None
            shown_in = columns[index].number_format
            if isinstance(value, Number):
                value, shown_in = value.value, value.number_format
            if isinstance(value, str):
                texts[index] = max(texts[index], len(value) + 1)
            elif isinstance(value, (int, Decimal)) and not isinstance(value, bool):
                figures[index, shown_in].add(value)
                if columns[index].total:
                    totals[index] += value
    widths = [column.width for column in columns]
    for (index, shown_in), values in figures.items():
        places = PLACES.get(shown_in)
        widths[index] = fitting(widths[index], [max(values, key=abs)] if places is not None else values, places)
    for index, total in totals.items():
        widths[index] = fitting(widths[index], (total,), PLACES.get(columns[index].number_format))
    return tuple(column._replace(width=max(width, texts[index])) for index, (column, width)
                 in enumerate(zip(columns, widths)))


def policy_line(policy: Policy) -> str:
    """The rule and lot order in words, for the sheets' intros."""
    rule = {
        "book": "the smallest entries that clear the whole book in the runs its slowest product needs",
        "fewest": "fewest reconciliation runs, then the smallest entry",
        "guide": "the ERP guide's rules of thumb",
        "budget": f"the smallest entry that clears within {runs(policy.max_runs or 0)}",
    }[policy.rule]
    order = "oldest" if policy.lot_order == "fifo" else "newest"
    return (f"Rule: {rule}. Usage draws on the {order} lot first ({policy.lot_order.upper()});"
            " returns go back to the newest lot first.")


# ---- Adjustments -------------------------------------------------------------------------


def adjustments(recommendations: Sequence[Recommendation], policy: Policy = Policy()) -> OutputSheet:
    """One row per adjustment line, ready to key into the ERP: the products to adjust
    first, then the lines that would not clear their usage, marked and without a cost."""
    units = quantity_format(recommendations)
    postable = [rec for rec in recommendations if rec.status is Status.ADJUST]
    not_clearing = [rec for rec in recommendations if rec.status is Status.CANNOT_CLEAR]
    columns = (
        Column("Product", width=16),
        Column("Status", width=13),
        Column("Line", width=6),
        Column("Quantity", units, 11),
        Column("Unit Cost", MONEY, 10),
        Column("Extended Cost", MONEY, 15, total=True),
        Column("Runs", RUNS, 7),
        Column("Case", width=12),
        Column("Rule", width=12),
        Column("Memo", width=52, wrap=True),
    )
    intro = (
        "Adjustments to post",
        "Post each product's lines together as one beginning-balance adjustment, then run the COGS"
        " reconciliation as many times as Runs says. The number of runs depends only on the quantities,"
        " not on the posting date.",
        "On: writes units on to the books (a lot); Off: writes them off the books. Lines marked Cannot clear"
        " are not for posting (see Summary).",
        "Extended Cost = Quantity x Unit Cost; its total is the net value the adjustments add to the books"
        f" (Off lines subtract){_uncosted(postable)}. " + policy_line(policy),
    )
    rows = [row for rec in postable + not_clearing for row in _lines(rec)]
    return OutputSheet(ADJUSTMENTS, fitted(columns, rows), rows, intro)


def _uncosted(postable: Sequence[Recommendation]) -> str:
    """What the total leaves out: the products to post without a unit cost."""
    uncosted = [rec.product for rec in postable if rec.unit_cost is None]
    if not uncosted:
        return ""
    has, them = ("has", "it") if len(uncosted) == 1 else ("have", "them")
    return f"; {names(uncosted)} {has} no unit cost, so the total leaves {them} out"


def _lines(rec: Recommendation) -> Iterator[Row]:
    outcome, posted = rec.chosen, rec.status is Status.ADJUST
    count = len(outcome.lines)
    for number, line in enumerate(outcome.lines, start=1):
        cost = line.quantity * rec.unit_cost if posted and rec.unit_cost is not None else None
        yield (rec.product, rec.status.label, line.kind, line.quantity, rec.unit_cost if posted else None, cost,
               runs_figure(outcome), rec.case.label, RULE_WORDS[outcome.rule],
               _memo(rec, line.kind, line.quantity, number, count))


def _memo(rec: Recommendation, kind: str, quantity: Decimal, number: int, count: int) -> str:
    outcome = rec.chosen
    if rec.status is Status.CANNOT_CLEAR:
        return f"Not for posting: {not_cleared(outcome)}. See Summary."
    which = "The whole adjustment" if count == 1 else f"Line {number} of {count} of one adjustment"
    if kind == "Off":
        said = f"{which}: writes {units(-quantity)} off the books, allocated after the product's usage."
    else:
        said = f"{which}: writes {units(quantity)} on to the books as a lot."
    if number == count:
        said += f" Clears the usage in {runs(outcome.loops)}."
    if number == 1 and rec.unit_cost is not None:
        said += f" Unit cost from {rec.unit_cost_source}."
    return said


# ---- LoopTrace ---------------------------------------------------------------------------


class Traces:
    """The recommended adjustments' traces, simulated product by product while LoopTrace is
    written, so no trace is held beyond its product's; and which LoopTrace sheets each
    landed on, for Summary's notes. Written in `reconcile`'s order (LoopTrace, then
    Summary) that costs nothing more; a Summary read first counts the traces in a pass of
    its own."""

    def __init__(self, work: Sequence[tuple[ProductUsage, Recommendation]], policy: Policy):
        self.work, self.policy = work, policy
        self.per_sheet = loop_trace_sheet(self).rows_per_sheet()
        self.rows_written = 0
        self.spilled: dict[str, tuple[str, ...]] = {}
        self.complete = False

    def rows(self) -> Iterator[Row]:
        """Each movement with the usage record's date and quantity beside it (the simulation
        hands back the record each row moves)."""
        self.rows_written, self.spilled = 0, {}
        phases = PHASE_WORDS
        for product, rec in self.work:
            simulation = simulation_of(product, rec.chosen, self.policy)
            self._place(rec.product, len(simulation.trace))
            for (loop, phase, name, reference, source, lot, moved, used_after, left), record in zip(
                    simulation.trace, simulation.records):
                yield (loop, phases[phase], name, record.date, reference, source, record.quantity, lot, moved,
                       used_after, left if left else left + 0)  # + 0: a settled return shows 0, not -0
        self.complete = True

    def _place(self, product: str, count: int) -> None:
        per_sheet = self.per_sheet
        start, end = self.rows_written, self.rows_written + count
        if count and (end - 1) // per_sheet > 0:
            names = continuation_names(LOOP_TRACE, end, per_sheet)
            self.spilled[product] = tuple(names[start // per_sheet:(end - 1) // per_sheet + 1])
        self.rows_written = end

    def sheets_of(self, product: str) -> tuple[str, ...] | None:
        """The LoopTrace sheets of a product whose trace reaches past the first one."""
        if not self.complete:
            self._count()
        return self.spilled.get(product)

    def _count(self) -> None:
        self.rows_written, self.spilled = 0, {}
        for product, rec in self.work:
            self._place(rec.product, len(trace_of(product, rec.chosen, self.policy)))
        self.complete = True


def loop_trace(traces: Traces) -> OutputSheet:
    """Every movement of every recommended adjustment's runs, streamed."""
    return loop_trace_sheet(traces)._replace(rows=traces.rows())


def loop_trace_sheet(traces: Traces) -> OutputSheet:
    """LoopTrace's columns and intro (its rows come from `traces.rows()`)."""
    units = quantity_format([rec for _, rec in traces.work])
    # every figure of a product's trace is at most its consumption with the write-off, its
    # returns, a lot's quantity or the On line: the columns are sized before the rows stream
    most = [figure for product, rec in traces.work
            for figure in (rec.positive + rec.chosen.w, rec.negative, rec.chosen.w + max(rec.delta, ZERO),
                           *(lot.quantity for lot in product.lots))]
    columns = (
        Column("Run", RUNS, 6),
        Column("Phase", width=10),
        Column("Product", width=16),
        Column("Date", DATE, 11),
        Column("Reference", width=20),
        Column("Usage Cell", width=11),
        Column("Usage Quantity", units, fitting(10, most)),
        Column("Lot", width=22),
        Column("Moved", units, fitting(10, most)),
        Column("Lot Used After", units, fitting(10, most)),
        Column("Left to Allocate", units, fitting(11, most)),
    )
    intro = (
        "Loop trace: what each run of the COGS reconciliation will do",
        "Each run first gives returns back to lots (newest lot first, at most what the lot has used),"
        " then allocates consumption to lots; runs repeat until one moves nothing.",
        "Adjustment lot: the lot the On line creates; Adjustment write-off: the Off line. Moved: units"
        " allocated from the lot or given back to it.",
        "Left to Allocate: what is still unallocated of that usage record, with its sign (a return's"
        " is negative; 0 = done).",
        policy_line(traces.policy),
    )
    return OutputSheet(LOOP_TRACE, columns, (), intro)


# ---- Summary -------------------------------------------------------------------------------


def summary(
    products: Sequence[str],
    recommendations: Sequence[Recommendation],
    blocked: Mapping[str, Sequence[Problem]],
    traces: Traces,
    policy: Policy = Policy(),
    book: Book | None = None,
) -> OutputSheet:
    """One row per product on the Usage sheet, recommended or not, in sheet order; streamed
    after LoopTrace (see `Traces`). What an accountant acts on comes first (status, lines,
    runs, cost, notes); the detail follows (from Case: the usage, the balance
    change, the guide's lines), printed on pages of its own. The intro opens with the book."""
    units = quantity_format(recommendations)
    columns = (
        Column("Product", width=16),
        Column("Status", width=13),
        Column("On the Books", units, 12),
        Column("Off the Books", units, 12),
        Column("Runs", RUNS, 7),
        Column("Gross Cost", MONEY, 12, total=True),
        Column("Notes", width=56, wrap=True),
        Column("Case", width=12, new_page=True),  # the detail, printed on pages of its own
        Column("Consumption", units, 12),
        Column("Returns", units, 10),
        Column("Net Usage", units, 10),
        Column("Balance Change", units, 10),
        Column("Gross Units", units, 10, total=True),  # its total is the book's gross entry
        Column("Clears", width=7),
        Column("Guide On", units, 10),
        Column("Guide Off", units, 10),
        Column("Guide Runs", RUNS, 8),
        Column("Guide Clears", width=8),
    )
    columns = fitted(columns, (_recommended(rec, None) for rec in recommendations))  # the rows stream later
    intro = (
        "Summary: one row per product",
        *(book_story(book) if book is not None else ()),
        "Status: Adjust (post the lines on Adjustments), No adjustment (existing lots clear the usage),"
        " Cannot clear (not for posting: see Notes), Blocked (fix the input on Issues).",
        "On the Books and Off the Books: the adjustment's two lines as keyed (Off is negative); Runs: the"
        " COGS reconciliation runs they take (lines that cannot clear: the runs and the units left); Gross Cost:"
        " both lines at the unit cost, added up.",
        "Printed on pages of their own: Consumption and Returns (the unallocated usage), Net Usage, Balance"
        " Change (counted - system balance with a count, else the net usage less what the lots still hold),"
        " Gross Units, and the ERP guide's lines. " + policy_line(policy),
    )
    by_product = {rec.product: rec for rec in recommendations}
    rows = (
        _recommended(by_product[product], traces.sheets_of(product)) if product in by_product
        else _blocked(product, blocked.get(product, ()))
        for product in products
    )
    return OutputSheet(SUMMARY, columns, rows, intro)


def _yes(flag: bool) -> str:
    return "Yes" if flag else "No"


def _recommended(rec: Recommendation, sheets: tuple[str, ...] | None) -> Row:
    notes = list(rec.notes)
    if sheets:
        notes.append(f"Its trace is on {', '.join(sheets)}.")
    chosen, guide = rec.chosen, rec.guide
    posted = rec.status is not Status.CANNOT_CLEAR  # lines not for posting are no part of the entry
    return (rec.product, rec.status.label, _on(chosen), _off(chosen), runs_figure(chosen),
            rec.gross_cost if posted and chosen.lines else None, " ".join(notes),
            rec.case.label, rec.positive, rec.negative, rec.net, rec.delta, rec.gross if posted else None,
            _yes(chosen.settled),
            _on(guide), _off(guide), runs_figure(guide) if guide.adjustment else None, _yes(guide.settled))


def _on(outcome) -> Decimal | None:
    """The On line's quantity; None (a blank) when there is no On line."""
    return outcome.adjustment.on if outcome.adjustment and outcome.adjustment.on else None


def _off(outcome) -> Decimal | None:
    return -outcome.adjustment.off if outcome.adjustment and outcome.adjustment.off else None


def _blocked(product: str, problems: Sequence[Problem]) -> Row:
    errors = [problem for problem in problems if problem.is_error]
    if len(errors) == 1:  # what it is, in its own words: a look-alike code names both spellings
        note = f"Not recommended ({errors[0].cell}): {errors[0].message} See Issues."
    else:
        cells = ", ".join(problem.cell for problem in errors[:5])
        more = f" and {len(errors) - 5} more" if len(errors) > 5 else ""
        note = (f"Not recommended: {len(errors)} input problems ({cells}{more}); see Issues, fix them and"
                " run again.")
    return (product, Status.BLOCKED.label, None, None, None, None, note) + (None,) * 11


# ---- Issues ---------------------------------------------------------------------------------


def issues(problems: Iterable[Problem]) -> OutputSheet:
    """One row per input problem: where (a link to the cell), which product and record,
    its stable code, what to do."""
    columns = (
        Column("Cell", width=14),
        Column("Product", width=16),
        Column("Reference", width=14),
        Column("Severity", width=9),
        Column("Code", width=24),
        Column("Message", width=70, wrap=True),
    )
    intro = (
        "Input problems",
        "Click a cell to jump to it, fix it and run giveback again. A product with an Error is not"
        " recommended (Summary says Blocked); a Warning does not stop it. Reference: the record's, else its row.",
    )
    rows = [
        (Link(p.cell, p.cell) if _CELL.match(p.cell) else p.cell, p.product, p.reference or row_of(p.cell),
         "Error" if p.is_error else "Warning", p.code.value, p.message)
        for p in problems
    ]
    return OutputSheet(ISSUES, columns, rows, intro)
