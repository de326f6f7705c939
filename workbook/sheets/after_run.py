"""The `After run` sheet (SPEC section 11, follow-up): what is still unallocated after the
accountant posted the adjustment and ran the COGS reconciliation k times, pasted from the
ERP, for `giveback check` to compare with the trace's prediction for run k.

    Run      2                          the runs done, in the cell right of "Run"
    (blank)
    Product  | Quantity | Reference     the header (Item, Qty, Ref... as on Usage)
    GASKET   |        3 | INV-9         one row per unallocated usage record
    BOLT-10  |       -2 | RMA-4

The template carries the sheet with its header and an empty Run cell. It is not an input
of the reconciliation: editing it keeps the book current. Quantities are read as on Usage
(`(20)` is -20); a row the codec cannot read is reported with its cell and left out.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Iterable, NamedTuple

from core.problems import Code, Problem

from . import cells
from .cells import Cells, Fault
from .schema import Field, NumberedRow, Schema, cell_address, find_header, normal_name, numbered
from ..seam import Row, SheetReader

AFTER_RUN = Schema(
    "After run",
    (
        Field("product", ("Product", "Item", "Code", "SKU"), True),
        Field("quantity", ("Quantity", "Qty"), True),
        Field("reference", ("Reference", "Ref", "Document")),
    ),
)
RUN_LABEL = "Run"
TEMPLATE_ROWS: tuple[Row, ...] = ((RUN_LABEL, None), (), tuple(field.header for field in AFTER_RUN.fields))
"""The template's sheet: the Run label with its empty cell, a blank row, the header."""
RUN_HELP = "The number of COGS reconciliation runs done since posting the adjustment: 1 or more."
PRODUCT_BLANK = Fault(Code.PRODUCT_BLANK, "The product is blank; every row needs one.")
QUANTITY_BLANK = Fault(Code.QUANTITY_BLANK, "The quantity is blank.")
NO_HEADER = ("No row names the Product and Quantity columns, so the rows pasted cannot be read: type the header"
             " (Product, Quantity, Reference) above them.")


class Listed(NamedTuple):
    """One row of the sheet: a usage record still unallocated."""

    product: str
    quantity: Decimal
    reference: str
    cell: str


class AfterRun(NamedTuple):
    """The sheet as read: the run number (None when not given, or not a whole number of
    1 or more: `run_typed` then holds what was typed), the rows, the problems of rows left
    out, and the Run cell's address."""

    run: int | None
    rows: tuple[Listed, ...]
    problems: tuple[Problem, ...]
    run_cell: str
    run_typed: str = ""


def read_after_run(reader: SheetReader, names: list[str]) -> AfterRun | None:
    """The book's After run sheet; None when it has none."""
    sheet = next((name for name in names if normal_name(name) == normal_name(AFTER_RUN.sheet)), None)
    if sheet is None:
        return None
    rows = numbered(reader.rows(sheet))
    before: list[NumberedRow] = []
    header = find_header(AFTER_RUN, sheet, _keeping(rows, before))
    run, run_cell, run_typed = _run(sheet, before)
    problems: list[Problem] = []
    if header is None or header.missing(AFTER_RUN):
        return AfterRun(run, (), _no_header(sheet, [*before, *rows], run_cell), run_cell, run_typed)
    listed = []
    for number, row in rows:
        row_cells = Cells(header, number, row)
        if row_cells.is_blank():
            continue
        product = row_cells.read("product", cells.product, PRODUCT_BLANK)
        quantity = row_cells.read("quantity", cells.quantity, QUANTITY_BLANK)
        reference = row_cells.read("reference", cells.text) or ""
        if row_cells.faults:
            problems += row_cells.problems(product)
        elif quantity:
            listed.append(Listed(product, quantity, reference, row_cells.cell("quantity")))
    return AfterRun(run, tuple(listed), tuple(problems + list(header.problems)), run_cell, run_typed)


def _no_header(sheet: str, rows: list[NumberedRow], run_cell: str) -> tuple[Problem, ...]:
    """A sheet with cells typed but no header naming Product and Quantity: its rows cannot
    be read (one problem, at the first such cell); a sheet with nothing but the Run line
    has none."""
    for number, row in rows:
        for column, value in enumerate(row):
            cell = cell_address(sheet, number, column)
            if not cells.is_blank(value) and cell != run_cell and not _is_run_label(value):
                return (Problem(code=Code.COLUMN_MISSING, cell=cell, message=NO_HEADER),)
    return ()


def _is_run_label(value: object) -> bool:
    return isinstance(value, str) and normal_name(value) == normal_name(RUN_LABEL)


def _keeping(rows: Iterable[NumberedRow], kept: list[NumberedRow]) -> Iterable[NumberedRow]:
    """`rows`, each also kept in `kept` (the rows above the header hold the Run cell)."""
    for numbered_row in rows:
        kept.append(numbered_row)
        yield numbered_row


def _run(sheet: str, rows: list[NumberedRow]) -> tuple[int | None, str, str]:
    """The run number in the cell right of the first cell reading `Run`, that cell, and
    what it holds when that is not a number of runs."""
    for number, row in rows:
        for column, value in enumerate(row):
            if _is_run_label(value):
                cell = cell_address(sheet, number, column + 1)
                typed = row[column + 1] if column + 1 < len(row) else None
                if cells.is_blank(typed):
                    return None, cell, ""
                runs = cells.quantity(typed)
                if isinstance(runs, Fault) or runs < 1 or runs != runs.to_integral_value():
                    return None, cell, cells.text(typed)
                return int(runs), cell, ""
    return None, cell_address(sheet, 1, 1), ""
