"""Write giveback's output sheets into the user's workbook without loading it.

Why not openpyxl's load-and-save: it re-writes every part from its own model and drops
what it does not model (drawings' shapes, sparklines, x14 conditional formats, formulas'
cached values, dynamic-array metadata, images without Pillow, VBA), and it takes minutes
and gigabytes on large books. Here the package is edited at the zip level instead:

1. `Package` opens the zip and parses only the small parts that change: the workbook part
   (sheets, defined names), its relationships, `[Content_Types].xml` and the styles.
2. The plan (`_Edit`) finds giveback's own sheets by their marker (see `workbookpart`),
   refuses a user sheet that has an output's name (`SheetNotOurs`, before anything is
   written), and works out which parts die with the sheets being replaced or removed: the
   parts reachable only through them (their tables, drawings, comments, ...). The calc
   chain goes too when any sheet is replaced or removed (Excel rebuilds it), and the
   workbook is then marked to recalculate on open, since formulas may read those sheets.
   (New sheets need no recalculation: each formula giveback writes carries its value.)
3. Each output sheet is streamed (`sheetxml`) into a scratch zip, compressed on a second
   thread (`background`), continuing on `NAME (2)`, `NAME (3)`, ... past Excel's row limit,
   each with its own table part.
4. The package is assembled in a temporary file beside the target: the user's parts in
   their original order (so `[Content_Types].xml` stays first), each copied byte for byte
   with its compressed bytes as they are (`zipcopy`), the edited parts in their places,
   then giveback's new parts, copied compressed from the scratch zip. The temporary file
   takes the target's place only once complete (`files.saving`: through symbolic and
   hard links, writable by its owner, never over an input saved again meanwhile).

Every part comes from the workbook's snapshot (`files.snapshot`), the bytes the readers
read: the output is wholly one version of the file, whatever happens to it meanwhile.

The run record's custom document properties (`docprops`) are set in `docProps/custom.xml`,
the user's own kept; a package without that part gains it, with its relationship and
content type. A very hidden output (the run record sheet) is listed with
`state="veryHidden"`.
"""

from __future__ import annotations

import os
import posixpath
import re
import zipfile
from pathlib import Path
from typing import IO, BinaryIO, Iterator, Mapping, Sequence

from lxml import etree

from . import chart, docprops, panel, sheetxml, strict, styles, zipcopy
from .background import writing_in_background
from .opc import (
    CALC_CHAIN, CONTENT_TYPES, CONTENT_TYPES_NS, PACKAGE_RELS_NS, STYLES, STYLES_TYPE, TABLE,
    TABLE_TYPE, WORKSHEET, WORKSHEET_TYPE, ROOT_RELS, Package, PackageError, rels_part, relative_target,
)
from ..files.saving import real_path, saving, scratch_file
from ..files.snapshot import Snapshot
from ..paper import PrintLayout, print_layout
from ..seam import EXCEL_MAX_ROWS, Column, OutputSheet, table_name
from .workbookpart import WorkbookPart

__all__ = ["PackageError", "SheetNotOurs", "write_outputs", "written_by_giveback"]

DATA_ROWS_PER_SHEET = EXCEL_MAX_ROWS - 1  # a module attribute so tests can make it small
# How giveback's sheets look beyond their number formats: bold headers in every spreadsheet
# program (not only through the table style), a title, grey legend lines, links.
TITLE = styles.Look(bold=True, size=14)
LEGEND = styles.Look(italic=True, color="FF595959", wrap=True, top=True)
HEADER = styles.Look(bold=True, wrap=True)
LINK = styles.Look(underline=True, color="FF0563C1")
SHEET_COMPRESSION_LEVEL = 1  # deflate's fastest: sheets are large and written once
_LONGEST_SHEET_NAME = 31
_MOST_COLUMNS = 16_384
_BAD_SHEET_NAME = re.compile(r"[\[\]:*?/\\]|^'|'$|^history$", re.IGNORECASE)  # Excel keeps History for itself


class SheetNotOurs(Exception):
    """A sheet with an output's name exists but giveback did not write it; names it."""

    def __init__(self, sheet: str):
        self.sheet = sheet
        super().__init__(
            f'The workbook already has a sheet named "{sheet}" that giveback did not write. '
            "Rename that sheet and run again: giveback only replaces sheets it wrote."
        )


def write_outputs(
    source: Snapshot | Path, target: Path, sheets: Sequence[OutputSheet], drop: Sequence[str] = (),
    notes: list[str] | None = None, properties: Mapping[str, str] | None = None,
) -> list[str]:
    """Copy the workbook `source` (its snapshot, or the file at a path) to `target`
    atomically (`files.saving`; target may be the input itself, for in-place), with
    giveback's output `sheets` created or replaced, giveback-owned sheets named in `drop`
    removed and the custom document `properties` set (text). Every other part of the
    user's package is copied byte for byte.
    Returns the sheet names written; what the accountant should know about how the file
    was saved (a hard link split) is added to `notes`.

    Raises PackageError for a file that is not a readable workbook, SheetNotOurs for a
    user's sheet in the way, and `saving.SaveRefused` for an input saved again meanwhile;
    then, as on any error, the target is not written."""
    _check_output_names(sheets)
    target = Path(target)
    with Package(source) as package, scratch_file(target) as spill:
        edit = _Edit(package, [sheet.name for sheet in sheets], drop, notes if notes is not None else [], properties)
        with zipfile.ZipFile(spill, "w", zipfile.ZIP_DEFLATED,
                             compresslevel=SHEET_COMPRESSION_LEVEL) as new_parts:
            written = [name for sheet in sheets for name in _write_output(new_parts, edit, sheet)]
        edited = edit.finish()
        unchanged = package.snapshot if _is_the_input(target, package.snapshot) else None
        with zipfile.ZipFile(spill) as new_parts, \
                saving(target, like=package.path, unchanged=unchanged, notes=notes) as file:
            _assemble(package, edited, edit.dropped, (new_parts, spill), file)
    return written


def _is_the_input(target: Path, snapshot: Snapshot) -> bool:
    """Whether `target` names the file the snapshot was read from, however spelled
    (relative, through a symbolic link, another hard link to it)."""
    if real_path(target) == real_path(snapshot.path):
        return True
    try:
        status = os.stat(target)
    except OSError:
        return False
    return (status.st_dev, status.st_ino) == snapshot.identity[:2]


def written_by_giveback(path: Path) -> bool:
    """Whether the workbook at `path` holds a sheet giveback wrote (a file that is not a
    readable workbook holds none). Only its workbook part is read (`Package.glance`)."""
    try:
        with Package.glance(Path(path)) as package:
            return any(sheet.owned for sheet in _workbook_part(package).sheets())
    except PackageError:
        return False


def _assemble(package: Package, edited: dict[str, bytes], dropped: set[str],
              new: tuple[zipfile.ZipFile, BinaryIO], file: BinaryIO) -> None:
    """Write the package: the user's parts in their order (edited ones in their place,
    dropped ones left out), then giveback's new parts, all copied compressed."""
    kept = [info for info in package.zip.infolist() if info.filename.lower() not in dropped]
    new_parts, spill = new
    size = (sum(info.compress_size for info in kept) + spill.seek(0, os.SEEK_END)
            + sum(len(data) for data in edited.values()))
    writer = zipcopy.writer_for(file, len(kept) + len(new_parts.infolist()) + len(edited), size)
    remaining = dict(edited)
    for info in kept:
        if info.filename in remaining:
            writer.write(info.filename, remaining.pop(info.filename), info.date_time)
        else:
            writer.copy(package.zip, package.file, info)
    for name, data in remaining.items():  # parts the package did not have (a styles part)
        writer.write(name, data)
    for info in new_parts.infolist():
        writer.copy(new_parts, spill, info)
    writer.finish()


def _write_output(archive: zipfile.ZipFile, edit: _Edit, output: OutputSheet) -> list[str]:
    """Stream one output into as many sheets as its rows need (its panel on the first
    only); return their names."""
    cell_styles = edit.cell_styles(output.columns)
    rows: Iterator | None = iter(output.rows)
    names: list[str] = []
    while rows is not None:
        name = output.name if not names else f"{output.name} ({len(names) + 1})"
        page = output._replace(panel=None) if names else output
        layout = print_layout(page)
        sheet_part, table_part = edit.claim_sheet(name, layout, page.hidden)
        table_name = edit.table_name(name)
        relationships = [("rId1", TABLE, relative_target(sheet_part, table_part))]
        extras = _panel_extras(archive, edit, page, sheet_part, relationships)
        per_sheet = min(DATA_ROWS_PER_SHEET, page.rows_per_sheet())
        with archive.open(sheet_part, "w") as entry, writing_in_background(entry) as stream:
            written = sheetxml.write_sheet(
                edit.spelled_stream(stream), page, cell_styles, rows, per_sheet, "rId1", table_name, extras)
        if areas := layout.print_areas(page.last_row(written.data_rows)):
            edit.print_area(name, areas)
        table = sheetxml.table_xml(edit.table_id(), table_name, page, written.data_rows)
        archive.writestr(table_part, edit.spelled(table))
        archive.writestr(rels_part(sheet_part), edit.spelled(_rels_xml(relationships)))
        rows = written.rest
        names.append(name)
    return names


def _panel_extras(archive: zipfile.ZipFile, edit: _Edit, page: OutputSheet, sheet_part: str,
                  relationships: list[tuple[str, str, str]]) -> sheetxml.SheetExtras:
    """The XML of the sheet's panel; its charts written as a drawing part and chart
    parts, the drawing added to the sheet's `relationships`."""
    if page.panel is None:
        return sheetxml.SheetExtras()
    above = panel.rows_xml(page.panel, page.panel_row, edit.panel_styles(page.panel))
    drawing = ""
    if page.panel.charts:
        drawing = f"rId{len(relationships) + 1}"
        drawing_part = edit.new_part("drawings/drawing", chart.DRAWING_TYPE)
        relationships.append((drawing, chart.DRAWING, relative_target(sheet_part, drawing_part)))
        charts = []
        for number, one in enumerate(page.panel.charts, start=1):
            chart_part = edit.new_part("charts/chart", chart.CHART_TYPE)
            archive.writestr(chart_part, edit.spelled(chart.chart_xml(one, page.name)))
            charts.append((f"rId{number}", chart.CHART, relative_target(drawing_part, chart_part)))
        archive.writestr(drawing_part, edit.spelled(chart.drawing_xml(page.panel.charts, [rid for rid, _, _ in charts])))
        archive.writestr(rels_part(drawing_part), edit.spelled(_rels_xml(charts)))
    return sheetxml.SheetExtras(above, panel.validations_xml(page.panel), drawing)


class _Edit:
    """What changes in the package: planned from the workbook as it is, then grown as each
    output sheet is written, and finally serialised into the edited parts."""

    def __init__(self, package: Package, outputs: list[str], drop: Sequence[str], notes: list[str],
                 properties: Mapping[str, str] | None = None):
        self.package, self.notes = package, notes
        self.properties = dict(properties or {})
        self._print_note_given = False
        self.workbook = _workbook_part(package)
        self.workbook_rels_part = rels_part(package.workbook_part)
        self.workbook_rels = package.xml(self.workbook_rels_part)
        self.content_types = package.xml(CONTENT_TYPES)
        self.existing = self.workbook.sheets()
        self._refuse_users_sheets(outputs)
        self.doomed = self._owned_sheets_named(outputs, drop)
        self.replaced: set[int] = set()
        self.dropped = self._parts_dying_with_doomed_sheets()
        self.styles_part, self.styles = self._styles()
        self.taken_names = {name.lower() for name in package.infos} | package.targets()
        self.table_ids, self.table_names = self._surviving_tables()
        self.table_names |= self.workbook.defined_names()
        self.dates = sheetxml.EXCEL_1904 if self.workbook.date1904() else sheetxml.EXCEL_1900

    def claim_sheet(self, name: str, layout: PrintLayout = PrintLayout(title_rows=(1, 1)),
                    hidden: bool = False) -> tuple[str, str]:
        """Add (or reuse the slot of) sheet `name`, with the rows and columns `layout`
        prints on every page, very hidden if asked; return its new sheet and table parts."""
        slot = next((i for i, s in enumerate(self.existing) if s.name.casefold() == name.casefold()),
                    None)
        if slot is not None and slot not in self.doomed:
            raise SheetNotOurs(self.existing[slot].name)
        if len(name) > _LONGEST_SHEET_NAME:
            raise ValueError(f"sheet name {name!r} is longer than Excel allows")
        folder = posixpath.dirname(self.package.workbook_part)
        sheet_part = self._new_part_name(posixpath.join(folder, "worksheets/sheet"), WORKSHEET_TYPE)
        table_part = self._new_part_name(posixpath.join(folder, "tables/table"), TABLE_TYPE)
        relationship = self._add_workbook_relationship(WORKSHEET, sheet_part)
        if slot is None:
            self.workbook.append_sheet(name, relationship, hidden)
        else:
            self.workbook.replace_sheet(slot, name, relationship, hidden)
            self.replaced.add(slot)
        if self._printable(name):
            self.workbook.print_titles(name, layout.title_rows_reference(), layout.title_columns_reference())
        return sheet_part, table_part

    def print_area(self, name: str, areas: tuple[str, ...]) -> None:
        """Print only `areas` of sheet `name` (where LibreOffice can read it, `_printable`)."""
        if self._printable(name):
            self.workbook.print_area(name, *areas)

    def _printable(self, name: str) -> bool:
        """Whether sheet `name` can carry its print settings (sheet-scoped names): not when
        a sheet before it has a name LibreOffice leaves out, which would move the settings
        to another sheet or past the last one, and LibreOffice could not open the file
        (`WorkbookPart.names_libreoffice_drops`). The notes then say so, once."""
        odd = self.workbook.names_libreoffice_drops(self.workbook.index_of(name))
        if odd and not self._print_note_given:
            self._print_note_given = True
            self.notes.append(
                f'The workbook\'s sheet "{odd[0]}" has a name Excel does not allow (no [ ] : * ? / \\, no apostrophe '
                "first or last), and LibreOffice leaves that sheet out when it opens the book; so that LibreOffice "
                "still opens it, giveback's sheets after it do not repeat their header row on every printed page. "
                "Rename that sheet and run giveback again to have it.")
        return not odd

    def cell_styles(self, columns: Sequence[Column]) -> sheetxml.CellStyles:
        """The sheet's cell styles: each column's format (wrapped where the column wraps,
        every cell at the top of its row when some column wraps), dates in General
        columns, and the intro, header, link and totals looks; dates in the workbook's
        own date system."""
        top = any(column.wrap for column in columns)
        formats = [column.number_format or styles.GENERAL for column in columns]
        data = [(f, styles.Look(wrap=c.wrap, top=top)) for f, c in zip(formats, columns)]
        totals = [(f, styles.Look(bold=True)) for f in formats]
        plain = styles.PLAIN
        looks = {"title": (styles.GENERAL, TITLE), "legend": (styles.GENERAL, LEGEND),
                 "header": (styles.GENERAL, HEADER), "link": (styles.GENERAL, LINK._replace(top=top)),
                 "date": (styles.DATE_FORMAT, plain), "datetime": (styles.DATETIME_FORMAT, plain)}
        indexes = styles.add_cell_styles(self.styles, data + totals + list(looks.values()))
        return sheetxml.CellStyles(
            columns=tuple(indexes[key] for key in data),
            general=tuple(f == styles.GENERAL for f in formats),
            totals=tuple(indexes[key] for key in totals),
            date_system=self.dates,
            **{name: indexes[key] for name, key in looks.items()},
        )

    def panel_styles(self, sheet_panel) -> panel.PanelStyles:
        """The looks of a panel's cells: labels as bold as headers, formulas' formats."""
        formats = sorted(panel.number_formats(sheet_panel))
        wanted = [(styles.GENERAL, HEADER)] + [(code, styles.PLAIN) for code in formats]
        indexes = styles.add_cell_styles(self.styles, wanted)
        return panel.PanelStyles(indexes[styles.GENERAL, HEADER],
                                 {code: indexes[code, styles.PLAIN] for code in formats}, self.dates)

    def new_part(self, stem: str, content_type: str) -> str:
        """A new part named `stem` + a number, beside the workbook part (`xl/`)."""
        return self._new_part_name(posixpath.join(posixpath.dirname(self.package.workbook_part), stem),
                                   content_type)

    def table_id(self) -> int:
        new_id = max(self.table_ids, default=0) + 1
        self.table_ids.add(new_id)
        return new_id

    def table_name(self, sheet_name: str) -> str:
        """A table name from the sheet's (`seam.table_name`), unique in the workbook."""
        name = table_name(sheet_name, self.table_names)
        self.table_names.add(name.lower())
        return name

    def finish(self) -> dict[str, bytes]:
        """Remove what is left of the doomed sheets; the edited parts' new contents."""
        removed = set(self.doomed) - self.replaced
        self.workbook.remove_sheets(removed)
        if self.doomed:  # formulas may read a sheet that was replaced or removed
            self.workbook.recalculate_on_open()
        self._remove_relationships_to_dropped_parts()
        self._remove_content_types_of_dropped_parts()
        properties = self._properties_parts()
        return {
            **{self.package.actual_name(part): self.spelled(_serialise(root)) for part, root in [
                (CONTENT_TYPES, self.content_types),
                (self.package.workbook_part, self.workbook.root),
                (self.workbook_rels_part, self.workbook_rels),
                (self.styles_part, self.styles),
            ]},
            **properties,
        }

    def _properties_parts(self) -> dict[str, bytes]:
        """The custom properties part with `properties` set; when the package has none, a
        new one and the package root's relationships pointing at it."""
        if not self.properties:
            return {}
        strict_package = self.package.strict
        part = docprops.custom_part(self.package)
        if part is not None:
            return {part: docprops.with_properties(self.package.xml(part), self.properties, strict_package)}
        part = self._new_part_name(docprops.DEFAULT_PART.removesuffix(".xml"), docprops.CUSTOM_TYPE, first="")
        root_rels = self.package.xml(ROOT_RELS)
        _add_relationship(root_rels, docprops.relationship_type(strict_package), part)
        return {part: docprops.with_properties(None, self.properties, strict_package),
                self.package.actual_name(ROOT_RELS): self.spelled(_serialise(root_rels))}

    def spelled(self, xml: bytes) -> bytes:
        """A part giveback writes, in the package's spelling of Open XML (Strict or not)."""
        return strict.to_strict(xml) if self.package.strict else xml

    def spelled_stream(self, stream: IO[bytes]) -> IO[bytes]:
        """A stream writing a part in the package's spelling of Open XML."""
        return strict.StrictRoot(stream) if self.package.strict else stream

    def _refuse_users_sheets(self, outputs: list[str]) -> None:
        wanted = {name.casefold() for name in outputs}
        for sheet in self.existing:
            if sheet.name.casefold() in wanted and not sheet.owned:
                raise SheetNotOurs(sheet.name)

    def _owned_sheets_named(self, outputs: list[str], drop: Sequence[str]) -> set[int]:
        """giveback's sheets named like an output or a dropped sheet, or their `NAME (n)`
        continuations: all are rewritten or removed."""
        bases = {name.casefold() for name in [*outputs, *drop]}
        continuation = re.compile(r"^(.*) \(\d+\)$")

        def base(name: str) -> str:
            match = continuation.match(name)
            return match.group(1) if match and match.group(1).casefold() in bases else name

        return {
            index for index, sheet in enumerate(self.existing)
            if sheet.owned and base(sheet.name).casefold() in bases
        }

    def _parts_dying_with_doomed_sheets(self) -> set[str]:
        workbook = self.package.workbook_part
        skip = {(workbook, self.existing[index].relationship_id) for index in self.doomed}
        if self.doomed:
            skip |= {(workbook, r.id) for r in self.package.relationships(workbook)
                     if r.type == CALC_CHAIN}
        before = self.package.reachable()
        dying = before - self.package.reachable(skip)
        rels = {rels_part(part).lower() for part in dying}
        return dying | {name for name in rels if self.package.has(name)}

    def _styles(self) -> tuple[str, etree._Element]:
        """The styles part and its XML; when the package has none, a minimal one, made
        where the workbook's styles relationship points (a relationship to a missing part
        is repaired, not doubled) or else at `xl/styles.xml`."""
        workbook = self.package.workbook_part
        linked = [r.target for r in self.package.relationships(workbook)
                  if r.type == STYLES and r.target and r.target.lower().endswith(".xml")]
        for target in linked:
            if self.package.has(target):
                part = self.package.actual_name(target)
                return part, self.package.xml(part)
        part = linked[0] if linked else posixpath.join(posixpath.dirname(workbook), "styles.xml")
        if not linked:
            self._add_workbook_relationship(STYLES, part)
        if not self._has_content_type(part):
            self._add_content_type(part, STYLES_TYPE)
        return part, etree.fromstring(styles.MINIMAL_STYLES)

    def _surviving_tables(self) -> tuple[set[int], set[str]]:
        ids, names = set(), set()
        for override in self.content_types.iterchildren(f"{{{CONTENT_TYPES_NS}}}Override"):
            part = override.get("PartName", "").lstrip("/")
            if override.get("ContentType") != TABLE_TYPE or part.lower() in self.dropped:
                continue
            if self.package.has(part):
                table = self.package.xml(part)
                ids.add(int(table.get("id", 0)))
                names.add(table.get("name", "").lower())
                names.add(table.get("displayName", "").lower())
        return ids, names

    def _new_part_name(self, stem: str, content_type: str, first: str | int = 1) -> str:
        """A part name no entry, relationship part or relationship of the package uses
        (a dangling relationship would take the new part for its own): `stem` and a
        number, the first one being `first` ("" for none: `docProps/custom.xml`)."""
        number: str | int = first
        while {f"{stem}{number}.xml".lower(), rels_part(f"{stem}{number}.xml").lower()} & self.taken_names:
            number = 2 if number == "" else int(number) + 1
        part = f"{stem}{number}.xml"
        self.taken_names.add(part.lower())
        self._add_content_type(part, content_type)
        return part

    def _has_content_type(self, part: str) -> bool:
        return any(override.get("PartName", "").lstrip("/").lower() == part.lower()
                   for override in self.content_types.iterchildren(f"{{{CONTENT_TYPES_NS}}}Override"))

    def _add_content_type(self, part: str, content_type: str) -> None:
        etree.SubElement(self.content_types, f"{{{CONTENT_TYPES_NS}}}Override",
                         PartName=f"/{part}", ContentType=content_type)

    def _add_workbook_relationship(self, kind: str, part: str) -> str:
        return _add_relationship(self.workbook_rels, kind, relative_target(self.package.workbook_part, part))

    def _remove_relationships_to_dropped_parts(self) -> None:
        doomed_ids = {self.existing[index].relationship_id for index in self.doomed}
        for relationship in self.package.relationships(self.package.workbook_part):
            target = (relationship.target or "").lower()
            if relationship.id in doomed_ids or target in self.dropped:
                for element in self.workbook_rels.iterchildren(f"{{{PACKAGE_RELS_NS}}}Relationship"):
                    if element.get("Id") == relationship.id:
                        self.workbook_rels.remove(element)

    def _remove_content_types_of_dropped_parts(self) -> None:
        for override in list(self.content_types.iterchildren(f"{{{CONTENT_TYPES_NS}}}Override")):
            if override.get("PartName", "").lstrip("/").lower() in self.dropped:
                self.content_types.remove(override)


def _workbook_part(package: Package) -> WorkbookPart:
    try:
        return WorkbookPart(package.xml(package.workbook_part))
    except ValueError:
        raise PackageError(
            f"{package.path.name} is not an Excel workbook: its workbook part is not SpreadsheetML "
            "(a pre-release of Excel 2007 wrote such files); open it in Excel and save it as an "
            "Excel Workbook (.xlsx), then try again."
        ) from None


def _check_output_names(sheets: Sequence[OutputSheet]) -> None:
    seen: set[str] = set()
    for sheet in sheets:
        if not sheet.name or len(sheet.name) > _LONGEST_SHEET_NAME or _BAD_SHEET_NAME.search(sheet.name):
            raise ValueError(f"not a valid Excel sheet name: {sheet.name!r}")
        if sheet.name.casefold() in seen:
            raise ValueError(f"two output sheets named {sheet.name!r}")
        if not 0 < len(sheet.columns) <= _MOST_COLUMNS:
            raise ValueError(f"output sheet {sheet.name!r} has {len(sheet.columns)} columns")
        seen.add(sheet.name.casefold())


def _rels_xml(relationships: list[tuple[str, str, str]]) -> bytes:
    root = etree.Element(f"{{{PACKAGE_RELS_NS}}}Relationships", nsmap={None: PACKAGE_RELS_NS})
    for relationship_id, kind, target in relationships:
        etree.SubElement(root, f"{{{PACKAGE_RELS_NS}}}Relationship",
                         Id=relationship_id, Type=kind, Target=target)
    return _serialise(root)


def _serialise(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _add_relationship(relationships: etree._Element, kind: str, target: str) -> str:
    """A relationship of `kind` to `target` added to a relationships part, under the first
    free `rIdN`; its id."""
    ids = {element.get("Id") for element in relationships}
    number = len(ids) + 1
    while f"rId{number}" in ids:
        number += 1
    etree.SubElement(relationships, f"{{{PACKAGE_RELS_NS}}}Relationship", Id=f"rId{number}", Type=kind,
                     Target=target)
    return f"rId{number}"
