"""The notes of a recommendation (SPEC section 4): why these lines, what the guide's
would do, what the next step on the staircase costs, and why a product cannot be cleared,
in the accountant's words, in money where the unit cost is known."""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from .models import CANNOT_CLEAR, Adjustment, Option, Outcome, Policy, ProductUsage
from .quantities import ZERO, show
from .rules import RULES, Space, cost_cap_units, fewest, outcome, row_of, uncapped, write_off_cap


class Said(NamedTuple):
    """What the notes of one product speak of."""

    product: ProductUsage
    space: Space
    chosen: Outcome
    guide: Outcome
    policy: Policy
    choices: tuple[Option, ...] = ()
    alone: Outcome | None = None  # the book rule's lines for the product alone, when the book's pace changed them
    book_runs: int | None = None  # the runs the whole book needs (the book rule's pace)
    pace: int | None = None  # the product's own fewest runs under its rule's bound (`core.rules.pace_of`)


def notes(said: Said) -> tuple[str, ...]:
    """The notes, in this order: where the balance change comes from, whether the lines
    clear the usage (and why not), the cap, how the lines compare with the guide's and with
    the product alone, and the next step on the staircase."""
    chosen, policy = said.chosen, said.policy
    lines = _balance_notes(said)
    cap = _cap_note(said.space, chosen, policy, said.book_runs)
    if chosen.w is None:
        return (*lines, cap or _beyond_budget(said.product, said.space, policy))
    if not chosen.lines and chosen.settled:
        lines.append(f"No adjustment needed: {_existing_lots(said.space)} clear the usage in {runs(chosen.loops)}.")
    if not chosen.settled:
        lines.append(cap if cap and policy.rule != "guide" else _why_not_cleared(said.product, said.space, chosen))
    if cap and (chosen.settled or policy.rule == "guide"):  # the guide's: beside why it cannot clear
        lines.append(cap)
    if policy.max_write_off_cost is not None and said.space.unit_cost is None:
        lines.append("The write-off cap in cost does not apply: no unit cost is known for this product.")
    if chosen.capped:
        lines.append(f"The trace shows the first {policy.max_loops:,} of {chosen.loops:,} runs"
                     " (max_loops); the run count is exact.")
    if chosen.settled and chosen.lines:
        lines += _against_guide(said)
    lines += _next_step(said)
    return tuple(lines)


def _balance_notes(said: Said) -> list[str]:
    """Where the balance change comes from: a count, or the lots still holding units."""
    count, space = said.product.count, said.space
    if count is not None:
        return [f"Balance change from the count: counted {show(count.counted)}"
                f" - system balance {show(count.balance)} = {show(space.delta)}."]
    available = space.available
    if not available or space.balance.net <= 0:
        return []
    if space.delta:
        return [f"The lots on the books still hold {show(available)} units, so the balance change is the"
                f" net usage {show(space.balance.net)} less those: {show(space.delta)}."]
    return [f"The lots on the books still hold {show(available)} units, which cover the net usage of"
            f" {show(space.balance.net)}: nothing is written up."]


def _existing_lots(space: Space) -> str:
    available = space.available
    return f"the {show(available)} units on the lots" if available else "existing lots"


def _beyond_budget(product: ProductUsage, space: Space, policy: Policy) -> str:
    """Why no W settles within `max_runs`: the fewest runs any W takes, or, when no W
    clears the usage at all, why not (more runs would not help)."""
    best = outcome(space, fewest(space, policy), "fewest", policy)
    if not best.settled:
        return _why_not_cleared(product, space, best)
    return (
        f"{CANNOT_CLEAR} within {runs(policy.max_runs or 0)}: no write-off from {show(space.low)}"
        f" to {show(space.high)} does. The fewest runs any adjustment needs here is"
        f" {best.loops:,} ({describe(best.adjustment)}): allow {runs(best.loops)} (max_runs) or"
        " leave max_runs out."
    )


def _why_not_cleared(product: ProductUsage, space: Space, chosen: Outcome) -> str:
    """Why no write-off clears the usage, and what to check: nearly always a balance
    change from a count that is smaller than the net usage the lots cannot cover."""
    left = f"{CANNOT_CLEAR}: whatever the write-off, {not_cleared(chosen)}"
    free = space.available
    if product.count is None or space.balance.net <= space.delta + free:
        return f"{left}. Do not post these lines."
    on_hand = f" and the lots on hand have {show(free)} units free" if space.lots_capacity else ""
    where = f" ({row_of(product.count.source)})" if product.count.source else ""
    return (
        f"{left}, because the balance change from the count ({show(space.delta)}) is less than"
        f" the net usage ({show(space.balance.net)}){on_hand}. Check the count{where}: the"
        " physical count and the system balance may be swapped or out of date. Do not post"
        " these lines."
    )


def runs_figure(outcome: Outcome) -> int | str:
    """The runs lines take, as every sheet and screen shows them: a number when they
    clear; the runs and the units still left when they do not ("2, 30 left"), never a bare
    number that reads as "clears in 2 runs"."""
    return outcome.loops if outcome.settled else f"{outcome.loops:,}, {show(outcome.unallocated)} left"


def not_cleared(outcome: Outcome) -> str:
    """What lines that do not clear leave, as every sheet and screen says it; with no
    lines (nothing within the rule's limits), what the usage leaves without any."""
    if outcome.adjustment is None:
        return f"no lines within the limits; without an adjustment {units(outcome.unallocated)} stay unallocated"
    left = f"{units(outcome.unallocated)} left unallocated"
    return f"{left} after {runs(outcome.loops)}" if outcome.loops else f"{left} (no run moves anything)"


def _against_guide(said: Said) -> list[str]:
    """How the lines compare with the guide's, and with what the product would get alone."""
    chosen, guide, cost = said.chosen, said.guide, said.space.unit_cost
    if chosen.rule == "guide":
        return []
    if not guide.settled:
        return [f"The guide's {describe(guide.adjustment)} would not clear the usage; these lines do in"
                f" {runs(chosen.loops)}." + _beyond_guide(said)]
    if chosen.w == guide.w:
        return [f"The same lines as the ERP guide's rule of thumb ({runs(guide.loops)})."]
    more = chosen.loops - guide.loops
    than = (f"{runs(-more)} fewer than" if more < 0 else f"{runs(more)} more than" if more > 0
            else "As many runs as")
    said_ = [f"{than} the guide's {describe(guide.adjustment)} ({runs(guide.loops)}),"
             f" with {line_change(chosen.w - guide.w, guide.adjustment, cost)}{_why_more_runs(said, more)}." + _beyond_guide(said)]
    if said.alone is not None and said.alone.w != guide.w:
        alone = said.alone
        said_.append(f"On its own this product would get {describe(alone.adjustment)} ({runs(alone.loops)}):"
                     f" {line_change(alone.w - chosen.w, chosen.adjustment, cost)}.")
    return said_


def _why_more_runs(said: Said, more: int) -> str:
    if more <= 0 or said.book_runs is None:
        return ""
    return f": the book needs {runs(said.book_runs)} anyway"  # Summary's first line, and the command's, says why


def _beyond_guide(said: Said) -> str:
    """Why the lines exceed the guide's, when the book rule had to go past it."""
    if said.chosen.rule != "book" or not said.guide.w or said.chosen.w <= said.guide.w:
        return ""
    return f" No write-off up to the guide's {show(said.guide.w)} clears it, so these lines exceed the guide's."


def line_change(more: Decimal, before: Adjustment | None, unit_cost: Decimal | None) -> str:
    """How a product's lines change when its write-off W changes by `more` from `before`'s
    (`lines_changed`), in money where the unit cost is known: each line changes by as much."""
    return lines_changed(more, before) + each_way(abs(more) * unit_cost if unit_cost is not None else None)


def lines_changed(more: Decimal, before: Adjustment | None) -> str:
    """The same units on each line while both lines stay; otherwise what becomes of each
    line: a line where there was none, no line left, or its units more or fewer (On is the
    balance change plus W, Off is W, so both move by `more`)."""
    on, off = (before.on, before.off) if before else (ZERO, ZERO)
    amount = units(abs(more), "more" if more > 0 else "fewer")
    if on and off and on + more and off + more:
        return f"{amount} on each line"
    if not (on + more or off + more):
        return "no lines"
    said = [_line_change("On", on, on + more, amount), _line_change("Off", -off, -(off + more), amount)]
    return " and ".join(part for part in said if part)


def _line_change(kind: str, before: Decimal, after: Decimal, amount: str) -> str:
    """What becomes of one line (quantities signed as keyed)."""
    if before and after:
        return f"{amount} on the {kind} line"
    if after:
        return f"an {kind} line of {show(after)}"
    return f"no {kind} line" if before else ""


def each_way(cost: Decimal | None) -> str:
    """` (36.00 each way)`: what a change costs on each line, where the unit cost is known."""
    return f" ({money(cost)} each way)" if cost is not None else ""


def money(amount: Decimal) -> str:
    """`12,743.00`: an amount in the book's currency, whichever it is."""
    return f"{amount:,.2f}"


def _next_step(said: Said) -> list[str]:
    """The step that matters beyond the chosen one: the option with the next fewer runs
    (what saving a run costs), when there is one; under the guide rule, a smaller entry
    with the guide's runs."""
    chosen, choices, cost = said.chosen, said.choices, said.space.unit_cost
    if chosen.rule == "guide":
        same = [option for option in choices if option.guide and option.w < chosen.w]
        return [f"{describe(same[0].adjustment)} takes the same {runs(same[0].loops)} with"
                f" {line_change(same[0].w - chosen.w, chosen.adjustment, cost)}. See Options."] if same else []
    marked = [i for i, option in enumerate(choices) if option.chosen]
    paces_book = said.book_runs is None or chosen.loops >= said.book_runs
    if not marked or marked[0] == 0 or not paces_book:
        return []
    faster = choices[marked[0] - 1]
    said_ = [f"Clearing in {runs(faster.loops)} would need {describe(faster.adjustment)}:"
             f" {line_change(faster.w - chosen.w, chosen.adjustment, cost)}. See Options."]
    fastest = choices[0]
    if said.book_runs is not None and said.pace == said.book_runs and fastest.loops < faster.loops:  # it paces it
        said_.append(f"It sets the whole book's pace. {describe(fastest.adjustment)} would clear it in"
                     f" {runs(fastest.loops)}: {line_change(fastest.w - chosen.w, chosen.adjustment, cost)}; the"
                     " book would then need as many runs as its next slowest product (Options shows the whole book).")
    return said_


def _cap_note(space: Space, chosen: Outcome, policy: Policy, book_runs: int | None = None) -> str | None:
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
    free = outcome(space, RULES[policy.rule](space, uncapped(policy), book_runs), policy.rule, policy)
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


def describe(adjustment: Adjustment | None) -> str:
    """`On 85 / Off -42`, as the lines are keyed."""
    lines = adjustment.lines if adjustment else ()
    return " / ".join(f"{line.kind} {show(line.quantity)}" for line in lines) or "no adjustment"


def units(quantity: Decimal, kind: str = "") -> str:
    """`1 more unit`, `3 units`."""
    word = "unit" if quantity == 1 else "units"
    return f"{show(quantity)} {kind} {word}" if kind else f"{show(quantity)} {word}"


def runs(count: int) -> str:
    return f"{count:,} run" if count == 1 else f"{count:,} runs"


def mark(option: Option, guide_w: Decimal | None = None) -> str:
    """What an option is, as every sheet and screen marks it: `Chosen`, `Guide's` (the
    guide's own lines) or `Guide's runs` (as many runs, a smaller entry), `Over the cap`."""
    guide = "Guide's" if option.w == guide_w else "Guide's runs" if option.guide else ""
    marks = [word for word, on in (("Chosen", option.chosen), (guide, bool(guide)),
                                   ("Over the cap", not option.within_cap)) if on]
    return "; ".join(marks)
