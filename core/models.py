"""The domain, as frozen values: lots, usage, counts, policy, adjustments, outcomes.

Every record keeps where it came from (`source`, e.g. `Usage!B17`, and `row`, its input
order) from the moment it is read. Quantities are exact `Decimal`s (see `quantities`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import Enum
from typing import Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, InstanceOf, TypeAdapter, model_validator

from .quantities import ZERO

LotOrder = Literal["fifo", "lifo"]
RuleName = Literal["book", "fewest", "guide", "budget"]
Phase = Literal["give_back", "allocate"]
PHASE_WORDS: dict[str, str] = {"give_back": "Give back", "allocate": "Allocate"}  # on every sheet and screen
RULE_WORDS: dict[str, str] = {"book": "Book's runs", "fewest": "Fewest runs", "guide": "ERP guide",
                              "budget": "Within max runs", "what-if": "What-if"}  # a rule's name on every sheet and screen
LineKind = Literal["On", "Off"]


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Lot(Frozen):
    """Units on the books for a product. `available = quantity - used`."""

    product: str
    id: str
    quantity: Decimal = Field(gt=0)
    used: Decimal = Field(default=ZERO, ge=0)
    date: dt.date | None = None
    unit_cost: Decimal | None = None
    row: int = 0
    source: str = ""

    @model_validator(mode="after")
    def _used_within_quantity(self) -> "Lot":
        if self.used > self.quantity:
            raise ValueError(f"used {self.used} is more than quantity {self.quantity}")
        return self

    @property
    def available(self) -> Decimal:
        return self.quantity - self.used


class _UsageFields(NamedTuple):
    product: str
    quantity: Decimal
    date: dt.date | None = None
    reference: str = ""
    unit_cost: Decimal | None = None
    row: int = 0
    source: str = ""


class Usage(_UsageFields):
    """One unallocated usage record: positive = consumption, negative = a return.

    An immutable NamedTuple, like `TraceRow`, rather than a pydantic model: a year's export
    is a million of these, and a model's instance dictionary made each record 3.5 times
    the size, its reading, sorting and freeing slower; on the 200k-row book the whole
    reconcile took 18% longer and 47 MB more (bench/scale.py). `Usage(...)` validates as
    the model did (pydantic checks the types and makes numbers Decimal; a quantity is never
    0); a codec that has checked the values makes one with `Usage.checked`."""

    __slots__ = ()

    def __new__(cls, product: str, quantity: Decimal, date: dt.date | None = None, reference: str = "",
                unit_cost: Decimal | None = None, row: int = 0, source: str = "") -> "Usage":
        valid = _validate_usage(dict(product=product, quantity=quantity, date=date, reference=reference,
                                     unit_cost=unit_cost, row=row, source=source))
        if valid.quantity == 0:
            raise ValueError("a usage quantity cannot be 0")
        return _tuple_new(cls, valid)

    @property
    def is_return(self) -> bool:
        return self.quantity < 0

    @classmethod
    def checked(cls, product: str, quantity: Decimal, date: dt.date | None, reference: str,
                unit_cost: Decimal | None, row: int, source: str) -> "Usage":
        """A record from values a codec has already checked (a non-zero Decimal quantity,
        a date or None), without validating them again (0.2 us against 3 us)."""
        return _tuple_new(cls, (product, quantity, date, reference, unit_cost, row, source))


_tuple_new = tuple.__new__
_validate_usage = TypeAdapter(_UsageFields, config=ConfigDict(title="Usage")).validate_python  # as a model's fields


class Count(Frozen):
    """A physical count against the system balance: `delta = counted - balance`."""

    product: str
    balance: Decimal
    counted: Decimal
    source: str = ""

    @property
    def delta(self) -> Decimal:
        return self.counted - self.balance


class Policy(Frozen):
    """How the reconciliation runs and which rule picks the adjustment."""

    rule: RuleName = "book"
    lot_order: LotOrder = "fifo"
    max_runs: int | None = Field(default=None, ge=1)
    max_loops: int = Field(default=10_000, ge=1)
    max_write_off: Decimal | None = Field(default=None, ge=0)  # units
    max_write_off_cost: Decimal | None = Field(default=None, ge=0)  # currency, where the unit cost is known

    @model_validator(mode="after")
    def _budget_needs_max_runs(self) -> "Policy":
        if self.rule == "budget" and self.max_runs is None:
            raise ValueError("the budget rule needs max_runs")
        return self


class ProductUsage(Frozen):
    """Everything the engine knows about one product."""

    product: str
    usage: tuple[InstanceOf[Usage], ...]  # records are checked when made: not made again here
    lots: tuple[Lot, ...] = ()
    count: Count | None = None


class Adjustment(Frozen):
    """A beginning-balance entry: an on line of `on` units, an off line of `-off` units.

    The on line creates the beginning-balance lot (the oldest lot); the off line creates a
    write-off usage of `+off` visited after all of the product's usage."""

    on: Decimal = Field(ge=0)
    off: Decimal = Field(default=ZERO, ge=0)

    @property
    def lines(self) -> tuple["AdjustmentLine", ...]:
        lines = []
        if self.on:
            lines.append(AdjustmentLine(kind="On", quantity=self.on))
        if self.off:
            lines.append(AdjustmentLine(kind="Off", quantity=-self.off))
        return tuple(lines)

    @property
    def gross(self) -> Decimal:
        """Entry size: the sum of the lines' absolute quantities."""
        return self.on + self.off


class AdjustmentLine(Frozen):
    kind: LineKind
    quantity: Decimal


class TraceRow(NamedTuple):
    """One movement of one run: a return given back to a lot, or usage drawn from a lot.

    An immutable NamedTuple, like beancount's `Position`, rather than a pydantic model: a
    year's export yields millions of these, every value computed from validated models,
    and validating each again cost 4x the whole simulation."""

    loop: int
    phase: Phase
    product: str
    reference: str
    source: str
    lot: str
    moved: Decimal
    lot_used_after: Decimal
    unallocated_after: Decimal


class Outcome(Frozen):
    """What one adjustment does: loops that moved quantity, whether everything settled."""

    rule: RuleName | Literal["what-if"]
    w: Decimal | None
    adjustment: Adjustment | None
    loops: int
    settled: bool
    capped: bool = False
    unallocated: Decimal = ZERO

    @property
    def lines(self) -> tuple[AdjustmentLine, ...]:
        return self.adjustment.lines if self.adjustment else ()


class Option(Frozen):
    """One step of a product's staircase (SPEC section 4, Options): `w` is the smallest
    write-off that settles in `loops` runs. `chosen` marks the recommended adjustment,
    `guide` the option with the guide's run count, `within_cap` whether the write-off cap
    allows it."""

    w: Decimal
    adjustment: Adjustment
    loops: int
    gross_cost: Decimal | None = None
    within_cap: bool = True
    chosen: bool = False
    guide: bool = False

    @property
    def lines(self) -> tuple[AdjustmentLine, ...]:
        return self.adjustment.lines

    @property
    def gross(self) -> Decimal:
        return self.adjustment.gross


class Case(str, Enum):
    NET_POSITIVE = "net_positive"
    NET_NEGATIVE = "net_negative"
    NET_ZERO = "net_zero"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class Status(str, Enum):
    """SPEC section 4: every product ends in exactly one of these."""

    ADJUST = "adjust"  # lines that clear the usage
    NO_ADJUSTMENT = "no_adjustment"  # existing lots already clear it
    CANNOT_CLEAR = "cannot_clear"  # no adjustment in range clears it: never recommended
    BLOCKED = "blocked"  # an input problem on one of its rows: not recommended at all

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


CANNOT_CLEAR = "Cannot clear"  # how the note saying why a product cannot be cleared begins


class Recommendation(Frozen):
    """The chosen adjustment for a product, the guide's for comparison, and why."""

    product: str
    case: Case
    positive: Decimal
    negative: Decimal
    net: Decimal
    delta: Decimal
    available: Decimal = ZERO  # units still available on the product's lots
    step: Decimal
    chosen: Outcome
    guide: Outcome
    pace: int | None = None  # the fewest runs under the rule's bound (the book rule: the guide's write-off)
    alone: Outcome | None = None  # the book rule's lines for the product alone, when the book's pace changed them
    unit_cost: Decimal | None = None
    unit_cost_source: str = ""  # where the cost came from, e.g. "the latest usage with a cost (Usage row 17)"
    notes: tuple[str, ...] = ()
    trace: tuple[TraceRow, ...] = ()
    options: tuple[Option, ...] = ()  # fewest runs first

    @property
    def status(self) -> Status:
        """`cannot_clear` when the chosen lines leave usage unallocated (or no W fits the
        rule), `no_adjustment` when they are empty, else `adjust`."""
        if not self.chosen.settled:
            return Status.CANNOT_CLEAR
        return Status.ADJUST if self.chosen.lines else Status.NO_ADJUSTMENT

    @property
    def why_not_cleared(self) -> str:
        """The notes saying why the product cannot be cleared (they begin with
        `CANNOT_CLEAR`); "" when it can."""
        return " ".join(note for note in self.notes if note.startswith(CANNOT_CLEAR))

    @property
    def gross(self) -> Decimal:
        return self.chosen.adjustment.gross if self.chosen.adjustment else ZERO

    @property
    def gross_cost(self) -> Decimal | None:
        return None if self.unit_cost is None else self.gross * self.unit_cost
