"""One product's usage given as a plain list: what the command line and the Excel
functions ask about (`giveback recommend -- 2 4 4 -10 3 -3`, `=RECOMMEND_ADJ(B2:B9)`)."""

from __future__ import annotations

from decimal import Decimal
from typing import Iterable, NamedTuple

from .classify import classify
from .counting import Totals, count_loops
from .counts import negative_count
from .giveback import ledger, simulate
from .models import Adjustment, Count, Outcome, Policy, ProductUsage, Recommendation, TraceRow, Usage
from .quantities import ZERO, NotAQuantity, QuantityTooLarge, show, show_number, to_quantity

INLINE = "(inline)"


class BadQuantity(ValueError):
    """A typed quantity that cannot be used: `where` names it (`quantity 3`, `on`, `usage
    cell 2 (row 2 of the range)`), the message says what is there and why, the same words
    on the command line and in Excel ("quantity 2 is not a number (abc)", "on is
    0.000000001, which rounds to 0: ..."); `message` replaces them when given."""

    def __init__(self, where: str, value: object, reason: str, message: str = ""):
        super().__init__(message or f"{where} {reason}")
        self.where, self.value, self.reason = where, value, reason


def _shown(value: object) -> str:
    """A typed value as the messages show it."""
    return show(value) if isinstance(value, Decimal) else show_number(value) or "blank"


def quantity(value: object, where: str) -> Decimal:
    """`value` as an exact quantity; BadQuantity for what is not a number, is too large,
    or is not 0 yet rounds to 0 at 6 decimal places (never silently)."""
    try:
        number = to_quantity(value)
    except QuantityTooLarge:
        raise BadQuantity(where, value, f"is {_shown(value)}, too large: giveback takes numbers below "
                                        "1,000,000,000,000,000 (Excel keeps 15 digits)") from None
    except NotAQuantity:
        raise BadQuantity(where, value, f"is not a number ({_shown(value)})") from None
    if number == 0 and _not_zero(value):
        raise BadQuantity(where, value, f"is {_shown(value)}, which rounds to 0: giveback counts units to 6 decimal "
                                        "places (0.000001)")
    return number


def _not_zero(value: object) -> bool:
    try:
        return Decimal(value.strip() if isinstance(value, str) else repr(value) if isinstance(value, float) else value) != 0
    except (ArithmeticError, TypeError, ValueError):
        return False


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
        if problem := negative_count(count.counted, count.balance):
            raise BadQuantity("count", count.counted, "is negative", problem.rstrip("."))  # callers end the sentence
    cost = None if unit_cost is None else quantity(unit_cost, "unit cost")
    usage = usage_list(quantities, unit_cost=cost)  # checked: the product is not validated again
    return recommend(ProductUsage.model_construct(product=INLINE, usage=usage, lots=(), count=count), policy)


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
