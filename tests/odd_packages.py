"""Valid workbooks that Excel (or another producer) writes and a library may not read,
built part by part with zipfile and XML strings: openpyxl cannot write most of them.

Each builder takes a folder and returns the path of the file it wrote; every file holds the
same Usage sheet (`USAGE`), so a test can compare what giveback reads and recommends from it
with what it recommends from the same rows held in memory. `KINDS` lists them by the kind
of file SPEC section 9 names.

A package is first a dict of parts, `{name: XML text}` in zip order (`book`), which the
builders then change the way a producer would (`strict` namespaces, `utf16` parts, a styles
part missing, minimal or mis-linked) before `write_zip` packs it, with or without data
descriptors.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Callable, NamedTuple
from xml.sax.saxutils import escape, quoteattr

Builder = Callable[[Path], Path]
DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
MARGINS = '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
MACRO_MAIN = "http://schemas.microsoft.com/office/excel/2006/main"
MICROSOFT_RELS = "http://schemas.microsoft.com/office/2006/relationships"
SPREADSHEETML = "application/vnd.openxmlformats-officedocument.spreadsheetml"

# Strict Open XML (ISO/IEC 29500 Strict) names the same parts in other namespaces
STRICT_NAMESPACES = {
    MAIN: "http://purl.oclc.org/ooxml/spreadsheetml/main",
    REL: "http://purl.oclc.org/ooxml/officeDocument/relationships",
    "http://schemas.openxmlformats.org/drawingml/2006/main": "http://purl.oclc.org/ooxml/drawingml/main",
    "http://schemas.openxmlformats.org/drawingml/2006/chart": "http://purl.oclc.org/ooxml/drawingml/chart",
    "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing": "http://purl.oclc.org/ooxml/drawingml/spreadsheetDrawing",
}

USAGE = [  # two products of the seed: net zero (the guide's 10 / -10 in 3 runs, the book rule's 7 / -7) and
    # net negative (the guide's 20 / -20 in 2 runs; 17 / -17 within the book's 3)
    ("Product", "Quantity", "Reference"),
    ("NUT-5", 2, "INV-1"), ("NUT-5", 4, "INV-2"), ("NUT-5", 4, "INV-3"),
    ("NUT-5", -10, "RET-1"), ("NUT-5", 3, "INV-4"), ("NUT-5", -3, "RET-2"),
    ("BOLT-10", -20, "RET-3"), ("BOLT-10", 3, "INV-5"),
]


class Sheet(NamedTuple):
    """A tab of the workbook: its name, what kind of sheet it is, and a worksheet's rows.
    `kind` is worksheet, chartsheet, dialogsheet, macrosheet, intlmacrosheet, or none (a
    `<sheet>` without a relationship id, pointing at no part)."""

    name: str
    kind: str = "worksheet"
    rows: tuple = ()


class Kind(NamedTuple):
    """Where a kind of sheet lives: relationship type, content type, folder, root element."""

    relationship: str
    content_type: str
    folder: str
    root: str


SHEET_KINDS = {
    "worksheet": Kind(f"{REL}/worksheet", f"{SPREADSHEETML}.worksheet+xml", "worksheets", f'<worksheet xmlns="{MAIN}" xmlns:r="{REL}">'),
    "chartsheet": Kind(f"{REL}/chartsheet", f"{SPREADSHEETML}.chartsheet+xml", "chartsheets", f'<chartsheet xmlns="{MAIN}" xmlns:r="{REL}">'),
    "dialogsheet": Kind(f"{REL}/dialogsheet", f"{SPREADSHEETML}.dialogsheet+xml", "dialogsheets", f'<dialogsheet xmlns="{MAIN}" xmlns:r="{REL}">'),
    "macrosheet": Kind(f"{MICROSOFT_RELS}/xlMacrosheet", "application/vnd.ms-excel.macrosheet+xml", "macrosheets",
                       f'<xm:macrosheet xmlns="{MAIN}" xmlns:r="{REL}" xmlns:xm="{MACRO_MAIN}">'),
    "intlmacrosheet": Kind(f"{MICROSOFT_RELS}/xlIntlMacrosheet", "application/vnd.ms-excel.intlmacrosheet+xml", "macrosheets",
                           f'<xm:macrosheet xmlns="{MAIN}" xmlns:r="{REL}" xmlns:xm="{MACRO_MAIN}">'),
}
WORKBOOK_TYPE = f"{SPREADSHEETML}.sheet.main+xml"
MACRO_WORKBOOK_TYPE = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"

STYLES = (
    f'{DECLARATION}<styleSheet xmlns="{MAIN}">'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


# The parts of a workbook -------------------------------------------------------------------


def book(sheets: list[Sheet], macros: bool = False, defined_names: str = "") -> dict[str, str]:
    """The parts of a transitional workbook holding `sheets`, with shared strings and
    styles, as Excel lays them out; `macros` makes it an .xlsm's workbook."""
    strings: list[str] = []
    parts: dict[str, str] = {"[Content_Types].xml": "", "_rels/.rels": _root_rels(), "xl/workbook.xml": "",
                             "xl/_rels/workbook.xml.rels": ""}
    relationships, overrides, entries = [], [("/xl/workbook.xml", MACRO_WORKBOOK_TYPE if macros else WORKBOOK_TYPE)], []
    for number, sheet in enumerate(sheets, 1):
        rid = f' r:id="rId{number}"' if sheet.kind != "none" else ""
        entries.append(f"<sheet name={quoteattr(sheet.name)} sheetId=\"{number}\"{rid}/>")
        if sheet.kind == "none":
            continue
        kind = SHEET_KINDS[sheet.kind]
        part = f"xl/{kind.folder}/sheet{number}.xml"
        relationships.append((f"rId{number}", kind.relationship, f"{kind.folder}/sheet{number}.xml"))
        overrides.append((f"/{part}", kind.content_type))
        parts[part] = DECLARATION + kind.root + _SHEET_BODIES[sheet.kind](sheet, strings) + kind.root.split()[0].replace("<", "</") + ">"
        if sheet.kind == "chartsheet":
            parts.update(_chart_parts(number, overrides))
    count = len(sheets)
    relationships += [(f"rId{count + 1}", f"{REL}/styles", "styles.xml"), (f"rId{count + 2}", f"{REL}/sharedStrings", "sharedStrings.xml")]
    overrides += [("/xl/styles.xml", f"{SPREADSHEETML}.styles+xml"), ("/xl/sharedStrings.xml", f"{SPREADSHEETML}.sharedStrings+xml")]
    parts["xl/styles.xml"] = STYLES
    parts["xl/sharedStrings.xml"] = _shared_strings(strings)
    parts["xl/workbook.xml"] = (
        f'{DECLARATION}<workbook xmlns="{MAIN}" xmlns:r="{REL}"><workbookPr/>'
        f'<bookViews><workbookView xWindow="0" yWindow="0" windowWidth="16000" windowHeight="9000"/></bookViews>'
        f'<sheets>{"".join(entries)}</sheets>{defined_names}<calcPr calcId="191029"/></workbook>'
    )
    parts["xl/_rels/workbook.xml.rels"] = relationships_xml(relationships)
    parts["[Content_Types].xml"] = _content_types(overrides)
    return parts


def relationships_xml(relationships: list[tuple[str, str, str]]) -> str:
    items = "".join(f'<Relationship Id="{rid}" Type="{kind}" Target="{target}"/>' for rid, kind, target in relationships)
    return f'{DECLARATION}<Relationships xmlns="{PACKAGE_RELS}">{items}</Relationships>'


def _root_rels() -> str:
    return relationships_xml([("rId1", f"{REL}/officeDocument", "xl/workbook.xml")])


def _content_types(overrides: list[tuple[str, str]]) -> str:
    defaults = ('<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                '<Default Extension="xml" ContentType="application/xml"/>'
                '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>')
    items = "".join(f'<Override PartName="{name}" ContentType="{kind}"/>' for name, kind in overrides)
    return f'{DECLARATION}<Types xmlns="{TYPES}">{defaults}{items}</Types>'


def _worksheet_body(sheet: Sheet, strings: list[str]) -> str:
    rows = "".join(_row(number, values, strings) for number, values in enumerate(sheet.rows, 1))
    return f'<sheetViews><sheetView workbookViewId="0"/></sheetViews><sheetFormatPr defaultRowHeight="15"/><sheetData>{rows}</sheetData>{MARGINS}'


def _row(number: int, values: tuple, strings: list[str]) -> str:
    cells = []
    for column, value in enumerate(values):
        reference = f"{chr(65 + column)}{number}"
        if isinstance(value, str):
            if value not in strings:
                strings.append(value)
            cells.append(f'<c r="{reference}" t="s"><v>{strings.index(value)}</v></c>')
        elif value is not None:
            cells.append(f'<c r="{reference}"><v>{value}</v></c>')
    return f'<row r="{number}">{"".join(cells)}</row>'


def _shared_strings(strings: list[str]) -> str:
    items = "".join(f"<si><t>{escape(text)}</t></si>" for text in strings)
    return f'{DECLARATION}<sst xmlns="{MAIN}" count="{len(strings)}" uniqueCount="{len(strings)}">{items}</sst>'


def _macro_body(sheet: Sheet, strings: list[str]) -> str:
    """An Excel 4.0 (XLM) macro: formulas run by Excel, never input rows."""
    return ('<sheetViews><sheetView workbookViewId="0"/></sheetViews><sheetFormatPr defaultRowHeight="15"/><sheetData>'
            '<row r="1"><c r="A1" t="str"><f>ALERT("Reconcile first")</f><v>TRUE</v></c></row>'
            '<row r="2"><c r="A2" t="b"><f>RETURN()</f><v>1</v></c></row></sheetData>' + MARGINS)


def _dialog_body(sheet: Sheet, strings: list[str]) -> str:
    return f'<sheetPr/><sheetViews><sheetView workbookViewId="0"/></sheetViews>{MARGINS}'


def _chartsheet_body(sheet: Sheet, strings: list[str]) -> str:
    return f'<sheetPr/><sheetViews><sheetView workbookViewId="0" zoomToFit="1"/></sheetViews>{MARGINS}<drawing r:id="rId1"/>'


_SHEET_BODIES = {
    "worksheet": _worksheet_body, "macrosheet": _macro_body, "intlmacrosheet": _macro_body,
    "dialogsheet": _dialog_body, "chartsheet": _chartsheet_body,
}

DRAWING_NS = 'xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"'
CHART_NS = f'xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:r="{REL}"'


def _chart_parts(number: int, overrides: list[tuple[str, str]]) -> dict[str, str]:
    """The drawing and column chart (of Usage's quantities) that chartsheet `number` shows."""
    overrides += [(f"/xl/drawings/drawing{number}.xml", "application/vnd.openxmlformats-officedocument.drawing+xml"),
                  (f"/xl/charts/chart{number}.xml", "application/vnd.openxmlformats-officedocument.drawingml.chart+xml")]
    axes = "".join(
        f'<c:{tag}><c:axId val="{axis}"/><c:scaling><c:orientation val="minMax"/></c:scaling><c:delete val="0"/>'
        f'<c:axPos val="{position}"/><c:crossAx val="{other}"/></c:{tag}>'
        for tag, axis, position, other in (("catAx", 10, "b", 20), ("valAx", 20, "l", 10))
    )
    return {
        f"xl/chartsheets/_rels/sheet{number}.xml.rels": relationships_xml([("rId1", f"{REL}/drawing", f"../drawings/drawing{number}.xml")]),
        f"xl/drawings/drawing{number}.xml": (
            f'{DECLARATION}<xdr:wsDr {DRAWING_NS}><xdr:absoluteAnchor><xdr:pos x="0" y="0"/><xdr:ext cx="9000000" cy="6000000"/>'
            '<xdr:graphicFrame macro=""><xdr:nvGraphicFramePr><xdr:cNvPr id="2" name="Chart 1"/><xdr:cNvGraphicFramePr/>'
            '</xdr:nvGraphicFramePr><xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/></xdr:xfrm><a:graphic>'
            '<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/chart">'
            f'<c:chart xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" xmlns:r="{REL}" r:id="rId1"/>'
            "</a:graphicData></a:graphic></xdr:graphicFrame><xdr:clientData/></xdr:absoluteAnchor></xdr:wsDr>"
        ),
        f"xl/drawings/_rels/drawing{number}.xml.rels": relationships_xml([("rId1", f"{REL}/chart", f"../charts/chart{number}.xml")]),
        f"xl/charts/chart{number}.xml": (
            f'{DECLARATION}<c:chartSpace {CHART_NS}><c:chart><c:plotArea><c:layout/><c:barChart><c:barDir val="col"/>'
            '<c:grouping val="clustered"/><c:varyColors val="0"/><c:ser><c:idx val="0"/><c:order val="0"/>'
            "<c:val><c:numRef><c:f>Usage!$B$2:$B$9</c:f></c:numRef></c:val></c:ser>"
            f'<c:axId val="10"/><c:axId val="20"/></c:barChart>{axes}</c:plotArea></c:chart></c:chartSpace>'
        ),
    }


# What producers do differently ------------------------------------------------------------------


def strict(parts: dict[str, str]) -> dict[str, str]:
    """The same package saved as Strict Open XML: every namespace and relationship type in
    its Strict spelling, and the workbook marked `conformance="strict"`."""
    converted = {}
    for name, text in parts.items():
        for transitional, strict_name in STRICT_NAMESPACES.items():
            text = text.replace(f'"{transitional}', f'"{strict_name}')
        converted[name] = text
    converted["xl/workbook.xml"] = converted["xl/workbook.xml"].replace(
        f'xmlns:r="{STRICT_NAMESPACES[REL]}">', f'xmlns:r="{STRICT_NAMESPACES[REL]}" conformance="strict">', 1)
    return converted


def utf16(parts: dict[str, str], names: tuple[str, ...] | None = None) -> dict[str, bytes | str]:
    """The parts `names` (default: every XML part) encoded as UTF-16 with a byte-order mark."""
    chosen = names if names is not None else [name for name in parts if name.endswith((".xml", ".rels"))]
    return {name: text.replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16") if name in chosen else text
            for name, text in parts.items()}


def with_styles(parts: dict[str, str], styles: str | None) -> dict[str, str]:
    """`styles` as the styles part, or (None) no styles part, relationship or content type."""
    if styles is not None:
        return {**parts, "xl/styles.xml": styles}
    kept = {name: text for name, text in parts.items() if name != "xl/styles.xml"}
    kept["xl/_rels/workbook.xml.rels"] = re.sub(r"<Relationship [^>]*/styles\"[^>]*/>", "", kept["xl/_rels/workbook.xml.rels"])
    kept["[Content_Types].xml"] = re.sub(r"<Override [^>]*styles\.xml[^>]*/>", "", kept["[Content_Types].xml"])
    return kept


def write_zip(path: Path, parts: dict[str, str | bytes], descriptors: bool = False) -> Path:
    """Pack `parts` in order, deflated; with `descriptors`, as a streaming writer does:
    each part's sizes and CRC in a data descriptor after its data."""
    with open(path, "wb") as file, zipfile.ZipFile(_Unseekable(file) if descriptors else file, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data.encode() if isinstance(data, str) else data)
    return path


class _Unseekable:
    """A file zipfile cannot seek back in: it writes data descriptors."""

    def __init__(self, file):
        self.file = file

    def write(self, data: bytes) -> int:
        return self.file.write(data)

    def tell(self) -> int:
        return self.file.tell()

    def flush(self) -> None:
        self.file.flush()

    def seekable(self) -> bool:
        return False


# The corpus ------------------------------------------------------------------------------------

USAGE_SHEET = Sheet("Usage", rows=tuple(USAGE))
NOTES = Sheet("Notes", rows=(("Keep me", 1),))
MINIMAL_STYLES = f'{DECLARATION}<styleSheet xmlns="{MAIN}"/>'
NO_CELL_XFS = STYLES.split("<cellXfs")[0] + STYLES.split("</cellXfs>")[1]
ONLY_CELL_XFS = f'{DECLARATION}<styleSheet xmlns="{MAIN}"><cellXfs count="1"><xf numFmtId="0" xfId="0"/></cellXfs></styleSheet>'
NUMBER_FORMATS = STYLES.replace("<fonts", '<numFmts count="1"><numFmt numFmtId="164" formatCode="0.000"/></numFmts><fonts')


def _plain(name: str, parts: dict, descriptors: bool = False) -> Builder:
    return lambda folder: write_zip(folder / name, parts, descriptors)


def broken_styles_relationship(folder: Path) -> Path:
    """The workbook's styles relationship points at a part the package does not hold."""
    parts = with_styles(book([USAGE_SHEET, NOTES]), None)
    rels = parts["xl/_rels/workbook.xml.rels"].replace(
        "</Relationships>", f'<Relationship Id="rId9" Type="{REL}/styles" Target="styles.xml"/></Relationships>')
    return write_zip(folder / "BrokenStyles.xlsx", {**parts, "xl/_rels/workbook.xml.rels": rels})


AUTO_OPEN = '<definedNames><definedName name="Auto_Open">Macro1!$A$1</definedName></definedNames>'

KINDS: dict[str, Builder] = {
    "Strict Open XML": _plain("Strict.xlsx", strict(book([USAGE_SHEET, NOTES]))),
    "Strict Open XML with a chartsheet": _plain("StrictChart.xlsx", strict(book([USAGE_SHEET, Sheet("Chart", "chartsheet")]))),
    "XLM macro sheet": _plain("Macro.xlsm", book([Sheet("Macro1", "macrosheet"), USAGE_SHEET], macros=True, defined_names=AUTO_OPEN)),
    "international macro sheet": _plain("IntlMacro.xlsm", book([USAGE_SHEET, Sheet("Macro2", "intlmacrosheet")], macros=True)),
    "dialog sheet": _plain("Dialog.xlsx", book([Sheet("Dialog1", "dialogsheet"), USAGE_SHEET])),
    "chartsheet": _plain("Chart.xlsx", book([USAGE_SHEET, Sheet("Chart1", "chartsheet")])),
    "sheet without a relationship id": _plain("NoRid.xlsx", book([Sheet("Module1", "none"), USAGE_SHEET, NOTES])),
    "every XML part in UTF-16": _plain("Utf16.xlsx", utf16(book([USAGE_SHEET, NOTES]))),
    "UTF-16 sheet and shared strings": _plain("Utf16Sheet.xlsx", utf16(book([USAGE_SHEET]), ("xl/worksheets/sheet1.xml", "xl/sharedStrings.xml"))),
    "no styles part": _plain("NoStyles.xlsx", with_styles(book([USAGE_SHEET, NOTES]), None)),
    "empty styles part": _plain("EmptyStyles.xlsx", with_styles(book([USAGE_SHEET, NOTES]), MINIMAL_STYLES)),
    "styles without cellXfs": _plain("NoCellXfs.xlsx", with_styles(book([USAGE_SHEET, NOTES]), NO_CELL_XFS)),
    "styles with only cellXfs": _plain("OnlyCellXfs.xlsx", with_styles(book([USAGE_SHEET, NOTES]), ONLY_CELL_XFS)),
    "styles with custom number formats": _plain("NumberFormats.xlsx", with_styles(book([USAGE_SHEET, NOTES]), NUMBER_FORMATS)),
    "styles relationship to a missing part": broken_styles_relationship,
    "data descriptors": _plain("Streamed.xlsx", book([USAGE_SHEET, NOTES]), descriptors=True),
}

# Files Excel saved (tests/data/excel/README.md says where each comes from), a Usage sheet added

DATA = Path(__file__).parent / "data" / "excel"


def with_usage_sheet(source: Path, target: Path) -> Path:
    """A copy of the workbook `source` with a Usage sheet (`USAGE`) added as a producer adds
    a sheet: its part, relationship, content type and tab, in the file's spelling of Open
    XML (Strict or transitional); every other part as it was, in its place."""
    with zipfile.ZipFile(source) as book:
        parts: dict[str, str | bytes] = {info.filename: book.read(info) for info in book.infolist()}
    workbook = parts["xl/workbook.xml"].decode()
    main, rel = (STRICT_NAMESPACES[MAIN], STRICT_NAMESPACES[REL]) if STRICT_NAMESPACES[MAIN] in workbook else (MAIN, REL)
    sheet_id = 1 + max(int(number) for number in re.findall(r'sheetId="(\d+)"', workbook))
    rows = "".join(_inline_row(number, values) for number, values in enumerate(USAGE, 1))
    changes = {
        "xl/workbook.xml": _before_end(workbook, "sheets", f'sheet xmlns:r="{rel}" name="Usage" sheetId="{sheet_id}" r:id="rIdUsage"/>'),
        "xl/_rels/workbook.xml.rels": _before_end(parts["xl/_rels/workbook.xml.rels"].decode(), "Relationships",
                                                  f'Relationship Id="rIdUsage" Type="{rel}/worksheet" Target="worksheets/usage.xml"/>'),
        "[Content_Types].xml": _before_end(parts["[Content_Types].xml"].decode(), "Types",
                                           f'Override PartName="/xl/worksheets/usage.xml" ContentType="{SHEET_KINDS["worksheet"].content_type}"/>'),
        "xl/worksheets/usage.xml": f'{DECLARATION}<worksheet xmlns="{main}"><sheetData>{rows}</sheetData></worksheet>',
    }
    return write_zip(target, {**parts, **changes})


def _before_end(xml: str, element: str, child: str) -> str:
    """`xml` with `<child` added as the last child of `element`, in the element's own
    prefix (the Open XML SDK writes `x:sheets`, some tools `ns0:Relationships`)."""
    return re.sub(rf"</(\w+:)?{element}>", lambda end: f"<{end.group(1) or ''}{child}{end.group()}", xml, count=1)


def _inline_row(number: int, values: tuple) -> str:
    cells = "".join(
        f'<c r="{chr(65 + column)}{number}" t="inlineStr"><is><t>{escape(value)}</t></is></c>' if isinstance(value, str)
        else f'<c r="{chr(65 + column)}{number}"><v>{value}</v></c>'
        for column, value in enumerate(values)
    )
    return f'<row r="{number}">{cells}</row>'


def _excel_saved(name: str) -> Builder:
    return lambda folder: with_usage_sheet(DATA / name, folder / name)


EXCEL_SAVED: dict[str, Builder] = {
    "Excel 16: XLM macro sheet": _excel_saved("xlmmacro.xlsm"),
    "Excel 16: a tab with an empty relationship id": _excel_saved("60825.xlsx"),
    "Excel 2007: chartsheet and pivot tables": _excel_saved("WithChartSheet.xlsx"),
    "Excel 16: chartsheet, hidden sheets": _excel_saved("any_sheets.xlsx"),
    "Excel 2013: Strict Open XML": _excel_saved("SimpleStrict.xlsx"),
    "Excel 16 for Mac: Strict Open XML, ISO dates": _excel_saved("data_types-strict-ooxml.xlsx"),
    "Excel 16: Strict Open XML, threaded comments": _excel_saved("numbers.strict.xlsx"),
    "Excel 2013: transitional": _excel_saved("data_types.xlsx"),
}

# sheets that are not worksheets, named like the input sheet: never read as it
NOT_A_USAGE_SHEET: dict[str, Builder] = {
    "macro sheet named Usage": _plain("MacroUsage.xlsm", book([Sheet("Usage", "macrosheet"), Sheet("Data", rows=tuple(USAGE))], macros=True)),
    "chartsheet named Usage": _plain("ChartUsage.xlsx", book([Sheet("Data", rows=tuple(USAGE)), Sheet("Usage", "chartsheet")])),
    "dialog sheet named Usage": _plain("DialogUsage.xlsx", book([Sheet("Data", rows=tuple(USAGE)), Sheet("Usage", "dialogsheet")])),
}
