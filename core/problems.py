"""Problems with the input: values with a stable code, the cell, and an accountant's message.

Problems are returned, not raised (like beancount's errors): one bad row never hides the
others. Exceptions are kept for bugs and for files that cannot be read at all.
"""

from __future__ import annotations

from enum import Enum
from typing import Literal

from .models import Frozen

Severity = Literal["error", "warning"]


class Code(str, Enum):
    """Stable problem codes. Never renumber or reuse: users filter on them."""

    QUANTITY_BLANK = "quantity_blank"
    QUANTITY_NOT_A_NUMBER = "quantity_not_a_number"
    QUANTITY_ZERO = "quantity_zero"
    PRODUCT_BLANK = "product_blank"
    DATE_INVALID = "date_invalid"
    COST_INVALID = "cost_invalid"
    LOT_QUANTITY_NOT_POSITIVE = "lot_quantity_not_positive"
    LOT_USED_INVALID = "lot_used_invalid"
    LOT_USED_ABOVE_QUANTITY = "lot_used_above_quantity"
    LOT_ID_DUPLICATE = "lot_id_duplicate"
    COUNT_INVALID = "count_invalid"
    COUNT_DUPLICATE = "count_duplicate"
    COUNT_UNKNOWN_PRODUCT = "count_unknown_product"
    SETTING_UNKNOWN = "setting_unknown"
    SETTING_INVALID = "setting_invalid"
    FORMULA_ERROR = "formula_error"
    SHEET_MISSING = "sheet_missing"
    COLUMN_MISSING = "column_missing"
    HEADER_DUPLICATE = "header_duplicate"
    FILE_UNREADABLE = "file_unreadable"
    LOT_UNKNOWN_PRODUCT = "lot_unknown_product"
    SHEET_AMBIGUOUS = "sheet_ambiguous"
    PRODUCT_TOO_LONG = "product_too_long"
    FORMULA_NOT_CALCULATED = "formula_not_calculated"
    PRODUCT_LOOKALIKE = "product_lookalike"
    DATE_AMBIGUOUS = "date_ambiguous"
    SETTING_NOT_USED = "setting_not_used"
    PRODUCT_TOTAL_ROW = "product_total_row"
    USAGE_EMPTY = "usage_empty"


class Problem(Frozen):
    """One thing wrong with the input, where it is, and what to do about it.

    An `error` sets its product aside (not recommended from partial data) and makes the
    run's exit status 1: a required field (Product, Quantity) that cannot be read, or one
    that changes the answer (Used above Quantity, a count with one figure missing), or
    product codes that look alike (`product_lookalike`). A `warning` is reported beside the
    results and changes nothing else; its message says what was assumed: an optional field
    that cannot be read (a date or a unit cost, taken as none), a date that could be read
    two ways (`date_ambiguous`), a setting the chosen rule does not use
    (`setting_not_used`)."""

    code: Code
    cell: str
    message: str
    product: str | None = None
    reference: str | None = None  # the row's document reference or lot id, to find the record by
    severity: Severity = "error"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def __str__(self) -> str:
        kind = "" if self.is_error else ", warning"
        return f"{self.cell}: {self.message} [{self.code.value}{kind}]"
