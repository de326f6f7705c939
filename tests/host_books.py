"""The book both hosts reconcile in tests/test_wheel.py and tests/test_pyodide.py: the
demo workbook's input sheets as Office.js sends them (dates as ISO strings)."""

from __future__ import annotations

import json
from pathlib import Path

from giveback.demo import COUNTS, LOTS, USAGE
from officejs import book_payload
from workbook.files.books import open_book
from workbook.files.newbook import input_book, save_new


def demo_payload(folder: Path) -> Path:
    """The payload, written as JSON into `folder`; returns its path."""
    source = folder / "demo.xlsx"
    save_new(input_book({"Usage": USAGE, "Lots": LOTS, "Counts": COUNTS}), source)
    with open_book(source) as inputs:
        payload = book_payload({name: list(inputs.rows(name)) for name in inputs.sheet_names()})
    path = folder / "book.json"
    path.write_text(json.dumps(payload))
    return path
