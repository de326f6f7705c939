"""The sheet-access seam: what every host (an .xlsx file, a live or JSON-backed xlwings
book) offers the reconcile logic, and what that logic hands back to be written.

Everything crossing the seam is plain values: `str`, `int`, `float`, `Decimal`,
`datetime.date`/`datetime`, `bool`, `None` (a blank) and, from files only, `UNCALCULATED`
(a formula saved without its result); on the way out also `Link`, a text that jumps to a
cell, and, above a table, a `Panel` of `Formula` cells, drop-down lists and charts. No
openpyxl or xlwings object crosses it, so the codecs are written and tested once for every
host.
"""

from __future__ import annotations

import re
from typing import Iterable, NamedTuple, Protocol, Sequence

from core.problems import Code

EXCEL_MAX_ROWS = 1_048_576
TOTAL_LABEL = "Total"  # the first cell of an output's totals row, in every host
LINE_HEIGHT = 15.0  # points: a line of 11-point text
TITLE_HEIGHT = 21.0  # points: the line of an output's 14-point title
FROZEN_MOST = 180.0  # points: the rows frozen above a table stand no taller (`frozen_rows`)

Row = Sequence[object]


class Uncalculated:
    """The value of a formula cell saved without its result: files written by programs
    that never calculate (openpyxl writing `=A1*2`) hold the formula and no value. Not a
    blank: the cell has a value nobody has worked out yet. The one instance is
    `UNCALCULATED`; a live Excel (xlwings) always calculates, so it never gives one."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "UNCALCULATED"


UNCALCULATED = Uncalculated()


class SheetReader(Protocol):
    """Read side of a host: sheet names as the workbook spells them, and a sheet's cells
    as rows of plain values starting at A1 (formulas read as their cached values; an
    error cell as its text, e.g. "#DIV/0!"; a formula without one as `UNCALCULATED`). Only
    worksheets are named: a chart sheet or a macro sheet is never an input sheet. A reader
    may also offer `other_sheets()`, `{name: "chart sheet"}` for the tabs it leaves out,
    for messages."""

    def sheet_names(self) -> list[str]: ...

    def rows(self, name: str) -> Iterable[Row]: ...


class WorkbookError(Exception):
    """A workbook giveback cannot work on at all (no Usage sheet, no Quantity column, not
    an Excel file, a corrupt file): one clear message for the accountant, nothing written.
    `code` is the stable `core.problems.Code` (`sheet_missing`, `column_missing`,
    `file_unreadable`)."""

    def __init__(self, message: str, code: Code = Code.FILE_UNREADABLE):
        super().__init__(message)
        self.code = code


class Column(NamedTuple):
    """One typed column of an output sheet."""

    header: str
    number_format: str = "General"  # an Excel number format, e.g. "#,##0.######"
    width: float = 12.0
    wrap: bool = False  # long text wraps inside the column (its rows grow), e.g. notes
    total: bool = False  # summed on a totals row under the table
    new_page: bool = False  # printed from the top of a page of its own (`workbook.paper`)


class Link(NamedTuple):
    """A cell showing `text` that jumps to `target`, a place in the workbook
    (`Usage!C17`, `'My usage'!C17`), when clicked: an Issues row's cell."""

    text: str
    target: str

    def __str__(self) -> str:
        return self.text


class Formula(NamedTuple):
    """A cell computed by an Excel formula (without its `=`), written with its value as of
    writing, so the file shows it before any recalculation. `value` None is `#N/A` (a
    point a chart leaves out)."""

    formula: str
    value: object = None
    number_format: str = "General"


class Number(NamedTuple):
    """A number in a panel, shown in `number_format` (a table's columns carry their own
    formats; a panel's cells carry theirs)."""

    value: object
    number_format: str = "General"


class Choice(NamedTuple):
    """A drop-down list (data validation) in one cell: `source` is a formula naming the
    list, e.g. `'Summary'!$A$5:$A$2004`."""

    cell: str
    source: str
    prompt: str = ""


SERIES_COLOURS = ("#4472C4", "#ED7D31", "#A5A5A5", "#FFC000")  # Office's first theme colours, series by series
MARKER_SIZE = 7  # points: a series drawn as markers only has circles this big


def series_colour(index: int) -> str:
    """The colour every writer draws a chart's series `index` (from 0) in."""
    return SERIES_COLOURS[index % len(SERIES_COLOURS)]


class ChartSeries(NamedTuple):
    """One series of a scatter chart: x and y as ranges of the sheet (`$B$7:$X$7`) and
    their values as of writing; drawn as straight lines, or as markers only. With
    `name_cell` (`$B$5`) its name, in the legend, is that cell's text (`name` as of
    writing), so it follows what the cell says."""

    name: str
    x: str
    y: str
    x_values: tuple
    y_values: tuple
    markers: bool = False
    name_cell: str = ""


class Chart(NamedTuple):
    """A scatter chart (an Excel chart, not a picture) over the cells `anchor`: first
    column, first row, last column, last row, counted from 0. Its series may read hidden
    rows: every writer draws hidden cells. `missing` is what the sheet's legend says in a
    host that cannot draw it (`missing_note`)."""

    title: str
    series: tuple[ChartSeries, ...]
    x_title: str
    y_title: str
    anchor: tuple[int, int, int, int]
    missing: str = ""

    def missing_note(self) -> str:
        """The legend's words where the chart cannot be drawn: `missing`, or a sentence
        naming the chart."""
        return self.missing or (f"This copy of Excel cannot draw the chart \"{self.title}\"; the table"
                                " below holds its figures, and the file `giveback reconcile` writes has it.")


class Panel(NamedTuple):
    """Cells between an output's intro and its table: rows of values and `Formula`s from
    column A (the rows in `hidden` hold what only a chart reads), drop-down lists on its
    cells, and charts of them. Only the first sheet of a long output has it."""

    rows: tuple[Row, ...]
    hidden: frozenset[int] = frozenset()  # indexes into rows
    choices: tuple[Choice, ...] = ()
    charts: tuple[Chart, ...] = ()
    page_break: int | None = None  # the row (index into rows) that starts a printed page


class OutputSheet(NamedTuple):
    """An output sheet as plain values: written as an Excel table with a frozen header,
    laid out for printing as `workbook.paper.print_layout` says (landscape, one page wide, the
    header row on every page).

    `intro` is a title and legend lines above the table (a blank row between them and
    the header); a `panel` sits between them, a blank row on each side. `rows` may be a
    generator (a long trace is streamed, never held twice);
    a sheet longer than Excel's limit continues on `NAME (2)`, `NAME (3)`, ... (see
    `continuation_names`). A `hidden` sheet is giveback's own data (the run record),
    very hidden: Excel shows it in no list of sheets, yet every host reads its values."""

    name: str
    columns: tuple[Column, ...]
    rows: Iterable[Row]
    intro: tuple[str, ...] = ()
    panel: Panel | None = None
    hidden: bool = False

    @property
    def panel_row(self) -> int:
        """The panel's first row (or where the header would be without one), from 1."""
        return len(self.intro) + 2 if self.intro else 1

    @property
    def header_row(self) -> int:
        """The table's header row, counted from 1."""
        return self.panel_row + (len(self.panel.rows) + 1 if self.panel else 0)

    @property
    def legend_columns(self) -> tuple[Column, ...]:
        """The columns the intro's legend lines are merged across: the table's, up to the
        first that starts a page of its own (so the legend prints on the first page)."""
        first_break = next((i for i, column in enumerate(self.columns) if column.new_page and i), len(self.columns))
        return self.columns[:first_break]

    @property
    def has_totals(self) -> bool:
        return any(column.total for column in self.columns)

    def last_row(self, data_rows: int) -> int:
        """The table's last row, counted from 1, with `data_rows` rows written (an empty
        table keeps one blank row) and its totals row if any."""
        return self.header_row + max(data_rows, 1) + (1 if self.has_totals else 0)

    def with_note(self, note: str) -> OutputSheet:
        """The sheet with `note` added to its last legend line (no row moves: a panel's
        formulas name its rows); unchanged without a legend."""
        if len(self.intro) < 2 or not note:
            return self
        return self._replace(intro=self.intro[:-1] + (f"{self.intro[-1]} {note}",))

    def rows_per_sheet(self) -> int:
        """Data rows one sheet holds under the intro and header (and above a totals row)."""
        return EXCEL_MAX_ROWS - self.header_row - (1 if self.has_totals else 0)


_CELL_LIKE = re.compile(r"^([A-Za-z]{1,3}\d+|[RrCc]\d*|[Rr]\d*[Cc]\d*)$")
_PLAIN_SHEET_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def table_name(sheet_name: str, taken: set[str]) -> str:
    """An Excel table name from a sheet's name, as every writer names its tables:
    letters, digits and _, starting with a letter, never read as a cell (`A1`, `R1C1`),
    and unlike any name in `taken` (lower-cased)."""
    base = re.sub(r"\W+", "_", sheet_name).strip("_") or "Table"
    if not re.match(r"[^\W\d]", base) or _CELL_LIKE.match(base):
        base = f"T_{base}"
    name, suffix = base, 1
    while name.lower() in taken:
        suffix += 1
        name = f"{base}_{suffix}"
    return name


def quoted_sheet(name: str) -> str:
    """A sheet's name as a reference spells it, as every writer spells it: quoted, its
    apostrophes doubled (`'My usage'`, `'O''Brien'`), which is right for every name
    (spaces, brackets, non-Latin letters, a name that looks like a cell, `A1` or `R2C3`)."""
    return "'" + name.replace("'", "''") + "'"


def plain_sheet_name(name: str) -> bool:
    """Whether a reference may spell the sheet's name unquoted (`Usage!C17`): ASCII
    letters, digits and _, not first a digit, and not read as a cell (`A1`, `R2C3`)."""
    return bool(_PLAIN_SHEET_NAME.fullmatch(name)) and not _CELL_LIKE.match(name)


def sheet_reference(sheet: str, cells: str) -> str:
    """`'Options'!$B$7:$X$7`: cells of `sheet` as a formula, a defined name or a link names them."""
    return f"{quoted_sheet(sheet)}!{cells}"


def text_lines(text: str, width: float) -> int:
    """The lines `text` takes wrapped across `width` (in column widths, the width of a
    "0"). An estimate that errs tall: about 1.2 letters to a width, a tenth more for the
    words that do not fill a line (cheaper than laying the words out: a Summary of 4,000
    products has 4,000 notes)."""
    characters = max(1, int(width * 1.2))
    return max(1, -(-len(text) * 11 // (characters * 10)))


def text_height(text: str, width: float) -> float | None:
    """The height, in points, `text` needs wrapped across `width` (`text_lines`); None
    when one line holds it. Spreadsheet programs do not grow a row for wrapped text in a
    merged cell, nor (LibreOffice) for a file's rows, so writers say it."""
    lines = text_lines(text, width)
    return lines * LINE_HEIGHT if lines > 1 else None


def intro_heights(output: OutputSheet) -> list[float | None]:
    """The height, in points, of each of `output`'s intro rows (None: the default): the
    14-point title, and each legend line wrapped across the table's width (merged there:
    no program grows such a row by itself). Every writer sizes the intro with these."""
    width = sum(column.width for column in output.legend_columns)
    return [TITLE_HEIGHT if number == 0 else text_height(line, width) for number, line in enumerate(output.intro)]


def frozen_rows(output: OutputSheet) -> int:
    """The rows every writer freezes: down to the table's header when they stand no taller
    than `FROZEN_MOST` (about half of Excel's grid on a 1366x768 laptop), else none. Excel
    cannot scroll a frozen pane, so rows taller than its window would leave no room to
    scroll the table into view (Summary's run record and sign-off, Options' charts). A
    table left unfrozen still shows its headers in place of the column letters while one
    scrolls through it in Excel, and prints its header row on every page."""
    return output.header_row if top_height(output) <= FROZEN_MOST else 0


def top_height(output: OutputSheet) -> float:
    """The height, in points, of `output`'s rows down to its table's header, as every
    writer makes them: the intro (`intro_heights`), the blank rows, the panel's rows (its
    hidden ones none) and the header, as tall as its longest wrapped header."""
    intro = [height or LINE_HEIGHT for height in intro_heights(output)]
    panel = output.panel
    shown = sum(index not in panel.hidden for index in range(len(panel.rows))) if panel else 0
    blanks = output.header_row - 1 - len(intro) - (len(panel.rows) if panel else 0)
    header = max((text_height(column.header, column.width) or LINE_HEIGHT for column in output.columns),
                 default=LINE_HEIGHT)
    return sum(intro) + LINE_HEIGHT * (shown + blanks) + header


def continuation_names(name: str, data_rows: int, per_sheet: int | None = None) -> list[str]:
    """The sheets a table of `data_rows` rows fills at `per_sheet` rows a sheet (by
    default all but a header row): `LoopTrace`, `LoopTrace (2)`, ..."""
    per_sheet = per_sheet or EXCEL_MAX_ROWS - 1
    sheets = max(1, -(-data_rows // per_sheet))
    return [name] + [f"{name} ({i})" for i in range(2, sheets + 1)]


class Grids:
    """A `SheetReader` over sheets already in memory, `{name: rows}`: what tests build and
    what a host that fetched a book's values (an xlwings book) hands to the codecs."""

    def __init__(self, sheets: dict[str, Sequence[Row]]):
        self.sheets = sheets

    def sheet_names(self) -> list[str]:
        return list(self.sheets)

    def rows(self, name: str) -> Iterable[Row]:
        return iter(self.sheets[name])
