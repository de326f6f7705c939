"""SPEC section 4: the recommendation for a product: the adjustment its rule chooses
(`core.rules`), the guide's beside it, the options (`core.options`), the notes
(`core.notes`) and the trace. In a book, `core.book` sets the pace first.
"""

from __future__ import annotations

from decimal import Decimal

from .giveback import LoopState, Simulation, ledger, simulate
from .models import Adjustment, Option, Outcome, Policy, ProductUsage, Recommendation, TraceRow
from .notes import Said, notes
from .options import Step, staircase
from .rules import RULES, Pace, Space, book, guide, in_steps, outcome, pace_of, write_off_cap


def recommend(
    product: ProductUsage, policy: Policy = Policy(), with_trace: bool = True,
    book_runs: int | None = None, pace: Pace | None = None,
) -> Recommendation:
    """The adjustment `policy.rule` chooses for `product`, the guide's for comparison,
    the options, plain-language notes and, `with_trace`, the chosen adjustment's trace (at
    most `policy.max_loops` runs). Without the trace no simulation runs: the counts are
    exact from the totals, and a writer can stream `trace_of` product by product.

    In a book (`core.book`), `book_runs` is the runs the whole book needs (the book rule's
    pace) and `pace` what `pace_of` found; alone, the product sets its own pace."""
    pace = pace or pace_of(product, policy)
    space = pace.space
    chosen = outcome(space, RULES[policy.rule](space, policy, book_runs), policy.rule, policy)
    by_guide = outcome(space, guide(space, policy), "guide", policy)
    steps = option_steps(space, chosen, by_guide)
    choices = options(space, steps, chosen, by_guide, policy)
    alone = _alone(space, policy, pace, book_runs, chosen, steps)
    return Recommendation(
        product=product.product,
        case=space.balance.case,
        positive=space.balance.positive,
        negative=space.balance.negative,
        net=space.balance.net,
        delta=space.delta,
        available=space.available,
        step=space.step,
        chosen=chosen,
        guide=by_guide,
        pace=pace.pace,
        alone=alone,
        unit_cost=space.unit_cost,
        unit_cost_source=space.unit_cost_source,
        notes=notes(Said(product, space, chosen, by_guide, policy, choices, alone, book_runs, pace.pace)),
        trace=trace_of(product, chosen, policy) if with_trace else (),
        options=choices,
    )


def _alone(space: Space, policy: Policy, pace: Pace, book_runs: int | None, chosen: Outcome,
           steps: list[Step]) -> Outcome | None:
    """What the book rule would give the product on its own, when the book's pace made it
    differ; None otherwise. Without a cap it is an option already found: the smallest W
    settling within the product's pace (its guide's runs, or its fewest)."""
    if policy.rule != "book" or book_runs is None or pace.pace is None or pace.pace >= book_runs:
        return None
    if write_off_cap(space, policy) is None:
        w = space.w_at(min(step.steps for step in steps if step.loops <= pace.pace))
    else:
        w = book(space, policy, None)
    alone = outcome(space, w, "book", policy)
    return None if alone.w == chosen.w else alone


def option_steps(space: Space, chosen: Outcome, by_guide: Outcome) -> list[Step]:
    """The product's staircase (see `core.options`) over its whole range, whatever the cap,
    from the fewest runs to the guide's or the chosen adjustment's, fewest runs first."""
    settling = {outcome.loops: in_steps(outcome.w - space.low, space.step)
                for outcome in (by_guide, chosen) if outcome.settled}
    known = [Step(settling[chosen.loops], chosen.loops)] if chosen.settled and chosen.rule != "guide" else []
    return staircase(space.grid(), settling, known)  # book, fewest and budget choose a W_k: `known`


def options(space: Space, steps: list[Step], chosen: Outcome, by_guide: Outcome, policy: Policy) -> tuple[Option, ...]:
    """SPEC section 4's options: the chosen adjustment marked, and the option with the
    guide's run count."""
    cap = write_off_cap(space, policy)
    return tuple(_option(space, space.w_at(step.steps), step.loops, cap, chosen, by_guide) for step in steps)


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
    return simulation_of(product, chosen, policy).trace


def simulation_of(product: ProductUsage, chosen: Outcome, policy: Policy = Policy()) -> Simulation:
    """The chosen adjustment's runs simulated record by record (at most `policy.max_loops`),
    checked against the run count from the totals: the trace, and the usage record each
    row moves; no runs without lines."""
    if chosen.adjustment is None:
        return NOTHING
    simulation = simulate(ledger(product.product, product.usage, product.lots, chosen.adjustment), policy)
    if not chosen.capped and simulation.loops != chosen.loops:
        raise AssertionError(f"{product.product}: counted {chosen.loops} runs, simulated {simulation.loops}")
    return simulation


NOTHING = Simulation(0, True, False, LoopState((), ()), ())  # no lines: nothing to simulate
