"""The sheet-access seam (`workbook.seam`) over an xlwings book: a live desktop workbook
(`xw.Book.caller()`) or a JSON-backed one (`xw.Book(json=...)`, what xlwings Server and
xlwings Lite hand a script).

Only calls that both kinds of book implement are used: `sheet.used_range`, range values
with `ndim=2`, `sheets.add`, `range.value =`, `number_format`, sheet-scoped defined names
and `sheet.tables`. On a JSON book every write becomes an action Excel replays
(`book.json()`); nothing reaches Excel before the script returns, so a refused run writes
nothing.

Ownership: every sheet giveback writes carries a sheet-scoped defined name
`giveback_output` (`="giveback"`) and an Excel table named `giveback_...`; both kinds of
book can add and read back either. A sheet carrying neither belongs to the user and is
never replaced. (The table mark is also what the file writer of `giveback reconcile`
leaves, so a workbook reconciled on the command line can be reconciled again in Excel.)
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Iterable, Iterator

import xlwings as xw

from workbook.seam import EXCEL_MAX_ROWS, Column, OutputSheet, Row

OWNER_NAME = "giveback_output"
TABLE_PREFIX = "giveback_"
OWNER_MARK = '="giveback"'
TABLE_STYLE = "TableStyleMedium2"
POINTS_PER_CHARACTER = 48 / 8.43  # Excel's default column: 8.43 characters, 48 points


class ForeignSheet(xw.XlwingsError):
    """An output's sheet name is taken by a sheet giveback did not write."""


# ---- reading -------------------------------------------------------------------------


class BookReader:
    """`SheetReader` over an xlwings book: rows of plain values from A1 to the last used
    cell; blanks as None, error cells as their text ("#DIV/0!"), dates as `datetime`
    (a JSON payload's ISO date strings are parsed by xlwings)."""

    def __init__(self, book: xw.Book):
        self.book = book

    def sheet_names(self) -> list[str]:
        return [sheet.name for sheet in self.book.sheets]

    def rows(self, name: str) -> list[list]:
        return sheet_values(self.book.sheets[name])


def sheet_values(sheet) -> list[list]:
    """The sheet's values from A1 (not from the used range's corner, which may lie
    further in) to the used range's last cell."""
    last = sheet.used_range.last_cell
    grid = sheet.range((1, 1), (last.row, last.column)).options(ndim=2, err_to_str=True).value
    rows = [[blank_as_none(value) for value in row] for row in grid or []]
    return [] if rows == [[None]] else rows  # an empty sheet's "used range" is a blank A1


def blank_as_none(value: object) -> object:
    return None if value == "" else value


# ---- ownership -----------------------------------------------------------------------


def is_owned(sheet) -> bool:
    """Whether giveback wrote this sheet: it carries the `giveback_output` name or a
    `giveback_` table. Desktop Excel spells a sheet-scoped name `'Sheet'!name`, a JSON
    book `Sheet!name`."""
    named = any(name.name.rsplit("!", 1)[-1] == OWNER_NAME for name in sheet.names)
    return named or bool(giveback_tables(sheet))


def giveback_tables(sheet) -> list:
    return [table for table in sheet.tables if table.name.lower().startswith(TABLE_PREFIX)]


def mark_owned(sheet) -> None:
    if not is_owned(sheet):
        sheet.names.add(OWNER_NAME, OWNER_MARK)


def find_sheet(book, name: str):
    """The sheet called `name`, matched case-insensitively as Excel does; None if absent."""
    wanted = name.strip().casefold()
    for sheet in book.sheets:
        if sheet.name.strip().casefold() == wanted:
            return sheet
    return None


def refuse_foreign(book, names: Iterable[str]) -> None:
    """Raise ForeignSheet, before anything is written, if a sheet named like an output
    was not written by giveback."""
    taken = [sheet.name for name in names if (sheet := find_sheet(book, name)) and not is_owned(sheet)]
    if taken:
        listed = ", ".join(f"'{name}'" for name in taken)
        raise ForeignSheet(
            f"Sheet {listed} was not written by giveback, so it is not replaced. "
            "Rename or move it, then run Reconcile again; nothing was changed."
        )


# ---- writing -------------------------------------------------------------------------


class BookWriter:
    """Writes `OutputSheet`s into an xlwings book: header and rows as values, number
    formats and widths per column, an Excel table, a frozen header row."""

    def __init__(self, book: xw.Book):
        self.book = book

    def write(self, outputs: Iterable[OutputSheet]) -> list[str]:
        """Write every output (a long one continues on `NAME (2)`, ...) and remove
        giveback's stale continuation sheets; returns the sheet names written.
        Refuses, writing nothing, if a target sheet is the user's."""
        pages = [page for output in outputs for page in paginate(output)]
        refuse_foreign(self.book, [page.name for page in pages])
        for page in pages:
            self.write_sheet(page)
        written = [page.name for page in pages]
        self.remove_stale_continuations({output_base(name) for name in written}, written)
        return written

    def remove(self, names: Iterable[str]) -> list[str]:
        """Delete the sheets among `names` (and their continuations) that giveback wrote;
        the user's sheets are left alone. Returns the names deleted."""
        bases = {name.casefold() for name in names}
        doomed = [
            sheet for sheet in self.book.sheets
            if output_base(sheet.name).casefold() in bases and is_owned(sheet)
        ]
        for sheet in reversed(doomed):  # from the end: earlier sheets keep their positions
            sheet.delete()
        return [sheet.name for sheet in doomed]

    def write_sheet(self, output: OutputSheet) -> None:
        sheet = self.sheet_for(output.name)
        grid = [[column.header for column in output.columns]] + [
            [cell_value(value) for value in row] for row in output.rows
        ]
        sheet.range((1, 1)).value = grid
        self.format_columns(sheet, output.columns, len(grid))
        self.make_table(sheet, output.name, len(grid), len(output.columns))
        freeze_header(sheet)

    def sheet_for(self, name: str):
        """The owned sheet to reuse, cleared, or a new marked sheet at the end."""
        sheet = find_sheet(self.book, name)
        if sheet is not None:
            sheet.clear_contents()
            mark_owned(sheet)  # a sheet the file writer wrote carries only its table mark
            return sheet
        sheet = self.book.sheets.add(name, after=self.book.sheets[len(self.book.sheets) - 1])
        mark_owned(sheet)
        return sheet

    def format_columns(self, sheet, columns: tuple[Column, ...], height: int) -> None:
        for index, column in enumerate(columns, start=1):
            cells = sheet.range((1, index), (max(height, 2), index))
            if column.number_format != "General" and height > 1:
                sheet.range((2, index), (height, index)).number_format = column.number_format
            cells.column_width = column_width(self.book, column.width)

    def make_table(self, sheet, name: str, height: int, width: int) -> None:
        # A table needs a data row: an empty output gets one blank row.
        cells = sheet.range((1, 1), (max(height, 2), width))
        table_name = TABLE_PREFIX + re.sub(r"[^0-9A-Za-z]+", "_", name).strip("_")
        existing = giveback_tables(sheet)
        if existing:
            existing[0].resize(cells)
        else:
            sheet.tables.add(source=cells, name=table_name, table_style_name=TABLE_STYLE)

    def remove_stale_continuations(self, bases: set[str], written: list[str]) -> None:
        keep = {name.casefold() for name in written}
        stale = [
            sheet for sheet in self.book.sheets
            if sheet.name.casefold() not in keep
            and sheet.name != output_base(sheet.name)
            and output_base(sheet.name) in bases
            and is_owned(sheet)
        ]
        for sheet in reversed(stale):  # from the end: earlier sheets keep their positions
            sheet.delete()


def paginate(output: OutputSheet) -> Iterator[OutputSheet]:
    """The output, split into sheets of at most Excel's row limit (header included)."""
    per_sheet = EXCEL_MAX_ROWS - 1
    rows = list(output.rows)
    for page, start in enumerate(range(0, max(len(rows), 1), per_sheet), start=1):
        name = output.name if page == 1 else f"{output.name} ({page})"
        yield OutputSheet(name, output.columns, rows[start : start + per_sheet])


def output_base(name: str) -> str:
    """`LoopTrace (2)` -> `LoopTrace`; other names unchanged."""
    match = re.fullmatch(r"(.+) \((\d+)\)", name)
    return match.group(1) if match else name


def cell_value(value: object) -> object:
    """A seam value as a cell takes it: Decimal as int when whole else float."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if value is None or isinstance(value, (bool, int, float, str, dt.date)):
        return value
    return str(value)


def column_width(book, characters: float) -> float:
    """Desktop Excel sizes columns in characters, Office.js in points."""
    if is_json_book(book) and book.impl.api.get("client") == "Office.js":
        return round(characters * POINTS_PER_CHARACTER, 1)
    return characters


def is_json_book(book) -> bool:
    return isinstance(getattr(book.impl, "api", None), dict)


def freeze_header(sheet) -> None:
    """Freeze row 1. Office.js and xlwings Lite support it; desktop COM has no
    `freeze_panes` in xlwings (it would need the sheet's window), so it is skipped there."""
    try:
        sheet.freeze_panes.freeze_at("1:1")
    except (NotImplementedError, AttributeError):
        pass
