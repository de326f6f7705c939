"""The sheet-access seam (`workbook.seam`) over an xlwings book: a live desktop workbook
(`xw.Book.caller()`) or a JSON-backed one (`xw.Book(json=...)`, what xlwings Server and
xlwings Lite hand a script).

Only calls that both kinds of book implement are used: `sheet.used_range`, range values
with `ndim=2`, `sheets.add`, `range.value =`, `number_format`, sheet-scoped defined names
and `sheet.tables`. On a JSON book every write becomes an action Excel replays
(`book.json()`); nothing reaches Excel before the script returns, so a refused run writes
nothing.

Ownership is `workbook.ownership`'s mark, the file writer's too: a workbook-scoped name
per sheet giveback writes (`_giveback_sheet_Adjustments`, referring to `'Adjustments'!$A$1`),
so it arrives with the names Office.js sends even when the sheet's own contents and names
are left out. A sheet the user renamed or copied, or any sheet without the mark, is the
user's and is never replaced or removed. So a workbook reconciled by `giveback reconcile`
can be reconciled again from the ribbon, and the other way round; sheets marked the older
way (a sheet-scoped `_giveback_output`) are recognised and marked anew when rewritten.

On a JSON book, xlwings copies the sheet's values on every `Range.value` write (to size
the target) and on most range arithmetic; a re-run whose payload holds the 50,000-row
LoopTrace it wrote spent seconds there. So output blocks are written as `raw_value` into a
range of their exact size, already in the JSON form xlwings would send: no copies.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from typing import Iterable, Iterator, Mapping

import xlwings as xw

from workbook import ownership
from workbook.paper import print_layout
from workbook.seam import TOTAL_LABEL, Column, OutputSheet, Row, frozen_rows, intro_heights, table_name

from .cells import cell_value, json_cell
from .hosts import Host, host_of, is_json_book
from .panel import write_panel

TABLE_STYLE = "TableStyleMedium2"
POINTS_PER_CHARACTER = 48 / 8.43  # Excel's default column: 8.43 characters, 48 points
BLOCK_ROWS = 10_000  # rows per write: Office.js refuses very large requests
ISO_DATE = re.compile(r"-?[0-9]{4,}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?Z")
BLOCK_BYTES = 2_000_000  # JSON per write action, well inside Excel on the web's 5 MB a request


class ForeignSheet(xw.XlwingsError):
    """An output's sheet name is taken by a sheet giveback did not write."""


# ---- reading -------------------------------------------------------------------------


class BookReader:
    """`SheetReader` over an xlwings book: rows of plain values from A1 to the last used
    cell; blanks as None, error cells as their text ("#DIV/0!"), dates as `datetime`
    (a JSON payload's ISO date strings parsed)."""

    def __init__(self, book: xw.Book):
        self.book = book

    @functools.cached_property
    def host(self) -> Host:
        """What this book's host can do beyond xlwings' portable calls (`addin.hosts`)."""
        return host_of(self.book)

    def sheet_names(self) -> list[str]:
        return [sheet.name for sheet in self.book.sheets]

    def rows(self, name: str) -> list[list]:
        sheet = self.book.sheets[name]
        return json_sheet_values(sheet) if is_json_book(self.book) else sheet_values(sheet)


def sheet_values(sheet) -> list[list]:
    """The sheet's values from A1 (not from the used range's corner, which may lie
    further in) to the used range's last cell."""
    last = sheet.used_range.last_cell
    grid = sheet.range((1, 1), (last.row, last.column)).options(ndim=2, err_to_str=True).value
    rows = [[blank_as_none(value) for value in row] for row in grid or []]
    return [] if rows == [[None]] else rows  # an empty sheet's "used range" is a blank A1


def blank_as_none(value: object) -> object:
    return None if value == "" else value


def json_sheet_values(sheet) -> list[list]:
    """A JSON book's sheet from the payload's values, which start at A1, in one pass
    (xlwings' `Range.value` would copy them and check every cell again). Refuses a sheet
    sent without its values (xlwings' `lazy` and `exclude` leave them out)."""
    sent = sheet.impl.api
    if sent["values"] == [[]] and sent.get("used_range_address"):
        raise xw.XlwingsError(
            f"The {sheet.name} sheet reached giveback without its cells, so nothing was changed. "
            "Reload the giveback add-in and run Reconcile again."
        )
    rows = [[json_value(value) for value in row] for row in sent["values"]]
    return [] if rows in ([[]], [[None]]) else rows


def json_value(value: object) -> object:
    """A cell as Office.js sends it, as the seam takes it: "" as None, a date (ISO text
    ending in Z, `2026-03-02T00:00:00.000Z`) as a datetime."""
    if value == "":
        return None
    if type(value) is str and value.endswith("Z") and ISO_DATE.fullmatch(value):
        return dt.datetime.fromisoformat(value[:-1])
    return value


# ---- ownership -----------------------------------------------------------------------


def is_owned(sheet) -> bool:
    """Whether giveback wrote this sheet under its present name."""
    return sheet.name.casefold() in owned_sheets(sheet.book)


def owned_sheets(book) -> set[str]:
    """The book's sheets giveback wrote, case-folded."""
    return ownership.owned_sheets([sheet.name for sheet in book.sheets], defined_names(book))


def defined_names(book) -> list[ownership.DefinedName]:
    """The book's names of both scopes. (Desktop Excel spells a sheet-scoped name
    `'Sheet'!name`, a JSON book `Sheet!name`, quoted only where needed.)"""
    listed = []
    for name in book.names:
        scope, _, local = name.name.rpartition("!")
        listed.append(ownership.DefinedName(local, name.refers_to or "", unquoted(scope) if scope else None))
    return listed


def unquoted(sheet: str) -> str:
    if len(sheet) > 1 and sheet[0] == sheet[-1] == "'":
        return sheet[1:-1].replace("''", "'")
    return sheet


def mark_owned(sheet) -> None:
    """Mark a sheet giveback writes, unless its mark is there; a stale mark of the same
    name (its sheet renamed or deleted) is replaced. Hidden where the host allows it
    (desktop COM; xlwings' JSON API cannot hide a name)."""
    book, name = sheet.book, ownership.mark_name(sheet.name)
    marks = [defined for defined in defined_names(book) if defined.scope is None]
    if ownership.owned_sheets([sheet.name], marks):
        return
    for stale in [defined for defined in book.names if defined.name.casefold() == name.casefold()]:
        stale.delete()
    mark = book.names.add(name, "=" + ownership.mark_formula(sheet.name))
    if not is_json_book(book):
        mark.api.Visible = False


def delete_sheet(sheet) -> None:
    """Delete one of giveback's sheets and its mark."""
    gone = {sheet.name.casefold()}
    book = sheet.book
    marks = [name for name, listed in zip(book.names, defined_names(book)) if ownership.is_mark_for(listed, gone)]
    for mark in marks:
        mark.delete()
    sheet.delete()


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
    owned = owned_sheets(book)
    taken = [sheet.name for name in names
             if (sheet := find_sheet(book, name)) and sheet.name.casefold() not in owned]
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

    @functools.cached_property
    def host(self) -> Host:
        """What this book's host can do beyond xlwings' portable calls (`addin.hosts`)."""
        return host_of(self.book)

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
        bases, owned = {name.casefold() for name in names}, owned_sheets(self.book)
        doomed = [
            sheet for sheet in self.book.sheets
            if output_base(sheet.name).casefold() in bases and sheet.name.casefold() in owned
        ]
        for sheet in reversed(doomed):  # from the end: earlier sheets keep their positions
            delete_sheet(sheet)
        return [sheet.name for sheet in doomed]

    def write_sheet(self, output: OutputSheet) -> None:
        """The intro, the header and the rows as values, then the looks the file writer
        gives them: bold title and header, column formats and widths, wrapped columns,
        the table, a totals row, the header frozen; the panel above the table (Options'
        pick, formulas, hidden rows, drop-down list) and its charts; the print setup
        (`workbook.paper`). What this host cannot do, the legend says (`addin.hosts`)."""
        output = output.with_note(self.host.notes(output))
        sheet, reused = self.sheet_for(output.name)
        if reused:
            reset_above_table(sheet)
        top = output.header_row
        rows = list(output.rows)
        grid = intro_grid(output) + panel_space(output) + [[column.header for column in output.columns]] + rows
        write_blocks(sheet, grid)
        self.format_columns(sheet, output.columns, top, len(rows))
        table = self.make_table(sheet, output.name, top, len(rows), len(output.columns))
        if output.has_totals:
            write_totals(sheet, output, table, output.last_row(len(rows)))
        embolden(sheet, output)
        wrap_legend(sheet, output)
        if output.panel is not None:
            write_panel(sheet, output)
        charts = output.panel.charts if output.panel is not None else ()
        if charts or (reused and len(sheet.charts)):
            self.host.draw_charts(sheet, charts)
        if output.hidden:  # nobody prints it
            hide(sheet)
        else:
            self.set_up_paper(sheet, output, len(rows), reused)
        freeze_header(sheet, frozen_rows(output))

    def set_properties(self, properties: Mapping[str, str]) -> None:
        """The workbook's custom document properties (the run record), where the host can
        write them; where it cannot, Summary's legend has said so (`addin.hosts`)."""
        self.host.set_properties(self.book, properties)

    def set_up_paper(self, sheet, output: OutputSheet, data_rows: int, reused: bool) -> None:
        """The print area (an xlwings call on every host; cleared on a reused sheet that
        needs none) and the rest of the layout, through the host."""
        layout = print_layout(output)
        area = layout.print_area(output.last_row(data_rows))
        if area or (reused and sheet.page_setup.print_area):
            sheet.page_setup.print_area = area or None
        self.host.set_up_paper(sheet, layout)

    def sheet_for(self, name: str) -> tuple[object, bool]:
        """The owned sheet to reuse, cleared, or a new sheet at the end; marked. Says
        whether it was reused."""
        sheet = find_sheet(self.book, name)
        reused = sheet is not None
        if reused:
            sheet.clear_contents()
        else:
            sheet = self.book.sheets.add(name, after=self.book.sheets[len(self.book.sheets) - 1])
        mark_owned(sheet)
        return sheet, reused

    def format_columns(self, sheet, columns: tuple[Column, ...], top: int, count: int) -> None:
        for index, column in enumerate(columns, start=1):
            cells = sheet.range((top, index), (top + max(count, 1), index))
            data = sheet.range((top + 1, index), (top + max(count, 1), index))
            if column.number_format != "General" and count:
                data.number_format = column.number_format
            if column.wrap:
                data.wrap_text = True
            cells.column_width = column_width(self.book, column.width)

    def make_table(self, sheet, name: str, top: int, count: int, width: int) -> str:
        """Resize the table of a reused sheet (giveback's, as the sheet is), or add one;
        returns its name. A table needs a data row: an empty output gets one blank row."""
        cells = sheet.range((top, 1), (top + max(count, 1), width))
        if len(sheet.tables):
            table = next(iter(sheet.tables))
            table.resize(cells)
            return table.name
        name = self.table_name(name)
        sheet.tables.add(source=cells, name=name, table_style_name=TABLE_STYLE)
        return name

    def table_name(self, sheet_name: str) -> str:
        """A table name from the sheet's, as the file writer names them (`seam.table_name`),
        unique in the workbook."""
        taken = {table.name.lower() for sheet in self.book.sheets for table in sheet.tables}
        taken |= {name.name.rsplit("!", 1)[-1].lower() for name in self.book.names}
        return table_name(sheet_name, taken)

    def remove_stale_continuations(self, bases: set[str], written: list[str]) -> None:
        keep, owned = {name.casefold() for name in written}, owned_sheets(self.book)
        stale = [
            sheet for sheet in self.book.sheets
            if sheet.name.casefold() not in keep
            and sheet.name != output_base(sheet.name)
            and output_base(sheet.name) in bases
            and sheet.name.casefold() in owned
        ]
        for sheet in reversed(stale):  # from the end: earlier sheets keep their positions
            delete_sheet(sheet)


def intro_grid(output: OutputSheet) -> list[list]:
    """The title and legend lines, each in column A, and the blank row under them, as
    wide as the table (a grid written at once is rectangular)."""
    blank = [None] * (len(output.columns) - 1)
    return [[line, *blank] for line in output.intro] + ([[None, *blank]] if output.intro else [])


def panel_space(output: OutputSheet) -> list[list]:
    """Blank rows where the panel goes (`write_panel` fills them) and the one under it."""
    if output.panel is None:
        return []
    return [[None] * len(output.columns) for _ in range(output.header_row - output.panel_row)]


def hide(sheet) -> None:
    """Very hidden (no list of Excel's shows the sheet: giveback's run record) where the
    host can say so: Office.js (xlwings' `setSheetVisibility` action) and desktop Excel on
    Windows; hidden on the Mac."""
    if is_json_book(sheet.book):
        sheet.impl.append_json_action(func="setSheetVisibility", args="VeryHidden")
        return
    try:
        sheet.api.Visible = 2  # xlSheetVeryHidden
    except AttributeError:
        sheet.visible = False


def reset_above_table(sheet) -> None:
    """Undo, on a reused sheet, what a previous run set above its table and clearing the
    contents leaves: the legend's merged cells, the panel's hidden rows and drop-down
    list. (A sheet without a table gets it over its used range.)"""
    table = next(iter(sheet.tables), None)
    last = table.range.row - 1 if table is not None else sheet.used_range.last_cell.row
    if last < 1:
        return
    above = sheet.range((1, 1), (last, sheet.used_range.last_cell.column))
    above.unmerge()
    above.rows.hidden = False
    try:
        above.data_validation.delete()
    except NotImplementedError:  # a JSON book from a client other than Office.js
        pass


def write_totals(sheet, output: OutputSheet, table: str, row: int) -> None:
    """A totals row under the table: "Total" and `SUBTOTAL(109, ...)` of each total column
    (Excel computes it: a live book needs no value written)."""
    values = [TOTAL_LABEL] + [None] * (len(output.columns) - 1)
    for index, column in enumerate(output.columns):
        if column.total:
            values[index] = f"=SUBTOTAL(109,{table}[{column.header}])"
    cells = sheet.range((row, 1), (row, len(values)))
    if is_json_book(sheet.book):  # no `.value` write: xlwings would copy the sheet's grid
        cells.raw_value = [["" if value is None else value for value in values]]
    else:
        cells.value = [values]
    cells.font.bold = True


def wrap_legend(sheet, output: OutputSheet) -> None:
    """The intro's rows as tall as the file writer makes them (`seam.intro_heights`), each
    legend line merged across the table's width and wrapped."""
    for number, height in enumerate(intro_heights(output), start=1):
        cells = sheet.range((number, 1), (number, len(output.legend_columns)))
        if number > 1:
            cells.merge()
            cells.wrap_text = True
        if height:
            cells.row_height = height


def embolden(sheet, output: OutputSheet) -> None:
    """The title and the header row in bold (not only through the table style)."""
    if output.intro:
        sheet.range((1, 1)).font.bold = True
    sheet.range((output.header_row, 1), (output.header_row, len(output.columns))).font.bold = True


def write_blocks(sheet, grid: list[Row]) -> None:
    """Write the grid of seam values from A1 in blocks: on a JSON book one `setValues`
    action a block, of at most `BLOCK_ROWS` rows and `BLOCK_BYTES` of JSON (a row of 16
    columns of Excel's longest text stays under 3 MB, so a block always fits Excel on the
    web's 5 MB); on desktop, COM calls of `BLOCK_ROWS` rows."""
    if not is_json_book(sheet.book):
        for start in range(0, len(grid), BLOCK_ROWS):
            block = grid[start : start + BLOCK_ROWS]
            sheet.range((start + 1, 1)).value = [[cell_value(value) for value in row] for row in block]
        return
    for start, block in json_blocks(grid):
        sheet.range((start + 1, 1), (start + len(block), len(block[0]))).raw_value = block


def json_blocks(grid: list[Row]) -> Iterator[tuple[int, list[list]]]:
    """(first row index, rows) of the grid in blocks as JSON takes them, each within
    `BLOCK_ROWS` and `BLOCK_BYTES`."""
    start = 0
    while start < len(grid):
        block = [[json_cell(value) for value in row] for row in grid[start : start + BLOCK_ROWS]]
        while len(block) > 1 and len(json.dumps(block)) > BLOCK_BYTES:
            block = block[: len(block) // 2]
        yield start, block
        start += len(block)


def paginate(output: OutputSheet) -> Iterator[OutputSheet]:
    """The output, split into sheets of at most Excel's row limit (intro and header
    included)."""
    per_sheet = output.rows_per_sheet()
    rows = list(output.rows)
    for page, start in enumerate(range(0, max(len(rows), 1), per_sheet), start=1):
        if page == 1:
            yield output._replace(rows=rows[:per_sheet])
        else:  # the panel is the first sheet's only
            yield output._replace(name=f"{output.name} ({page})", rows=rows[start : start + per_sheet], panel=None)


def output_base(name: str) -> str:
    """`LoopTrace (2)` -> `LoopTrace`; other names unchanged."""
    match = re.fullmatch(r"(.+) \((\d+)\)", name)
    return match.group(1) if match else name


def column_width(book, characters: float) -> float:
    """Desktop Excel sizes columns in characters, Office.js in points."""
    if is_json_book(book) and book.impl.api.get("client") == "Office.js":
        return round(characters * POINTS_PER_CHARACTER, 1)
    return characters


def freeze_header(sheet, rows: int = 1) -> None:
    """Freeze the top `rows` rows (`seam.frozen_rows`: down to the header, or none, which
    unfreezes a reused sheet). Office.js and xlwings Lite support it; desktop COM has no
    `freeze_panes` in xlwings (it would need the sheet's window), so it is skipped there."""
    try:
        if rows:
            sheet.freeze_panes.freeze_at(f"1:{rows}")
        else:
            sheet.freeze_panes.unfreeze()
    except (NotImplementedError, AttributeError):
        pass
