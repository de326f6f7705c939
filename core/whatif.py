"""One product's usage given as a plain list: what the command line and the Excel
functions ask about (`giveback recommend -- 2 4 4 -10 3 -3`, `=RECOMMEND_ADJ(B2:B9)`)."""

from __future__ import annotations

from decimal import Decimal
from typing import Iterable, NamedTuple

from .classify import classify
from .counting import Totals, count_loops
from .giveback import ledger, simulate
from .models import Adjustment, Count, Outcome, Policy, ProductUsage, Recommendation, TraceRow, Usage
from .quantities import ZERO, NotAQuantity, show, to_quantity

INLINE = "(inline)"


class BadQuantity(ValueError):
    """A typed quantity that cannot be used; `where` names it (`quantity 3`, `on`)."""

    def __init__(self, where: str, value: object, reason: str):
        shown = show(value) if isinstance(value, Decimal) else repr(value)
        super().__init__(f"{where} ({shown}) {reason}")
        self.where, self.value, self.reason = where, value, reason


def quantity(value: object, where: str) -> Decimal:
    try:
        return to_quantity(value)
    except NotAQuantity:
        raise BadQuantity(where, value, "is not a number") from None


class WhatIf(NamedTuple):
    outcome: Outcome
    trace: tuple[TraceRow, ...]


def usage_list(
    quantities: Iterable[object], product: str = INLINE, unit_cost: Decimal | None = None
) -> tuple[Usage, ...]:
    """Usage records in the given order, each at `unit_cost`; `source` is the position,
    counted from 1. Raises BadQuantity for text or a 0."""
    return _records(usage_amounts(quantities), product, unit_cost)


def usage_amounts(quantities: Iterable[object]) -> list[Decimal]:
    """The quantities as exact amounts, in the given order. Raises BadQuantity for text or
    a 0, naming its position counted from 1."""
    amounts = []
    for position, value in enumerate(quantities, start=1):
        amount = quantity(value, f"quantity {position}")
        if amount == 0:
            raise BadQuantity(f"quantity {position}", value, "is 0: usage quantities are never 0")
        amounts.append(amount)
    return amounts


def _records(amounts: list[Decimal], product: str = INLINE, unit_cost: Decimal | None = None) -> tuple[Usage, ...]:
    return tuple(Usage.checked(product, amount, None, "", unit_cost, position, f"#{position}")  # checked already
                 for position, amount in enumerate(amounts, start=1))


def recommend_quantities(
    quantities: Iterable[object],
    counted: object = None,
    balance: object = None,
    policy: Policy = Policy(),
    unit_cost: object = None,
) -> Recommendation:
    from .recommend import recommend

    count = None
    if counted is not None and balance is not None:
        count = Count(product=INLINE, counted=quantity(counted, "count"), balance=quantity(balance, "balance"))
        if count.counted < 0:
            raise BadQuantity("count", count.counted, "is negative: a physical count cannot be. " + _swapped(count))
    cost = None if unit_cost is None else quantity(unit_cost, "unit cost")
    usage = usage_list(quantities, unit_cost=cost)  # checked: the product is not validated again
    return recommend(ProductUsage.model_construct(product=INLINE, usage=usage, lots=(), count=count), policy)


def _swapped(count: Count) -> str:
    """What a negative count most likely means: count and balance swapped (when the
    balance could be a count), else only that the count must be 0 or more."""
    if count.balance < 0:
        return "Give the units counted (0 or more) as the count and the system's balance as the balance"
    return (f"Count and balance look swapped: a count of {show(count.balance)} against a balance of"
            f" {show(count.counted)} is a balance change of {show(count.balance - count.counted)}")


def what_if(
    quantities: Iterable[object], on: object, off: object = 0, policy: Policy = Policy(), with_trace: bool = True
) -> WhatIf:
    """Loops, settled and, `with_trace`, the trace for a given adjustment (the off line's
    sign is ignored: it always writes units off). The run count is exact even past
    `max_loops`, in constant time; the trace then holds the first `max_loops` runs and the
    outcome says `capped`. Without the trace nothing is simulated."""
    amounts = usage_amounts(quantities)
    on_units = quantity(on, "on")
    if on_units < 0:
        raise BadQuantity("on", on, "is negative: the on line creates a lot")
    adjustment = Adjustment(on=on_units, off=abs(quantity(off, "off")))
    balance = classify(amounts)
    count = count_loops(
        Totals(
            capacity=adjustment.on,
            used=ZERO,
            consumption=balance.positive + adjustment.off,
            returns=balance.negative,
        )
    )
    outcome = Outcome(
        rule="what-if",
        w=adjustment.off,
        adjustment=adjustment,
        loops=count.loops,
        settled=count.settled,
        capped=count.loops > policy.max_loops,
        unallocated=count.unallocated,
    )
    if not with_trace:  # the count is all: no record is made
        return WhatIf(outcome, ())
    return WhatIf(outcome, simulate(ledger(INLINE, _records(amounts), (), adjustment), policy).trace)
