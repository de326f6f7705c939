"""The common Usage row, read fast: a year's export is a million rows of a text product,
a number, a date cell, a text reference and a number cost, repeating the same few
thousand products, dates, quantities and costs.

`QuickUsage` reads such a row with one dictionary lookup per cell: each distinct raw
value is parsed once by the general parsers in `cells` and remembered (numbers stored as
text, numeric references and ISO-text dates too). Any row it is not sure of (a blank, an
error value, a bool, a date-time with a time zone, a value the parsers refuse or read with
a warning) gets None
back and takes the general path (`inputs._usage`), which reports it with its cell: the
quick path never judges a cell, so both paths give the same records (a hypothesis test
compares them). On the benchmark books it reads about three times as fast as the general
path: no per-cell parsing, no `Cells` and no fault list per row.

`QuickUsage.batch` reads a chunk of such rows a column at a time, in C (`map` over a
column with the caches' `get`), when every row of it is a common one: the records the
row by row path gives, a few times faster again. It parses a value it has not met
before but remembers nothing until the whole chunk is sure; else it declines the chunk,
which is then read row by row, so that values are shared in the order the rows give them.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import partial
from itertools import compress, repeat
from operator import is_, itemgetter
from typing import TYPE_CHECKING, Sequence

from core.models import Usage
from core.problems import Code

from . import cells
from .cells import Assumed, Fault, Parser
from .schema import Header, column_address
from ..seam import Row

if TYPE_CHECKING:
    from .inputs import Shared

_NUMBERS = (int, float)  # exact types: a bool is not a quantity
_FIGURES = (int, float, str)  # a number or numeric text ("12" exported as text); never a bool
_DATE_KINDS = (dt.date, int, float, str)  # a date cell, a serial, ISO text (datetimes apart)
_TEXT_KINDS, _FIGURE_KINDS = {str}, set(_FIGURES)
_DATE_CELL_KINDS, _COST_KINDS = {dt.date, int, float, str, type(None)}, {int, float, str, type(None)}
_REFERENCE_KINDS = {str, int, float, type(None)}


class Unsure(Exception):
    """A cell the quick path leaves to the general one."""


class QuickUsage:
    """`quick(number, row)`: the row's `Usage`, or None for the general path to read."""

    def __init__(self, header: Header, shared: Shared, dates: Parser = cells.date):
        columns = header.columns
        self.product, self.quantity = columns["product"], columns["quantity"]
        self.date, self.reference, self.cost = (columns.get(key) for key in ("date", "reference", "unit_cost"))
        self.width = max(columns.values()) + 1
        self.source = column_address(header.sheet, self.quantity)
        self.shared, self.parse_date = shared, dates
        self.products: dict[str, str] = {}
        self.quantities: dict[int | float | str, Decimal] = {}
        self.dates: dict[dt.date | int | float | str, dt.date] = {}
        self.costs: dict[int | float | str, Decimal] = {}

    def __call__(self, number: int, row: Row) -> Usage | None:
        if len(row) < self.width:
            return None
        try:  # the common cell of each column is a dictionary hit: the hot loop, inlined
            value = row[self.product]
            product = self.products.get(value) if type(value) is str else None
            if product is None:
                product = self._product(value)
            value = row[self.quantity]
            quantity = self.quantities.get(value) if type(value) in _FIGURES else None
            if quantity is None:
                quantity = self._number(value, self.quantities, cells.usage_quantity, "quantity")
            date = None if self.date is None else self._date(row[self.date])
            reference = "" if self.reference is None else _reference(row[self.reference])
            value = None if self.cost is None else row[self.cost]
            cost = self.costs.get(value) if type(value) in _FIGURES else None
            if cost is None and value is not None:
                cost = self._number(value, self.costs, cells.cost, "unit_cost")
        except Unsure:
            return None
        return Usage.checked(product, quantity, date, reference, cost, number, f"{self.source}{number}")

    def batch(self, numbers: Sequence[int], rows: Sequence[Row]) -> list[Usage] | None:
        """The records of rows `numbers` (a chunk of the sheet, in order) read column by
        column, or None when some row is not a common one (the caller reads the chunk row
        by row, and this remembered nothing of it)."""
        if not rows or min(map(len, rows)) < self.width:
            return None
        fields = [  # each field's cells, its cache, the kinds of cell the quick path takes, its parser
            (_cells(rows, self.product), self.products, _TEXT_KINDS, _product_parser, "product"),
            (_cells(rows, self.quantity), self.quantities, _FIGURE_KINDS, cells.usage_quantity, "quantity"),
            (_dates(_cells(rows, self.date)), self.dates, _DATE_CELL_KINDS, self.parse_date, "date"),
            (_cells(rows, self.cost), self.costs, _COST_KINDS, cells.cost, "unit_cost"),
        ]
        columns = [_known(values, known, kinds) for values, known, kinds, _, _ in fields]
        references = _references(_cells(rows, self.reference))
        if references is None or None in columns:
            return None
        learned = [_parsed(values, found, parse) for (values, _, _, parse, _), found in zip(fields, columns)]
        if None in learned:
            return None
        for index, parsed in enumerate(learned):
            if parsed:  # remembered once the whole chunk is sure; each field in the rows' order, as row by row
                values, known, _, _, field = fields[index]
                for value, sure in parsed.items():
                    known[value] = self.shared(field, sure)
                columns[index] = list(map(known.get, values))
        products, quantities, dates, costs = columns
        sources = [f"{self.source}{number}" for number in numbers]
        return list(map(_usage, zip(products, quantities, dates, references, costs, numbers, sources)))

    def _product(self, value: object) -> str:
        if type(value) is not str:
            raise Unsure
        known = self.products.get(value)
        if known is None:
            known = self.products[value] = self.shared("product", _sure(_product_parser(value)))
        return known

    def _number(self, value: object, known: dict, parse, field: str) -> Decimal:
        if type(value) not in _FIGURES:  # text the parser refuses ('#N/A', blank) is left
            raise Unsure                 # to the general path, which says which it is
        number = known.get(value)
        if number is None:
            number = known[value] = self.shared(field, _sure(parse(value)))
        return number

    def _date(self, value: object) -> dt.date | None:
        kind = type(value)
        if kind is dt.datetime:  # posting times: nearly every one differs, so not cached;
            if value.tzinfo is not None:  # two zones' equal instants fall on different dates
                raise Unsure
            return self.shared("date", value.date())
        if value is None or (kind is str and not value.strip()):
            return None
        if kind not in _DATE_KINDS:
            raise Unsure
        date = self.dates.get(value)
        if date is None:
            date = self.dates[value] = self.shared("date", _sure(self.parse_date(value)))
        return date


def _reference(value: object) -> str:
    if value is None:
        return ""
    if type(value) in _NUMBERS:  # a document number: its text, `1001` not `1001.0`
        return cells.text(value)
    if type(value) is not str or "#" in value:  # '#N/A' and kin: the general path
        raise Unsure
    return value.strip()


_usage = partial(tuple.__new__, Usage)  # `Usage.checked` of a tuple of its fields, called from C


def _known(values: list | None, known: dict, kinds: set) -> list | None:
    """A column's values as the cache `known` (raw value to parsed) has them, None for a
    blank or a value it does not know; None when some value is of a kind the quick path
    leaves (`kinds`)."""
    if values is None or not set(map(type, values)) <= kinds:
        return None
    return list(map(known.get, values))


def _parsed(values: list, found: list, parse: Parser) -> dict | None:
    """`{value: parsed}` of the column's values the cache did not know, in the rows'
    order; None when one parses unsurely (a blank text is no product and no date: the
    general path says so)."""
    if not any(map(is_, found, repeat(None))):  # a parsed value is never None
        return {}
    parsed = {}
    for value in dict.fromkeys(compress(values, map(is_, found, repeat(None)))):
        if value is None:
            continue
        sure = parse(value)
        if isinstance(sure, (Fault, Assumed)) or (type(value) is str and not value.strip()):
            return None
        parsed[value] = sure
    return parsed


def _cells(rows: Sequence[Row], column: int | None) -> list:
    """A column of the rows (None on every row for a column the sheet lacks)."""
    return [None] * len(rows) if column is None else list(map(itemgetter(column), rows))


def _dates(values: list) -> list | None:
    """Date cells with a posting time (a datetime without a time zone) as their date, as
    `_date` reads them; None when some datetime has a zone (the row by row path's)."""
    if dt.datetime not in set(map(type, values)):
        return values
    if any(type(value) is dt.datetime and value.tzinfo is not None for value in values):
        return None
    return [value.date() if type(value) is dt.datetime else value for value in values]


def _references(values: list) -> list[str] | None:
    """References as `_reference` reads them, or None when some cell is neither text, a
    number nor blank, or holds a '#' (the row by row path reads those)."""
    kinds = set(map(type, values))
    if not kinds <= _REFERENCE_KINDS:
        return None
    if kinds != {str}:
        values = ["" if value is None else value if type(value) is str else cells.text(value) for value in values]
    if "#" in "".join(values):
        return None
    return list(map(str.strip, values))


def _product_parser(value: object) -> str | Fault:
    """A product as the row by row path reads it: error texts and blanks are left to the
    general path (as `Fault`s here)."""
    if cells.is_blank(value) or cells.is_error(value):
        return Fault(Code.PRODUCT_BLANK, "")
    return cells.product(value)


def _sure(parsed):
    if isinstance(parsed, (Fault, Assumed)):
        raise Unsure
    return parsed
