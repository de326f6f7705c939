"""New input workbooks: the empty template (`giveback template`) and the same layout filled
with rows (`giveback demo`, tests). A brand-new file holds nothing of the user's, so
openpyxl writes it; it is still written atomically and never over an existing file
unless asked.

Headers come from the schemas, each with a note saying what to type; data validation
guards the columns an accountant types into (a usage quantity other than 0, a lot's
quantity above 0, real dates, known settings). The first sheet, `Read me`
(`instructions`), explains the sheets, columns, settings and what to post. Every sheet
prints landscape, one page wide, its header row on every page.
"""

from __future__ import annotations

from pathlib import Path
from typing import Mapping, Sequence

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..sheets.after_run import AFTER_RUN, RUN_LABEL, TEMPLATE_ROWS
from ..sheets.schema import INPUTS, LOTS, SETTINGS, Schema
from ..seam import EXCEL_MAX_ROWS, Row, WorkbookError
from ..sheets.settings import CHOICES, DEFAULT_SETTINGS, PARSERS
from .instructions import add_read_me, header_note
from .saving import SaveRefused, saving

FORMATS = {"unit_cost": "#,##0.00", "date": "yyyy-mm-dd"}  # quantities: General, so 5 shows as 5, not 5.


def _number(operator: str, formula: str, prompt: str, formula2: str | None = None) -> DataValidation:
    return DataValidation(type="decimal", operator=operator, formula1=formula, formula2=formula2,
                          allow_blank=True, showErrorMessage=True, error=prompt, errorTitle="giveback")


def _validation(schema: Schema, key: str) -> DataValidation | None:
    if schema is LOTS and key == "quantity":
        return _number("greaterThan", "0", "A lot's quantity is a number above 0.")
    return {
        "quantity": _number("notEqual", "0", "A usage quantity is a number other than 0."),
        "used": _number("greaterThanOrEqual", "0", "Used is a number of 0 or more."),
        "unit_cost": _number("greaterThanOrEqual", "0", "A unit cost is a number of 0 or more."),
        "balance": _number("between", "-1E+15", "The system balance is a number.", "1E+15"),
        "counted": _number("between", "-1E+15", "The counted units are a number.", "1E+15"),
        "date": DataValidation(type="date", operator="greaterThan", formula1="1", allow_blank=True,
                               showErrorMessage=True, error="Enter a date.", errorTitle="giveback"),
    }.get(key)


def input_book(rows: Mapping[str, Sequence[Row]] | None = None) -> Workbook:
    """`Read me`, then the four input sheets with headers, notes, formats and validation,
    and `rows` (by sheet name) below the headers; Settings holds the defaults unless rows
    are given for it."""
    rows = dict(rows or {})
    rows.setdefault(SETTINGS.sheet, DEFAULT_SETTINGS)
    book = Workbook()
    book.remove(book.active)
    printable(add_read_me(book), header_row=False)
    for schema in INPUTS:
        _sheet(book, schema, rows.get(schema.sheet, ()))
    _after_run(book)
    return book


def _after_run(book: Workbook) -> None:
    """`After run`, for the follow-up: the Run label and its empty cell, the header below."""
    sheet = book.create_sheet(AFTER_RUN.sheet)
    for row in TEMPLATE_ROWS:
        sheet.append(list(row))
    header = len(TEMPLATE_ROWS)
    sheet["A1"].font = Font(name="Calibri", bold=True)
    sheet["A1"].comment = _note(header_note(AFTER_RUN, RUN_LABEL.lower()))
    runs = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="1", allow_blank=True,
                          showErrorMessage=True, error="The runs done: a whole number, 1 or more.",
                          errorTitle="giveback")
    runs.add("B1")
    sheet.add_data_validation(runs)
    for index, field in enumerate(AFTER_RUN.fields, start=1):
        cell = sheet.cell(header, index)
        cell.font = Font(name="Calibri", bold=True)
        cell.comment = _note(header_note(AFTER_RUN, field.key))
        sheet.column_dimensions[get_column_letter(index)].width = max(14, len(field.header) + 4)
    sheet.freeze_panes = f"A{header + 1}"
    printable(sheet)
    sheet.print_title_rows = f"{header}:{header}"


def printable(sheet, header_row: bool = True) -> None:
    """Landscape, one page wide (as many pages down as it takes), row 1 on every page."""
    sheet.page_setup.orientation = "landscape"
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    if header_row:
        sheet.print_title_rows = "1:1"


def _sheet(book: Workbook, schema: Schema, rows: Sequence[Row]) -> None:
    sheet = book.create_sheet(schema.sheet)
    sheet.append([field.header for field in schema.fields])
    for row in rows:
        sheet.append(list(row))
    sheet.freeze_panes = "A2"
    printable(sheet)
    for index, field in enumerate(schema.fields):
        letter = get_column_letter(index + 1)
        sheet.cell(1, index + 1).font = Font(name="Calibri", bold=True)  # unnamed: a serif font in LibreOffice
        sheet.cell(1, index + 1).comment = _note(header_note(schema, field.key))
        sheet.column_dimensions[letter].width = max(14, len(field.header) + 4)
        number_format = FORMATS.get(field.key, "General")
        sheet.column_dimensions[letter].number_format = number_format
        for (cell,) in sheet.iter_rows(min_row=2, min_col=index + 1, max_col=index + 1):
            cell.number_format = number_format
        if rule := _validation(schema, field.key):
            rule.add(f"{letter}2:{letter}{EXCEL_MAX_ROWS}")
            sheet.add_data_validation(rule)
    if schema is SETTINGS:
        _setting_names(sheet)


def _note(text: str) -> Comment:
    note = Comment(text, "giveback")
    note.width, note.height = 300, 110  # pixels: the text wraps in a box this size
    return note


def _setting_names(sheet) -> None:
    """Known setting names in column A; each default row's value checked in column B."""
    names = DataValidation(type="list", formula1='"' + ",".join(PARSERS) + '"', allow_blank=True,
                           showErrorMessage=True, error="giveback reads " + ", ".join(PARSERS) + ".")
    names.add("A2:A100")
    sheet.add_data_validation(names)
    for row, (name, _) in enumerate(DEFAULT_SETTINGS, start=2):
        if (check := _setting_value(name, f"B{row}")) is not None:
            sheet.add_data_validation(check)


def _setting_value(name: str, cell: str) -> DataValidation | None:
    """The template's value cells: the choices for rule, lot_order and date_order, runs of
    1 or more, write-off caps of 0 or more; None for free text (distinct_products)."""
    choices = ",".join(CHOICES.get(name, ()))
    if choices:
        rule = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=True, showErrorMessage=True,
                              error=f"{name} is one of {choices}.", errorTitle="giveback")
    elif name.startswith("max_write_off"):
        rule = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                              showErrorMessage=True, error=f"{name} is a number, 0 or more.", errorTitle="giveback")
    elif name in ("max_runs", "max_loops"):
        rule = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="1", allow_blank=True,
                              showErrorMessage=True, error=f"{name} is a whole number of runs, 1 or more.",
                              errorTitle="giveback")
    else:
        return None
    rule.add(cell)
    return rule


def save_new(book: Workbook, path: Path, replace: bool = False) -> None:
    """Write `book` to `path` atomically (`saving`: a temporary file beside it, then its
    name; never where Excel or LibreOffice has the file open); refuse an existing file
    unless `replace`. Raises WorkbookError, and OSError when the file cannot be written."""
    path = Path(path)
    if path.exists() and not replace:
        raise WorkbookError(f"{path} already exists; giveback will not overwrite it. Choose another name.")
    try:
        with saving(path, replace=replace) as file:
            book.save(file)
    except SaveRefused as refusal:
        raise WorkbookError(str(refusal)) from None
