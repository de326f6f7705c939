"""`giveback check BOOK.xlsx [--json]`: do a reconciled book's outputs still match its
inputs, and is the follow-up on track (SPEC section 11)?

    $ giveback check march.reconciled.xlsx
    stale: 1 change to the input values since the run of 2026-03-05 14:02 UTC (...).
      Usage!B14 changed from 6 to 8 (GASKET)

Exit status: 0 current, 1 stale, 2 never reconciled (or a file that cannot be read).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from workbook.close.check import check, exit_status, report_json, report_lines
from workbook.files.books import check_extension, open_book
from workbook.seam import WorkbookError
from workbook.xlsx.docprops import properties_of
from workbook.xlsx.opc import PackageError

from .options import print_json

FAILED = 2


def add_parser(commands) -> None:
    parser = commands.add_parser(
        "check",
        description="Compare the input values of a reconciled workbook (Usage, Lots, Counts, Settings) with"
        " those its last reconcile read, naming every cell that changed; and compare its After run sheet, if"
        " filled in, with what the trace predicted for that run.",
        epilog="exit status: 0 current, 1 stale (the inputs changed since the run), 2 never reconciled or a"
        " file error",
    )
    parser.add_argument("book", type=Path, metavar="BOOK.xlsx", help="the reconciled workbook")
    parser.add_argument("--json", action="store_true",
                        help='print {"status", "changes", "follow_up", ...} instead of the report')
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        result = check_file(args.book)
    except WorkbookError as error:
        print(f"giveback: {error}", file=sys.stderr)
        return FAILED
    if args.json:
        print_json(report_json(result))
    else:
        print("\n".join(report_lines(result, args.book.name)))
    return exit_status(result)


def check_file(book: Path):
    """Check the workbook file `book`; raises WorkbookError."""
    check_extension(book)
    with open_book(book) as reader:
        return check(reader, file_properties(reader))


def file_properties(reader) -> dict[str, str]:
    """The custom document properties of the file `reader` read; WorkbookError when they
    cannot be read."""
    try:
        return properties_of(reader.snapshot)
    except PackageError as error:
        raise WorkbookError(str(error)) from None
