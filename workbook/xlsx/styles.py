"""Number formats for the output sheets, added to the user's `xl/styles.xml`.

Cell styles are indexes into the workbook's `cellXfs` list, so the user's entries are never
renumbered or changed: a format giveback needs is looked up first (a re-run finds the
entries its last run added and adds nothing) and otherwise appended at the end.
"""

from __future__ import annotations

from typing import Iterable

from lxml import etree

from .sheetxml import MAIN_NS

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
GENERAL = "General"
_FIRST_CUSTOM_ID = 164
_BUILT_IN_FORMATS = {
    "General": 0, "0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4, "0%": 9, "0.00%": 10,
    "0.00E+00": 11, "mm-dd-yy": 14, "d-mmm-yy": 15, "h:mm": 20, "@": 49,
}
_Q = f"{{{MAIN_NS}}}"
_PLAIN_XF = {"fontId": "0", "fillId": "0", "borderId": "0", "xfId": "0"}

MINIMAL_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<styleSheet xmlns="{MAIN_NS}">'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
).encode()


def add_number_formats(styles: etree._Element, formats: Iterable[str]) -> dict[str, int]:
    """Make sure each number format has a plain cell style; return format -> cellXfs index.
    General maps to the workbook's default style, 0."""
    indexes = {GENERAL: 0}
    for code in formats:
        if code not in indexes:
            indexes[code] = _cell_style_for(styles, _number_format_id(styles, code))
    return indexes


def _number_format_id(styles: etree._Element, code: str) -> int:
    if code in _BUILT_IN_FORMATS:
        return _BUILT_IN_FORMATS[code]
    formats = _child(styles, "numFmts", index=0)
    ids = [_FIRST_CUSTOM_ID - 1]
    for number_format in formats.iter(f"{_Q}numFmt"):
        if number_format.get("formatCode") == code:
            return int(number_format.get("numFmtId"))
        ids.append(int(number_format.get("numFmtId", 0)))
    new_id = max(ids) + 1
    etree.SubElement(formats, f"{_Q}numFmt", numFmtId=str(new_id), formatCode=code)
    formats.set("count", str(len(formats)))
    return new_id


def _cell_style_for(styles: etree._Element, format_id: int) -> int:
    cell_styles = styles.find(f"{_Q}cellXfs")
    if cell_styles is None:
        raise ValueError("styles part has no cellXfs")
    wanted = dict(_PLAIN_XF, numFmtId=str(format_id))
    for index, xf in enumerate(cell_styles.iterchildren(f"{_Q}xf")):
        attributes = {k: v for k, v in xf.attrib.items() if not k.startswith("apply")}
        if attributes == wanted and len(xf) == 0:
            return index
    etree.SubElement(cell_styles, f"{_Q}xf", wanted, applyNumberFormat="1")
    cell_styles.set("count", str(len(cell_styles)))
    return len(cell_styles) - 1


def _child(parent: etree._Element, name: str, index: int) -> etree._Element:
    """`parent`'s child `name`, created at position `index` when missing."""
    child = parent.find(f"{_Q}{name}")
    if child is None:
        child = etree.Element(f"{_Q}{name}", count="0")
        parent.insert(index, child)
    return child
