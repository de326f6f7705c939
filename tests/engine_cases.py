"""Small builders shared by the engine tests: usage lists and lots from plain numbers."""

from __future__ import annotations

from decimal import Decimal

from core import Adjustment, Count, Lot, ProductUsage, Usage

D = Decimal


def usage(*quantities, product: str = "P") -> tuple[Usage, ...]:
    return tuple(
        Usage(product=product, quantity=D(str(q)), row=i, source=f"Usage!B{i + 1}")
        for i, q in enumerate(quantities, start=1)
    )


def lots(*pairs, product: str = "P") -> tuple[Lot, ...]:
    """(quantity, used) pairs, oldest first."""
    return tuple(
        Lot(product=product, id=f"L{i}", quantity=D(str(q)), used=D(str(u)), row=i)
        for i, (q, u) in enumerate(pairs, start=1)
    )


def product(quantities, existing=(), count=None) -> ProductUsage:
    return ProductUsage(
        product="P",
        usage=usage(*quantities),
        lots=lots(*existing),
        count=None if count is None else Count(product="P", counted=D(str(count[0])), balance=D(str(count[1]))),
    )


def adjustment(on, off=0) -> Adjustment:
    return Adjustment(on=D(str(on)), off=D(str(off)))
