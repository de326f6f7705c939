"""Reading one cell's plain value as a product, quantity, date or cost.

Each parser returns the value, a `Fault` (a stable code and an accountant's message) or
`Assumed` (a value read with a warning: a date that could be read two ways). `Cells` reads
a row through a sheet's header and gathers the faults as `Problem`s that name their cell
(`Usage!D17`). Error cells (`#DIV/0!`, `#N/A`, ...) are `formula_error` and formulas saved
without their result `formula_not_calculated`, whatever the column. Blank means `None` or
text of blanks only. Numbers and dates typed as text are read as `typed` says (`(20)` is
-20, `$2.50` a cost of 2.50, `1,234` 1234; `12,5` is refused with how to type it).

A fault in a required field (Product, Quantity) or in one that changes the answer (Used, a
count) is an `error`: its row is not used and its product is blocked. A codec reads an
optional field (a date, a reference, a unit cost) with `assume`, what it takes instead:
the fault becomes a `warning` saying so, and the row is used.

    Usage!C5  'soon' is not a date; use a date cell or YYYY-MM-DD. The row is taken as
              undated: it is visited with the undated rows, first, in input order.  (warning)
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Callable, NamedTuple, TypeVar

from core.problems import Code, Problem, Severity
from core.quantities import NotAQuantity, QuantityTooLarge, plain_quantity, show, show_number, to_quantity

from . import typed
from .schema import Header, cell_address, column_address
from ..seam import Row, Uncalculated

EXCEL_ERRORS = frozenset(
    "#NULL! #DIV/0! #VALUE! #REF! #NAME? #NUM! #N/A #GETTING_DATA #SPILL! #CALC!"
    " #FIELD! #BLOCKED! #CONNECT! #BUSY! #UNKNOWN! #PYTHON!".split()
)
EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 1 is 1900-01-01 (after Excel's 1900-02-29)
LAST_SERIAL = 2_958_465  # 9999-12-31
EXCEL_MAX_TEXT = 32_767  # characters a cell holds


class Fault(NamedTuple):
    code: Code
    message: str
    severity: Severity = "error"


class Assumed(NamedTuple):
    """A value read with a warning: what was taken, and why it may not be what was meant."""

    value: object
    warning: Fault


NOT_CALCULATED = Fault(Code.FORMULA_NOT_CALCULATED, "The cell holds a formula saved without its result (the file"
                       " was written by a program that does not calculate). Open the file in Excel or LibreOffice"
                       " and save it, so the formula is calculated, or type the value.")


T = TypeVar("T")
Parser = Callable[[object], "T | Fault"]


def is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def is_error(value: object) -> bool:
    """An Excel error value shown as text (`#N/A`, `#DIV/0!`); every one starts with '#'."""
    return isinstance(value, str) and value.lstrip()[:1] == "#" and value.strip().upper() in EXCEL_ERRORS


def text(value: object) -> str:
    """Any value as the text an accountant sees: `1001` not `1001.0` (`1E+300` beyond any
    ledger), dates as ISO."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value)) if abs(value) < 1e21 else show_number(value)
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date().isoformat()
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value).strip()


def product(value: object) -> str | Fault:
    """A product code or name: its text, at most what an Excel cell holds (longer text,
    written by other tools, could not be shown on the output sheets), and not a totals
    row's label (`TOTAL_LABELS`)."""
    name = text(value)
    if len(name) > EXCEL_MAX_TEXT:
        return Fault(Code.PRODUCT_TOO_LONG, f"The product is {len(name):,} characters long; Excel cells hold"
                     f" {EXCEL_MAX_TEXT:,}. Shorten it.")
    if _WORDS.sub(" ", name).strip(" :").casefold() in TOTAL_LABELS:
        return Fault(Code.PRODUCT_TOTAL_ROW, f"'{name}' labels a totals row, not a product: its figures add up rows"
                     " already read, so they would count twice. Delete the row.")
    return name


TOTAL_LABELS = frozenset({"total", "totals", "grand total", "sub total", "subtotal", "total usage"})
"""What a totals row at the foot of an export says in its product column (casefolded,
blanks, dashes and underscores as one space, a trailing colon dropped)."""
_WORDS = re.compile(r"[\s_\-]+")


def quantity(value: object, money: bool = False) -> Decimal | Fault:
    """Any finite number, rounded to 6 places; text as `typed` reads it (`money`: with a
    currency sign or code)."""
    number = plain_quantity(value)  # a plain number, the common cell: straight from core
    if number is not None:
        return number
    number = _exact(value, value)
    if isinstance(number, Fault) and isinstance(value, str):
        plain = typed.number_text(value, money=money)
        number = Fault(Code.QUANTITY_NOT_A_NUMBER, plain.message) if isinstance(plain, typed.Refused) else \
            _exact(plain, value)
    return number


def _exact(value: object, typed_as: object) -> Decimal | Fault:
    try:
        return to_quantity(value)
    except QuantityTooLarge:
        return Fault(Code.QUANTITY_NOT_A_NUMBER, f"{show_number(typed_as)} is too large: giveback takes numbers"
                     " below 1,000,000,000,000,000 (Excel keeps 15 digits).")
    except NotAQuantity:
        shown = show_number(typed_as) if isinstance(typed_as, bool) else text(typed_as)  # TRUE, as Excel shows it
        return Fault(Code.QUANTITY_NOT_A_NUMBER, f"'{shown}' is not a number: type digits, such as 12 or -12.5.")


def usage_quantity(value: object) -> Decimal | Fault:
    """A usage quantity: a number other than 0."""
    number = quantity(value)
    if isinstance(number, Decimal) and number == 0:
        return Fault(Code.QUANTITY_ZERO, _zero_message(value))
    return number


def _zero_message(value: object) -> str:
    if isinstance(value, (int, float, Decimal)) and value != 0:  # rounded away at 6 places
        return f"{text(value)} rounds to 0 at 6 decimal places; a usage quantity cannot be 0."
    return "A usage quantity cannot be 0; delete the row or enter the units."


def figure(code: Code, what: str) -> Parser:
    """A parser for any number, reporting `code` when the value is not one."""

    def parse(value: object) -> Decimal | Fault:
        number = quantity(value)
        return Fault(code, f"{what} {number.message}") if isinstance(number, Fault) else number

    return parse


def lot_quantity(value: object) -> Decimal | Fault:
    """A lot's quantity: a number more than 0."""
    number = quantity(value)
    if isinstance(number, Decimal) and number <= 0:
        return Fault(Code.LOT_QUANTITY_NOT_POSITIVE, f"A lot's quantity must be more than 0, not {show(number)}.")
    return number


def lot_used(value: object) -> Decimal | Fault:
    """A lot's used units: a number, 0 or more."""
    return _not_negative(quantity(value), value, Code.LOT_USED_INVALID, "Used")


def cost(value: object) -> Decimal | Fault:
    """A unit cost: a number, 0 or more (`$2.50`, `2.50 EUR` typed as text are 2.50)."""
    return _not_negative(quantity(value, money=True), value, Code.COST_INVALID, "Unit cost")


def _not_negative(number: Decimal | Fault, value: object, code: Code, what: str) -> Decimal | Fault:
    if isinstance(number, Fault):
        return Fault(code, f"{what} {number.message}")
    if number < 0:
        return Fault(code, f"{what} '{text(value)}' is not a number of 0 or more.")
    return number


def dates(order: str | None) -> Parser:
    """A parser of dates: a real date or datetime, ISO text (`2026-03-31`,
    `2026-03-31T08:00`), an Excel serial number (`46112`) or text naming a date
    (`31/03/2026`, `1 Mar 2026`), day and month ordered by `order` (Settings `date_order`;
    None when not set) where the text leaves them open."""

    def parse(value: object) -> dt.date | Assumed | Fault:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
            return _serial_date(value)
        if isinstance(value, str):
            try:
                return dt.datetime.fromisoformat(value.strip()).date()
            except ValueError:
                found = typed.date_text(value, order)
                if isinstance(found, typed.Guessed):
                    return Assumed(found.date, _guessed(value, found, order))
                if found is not None:
                    return found
        return Fault(Code.DATE_INVALID, f"'{text(value)}' is not a date; use a date cell or YYYY-MM-DD.")

    return parse


def _guessed(value: str, found: typed.Guessed, order: str | None) -> Fault:
    why = ("date_order ymd says the book's dates come year first, and this one has the year last" if order else
           "no date_order is set on the Settings sheet, and mdy is the default")
    settle = "" if order else ", or set date_order to mdy or dmy on the Settings sheet"
    return Fault(Code.DATE_AMBIGUOUS, f"'{text(value)}' could be {typed.spoken(found.date)} or"
                 f" {typed.spoken(found.other)}; it is read as {typed.spoken(found.date)} (month first: {why})."
                 f" To make it certain, type {found.date.isoformat()} or {found.other.isoformat()}, or use a date"
                 f" cell{settle}.", "warning")


date = dates(None)
"""Dates read with no date_order set: a date that could be read two ways is read month
first, with a warning."""


def _serial_date(serial: int | float | Decimal) -> dt.date | Fault:
    try:
        days = int(serial)
    except (ValueError, OverflowError, ArithmeticError):  # NaN, infinity
        days = 0
    if not 1 <= days <= LAST_SERIAL or days == 60:  # 60 is Excel's phantom 1900-02-29
        return Fault(Code.DATE_INVALID, f"{text(serial)} is not a date Excel can show.")
    return EXCEL_EPOCH + dt.timedelta(days=days + (1 if days < 60 else 0))


class Cells:
    """One data row read through its sheet's header. Problems found while reading are
    kept in `problems` with their cells; `product` is attached once it is known."""

    __slots__ = ("header", "number", "row", "faults")

    def __init__(self, header: Header, number: int, row: Row):
        self.header, self.number, self.row = header, number, row
        self.faults: list[tuple[int, Fault]] = []

    def is_blank(self) -> bool:
        """Blank in every column the sheet's schema reads (other columns are ignored)."""
        row, width = self.row, len(self.row)
        for column in self.header.columns.values():
            if column < width and not is_blank(row[column]):
                return False
        return True

    def value(self, key: str) -> object:
        column = self.header.columns.get(key)
        if column is None or column >= len(self.row):
            return None
        return self.row[column]

    def cell(self, key: str) -> str:
        return f"{column_address(self.header.sheet, self.header.columns[key])}{self.number}"

    def read(self, key: str, parse: Parser, blank: Fault | None = None, assume: str | None = None):
        """The parsed value of column `key`; None when blank (a fault if `blank` is given)
        or when the cell is bad (a fault is recorded: with `assume`, an optional field's,
        a warning ending with what is taken instead)."""
        value = self.value(key)
        if value is None and blank is None:
            return None
        if not isinstance(value, str) and value is not None:  # numbers and dates: most cells
            result = NOT_CALCULATED if isinstance(value, Uncalculated) else parse(value)
        elif is_blank(value):
            result = blank
        elif is_error(value):
            result = Fault(Code.FORMULA_ERROR, f"The cell shows {value.strip()}; fix its formula.")
        else:
            result = parse(value)
        if isinstance(result, Assumed):
            self.faults.append((self.header.columns.get(key, 0), result.warning))
            return result.value
        if isinstance(result, Fault):
            if assume is not None:
                result = Fault(result.code, f"{result.message} {assume}", "warning")
            self.faults.append((self.header.columns.get(key, 0), result))
            return None
        return result

    def fault(self, key: str, fault: Fault) -> None:
        self.faults.append((self.header.columns[key], fault))

    @property
    def blocked(self) -> bool:
        """Whether an error was found: the row is not used (warnings leave it in use)."""
        return any(fault.severity == "error" for _, fault in self.faults)

    def problems(self, product: str | None) -> list[Problem]:
        """The row's faults as problems; a totals row's label alone (its other cells are the
        totals' and their faults say nothing more)."""
        reference = self.reference()
        faults = self.faults
        if any(fault.code is Code.PRODUCT_TOTAL_ROW for _, fault in faults):
            faults = [(column, fault) for column, fault in faults if fault.code is Code.PRODUCT_TOTAL_ROW]
        return [
            Problem(
                code=fault.code,
                cell=cell_address(self.header.sheet, self.number, column),
                message=fault.message,
                product=product,
                reference=reference,
                severity=fault.severity,
            )
            for column, fault in faults
        ]

    def reference(self) -> str | None:
        """The row's document reference or lot id as typed, to find the record by."""
        for key in ("reference", "lot"):
            value = self.value(key)
            if not (is_blank(value) or is_error(value) or isinstance(value, Uncalculated)):
                return text(value)[:255]
        return None
