"""The ribbon's scripts: Reconcile, Check, Clear results, New template, for every host.

Each script receives the book (`def reconcile(book: xw.Book)`), never looks it up: xlwings
Server and xlwings Lite hand it a JSON-backed book, the desktop entry points in
`addin.desktop` hand it `xw.Book.caller()`. The work itself is written once against the
sheet-access seam: `BookReader` feeds `workbook.reconcile`, the same routine behind
`giveback reconcile`, and `BookWriter` writes the sheets it returns. So a ribbon Reconcile
and the command line give the same sheets and values.

Errors reach the user as `xw.XlwingsError` with an accountant's message, never a
traceback: a structural problem (no Usage sheet, no Quantity column) and a sheet with an
output's name that giveback did not write both stop the run before anything is written.

Check (`workbook.close.check`, `giveback check`'s routine) writes nothing: its answer is
an alert (a message box on desktop, a dialog in Excel on the web). Writing it onto Summary
would change the book a check is meant only to look at (and, on desktop, leave it
unsaved), and a report of what changed is read once, not kept: re-running Check is free.
"""

from __future__ import annotations

import xlwings as xw

from workbook.close.check import CURRENT, Check, report_lines
from workbook.close.check import check as check_workbook
from workbook.sheets.outputs import OUTPUT_NAMES, SUMMARY
from workbook.reconcile import Reconciliation, WorkbookError
from workbook.reconcile import reconcile as reconcile_workbook
from workbook.sheets import settings
from workbook.seam import LINE_HEIGHT
from workbook.sheets.after_run import AFTER_RUN, RUN_LABEL, TEMPLATE_ROWS
from workbook.sheets.readme import READ_ME, TITLE, WIDTHS, header_note, parts, row_height
from workbook.sheets.run_record import RUN_RECORD
from workbook.sheets.schema import INPUTS, SETTINGS

from .book import BookReader, BookWriter, column_width, find_sheet, refuse_foreign

DEFAULT_SETTINGS = [list(setting) for setting in settings.DEFAULT_SETTINGS]
CHECK_TITLE = "Give-Back: Check"
CLEAR_TITLE = "Give-Back: Clear results"
LONGEST_ALERT = 1_000  # characters: desktop Excel's message box shows about 1,024


# ---- the scripts xlwings Server and xlwings Lite list ----------------------------------


@xw.script
def reconcile(book: xw.Book):
    """Reconcile the workbook: write Adjustments, LoopTrace, Summary and Options (and
    Issues when input rows have problems)."""
    reconcile_book(book)


@xw.script
def check(book: xw.Book):
    """Say whether the outputs still match the inputs (and name what changed), and whether
    the After run sheet is what the trace predicted; writes nothing."""
    check_book(book)


@xw.script
def clear_results(book: xw.Book):
    """Remove the sheets giveback wrote; the user's sheets stay as they are."""
    clear_book(book)


@xw.script
def new_template(book: xw.Book):
    """Add the Read me sheet and the input sheets (Usage, Lots, Counts, Settings) with
    their headers; sheets that already exist are left alone."""
    add_template(book)


# ---- the work, shared with the desktop entry points ------------------------------------


def reconcile_book(book: xw.Book) -> Reconciliation:
    """Read the inputs (and Summary's sign-off, once it is sure to be giveback's), recommend,
    write the outputs and the run record's document properties; remove a stale Issues
    sheet."""
    refuse_foreign(book, [SUMMARY])
    try:
        done = reconcile_workbook(BookReader(book))
    except WorkbookError as error:
        raise xw.XlwingsError(str(error)) from None
    writer = BookWriter(book)
    writer.write(done.sheets)
    writer.remove(done.drop)
    writer.set_properties(done.record.properties())
    return done


def check_book(book: xw.Book) -> Check:
    """Check the book and show the answer in an alert; returns the check."""
    try:
        result = check_workbook(BookReader(book))
    except WorkbookError as error:
        raise xw.XlwingsError(str(error)) from None
    text = alert_text(report_lines(result, book.name, reconcile_with="Reconcile on the Give-Back tab"))
    book.app.alert(text, title=CHECK_TITLE, mode="info" if result.status == CURRENT else "critical")
    return result


def alert_text(lines: list[str]) -> str:
    """The report, cut to what a message box shows, whole lines kept."""
    text = ""
    for number, line in enumerate(lines):
        if len(text) + len(line) + 1 > LONGEST_ALERT:
            return text + f"... and {len(lines) - number} more lines: giveback check on the file lists them all."
        text += line + "\n"
    return text.rstrip("\n")


def clear_book(book: xw.Book) -> list[str]:
    """Remove giveback's sheets and say which went (or that there were none); returns them."""
    removed = BookWriter(book).remove((*OUTPUT_NAMES, RUN_RECORD))
    shown = [name for name in removed if name != RUN_RECORD]  # the very hidden one: nobody saw it
    said = (f"Removed the sheets giveback wrote: {', '.join(shown or ['its run record'])}. Your own sheets are as"
            " they were." if removed else "Nothing to clear: no sheet of this workbook was written by giveback.")
    book.app.alert(said, title=CLEAR_TITLE, mode="info")
    return removed


def add_template(book: xw.Book) -> list[str]:
    """Add the Read me sheet first and each input sheet at the end, when missing, as the
    command line's template has them: headers with a note on each; returns the sheets
    added."""
    added = []
    if find_sheet(book, READ_ME) is None:
        add_read_me(book)
        added.append(READ_ME)
    for schema in INPUTS:
        if find_sheet(book, schema.sheet) is not None:
            continue
        sheet = book.sheets.add(schema.sheet, after=book.sheets[len(book.sheets) - 1])
        rows = [[field.header for field in schema.fields]]
        if schema is SETTINGS:
            rows += DEFAULT_SETTINGS
        sheet.range((1, 1)).value = rows
        sheet.range((1, 1), (1, len(schema.fields))).font.bold = True
        for column, field in enumerate(schema.fields, start=1):
            add_note(sheet.range((1, column)), header_note(schema, field.key))
        added.append(schema.sheet)
    if find_sheet(book, AFTER_RUN.sheet) is None:
        add_after_run(book)
        added.append(AFTER_RUN.sheet)
    return added


def add_after_run(book: xw.Book):
    """The After run sheet, as the command line's template has it: the Run label and its
    empty cell, the header below, notes on both."""
    sheet = book.sheets.add(AFTER_RUN.sheet, after=book.sheets[len(book.sheets) - 1])
    width = len(AFTER_RUN.fields)
    sheet.range((1, 1)).value = [[*row, *[None] * (width - len(row))] for row in TEMPLATE_ROWS]
    header = len(TEMPLATE_ROWS)
    sheet.range((1, 1)).font.bold = True
    sheet.range((header, 1), (header, width)).font.bold = True
    add_note(sheet.range((1, 1)), header_note(AFTER_RUN, RUN_LABEL.lower()))
    for column, field in enumerate(AFTER_RUN.fields, start=1):
        add_note(sheet.range((header, column)), header_note(AFTER_RUN, field.key))
    return sheet


def add_read_me(book: xw.Book):
    """The Read me sheet before the others: its title, then each part's heading and rows."""
    sheet = book.sheets.add(READ_ME, before=book.sheets[0])
    rows: list[list] = [[TITLE, None]]
    for title, part in parts():
        rows += [[None, None], [title, None], *[[name, text] for name, text in part]]
    sheet.range((1, 1)).value = rows
    sheet.range((1, 1)).font.bold = True
    for column, width in enumerate(WIDTHS, start=1):
        sheet.range((1, column)).column_width = column_width(book, width)
    sheet.range((1, 2), (len(rows), 2)).wrap_text = True
    for number, (name, text) in enumerate(rows, start=1):
        if text is not None and (height := row_height(name, text)) > LINE_HEIGHT:
            sheet.range((number, 1), (number, 2)).row_height = height
    return sheet


def add_note(cell, text: str) -> None:
    """A note on a header cell, where the host can add one (desktop Excel and Office.js
    with ExcelApi 1.18; not xlwings Lite's older clients)."""
    try:
        cell.add_note(text)
    except (NotImplementedError, AttributeError):
        pass
