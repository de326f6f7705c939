"""SPEC section 4: choose the adjustment `+(delta + W) / -W` for a product.

The rules share one signature, `rule(space, policy) -> W or None`, and live in `RULES`:

- `guide`: the seed's rules of thumb (W = 0 for net positive, else the largest quantity).
- `fewest`: the smallest W on the product's grid that settles in the fewest runs.
- `budget`: the smallest W that settles within `policy.max_runs` runs.

A write-off cap (`policy.max_write_off` units, `policy.max_write_off_cost` in currency at
the product's unit cost) shortens the range `fewest` and `budget` search: the fewest runs,
then the smallest W, among the W it allows. The guide is shown as it is.

`fewest` and `budget` are exact without trying every grid step. The runs a W needs come
from the product's totals in constant time (`counting`), and "settles within K runs" only
ever turns from false to true as W grows (checked against brute force in the tests): the
fewest runs are those of the range's largest W, and the smallest W reaching them is found
by bisection over the grid, about 20 counts for a million grid steps, each counted in
whole grid steps (`Grid`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Callable, NamedTuple

from .classify import Balance, balance_change, classify
from .counting import Totals, count_loops, settles_within
from .giveback import QUANTITY, last_in_order, ledger, lot_age, simulate, visiting_order
from .models import CANNOT_CLEAR, Adjustment, Case, Option, Outcome, Policy, ProductUsage, Recommendation, TraceRow
from .options import Step, staircase
from .quantities import ZERO, grid_step, show


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

    def totals(self, w: Decimal) -> Totals:
        return Totals(
            capacity=self.lots_capacity + self.delta + w,
            used=self.lots_used,
            consumption=self.balance.positive + w,
            returns=self.balance.negative,
        )

    def grid(self) -> "Grid":
        """The totals at W = low, counted in grid steps, and the range's length in steps."""
        return Grid(
            Totals(*(in_steps(total, self.step) for total in self.totals(self.low))),
            in_steps(self.high - self.low, self.step),
        )

    def w_at(self, steps: int) -> Decimal:
        """The W `steps` grid steps above the range's low end."""
        return self.low + steps * self.step


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
    product."""

    low: Totals
    top: int  # the range's high end, in steps above its low end

    def totals(self, steps: int) -> Totals:
        capacity, used, consumption, returns = self.low
        return Totals(capacity + steps, used, consumption + steps, returns)

    def smallest(self, holds: Callable[[int], bool], bottom: int = 0) -> int:
        """The smallest steps in [bottom, top] where `holds`, given that it holds at `top`
        and, once true, stays true as W grows. The low end, the most common answer, is
        tried first."""
        if holds(bottom):
            return bottom
        below, above = bottom, self.top
        while above - below > 1:
            middle = (below + above) // 2
            if holds(middle):
                above = middle
            else:
                below = middle
        return above


def search_space(product: ProductUsage) -> Space:
    quantities = list(map(QUANTITY, product.usage))
    balance = classify(quantities)
    delta = balance_change(balance, product.count)
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
        lots_capacity=sum((lot.quantity for lot in product.lots), ZERO),
        lots_used=sum((lot.used for lot in product.lots), ZERO),
        unit_cost=cost,
        unit_cost_source=cost_source,
    )


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


def guide(space: Space, policy: Policy) -> Decimal:
    """Net positive: the single line `+delta`; otherwise `+M / -M`."""
    if space.balance.case is Case.NET_POSITIVE:
        return space.low
    return max(space.largest, space.low)


def fewest(space: Space, policy: Policy) -> Decimal | None:
    """Fewest runs, then the smallest entry, within the cap. When no W settles: the
    smallest W that leaves the least unallocated; None when the cap allows no W."""
    grid = capped_grid(space, policy)
    if grid is None:
        return None
    best = count_loops(grid.totals(grid.top))
    if best.settled:
        return space.w_at(grid.smallest(lambda steps: settles_within(grid.totals(steps), best.loops)))
    return space.w_at(grid.smallest(lambda steps: count_loops(grid.totals(steps)).unallocated <= best.unallocated))


def budget(space: Space, policy: Policy) -> Decimal | None:
    """The smallest W within the cap that settles within `max_runs` runs, or None."""
    runs = policy.max_runs or 0
    grid = capped_grid(space, policy)
    if grid is None or not settles_within(grid.totals(grid.top), runs):
        return None
    return space.w_at(grid.smallest(lambda steps: settles_within(grid.totals(steps), runs)))


Rule = Callable[[Space, Policy], "Decimal | None"]
RULES: dict[str, Rule] = {"guide": guide, "fewest": fewest, "budget": budget, "book": fewest}  # book: until its own


def outcome(space: Space, w: Decimal | None, rule: str, policy: Policy) -> Outcome:
    """What adjustment W does, counted exactly from the totals."""
    if w is None:
        return Outcome(rule=rule, w=None, adjustment=None, loops=0, settled=False)
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


def recommend(product: ProductUsage, policy: Policy = Policy(), with_trace: bool = True) -> Recommendation:
    """The adjustment `policy.rule` chooses for `product`, the guide's for comparison,
    plain-language notes and, `with_trace`, the chosen adjustment's trace (at most
    `policy.max_loops` runs). Without the trace no simulation runs: the counts are exact
    from the totals, and a writer can stream `trace_of` product by product."""
    space = search_space(product)
    chosen = outcome(space, RULES[policy.rule](space, policy), policy.rule, policy)
    by_guide = outcome(space, guide(space, policy), "guide", policy)
    choices = options(space, chosen, by_guide, policy)
    return Recommendation(
        product=product.product,
        case=space.balance.case,
        positive=space.balance.positive,
        negative=space.balance.negative,
        net=space.balance.net,
        delta=space.delta,
        step=space.step,
        chosen=chosen,
        guide=by_guide,
        unit_cost=space.unit_cost,
        unit_cost_source=space.unit_cost_source,
        notes=notes(product, space, chosen, by_guide, policy, choices),
        trace=trace_of(product, chosen, policy) if with_trace else (),
        options=choices,
    )


def options(space: Space, chosen: Outcome, by_guide: Outcome, policy: Policy) -> tuple[Option, ...]:
    """SPEC section 4's options (see `core.options`), fewest runs first, over the whole
    range whatever the cap: the chosen adjustment marked, and the option with the guide's
    run count."""
    settling = {outcome.loops: in_steps(outcome.w - space.low, space.step)
                for outcome in (by_guide, chosen) if outcome.settled}
    known = [Step(settling[chosen.loops], chosen.loops)] if chosen.settled and chosen.rule != "guide" else []
    cap = write_off_cap(space, policy)
    return tuple(  # fewest and budget choose a W_k: `known`
        _option(space, space.w_at(step.steps), step.loops, cap, chosen, by_guide)
        for step in staircase(space.grid(), settling, known)
    )


def _option(space: Space, w: Decimal, loops: int, cap: Decimal | None, chosen: Outcome, by_guide: Outcome) -> Option:
    adjustment = Adjustment(on=space.delta + w, off=w)
    return Option(
        w=w,
        adjustment=adjustment,
        loops=loops,
        gross_cost=None if space.unit_cost is None else adjustment.gross * space.unit_cost,
        within_cap=cap is None or w <= cap,
        chosen=chosen.w == w,
        guide=by_guide.settled and by_guide.loops == loops,
    )


def trace_of(product: ProductUsage, chosen: Outcome, policy: Policy = Policy()) -> tuple[TraceRow, ...]:
    """Every movement of the chosen adjustment's runs (at most `policy.max_loops` runs),
    simulated record by record and checked against the run count from the totals."""
    if chosen.adjustment is None:
        return ()
    simulation = simulate(ledger(product.product, product.usage, product.lots, chosen.adjustment), policy)
    if not chosen.capped and simulation.loops != chosen.loops:
        raise AssertionError(f"{product.product}: counted {chosen.loops} runs, simulated {simulation.loops}")
    return simulation.trace


def unit_cost(product: ProductUsage) -> tuple[Decimal | None, str]:
    """The latest known cost, from the usage in visiting order, else the newest lot, and
    where it came from in an accountant's words ("the latest usage with a cost (Usage
    row 17)"); (None, "") when no record has one."""
    latest = last_in_order(product.usage, visiting_order)  # the common case: it has the cost
    if latest is None or latest.unit_cost is None:
        latest = last_in_order([u for u in product.usage if u.unit_cost is not None], visiting_order)
    if latest is not None:
        return latest.unit_cost, f"the latest usage with a cost ({_row_of(latest.source)})"
    newest = last_in_order([lot for lot in product.lots if lot.unit_cost is not None], lot_age)
    if newest is not None:
        return newest.unit_cost, f"the newest lot with a cost ({_row_of(newest.source)})"
    return None, ""


def _row_of(source: str) -> str:
    """`Usage!B17` -> `Usage row 17`; other sources as they are."""
    sheet, _, cell = source.rpartition("!")
    digits = cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    return f"{sheet.strip(chr(39))} row {digits}" if sheet and digits.isdigit() else source or "typed in"


def notes(
    product: ProductUsage, space: Space, chosen: Outcome, by_guide: Outcome, policy: Policy,
    choices: tuple[Option, ...] = (),
) -> tuple[str, ...]:
    said = []
    cap = _cap_note(space, chosen, policy)
    if product.count is not None:
        said.append(
            f"Balance change from the count: counted {show(product.count.counted)}"
            f" - system balance {show(product.count.balance)} = {show(space.delta)}."
        )
    if chosen.w is None:
        said.append(cap or _beyond_budget(product, space, policy))
        return tuple(said)
    if not chosen.lines and chosen.settled:
        said.append(f"No adjustment needed: existing lots clear the usage in {runs(chosen.loops)}.")
    if not chosen.settled:
        said.append(cap if cap and policy.rule != "guide" else _why_not_cleared(product, space, chosen))
    if cap and (chosen.settled or policy.rule == "guide"):  # the guide's: beside why it cannot clear
        said.append(cap)
    if policy.max_write_off_cost is not None and space.unit_cost is None:
        said.append("The write-off cap in cost does not apply: no unit cost is known for this product.")
    if chosen.capped:
        said.append(
            f"The trace shows the first {policy.max_loops:,} of {chosen.loops:,} runs"
            " (max_loops); the run count is exact."
        )
    if chosen.rule != "guide" and chosen.settled:
        said.append(_against_guide(chosen, by_guide))
    said += _next_step(chosen, by_guide, choices)
    return tuple(said)


def _beyond_budget(product: ProductUsage, space: Space, policy: Policy) -> str:
    """Why no W settles within `max_runs`: the fewest runs any W takes, or, when no W
    clears the usage at all, why not (more runs would not help)."""
    best = outcome(space, fewest(space, policy), "fewest", policy)
    if not best.settled:
        return _why_not_cleared(product, space, best)
    return (
        f"{CANNOT_CLEAR} within {runs(policy.max_runs or 0)}: no write-off from {show(space.low)}"
        f" to {show(space.high)} does. The fewest runs any adjustment needs here is"
        f" {best.loops:,} (write-off {show(best.w)}): allow {runs(best.loops)} (max_runs) or"
        " use the fewest rule."
    )


def _why_not_cleared(product: ProductUsage, space: Space, chosen: Outcome) -> str:
    """Why no write-off clears the usage, and what to check: nearly always a balance
    change from a count that is smaller than the net usage the lots cannot cover."""
    left = f"{CANNOT_CLEAR}: {show(chosen.unallocated)} units stay unallocated whatever the write-off"
    free = space.lots_capacity - space.lots_used
    if product.count is None or space.balance.net <= space.delta + free:
        return f"{left}. Do not post these lines."
    on_hand = f" and the lots on hand have {show(free)} units free" if space.lots_capacity else ""
    where = f" ({_row_of(product.count.source)})" if product.count.source else ""
    return (
        f"{left}, because the balance change from the count ({show(space.delta)}) is less than"
        f" the net usage ({show(space.balance.net)}){on_hand}. Check the count{where}: the"
        " physical count and the system balance may be swapped or out of date. Do not post"
        " these lines."
    )


def _against_guide(chosen: Outcome, by_guide: Outcome) -> str:
    if not by_guide.settled:
        return f"The guide's adjustment would not clear the usage; this one does in {runs(chosen.loops)}."
    more = chosen.loops - by_guide.loops
    said = (
        f"{runs(-more)} fewer than" if more < 0 else f"{runs(more)} more than" if more > 0 else "As few runs as"
    ) + f" the guide's adjustment ({runs(by_guide.loops)})"
    return said + _units_on_each_line(chosen.w - by_guide.w) + "."


def _units_on_each_line(more: Decimal) -> str:
    """Two adjustments of one product differ by the same units on each line (W)."""
    if not more:
        return ""
    return f" for {show(abs(more))} {'more' if more > 0 else 'fewer'} units on each line"


def _next_step(chosen: Outcome, by_guide: Outcome, choices: tuple[Option, ...]) -> list[str]:
    """The step that matters beyond the guide's: the option with the next more runs, when
    it is not the guide's own adjustment; under the guide rule, a smaller entry with the
    guide's runs."""
    marked = [i for i, option in enumerate(choices) if option.chosen]
    if chosen.rule == "guide":
        same = [option for option in choices if option.guide and option.w < chosen.w]
        return [f"{describe(same[0].adjustment)} takes the same {runs(same[0].loops)}"
                f"{_units_on_each_line(same[0].w - chosen.w)} (see Options)."] if same else []
    if not marked or marked[0] + 1 == len(choices) or choices[marked[0] + 1].w == by_guide.w:
        return []
    after = choices[marked[0] + 1]
    return [f"{runs(after.loops)} would need {describe(after.adjustment)}"
            f"{_units_on_each_line(after.w - chosen.w)} (see Options)."]


def _cap_note(space: Space, chosen: Outcome, policy: Policy) -> str | None:
    """What the write-off cap cost, None when it changed nothing."""
    cap = write_off_cap(space, policy)
    if cap is None:
        return None
    the_cap = _the_cap(cap, space, policy)
    if policy.rule == "guide":  # the rule of thumb is shown as it is
        return None if chosen.w <= cap else (
            f"The guide's adjustment writes off {show(chosen.w)} units, over {the_cap}; {_within_cap(space, policy)}.")
    if cap < space.low:
        return (f"{CANNOT_CLEAR} within {the_cap}: the balance change needs at least {show(space.low)} units"
                " written off.")
    free = outcome(space, RULES[policy.rule](space, uncapped(policy)), policy.rule, policy)
    if free.w == chosen.w:
        return None
    if chosen.w is None:
        return (f"{CANNOT_CLEAR} within {runs(policy.max_runs or 0)} and {the_cap};"
                f" {describe(free.adjustment)} would.")
    if not chosen.settled:
        return (f"{CANNOT_CLEAR} within {the_cap}: {show(chosen.unallocated)} units stay unallocated;"
                f" {describe(free.adjustment)} would clear them in {runs(free.loops)}. Do not post these lines.")
    return f"{the_cap.capitalize()} keeps this at {runs(chosen.loops)}; {describe(free.adjustment)} would take {free.loops:,}."


def _within_cap(space: Space, policy: Policy) -> str:
    """Whether the fewest rule clears the usage within the cap, for the guide's note."""
    if outcome(space, fewest(space, policy), "fewest", policy).settled:
        return "the fewest rule keeps within it"
    return "no adjustment within it clears the usage"


def _the_cap(cap: Decimal, space: Space, policy: Policy) -> str:
    """The cap that binds, in the accountant's terms."""
    by_cost = cost_cap_units(space, policy)
    if by_cost is None or (policy.max_write_off is not None and policy.max_write_off <= by_cost):
        return f"the write-off cap of {show(policy.max_write_off)} units"
    return (f"the write-off cap of {show(policy.max_write_off_cost)} in cost ({show(cap)} units"
            f" at {show(space.unit_cost)})")


def uncapped(policy: Policy) -> Policy:
    return Policy(**{**policy.model_dump(), "max_write_off": None, "max_write_off_cost": None})


def describe(adjustment: Adjustment | None) -> str:
    """`On 85 / Off -42`, as the lines are keyed."""
    lines = adjustment.lines if adjustment else ()
    return " / ".join(f"{line.kind} {show(line.quantity)}" for line in lines) or "no adjustment"


def runs(count: int) -> str:
    return f"{count:,} run" if count == 1 else f"{count:,} runs"
