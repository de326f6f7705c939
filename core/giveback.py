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
from typing import Callable, NamedTuple

from .models import Adjustment, Lot, LotOrder, Phase, Policy, TraceRow, Usage
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
    remaining = list(state.remaining)
    rows: list[TraceRow] = []
    oldest_first = list(range(len(book.lots)))

    used = list(state.used)  # give back: a lot takes at most its used
    next_return = _phase(
        book.returns, state.next_return, remaining, used, oldest_first[::-1],
        _recorder(book, loop, "give_back", lambda lot: used[lot], remaining, rows),
    )
    available = [lot.quantity - u for lot, u in zip(book.lots, used)]  # allocate: its available
    next_consumption = _phase(
        book.consumptions, state.next_consumption, remaining, available,
        oldest_first if lot_order == "fifo" else oldest_first[::-1],
        _recorder(book, loop, "allocate", lambda lot: book.lots[lot].quantity - available[lot], remaining, rows),
    )
    used = [lot.quantity - a for lot, a in zip(book.lots, available)]
    return LoopState(tuple(used), tuple(remaining), next_return, next_consumption), rows


Record = Callable[[int, int, Decimal], None]


def _phase(
    records: tuple[int, ...], start: int, remaining: list, capacity: list, lots: list[int], record: Record
) -> int:
    """Move each record's remainder, in visiting order, into lots in the order given, each
    lot up to its `capacity` (used when giving back, available when allocating). Returns
    the first record left with a remainder: once every lot is spent, later ones wait too.

    Within a phase a lot's capacity only shrinks, so a lot found spent stays spent and the
    walk is a merge of records and lots: O(records touched + lots)."""
    cursor = 0
    for position in range(start, len(records)):
        usage = records[position]
        while remaining[usage] and cursor < len(lots):
            lot = lots[cursor]
            moved = min(capacity[lot], remaining[usage])
            if moved:
                capacity[lot] -= moved
                remaining[usage] -= moved
                record(usage, lot, moved)
            if not capacity[lot]:
                cursor += 1
        if remaining[usage]:
            return position
    return len(records)


def _recorder(
    book: Ledger, loop: int, phase: Phase, used_after: Callable[[int], Decimal], remaining: list, rows: list
) -> Record:
    usage, lots, product = book.usage, book.lots, book.product

    def record(usage_index: int, lot_index: int, moved: Decimal) -> None:
        record_usage = usage[usage_index]
        left = remaining[usage_index]
        if left and record_usage.quantity < 0:
            left = -left  # a return's remainder keeps its sign
        rows.append(
            TraceRow(
                loop, phase, product, record_usage.reference, record_usage.source,
                lots[lot_index].id, moved, used_after(lot_index), left,
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
