"""The template's first sheet, `Read me`, written with openpyxl: its text comes from
`workbook.sheets.readme`, laid out in two columns, a heading above each part."""

from __future__ import annotations

from typing import Iterable

from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from ..sheets.readme import READ_ME, TITLE, WIDTHS, header_note, parts, row_height

__all__ = ["READ_ME", "add_read_me", "header_note"]

HEADING = PatternFill("solid", fgColor="DDEBF7")
WRAPPED = Alignment(wrap_text=True, vertical="top")
BOLD = Font(name="Calibri", bold=True)  # without a name LibreOffice prints it in a serif font


def add_read_me(book) -> Worksheet:
    """`Read me` as the book's first sheet: two columns, a heading above each part."""
    sheet = book.create_sheet(READ_ME, 0)
    for column, width in zip("AB", WIDTHS):
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
        sheet.row_dimensions[row].height = row_height(name, text)
