"""Excel files on disk: an openpyxl `SheetReader` for .xlsx/.xlsm (values, not formulas;
a formula saved without its value is `UNCALCULATED`, as in `fast_reader`) and
`write_book`, the one place giveback writes its output sheets into a file.

Every file passes `guard.check_workbook_file` before any parser touches it, so a file
that cannot be read (missing, not a zip, truncated, password-protected, an old .xls
renamed, a zip or XML bomb) is one `WorkbookError` naming the file and what to do.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path
from typing import Iterable, Iterator, Mapping, Sequence
from xml.etree.ElementTree import ParseError

from .guard import UnreadableWorkbook, check_workbook_file
from .parts import read_contents
from .stream_reader import as_damage, damaged
from ..xlsx.package import PackageError, SheetNotOurs, write_outputs, written_by_giveback
from ..seam import OutputSheet, Row, WorkbookError

__all__ = ["EXTENSIONS", "UNREADABLE", "FileBook", "check_extension", "load_values", "open_book", "unreadable",
           "write_book", "written_by_giveback"]  # written_by_giveback: the package writer's, for the CLI

EXTENSIONS = (".xlsx", ".xlsm")
UNREADABLE = (zipfile.BadZipFile, zlib.error, EOFError, OSError, KeyError, ValueError, ParseError)


class FileBook:
    """A workbook file opened read-only for its values; close it (or use `with`)."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self._book = _load(self.path)
        with zipfile.ZipFile(self.path) as archive, as_damage(self.path):
            self._worksheets = set(read_contents(archive).worksheets())

    def sheet_names(self) -> list[str]:
        """The worksheets (openpyxl reads a macro or dialog sheet as one: left out)."""
        return [sheet.title for sheet in self._book.worksheets if sheet.title in self._worksheets]

    def rows(self, name: str) -> Iterable[Row]:
        from .fast_reader import with_marked_cells  # it imports this module

        sheet = self._book[name]
        sheet.reset_dimensions()  # a file's stated dimensions may be wrong: read every row
        return self._guarded(with_marked_cells(sheet.iter_rows(values_only=True), self.path, name))

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


def open_book(path: Path | str):
    """The workbook at `path`, ready to `reconcile`, read by calamine (`fast_reader`: the
    same values as `FileBook`, ~7x faster); raises WorkbookError."""
    from .fast_reader import FastBook  # imported here: it uses this module's checks

    return FastBook(path)


def _load(path: Path):
    check_extension(path)
    try:
        check_workbook_file(path)
    except UnreadableWorkbook as refusal:
        raise WorkbookError(refusal.message) from None
    return load_values(path)


def load_values(path: Path):
    """openpyxl's read-only workbook of `path`'s values. openpyxl is imported here, when a
    file is read with it: the command line starts 0.15 s sooner without it."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        return load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except (*UNREADABLE, InvalidFileException) as error:
        raise unreadable(path, error) from None


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


def write_book(source: Path, target: Path, sheets: Sequence[OutputSheet], drop: Sequence[str] = (),
               properties: Mapping[str, str] | None = None) -> list[str]:
    """Write giveback's output `sheets` into a copy of `source` at `target` (which may be
    `source` itself, for in-place), atomically, remove the sheets in `drop` and set the
    custom document `properties`. Returns the sheet names written; raises WorkbookError."""
    try:
        return write_outputs(source, target, sheets, drop, properties)
    except (SheetNotOurs, PackageError) as error:
        raise WorkbookError(str(error)) from None
