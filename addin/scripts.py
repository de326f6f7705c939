"""The ribbon's scripts: Reconcile, Clear results, New template, for every host.

Each script receives the book (`def reconcile(book: xw.Book)`), never looks it up: xlwings
Server and xlwings Lite hand it a JSON-backed book, the desktop entry points in
`addin.desktop` hand it `xw.Book.caller()`. The work itself is written once against the
sheet-access seam: `BookReader` feeds `workbook.reconcile`, the same routine behind
`giveback reconcile`, and `BookWriter` writes the sheets it returns. So a ribbon Reconcile
and the command line give the same sheets and values.

Errors reach the user as `xw.XlwingsError` with an accountant's message, never a
traceback: a structural problem (no Usage sheet, no Quantity column) and a sheet with an
output's name that giveback did not write both stop the run before anything is written.
"""

from __future__ import annotations

import xlwings as xw

from workbook.sheets.outputs import OUTPUT_NAMES
from workbook.reconcile import Reconciliation, WorkbookError
from workbook.reconcile import reconcile as reconcile_workbook
from workbook.sheets import settings
from workbook.sheets.schema import INPUTS, SETTINGS

from .book import BookReader, BookWriter, find_sheet

DEFAULT_SETTINGS = [list(setting) for setting in settings.DEFAULT_SETTINGS]


# ---- the scripts xlwings Server and xlwings Lite list ----------------------------------


@xw.script
def reconcile(book: xw.Book):
    """Reconcile the workbook: write Adjustments, LoopTrace and Summary (and Issues when
    input rows have problems)."""
    reconcile_book(book)


@xw.script
def clear_results(book: xw.Book):
    """Remove the sheets giveback wrote; the user's sheets stay as they are."""
    clear_book(book)


@xw.script
def new_template(book: xw.Book):
    """Add the input sheets (Usage, Lots, Counts, Settings) with their headers; sheets that
    already exist are left alone."""
    add_template(book)


# ---- the work, shared with the desktop entry points ------------------------------------


def reconcile_book(book: xw.Book) -> Reconciliation:
    """Read the inputs, recommend, write the outputs; remove a stale Issues sheet."""
    try:
        done = reconcile_workbook(BookReader(book))
    except WorkbookError as error:
        raise xw.XlwingsError(str(error)) from None
    writer = BookWriter(book)
    writer.write(done.sheets)
    writer.remove(done.drop)
    return done


def clear_book(book: xw.Book) -> list[str]:
    return BookWriter(book).remove(OUTPUT_NAMES)


def add_template(book: xw.Book) -> list[str]:
    """Add each missing input sheet with its header row; returns the sheets added."""
    added = []
    for schema in INPUTS:
        if find_sheet(book, schema.sheet) is not None:
            continue
        sheet = book.sheets.add(schema.sheet, after=book.sheets[len(book.sheets) - 1])
        rows = [[field.header for field in schema.fields]]
        if schema is SETTINGS:
            rows += DEFAULT_SETTINGS
        sheet.range((1, 1)).value = rows
        added.append(schema.sheet)
    return added
