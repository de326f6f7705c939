"""A physical count against the system balance: the one check every host makes before it
uses a count (the Counts sheet, `giveback recommend --count X --balance Y`, the Excel
functions' count and balance), in the words of where it was typed.

Nobody counts fewer than 0 units. The guide's "if you count -20, but the balance
reflected in aACE is 50, then ... 70" reads with the two swapped: typed as written,
Counted -20 against Balance 50 most likely means a balance of -20 and 50 counted, a
change of +70. When the balance could not be a count either (it is negative too), the
message only says what goes where.
"""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from .quantities import show


class CountWords(NamedTuple):
    """How a host names the two figures, and where each is typed."""

    counted: str
    balance: str
    into_counted: str
    into_balance: str


SHEET = CountWords("Counted", "Balance", "under Counted", "under Balance")  # the Counts sheet's columns
ARGUMENTS = CountWords("count", "balance", "as the count", "as the balance")  # options and function arguments


def negative_count(counted: Decimal | None, balance: Decimal | None, words: CountWords = ARGUMENTS) -> str | None:
    """None when `counted` can be a physical count (0 or more, or not given); else why it
    cannot and what to type instead.

    >>> negative_count(Decimal(-20), Decimal(50), SHEET)
    'Counted is -20, but a count cannot be negative: Balance and Counted look swapped. If the system shows -20 and 50 were counted, type -20 under Balance and 50 under Counted (a change of +70).'
    """
    if counted is None or counted >= 0:
        return None
    if balance is not None and balance >= 0:
        return (f"{words.counted} is {show(counted)}, but a count cannot be negative: {words.balance} and"
                f" {words.counted} look swapped. If the system shows {show(counted)} and {show(balance)} were"
                f" counted, type {show(counted)} {words.into_balance} and {show(balance)} {words.into_counted}"
                f" (a change of +{show(balance - counted)}).")
    return (f"{words.counted} is {show(counted)}, but a count cannot be negative; type the units counted"
            f" (0 or more) {words.into_counted} and the system's balance {words.into_balance}.")
