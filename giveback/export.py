"""`giveback export BOOK.xlsx --csv FILE`: the lines to post, as an import file for the ERP
(SPEC section 11; the columns are `workbook.close.export`'s, documented in the README).

    giveback export march.reconciled.xlsx --csv march-adjustments.csv
    giveback export march.reconciled.xlsx --csv - --date 2026-03-31     to stdout

A book never reconciled is refused: nobody reviewed any lines of it. So is a stale book
(its inputs changed since the reconcile that was reviewed) and one reconciled by another
version of giveback (whose lines may differ): `--allow-stale` exports what this giveback
makes of the inputs now, with the run's rule and settings, and each line's memo says that
it is not the reviewed run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from workbook.close.check import recorded_run
from workbook.close.edited import edited_words, lines_compared
from workbook.close.export import csv_text, export_rows, source
from workbook.close.record import Recorder, RunRecord
from workbook.files.books import check_extension, open_book
from workbook.files.saving import SaveRefused, saving
from workbook.reconcile import Reconciliation, reconcile
from workbook.seam import WorkbookError
from workbook.sheets.signoff import Block, read_block

from .check import file_properties
from .reconcile import why_not_written

DONE, REFUSED, FAILED = 0, 1, 2


def add_parser(commands) -> None:
    parser = commands.add_parser(
        "export",
        description="Write the lines to post (products whose status is Adjust) as a UTF-8 CSV file: Adjustment"
        " ID, Product, Line, Quantity, Unit Cost, Extended Cost, Date, Memo; one row per line, one adjustment id"
        " per product. The lines are worked out from the inputs with the run's rule and settings, as reconcile"
        " does. A workbook whose inputs changed since its reconcile is refused.",
        epilog="exit status: 0 written, 1 refused (the workbook is stale), 2 never reconciled or a file error",
    )
    parser.add_argument("book", type=Path, metavar="BOOK.xlsx", help="the reconciled workbook")
    parser.add_argument("--csv", type=Path, required=True, metavar="FILE",
                        help="the import file to write ('-': standard output)")
    parser.add_argument("--date", type=dt.date.fromisoformat, metavar="YYYY-MM-DD",
                        help="the posting date on every line (default: today)")
    parser.add_argument("--allow-stale", action="store_true",
                        help="export even when the inputs changed since the reconcile, or another giveback version"
                        " made it: what this giveback makes of the inputs now, each memo saying it was not reviewed")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    try:
        record, done, block, edited = _reconciled(args.book)
    except WorkbookError as error:
        print(f"giveback: {error}", file=sys.stderr)
        return FAILED
    if record is None:
        print(f"giveback: {args.book.name} was never reconciled, so no lines of it were reviewed: reconcile it and"
              " have it reviewed, then export.", file=sys.stderr)
        return FAILED
    unreviewed = _not_reviewed(args.book, record, done.record, edited)
    if unreviewed and not args.allow_stale:
        print(f"giveback: {unreviewed}", file=sys.stderr)
        return REFUSED
    memo = source(record, done.record)
    rows = list(export_rows(done.products, done.recommendations, done.record, args.date or dt.date.today(), memo))
    try:
        notes = write_text(args.csv, csv_text(rows))
    except SaveRefused as refusal:
        print(f"giveback: {refusal}", file=sys.stderr)
        return FAILED
    except OSError as error:
        print(f"giveback: {args.csv}: cannot write it: {why_not_written(args.csv, error)}.", file=sys.stderr)
        return FAILED
    if unreviewed:  # --allow-stale: say what the file holds instead
        notes.append("The file holds the lines the run makes, not those edited on Adjustments."
                     if record.same_run(done.record) else memo)  # the memo: "Not the reviewed run: ..."
    _report(args, rows, done, block, notes)
    return DONE


def _not_reviewed(book: Path, record: RunRecord, now: RunRecord, edited: tuple[str, ...]) -> str:
    """Why the lines this export would write are not those reviewed: the inputs changed
    since the reconcile, another version of giveback made it, or the lines on Adjustments
    were edited since (the file would not match the sheet); "" when they are."""
    if record.fingerprint != now.fingerprint:
        return (f"{book.name} is stale: its inputs changed since the reconcile, so its lines are not those reviewed."
                f" See what changed with: giveback check {book}. Reconcile it again and have it reviewed, then"
                " export (--allow-stale exports what the inputs say now, unreviewed).")
    if record.version != now.version:
        return (f"{book.name} was reconciled by giveback {record.version}; this is giveback {now.version}, whose"
                " lines may differ from those reviewed. Reconcile it again with this version and have it reviewed,"
                f" or export with giveback {record.version} (--allow-stale exports this version's lines, unreviewed).")
    if edited:
        return (f"{book.name}: {edited_words(edited)}, so the import file would not match the sheet. See them with:"
                f" giveback check {book}. Reconcile it again and have it reviewed, then export (--allow-stale"
                " exports the run's lines, not the sheet's).")
    return ""


def _reconciled(book: Path) -> tuple[RunRecord | None, Reconciliation, Block | None, tuple[str, ...]]:
    """The book's run record, its recommendations made again with the run's rule and
    settings, Summary's sign-off block, and how its lines on Adjustments differ from the run's."""
    check_extension(book)
    with open_book(book) as reader:
        names = reader.sheet_names()
        _, record = recorded_run(reader, names, lambda: file_properties(reader))
        block = read_block(reader, names)
        done = reconcile(reader, record.policy_overrides() if record else None, recorder=Recorder(pack=False))
        edited = lines_compared(reader, names, done.sheets, record, done.record) if record else ()
    return record, done, block, edited


def write_text(target: Path, text: str) -> list[str]:
    """`text` in UTF-8 at `target` as every giveback output is saved (`saving`: never under a
    file open in Excel, atomically, through a symbolic link, temporary files giveback's
    own); '-' is standard output. Returns what the accountant should know about the save;
    raises SaveRefused or OSError."""
    notes: list[str] = []
    if str(target) == "-":
        sys.stdout.write(text)
        return notes
    if target.is_dir():
        raise IsADirectoryError(21, "a folder", str(target))
    with saving(target, notes=notes, option="--csv") as file:
        file.write(text.encode("utf-8"))
    return notes


def _report(args: argparse.Namespace, rows: list[tuple], done: Reconciliation, block: Block | None,
            notes: list[str]) -> None:
    """What was written, on stderr (stdout may be the file itself)."""
    products = len({row[0] for row in rows})
    left_out = len(done.products) - products
    where = "standard output" if str(args.csv) == "-" else str(args.csv)
    said = [f"Wrote {len(rows)} line(s) of {products} adjustment(s) to {where}."]
    if left_out:
        said.append(f"{left_out} product(s) have nothing to post: no adjustment needed, blocked, or cannot be"
                    " cleared (see Summary).")
    if block is None:
        said.append("Summary has no Reviewed by cell: have the adjustment reviewed before posting it.")
    elif not block.reviewed.given:
        said.append("Summary's Reviewed by is empty: have the adjustment reviewed before posting it.")
    said += notes
    print("\n".join(said), file=sys.stderr)
