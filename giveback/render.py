"""Tables for people: a recommendation, a what-if and their traces, drawn with rich."""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.table import Table

from core import Option, Outcome, Recommendation, TraceRow
from core.quantities import show
from core.whatif import WhatIf

console = Console(highlight=False)

TRACE_SHOWN = 200  # rows of trace on screen; --json gives them all


def recommendation(rec: Recommendation) -> None:
    console.print(
        f"[bold]{rec.product}[/]  {rec.case.label}:  P {show(rec.positive)}  "
        f"N {show(rec.negative)}  net {show(rec.net)}  balance change {show(rec.delta)}"
    )
    console.print(outcomes_table([rec.chosen, rec.guide]))
    if rec.unit_cost is not None:
        console.print(f"Entry size {show(rec.gross)} units x {show(rec.unit_cost)} = {show(rec.gross_cost)}")
    for note in rec.notes:
        console.print(f"- {note}")
    if len(rec.options) > 1:
        console.print(options_table(rec.options, rec.unit_cost is not None))
    trace(rec.trace)


def what_if(result: WhatIf, max_loops: int) -> None:
    console.print(outcomes_table([result.outcome]))
    if result.outcome.capped:
        console.print(f"- The trace shows the first {max_loops:,} of {result.outcome.loops:,} runs; the run count is exact.")
    trace(result.trace)


def outcomes_table(outcomes: list[Outcome]) -> Table:
    table = Table(box=box.SIMPLE_HEAD)
    for header in ("Rule", "W", "Lines", "Loops", "Settled"):
        table.add_column(header, justify="right" if header in ("W", "Loops") else "left")
    for outcome in outcomes:
        lines = "  ".join(f"{line.kind} {show(line.quantity)}" for line in outcome.lines) or "none"
        settled = "yes" if outcome.settled else f"no ({show(outcome.unallocated)} left)"
        table.add_row(outcome.rule, show(outcome.w), lines, f"{outcome.loops:,}", settled)
    return table


def options_table(options: tuple[Option, ...], costed: bool) -> Table:
    """The staircase: fewer runs for a larger entry, one row per option."""
    table = Table(title="Options: runs against the entry", box=box.SIMPLE_HEAD, title_justify="left")
    headers = ("Runs", "Write-off", "Lines", "Entry") + (("Cost",) if costed else ()) + ("",)
    for header in headers:
        table.add_column(header, justify="left" if header in ("Lines", "") else "right", no_wrap=True)
    for option in options:
        lines = "  ".join(f"{line.kind} {show(line.quantity)}" for line in option.lines) or "none"
        cost = (show(option.gross_cost),) if costed else ()
        table.add_row(f"{option.loops:,}", show(option.w), lines, show(option.gross), *cost, _marks(option))
    return table


def _marks(option: Option) -> str:
    marks = ["chosen"] if option.chosen else []
    if option.guide:
        marks.append("guide's runs")
    if not option.within_cap:
        marks.append("over the cap")
    return ", ".join(marks)


def trace(rows: tuple[TraceRow, ...]) -> None:
    if not rows:
        return
    table = Table(title="Loop trace", box=box.SIMPLE_HEAD, title_justify="left")
    for header in ("Run", "Phase", "Usage", "Lot", "Moved", "Lot used", "Left"):
        table.add_column(header, justify="right" if header not in ("Phase", "Usage", "Lot") else "left", no_wrap=True)
    for row in rows[:TRACE_SHOWN]:
        usage = row.reference or row.source
        table.add_row(
            str(row.loop), row.phase.replace("_", " "), usage, row.lot,
            show(row.moved), show(row.lot_used_after), show(row.unallocated_after),
        )
    console.print(table)
    if len(rows) > TRACE_SHOWN:
        console.print(f"... {len(rows) - TRACE_SHOWN:,} more trace rows (use --json for all).")
