"""Seam values as an xlwings book's cells take them: over COM (`cell_value`), in the JSON
xlwings sends Office.js (`json_cell`), and in a formula write (`formula_cell`)."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

from workbook.seam import Formula, Link, Number


def cell_value(value: object) -> object:
    """A seam value as a cell takes it over COM: Decimal as int when whole else float; a
    link as Excel's HYPERLINK formula (an in-workbook jump: "#Usage!B2"); text that Excel
    would take for a formula (`=...`) kept as text with Excel's leading apostrophe."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, Link):
        return hyperlink(value)
    if isinstance(value, str) and value[:1] == "=":
        return "'" + value
    if value is None or isinstance(value, (bool, int, float, str, dt.date)):
        return value
    return str(value)


def hyperlink(link: Link) -> str:
    """Excel's HYPERLINK formula for an in-workbook jump ("#Usage!B2")."""
    return f'=HYPERLINK("#{_quote(link.target)}","{_quote(link.text)}")'


def _quote(text: str) -> str:
    return text.replace('"', '""')


def json_cell(value: object) -> object:
    """A seam value as xlwings sends a cell to Office.js, and as `cell_value` has it: a
    Decimal as a number (int when whole), a blank as "", a date as ISO text, a link as its
    HYPERLINK formula, formula-like text behind an apostrophe (checked in the order of how
    common)."""
    kind = type(value)
    if kind is str:
        return "'" + value if value[:1] == "=" else value
    if kind is int or kind is float or kind is bool:
        return value
    if kind is Decimal:
        number = float(value)
        return int(number) if number.is_integer() else number if math.isfinite(number) else str(value)
    if value is None:
        return ""
    if kind is Link:
        return hyperlink(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.replace(tzinfo=None, microsecond=0).isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def formula_cell(value: object) -> object:
    """A cell as a formula write takes it (a constant is a value there): a `Formula` as
    `=...`, a blank as "", anything else as `cell_value` has it."""
    if isinstance(value, Formula):
        return "=" + value.formula
    if isinstance(value, Number):
        return cell_value(value.value)
    return "" if value is None else cell_value(value)
