"""Recommendations and problems into giveback's output sheets, as plain values
(SPEC section 5): `Adjustments`, `LoopTrace`, `Summary` and, when there are problems,
`Issues` (`Options` is in `options`). Quantities stay `Decimal`; the host's writer turns them into numbers.

Quantity columns show whole units (`#,##0`) unless a product works in fractions, then up
to six decimals (`#,##0.######`, Excel shows `13.` for a whole number in that format).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Iterable, Iterator, Mapping, Sequence

from core.models import Outcome, Policy, ProductUsage, Recommendation
from core.problems import Problem
from core.quantities import ONE, show
from core.recommend import runs, trace_of

from ..seam import EXCEL_MAX_ROWS, Column, OutputSheet, Row, continuation_names

ADJUSTMENTS, LOOP_TRACE, SUMMARY, ISSUES = "Adjustments", "LoopTrace", "Summary", "Issues"
OPTIONS = "Options"  # written by `options`
OUTPUT_NAMES = (ADJUSTMENTS, LOOP_TRACE, SUMMARY, OPTIONS, ISSUES)
WHOLE, FRACTION, MONEY, RUNS = "#,##0", "#,##0.######", "#,##0.00", "#,##0"


def quantity_format(recommendations: Sequence[Recommendation]) -> str:
    """Whole units unless some product's quantity grid is finer than 1."""
    return FRACTION if any(rec.step < ONE for rec in recommendations) else WHOLE


def adjustments(recommendations: Sequence[Recommendation]) -> OutputSheet:
    """One row per adjustment line, ready to key into the ERP."""
    units = quantity_format(recommendations)
    columns = (
        Column("Product", width=18),
        Column("Line", width=7),
        Column("Quantity", units, 12),
        Column("Unit Cost", MONEY, 11),
        Column("Extended Cost", MONEY, 14),
        Column("Case", width=13),
        Column("Rule", width=8),
        Column("Loops", RUNS, 7),
        Column("Memo", width=60),
    )
    return OutputSheet(ADJUSTMENTS, columns, [row for rec in recommendations for row in _lines(rec)])


def _lines(rec: Recommendation) -> Iterator[Row]:
    outcome = rec.chosen
    for line in outcome.lines:
        cost = None if rec.unit_cost is None else line.quantity * rec.unit_cost
        yield (rec.product, line.kind, line.quantity, rec.unit_cost, cost, rec.case.label,
               outcome.rule, outcome.loops, _memo(line.kind, line.quantity, outcome))


def _memo(kind: str, quantity: Decimal, outcome: Outcome) -> str:
    if kind == "Off":
        return f"Write-off of {show(-quantity)} units, allocated after the product's usage."
    clears = (f"clears the unallocated usage in {runs(outcome.loops)}" if outcome.settled
              else f"leaves {show(outcome.unallocated)} units unallocated after {runs(outcome.loops)}")
    return f"Beginning balance lot of {show(quantity)} units; {clears}."


TRACE_COLUMNS = (
    Column("Loop", RUNS, 7),
    Column("Phase", width=11),
    Column("Product", width=18),
    Column("Reference", width=16),
    Column("Source", width=12),
    Column("Lot", width=18),
)


class Traces:
    """The recommended adjustments' traces, simulated product by product while LoopTrace is
    written, so no trace is held beyond its product's; and which LoopTrace sheets each
    landed on, for Summary's notes. Written in `reconcile`'s order (LoopTrace, then
    Summary) that costs nothing more; a Summary read first counts the traces in a pass of
    its own."""

    def __init__(self, work: Sequence[tuple[ProductUsage, Recommendation]], policy: Policy):
        self.work, self.policy = work, policy
        self.rows_written = 0
        self.spilled: dict[str, tuple[str, ...]] = {}
        self.complete = False

    def rows(self) -> Iterator[Row]:
        self.rows_written, self.spilled = 0, {}
        for product, rec in self.work:
            trace = trace_of(product, rec.chosen, self.policy)
            self._place(rec.product, len(trace))
            for row in trace:  # a TraceRow's fields are LoopTrace's columns, in order
                if row.unallocated_after:
                    yield row
                else:  # + 0: a settled return shows 0, not -0
                    yield row[:-1] + (row.unallocated_after + 0,)
        self.complete = True

    def _place(self, product: str, count: int) -> None:
        per_sheet = EXCEL_MAX_ROWS - 1
        start, end = self.rows_written, self.rows_written + count
        if count and (end - 1) // per_sheet > 0:
            names = continuation_names(LOOP_TRACE, end)
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
    units = quantity_format([rec for _, rec in traces.work])
    columns = TRACE_COLUMNS + (
        Column("Moved", units, 11),
        Column("Lot Used After", units, 15),
        Column("Unallocated After", units, 18),
    )
    return OutputSheet(LOOP_TRACE, columns, traces.rows())


def summary(
    products: Sequence[str],
    recommendations: Sequence[Recommendation],
    blocked: Mapping[str, Sequence[Problem]],
    traces: Traces,
) -> OutputSheet:
    """One row per product on the Usage sheet, recommended or not, in sheet order; streamed
    after LoopTrace (see `Traces`)."""
    units = quantity_format(recommendations)
    columns = (
        Column("Product", width=18),
        Column("Status", width=16),
        Column("Case", width=13),
        *(Column(name, units, 11) for name in ("Positive", "Negative", "Net", "Delta", "W")),
        Column("Rule", width=8),
        Column("Loops", RUNS, 7),
        Column("Settled", width=8),
        Column("Guide W", units, 10),
        Column("Guide Loops", RUNS, 12),
        Column("Guide Settled", width=13),
        Column("Gross Entry", units, 12),
        Column("Gross Cost", MONEY, 12),
        Column("Notes", width=80),
    )
    by_product = {rec.product: rec for rec in recommendations}
    rows = (
        _recommended(by_product[product], traces.sheets_of(product)) if product in by_product
        else _not_recommended(product, blocked.get(product, ()))
        for product in products
    )
    return OutputSheet(SUMMARY, columns, rows)


def _yes(flag: bool) -> str:
    return "Yes" if flag else "No"


def _recommended(rec: Recommendation, sheets: tuple[str, ...] | None) -> Row:
    notes = list(rec.notes)
    if sheets:
        notes.append(f"Its trace is on {', '.join(sheets)}.")
    chosen, guide = rec.chosen, rec.guide
    return (rec.product, "Recommended", rec.case.label, rec.positive, rec.negative, rec.net,
            rec.delta, chosen.w, chosen.rule, chosen.loops, _yes(chosen.settled), guide.w,
            guide.loops, _yes(guide.settled), rec.gross, rec.gross_cost, " ".join(notes))


def _not_recommended(product: str, problems: Sequence[Problem]) -> Row:
    cells = ", ".join(problem.cell for problem in problems[:5])
    more = f" and {len(problems) - 5} more" if len(problems) > 5 else ""
    note = (f"Not recommended: {len(problems)} input problem{'s' if len(problems) != 1 else ''}"
            f" ({cells}{more}); see Issues, fix them and run again.")
    return (product, "Not recommended") + (None,) * 14 + (note,)


ISSUE_COLUMNS = (Column("Cell", width=16), Column("Code", width=26), Column("Message", width=90))


def issues(problems: Iterable[Problem]) -> OutputSheet:
    """One row per input problem: where, its stable code, what to do."""
    return OutputSheet(ISSUES, ISSUE_COLUMNS, [(p.cell, p.code.value, p.message) for p in problems])
