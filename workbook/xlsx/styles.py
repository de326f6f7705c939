"""Cell styles for the output sheets, added to the user's `xl/styles.xml`.

Cell styles are indexes into the workbook's `cellXfs` list, so the user's entries are never
renumbered or changed: a style giveback needs (a number format, and a `Look`: bold headers,
a title, wrapped notes, links) is looked up first (a re-run finds the entries its last run
added and adds nothing) and otherwise appended at the end. Fonts start from the workbook's
default font, so headers keep the user's typeface and size.

Every child of a styles part is optional, and some producers leave out what Excel always
writes (an empty `<styleSheet/>`, no `cellXfs`, no fonts). Before adding anything, the lists
a cell style refers to are completed with the entries Excel writes first (`_ensure_base`):
only appended, in the schema's order, so the user's entries keep their numbers.
"""

from __future__ import annotations

import copy
from typing import Iterable, NamedTuple

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


class Look(NamedTuple):
    """How a cell looks beyond its number format."""

    bold: bool = False
    italic: bool = False
    underline: bool = False
    size: float | None = None  # points; None keeps the default font's
    color: str | None = None  # ARGB, e.g. "FF0563C1"
    wrap: bool = False  # text wraps inside the column
    top: bool = False  # aligned to the top of the row (beside a wrapped cell)


PLAIN = Look()
# The elements of a styles part, in the order the schema requires them.
_PARTS_IN_ORDER = ("numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles",
                   "dxfs", "tableStyles", "colors", "extLst")
# The first entries Excel writes in the lists a cell style refers to (a font, the two fills
# Excel reserves, a border, the Normal style): a list shorter than that is completed.
_BASE = {
    "fonts": ['<font><sz val="11"/><name val="Calibri"/></font>'],
    "fills": ['<fill><patternFill patternType="none"/></fill>',
              '<fill><patternFill patternType="gray125"/></fill>'],
    "borders": ["<border><left/><right/><top/><bottom/><diagonal/></border>"],
    "cellStyleXfs": ['<xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'],
    "cellXfs": ['<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'],
    "cellStyles": ['<cellStyle name="Normal" xfId="0" builtinId="0"/>'],
}


def add_number_formats(styles: etree._Element, formats: Iterable[str]) -> dict[str, int]:
    """Make sure each number format has a plain cell style; return format -> cellXfs index.
    General maps to the workbook's default style, 0."""
    indexes = add_cell_styles(styles, [(code, PLAIN) for code in formats])
    return {code: index for (code, _), index in indexes.items()}


def add_cell_styles(styles: etree._Element, wanted: Iterable[tuple[str, Look]]) -> dict[tuple[str, Look], int]:
    """Make sure each (number format, look) has a cell style; return its cellXfs index.
    A plain General cell is the workbook's default style, 0."""
    _ensure_base(styles)
    indexes = {(GENERAL, PLAIN): 0}
    for code, look in wanted:
        if (code, look) not in indexes:
            font = _font_for(styles, look) if look[:5] != PLAIN[:5] else 0
            indexes[code, look] = _cell_style_for(styles, _number_format_id(styles, code), font,
                                                  _alignment(look))
    return indexes


def _alignment(look: Look) -> dict[str, str]:
    alignment = {}
    if look.wrap:
        alignment["wrapText"] = "1"
    if look.top:
        alignment["vertical"] = "top"
    return alignment


def _font_for(styles: etree._Element, look: Look) -> int:
    """The index of a font like the default one with `look`'s changes, added if new."""
    fonts = _part(styles, "fonts")
    default = next(fonts.iterchildren(f"{_Q}font"), None)
    font = copy.deepcopy(default) if default is not None else etree.Element(f"{_Q}font")
    for name in ("b", "i", "u", "sz", "color"):
        for child in font.findall(f"{_Q}{name}"):
            font.remove(child)
    flags = [name for name, on in (("b", look.bold), ("i", look.italic), ("u", look.underline)) if on]
    for position, name in enumerate(flags):
        font.insert(position, etree.Element(f"{_Q}{name}"))
    size = look.size or _default_size(default)
    font.insert(len(flags), etree.Element(f"{_Q}sz", val=f"{size:g}"))
    if look.color:
        font.insert(len(flags) + 1, etree.Element(f"{_Q}color", rgb=look.color))
    wanted = etree.tostring(font, method="c14n")
    for index, existing in enumerate(fonts.iterchildren(f"{_Q}font")):
        if etree.tostring(existing, method="c14n") == wanted:
            return index
    fonts.append(font)
    fonts.set("count", str(len(fonts)))
    return len(fonts) - 1


def _default_size(font: etree._Element | None) -> float:
    size = None if font is None else font.find(f"{_Q}sz")
    try:
        return float(size.get("val")) if size is not None else 11.0
    except (TypeError, ValueError):
        return 11.0


def _part(styles: etree._Element, name: str) -> etree._Element:
    """The styles part's child `name`, created in its schema position when missing."""
    child = styles.find(f"{_Q}{name}")
    if child is None:
        later = _PARTS_IN_ORDER[_PARTS_IN_ORDER.index(name) + 1:]
        position = next((styles.index(c) for c in styles
                         if isinstance(c.tag, str) and etree.QName(c).localname in later), len(styles))
        child = etree.Element(f"{_Q}{name}", count="0")
        styles.insert(position, child)
    return child


def _number_format_id(styles: etree._Element, code: str) -> int:
    if code in _BUILT_IN_FORMATS:
        return _BUILT_IN_FORMATS[code]
    formats = _part(styles, "numFmts")
    ids = [_FIRST_CUSTOM_ID - 1]
    for number_format in formats.iter(f"{_Q}numFmt"):
        if number_format.get("formatCode") == code:
            return int(number_format.get("numFmtId"))
        ids.append(int(number_format.get("numFmtId", 0)))
    new_id = max(ids) + 1
    etree.SubElement(formats, f"{_Q}numFmt", numFmtId=str(new_id), formatCode=code)
    formats.set("count", str(len(formats)))
    return new_id


def _cell_style_for(styles: etree._Element, format_id: int, font_id: int = 0,
                    alignment: dict[str, str] | None = None) -> int:
    cell_styles = _part(styles, "cellXfs")
    wanted = dict(_PLAIN_XF, numFmtId=str(format_id), fontId=str(font_id))
    alignment = alignment or {}
    for index, xf in enumerate(cell_styles.iterchildren(f"{_Q}xf")):
        attributes = {k: v for k, v in xf.attrib.items() if not k.startswith("apply")}
        if attributes == wanted and _alignment_of(xf) == alignment and len(xf) == bool(alignment):
            return index
    applied = {"applyNumberFormat": "1"}
    if font_id:
        applied["applyFont"] = "1"
    if alignment:
        applied["applyAlignment"] = "1"
    xf = etree.SubElement(cell_styles, f"{_Q}xf", wanted, applied)
    if alignment:
        etree.SubElement(xf, f"{_Q}alignment", alignment)
    cell_styles.set("count", str(len(cell_styles)))
    return len(cell_styles) - 1


def _alignment_of(xf: etree._Element) -> dict[str, str]:
    element = xf.find(f"{_Q}alignment")
    return {} if element is None else dict(element.attrib)


def _ensure_base(styles: etree._Element) -> None:
    """Complete the lists a cell style refers to with Excel's first entries (see `_BASE`),
    appending only: the user's entries keep their numbers."""
    for name, entries in _BASE.items():
        found = _part(styles, name)
        for entry in entries[len(found):]:
            found.append(etree.fromstring(f'<list xmlns="{MAIN_NS}">{entry}</list>')[0])
        found.set("count", str(len(found)))
