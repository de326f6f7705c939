"""Tables for people: a recommendation, a what-if and their traces, drawn with rich.

Everything fits an 80-column terminal: long product names and references wrap inside
their column rather than widening the table, and the words are the sheets' words
(Write-off, Runs, Gross Units, Give back, Allocate, Adjust / Cannot clear)."""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from core import Option, Outcome, Recommendation, Status, TraceRow
from core.models import PHASE_WORDS, RULE_WORDS
from core.notes import mark
from core.quantities import show

console = Console(highlight=False)

TRACE_SHOWN = 200  # rows of trace on screen; --json gives them all


def recommendation(rec: Recommendation, out: Console | None = None) -> None:
    out = out or console
    out.print(
        f"[bold]{escape(rec.product)}[/]  {rec.case.label}: consumption {show(rec.positive)},"
        f" returns {show(rec.negative)}, net {show(rec.net)}, balance change {show(rec.delta)}"
    )
    out.print(status_line(rec))
    out.print(outcomes_table([rec.chosen, rec.guide]))
    if rec.unit_cost is not None:
        out.print(f"Gross: {show(rec.gross)} units x {show(rec.unit_cost)} = {show(rec.gross_cost)}")
    for note in rec.notes:
        out.print(f"- {escape(note)}")
    if len(rec.options) > 1:
        out.print(options_table(rec.options, rec.unit_cost is not None, rec.guide.w))
    trace(rec.trace, out)


def status_line(rec: Recommendation) -> str:
    """One status word for the product, as Summary shows it, and what it means."""
    meaning = {
        Status.ADJUST: "post the lines below as one beginning-balance adjustment",
        Status.NO_ADJUSTMENT: "existing lots clear the usage",
        Status.CANNOT_CLEAR: "[red]no lines within the rule's limits clear this usage: post nothing; the notes say"
                             " why[/red]",
    }[rec.status]
    return f"Status: [bold]{rec.status.label}[/] ({meaning})"


def what_if(result, max_loops: int, out: Console | None = None) -> None:
    out = out or console
    out.print(outcomes_table([result.outcome]))
    if result.outcome.capped:
        out.print(f"- The trace shows the first {max_loops:,} of {result.outcome.loops:,} runs; the run count is exact.")
    trace(result.trace, out)


def outcomes_table(outcomes: list[Outcome]) -> Table:
    table = Table(box=box.SIMPLE_HEAD)
    for header in ("Rule", "Write-off", "Lines", "Runs", "Clears"):
        table.add_column(header, justify="right" if header in ("Write-off", "Runs") else "left")
    for outcome in outcomes:
        none = "none" if outcome.adjustment is not None else "none within the limits"
        lines = "  ".join(f"{line.kind} {show(line.quantity)}" for line in outcome.lines) or none
        clears = "yes" if outcome.settled else f"no ({show(outcome.unallocated)} left)"
        loops = f"{outcome.loops:,}" if outcome.adjustment is not None else "-"
        table.add_row(RULE_WORDS[outcome.rule], show(outcome.w), lines, loops, clears)
    return table


def options_table(options: tuple[Option, ...], costed: bool, guide_w=None) -> Table:
    """The staircase: fewer runs for a larger entry, one row per option."""
    table = Table(title="Options: runs against the entry", box=box.SIMPLE_HEAD, title_justify="left", padding=(0, 1))
    headers = ("Runs", "Write-off", "Lines", "Gross Units") + (("Gross Cost",) if costed else ()) + ("",)
    for header in headers:
        table.add_column(header, justify="left" if header in ("Lines", "") else "right", no_wrap=True)
    for option in options:
        lines = "  ".join(f"{line.kind} {show(line.quantity)}" for line in option.lines) or "none"
        cost = (show(option.gross_cost),) if costed else ()
        table.add_row(f"{option.loops:,}", show(option.w), lines, show(option.gross), *cost, mark(option, guide_w))
    return table


def trace(rows: tuple[TraceRow, ...], out: Console | None = None) -> None:
    if not rows:
        return
    out = out or console
    table = Table(title="Loop trace", box=box.SIMPLE_HEAD, title_justify="left", padding=(0, 1))
    for header in ("Run", "Phase", "Usage", "Lot", "Moved", "Lot used", "Left"):
        numeric = header not in ("Phase", "Usage", "Lot")
        table.add_column(header, justify="right" if numeric else "left", no_wrap=numeric or header == "Phase",
                         overflow="fold")
    for row in rows[:TRACE_SHOWN]:
        table.add_row(
            str(row.loop), PHASE_WORDS[row.phase], escape(row.reference or row.source), escape(row.lot),
            show(row.moved), show(row.lot_used_after), show(row.unallocated_after),
        )
    out.print(table)
    if len(rows) > TRACE_SHOWN:
        out.print(f"... {len(rows) - TRACE_SHOWN:,} more trace rows (use --json for all).")
