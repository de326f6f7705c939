"""Follow-up (SPEC section 11): after posting the adjustment and running the COGS
reconciliation k times, is what the ERP still shows unallocated what the trace predicted?

The prediction for run k is worked out again from the inputs and the recommendation (not
read back from LoopTrace's cells, which may be stale or spill onto other sheets): a run's
give-back phase gives back `min(returns left, lots' used)` and its allocate phase draws
`min(consumption left, lots' room)`, whatever the lots' order, so k runs of four totals
give the consumption and returns left after run k (`core.counting.left_after`). The write-off is
the product's last consumption: what is left of consumption is first its own, so the
usage the accountant pasted may list the write-off's remainder or leave it out.

    GASKET  consumption 6, 4; return -10; On 10 / Off -10
    run 1   allocates 6 and 4 from the new lot; the write-off (10) waits
    run 2   gives 10 back, allocates the write-off: nothing left
    After run 1: GASKET +10 (the write-off) or nothing: on track; +5: off track

A product whose pasted remainder differs gets the likeliest cause, in this order:

1. usage posted since the run: rows whose reference is not on the Usage sheet (when
   leaving them out puts the product on track, they are the cause);
2. another run count: the remainder is what run j would leave;
3. not posted: it is what the usage leaves with no adjustment;
4. lines keyed with another quantity: it is what another On/Off would leave after run k
   (another write-off, the Off line left out, one line keyed otherwise), the nearest to
   the recommended lines named.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Collection, Iterator, NamedTuple, Sequence

from core.counting import Totals, left_after
from core.models import Adjustment, ProductUsage, Recommendation, Status
from core.notes import describe
from core.notes import runs as count_runs
from core.quantities import ZERO, show

from ..sheets.after_run import AFTER_RUN, AfterRun, Listed

MOST_CANDIDATES = 5_000  # adjustments tried per shape when looking for the one that was keyed
NOTHING = Adjustment(on=ZERO)


class Left(NamedTuple):
    """What is unallocated after some runs: the product's own consumption and returns
    (magnitudes), and the adjustment's write-off."""

    consumption: Decimal
    returns: Decimal
    write_off: Decimal = ZERO

    @property
    def net(self) -> Decimal:
        return self.consumption - self.returns


class Difference(NamedTuple):
    """Found less expected: units of consumption and of returns (magnitudes: a negative
    returns difference is fewer returns left than predicted)."""

    consumption: Decimal
    returns: Decimal


class Compared(NamedTuple):
    """One product's pasted remainder against the prediction: `found` as listed (all its
    consumption in `consumption`; `found.write_off` the part of it listed under a
    reference that is not on the Usage sheet, which may be the write-off's), and the
    likely cause when they differ. Consumption and returns are compared each on its own:
    100 of each left is not nothing left."""

    product: str
    expected: Left
    found: Left
    cause: str = ""

    @property
    def on_track(self) -> bool:
        return matches(self.found, self.expected)

    @property
    def write_off_listed(self) -> bool:
        """Whether the listing holds the write-off's remainder (under a reference the
        Usage sheet does not have): it is then compared as consumption too."""
        return ZERO < self.expected.write_off <= self.found.write_off

    @property
    def compared_with(self) -> Left:
        """The prediction as the listing is compared with it: the write-off in the
        consumption when the listing holds it."""
        if self.write_off_listed:
            return Left(self.expected.consumption + self.expected.write_off, self.expected.returns)
        return self.expected

    @property
    def difference(self) -> Difference:
        """Found less expected (`compared_with`), consumption and returns each."""
        expected = self.compared_with
        return Difference(self.found.consumption - expected.consumption, self.found.returns - expected.returns)


class FollowUp(NamedTuple):
    """The follow-up: `status` is `none` (no After run sheet, or nothing pasted),
    `incomplete` (no run number), `on_track` or `off_track`; `products` the products that
    differ, `compared` how many were compared, `skipped` the products listed that giveback
    could not predict (blocked at the run)."""

    status: str
    run: int | None = None
    message: str = ""
    products: tuple[Compared, ...] = ()
    compared: int = 0
    skipped: tuple[str, ...] = ()


def follow_up(after: AfterRun | None, recommendations: Sequence[Recommendation],
              inputs: Sequence[ProductUsage], blocked: Collection[str] = ()) -> FollowUp:
    """Compare the After run sheet with the prediction for its run, for every product
    recommended (`recommendations`, made from `inputs`, in the same order) and every
    product the sheet lists; those `blocked` at the run have no prediction."""
    if after is None:
        return FollowUp("none", message=f"No {AFTER_RUN.sheet} sheet: nothing to follow up.")
    if after.run is None:
        if not (after.rows or after.problems or after.run_typed):
            return FollowUp("none", message=f"The {AFTER_RUN.sheet} sheet is empty: nothing to follow up yet.")
        typed = f" holds '{after.run_typed}'" if after.run_typed else " is empty"
        return FollowUp("incomplete", message=f"The run number ({after.run_cell}){typed}: type how many"
                        " reconciliation runs were done since posting, 1 or more, to compare." + _unread(after))
    listed = _listed_by_product(after.rows)
    known = {rec.product: (rec, product) for rec, product in zip(recommendations, inputs)}
    skipped = tuple(name for name in listed if name in blocked)
    others = [name for name in listed if name not in known and name not in blocked]
    compared = [_compare(*known[name], listed.get(name, []), after.run) for name in known]
    compared += [_unknown(name, listed[name]) for name in others]
    differing = tuple(one for one in compared if not one.on_track)
    status = "off_track" if differing else "on_track"
    message = _message(status, after.run, differing, len(compared))
    if skipped:
        message += f" Not compared (blocked at the run, no prediction): {', '.join(skipped[:5])}."
    return FollowUp(status, after.run, message + _unread(after), differing, len(compared), skipped)


def _unread(after: AfterRun) -> str:
    """The cells of the sheet that cannot be read, and why (the first's reason)."""
    if not after.problems:
        return ""
    cells = ", ".join(problem.cell for problem in after.problems[:5])
    more = f" and {len(after.problems) - 5} more" if len(after.problems) > 5 else ""
    return f" Left out, as they cannot be read: {cells}{more} ({after.problems[0].message})."


def _listed_by_product(rows: Sequence[Listed]) -> dict[str, list[Listed]]:
    by_product: dict[str, list[Listed]] = defaultdict(list)
    for row in rows:
        by_product[row.product].append(row)
    return by_product


def _found(rows: Sequence[Listed], references: set[str] | None = None) -> Left:
    """The listed rows as totals; consumption under a reference not in `references` (the
    product's on the Usage sheet; None: none known) may be the write-off's."""
    consumption = [row for row in rows if row.quantity > 0]
    unknown = [row for row in consumption if references is None or _key(row.reference) not in references]
    return Left(sum((row.quantity for row in consumption), ZERO),
                sum((-row.quantity for row in rows if row.quantity < 0), ZERO),
                sum((row.quantity for row in unknown), ZERO))


def _key(reference: str) -> str:
    return reference.strip().casefold()


def _references(product: ProductUsage) -> set[str]:
    return {_key(usage.reference) for usage in product.usage if usage.reference.strip()}


def matches(found: Left, expected: Left) -> bool:
    """Whether a pasted remainder is the predicted one, the write-off listed (under a
    reference the Usage sheet does not have) or not."""
    if found.returns != expected.returns:
        return False
    return found.consumption == expected.consumption or (
        found.consumption == expected.consumption + expected.write_off and found.write_off >= expected.write_off)


def posted(rec: Recommendation) -> Adjustment:
    """What the accountant was told to post: the lines of a product to adjust, else none
    (a product that cannot be cleared has lines not for posting)."""
    return rec.chosen.adjustment if rec.status is Status.ADJUST and rec.chosen.adjustment else NOTHING


def unadjusted(rec: Recommendation, product: ProductUsage) -> Totals:
    """The product's totals before any adjustment: its lots' quantity and used, its usage's
    consumption and returns (the recommendation's, counted once already)."""
    return Totals(capacity=sum((lot.quantity for lot in product.lots), ZERO),
                  used=sum((lot.used for lot in product.lots), ZERO),
                  consumption=rec.positive, returns=rec.negative)


def predicted(totals: Totals, adjustment: Adjustment, runs: int) -> Left:
    """What is unallocated after `runs` runs of the reconciliation with `adjustment` posted
    (`totals`: the product's `unadjusted` ones): its lot on the books, its write-off usage."""
    posted_ = totals._replace(capacity=totals.capacity + adjustment.on, consumption=totals.consumption + adjustment.off)
    _, _, consumption, returns = left_after(posted_, runs)
    write_off = min(consumption, adjustment.off)
    return Left(consumption - write_off, returns, write_off)


def _compare(rec: Recommendation, product: ProductUsage, rows: Sequence[Listed], runs: int) -> Compared:
    totals, references = unadjusted(rec, product), _references(product)
    expected = predicted(totals, posted(rec), runs)
    found = _found(rows, references)
    if matches(found, expected):
        return Compared(rec.product, expected, found)
    return Compared(rec.product, expected, found, _cause(rec, totals, references, rows, runs, found, expected))


def _unknown(name: str, rows: Sequence[Listed]) -> Compared:
    cells = ", ".join(row.cell for row in rows[:3])
    return Compared(name, Left(ZERO, ZERO), _found(rows),
                    f"{name} has no row on the Usage sheet ({cells}): usage posted since the run, or the product"
                    " code is spelled otherwise in the ERP.")


def _cause(rec: Recommendation, totals: Totals, references: set[str], rows: Sequence[Listed], runs: int,
           found: Left, expected: Left) -> str:
    return (_posted_since(references, rows, expected) or _other_run(totals, rec, runs, found)
            or _not_posted(totals, rec, runs, found) or _keyed_otherwise(totals, rec, runs, found)
            or "giveback cannot tell why: compare the product's unallocated usage in the ERP with its rows on the"
               " Usage sheet, and the lines posted with those on Adjustments.")


def _posted_since(references: set[str], rows: Sequence[Listed], expected: Left) -> str:
    new = [row for row in rows if row.reference and _key(row.reference) not in references]
    if not new:
        return ""
    shown = ", ".join(f"{row.reference} ({show(row.quantity)})" for row in new[:5])
    more = f" and {len(new) - 5} more" if len(new) > 5 else ""
    rest = _found([row for row in rows if row not in new], references)
    if matches(rest, expected):
        return f"usage posted since the run: {shown}{more} {_are(new)} not on the Usage sheet; without {_them(new)} the" \
               " product is on track. Reconcile again with the new usage added."
    return f"usage posted since the run, at least in part: {shown}{more} {_are(new)} not on the Usage sheet."


def _other_run(totals: Totals, rec: Recommendation, runs: int, found: Left) -> str:
    adjustment = posted(rec)
    for other in range(max(1, runs - 10), runs + 11):
        if other != runs and matches(found, predicted(totals, adjustment, other)):
            if not (found.consumption or found.returns):  # cleared: any run from `other` on leaves nothing
                return f"nothing of it is listed, which is what {other} or more runs would leave (it clears in" \
                       f" {count_runs(other)}): if that many runs were done, type the number in the Run cell;" \
                       " if not, its rows were left out of the paste."
            return f"it is what {count_runs(other)} would leave: were {count_runs(other)} done, not {runs}? Type the" \
                   " runs done in the Run cell."
    return ""


def _not_posted(totals: Totals, rec: Recommendation, runs: int, found: Left) -> str:
    if posted(rec) != NOTHING and matches(found, predicted(totals, NOTHING, runs)):
        return "it is what the usage leaves with no adjustment: the lines look not posted yet."
    return ""


def _keyed_otherwise(totals: Totals, rec: Recommendation, runs: int, found: Left) -> str:
    """Another On/Off that leaves what was found after `runs` runs: lines the sheets
    showed (the guide's, another option's) first, else the nearest to the recommended."""
    recommended = posted(rec)

    def leaves_it(adjustment: Adjustment) -> bool:
        return adjustment != recommended and matches(found, predicted(totals, adjustment, runs))

    shown = next(((adjustment, where) for adjustment, where in _shown_lines(rec) if leaves_it(adjustment)), None)
    if shown is None:
        hits = [adjustment for adjustment in _candidates(rec, recommended) if leaves_it(adjustment)]
        if not hits:
            return ""
        nearest = min(hits, key=lambda a: (abs(a.on - recommended.on) + abs(a.off - recommended.off), a.on, a.off))
        shown = (nearest, "")
    adjustment, where = shown
    return (f"the lines look keyed with another quantity: {describe(adjustment)}{where} leaves exactly this after"
            f" {count_runs(runs)}, where {describe(recommended)} was recommended. Check the quantities posted in the ERP.")


def _shown_lines(rec: Recommendation) -> Iterator[tuple[Adjustment, str]]:
    """The other lines Summary and Options showed beside the recommended ones."""
    if rec.guide.adjustment is not None:
        yield rec.guide.adjustment, " (the guide's lines)"
    for option in rec.options:
        yield option.adjustment, f" (the Options sheet's {count_runs(option.loops)})"


def _candidates(rec: Recommendation, recommended: Adjustment) -> Iterator[Adjustment]:
    """Adjustments an accountant may have keyed instead: another write-off (On = balance
    change + write-off), the Off line left out, the On or the Off line keyed with another
    quantity."""
    step = rec.step if rec.step > 0 else Decimal(1)
    top = max(rec.positive, rec.negative, recommended.on, recommended.off, abs(rec.delta)) * 2
    points = [step * n for n in range(min(MOST_CANDIDATES, int(top / step) + 1) + 1)]
    delta = max(rec.delta, ZERO)
    for w in points:
        yield Adjustment(on=delta + w, off=w)
    for quantity in points:
        yield Adjustment(on=quantity)
        yield Adjustment(on=quantity, off=recommended.off)
        yield Adjustment(on=recommended.on, off=quantity)


def _are(rows: Sequence) -> str:
    return "is" if len(rows) == 1 else "are"


def _them(rows: Sequence) -> str:
    return "it" if len(rows) == 1 else "them"


def _message(status: str, runs: int, differing: Sequence[Compared], compared: int) -> str:
    if status == "on_track":
        return (f"on track after {count_runs(runs)}: what is still unallocated is what the trace predicted for"
                f" all {compared} product{'s' if compared != 1 else ''}.")
    return (f"not on track after {count_runs(runs)}: {len(differing)} of {compared} product{'s' if compared != 1 else ''}"
            " differ from the trace's prediction.")
