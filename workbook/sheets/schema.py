"""The input sheets' schemas (SPEC section 5): which sheet, which columns, which aliases.

Sheet and header names match case-insensitively with surrounding blanks ignored. The
header is the first non-empty row that names one of the sheet's columns, so title rows
above a table are skipped; columns the schema does not know are ignored; a column named
twice is reported (`header_duplicate`) and its first cell is the one read.

    Usage sheet             header found on row 3, Quantity is column B
      1  March usage export
      2
      3  SKU     | Qty | Note
      4  BOLT-10 | -20 | ...
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable, Iterator, NamedTuple, Sequence

from core.problems import Code, Problem

from ..seam import Row


class Field(NamedTuple):
    """One input column: its key in the codecs and the header names it is known by (the
    first is the one templates write)."""

    key: str
    names: tuple[str, ...]
    required: bool = False

    @property
    def header(self) -> str:
        return self.names[0]


def normal_name(name: object) -> str:
    """A sheet or header name as compared: blanks trimmed and collapsed, case folded."""
    return " ".join(str(name).split()).casefold() if name is not None else ""


@dataclass(frozen=True)
class Schema:
    """One input sheet: its name, its columns, and whether a workbook must have it."""

    sheet: str
    fields: tuple[Field, ...]
    required: bool = False
    _keys: dict[str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        keys = {normal_name(name): f.key for f in self.fields for name in f.names}
        object.__setattr__(self, "_keys", keys)

    def key_for(self, header: object) -> str | None:
        """The field a header cell names, or None for a column giveback does not read."""
        return self._keys.get(normal_name(header))

    @property
    def required_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.required)


def _product(required: bool = True) -> Field:
    return Field("product", ("Product", "Item", "Code", "SKU", "Item Code", "Item Number", "Item No",
                             "Product Code", "Part Number"), required)  # the headers ERPs export it under


def _quantity() -> Field:
    return Field("quantity", ("Quantity", "Qty"), True)


USAGE = Schema(
    "Usage",
    (
        _product(),
        _quantity(),
        Field("date", ("Date",)),
        Field("reference", ("Reference", "Ref", "Document")),
        Field("unit_cost", ("Unit Cost", "Cost")),
    ),
    required=True,
)
LOTS = Schema(
    "Lots",
    (
        _product(),
        Field("lot", ("Lot", "Lot ID")),
        _quantity(),
        Field("used", ("Used",)),
        Field("date", ("Date",)),
        Field("unit_cost", ("Unit Cost", "Cost")),
    ),
)
COUNTS = Schema(
    "Counts",
    (
        _product(),
        Field("balance", ("Balance", "System Balance"), True),
        Field("counted", ("Counted", "Count"), True),
    ),
)
SETTINGS = Schema("Settings", (Field("setting", ("Setting",), True), Field("value", ("Value",), True)))

INPUTS = (USAGE, LOTS, COUNTS, SETTINGS)


def find_sheet(names: Sequence[str], schema: Schema) -> str | None:
    """The workbook's spelling of `schema.sheet` (`usage `, `USAGE`), or None."""
    return next(iter(find_sheets(names, schema)), None)


def find_sheets(names: Sequence[str], schema: Schema) -> list[str]:
    """Every sheet answering to `schema.sheet`: Excel keeps `Usage` and `Usage ` apart."""
    wanted = normal_name(schema.sheet)
    return [name for name in names if normal_name(name) == wanted]


class Header(NamedTuple):
    """Where a sheet's table starts and which column holds each field (0-based)."""

    sheet: str
    row: int  # 1-based, as Excel numbers rows
    columns: dict[str, int]
    problems: tuple[Problem, ...]

    def missing(self, schema: Schema) -> tuple[Field, ...]:
        return tuple(f for f in schema.required_fields if f.key not in self.columns)


NumberedRow = tuple[int, Row]


def numbered(rows: Iterable[Row]) -> Iterator[NumberedRow]:
    """Rows with their Excel row numbers, counted from 1."""
    return enumerate(rows, start=1)


def find_header(schema: Schema, sheet: str, rows: Iterator[NumberedRow]) -> Header | None:
    """Consume `rows` up to and including the header and return it; the rows after it are
    left in `rows` for the codec. A sheet with cells but no row naming a column gives a
    header with no columns; a blank sheet gives None."""
    titles = 0
    for number, row in rows:
        keys = [schema.key_for(value) for value in row]
        if any(keys):
            return _header(sheet, number, row, keys)
        titles += any(value is not None and str(value).strip() for value in row)
    return Header(sheet, 0, {}, ()) if titles else None


def _header(sheet: str, number: int, row: Row, keys: list[str | None]) -> Header:
    columns: dict[str, int] = {}
    problems = []
    for index, key in enumerate(keys):
        if key is None:
            continue
        if key in columns:
            problems.append(
                Problem(
                    code=Code.HEADER_DUPLICATE,
                    cell=cell_address(sheet, number, index),
                    message=f"Column '{row[index]}' repeats column"
                    f" {column_letter(columns[key])}'s header; only column"
                    f" {column_letter(columns[key])} is read.",
                )
            )
        else:
            columns[key] = index
    return Header(sheet, number, columns, tuple(problems))


def column_letter(index: int) -> str:
    """Excel's name for a 0-based column index: 0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def cell_address(sheet: str, row: int, column: int) -> str:
    """`Usage!D17`; a sheet name with blanks or punctuation is quoted: `'My usage'!D17`."""
    return f"{column_address(sheet, column)}{row}"


@lru_cache(maxsize=256)
def column_address(sheet: str, column: int) -> str:
    """`Usage!D`: a cell address without its row."""
    if not sheet.replace("_", "").isalnum():
        sheet = "'" + sheet.replace("'", "''") + "'"
    return f"{sheet}!{column_letter(column)}"
