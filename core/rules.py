"""SPEC section 4's rules: a product's search range for the write-off W and the rule
that picks W from it.

The rules share one signature, `rule(space, policy, runs) -> W or None`, and live in
`RULES`; `runs` is the book's pace (see `core.book`), which only `book` reads:

- `book` (the default): W bounded by the guide's write-off; the smallest W that settles
  within the runs the whole book needs anyway (`runs`; a product alone: its own fewest
  runs under that bound). A product that nothing up to the guide's write-off settles is
  bounded by its range only.
- `guide`: the seed's rules of thumb (W = 0 for net positive, else the largest of the
  quantities and the net).
- `fewest`: the smallest W on the product's grid that settles in the fewest runs.
- `budget`: the smallest W that settles within `policy.max_runs` runs.

A write-off cap (`policy.max_write_off` units, `policy.max_write_off_cost` in currency at
the product's unit cost) shortens the range `book`, `fewest` and `budget` search: the
fewest runs, then the smallest W, among the W it allows. The guide is shown as it is.

The rules are exact without trying every grid step. The runs a W needs come from the
product's totals in constant time (`counting`), and "settles within K runs" only ever
turns from false to true as W grows (checked against brute force in the tests): the
fewest runs of a range are those of its largest W, and the smallest W reaching K runs is
found by bisection over the grid, about 20 counts for a million grid steps, each counted
in whole grid steps (`Grid`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Callable, Iterable, NamedTuple

from .classify import Balance, balance_change, classify
from .counting import Count, Totals, count_loops, settles_within
from .giveback import QUANTITY, last_in_order, lot_age, visiting_order
from .models import Adjustment, Case, Outcome, Policy, ProductUsage
from .quantities import ZERO, grid_step


class Space(NamedTuple):
    """A product's search range for W and the totals a W leads to."""

    balance: Balance
    delta: Decimal
    step: Decimal
    low: Decimal
    high: Decimal
    largest: Decimal  # the guide's M: the largest |usage| or |net|
    lots_capacity: Decimal
    lots_used: Decimal
    unit_cost: Decimal | None = None
    unit_cost_source: str = ""  # where the unit cost came from (see `unit_cost`)
    whole: "Grid | None" = None  # the range in grid steps, with its counts (`search_space` sets it)

    @property
    def available(self) -> Decimal:
        """Units the product's lots still hold: what usage can draw without an adjustment."""
        return self.lots_capacity - self.lots_used

    def totals(self, w: Decimal) -> Totals:
        return Totals(
            capacity=self.lots_capacity + self.delta + w,
            used=self.lots_used,
            consumption=self.balance.positive + w,
            returns=self.balance.negative,
        )

    def grid(self) -> "Grid":
        """The whole range counted in grid steps: one for the product, so every rule, its
        options and the book curve share the counts made on it."""
        return self.whole

    def _counted(self) -> "Space":
        """The space with its grid: the totals at W = low in grid steps, the range's length."""
        low = Totals(*(in_steps(total, self.step) for total in self.totals(self.low)))
        return self._replace(whole=Grid(low, in_steps(self.high - self.low, self.step), {}))

    def w_at(self, steps: int) -> Decimal:
        """The W `steps` grid steps above the range's low end."""
        return self.low + steps * self.step


_new = tuple.__new__  # a NamedTuple without its Python-level __new__: every new count makes a Totals


def in_steps(quantity: Decimal, step: Decimal) -> int:
    """`quantity`, a multiple of `step`, as a number of steps."""
    steps = quantity / step
    if steps != steps.to_integral_value():
        raise AssertionError(f"{quantity} is off the grid of {step}")
    return int(steps)


class Grid(NamedTuple):
    """A product's totals counted in whole grid steps, W as steps above the range's low end.

    Every figure is a multiple of the grid step, so integer arithmetic counts the same runs
    as the Decimals do, and counts 1.7x faster: the bisection makes some twenty counts a
    product. A count depends on W alone, so each is made once: the pace, the rule, the
    options and the book curve bisect over the same W (57 counts a product, 25 of them
    distinct, on the scale benchmark's book), and every grid of a product (`_replace(top=)`)
    shares `counts`."""

    low: Totals
    top: int  # the range's high end, in steps above its low end
    counts: dict[int, Count]  # the counts made so far, by steps

    def totals(self, steps: int) -> Totals:
        capacity, used, consumption, returns = self.low
        return _new(Totals, (capacity + steps, used, consumption + steps, returns))  # Totals(...) without its __new__

    def count(self, steps: int) -> Count:
        """The runs W = `steps` takes (`counting.count_loops`), counted once."""
        count = self.counts.get(steps)
        if count is None:
            count = self.counts[steps] = count_loops(self.totals(steps))
        return count

    def smallest(self, holds: Callable[[Count], bool], bottom: int = 0, top: int | None = None) -> int:
        """The smallest steps in [bottom, top] (the grid's top unless given) whose count
        `holds`, given that it holds at `top` and, once true, stays true as W grows. The low
        end, the most common answer, is tried first."""
        counts, count = self.counts, self.count
        if holds(counts.get(bottom) or count(bottom)):
            return bottom
        below, above = bottom, self.top if top is None else top
        while above - below > 1:
            middle = (below + above) // 2
            if holds(counts.get(middle) or count(middle)):  # a W counted before is only looked up
                above = middle
            else:
                below = middle
        return above


def search_space(product: ProductUsage) -> Space:
    quantities = list(map(QUANTITY, product.usage))
    balance = classify(quantities)
    capacity = sum((lot.quantity for lot in product.lots), ZERO)
    used = sum((lot.used for lot in product.lots), ZERO)
    delta = balance_change(balance, product.count, capacity - used)
    figures = quantities + [x for lot in product.lots for x in (lot.quantity, lot.used)]
    if product.count is not None:
        figures += [product.count.balance, product.count.counted]
    cost, cost_source = unit_cost(product)
    return Space(
        balance=balance,
        delta=delta,
        step=grid_step(figures),
        low=max(ZERO, -delta),
        high=max(balance.positive, balance.negative, -delta),
        largest=max(max(map(abs, quantities), default=ZERO), abs(balance.net)),
        lots_capacity=capacity,
        lots_used=used,
        unit_cost=cost,
        unit_cost_source=cost_source,
    )._counted()


def write_off_cap(space: Space, policy: Policy) -> Decimal | None:
    """The largest W on the grid the cap allows, None without a cap. The cost cap counts
    where the unit cost is known and above 0; the tighter cap wins."""
    caps = [units for units in (policy.max_write_off, cost_cap_units(space, policy)) if units is not None]
    return (min(caps) // space.step) * space.step if caps else None


def cost_cap_units(space: Space, policy: Policy) -> Decimal | None:
    """The cost cap in units of the product, None where it does not count."""
    if policy.max_write_off_cost is None or space.unit_cost is None or space.unit_cost <= 0:
        return None
    return units_for_cost(policy.max_write_off_cost, space.unit_cost, space.step)


def units_for_cost(cost: Decimal, unit_cost: Decimal, step: Decimal) -> Decimal:
    """The largest multiple of `step` whose cost at `unit_cost` is at most `cost`, exactly
    (the division is rounded at its 28th digit, so its result is checked both ways)."""
    units = (cost / unit_cost // step) * step
    while units * unit_cost > cost:
        units -= step
    while (units + step) * unit_cost <= cost:
        units += step
    return units


def capped_grid(space: Space, policy: Policy) -> "Grid | None":
    """The product's grid up to the cap; None when even the range's low end is over it."""
    grid, cap = space.grid(), write_off_cap(space, policy)
    if cap is None:
        return grid
    if cap < space.low:
        return None
    return grid._replace(top=min(grid.top, in_steps(cap - space.low, space.step)))


def runs_at(grid: "Grid", steps: int) -> int | None:
    """The runs W = `steps` settles in; None when it leaves usage unallocated."""
    count = grid.count(steps)
    return count.loops if count.settled else None


def guide(space: Space, policy: Policy, runs: int | None = None) -> Decimal:
    """Net positive: the single line `+delta`; otherwise `+M / -M`."""
    if space.balance.case is Case.NET_POSITIVE:
        return space.low
    return max(space.largest, space.low)


def book_grid(space: Space, policy: Policy) -> "Grid | None":
    """The range the book rule searches: up to the guide's write-off (within the cap), or
    the whole capped range when nothing up to the guide's write-off settles; None when the
    cap allows no W."""
    grid = capped_grid(space, policy)
    if grid is None:
        return None
    bound = min(grid.top, in_steps(guide(space, policy) - space.low, space.step))
    return grid._replace(top=bound) if runs_at(grid, bound) is not None else grid


def book(space: Space, policy: Policy, runs: int | None = None) -> Decimal | None:
    """The smallest W within the book's range settling within `runs` (the book's pace; its
    own fewest runs under the bound when None); when nothing settles, as `fewest`."""
    return _smallest_within(space, book_grid(space, policy), runs)


def fewest(space: Space, policy: Policy, runs: int | None = None) -> Decimal | None:
    """Fewest runs, then the smallest entry, within the cap. When no W settles: the
    smallest W that leaves the least unallocated; None when the cap allows no W."""
    return _smallest_within(space, capped_grid(space, policy))


def _smallest_within(space: Space, grid: "Grid | None", runs: int | None = None) -> Decimal | None:
    """The smallest W of `grid` settling within `runs` runs, or within the fewest its range
    reaches when that is more (or `runs` is None); when no W of it settles, the smallest
    leaving as little unallocated as any; None without a grid."""
    if grid is None:
        return None
    best = runs_at(grid, grid.top)
    if best is None:
        return _least_unallocated(space, grid)
    within = max(runs or 0, best)
    return space.w_at(grid.smallest(settles_within(within)))


def _least_unallocated(space: Space, grid: "Grid") -> Decimal:
    """The smallest W of `grid` that leaves as little unallocated as its largest."""
    least = grid.count(grid.top).unallocated
    return space.w_at(grid.smallest(lambda count: count.unallocated <= least))


def budget(space: Space, policy: Policy, runs: int | None = None) -> Decimal | None:
    """The smallest W within the cap that settles within `max_runs` runs, or None."""
    within = settles_within(policy.max_runs or 0)
    grid = capped_grid(space, policy)
    if grid is None or not within(grid.count(grid.top)):
        return None
    return space.w_at(grid.smallest(within))


Rule = Callable[[Space, Policy, "int | None"], "Decimal | None"]
RULES: dict[str, Rule] = {"book": book, "guide": guide, "fewest": fewest, "budget": budget}
UNUSED: dict[str, tuple[str, ...]] = {
    "book": (),
    "fewest": ("max_runs",),
    "budget": (),
    "guide": ("max_runs", "max_write_off", "max_write_off_cost"),
}
"""The settings each rule does not use (SPEC section 4: said, never silently ignored):
the guide takes no run budget and no cap, the fewest rule no run budget (`max_runs`
with the book rule, or no rule, makes the rule budget)."""


def unused(rule: str, given: "Iterable[str]") -> list[str]:
    """The settings of `given` (names) that `rule` does not use, in `UNUSED`'s order."""
    names = set(given)
    return [name for name in UNUSED[rule] if name in names]


class Pace(NamedTuple):
    """What one product brings to the book's decision (`core.book`), found on its own:
    the fewest runs its whole range reaches (`fewest`), the fewest under its rule's bound
    (`pace`: for the book rule, the guide's write-off within the cap), the guide's runs;
    None where nothing settles."""

    product: str
    space: Space
    fewest: int | None
    pace: int | None
    guide: int | None


def pace_of(product: ProductUsage, policy: Policy, space: Space | None = None) -> Pace:
    space = space or search_space(product)
    whole = space.grid()
    by_guide = runs_at(whole, in_steps(guide(space, policy) - space.low, space.step))
    bounded = {"book": book_grid, "guide": None}.get(policy.rule, capped_grid)
    if bounded is None:
        pace = by_guide
    else:
        grid = bounded(space, policy)
        pace = runs_at(grid, grid.top) if grid else None
    return Pace(product.product, space, runs_at(whole, whole.top), pace, by_guide)


def outcome(space: Space, w: Decimal | None, rule: str, policy: Policy) -> Outcome:
    """What adjustment W does, counted exactly from the totals. No W (nothing within the
    rule's limits): what the usage does with no adjustment posted, never settled."""
    if w is None:
        alone = count_loops(space.totals(ZERO)._replace(capacity=space.lots_capacity))
        return Outcome(rule=rule, w=None, adjustment=None, loops=alone.loops, settled=False,
                       unallocated=alone.unallocated)
    count = count_loops(space.totals(w))
    return Outcome(
        rule=rule,
        w=w,
        adjustment=Adjustment(on=space.delta + w, off=w),
        loops=count.loops,
        settled=count.settled,
        capped=count.loops > policy.max_loops,
        unallocated=count.unallocated,
    )


def uncapped(policy: Policy) -> Policy:
    return Policy(**{**policy.model_dump(), "max_write_off": None, "max_write_off_cost": None})


def unit_cost(product: ProductUsage) -> tuple[Decimal | None, str]:
    """The latest known cost, from the usage in visiting order, else the newest lot, and
    where it came from in an accountant's words ("the latest usage with a cost (Usage
    row 17)"); (None, "") when no record has one."""
    latest = last_in_order(product.usage, visiting_order)  # the common case: it has the cost
    if latest is None or latest.unit_cost is None:
        latest = last_in_order([u for u in product.usage if u.unit_cost is not None], visiting_order)
    if latest is not None:
        return latest.unit_cost, f"the latest usage with a cost ({row_of(latest.source)})"
    newest = last_in_order([lot for lot in product.lots if lot.unit_cost is not None], lot_age)
    if newest is not None:
        return newest.unit_cost, f"the newest lot with a cost ({row_of(newest.source)})"
    return None, ""


def row_of(source: str) -> str:
    """`Usage!B17` -> `Usage row 17`; other sources as they are."""
    sheet, _, cell = source.rpartition("!")
    digits = cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    return f"{sheet.strip(chr(39))} row {digits}" if sheet and digits.isdigit() else source or "typed in"
