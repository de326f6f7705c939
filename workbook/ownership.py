"""Which sheets giveback wrote: the one ownership mark every writer sets and reads (the
file writer, `workbook.xlsx.workbookpart`; the xlwings writer, `addin.book`).

A sheet giveback writes is marked by a defined name at workbook scope, hidden where the
host allows it, named after the sheet and referring to the sheet's first cell:

    _giveback_sheet_Adjustments      'Adjustments'!$A$1
    _giveback_sheet_LoopTrace_2      'LoopTrace (2)'!$A$1

A sheet is giveback's while the mark named after it refers to it. Excel keeps a
reference pointing at its sheet through renames and deletions, so:

- a sheet the user renamed (`March`) is referred to by the mark named for Adjustments,
  not by one named for March: it is the user's now; so is a sheet of the user's later
  called Adjustments, which no mark refers to;
- a copy Excel makes of an output (`Adjustments (2)`) is referred to by no mark;
- a deleted output leaves its mark as `#REF!$A$1`, which marks nothing; the next run that
  writes that output points the mark at the new sheet.

Being workbook-scoped, the mark reaches the add-in even when the sheet itself is left out
of what Excel on the web sends (xlwings' `include` and `exclude` drop an excluded sheet's
own names). Books written before this scheme carry a sheet-scoped `_giveback_output`
holding the name giveback gave the sheet as text (`"Adjustments"`); they are still
recognised, and the next run that writes the sheet marks it the new way.
"""

from __future__ import annotations

import re
from typing import Iterable, NamedTuple

from .seam import sheet_reference

MARK_PREFIX = "_giveback_sheet_"
LEGACY_NAME = "_giveback_output"
_FIRST_CELL = re.compile(r"=?(?:'((?:[^']|'')+)'|([^'!#][^'!]*))!\$?A\$?1")


class DefinedName(NamedTuple):
    """A defined name as a host lists it."""

    name: str  # without a sheet prefix
    formula: str  # what it refers to, with or without the leading "="
    scope: str | None  # the sheet it is scoped to; None for the workbook


def mark_name(sheet: str) -> str:
    """The name of the mark for sheet `sheet`: `_giveback_sheet_LoopTrace_2`."""
    return MARK_PREFIX + re.sub(r"\W+", "_", sheet).strip("_")


def mark_formula(sheet: str) -> str:
    """What the mark refers to: the sheet's first cell, `'LoopTrace (2)'!$A$1`."""
    return sheet_reference(sheet, "$A$1")


def owned_sheets(sheets: Iterable[str], names: Iterable[DefinedName]) -> set[str]:
    """The sheets among `sheets` that giveback wrote, case-folded."""
    marks = {name.name.casefold(): _referred_sheet(name.formula) for name in names if _is_mark(name)}
    legacy = {(name.scope.casefold(), name.formula.lstrip("=").casefold())
              for name in names if name.scope is not None and name.name == LEGACY_NAME}
    return {
        sheet.casefold() for sheet in sheets
        if marks.get(mark_name(sheet).casefold()) == sheet.casefold()
        or (sheet.casefold(), _legacy_value(sheet).casefold()) in legacy
    }


def is_mark_for(name: DefinedName, sheets: set[str]) -> bool:
    """Whether `name` is a mark referring to one of `sheets` (case-folded): a mark to
    remove with its sheet."""
    return _is_mark(name) and _referred_sheet(name.formula) in sheets


def _is_mark(name: DefinedName) -> bool:
    return name.scope is None and name.name.casefold().startswith(MARK_PREFIX)


def _referred_sheet(formula: str) -> str | None:
    """The sheet a mark refers to, case-folded; None for anything else (`#REF!$A$1`)."""
    match = _FIRST_CELL.fullmatch(formula.strip())
    if match is None:
        return None
    quoted, plain = match.groups()
    return (quoted.replace("''", "'") if quoted is not None else plain).casefold()


def _legacy_value(sheet: str) -> str:
    """The older mark's value: the sheet's name as a formula's text constant."""
    return '"' + sheet.replace('"', '""') + '"'
