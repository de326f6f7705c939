"""giveback's engine: pure functions over frozen models, no file or Excel access.

    >>> from core import recommend_quantities
    >>> rec = recommend_quantities([2, 4, 4, -10, 3, -3])
    >>> [str(line.quantity) for line in rec.chosen.lines], rec.chosen.loops
    (['13', '-13'], 2)
"""

from .classify import Balance, classify
from .counting import Totals, count_loops
from .giveback import Ledger, Simulation, check_invariants, ledger, run, simulate
from .models import (
    Adjustment,
    AdjustmentLine,
    Case,
    Count,
    Lot,
    Option,
    Outcome,
    Policy,
    ProductUsage,
    Recommendation,
    Status,
    TraceRow,
    Usage,
)
from .problems import Code, Problem
from .quantities import NotAQuantity, QuantityTooLarge, json_number, to_quantity
from .recommend import RULES, recommend
from .whatif import BadQuantity, recommend_quantities, what_if

__all__ = [
    "Adjustment", "AdjustmentLine", "BadQuantity", "Balance", "Case", "Code", "Count", "Ledger", "Lot",
    "NotAQuantity", "Option", "Outcome", "QuantityTooLarge", "Policy", "Problem", "ProductUsage", "RULES", "Recommendation",
    "Simulation", "Status", "Totals", "TraceRow", "Usage", "check_invariants", "classify", "count_loops",
    "json_number", "ledger", "recommend", "recommend_quantities", "run", "simulate",
    "to_quantity", "what_if",
]
