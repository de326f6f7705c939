"""Recommendations as plain data: the `--json` objects of SPEC section 6.

Quantities are numbers when whole, else decimal strings (`json_number`)."""

from __future__ import annotations

from .book import Book, BookPoint, BookTotals
from .models import AdjustmentLine, Option, Outcome, Recommendation, TraceRow
from .problems import Problem
from .quantities import json_number as q


def lines_json(lines: tuple[AdjustmentLine, ...]) -> list[dict]:
    return [{"line": line.kind, "quantity": q(line.quantity)} for line in lines]


def outcome_json(outcome: Outcome) -> dict:
    return {
        "W": q(outcome.w),
        "lines": lines_json(outcome.lines),
        "loops": outcome.loops,
        "settled": outcome.settled,
        "capped": outcome.capped,
        "unallocated": q(outcome.unallocated),
    }


def product_json(rec: Recommendation, with_trace: bool = False) -> dict:
    chosen = outcome_json(rec.chosen)
    product = {
        "product": rec.product,
        "status": rec.status.value,
        "case": rec.case.value,
        "positive": q(rec.positive),
        "negative": q(rec.negative),
        "net": q(rec.net),
        "delta": q(rec.delta),
        "available": q(rec.available),  # on the product's lots: the delta without a count is net - available
        "rule": rec.chosen.rule,
        **chosen,
        "guide": outcome_json(rec.guide),
        "step": q(rec.step),
        "gross": q(rec.gross),
        "unit_cost": q(rec.unit_cost),
        "gross_cost": q(rec.gross_cost),
        "notes": list(rec.notes),
        "options": [option_json(option) for option in rec.options],
    }
    if with_trace:
        product["trace"] = trace_json(rec.trace)
    return product


def option_json(option: Option) -> dict:
    """One step of the staircase (SPEC section 4, Options)."""
    return {
        "loops": option.loops,
        "W": q(option.w),
        "lines": lines_json(option.lines),
        "gross": q(option.gross),
        "gross_cost": q(option.gross_cost),
        "chosen": option.chosen,
        "guide": option.guide,
        "within_cap": option.within_cap,
    }


def trace_json(trace: tuple[TraceRow, ...]) -> list[dict]:
    return [
        {
            "loop": row.loop,
            "phase": row.phase,
            "product": row.product,
            "reference": row.reference,
            "source": row.source,
            "lot": row.lot,
            "moved": q(row.moved),
            "lot_used_after": q(row.lot_used_after),
            "unallocated_after": q(row.unallocated_after),
        }
        for row in trace
    ]


def blocked_json(product: str, problems) -> dict:
    """A product not recommended because of input problems: its status and their cells;
    the figures a recommendation would carry are null."""
    return {
        "product": product,
        "status": "blocked",
        **dict.fromkeys(("case", "positive", "negative", "net", "delta", "W", "loops", "guide"), None),
        "lines": [],
        "settled": False,
        "notes": [f"Not recommended: input problems in {', '.join(p.cell for p in problems)}."],
        "issues": [p.cell for p in problems],
        "options": [],
    }


def problem_json(problem: Problem) -> dict:
    return {"cell": problem.cell, "code": problem.code.value, "message": problem.message,
            "severity": problem.severity}


def book_json(book: Book) -> dict:
    """SPEC section 6's `book`: the runs the whole book needs and who sets them, the total
    entry, the guide's, the book curve and the cheapest step below the book's runs."""
    faster = book.faster
    return {
        "rule": book.rule,
        **_totals_json(book),
        "paced_by": list(book.paced_by),
        "uncosted": list(book.uncosted),
        "guide": {**_totals_json(book.guide), "settled": book.guide.settled},
        "options": [_totals_json(point) for point in book.options],
        "faster": None if faster is None else {
            **_totals_json(faster),
            "changes": [{"product": change.product, "more": q(change.more), "cost": q(change.cost)}
                        for change in faster.changes],
        },
    }


def _totals_json(totals: "Book | BookTotals | BookPoint") -> dict:
    return {"runs": totals.runs, "gross": q(totals.gross), "gross_cost": q(totals.gross_cost)}
