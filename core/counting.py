"""How many runs a product needs, from its totals alone, in constant time.

In a give-back phase every return is offered to every lot, so the phase gives back
`min(returns left, total used)` whatever the lots' order; likewise an allocate phase draws
`min(consumption left, total available)`. The number of runs therefore depends only on
four totals: lot capacity `C`, lots' `used`, consumption `P` and returns `R` still
unallocated. (The tests check this against the record-by-record `giveback.simulate`.)

Once the lots are full and at least `C` of both returns and consumption wait, every run
gives back `C` and draws `C` again, ending full: `k = min(R // C, P // C)` such runs are
counted at once. Only a handful of runs fall outside such a stretch, so `count_loops`
answers a what-if of 1 unit against a million in microseconds, exactly. `left_after` is
the same walk cut at k runs: what a follow-up expects the ERP to show after them.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Callable, NamedTuple


class Totals(NamedTuple):
    capacity: Decimal  # lots' quantity, the adjustment's lot included
    used: Decimal  # lots' used before the first run
    consumption: Decimal  # positive usage, the write-off included
    returns: Decimal  # |negative usage|


class Count(NamedTuple):
    loops: int
    settled: bool
    unallocated: Decimal  # consumption and returns left, as magnitudes


_new = tuple.__new__  # a NamedTuple without its Python-level __new__: the bisections count 50,000 W on the 200k book


def count_loops(totals: Totals) -> Count:
    """The exact number of runs that move quantity, whether they settle everything, and
    what stays unallocated; never more than a few steps of arithmetic."""
    capacity, used, consumption, returns = totals
    loops = 0
    while True:
        if capacity and used == capacity and returns >= capacity and consumption >= capacity:
            stretch = min(returns // capacity, consumption // capacity)
            returns -= stretch * capacity
            consumption -= stretch * capacity
            loops += int(stretch)
        # min() spelled out: the bisection counts some twenty W a product, and the calls
        # cost a fifth of its time
        given = returns if returns < used else used
        used, returns = used - given, returns - given
        room = capacity - used
        drawn = consumption if consumption < room else room
        used, consumption = used + drawn, consumption - drawn
        if not (given or drawn):
            return _new(Count, (loops, not (returns or consumption), returns + consumption))  # Count(...), faster
        loops += 1


def settles_within(runs: int) -> Callable[[Count], bool]:
    """The test a count passes when it settles within `runs` runs."""
    return lambda count: count.settled and count.loops <= runs


def left_after(totals: Totals, runs: int) -> Totals:
    """The totals after `runs` runs (or after the last run that moves anything, when that
    comes first): the capacity as it was, the lots' used, and the consumption and returns
    still unallocated. Stretches of full runs are counted at once, as in `count_loops`."""
    capacity, used, consumption, returns = totals
    while runs > 0:
        if capacity and used == capacity and returns >= capacity and consumption >= capacity:
            stretch = int(min(returns // capacity, consumption // capacity, runs))
            returns -= stretch * capacity
            consumption -= stretch * capacity
            runs -= stretch
            continue
        given = min(returns, used)
        used, returns = used - given, returns - given
        drawn = min(consumption, capacity - used)
        used, consumption = used + drawn, consumption - drawn
        if not (given or drawn):
            break
        runs -= 1
    return Totals(capacity, used, consumption, returns)
