"""Where a workbook file keeps what the readers need: its tabs (which of them are
worksheets, and their parts), its shared strings and its styles, found through the
package's relationships. Both spellings of Open XML are read alike (transitional, and
Strict: the same parts in other namespaces), in either encoding XML allows (UTF-8, UTF-16).

A workbook's tabs are not all worksheets, and only worksheets are input sheets: a chart
sheet or a macro sheet named Usage is not the Usage sheet.

| tab | its relationship type ends in | holds |
|---|---|---|
| worksheet | `/worksheet` | cells: the input |
| chart sheet | `/chartsheet` | one chart |
| dialog sheet | `/dialogsheet` | an Excel 5 dialog's controls |
| macro sheet | `/xlMacrosheet`, `/xlIntlMacrosheet` | an Excel 4.0 (XLM) macro's formulas |
| a tab without a relationship id | (none) | nothing: no part at all |
"""

from __future__ import annotations

import posixpath
import zipfile
from typing import NamedTuple
from urllib.parse import unquote

from defusedxml import ElementTree

from .guard import bounded_read

__all__ = ["WORKSHEET", "Contents", "DamagedPart", "Tab", "read_contents"]

WORKSHEET = "worksheet"
TAB_KINDS = {  # a tab's relationship type, after its last "/" -> what to call the tab
    "worksheet": WORKSHEET,
    "chartsheet": "chart sheet",
    "dialogsheet": "dialog sheet",
    "xlMacrosheet": "macro sheet",
    "xlIntlMacrosheet": "macro sheet",
}
NO_PART = "tab without a part"
RELATIONSHIP = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
SMALL_PART = 64 << 20  # the workbook part and relationships: a few KB in real books


class DamagedPart(ValueError):
    """A part the package needs is not well-formed XML: `part` names it."""

    def __init__(self, part: str):
        super().__init__(part)
        self.part = part


class Tab(NamedTuple):
    name: str
    kind: str  # WORKSHEET, another TAB_KINDS value, or NO_PART
    part: str | None  # the zip entry holding it (None for a tab without a part)


class Contents(NamedTuple):
    """What the workbook part and its relationships say."""

    tabs: tuple[Tab, ...]
    shared_strings: str | None
    styles: str | None
    date1904: bool

    def worksheets(self) -> list[str]:
        return [tab.name for tab in self.tabs if tab.kind == WORKSHEET]

    def tab(self, name: str) -> Tab | None:
        return next((tab for tab in self.tabs if tab.name == name), None)


def read_contents(archive: zipfile.ZipFile) -> Contents:
    """The workbook's tabs in order, where its shared strings and styles are, and its date
    system. Raises `guard.UnreadableWorkbook` for a missing part, `DamagedPart` for one
    that is not XML."""
    workbook = _office_document(archive)
    related = _relationships(archive, workbook)
    root = _xml(archive, workbook)
    tabs = tuple(_tab(sheet, related) for sheet in root.iter() if _local(sheet.tag) == "sheet" and sheet.get("name") is not None)
    by_kind = {kind: part for kind, part in related.values()}
    properties = next((e for e in root if _local(e.tag) == "workbookPr"), None)
    date1904 = properties is not None and properties.get("date1904", "0").lower() in ("1", "true")
    return Contents(tabs, by_kind.get("sharedStrings"), by_kind.get("styles"), date1904)


def _tab(sheet, related: dict[str, tuple[str, str]]) -> Tab:
    relationship_id = next((value for key, value in sheet.attrib.items() if key.startswith("{") and _local(key) == "id"), None)
    if relationship_id not in related:
        return Tab(sheet.get("name"), NO_PART, None)
    kind, part = related[relationship_id]
    return Tab(sheet.get("name"), TAB_KINDS.get(kind, kind), part)


def _office_document(archive: zipfile.ZipFile) -> str:
    """The workbook part, named by the package's officeDocument relationship."""
    for kind, part in _relationships(archive, "").values():
        if kind == "officeDocument":
            return part
    return _actual_name(archive, "xl/workbook.xml")


def _relationships(archive: zipfile.ZipFile, source: str) -> dict[str, tuple[str, str]]:
    """`{id: (kind, part)}` for the internal relationships of `source` ("" for the
    package): kind is the type's last segment, the same in both spellings of Open XML."""
    folder, name = posixpath.split(source)
    rels = _actual_name(archive, posixpath.join(folder, "_rels", f"{name}.rels"))
    if rels not in archive.NameToInfo:
        return {}
    found = {}
    for element in _xml(archive, rels).iter(RELATIONSHIP):
        if element.get("TargetMode") != "External":
            target = _resolve(source, element.get("Target", ""))
            found[element.get("Id")] = (element.get("Type", "").rpartition("/")[2], _actual_name(archive, target))
    return found


def _xml(archive: zipfile.ZipFile, part: str):
    try:
        return ElementTree.fromstring(bounded_read(archive, part, SMALL_PART))
    except ElementTree.ParseError:
        raise DamagedPart(part) from None


def _resolve(source: str, target: str) -> str:
    """A relationship target as a part name (relative to its source part's folder)."""
    target = unquote(target.split("#", 1)[0])
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source), target))


def _actual_name(archive: zipfile.ZipFile, part: str) -> str:
    """Part names are case-insensitive: the zip entry's own spelling of `part`."""
    if part in archive.NameToInfo:
        return part
    lower = part.lower()
    return next((name for name in archive.NameToInfo if name.lower() == lower), part)


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]
