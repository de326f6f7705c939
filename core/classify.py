"""SPEC section 3: which case a product's unallocated usage is in."""

from __future__ import annotations

from decimal import Decimal
from typing import Iterable, NamedTuple

from .models import Case, Count
from .quantities import ZERO


class Balance(NamedTuple):
    positive: Decimal  # P: consumption
    negative: Decimal  # N: |returns|
    case: Case

    @property
    def net(self) -> Decimal:
        return self.positive - self.negative


def classify(quantities: Iterable[Decimal]) -> Balance:
    positive = negative = ZERO
    for quantity in quantities:
        if quantity > 0:
            positive += quantity
        else:
            negative -= quantity
    net = positive - negative
    case = Case.NET_POSITIVE if net > 0 else Case.NET_NEGATIVE if net < 0 else Case.NET_ZERO
    return Balance(positive, negative, case)


def balance_change(balance: Balance, count: Count | None, available: Decimal = ZERO) -> Decimal:
    """SPEC section 4's delta: the count's correction when both figures are given; else
    what brings the balance on the books up to zero and no further: the net usage less the
    units still `available` on the product's lots, never below 0. Without a count nobody
    knows the true balance, so nothing is written up beyond what the usage needs."""
    if count is not None:
        return count.delta
    return max(ZERO, balance.net - available)
