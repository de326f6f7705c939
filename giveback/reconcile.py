"""`giveback reconcile BOOK.xlsx`: read the workbook's usage, lots, counts and settings,
write Adjustments, LoopTrace, Summary (and Issues) into a copy of it, print a summary.

    giveback reconcile march.xlsx                 writes march.reconciled.xlsx beside it
    giveback reconcile march.xlsx -o out.xlsx --rule guide --json
    giveback reconcile march.xlsm --in-place      the input itself (macros kept)

The workbook is read once (`workbook.files.books.read_book`: its snapshot) and the output
is written from that snapshot; nothing is written where Excel or LibreOffice has the file
open (`workbook.files.saving`), whatever the options.
"""

from __future__ import annotations

import argparse
import errno
import gc
import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from core.quantities import show
from core.models import RULE_WORDS, Status
from core.notes import runs, runs_figure
from core.book import book_story
from core.report import blocked_json, book_json, problem_json, product_json
from workbook.files.books import (EXTENSIONS, Source, StreamBook, check_extension, open_book, read_book, write_book,
                                  written_by_giveback)
from workbook.files.saving import SaveRefused, refuse_if_open
from workbook.files.snapshot import Snapshot
from workbook.reconcile import Reconciliation, WorkbookError, reconcile
from workbook.seam import OutputSheet
from workbook.sheets.signoff import Block, read_block

from .options import cap_options, print_json, rule_conflict, rule_options

DONE, FAILED = 0, 2  # as giveback.cli (imported there, so not imported from it)


def add_parser(commands) -> None:
    parser = commands.add_parser(
        "reconcile",
        description="Recommend an adjustment for every product on the workbook's Usage sheet "
        "(with its Lots, Counts and Settings sheets) and write the output sheets into a copy "
        "of the workbook, NAME.reconciled.xlsx beside it unless -o or --in-place is given.",
        epilog="exit status: 0 done, 1 input errors reported (see the Issues sheet) or a product that cannot"
        " be cleared (see Summary), 2 usage or file error",
    )
    parser.add_argument("book", type=Path, metavar="BOOK.xlsx", help="the workbook (.xlsx or .xlsm)")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("-o", "--output", type=Path, metavar="OUT.xlsx", help="write the result here")
    where.add_argument("--in-place", action="store_true", help="write the output sheets into BOOK itself")
    parser.add_argument("--force", action="store_true",
                        help="replace an existing output file that giveback did not write (never a file open in "
                             "Excel or LibreOffice)")
    rule_options(parser, from_settings=True)
    cap_options(parser, from_settings=True)
    parser.add_argument("--json", action="store_true", help="print JSON instead of the summary table")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    with fewer_collections():  # the JSON and the table too: made while the run's records are alive
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    overrides = {"rule": args.rule, "max_runs": args.max_runs, "lot_order": args.lot_order,
                 "max_write_off": args.max_write_off, "max_write_off_cost": args.max_write_off_cost}
    try:
        capped = args.max_write_off is not None or args.max_write_off_cost is not None
        if conflict := rule_conflict(args.rule, args.max_runs, capped):
            raise WorkbookError(conflict)
        target = output_path(args.book, args.output, args.in_place)
        refuse_open(target)  # before reading: no point working for a file that cannot be written
        book = read_book(args.book)
        if not args.force:
            refuse_overwriting(book, target)
        notes: list[str] = []
        done = reconcile_file(book, target, overrides, quiet=args.json, notes=notes)
    except WorkbookError as error:
        print(f"giveback: {error}", file=sys.stderr)
        return FAILED
    if args.json:
        print_json(report_json(done))
    else:
        print_summary(done, target)
    for note in notes:
        print(f"giveback: {note}", file=sys.stderr)
    return done.status


def refuse_open(target: Path) -> None:
    """WorkbookError when Excel or LibreOffice has `target` open."""
    try:
        refuse_if_open(target)
    except SaveRefused as refusal:
        raise WorkbookError(str(refusal)) from None


def output_path(book: Path, output: Path | None, in_place: bool) -> Path:
    """-o, the input itself, or NAME.reconciled.xlsx (.xlsm kept) beside the input; a
    NAME.reconciled.xlsx is reconciled again into itself. Raises WorkbookError, in words,
    for a folder or a file of another kind where the workbook would go."""
    check_extension(book)
    if in_place:
        if book.is_file() and not book.stat().st_mode & 0o222:
            raise WorkbookError(f"{book} is read-only; make it writable or write a copy with -o.")
        return book
    stem = book.stem if book.stem.lower().endswith(".reconciled") else f"{book.stem}.reconciled"
    default = book.with_name(f"{stem}{book.suffix}")
    if output is None:
        if default.is_dir():
            raise WorkbookError(f"{default} is a folder, where giveback would write the reconciled workbook: "
                                f"name another file with -o, e.g. -o {book.with_name(f'{stem}-2{book.suffix}')}.")
        return default
    if output.is_dir():
        kind = "is a folder" if output.suffix.lower() not in EXTENSIONS else "is a folder, not a workbook file"
        raise WorkbookError(f"-o {output} {kind}: name the workbook to write in it, e.g. -o {output / default.name}.")
    if output.suffix.lower() != book.suffix.lower():
        raise WorkbookError(f"-o {output}: name a workbook ending in {book.suffix}, the input's kind, so nothing of "
                            f"it is lost (e.g. -o {output.with_suffix(book.suffix)}).")
    if _same_file(book, output):
        raise WorkbookError(f"{output} is the input itself; to write into it, use --in-place instead of -o.")
    return output


def refuse_overwriting(book: Snapshot, target: Path) -> None:
    """An existing file at `target` other than the input is replaced only when giveback
    wrote it (a re-run); anything else of the user's needs --force."""
    if target.exists() and not _same_file(book.path, target) and not written_by_giveback(target):
        raise WorkbookError(f"{target} already exists and was not written by giveback; name another"
                            " file with -o, or add --force to replace it.")


def _same_file(book: Path, output: Path) -> bool:
    """Whether `output` names `book`, however spelled (relative, through a link)."""
    try:
        return output.exists() and book.exists() and os.path.samefile(book, output)
    except OSError:
        return False


def reconcile_file(book: Source, target: Path, overrides: dict, quiet: bool = False,
                   notes: list[str] | None = None) -> Reconciliation:
    """Reconcile `book` (its snapshot, or the file at a path) and write the result to
    `target`, from the same snapshot; what the accountant should know about the save goes
    to `notes`. Raises WorkbookError."""
    with fewer_collections():
        return _reconcile_file(book, target, overrides, quiet, notes)


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Python's cycle collector, less often: a large workbook's records and models live to
    the end of the run and hold no cycles, yet each collection of the older generations
    walks them all again. At the default thresholds the 200,000-row book took about 650
    collections, 0.24 s; at (50,000, 20, 100) 8, yet its one collection of the middle
    generation and the full one while the JSON was made still cost 0.40 s. Now only the
    youngest objects are collected (every 50,000 new ones), where a run's short-lived
    cycles are; those that outlive that wait for the end of the run. There the run's
    survivors are put back among the oldest objects without being walked (`freeze`
    counts the young generation afresh, `unfreeze` returns them): else the thresholds
    put back would at once walk them all (0.16 s on the 200k book) just before the
    command ends."""
    before = gc.get_threshold()
    gc.set_threshold(50_000, 1_000, 1_000)
    try:
        yield
    finally:
        gc.freeze()
        gc.set_threshold(*before)
        gc.unfreeze()


def _reconcile_file(book: Source, target: Path, overrides: dict, quiet: bool,
                    notes: list[str] | None) -> Reconciliation:
    with open_book(book) as reader, progress_bar(quiet) as progress:
        done = reconcile(reader, overrides, progress, lambda: replaced_block(reader.snapshot.path, target))
    properties = done.record.properties() if done.record else None
    try:  # from the snapshot the reader read: one version of the file, whatever happened to it since
        with progress_bar(quiet) as progress:
            write_book(reader.snapshot, target, [_reporting(sheet, progress) for sheet in done.sheets], done.drop,
                       notes, properties)
    except OSError as error:
        raise WorkbookError(f"{target}: cannot write it: {why_not_written(target, error)}; nothing was written.") from None
    return done


def replaced_block(book: Path, target: Path) -> Block | None:
    """Summary's run record and sign-off in the giveback output that `target` holds and
    this run replaces (another file than the input): `march.xlsx` reconciled again into
    the `march.reconciled.xlsx` someone signed. Read only when the input has no Summary of
    its own, and only Summary's first rows (`read_block`'s), where the file lies: the
    rest of a large output is never inflated."""
    if _same_file(book, target) or not target.is_file() or not written_by_giveback(target):
        return None
    try:
        with StreamBook.glance(target) as reader:
            return read_block(reader, reader.sheet_names())
    except WorkbookError:
        return None


def why_not_written(target: Path, error: OSError) -> str:
    """What stopped a save, in an accountant's words."""
    folder = target.parent
    reasons = {
        errno.ENOENT: f"the folder {folder} does not exist",
        errno.ENOTDIR: f"{folder} is not a folder",
        errno.EISDIR: f"{target} is a folder",
        errno.EACCES: f"no permission to write in {folder}",
        errno.EPERM: f"no permission to write in {folder}",
        errno.EROFS: f"{folder} is on a read-only disk",
        errno.ENOSPC: "the disk is full; free some space and run again",
        errno.EDQUOT: "your disk quota is full; free some space and run again",
    }
    return reasons.get(error.errno, str(error.strerror or error))


def _reporting(sheet: OutputSheet, progress) -> OutputSheet:
    """`sheet` whose rows report how many were written, every 10,000."""
    if progress is None:
        return sheet

    def rows() -> Iterator:
        for done, row in enumerate(sheet.rows, start=1):
            if done % 10_000 == 0:
                progress(f"Writing {sheet.name}", done, None)
            yield row

    return sheet._replace(rows=rows())


@contextmanager
def progress_bar(quiet: bool) -> Iterator:
    """A progress callback for `reconcile`: a bar on stderr when it is a terminal."""
    console = Console(stderr=True)
    if quiet or not console.is_terminal:
        yield None
        return
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        tasks: dict[str, int] = {}

        def report(task: str, done: int, total: int | None) -> None:
            if task not in tasks:
                tasks[task] = bar.add_task(task, total=total)
            bar.update(tasks[task], completed=done, total=total)

        yield report


def report_json(done: Reconciliation) -> dict:
    """SPEC section 6: `{"products": [...], "issues": [...]}`, every product on the Usage
    sheet in its order, a blocked one with its status and the cells that stopped it."""
    by_product = {rec.product: rec for rec in done.recommendations}
    return {
        "products": [product_json(by_product[product]) if product in by_product
                     else blocked_json(product, done.blocked.get(product, ())) for product in done.products],
        "issues": [problem_json(problem) for problem in done.problems],
        "book": book_json(done.book),
    }


def print_summary(done: Reconciliation, target: Path, console: Console | None = None) -> None:
    """The per-product table, a line for each product that cannot be cleared, then where
    the result went and how many issues there are."""
    console = console or Console(highlight=False)
    console.print(summary_table(done))
    for line in book_story(done.book):
        console.print(escape(line))
    for rec in done.recommendations:
        if rec.status is Status.CANNOT_CLEAR:
            reason = rec.why_not_cleared
            console.print(f"[red]{escape(rec.product)}[/red]: {escape(reason)}")
    console.print(f"Wrote {escape(str(target))}.", soft_wrap=True)  # a path is never broken across lines
    if done.signoff.kept:
        console.print("Summary's sign-off is kept: the inputs, rule and settings are those it was given for.")
    elif done.signoff.cleared:
        console.print(f"Summary's sign-off was cleared ({done.signoff.why}); it is on Summary's History line.")
    if done.problems:
        errors = sum(problem.is_error for problem in done.problems)
        warnings = f", {len(done.problems) - errors} warning(s)" if errors < len(done.problems) else ""
        console.print(f"{errors} input problem(s){warnings} reported on the Issues sheet; "
                      f"{len(done.blocked)} product(s) not recommended.")
        for problem in done.problems[:10]:
            console.print(f"  {problem}", markup=False)
        if len(done.problems) > 10:
            console.print(f"  ... and {len(done.problems) - 10} more.")


STATUS_COLOURS = {Status.ADJUST: "", Status.NO_ADJUSTMENT: "", Status.CANNOT_CLEAR: "red", Status.BLOCKED: "red"}


def summary_table(done: Reconciliation) -> Table:
    """One row per product, as Summary has them, in 80 columns: long names wrap."""
    rule = {**RULE_WORDS, "budget": f"Within {runs(done.policy.max_runs or 0)}"}
    table = Table(title=f"Rule: {rule[done.policy.rule]}; lot order {done.policy.lot_order.upper()}",
                  box=box.SIMPLE_HEAD, title_justify="left", padding=(0, 1))
    for header in ("Product", "Status", "Adjustment", "Runs", "Guide's"):
        table.add_column(header, justify="right" if header == "Runs" else "left", overflow="fold",
                         no_wrap=header in ("Status", "Runs"), min_width=8 if header == "Product" else None)
    by_product = {rec.product: rec for rec in done.recommendations}
    for product in done.products:
        rec = by_product.get(product)
        if rec is None:
            table.add_row(escape(product), _status(Status.BLOCKED), "see Issues", "", "")
            continue
        table.add_row(escape(product), _status(rec.status), _lines(rec.chosen.lines), _runs(rec.chosen),
                      f"{_lines(rec.guide.lines)} {_in_runs(rec.guide)}")
    return table


def _runs(outcome) -> str:
    """The runs lines take; for lines that do not clear, the units they leave too."""
    if outcome.adjustment is None and not outcome.settled:
        return "-"  # no lines within the rule's limits: the line under the table says why
    figure = runs_figure(outcome)
    return f"{figure:,}" if isinstance(figure, int) else figure


def _in_runs(outcome) -> str:
    return f"in {outcome.loops:,}" if outcome.settled else "do not clear"


def _status(status: Status) -> str:
    colour = STATUS_COLOURS[status]
    return f"[{colour}]{status.label}[/{colour}]" if colour else status.label


def _lines(lines) -> str:
    return " / ".join(f"{'+' if line.quantity > 0 else ''}{show(line.quantity)}" for line in lines) or "none"

