"""A `Panel`'s worksheet XML: its rows between an output's intro and its table, and the
drop-down lists on its cells (`<dataValidations>`).

Cells are written as `sheetxml` writes a table's (numbers as numbers, text inline); a
`Formula` carries its value as of writing: a number, a text (`t="str"`), or `#N/A`
(`t="e"`) for None; a date (a sign-off's) is its serial number in the workbook's date
system, in a date format. Text in column A is a label, in the header's bold look. Hidden rows
(`hidden="1"`) hold what only a chart reads: Excel draws them when the chart says so
(`plotVisOnly="0"`, see `chart`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Mapping, NamedTuple

from ..seam import Formula, Number, Panel, Row
from ..sheets.schema import column_letter
from .sheetxml import EXCEL_1900, DateSystem, cell_text, excel_serial
from .styles import DATE_FORMAT, DATETIME_FORMAT
from .text import xml_attribute, xml_text

NOT_AVAILABLE = "#N/A"


class PanelStyles(NamedTuple):
    """cellXfs indexes: labels, and each number format a panel cell asks for; and the
    workbook's date system, for a date's serial number."""

    label: int
    formats: Mapping[str, int]
    dates: DateSystem = EXCEL_1900


def number_formats(panel: Panel) -> set[str]:
    """The number formats the panel's formulas, numbers and dates ask for."""
    return {_number_format(cell) for row in panel.rows for cell in row if isinstance(cell, (Formula, Number, dt.date))}


def _number_format(cell: Formula | Number | dt.date) -> str:
    if isinstance(cell, dt.date):
        return DATETIME_FORMAT if isinstance(cell, dt.datetime) else DATE_FORMAT
    return cell.number_format


def rows_xml(panel: Panel, first_row: int, styles: PanelStyles) -> str:
    """The panel's rows from `first_row`: a `<row>` element each."""
    return "".join(
        _row_xml(row, number, index in panel.hidden, styles)
        for index, (number, row) in enumerate(zip(range(first_row, first_row + len(panel.rows)), panel.rows))
    )


def _row_xml(row: Row, number: int, hidden: bool, styles: PanelStyles) -> str:
    cells = "".join(_cell_xml(value, f"{column_letter(index)}{number}", index == 0, styles)
                    for index, value in enumerate(row) if value is not None)
    hide = ' hidden="1"' if hidden else ""
    return f'<row r="{number}"{hide}>{cells}</row>'


def _cell_xml(value: object, ref: str, label: bool, styles: PanelStyles) -> str:
    if isinstance(value, Formula):
        style = styles.formats.get(value.number_format, 0)
        return f'<c r="{ref}"{_style(style)}{_result_type(value.value)}><f>{xml_text(value.formula)}</f>' \
               f"<v>{_result(value.value)}</v></c>"
    if isinstance(value, Number):
        return f'<c r="{ref}"{_style(styles.formats.get(value.number_format, 0))}><v>{value.value}</v></c>'
    if isinstance(value, str):
        return f'<c r="{ref}"{_style(styles.label if label else 0)} t="inlineStr"><is><t>{cell_text(value)}</t></is></c>'
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return f'<c r="{ref}"><v>{value}</v></c>'
    if isinstance(value, dt.date) and excel_serial(value, styles.dates) is not None:
        style = styles.formats.get(_number_format(value), 0)
        return f'<c r="{ref}"{_style(style)}><v>{excel_serial(value, styles.dates)}</v></c>'
    if isinstance(value, (bool, dt.date)):  # what an accountant typed in a sign-off cell: kept as text
        shown = value.isoformat() if isinstance(value, dt.date) else str(value).upper()
        return f'<c r="{ref}" t="inlineStr"><is><t>{cell_text(shown)}</t></is></c>'
    raise TypeError(f"a panel cell cannot hold {type(value).__name__}")


def _style(index: int) -> str:
    return f' s="{index}"' if index else ""


def _result_type(value: object) -> str:
    if value is None:
        return ' t="e"'
    if isinstance(value, bool):
        return ' t="b"'
    return ' t="str"' if isinstance(value, str) else ""


def _result(value: object) -> str:
    if value is None:
        return NOT_AVAILABLE
    if isinstance(value, bool):
        return str(int(value))
    return cell_text(value) if isinstance(value, str) else str(value)


def validations_xml(panel: Panel) -> str:
    """The panel's drop-down lists: `<dataValidations>`, or nothing."""
    if not panel.choices:
        return ""
    lists = "".join(
        '<dataValidation type="list" allowBlank="1" showInputMessage="1" showErrorMessage="1"'
        f' errorTitle="giveback" error="Pick a value from the list." promptTitle="giveback"'
        f" prompt={xml_attribute(choice.prompt)} sqref={xml_attribute(choice.cell)}>"
        f"<formula1>{xml_text(choice.source)}</formula1></dataValidation>"
        for choice in panel.choices
    )
    return f'<dataValidations count="{len(panel.choices)}">{lists}</dataValidations>'
