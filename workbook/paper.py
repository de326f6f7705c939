"""How an output sheet goes on paper: one description, derived from the sheet, that every
writer follows (the file's XML, desktop Excel's PageSetup, Office.js' pageLayout), so that
no host keeps its own copy of these figures.

    Summary: landscape, one page wide and as many pages tall as its rows need; its
    header row (row 6) on every page; the sheet's name at the bottom left of each page,
    "Page 2 of 5" at the bottom right; margins of 0.4" at the sides, 0.6" above and below.

A sheet whose columns say `new_page` (`seam.Column`) prints in pages of columns: each
such column starts a page (a manual column break) and the sheet's first column, the
product, is printed again at the left of every page. Excel ignores manual breaks when a
sheet is fitted to a number of pages, so such a sheet is printed at a scale instead, the
largest at which its widest page of columns fits the paper:

    columns   A (18)  B..G (6 x 12)  | H (40, new_page) I (30)
    pages     A B C D E F G          | A H I
    widths    widest page: A + H + I = 88 column widths, about 473 pt; 734 pt fit: 100%

A sheet with a panel above its table (Options: its hidden rows reach further right than
the table) prints only the table's columns (`print_columns`).
"""

from __future__ import annotations

import math
from typing import NamedTuple

from .seam import Column, OutputSheet
from .sheets.schema import column_letter

LANDSCAPE, PORTRAIT = "landscape", "portrait"
POINTS_PER_INCH = 72
PAPER_WIDTH = 11.0  # inches: US Letter turned landscape (A4's 11.69 is wider: Letter is the tighter)
FONT_SIZE = 11  # points: the sheets' text before any scaling
SHEET_NAME, PAGE_OF_PAGES = "&A", "Page &P of &N"  # Excel's header and footer codes
NOT_SET_UP = ("This copy of Excel could not set the sheet up for printing (landscape, one page wide,"
              " the header row on every page): set it in Page Layout before you print.")


class Margins(NamedTuple):
    """Page margins in inches, and the distance of the header and footer from the edge."""

    left: float = 0.4
    right: float = 0.4
    top: float = 0.6
    bottom: float = 0.6
    header: float = 0.3
    footer: float = 0.3

    def points(self) -> Margins:
        return Margins(*(inches * POINTS_PER_INCH for inches in self))


class PrintLayout(NamedTuple):
    """A sheet's print setup. Rows and columns are counted from 1."""

    orientation: str = LANDSCAPE
    pages_wide: int = 1  # fitted to this many pages wide; 0: printed at `scale` instead
    pages_tall: int = 0  # 0: as many pages tall as the rows need
    scale: int = 100  # percent, when not fitted
    title_rows: tuple[int, int] | None = None  # printed at the top of every page
    title_columns: tuple[int, int] | None = None  # printed at the left of every page
    column_breaks: tuple[int, ...] = ()  # a page starts at each of these columns
    row_breaks: tuple[int, ...] = ()  # a page starts at each of these rows
    print_columns: int | None = None  # only the first N columns print (None: all)
    footer: tuple[str, str] = (SHEET_NAME, PAGE_OF_PAGES)  # left and right, in Excel's codes
    margins: Margins = Margins()

    @property
    def fitted(self) -> bool:
        return self.pages_wide > 0

    def title_rows_reference(self) -> str:
        """`$6:$6` (as Excel's Print_Titles and PrintTitleRows spell them), or ""."""
        return f"${self.title_rows[0]}:${self.title_rows[1]}" if self.title_rows else ""

    def title_columns_reference(self) -> str:
        """`$A:$A`, or ""."""
        if not self.title_columns:
            return ""
        first, last = (column_letter(number - 1) for number in self.title_columns)
        return f"${first}:${last}"

    def print_areas(self, last_row: int) -> tuple[str, ...]:
        """The areas printed, down to `last_row`: `$A$1:$H$40`, the printed columns; with
        pages of columns, the first page's columns from row 1 (the intro with them), then
        each page of columns from under the header row (the intro's merged text would be
        cut there; the header and column A print at every page's top and left as titles).
        () when the whole sheet prints as it is."""
        if not self.print_columns:
            return ()
        ends = (*self.column_breaks, self.print_columns + 1)  # each page's first column, then past the last
        below = self.title_rows[1] + 1 if self.title_rows else 1
        first_page = f"$A$1:${column_letter(ends[0] - 2)}${last_row}"
        return (first_page, *(f"${column_letter(first - 1)}${below}:${column_letter(end - 2)}${last_row}"
                              for first, end in zip(ends, ends[1:])))

    def print_area(self, last_row: int) -> str:
        """The print areas as one address, comma-separated (as PageSetup.PrintArea and
        Office.js' setPrintArea take them); "" when the whole sheet prints."""
        return ",".join(self.print_areas(last_row))


def print_layout(output: OutputSheet) -> PrintLayout:
    """How `output` prints (see the module's docstring)."""
    breaks = tuple(number for number, column in enumerate(output.columns, 1) if column.new_page and number > 1)
    panel = output.panel
    rows = (output.panel_row + panel.page_break,) if panel is not None and panel.page_break is not None else ()
    return PrintLayout(
        pages_wide=0 if breaks or rows else 1,
        scale=_scale(_pages(output.columns, breaks)) if breaks or rows else 100,
        title_rows=(output.header_row, output.header_row),
        title_columns=(1, 1) if breaks else None,
        column_breaks=breaks,
        row_breaks=rows,
        print_columns=len(output.columns) if output.panel is not None or breaks else None,
    )


def printed_scale(output: OutputSheet) -> float:
    """About the scale, in percent, at which `output` prints: its layout's scale, or for a
    sheet fitted one page wide, the share of the page its table takes (widths turned into
    points by `column_points`). Text prints at `FONT_SIZE` times this."""
    layout = print_layout(output)
    if not layout.fitted:
        return layout.scale
    return min(100.0, 100 * _printable_width(layout) / sum(column_points(c.width) for c in output.columns))


def column_points(width: float) -> float:
    """A column `width` (in widths of the digit 0 of the 11-point Calibri) in points:
    Excel gives a column 7 pixels a width and 5 of padding, at 96 pixels an inch.
    LibreOffice prints the same with Carlito, Calibri's metric twin (the demo's sheets,
    measured with `pdftotext -bbox`, agree within 1%); with a wider stand-in font it
    prints everything smaller."""
    return (7 * width + 5) * 0.75


def _pages(columns: tuple[Column, ...], breaks: tuple[int, ...]) -> list[float]:
    """The width in points of each page of columns, the repeated first column included."""
    starts = (1, *breaks, len(columns) + 1)
    widths = [column_points(column.width) for column in columns]
    return [sum(widths[first - 1:last - 1]) + (widths[0] if first > 1 else 0)
            for first, last in zip(starts, starts[1:])]


def _scale(pages: list[float]) -> int:
    """The largest whole percentage at which the widest page fits (10 to 100, Excel's range)."""
    return max(10, min(100, math.floor(100 * _printable_width(PrintLayout()) / max(pages))))


def _printable_width(layout: PrintLayout) -> float:
    margins = layout.margins
    return (PAPER_WIDTH - margins.left - margins.right) * POINTS_PER_INCH
