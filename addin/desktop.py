"""Desktop Excel entry points for the ribbon add-in (`dist/giveback.xlam`), run by
xlwings' `RunPython` from the add-in's VBA, e.g.

    RunPython "import addin.desktop; addin.desktop.clear_results()"

Each looks the workbook up when called, never at import: `xw.Book.caller()` only works
inside a `RunPython` call from Excel on Windows or macOS, and there it is the active
workbook (xlwings passes `ActiveWorkbook.Name`), not the add-in. A user-facing error is
shown in an Excel alert instead of xlwings' traceback window.
"""

from __future__ import annotations

from typing import Callable

import xlwings as xw

from . import scripts

TITLE = "Give-Back"


def run_on_active_book(work: Callable[[xw.Book], object]) -> None:
    book = xw.Book.caller()
    try:
        if book.name.lower().endswith(".xlam"):
            raise xw.XlwingsError("Open or select the workbook to work on first.")
        work(book)
    except xw.XlwingsError as error:
        book.app.alert(str(error), title=TITLE)


def reconcile() -> None:
    run_on_active_book(scripts.reconcile_book)


def check() -> None:
    run_on_active_book(scripts.check_book)


def clear_results() -> None:
    run_on_active_book(scripts.clear_book)


def new_template() -> None:
    run_on_active_book(scripts.add_template)
