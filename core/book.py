"""SPEC section 4: the whole book. One reconciliation run processes every product, so the
book clears in as many runs as its slowest product needs, and a product that clears
faster gains nothing from a larger entry.

Products stay independent; the book is a fold over them:

1. each product, on its own, finds its pace (`rules.pace_of`): the fewest runs it can
   reach under its rule's bound (for the `book` rule, the guide's write-off), and the
   fewest its whole range reaches;
2. `plan` folds the paces into the book's runs R (the slowest pace) and the run counts
   of the book curve;
3. each product, on its own again, takes the smallest entry settling within R
   (`recommend(..., book_runs=R)`) and its smallest entry at each run count of the curve;
4. `book_of` folds those into the book's totals, its curve and the cheapest step below R.

The demo's book: BRACKET (+70 in 6 runs by the guide, which is also its fewest under the
guide's bound) sets R = 6. NUT-5 (`+2 +4 +4 -10 +3 -3`) would take the guide's
`+10 / -10` in 3 runs, or `+7 / -7` in 3 on its own; in a 6-run book `+4 / -4` clears
it within 6, so that is what it gets: the book still clears in 6 runs, with smaller entries.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Callable, NamedTuple, Sequence

from .models import Frozen, Policy, ProductUsage, Recommendation
from .options import LIMIT
from .quantities import ZERO
from .notes import money, runs, units
from .recommend import recommend
from .rules import pace_of, Pace


class Plan(NamedTuple):
    """The book's decision before any product's lines: `runs`, the pace every product
    settles within under the book rule (None under another rule: each its own), and
    `curve`, the run counts at which the book curve is drawn."""

    runs: int | None
    curve: tuple[int, ...]


class BookPoint(Frozen):
    """One point of the book curve: the total entry if the book is to clear within `runs`."""

    runs: int
    gross: Decimal
    gross_cost: Decimal | None = None


class BookTotals(Frozen):
    """The guide's rule of thumb over the same products: runs, total entry, whether its
    lines clear every one of them."""

    runs: int
    gross: Decimal
    gross_cost: Decimal | None = None
    settled: bool = True


class Change(Frozen):
    """How one product's lines would grow for the book to clear in fewer runs: `more`
    units on each line, `cost` each way where the unit cost is known."""

    product: str
    more: Decimal
    cost: Decimal | None = None


class Faster(Frozen):
    """The cheapest step below the book's runs: clearing within `runs` would add `gross`
    units to the entry (`gross_cost` in money), through these `changes`."""

    runs: int
    gross: Decimal
    gross_cost: Decimal | None
    changes: tuple[Change, ...]


class Book(Frozen):
    """The whole book under the chosen rule (SPEC section 6's `book` object)."""

    rule: str
    runs: int  # the runs the whole book needs: the most any product that clears needs
    paced_by: tuple[str, ...]  # the products that cannot clear in fewer under their rule's bound
    gross: Decimal  # the lines of every product to adjust, added up as units
    gross_cost: Decimal | None  # the same in money, over the products whose unit cost is known
    uncosted: tuple[str, ...] = ()  # products with lines but no known unit cost
    guide: BookTotals
    options: tuple[BookPoint, ...] = ()  # the book curve, fewest runs first
    faster: Faster | None = None


Progress = Callable[[int, int], None]


def recommend_book(
    products: Sequence[ProductUsage], policy: Policy, progress: Progress | None = None
) -> tuple[tuple[Recommendation, ...], Book]:
    """Every product's recommendation within the book's pace, and the book. `progress(done,
    total)` is told every hundred products."""
    paces = [pace_of(product, policy) for product in products]
    the_plan = plan(paces, policy)
    recommendations = []
    for done, (product, pace) in enumerate(zip(products, paces), start=1):
        recommendations.append(recommend(product, policy, with_trace=False, book_runs=the_plan.runs,
                                         curve=the_plan.curve, pace=pace))
        if progress and (done % 100 == 0 or done == len(products)):
            progress(done, len(products))
    return tuple(recommendations), book_of(recommendations, the_plan, policy)


def plan(paces: Sequence[Pace], policy: Policy) -> Plan:
    """R, the slowest pace among the products that can be cleared, and the curve's run
    counts: from the fewest the book can reach (every product's whole range) up to R or
    the guide's runs, whichever is more, at most `LIMIT` of them (the most runs first)."""
    clear = [pace for pace in paces if pace.pace is not None and pace.fewest is not None]
    if not clear:
        return Plan(None, ())
    runs = max(pace.pace for pace in clear)
    by_guide = max((pace.guide for pace in clear if pace.guide is not None), default=runs)
    marks = {runs, by_guide} | ({policy.max_runs} if policy.max_runs else set())
    fastest = max(pace.fewest for pace in clear)
    return Plan(runs if policy.rule == "book" else None, curve_runs(fastest, max(runs, by_guide), marks))


def curve_runs(fastest: int, slowest: int, marks: set[int]) -> tuple[int, ...]:
    """Run counts from `fastest` to `slowest`: both ends, the `marks` between them, then
    the counts below `slowest`, one by one, up to `LIMIT` in all."""
    chosen = {fastest, slowest} | {mark for mark in marks if fastest <= mark <= slowest}
    runs = slowest
    while len(chosen) < LIMIT and runs > fastest:
        chosen.add(runs)
        runs -= 1
    return tuple(sorted(chosen))


def book_of(recommendations: Sequence[Recommendation], the_plan: Plan, policy: Policy) -> Book:
    """The book's totals, the guide's beside them, the curve and the cheapest step below
    the book's runs, over the products whose lines clear them."""
    clearing = [rec for rec in recommendations if rec.chosen.settled]
    runs = max((rec.chosen.loops for rec in clearing), default=0)
    paced_by = (tuple(rec.product for rec in clearing if rec.pace == runs)
                or tuple(rec.product for rec in clearing if rec.chosen.loops == runs))
    curve = _curve(clearing, the_plan.curve)
    return Book(
        rule=policy.rule,
        runs=runs,
        paced_by=paced_by,
        gross=sum((rec.gross for rec in clearing), ZERO),
        gross_cost=_cost_total(rec.gross_cost for rec in clearing),
        uncosted=tuple(rec.product for rec in clearing if rec.gross and rec.unit_cost is None),
        guide=BookTotals(
            runs=max((rec.guide.loops for rec in clearing if rec.guide.settled), default=0),
            gross=sum((rec.guide.adjustment.gross for rec in clearing if rec.guide.adjustment), ZERO),
            gross_cost=_cost_total(_guide_cost(rec) for rec in clearing),
            settled=all(rec.guide.settled for rec in clearing),
        ),
        options=curve,
        faster=None if policy.rule == "guide" else _faster(clearing, curve, runs),
    )


def _curve(clearing: Sequence[Recommendation], runs: Sequence[int]) -> tuple[BookPoint, ...]:
    """The book's total entry at each run count every product can reach."""
    points, curves = [], [(rec, dict(rec.curve)) for rec in clearing]
    for k in runs:
        entries = [_entry_at(rec, curve.get(k)) for rec, curve in curves]
        if all(entry is not None for entry in entries):
            points.append(BookPoint(runs=k, gross=sum((gross for gross, _ in entries), ZERO),
                                    gross_cost=_cost_total(cost for _, cost in entries)))
    return tuple(points)


def _entry_at(rec: Recommendation, w: Decimal | None) -> tuple[Decimal, Decimal | None] | None:
    """The product's entry at write-off `w` (its smallest within some run count), and its
    cost; None when the product cannot reach that few runs (no `w`)."""
    if w is None:
        return None
    gross = rec.delta + 2 * w
    return gross, None if rec.unit_cost is None else gross * rec.unit_cost


def _faster(clearing: Sequence[Recommendation], curve: Sequence[BookPoint], runs: int) -> Faster | None:
    """The cheapest step below the book's runs (the point with the most runs below it):
    which products' lines grow, by how much, in money."""
    below = [point for point in curve if point.runs < runs]
    if not below:
        return None
    step = below[-1]
    changes = []
    for rec in clearing:
        w = dict(rec.curve)[step.runs]
        if w > rec.chosen.w:
            more = w - rec.chosen.w
            changes.append(Change(product=rec.product, more=more,
                                  cost=None if rec.unit_cost is None else more * rec.unit_cost))
    gross = sum((2 * change.more for change in changes), ZERO)
    costs = [2 * change.cost for change in changes if change.cost is not None]
    return Faster(runs=step.runs, gross=gross, gross_cost=sum(costs, ZERO) if costs else None,
                  changes=tuple(changes))


def _guide_cost(rec: Recommendation) -> Decimal | None:
    if rec.unit_cost is None or rec.guide.adjustment is None:
        return None
    return rec.guide.adjustment.gross * rec.unit_cost


def _cost_total(costs) -> Decimal | None:
    """The sum of the costs that are known; None when none is."""
    known = [cost for cost in costs if cost is not None]
    return sum(known, ZERO) if known else None


def book_story(book: Book) -> tuple[str, str, str]:
    """The book in the accountant's words, as Summary opens and the command line ends, in
    three sentences whatever the book (Summary's rows stay where they were, so a re-run
    finds its table where it left it): its runs and who sets them with the gross entry;
    the guide's; what one run fewer would cost."""
    if not book.runs:
        return ("Nothing to post: no product's lines clear its usage yet (see Status).",
                "The ERP guide's rule of thumb clears none of them either." if not book.guide.runs else
                f"The ERP guide's rule of thumb: {runs(book.guide.runs)}, gross {_entry(book.guide)}.",
                "Fix what Issues lists, or read the notes of the products that cannot be cleared.")
    said = f"The book clears in {runs(book.runs)}, set by {_names(book.paced_by)}. Gross entry: {_entry(book)}."
    return said, _guide_said(book), _faster_said(book)


def _guide_said(book: Book) -> str:
    if book.rule == "guide":
        return "These are the ERP guide's own lines (rule guide)."
    cleared = "" if book.guide.settled else "; its lines do not clear every product"
    return f"The ERP guide's rule of thumb: {runs(book.guide.runs)}, gross {_entry(book.guide)}{cleared}."


def _faster_said(book: Book) -> str:
    faster = book.faster
    if faster is None:
        return ("Options shows, for the whole book and per product, what other runs would take."
                if book.rule == "guide" else
                f"No adjustment clears the book in fewer than {runs(book.runs)}.")
    changes = ", ".join(f"{change.product} {units(change.more, 'more')} on each line"
                        + (f" ({money(change.cost)} each way)" if change.cost is not None else "")
                        for change in faster.changes)
    partly = " where known" if faster.gross_cost is not None and any(c.cost is None for c in faster.changes) else ""
    return (f"Clearing in {runs(faster.runs)} would add {units(faster.gross)} gross"
            f"{_at_cost(faster.gross_cost)}{partly}: {changes}.")


def _entry(totals: "Book | BookTotals") -> str:
    uncosted = getattr(totals, "uncosted", ())
    without = f" ({_names(uncosted)} without a unit cost)" if uncosted and totals.gross_cost is not None else ""
    return f"{units(totals.gross)}{_at_cost(totals.gross_cost)}{without}"


def _at_cost(cost: Decimal | None) -> str:
    return "" if cost is None else f", {money(cost)} at cost"


def _names(products: Sequence[str], most: int = 4) -> str:
    shown = ", ".join(products[:most])
    return shown + (f" and {len(products) - most} more" if len(products) > most else "")
