"""Lines edited after the run (SPEC section 11): the Adjustments sheet is what an accountant
keys into the ERP, so a check compares its lines with those the run makes of the inputs.

    Adjustments!D7 (GASKET On) reads 999 where the run made 7

Only the lines' Product, Line and Quantity cells count: the figures posted. Costs, memos
and formats may be edited without a word (they are words and looks, or follow from the
quantity); a line added or removed counts. The lines are the run's as `reconcile` makes
them again (the run's rule and settings), so an unedited sheet always agrees.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Iterable, Sequence

from core.quantities import NotAQuantity, show, show_number, to_quantity

from ..seam import TOTAL_LABEL, OutputSheet, Row, SheetReader
from ..sheets.schema import cell_address, normal_name

POSTED = ("product", "status", "line", "quantity")  # the first columns of Adjustments, as its header names them
PRODUCT, LINE, QUANTITY = 0, 2, 3
MOST_NAMED = 3  # edited cells named in the check's words


def edited_lines(reader: SheetReader, names: Sequence[str], made: OutputSheet) -> tuple[str, ...]:
    """What differs between the book's Adjustments sheet and the lines the run makes
    (`made`, the run's Adjustments sheet), a phrase each; none when they agree."""
    sheet = next((name for name in names if normal_name(name) == normal_name(made.name)), None)
    if sheet is None:
        return (f"the {made.name} sheet is gone",)
    found = _lines(reader.rows(sheet))
    if found is None:
        return (f"the {made.name} sheet's header row is gone",)
    expected = [(row[PRODUCT], row[LINE], row[QUANTITY]) for row in made.rows]
    said = [_edited(sheet, number, values, line) for (number, values), line in zip(found, expected)]
    said = [phrase for phrase in said if phrase]
    if len(found) != len(expected):
        said.append(f"the {made.name} sheet has {len(found):,} lines where the run made {len(expected):,}")
    return tuple(said)


def _lines(rows: Iterable[Row]) -> list[tuple[int, Row]] | None:
    """The data rows under the header (row number, cells), up to the totals row; None
    without a header."""
    header, lines = None, []
    for number, row in enumerate(rows, start=1):
        cells = [normal_name(value) if isinstance(value, str) else value for value in row[:len(POSTED)]]
        if header is None:
            header = number if cells == list(POSTED) else None
            continue
        if cells and cells[0] == normal_name(TOTAL_LABEL):
            break
        if any(value not in (None, "") for value in row):
            lines.append((number, row))
    return lines if header is not None else None


def _edited(sheet: str, number: int, values: Row, line: tuple[str, str, Decimal]) -> str:
    """The cell of this row that differs from the run's `line`, in words; "" when none."""
    product, kind, quantity = line
    cells = list(values) + [None] * (len(POSTED) - len(values))
    where = f"({product} {kind})"
    if _text(cells[PRODUCT]) != product:
        return f"{cell_address(sheet, number, PRODUCT)} reads {_shown(cells[PRODUCT])} where the run made {product}"
    if _text(cells[LINE]) != kind:
        return f"{cell_address(sheet, number, LINE)} {where} reads {_shown(cells[LINE])} where the run made {kind}"
    if _quantity(cells[QUANTITY]) != quantity:
        return (f"{cell_address(sheet, number, QUANTITY)} {where} reads {_shown(cells[QUANTITY])} where the run"
                f" made {show(quantity)}")
    return ""


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else "" if value is None else str(value)


def _quantity(value: object) -> Decimal | None:
    try:
        return to_quantity(value) if not isinstance(value, (bool, str)) else None
    except NotAQuantity:
        return None


def _shown(value: object) -> str:
    return "a blank" if value in (None, "") else show_number(value)


def edited_words(edited: Sequence[str]) -> str:
    """`the Adjustments sheet's lines were edited (A; B; and 2 more)`."""
    named = "; ".join(edited[:MOST_NAMED])
    more = f"; and {len(edited) - MOST_NAMED:,} more" if len(edited) > MOST_NAMED else ""
    return f"the lines on Adjustments were edited after the run ({named}{more})"
