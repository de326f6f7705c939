"""The COGS reconciliation's give-back loop, one product at a time, record by record.

One **run** has two phases (SPEC section 2):

1. *Give back*: each unallocated return, in visiting order, goes back to lots
   newest-first, each lot taking at most its current `used`.
2. *Allocate*: each unallocated positive usage, in visiting order, draws on lots
   oldest-first (`fifo`; `lifo` draws newest-first), each lot giving at most its
   `available`.

Runs repeat until one moves nothing; that last run is not counted.

The seed's net-zero list `+2 +4 +4 -10 +3 -3` with an adjustment of 13 (a beginning-balance
lot of 13, the oldest, and a write-off usage of +13 visited last)::

    run 1  give back: nothing (the lot's used is 0)
           allocate:  2, 4, 4, 3 from the lot          used 13; write-off waits
    run 2  give back: 10 and 3 to the lot              used 0
           allocate:  the write-off's 13               used 13
    run 3  nothing moves: settled in 2 loops

With an adjustment of 1 each run gives back one unit and draws one: 14 loops. With 50 the
first run already draws 37 of the write-off: still 2 loops, but a needlessly large entry.

`simulate` is exact and emits a trace row per movement; its cost is the records it
touches plus the lots per run. How many runs a product needs depends only on its totals
(see `counting`), which the tests check against this record-by-record simulation.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Callable, Iterator, NamedTuple

from .models import Adjustment, Lot, LotOrder, Policy, TraceRow, Usage
from .quantities import ZERO

BEGINNING_BALANCE = "Beginning balance"
WRITE_OFF = "Write-off"


class Ledger(NamedTuple):
    """What does not change between runs: lots by age, usage by visiting order."""

    product: str
    lots: tuple[Lot, ...]
    usage: tuple[Usage, ...]
    returns: tuple[int, ...]
    consumptions: tuple[int, ...]


class LoopState(NamedTuple):
    """What a run changes: each lot's `used`, each usage's unallocated remainder (as a
    magnitude), and the first return and consumption that may still be unallocated."""

    used: tuple[Decimal, ...]
    remaining: tuple[Decimal, ...]
    next_return: int = 0
    next_consumption: int = 0


class Simulation(NamedTuple):
    loops: int
    settled: bool
    capped: bool
    state: LoopState
    trace: tuple[TraceRow, ...]


def lot_age(lot: Lot) -> tuple:
    """Oldest first: undated lots, then by date, then by input row."""
    return (lot.date is not None, lot.date or 0, lot.row)


def visiting_order(usage: Usage) -> tuple:
    """Undated records first, then by date, then by input row."""
    return (usage.date is not None, usage.date or 0, usage.row)


def ledger(
    product: str,
    usage: tuple[Usage, ...] | list[Usage],
    lots: tuple[Lot, ...] | list[Lot] = (),
    adjustment: Adjustment | None = None,
) -> Ledger:
    """The product's lots and usage in the order runs visit them, with the adjustment's
    beginning-balance lot as the oldest lot and its write-off visited last."""
    ordered_lots = sorted(lots, key=lot_age)
    ordered_usage = sorted(usage, key=visiting_order)
    if adjustment is not None and adjustment.on > 0:
        ordered_lots.insert(
            0, Lot(product=product, id=BEGINNING_BALANCE, quantity=adjustment.on, row=-1)
        )
    if adjustment is not None and adjustment.off > 0:
        last_row = max((u.row for u in usage), default=0) + 1
        ordered_usage.append(
            Usage(product=product, quantity=adjustment.off, reference=WRITE_OFF, row=last_row)
        )
    return Ledger(
        product=product,
        lots=tuple(ordered_lots),
        usage=tuple(ordered_usage),
        returns=tuple(i for i, u in enumerate(ordered_usage) if u.quantity < 0),
        consumptions=tuple(i for i, u in enumerate(ordered_usage) if u.quantity > 0),
    )


def opening_state(book: Ledger) -> LoopState:
    """Every usage wholly unallocated; lots as they stand."""
    return LoopState(
        used=tuple(lot.used for lot in book.lots),
        remaining=tuple(abs(u.quantity) for u in book.usage),
    )


def simulate(book: Ledger, policy: Policy = Policy()) -> Simulation:
    """Run the give-back loop until a run moves nothing, or `policy.max_loops` runs.

    Returns the loops that moved quantity, whether every usage is allocated (`settled`),
    whether the run limit stopped it (`capped`), the final state and the trace.
    The invariants of SPEC section 2 hold after every run (see `check_invariants`)."""
    state = opening_state(book)
    trace: list[TraceRow] = []
    for loop in range(1, policy.max_loops + 1):
        state, rows = run(book, state, loop, policy.lot_order)
        if not rows:
            return Simulation(loop - 1, is_settled(state), False, state, tuple(trace))
        trace.extend(rows)
    capped = not is_settled(state) and bool(run(book, state, 0, policy.lot_order)[1])
    return Simulation(policy.max_loops, is_settled(state), capped, state, tuple(trace))


def is_settled(state: LoopState) -> bool:
    return not any(state.remaining)


def run(
    book: Ledger, state: LoopState, loop: int, lot_order: LotOrder = "fifo"
) -> tuple[LoopState, list[TraceRow]]:
    """One run of the reconciliation: give back, then allocate. Returns the new state and
    the run's trace rows (none when the run moved nothing). `state` is not changed."""
    used, remaining = list(state.used), list(state.remaining)
    rows: list[TraceRow] = []
    record = _recorder(book, loop, used, remaining, rows)
    next_return = _give_back(book, state.next_return, used, remaining, record)
    next_consumption = _allocate(
        book, state.next_consumption, used, remaining, record, lot_order
    )
    return LoopState(tuple(used), tuple(remaining), next_return, next_consumption), rows


Record = Callable[[str, int, int, Decimal], None]


def _give_back(book: Ledger, start: int, used: list, remaining: list, record: Record) -> int:
    """Returns in visiting order to lots newest-first, each lot up to its `used`.
    Returns the index of the first return still unallocated."""
    lots = _lots_with(used, newest_first=True)
    for position in range(start, len(book.returns)):
        usage_index = book.returns[position]
        for lot_index in lots:
            moved = min(used[lot_index], remaining[usage_index])
            if moved:
                used[lot_index] -= moved
                remaining[usage_index] -= moved
                record("give_back", usage_index, lot_index, moved)
            if not remaining[usage_index]:
                break
        if remaining[usage_index]:
            return position  # every lot's used is spent: later returns must wait too
    return len(book.returns)


def _allocate(
    book: Ledger, start: int, used: list, remaining: list, record: Record, lot_order: LotOrder
) -> int:
    """Consumption in visiting order from lots (oldest-first for fifo), each lot up to its
    `available`. Returns the index of the first consumption still unallocated."""
    available = [lot.quantity - u for lot, u in zip(book.lots, used)]
    lots = _lots_with(available, newest_first=(lot_order == "lifo"))
    for position in range(start, len(book.consumptions)):
        usage_index = book.consumptions[position]
        for lot_index in lots:
            moved = min(available[lot_index], remaining[usage_index])
            if moved:
                available[lot_index] -= moved
                used[lot_index] += moved
                remaining[usage_index] -= moved
                record("allocate", usage_index, lot_index, moved)
            if not remaining[usage_index]:
                break
        if remaining[usage_index]:
            return position  # every lot is full: later consumption must wait too
    return len(book.consumptions)


class _Lots:
    """Lot indexes in drawing order that skips lots already emptied in this phase.

    Within one phase a lot's capacity only shrinks, so a lot found empty stays empty:
    the cursor moves one way and a phase costs O(lots + records touched)."""

    def __init__(self, capacity: list, order: list[int]):
        self.capacity, self.order, self.first = capacity, order, 0

    def __iter__(self) -> Iterator[int]:
        order, capacity = self.order, self.capacity
        while self.first < len(order) and not capacity[order[self.first]]:
            self.first += 1
        for position in range(self.first, len(order)):
            if capacity[order[position]]:
                yield order[position]


def _lots_with(capacity: list, newest_first: bool) -> _Lots:
    order = list(range(len(capacity)))
    return _Lots(capacity, order[::-1] if newest_first else order)


def _recorder(book: Ledger, loop: int, used: list, remaining: list, rows: list) -> Record:
    def record(phase: str, usage_index: int, lot_index: int, moved: Decimal) -> None:
        usage = book.usage[usage_index]
        left = remaining[usage_index]
        # model_construct: every value here was computed from validated models.
        rows.append(
            TraceRow.model_construct(
                loop=loop,
                phase=phase,
                product=book.product,
                reference=usage.reference,
                source=usage.source,
                lot=book.lots[lot_index].id,
                moved=moved,
                lot_used_after=used[lot_index],
                unallocated_after=-left if usage.quantity < 0 and left else left,
            )
        )

    return record


def check_invariants(book: Ledger, state: LoopState) -> list[str]:
    """SPEC section 2's invariants; returns what is broken (nothing, when all holds)."""
    broken = []
    for lot, used in zip(book.lots, state.used):
        if not ZERO <= used <= lot.quantity:
            broken.append(f"lot {lot.id}: used {used} outside 0..{lot.quantity}")
    for usage, left in zip(book.usage, state.remaining):
        if not ZERO <= left <= abs(usage.quantity):
            broken.append(f"usage {usage.source or usage.reference}: remainder {left}")
    drawn = sum(abs(u.quantity) - left for u, left in zip(book.usage, state.remaining) if u.quantity > 0)
    given = sum(abs(u.quantity) - left for u, left in zip(book.usage, state.remaining) if u.quantity < 0)
    opening = sum(lot.used for lot in book.lots)
    if sum(state.used) != opening + drawn - given:
        broken.append("units not conserved: lots' used differs from usage allocated")
    return broken
