"""Excel files on disk: an openpyxl `SheetReader` for .xlsx/.xlsm (values, not formulas;
a formula saved without its value is `UNCALCULATED`, as in `fast_reader`) and
`write_book`, the one place giveback writes its output sheets into a file.

A file is read once (`read_book`: its `snapshot`, checked by the guard before any parser
touches it), so a file that cannot be read (missing, not a zip, truncated,
password-protected, an old .xls renamed, a zip or XML bomb, changing while read) is one
`WorkbookError` naming the file and what to do; every reader and the writer then take
that snapshot, never the path.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path
from typing import Iterable, Iterator, Mapping, Sequence
from xml.etree.ElementTree import ParseError

from .guard import UnreadableWorkbook, check_workbook, check_workbook_file
from .parts import read_contents
from .saving import SaveRefused
from .snapshot import Snapshot
from .stream_reader import Worksheets, as_damage, damaged
from ..xlsx.opc import Package
from ..xlsx.package import PackageError, SheetNotOurs, write_outputs, written_by_giveback
from ..seam import OutputSheet, Row, WorkbookError

__all__ = ["EXTENSIONS", "UNREADABLE", "FileBook", "Source", "StreamBook", "as_snapshot", "check_extension", "load_values",
           "open_book", "read_book", "unreadable", "write_book", "written_by_giveback"]  # written_by_giveback: the package writer's, for the CLI

EXTENSIONS = (".xlsx", ".xlsm")
UNREADABLE = (zipfile.BadZipFile, zlib.error, EOFError, OSError, KeyError, ValueError, ParseError)
Source = Snapshot | Path | str  # what the readers and the writer take: a snapshot, or a path to read one from


def read_book(path: Path | str) -> Snapshot:
    """The workbook at `path` read once, whole, and checked by the guard: the snapshot
    every reader and the writer then use. Raises WorkbookError."""
    path = Path(path)
    check_extension(path)
    try:
        return check_workbook_file(path)
    except UnreadableWorkbook as refusal:
        raise WorkbookError(refusal.message) from None


def as_snapshot(source: Source) -> Snapshot:
    """`source` itself when it is a snapshot (checked by the guard if it was not yet),
    else the snapshot of the file it names (`read_book`)."""
    if not isinstance(source, Snapshot):
        return read_book(source)
    try:
        check_workbook(source)
    except UnreadableWorkbook as refusal:
        raise WorkbookError(refusal.message) from None
    return source


class FileBook:
    """A workbook read by openpyxl (read-only, values only) from its snapshot; close it
    (or use `with`)."""

    def __init__(self, source: Source):
        self.snapshot = as_snapshot(source)
        self.path = self.snapshot.path
        self._book = load_values(self.snapshot)
        with self.snapshot.zip() as archive, as_damage(self.path):
            self._worksheets = set(read_contents(archive).worksheets())

    def sheet_names(self) -> list[str]:
        """The worksheets (openpyxl reads a macro or dialog sheet as one: left out)."""
        return [sheet.title for sheet in self._book.worksheets if sheet.title in self._worksheets]

    def rows(self, name: str) -> Iterable[Row]:
        from .fast_reader import with_marked_cells  # it imports this module

        sheet = self._book[name]
        sheet.reset_dimensions()  # a file's stated dimensions may be wrong: read every row
        return self._guarded(with_marked_cells(sheet.iter_rows(values_only=True), self.snapshot, name))

    def _guarded(self, rows: Iterator[Row]) -> Iterator[Row]:
        try:
            yield from rows
        except UNREADABLE as error:
            raise unreadable(self.path, error) from None

    def close(self) -> None:
        self._book.close()

    def __enter__(self) -> "FileBook":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class StreamBook:
    """A workbook read by giveback's own streaming reader alone (`stream_reader`), from its
    snapshot; close it (or use `with`)."""

    def __init__(self, source: Source):
        self.snapshot = as_snapshot(source)
        self.path = self.snapshot.path
        self._archive = self.snapshot.zip()
        self._package: Package | None = None
        self._sheets = Worksheets.of(self.path, self._archive)

    @classmethod
    def glance(cls, path: Path) -> "StreamBook":
        """The workbook at `path` read where it lies, each sheet only as far as its rows
        are asked for (`Package.glance`, the shared strings and styles refused if they are
        a zip bomb): to look at the first rows of a file about to be replaced, never for
        one giveback reads or copies (those are snapshots, judged by the guard). Raises
        WorkbookError."""
        book = cls.__new__(cls)
        book.snapshot, book.path = None, Path(path)
        try:
            book._package = Package.glance(book.path)
        except PackageError as error:
            raise WorkbookError(str(error)) from None
        book._archive = book._package.zip
        try:
            book._sheets = Worksheets.of(book.path, book._archive)
            for part in filter(None, (book._sheets.contents.shared_strings, book._sheets.contents.styles)):
                book._package.refuse_bomb(part)
        except PackageError as error:
            book.close()
            raise WorkbookError(str(error)) from None
        except BaseException:
            book.close()
            raise
        return book

    def sheet_names(self) -> list[str]:
        return self._sheets.contents.worksheets()

    def rows(self, name: str) -> Iterator[Row]:
        return self._sheets.rows(name)

    def close(self) -> None:
        self._archive.close()
        if self._package is not None:
            self._package.close()

    def __enter__(self) -> "StreamBook":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_book(source: Source):
    """The workbook (a snapshot, or the file at a path), ready to `reconcile`, read by
    calamine (`fast_reader`: the same values as `FileBook`, ~7x faster); raises
    WorkbookError."""
    from .fast_reader import FastBook  # imported here: it uses this module's checks

    return FastBook(source)


def load_values(snapshot: Snapshot):
    """openpyxl's read-only workbook of the snapshot's values. openpyxl is imported here,
    when a file is read with it: the command line starts 0.15 s sooner without it."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        return load_workbook(snapshot.stream(), read_only=True, data_only=True, keep_links=False)
    except (*UNREADABLE, InvalidFileException) as error:
        raise unreadable(snapshot.path, error) from None


def check_extension(path: Path) -> None:
    if path.suffix.lower() not in EXTENSIONS:
        raise WorkbookError(
            f"{path.name}: giveback reads Excel workbooks (.xlsx or .xlsm); save it as one from Excel."
        )


def unreadable(path: Path, error: BaseException) -> WorkbookError:
    """What the guard let through but openpyxl still could not read: a damaged workbook."""
    if isinstance(error, PermissionError):
        return WorkbookError(f"{path.name} cannot be opened: permission denied; close it in Excel or check its access rights.")
    return damaged(path)


def write_book(source: Source, target: Path, sheets: Sequence[OutputSheet], drop: Sequence[str] = (),
               notes: list[str] | None = None, properties: Mapping[str, str] | None = None) -> list[str]:
    """Write giveback's output `sheets` into a copy of the workbook `source` (the snapshot
    the readers read) at `target` (which may be the input itself, for in-place),
    atomically, remove the sheets in `drop` and set the custom document `properties` (the
    run record). Returns the sheet names written; adds to `notes` what the accountant
    should know about the save; raises WorkbookError (a book open in Excel at `target`, an
    input saved again meanwhile, a sheet in the way, ...)."""
    try:
        return write_outputs(as_snapshot(source), target, sheets, drop, notes, properties)
    except (SheetNotOurs, PackageError, SaveRefused) as error:
        raise WorkbookError(str(error)) from None
