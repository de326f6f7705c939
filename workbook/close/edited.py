"""Lines edited after the run (SPEC section 11): the Adjustments sheet is what an accountant
keys into the ERP, so a check (and an export) compares its lines with those the run makes
of the inputs again.

    Adjustments!D7 (GASKET On) reads 999 where the run made 7

A line is a product and its Line (On or Off); only its Quantity counts beside them, the
figure posted. Costs, memos and formats may be edited without a word (words and looks, or
figures that follow from the quantity), and the table may be sorted or filtered: lines are
matched by product and Line, not by position. The columns are found by their headers. A
line added, removed or listed twice counts.

The lines are compared only when this giveback is the version that made the run: another
version may make other lines of the same inputs, and they would read as edits nobody made.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Iterable, Sequence

from core.quantities import NotAQuantity, show, show_number, to_quantity

from ..seam import TOTAL_LABEL, OutputSheet, Row, SheetReader
from ..sheets.cells import text
from ..sheets.outputs import ADJUSTMENTS
from ..sheets.schema import cell_address, normal_name
from .record import RunRecord

POSTED = ("product", "status", "line", "quantity")  # Adjustments' first columns: what the web client reads
KEYS = ("product", "line", "quantity")  # the columns compared, found by their headers
MOST_NAMED = 3  # edited lines named in the check's words


def lines_compared(reader: SheetReader, names: Sequence[str], sheets: Sequence[OutputSheet], record: RunRecord,
                   now: RunRecord) -> tuple[str, ...]:
    """What differs between the book's Adjustments lines and the run's (`sheets`, the run's
    outputs made again), a phrase each; none when they agree, or when another version of
    giveback made the run (`record`; `now` is this run's)."""
    if record.version != now.version:
        return ()
    made = next(sheet for sheet in sheets if sheet.name == ADJUSTMENTS)
    return edited_lines(reader, names, made)


def edited_lines(reader: SheetReader, names: Sequence[str], made: OutputSheet) -> tuple[str, ...]:
    """What differs between the book's Adjustments sheet and `made`, the run's, a phrase each."""
    sheet = next((name for name in names if normal_name(name) == normal_name(made.name)), None)
    if sheet is None:
        return (f"the {made.name} sheet is gone",)
    found = _lines(reader.rows(sheet))
    if found is None:  # its cells did not reach giveback (a client that does not send them), or no table
        return ()
    columns, rows = found
    expected = {(row[0], row[2]): row[3] for row in made.rows}
    said, seen = [], Counter()
    for number, product, kind, value in rows:
        key = (product, kind)
        seen[key] += 1
        where = f"({product} {kind})"
        if key not in expected:
            said.append(f"{cell_address(sheet, number, columns['product'])} {where} is not a line the run made")
        elif seen[key] > 1:
            said.append(f"{cell_address(sheet, number, columns['product'])} {where} is listed twice")
        elif _quantity(value) != expected[key]:
            said.append(f"{cell_address(sheet, number, columns['quantity'])} {where} reads {_shown(value)} where the"
                        f" run made {show(expected[key])}")
    said += [f"{product} {kind} ({show(quantity)}) is missing from the sheet"
             for (product, kind), quantity in expected.items() if not seen[(product, kind)]]
    return tuple(said)


def _lines(rows: Iterable[Row]) -> tuple[dict[str, int], list[tuple[int, str, str, object]]] | None:
    """The columns of Product, Line and Quantity, and each line under the header (its row
    number, product, Line, quantity as read) up to the totals row; None without a header."""
    columns, lines = None, []
    for number, row in enumerate(rows, start=1):
        if columns is None:
            headers = [normal_name(value) if isinstance(value, str) else None for value in row]
            if all(key in headers for key in KEYS):
                columns = {key: headers.index(key) for key in KEYS}
            continue
        cells = [row[columns[key]] if columns[key] < len(row) else None for key in KEYS]
        if isinstance(cells[0], str) and normal_name(cells[0]) == normal_name(TOTAL_LABEL):
            break
        if any(value not in (None, "") for value in cells):  # a memo alone is no line
            lines.append((number, _text(cells[0]), _text(cells[1]), cells[2]))
    return (columns, lines) if columns is not None else None


def _text(value: object) -> str:
    """A cell as the text it shows (a product code read back as the number 1001.0 is 1001)."""
    return "" if value is None else text(value)


def _quantity(value: object) -> Decimal | None:
    try:
        return to_quantity(value) if not isinstance(value, (bool, str)) else None
    except NotAQuantity:
        return None


def _shown(value: object) -> str:
    return "a blank" if value in (None, "") else show_number(value)


def edited_words(edited: Sequence[str]) -> str:
    """`the lines on Adjustments were edited after the run (A; B; and 2 more)`."""
    named = "; ".join(edited[:MOST_NAMED])
    more = f"; and {len(edited) - MOST_NAMED:,} more" if len(edited) > MOST_NAMED else ""
    return f"the lines on {ADJUSTMENTS} were edited after the run ({named}{more})"
