"""The template's first sheet, `Read me`, written with openpyxl: its text comes from
`workbook.sheets.readme`, laid out in two columns, a heading above each part."""

from __future__ import annotations

from typing import Iterable

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from ..sheets.readme import READ_ME, TITLE, header_note, parts

__all__ = ["READ_ME", "add_read_me", "header_note"]

HEADING = PatternFill("solid", fgColor="DDEBF7")
WRAPPED = Alignment(wrap_text=True, vertical="top")
WIDTHS = {"A": 34, "B": 100}  # in widths of the digit 0
LINE_HEIGHT = 15  # points, at the default font
CHARACTERS_PER_WIDTH = 1.05  # letters are narrower than a 0 in Calibri; Carlito and DejaVu are wider
BOLD = Font(name="Calibri", bold=True)  # without a name LibreOffice prints it in a serif font


def add_read_me(book) -> Worksheet:
    """`Read me` as the book's first sheet: two columns, a heading above each part."""
    sheet = book.create_sheet(READ_ME, 0)
    for column, width in WIDTHS.items():
        sheet.column_dimensions[column].width = width
    sheet.append([TITLE])
    sheet["A1"].font = Font(name="Calibri", bold=True, size=14)
    for title, rows in parts():
        _part(sheet, title, rows)
    return sheet


def _part(sheet, title: str, rows: Iterable[tuple[str, str]]) -> None:
    sheet.append([])
    sheet.append([title])
    heading = sheet.max_row
    for column in "AB":
        sheet[f"{column}{heading}"].fill = HEADING
    sheet[f"A{heading}"].font = BOLD
    for name, text in rows:
        sheet.append([name, text])
        row = sheet.max_row
        sheet[f"A{row}"].font = BOLD
        sheet[f"A{row}"].alignment = sheet[f"B{row}"].alignment = WRAPPED
        sheet.row_dimensions[row].height = LINE_HEIGHT * max(_lines(name, "A"), _lines(text, "B"))


def _lines(text: str, column: str) -> int:
    """The lines `text` wraps to in `column`: spreadsheet programs do not size rows of a
    file that does not say how tall they are, so the sheet says it."""
    return max(1, -(-len(text) // int(WIDTHS[column] * CHARACTERS_PER_WIDTH)))
