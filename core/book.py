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
   (`recommend(..., book_runs=R)`);
4. `curve_runs` picks the run counts of the book curve (where the products' options
   change, and those the book and the guide take), each product gives its smallest entry
   at each (`share_of`), and `book_of` folds the shares into the book's totals, its curve
   and the cheapest step below R.

The demo's book: BRACKET (+70 in 6 runs by the guide, which is also its fewest under the
guide's bound) sets R = 6. NUT-5 (`+2 +4 +4 -10 +3 -3`) would take the guide's
`+10 / -10` in 3 runs, or `+7 / -7` in 3 on its own; in a 6-run book `+3 / -3` clears
it within 6, so that is what it gets: the book still clears in 6 runs, with smaller entries.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Callable, Iterable, NamedTuple, Sequence

from .models import Adjustment, Frozen, Policy, ProductUsage, Recommendation, Status
from .notes import each_way, lines_changed, money, runs, units
from .options import LIMIT, Step, smallest_at
from .quantities import ZERO
from .recommend import recommend
from .rules import Pace, in_steps, pace_of, write_off_cap


class Plan(NamedTuple):
    """The book's decision before any product's lines: `runs`, the pace every product
    settles within under the book rule (None under another rule: each its own); the
    curve's range, from the fewest runs the book can reach to the most of R and the
    guide's, and the run counts it always shows (`marks`: R, the guide's, max_runs)."""

    runs: int | None
    fastest: int | None
    slowest: int | None
    marks: frozenset[int] = frozenset()


class Share(NamedTuple):
    """One product's part in the whole book: its recommendation, its smallest write-off
    at each of the curve's run counts (None when nothing in its range settles), and its
    write-off cap."""

    rec: Recommendation
    curve: dict[int, Decimal] | None
    cap: Decimal | None


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
    uncosted: tuple[str, ...] = ()  # products with lines but no known unit cost
    settled: bool = True


class Change(Frozen):
    """How one product's lines would grow for the book to clear in fewer runs: its write-off
    `more` units (as many more on each line) than the recommended lines' (`before`), `cost`
    each way where the unit cost is known; `within_cap` whether its write-off cap allows it."""

    product: str
    more: Decimal
    before: Adjustment | None = None
    cost: Decimal | None = None
    within_cap: bool = True


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
    cannot_clear: tuple[str, ...] = ()  # products no lines within the rule's limits clear
    products: int = 0  # the products recommended (blocked ones are not)
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
        recommendations.append(recommend(product, policy, with_trace=False, book_runs=the_plan.runs, pace=pace))
        if progress and (done % 100 == 0 or done == len(products)):
            progress(done, len(products))
    shown = curve_runs(the_plan, recommendations)
    shares = [share_of(pace, rec, shown, policy) for pace, rec in zip(paces, recommendations)]
    return tuple(recommendations), book_of(shares, shown, policy)


def plan(paces: Sequence[Pace], policy: Policy) -> Plan:
    """R, the slowest pace among the products that can be cleared, and the curve's range:
    from the fewest runs the book can reach (every product's whole range) up to R or the
    guide's runs, whichever is more. A product its rule's bound cannot clear (the guide's
    lines, a cap) sets no R, but the curve still counts it where some lines clear it."""
    reachable = [pace for pace in paces if pace.fewest is not None]
    if not reachable:
        return Plan(None, None, None)
    fastest = max(pace.fewest for pace in reachable)
    clear = [pace for pace in reachable if pace.pace is not None]
    runs = max((pace.pace for pace in clear), default=None)
    by_guide = max((pace.guide for pace in clear if pace.guide is not None), default=runs)
    marks = frozenset({k for k in (runs, by_guide, fastest) if k is not None}
                      | ({policy.max_runs} if policy.max_runs else set()))
    slowest = max(k for k in (runs, by_guide, fastest) if k is not None)
    return Plan(runs if policy.rule == "book" else None, fastest, slowest, marks)


def curve_runs(the_plan: Plan, recommendations: Iterable[Recommendation], limit: int = LIMIT) -> tuple[int, ...]:
    """The run counts the book curve shows, at most `limit`: the curve's ends, its marks
    and one run fewer than the book's, then the run counts where some product's options
    change (the book's total changes only there), fewest runs first."""
    fastest, slowest = the_plan.fastest, the_plan.slowest
    if fastest is None:
        return ()
    inside = lambda k: fastest <= k <= slowest  # noqa: E731
    kept = {fastest, slowest} | {k for k in the_plan.marks | {max(the_plan.marks) - 1} if inside(k)}
    steps = sorted({option.loops for rec in recommendations for option in rec.options if inside(option.loops)} - kept)
    return tuple(sorted(kept | set(steps[:max(0, limit - len(kept))])))


def share_of(pace: Pace, rec: Recommendation, shown: Sequence[int], policy: Policy) -> Share:
    """The product's smallest write-off at each run count `shown` (from its options, each
    a known bound: `core.options.smallest_at`), and its cap."""
    space = pace.space
    if pace.fewest is None:
        return Share(rec, None, write_off_cap(space, policy))
    steps = [Step(in_steps(option.w - space.low, space.step), option.loops) for option in rec.options]
    curve = {k: space.w_at(at) for k, at in smallest_at(space.grid(), steps, shown)}
    return Share(rec, curve, write_off_cap(space, policy))


def book_of(shares: Sequence[Share], shown: Sequence[int], policy: Policy) -> Book:
    """The book's totals, the guide's beside them, the curve and the cheapest step below
    the book's runs: the book's over the products whose lines clear them, the guide's
    over every product, the curve over every product that some lines can clear."""
    recommendations = [share.rec for share in shares]
    clearing = [rec for rec in recommendations if rec.chosen.settled]
    runs = max((rec.chosen.loops for rec in clearing), default=0)
    paced_by = (tuple(rec.product for rec in clearing if rec.pace == runs)
                or tuple(rec.product for rec in clearing if rec.chosen.loops == runs))
    curve = _curve([share for share in shares if share.curve is not None], shown)
    return Book(
        rule=policy.rule,
        runs=runs,
        paced_by=paced_by,
        gross=sum((rec.gross for rec in clearing), ZERO),
        gross_cost=_cost_total(rec.gross_cost for rec in clearing),
        uncosted=tuple(rec.product for rec in clearing if rec.gross and rec.unit_cost is None),
        cannot_clear=tuple(rec.product for rec in recommendations if rec.status is Status.CANNOT_CLEAR),
        products=len(recommendations),
        guide=_guide_totals(recommendations),
        options=curve,
        faster=None if policy.rule == "guide" else _faster(shares, curve, runs),
    )


def _guide_totals(recommendations: Sequence[Recommendation]) -> BookTotals:
    """The guide's lines for every product: the runs of the slowest it clears, the entry
    of them all, whether they clear every product."""
    lined = [rec for rec in recommendations if rec.guide.adjustment is not None]
    return BookTotals(
        runs=max((rec.guide.loops for rec in recommendations if rec.guide.settled), default=0),
        gross=sum((rec.guide.adjustment.gross for rec in lined), ZERO),
        gross_cost=_cost_total(rec.guide.adjustment.gross * rec.unit_cost for rec in lined
                               if rec.unit_cost is not None),
        uncosted=tuple(rec.product for rec in lined if rec.guide.adjustment.gross and rec.unit_cost is None),
        settled=all(rec.guide.settled for rec in recommendations),
    )


def _curve(shares: Sequence[Share], shown: Sequence[int]) -> tuple[BookPoint, ...]:
    """The book's total entry at each run count every product can reach."""
    points = []
    for k in shown:
        entries = [_entry_at(share.rec, share.curve.get(k)) for share in shares]
        if shares and all(entry is not None for entry in entries):
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


def _faster(shares: Sequence[Share], curve: Sequence[BookPoint], runs: int) -> Faster | None:
    """The cheapest step below the book's runs (the point with the most runs below it):
    which products' lines grow, by how much, in money, and whether their caps allow it."""
    below = [point for point in curve if point.runs < runs]
    if not below:
        return None
    step = below[-1]
    changes = []
    for share in shares:
        rec = share.rec
        if not rec.chosen.settled or share.curve is None:
            continue
        w = share.curve[step.runs]
        if w > rec.chosen.w:
            more = w - rec.chosen.w
            changes.append(Change(product=rec.product, more=more, before=rec.chosen.adjustment,
                                  cost=None if rec.unit_cost is None else more * rec.unit_cost,
                                  within_cap=share.cap is None or w <= share.cap))
    gross = sum((2 * change.more for change in changes), ZERO)
    costs = [2 * change.cost for change in changes if change.cost is not None]
    return Faster(runs=step.runs, gross=gross, gross_cost=sum(costs, ZERO) if costs else None,
                  changes=tuple(changes))


def _cost_total(costs) -> Decimal | None:
    """The sum of the costs that are known; None when none is."""
    known = [cost for cost in costs if cost is not None]
    return sum(known, ZERO) if known else None


def book_story(book: Book) -> tuple[str, str, str]:
    """The book in the accountant's words, as Summary opens and the command line ends, in
    three sentences whatever the book (Summary's rows stay where they were, so a re-run
    finds its table where it left it): its runs and who sets them with the gross entry,
    and the products that cannot be cleared; the guide's; what one run fewer would cost."""
    if not book.products:
        return ("Nothing to post: no product could be recommended.",
                "Summary lists every product of the Usage sheet with its status.",
                "Issues, when there are some, lists the cells to fix.")
    return _book_said(book), _guide_said(book), _faster_said(book)


def _book_said(book: Book) -> str:
    cannot = book.cannot_clear
    if not book.runs:
        return (f"No product can be cleared yet: {_count(cannot, 'product')} cannot ({names(cannot)});"
                " Summary's notes say why.")
    but = (f", but {_count(cannot, 'product')} cannot be cleared ({names(cannot)}: see {_its(cannot)} notes)"
           if cannot else "")
    return (f"The book clears in {runs(book.runs)}, set by {names(book.paced_by)}{but}."
            f" Gross entry: {_entry(book)}.")


def _its(products) -> str:
    return "its" if len(products) == 1 else "their"


def _guide_said(book: Book) -> str:
    guide = book.guide
    if book.rule == "guide":
        return "These are the ERP guide's own lines (rule guide)."
    if not guide.runs:
        return "The ERP guide's rule of thumb clears none of these products."
    cleared = "" if guide.settled else "; its lines do not clear every product"
    return f"The ERP guide's rule of thumb: {runs(guide.runs)}, gross {_entry(guide)}{cleared}."


def _faster_said(book: Book) -> str:
    faster = book.faster
    if faster is None:
        if book.rule == "guide":
            return "Options shows, for the whole book and per product, what other runs would take."
        if book.runs == 1:
            return "One run is as few as any book takes."
        return f"No adjustment clears the book in fewer than {runs(book.runs)}." if book.runs else \
            "Options shows what each product's lines would take."
    changes = ", ".join(_change_said(change) for change in faster.changes)
    partly = " where known" if faster.gross_cost is not None and any(c.cost is None for c in faster.changes) else ""
    return (f"Clearing in {runs(faster.runs)} would add {units(faster.gross)} gross"
            f"{_at_cost(faster.gross_cost)}{partly}: {changes}.")


def _change_said(change: Change) -> str:
    over = ", over its write-off cap" if not change.within_cap else ""
    return f"{change.product} {lines_changed(change.more, change.before)}{each_way(change.cost)}{over}"


def _entry(totals: "Book | BookTotals") -> str:
    uncosted = totals.uncosted
    without = f" ({names(uncosted)} without a unit cost)" if uncosted and totals.gross_cost is not None else ""
    return f"{units(totals.gross)}{_at_cost(totals.gross_cost)}{without}"


def _at_cost(cost: Decimal | None) -> str:
    return "" if cost is None else f", {money(cost)} at cost"


def _count(products: Sequence[str], word: str) -> str:
    return f"{len(products)} {word}" + ("" if len(products) == 1 else "s")


def names(products: Sequence[str], most: int = 4) -> str:
    """`NUT-5, O-RING`, `A, B, C, D and 3 more`: products named in a sentence."""
    shown = ", ".join(products[:most])
    return shown + (f" and {len(products) - most} more" if len(products) > most else "")
