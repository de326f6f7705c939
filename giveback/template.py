"""`giveback template BOOK.xlsx`: an empty input workbook (Usage, Lots, Counts, Settings)
with headers, formats and data validation. Never overwrites an existing file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from workbook.seam import WorkbookError

DONE, FAILED = 0, 2


def add_parser(commands) -> None:
    parser = commands.add_parser(
        "template",
        description="Write an empty input workbook with the Usage, Lots, Counts and Settings "
        "sheets, their headers and data validation. An existing file is never overwritten.",
    )
    parser.add_argument("book", type=Path, metavar="BOOK.xlsx", help="the new workbook's name")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        if args.book.suffix.lower() != ".xlsx":
            raise WorkbookError(f"{args.book}: a template is an .xlsx workbook; name it {args.book.stem}.xlsx.")
        from workbook.files.newbook import input_book, save_new  # openpyxl: only these commands need it

        save_new(input_book(), args.book)
    except WorkbookError as error:
        print(f"giveback: {error}", file=sys.stderr)
        return FAILED
    except OSError as error:
        from .reconcile import why_not_written  # its module loads rich and the readers: only on failure

        print(f"giveback: {args.book}: cannot write it: {why_not_written(args.book, error)}; nothing was written.",
              file=sys.stderr)
        return FAILED
    print(f"Wrote {args.book}: fill in the Usage sheet (and Lots, Counts, Settings if needed),"
          f" then run: giveback reconcile {args.book}")
    return DONE
