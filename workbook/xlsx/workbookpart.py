"""Edits to the workbook part (`xl/workbook.xml`): its list of sheets and defined names.

The part is edited in place with lxml, which keeps every namespace declaration, prefix
and extension (`mc:Ignorable`, `x15ac:absPath`, `xr:revisionPtr`, `extLst`) as it was.

Ownership: every sheet giveback writes carries the mark of `workbook.ownership`, a hidden
workbook-scoped name referring to the sheet:
`<definedName name="_giveback_sheet_Adjustments" hidden="1">'Adjustments'!$A$1</definedName>`.
Books marked the older way (a sheet-scoped `_giveback_output` holding the sheet's name) are
still recognised.

A sheet's defined names say which sheet they belong to by its position (`localSheetId`), so
a replaced sheet keeps its slot, new sheets go at the end, and removing a sheet drops the
names scoped to it, renumbers those after it, and turns references to it in other names
into `#REF!` (as Excel does when a sheet is deleted).
"""

from __future__ import annotations

import re
from typing import Iterable, NamedTuple

from lxml import etree

from .. import ownership
from ..seam import sheet_reference
from .sheetxml import MAIN_NS, REL_NS

PRINT_TITLES = "_xlnm.Print_Titles"  # Excel's built-in name: rows printed at the top of every page
PRINT_AREA = "_xlnm.Print_Area"  # Excel's built-in name: the cells printed
_Q = f"{{{MAIN_NS}}}"
_RELATIONSHIP_ID = f"{{{REL_NS}}}id"
_BEFORE_DEFINED_NAMES = ("sheets", "functionGroups", "externalReferences")
_BEFORE_CALC = _BEFORE_DEFINED_NAMES + ("definedNames",)
_SHEET_REFERENCE = re.compile(r"'((?:[^']|'')+)'!|(?<![\w.\]])([^\W\d][\w.]*)!")
_NAME_EXCEL_REFUSES = re.compile(r"^$|^'|'$|[\[\]:*?/\\]")


class Sheet(NamedTuple):
    name: str
    relationship_id: str
    owned: bool


class WorkbookPart:
    def __init__(self, root: etree._Element):
        if root.tag != f"{_Q}workbook":
            raise ValueError(f"not a SpreadsheetML workbook: {root.tag}")
        self.root = root
        self._sheets = root.find(f"{_Q}sheets")

    def sheets(self) -> list[Sheet]:
        """The sheets in tab order, with whether giveback wrote them."""
        names = [element.get("name") for element in self._sheet_elements()]
        owned = ownership.owned_sheets(names, self._listed_names(names))
        return [
            Sheet(element.get("name"), element.get(_RELATIONSHIP_ID), name.casefold() in owned)
            for name, element in zip(names, self._sheet_elements())
        ]

    def names_libreoffice_drops(self, before: int) -> list[str]:
        """The names of the sheets in slots 1 to `before` - 1 that Excel does not allow
        (empty; an apostrophe first or last; `[ ] : * ? / \\`: other programs write them).
        LibreOffice leaves such a sheet out when it opens the book (in the first slot it
        renames it), so the sheets after it move up one place: a sheet-scoped name
        (`localSheetId`) then belongs to the next sheet, and past the last one LibreOffice
        cannot open the file at all."""
        names = [element.get("name") or "" for element in self._sheet_elements()[1:before]]
        return [name for name in names if _NAME_EXCEL_REFUSES.search(name)]

    def date1904(self) -> bool:
        """Whether the workbook counts days in the 1904 date system (older Mac Excel):
        `<workbookPr date1904="1"/>` (or "true")."""
        properties = self.root.find(f"{_Q}workbookPr")
        return properties is not None and properties.get("date1904", "0").strip().lower() in ("1", "true")

    def defined_names(self) -> set[str]:
        """Every defined name, lower-cased (a table's name must differ from all of them)."""
        return {name.get("name", "").lower() for name in self._name_elements()}

    def replace_sheet(self, index: int, name: str, relationship_id: str, hidden: bool = False) -> None:
        """Point the sheet in slot `index` at a new part, keeping its id, place and names."""
        element = self._sheet_elements()[index]
        element.set("name", name)
        element.set(_RELATIONSHIP_ID, relationship_id)
        _set_state(element, hidden)
        self._mark(name)

    def append_sheet(self, name: str, relationship_id: str, hidden: bool = False) -> None:
        """Add a sheet at the end, marked as giveback's; very hidden if asked."""
        elements = self._sheet_elements()
        sheet_id = 1 + max((int(e.get("sheetId", 0)) for e in elements), default=0)
        # nsmap: the `r` prefix Excel writes, whatever lxml has registered (openpyxl registers
        # it when imported; without it lxml would invent `ns0`)
        element = etree.SubElement(self._sheets, f"{_Q}sheet", name=name, sheetId=str(sheet_id),
                                   attrib={_RELATIONSHIP_ID: relationship_id}, nsmap={"r": REL_NS})
        _set_state(element, hidden)
        self._mark(name)

    def print_titles(self, sheet_name: str, rows: str, columns: str = "") -> None:
        """Print `rows` (`$6:$6`) of sheet `sheet_name` at the top of every page and
        `columns` (`$A:$A`, or "" for none) at the left: the sheet's `_xlnm.Print_Titles`
        name, set or replaced (Excel spells it `'Summary'!$A:$A,'Summary'!$6:$6`)."""
        self._set_sheet_name(PRINT_TITLES, sheet_name, *(cells for cells in (columns, rows) if cells))

    def print_area(self, sheet_name: str, *areas: str) -> None:
        """Print only `areas` (`$A$1:$H$40`, ...) of sheet `sheet_name`: its `_xlnm.Print_Area`."""
        self._set_sheet_name(PRINT_AREA, sheet_name, *areas)

    def index_of(self, sheet_name: str) -> int:
        return next(i for i, e in enumerate(self._sheet_elements()) if e.get("name") == sheet_name)

    def _set_sheet_name(self, builtin: str, sheet_name: str, *cells: str) -> None:
        """Set or replace the sheet's scoped name `builtin` to `cells` of the sheet (areas
        joined by commas)."""
        index = self.index_of(sheet_name)
        value = ",".join(sheet_reference(sheet_name, area) for area in cells)
        for name in self._name_elements():
            if name.get("name") == builtin and name.get("localSheetId") == str(index):
                name.text = value
                return
        element = etree.SubElement(self._defined_names(), f"{_Q}definedName", name=builtin,
                                   localSheetId=str(index))
        element.text = value

    def remove_sheets(self, indexes: Iterable[int]) -> None:
        """Remove sheets, their scoped names, and other names' references to them."""
        elements = self._sheet_elements()
        removed = sorted(set(indexes), reverse=True)
        names = {elements[index].get("name").casefold() for index in removed}
        self._unmark(names)
        for index in removed:
            self._sheets.remove(elements[index])
            self._renumber_names_after(index)
            self._shift_views_after(index)
        for defined in self._name_elements():
            defined.text = without_sheet_references(defined.text or "", names)

    def recalculate_on_open(self) -> None:
        """Ask Excel to recalculate the whole workbook when it opens: the user's formulas
        may read the sheets giveback just replaced."""
        calc = self.root.find(f"{_Q}calcPr")
        if calc is None:
            calc = etree.Element(f"{_Q}calcPr")
            self._insert_after(calc, _BEFORE_CALC)
        calc.set("fullCalcOnLoad", "1")

    def _sheet_elements(self) -> list[etree._Element]:
        return list(self._sheets.iterchildren(f"{_Q}sheet"))

    def _name_elements(self) -> list[etree._Element]:
        names = self.root.find(f"{_Q}definedNames")
        return [] if names is None else list(names.iterchildren(f"{_Q}definedName"))

    def _listed_names(self, sheets: list[str]) -> list[ownership.DefinedName]:
        return [self._listed(name, sheets) for name in self._name_elements()]

    @staticmethod
    def _listed(name: etree._Element, sheets: list[str]) -> ownership.DefinedName:
        scope = name.get("localSheetId")
        if scope is not None:
            scope = sheets[int(scope)] if scope.isdigit() and int(scope) < len(sheets) else ""
        return ownership.DefinedName(name.get("name", ""), name.text or "", scope)

    def _mark(self, sheet: str) -> None:
        """Mark `sheet` as giveback's, in place of any stale mark of the same name."""
        wanted = ownership.mark_name(sheet).casefold()
        for name in self._name_elements():
            if name.get("localSheetId") is None and name.get("name", "").casefold() == wanted:
                name.getparent().remove(name)
        mark = etree.SubElement(self._defined_names(), f"{_Q}definedName",
                                name=ownership.mark_name(sheet), hidden="1")
        mark.text = ownership.mark_formula(sheet)

    def _unmark(self, sheets: set[str]) -> None:
        """Remove the marks of the (case-folded) `sheets`, which are being removed."""
        names = [element.get("name") for element in self._sheet_elements()]
        for name in self._name_elements():
            if ownership.is_mark_for(self._listed(name, names), sheets):
                name.getparent().remove(name)

    def _defined_names(self) -> etree._Element:
        names = self.root.find(f"{_Q}definedNames")
        if names is None:
            names = etree.Element(f"{_Q}definedNames")
            self._insert_after(names, _BEFORE_DEFINED_NAMES)
        return names

    def _insert_after(self, element: etree._Element, predecessors: tuple[str, ...]) -> None:
        last = max(
            (self.root.index(child) for child in self.root
             if isinstance(child.tag, str) and etree.QName(child).localname in predecessors),
            default=-1,
        )
        self.root.insert(last + 1, element)

    def _renumber_names_after(self, index: int) -> None:
        for name in self._name_elements():
            scope = name.get("localSheetId")
            if scope is None:
                continue
            if int(scope) == index:
                name.getparent().remove(name)
            elif int(scope) > index:
                name.set("localSheetId", str(int(scope) - 1))
        names = self.root.find(f"{_Q}definedNames")
        if names is not None and len(names) == 0:
            self.root.remove(names)

    def _shift_views_after(self, index: int) -> None:
        count = len(self._sheet_elements())
        for view in self.root.iter(f"{_Q}workbookView"):
            for attribute in ("activeTab", "firstSheet"):
                position = int(view.get(attribute, 0))
                if position > index or position >= count:
                    view.set(attribute, str(max(0, min(position - 1, count - 1))))


def _set_state(sheet: etree._Element, hidden: bool) -> None:
    """`state="veryHidden"`: a sheet no list of Excel's shows (only VBA unhides it)."""
    if hidden:
        sheet.set("state", "veryHidden")
    elif "state" in sheet.attrib:
        del sheet.attrib["state"]


def without_sheet_references(formula: str, sheet_names: set[str]) -> str:
    """`formula` with references to the (case-folded) `sheet_names` turned into `#REF!`."""

    def replace(match: re.Match) -> str:
        quoted, plain = match.groups()
        name = quoted.replace("''", "'") if quoted is not None else plain
        return "#REF!" if name.casefold() in sheet_names else match.group()

    return _SHEET_REFERENCE.sub(replace, formula)
