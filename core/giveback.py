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
from itertools import compress, filterfalse, repeat
from operator import attrgetter, eq
from typing import Callable, NamedTuple, Sequence

from .models import Adjustment, Lot, LotOrder, Phase, Policy, TraceRow, Usage
from .quantities import ZERO

BEGINNING_BALANCE = "Adjustment lot"  # the lot the on line creates, as every trace names it
WRITE_OFF = "Adjustment write-off"  # the usage the off line creates
QUANTITY, ROW = attrgetter("quantity"), attrgetter("row")


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
    records: tuple[Usage, ...] = ()  # the usage record each trace row moves, row by row


def lot_age(lot: Lot) -> tuple:
    """Oldest first: undated lots, then by date, then by input row."""
    return (lot.date is not None, lot.date or 0, lot.row)


def visiting_order(usage: Usage) -> tuple:
    """Undated records first, then by date, then by input row."""
    return (usage.date is not None, usage.date or 0, usage.row)


BY_DATE_AND_ROW, BY_DATE = attrgetter("date", "row"), attrgetter("date")


def in_order(records: Sequence[Usage] | Sequence[Lot], key: Callable[..., tuple]) -> list:
    """`sorted(records, key=key)` for `visiting_order` or `lot_age` (a sequence: the
    fallback sorts it again).

    When every record is dated, (date, row) orders them alike, and `attrgetter` builds
    those keys without a Python call per record; records already in row order (as read)
    need only their dates compared, the sort being stable (half the time again), and
    none at all when none is dated.
    With an undated record among dated ones that sort compares None with a date and
    raises TypeError before returning anything; the full key then sorts them."""
    in_row_order = _in_row_order(records)
    if in_row_order and not any(map(BY_DATE, records)):  # none dated (a typed list): as they are
        return list(records)
    try:
        return sorted(records, key=BY_DATE if in_row_order else BY_DATE_AND_ROW)
    except TypeError:
        return sorted(records, key=key)


def last_in_order(records: Sequence[Usage] | Sequence[Lot], key: Callable[..., tuple]) -> Usage | Lot | None:
    """The record a stable `sorted(records, key=key)` puts last (among ties, the last in
    input order), None if there is none; like `in_order`, by (date, row) when it can: the
    latest date, compared without building a key a record (a third of the time), then the
    highest row of that date. Undated records compare only through the full key."""
    dates = list(map(BY_DATE, records))
    try:
        latest = max(dates)
    except (TypeError, ValueError):  # None orders with nothing (and raises); no records at all
        return max(reversed(records), key=key, default=None)
    return max(reversed(list(compress(records, map(eq, dates, repeat(latest))))), key=ROW)


def _in_row_order(records: Sequence[Usage] | Sequence[Lot]) -> bool:
    rows = list(map(ROW, records))
    return rows == sorted(rows)  # a sorted list is sorted again in one pass


def ledger(
    product: str,
    usage: tuple[Usage, ...] | list[Usage],
    lots: tuple[Lot, ...] | list[Lot] = (),
    adjustment: Adjustment | None = None,
) -> Ledger:
    """The product's lots and usage in the order runs visit them, with the adjustment's
    beginning-balance lot as the oldest lot and its write-off visited last."""
    ordered_lots = in_order(lots, lot_age)
    ordered_usage = in_order(usage, visiting_order)
    if adjustment is not None and adjustment.on > 0:
        ordered_lots.insert(
            0, Lot(product=product, id=BEGINNING_BALANCE, quantity=adjustment.on, row=-1)
        )
    if adjustment is not None and adjustment.off > 0:
        last_row = max(map(ROW, usage), default=0) + 1
        ordered_usage.append(
            Usage(product=product, quantity=adjustment.off, reference=WRITE_OFF, row=last_row)
        )
    returns, consumptions = _returns_and_consumptions(ordered_usage)
    return Ledger(product, tuple(ordered_lots), tuple(ordered_usage), returns, consumptions)


def _returns_and_consumptions(usage: list[Usage]) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The positions of the returns and of the consumptions (a usage quantity is never 0)."""
    signs = list(map(Decimal.is_signed, map(QUANTITY, usage)))
    positions = range(len(signs))
    return tuple(compress(positions, signs)), tuple(filterfalse(signs.__getitem__, positions))


def opening_state(book: Ledger) -> LoopState:
    """Every usage wholly unallocated; lots as they stand."""
    return LoopState(
        used=tuple(lot.used for lot in book.lots),
        remaining=tuple(map(abs, map(QUANTITY, book.usage))),
    )


def simulate(book: Ledger, policy: Policy = Policy()) -> Simulation:
    """Run the give-back loop until a run moves nothing, or `policy.max_loops` runs.

    Returns the loops that moved quantity, whether every usage is allocated (`settled`),
    whether the run limit stopped it (`capped`), the final state and the trace.
    The invariants of SPEC section 2 hold after every run (see `check_invariants`).

    The runs work on one copy of the state, changed in place, so a run costs the records
    it touches and the lots, not the whole usage list: 10,000 runs of an adjustment of 1
    against 20,000 records took 0.80 s as pure `run`s, 0.05 s so."""
    opening = opening_state(book)
    remaining, used, starts = list(opening.remaining), list(opening.used), [0, 0]
    trace: list[TraceRow] = []
    records: list[Usage] = []
    loops = 0
    while loops < policy.max_loops and _run_in_place(
            book, remaining, used, starts, loops + 1, policy.lot_order, trace, records):
        loops += 1
    state = LoopState(tuple(used), tuple(remaining), *starts)
    capped = loops == policy.max_loops and not is_settled(state) and bool(run(book, state, 0, policy.lot_order)[1])
    return Simulation(loops, is_settled(state), capped, state, tuple(trace), tuple(records))


def is_settled(state: LoopState) -> bool:
    return not any(state.remaining)


def run(
    book: Ledger, state: LoopState, loop: int, lot_order: LotOrder = "fifo"
) -> tuple[LoopState, list[TraceRow]]:
    """One run of the reconciliation: give back, then allocate. Returns the new state and
    the run's trace rows (none when the run moved nothing). `state` is not changed."""
    remaining, used, starts = list(state.remaining), list(state.used), [state.next_return, state.next_consumption]
    rows: list[TraceRow] = []
    _run_in_place(book, remaining, used, starts, loop, lot_order, rows, [])
    return LoopState(tuple(used), tuple(remaining), *starts), rows


def _run_in_place(
    book: Ledger, remaining: list, used: list, starts: list, loop: int, lot_order: LotOrder, rows: list,
    records: list,
) -> bool:
    """One run on the state's lists (`remaining`, `used`, `starts`: the first return and
    consumption that may be unallocated), changed in place; its trace rows are added to
    `rows`, the usage record each moves to `records`. Returns whether it moved anything."""
    before = len(rows)
    oldest_first = range(len(book.lots))
    quantities = [lot.quantity for lot in book.lots]
    # a lot takes at most its used
    starts[0] = _phase(book, loop, "give_back", starts[0], remaining, used, oldest_first[::-1], rows, records)
    available = [quantity - u for quantity, u in zip(quantities, used)]  # and gives at most its available
    starts[1] = _phase(
        book, loop, "allocate", starts[1], remaining, available,
        oldest_first if lot_order == "fifo" else oldest_first[::-1], rows, records,
    )
    used[:] = [quantity - a for quantity, a in zip(quantities, available)]
    return len(rows) > before


def _phase(
    book: Ledger, loop: int, phase: Phase, start: int, remaining: list, capacity: list, lots: range, rows: list,
    records_moved: list,
) -> int:
    """Move each record's remainder, in visiting order, into lots in the order given, each
    lot up to its `capacity` (used when giving back, available when allocating), and add a
    trace row per movement to `rows` (its usage record to `records_moved`). Returns the
    first record left with a remainder: once every lot is spent, later ones wait too.

    Within a phase a lot's capacity only shrinks, so a lot found spent stays spent and the
    walk is a merge of records and lots: O(records touched + lots). It is the engine's
    innermost loop, run once per trace row, so it keeps what it reads in local names and
    builds the rows itself rather than through a recorder closure and a lambda a row."""
    giving_back = phase == "give_back"
    records = book.returns if giving_back else book.consumptions
    usage, product = book.usage, book.product
    ids = [lot.id for lot in book.lots]
    quantities = [lot.quantity for lot in book.lots]
    cursor, spent = 0, len(lots)
    new_row = tuple.__new__  # half the cost of TraceRow's own __new__: 35 ms on 200k rows
    moved_from = records_moved.append
    for position in range(start, len(records)):
        index = records[position]
        left = remaining[index]
        while left and cursor < spent:
            lot = lots[cursor]
            room = capacity[lot]
            moved = left if left < room else room  # min(room, left), without the call
            if moved:
                capacity[lot] = room = room - moved
                remaining[index] = left = left - moved
                record = usage[index]
                rows.append(new_row(TraceRow, (  # TraceRow(...), without its Python-level __new__
                    loop, phase, product, record.reference, record.source, ids[lot], moved,
                    room if giving_back else quantities[lot] - room,  # the lot's used after
                    -left if giving_back and left else left,  # a return's remainder keeps its sign
                )))
                moved_from(record)
            if not room:
                cursor += 1
        if left:
            return position
    return len(records)


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
