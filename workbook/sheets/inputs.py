"""Input sheets into core models: each codec turns a sheet's data rows (plain values, after
its header) into records plus the problems it found, each naming its cell.

A row that is blank in every column the sheet reads is skipped; every other row becomes a
record or is reported (a row with only warnings, in optional fields, is both: used with
what the warning says was assumed). Checks that span rows (a duplicate lot id, a count for
a product with no usage, look-alike product codes) are made when the products are
assembled (`assemble`): a product with any error is set aside, not recommended from
partial data.

Dates typed as text follow the Settings `date_order` (the codecs' `date_order`: None when
it is not set, and a date that could be read two ways is then a warning).
"""

from __future__ import annotations

from collections import defaultdict
from itertools import islice
from operator import attrgetter
from typing import Callable, Iterable, NamedTuple, Sequence

from core import counts
from core.counts import negative_count
from core.models import Count, Lot, ProductUsage, Usage
from core.problems import Code, Problem
from core.quantities import ZERO, show

from . import cells
from .cells import Cells, Fault
from .lookalikes import lookalike_problems
from .quick import QuickUsage
from .schema import Header, NumberedRow, cell_address
from ..seam import Row

PRODUCT_BLANK = Fault(Code.PRODUCT_BLANK, "The product is blank; every row needs one.")
QUANTITY_BLANK = Fault(Code.QUANTITY_BLANK, "The quantity is blank.")


class Records(NamedTuple):
    """What a codec read from one sheet: good records, problems, and every product named
    on a non-blank row (good or bad) in order of first appearance, with its first cell."""

    records: list
    problems: list[Problem]
    products: dict[str, str]


RowReader = Callable[[Cells], "tuple[object | None, str | None]"]  # a row's record (None if bad), its product
CHUNK = 4_096  # rows the quick path reads at once
PRODUCT = attrgetter("product")


def _read_rows(header: Header, rows: Iterable[NumberedRow], read_row: RowReader,
               quick: QuickUsage | None = None) -> Records:
    """The rows through `read_row`; with a `quick` path, a chunk of common rows at a time
    (`QuickUsage.batch`), and a chunk it declines row by row."""
    read = Records([], list(header.problems), {})
    if quick is None:
        for number, row in rows:
            _read_row(header, number, row, read_row, read)
        return read
    rows = iter(rows)
    while chunk := list(islice(rows, CHUNK)):
        numbers, chunk_rows = zip(*chunk)
        records = quick.batch(numbers, chunk_rows)
        if records is None:
            for number, row in chunk:
                _read_row(header, number, row, read_row, read, quick)
        else:
            read.records.extend(records)
            _first_cells(header, numbers, list(map(PRODUCT, records)), read.products)
    return read


def _read_row(header: Header, number: int, row: Row, read_row: RowReader, read: Records,
              quick: QuickUsage | None = None) -> None:
    """One row into `read`: through the quick path when it takes it, else cell by cell."""
    record = None if quick is None else quick(number, row)
    if record is not None:
        read.records.append(record)
        if record.product not in read.products:
            read.products[record.product] = cell_address(header.sheet, number, header.columns["product"])
        return
    row_cells = Cells(header, number, row)
    if row_cells.is_blank():
        return
    record, product = read_row(row_cells)
    if product is not None and product not in read.products:
        read.products[product] = row_cells.cell("product")
    if row_cells.faults:
        read.problems.extend(row_cells.problems(product))
    if not row_cells.blocked:
        read.records.append(record)


def _first_cells(header: Header, numbers: Sequence[int], products: list[str], first: dict[str, str]) -> None:
    """Each product new to `first` with its first cell among rows `numbers`."""
    for product in [product for product in dict.fromkeys(products) if product not in first]:
        first[product] = cell_address(header.sheet, numbers[products.index(product)], header.columns["product"])


class Shared:
    """Equal values stored once per sheet read: a year's export repeats its products,
    dates, quantities and costs on row after row (a million rows: 10,000 products,
    366 dates). One table per field, so values of different types never meet."""

    def __init__(self) -> None:
        self.tables: dict[str, dict] = defaultdict(dict)

    def __call__(self, field: str, value):
        return value if value is None else self.tables[field].setdefault(value, value)


UNDATED = "The row is taken as undated: it is visited with the undated rows, first, in input order."
NO_REFERENCE = "The row is taken without a reference."
COST_UNKNOWN = "The row's unit cost is taken as unknown."


def read_usage(header: Header, rows: Iterable[NumberedRow], *, quick: bool = True,
               date_order: str | None = None) -> Records:
    """Usage rows into `Usage` records; `source` is the quantity's cell. Common rows take
    the quick path (`workbook.quick`) unless `quick` is False; the rest are read cell by
    cell, with the same result."""
    shared, dates = Shared(), cells.dates(date_order)
    quick_path = QuickUsage(header, shared, dates) if quick else None
    read = _read_rows(header, rows, lambda row: _usage(row, shared, dates), quick_path)
    if not (read.products or read.problems):
        header_cell = cell_address(header.sheet, header.row, header.columns["product"])  # no cell below it has usage
        read.problems.append(Problem(code=Code.USAGE_EMPTY, cell=header_cell, message=USAGE_EMPTY, severity="warning"))
    return read


USAGE_EMPTY = ("The Usage sheet has no usage under its header: paste the usage the COGS reconciliation left"
               " unallocated, one row per usage record, then reconcile again.")


def _usage(row: Cells, shared: Shared, dates: cells.Parser) -> tuple[Usage | None, str | None]:
    product = row.read("product", cells.product, PRODUCT_BLANK)
    quantity = row.read("quantity", cells.usage_quantity, QUANTITY_BLANK)
    date = row.read("date", dates, assume=UNDATED)
    reference = row.read("reference", cells.text, assume=NO_REFERENCE)
    unit_cost = row.read("unit_cost", cells.cost, assume=COST_UNKNOWN)
    if row.blocked:
        return None, product
    usage = Usage.checked(  # every field was checked above
        shared("product", product), shared("quantity", quantity), shared("date", date), reference or "",
        shared("unit_cost", unit_cost), row.number, row.cell("quantity"))
    return usage, product


LOT_BY_ROW = "The lot is taken as having no id: it is named by its row."
LOT_UNDATED = "The lot is taken as undated: it counts as older than every dated lot."
LOT_COST_UNKNOWN = "The lot's unit cost is taken as unknown."


def read_lots(header: Header, rows: Iterable[NumberedRow], *, date_order: str | None = None) -> Records:
    """Lots rows into `Lot` records; a lot without an id is named by its row (`Lots!5`).
    Quantity and Used change the answer, so a fault in them is an error; the id, date and
    unit cost are optional (a fault there is a warning)."""
    dates = cells.dates(date_order)
    return _read_rows(header, rows, lambda row: _lot(row, dates))


def _lot(row: Cells, dates: cells.Parser) -> tuple[Lot | None, str | None]:
    product = row.read("product", cells.product, PRODUCT_BLANK)
    lot_id = row.read("lot", cells.text, assume=LOT_BY_ROW)
    quantity = row.read("quantity", cells.lot_quantity, QUANTITY_BLANK)
    used = row.read("used", cells.lot_used)
    date = row.read("date", dates, assume=LOT_UNDATED)
    unit_cost = row.read("unit_cost", cells.cost, assume=LOT_COST_UNKNOWN)
    _check_lot(row, quantity, used)
    if row.blocked:
        return None, product
    lot = Lot(
        product=product,
        id=lot_id or f"{row.header.sheet}!{row.number}",
        quantity=quantity,
        used=used or ZERO,
        date=date,
        unit_cost=unit_cost,
        row=row.number,
        source=row.cell("lot" if "lot" in row.header.columns else "quantity"),
    )
    return lot, product


def _check_lot(row: Cells, quantity, used) -> None:
    if used is not None and quantity is not None and used > quantity:
        row.fault(
            "used",
            Fault(Code.LOT_USED_ABOVE_QUANTITY, f"Used {show(used)} is more than the lot's quantity {show(quantity)}."),
        )


COUNT_BLANK = Fault(Code.COUNT_INVALID, "A count needs both the system balance and the counted units.")
_balance = cells.figure(Code.COUNT_INVALID, "The system balance")
_counted = cells.figure(Code.COUNT_INVALID, "The counted units")


def read_counts(header: Header, rows: Iterable[NumberedRow]) -> Records:
    """Counts rows into `Count` records: `delta = counted - balance`."""
    return _read_rows(header, rows, _count)


def _count(row: Cells) -> tuple[Count | None, str | None]:
    product = row.read("product", cells.product, PRODUCT_BLANK)
    balance = row.read("balance", _balance, COUNT_BLANK)
    counted = row.read("counted", _counted, COUNT_BLANK)
    _check_count(row, balance, counted)
    if row.blocked:
        return None, product
    return Count(product=product, balance=balance, counted=counted, source=row.cell("product")), product


def _check_count(row: Cells, balance, counted) -> None:
    """Nobody counts fewer than 0 units (`core.counts`, the check every host makes)."""
    if problem := negative_count(counted, balance, counts.SHEET):
        row.fault("counted", Fault(Code.COUNT_INVALID, problem))


class Products(NamedTuple):
    """The products named on the Usage sheet, in order of first appearance: those ready to
    recommend, and those set aside with the problems that block them."""

    ready: list[ProductUsage]
    blocked: dict[str, list[Problem]]
    problems: list[Problem]


def assemble(usage: Records, lots: Records, counts: Records, distinct: Iterable[tuple[str, ...]] = ()) -> Products:
    """Group the records by product in one pass each, check what spans rows, and set aside
    every product with an error anywhere (a warning sets nothing aside). `distinct`: the
    Settings `distinct_products` lists, codes that look alike yet are different products."""
    by_product: dict[str, list[Usage]] = {product: [] for product in usage.products}
    for record in usage.records:
        by_product[record.product].append(record)
    lots_of, lot_problems = _lots_by_product(lots.records, by_product)
    count_of, count_problems = _count_by_product(counts.records, by_product)
    problems = (usage.problems + lots.problems + lot_problems + counts.problems + count_problems
                + lookalike_problems((usage.products, lots.products, counts.products), usage.products, distinct))
    blocked: dict[str, list[Problem]] = defaultdict(list)
    for problem in problems:
        if problem.product in by_product and problem.is_error:
            blocked[problem.product].append(problem)
    ready = [  # model_construct: every record was checked as it was read
        ProductUsage.model_construct(product=product, usage=tuple(records), lots=tuple(lots_of[product]),
                                     count=count_of.get(product))
        for product, records in by_product.items()
        if product not in blocked
    ]
    ordered = {product: blocked[product] for product in by_product if product in blocked}
    return Products(ready, ordered, problems)


def _lots_by_product(lots: list[Lot], usage: dict) -> tuple[dict[str, list[Lot]], list[Problem]]:
    found: dict[str, list[Lot]] = defaultdict(list)
    seen: set[tuple[str, str]] = set()
    problems: list[Problem] = []
    for lot in lots:
        if lot.product not in usage:
            problems.append(_problem(Code.LOT_UNKNOWN_PRODUCT, lot.source, None,
                                     f"Lot {lot.id} is for {lot.product}, which has no row on the Usage sheet."))
        elif (lot.product, lot.id) in seen:
            problems.append(_problem(Code.LOT_ID_DUPLICATE, lot.source, lot.product,
                                     f"Lot {lot.id} of {lot.product} is listed twice."))
        else:
            seen.add((lot.product, lot.id))
            found[lot.product].append(lot)
    return found, problems


def _count_by_product(counts: list[Count], usage: dict) -> tuple[dict[str, Count], list[Problem]]:
    found: dict[str, Count] = {}
    problems: list[Problem] = []
    for count in counts:
        if count.product not in usage:
            problems.append(_problem(Code.COUNT_UNKNOWN_PRODUCT, count.source, None,
                                     f"{count.product} is counted but has no row on the Usage sheet."))
        elif count.product in found:
            problems.append(_problem(Code.COUNT_DUPLICATE, count.source, count.product,
                                     f"{count.product} is counted twice; keep one count."))
        else:
            found[count.product] = count
    return found, problems


def _problem(code: Code, cell: str, product: str | None, message: str) -> Problem:
    return Problem(code=code, cell=cell, message=message, product=product)
