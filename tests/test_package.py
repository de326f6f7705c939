"""Writing giveback's output sheets into a user's workbook: the user's parts come out byte
for byte, the outputs are real typed Excel tables, and nothing is written on any error."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from lxml import etree
from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment
from openpyxl.formatting.rule import CellIsRule, ColorScaleRule
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table

from workbook.xlsx import package

from workbook.xlsx import sheetxml, styles
from workbook.xlsx.package import PackageError, SheetNotOurs, write_outputs
from workbook.seam import Column, OutputSheet
from workbook.xlsx.workbookpart import WorkbookPart, without_sheet_references

EDITED = {"[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml"}

ADJUSTMENT_COLUMNS = (
    Column("Product", "@", 14),
    Column("Line"),
    Column("Quantity", "#,##0.######", 11),
    Column("Unit Cost", "#,##0.00##", 11),
    Column("Date"),
    Column("Settled"),
)
ADJUSTMENT_ROWS = [
    ("WIDGET", "On", Decimal("12.5"), Decimal("3.1415926535897932384626"), dt.date(2024, 3, 31), True),
    ("GADGET & <co>", "Off", -7, 2.25, dt.datetime(2024, 4, 1, 13, 30), False),
    (" padded ", None, 0, None, None, None),
]


def adjustments(rows=ADJUSTMENT_ROWS, name="Adjustments") -> OutputSheet:
    return OutputSheet(name, ADJUSTMENT_COLUMNS, rows)


def summary(name="Summary") -> OutputSheet:
    return OutputSheet(name, (Column("Product"), Column("Loops", "0")), [("WIDGET", 2)])


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def rewrite_zip(path: Path, replace: dict[str, bytes] = {}, drop: set[str] = frozenset()) -> None:
    """Change some parts of a package the way Excel or a hand edit would."""
    kept = {n: b for n, b in parts(path).items() if n not in drop and n not in replace}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in {**kept, **replace}.items():
            archive.writestr(name, data)


def png() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def user_book(tmp_path) -> Path:
    """A workbook with the kinds of user content SPEC section 5 says must survive."""
    book = openpyxl.Workbook()
    usage = book.active
    usage.title = "Usage"
    usage.append(["Product", "Quantity", "Unit Cost", "Extended"])
    for row in range(2, 12):
        usage.append([f"P{row}", row * 3, 1.25, f"=B{row}*C{row}"])
    usage["A1"].font = Font(bold=True, color="FF0000")
    usage["C2"].number_format = "#,##0.00"
    usage["A2"].fill = PatternFill("solid", fgColor="FFFF00")
    usage["A2"].comment = Comment("Check this lot", "Auditor")
    validation = DataValidation(type="whole", operator="greaterThan", formula1="0")
    usage.add_data_validation(validation)
    validation.add("B2:B11")
    usage.conditional_formatting.add("B2:B11", CellIsRule(operator="lessThan", formula=["5"],
                                                          fill=PatternFill("solid", fgColor="FFC7CE")))
    usage.conditional_formatting.add("C2:C11", ColorScaleRule(start_type="min", start_color="FFFFFF",
                                                              end_type="max", end_color="63BE7B"))
    usage.add_table(Table(displayName="UsageTable", ref="A1:D11"))
    chart = BarChart()
    chart.add_data(Reference(usage, min_col=2, min_row=1, max_row=11), titles_from_data=True)
    usage.add_chart(chart, "F2")
    notes = book.create_sheet("Notes")
    notes["A1"] = "Keep me"
    notes.add_image(openpyxl.drawing.image.Image(io.BytesIO(png())), "B2")
    book.defined_names["TotalQuantity"] = openpyxl.workbook.defined_name.DefinedName(
        "TotalQuantity", attr_text="Usage!$B$2:$B$11")
    path = tmp_path / "user.xlsx"
    book.save(path)
    return path


def test_every_user_part_is_copied_byte_for_byte(user_book, tmp_path):
    target = tmp_path / "out.xlsx"
    write_outputs(user_book, target, [adjustments(), summary()])

    before, after = parts(user_book), parts(target)
    assert any(name.startswith("xl/charts/") for name in before)
    assert any(name.startswith("xl/media/") for name in before)
    assert any(name.startswith("xl/comments") for name in before)
    for name, data in before.items():
        if name not in EDITED:
            assert after[name] == data, name


def test_untouched_parts_keep_their_compressed_bytes(user_book, tmp_path):
    target = tmp_path / "out.xlsx"
    write_outputs(user_book, target, [adjustments()])
    with zipfile.ZipFile(user_book) as source, zipfile.ZipFile(target) as output:
        assert output.testzip() is None
        for info in source.infolist():
            if info.filename not in EDITED:
                copied = output.getinfo(info.filename)
                assert (copied.CRC, copied.compress_size) == (info.CRC, info.compress_size)


def test_parts_keep_their_order_with_the_new_ones_last(user_book, tmp_path):
    target = tmp_path / "out.xlsx"
    write_outputs(user_book, target, [adjustments()])
    with zipfile.ZipFile(user_book) as source, zipfile.ZipFile(target) as output:
        before, after = source.namelist(), output.namelist()
    assert after[: len(before)] == before
    assert after[len(before):] == ["xl/worksheets/sheet3.xml", "xl/tables/table2.xml",
                                   "xl/worksheets/_rels/sheet3.xml.rels"]


def test_the_source_is_unchanged(user_book, tmp_path):
    before = digest(user_book)
    write_outputs(user_book, tmp_path / "out.xlsx", [adjustments()])
    assert digest(user_book) == before


def test_openpyxl_reads_the_outputs_as_typed_tables(user_book, tmp_path):
    target = tmp_path / "out.xlsx"
    assert write_outputs(user_book, target, [adjustments(), summary()]) == ["Adjustments", "Summary"]

    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["Usage", "Notes", "Adjustments", "Summary"]
    sheet = book["Adjustments"]
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0] == ["Product", "Line", "Quantity", "Unit Cost", "Date", "Settled"]
    assert values[1] == ["WIDGET", "On", 12.5, pytest.approx(3.14159265358979), dt.datetime(2024, 3, 31), True]
    assert values[2] == ["GADGET & <co>", "Off", -7, 2.25, dt.datetime(2024, 4, 1, 13, 30), False]
    assert values[3] == [" padded ", None, 0, None, None, None]
    assert sheet.freeze_panes == "A2"
    assert [sheet.cell(2, c).number_format for c in (1, 3, 4, 5)] == [
        "@", "#,##0.######", "#,##0.00##", "yyyy-mm-dd"]
    assert sheet.cell(3, 5).number_format == "yyyy-mm-dd hh:mm:ss"
    assert sheet.column_dimensions["A"].width == 14
    table = sheet.tables["Adjustments"]
    assert table.ref == "A1:F4"
    assert table.tableStyleInfo.name == "TableStyleMedium2"
    assert [column.name for column in table.tableColumns] == values[0]
    assert table.autoFilter.ref == "A1:F4"
    assert book["Usage"]["D2"].value == "=B2*C2"
    assert "TotalQuantity" in book.defined_names


def test_decimals_are_written_exactly(user_book, tmp_path):
    target = tmp_path / "out.xlsx"
    write_outputs(user_book, target, [adjustments()])
    sheet_xml = next(data for name, data in parts(target).items()
                     if name.startswith("xl/worksheets/sheet") and b"WIDGET" in data)
    assert b"<v>3.1415926535897932384626</v>" in sheet_xml


def test_rerunning_replaces_only_giveback_sheets(user_book, tmp_path):
    first, second = tmp_path / "first.xlsx", tmp_path / "second.xlsx"
    write_outputs(user_book, first, [adjustments(), summary()])
    write_outputs(first, second, [adjustments(ADJUSTMENT_ROWS[:1]), summary()])

    book = openpyxl.load_workbook(second)
    assert book.sheetnames == ["Usage", "Notes", "Adjustments", "Summary"]
    assert book["Adjustments"].max_row == 2
    assert book["Adjustments"].tables["Adjustments"].ref == "A1:F2"
    assert parts(first)["xl/styles.xml"] == parts(second)["xl/styles.xml"]
    after = parts(second)
    for name, data in parts(user_book).items():
        if name not in EDITED:
            assert after[name] == data, name
    stale = set(parts(first)) - set(after)
    assert stale and all(name.startswith(("xl/worksheets/", "xl/tables/")) for name in stale)


def test_rerunning_in_place(user_book):
    write_outputs(user_book, user_book, [adjustments()])
    write_outputs(user_book, user_book, [adjustments()])
    assert openpyxl.load_workbook(user_book).sheetnames == ["Usage", "Notes", "Adjustments"]
    assert [p.name for p in user_book.parent.iterdir()] == [user_book.name]


def test_a_users_sheet_named_like_an_output_is_never_replaced(user_book, tmp_path):
    book = openpyxl.load_workbook(user_book)
    book.create_sheet("summary")
    book.save(user_book)
    before = digest(user_book)
    target = tmp_path / "out.xlsx"

    with pytest.raises(SheetNotOurs) as raised:
        write_outputs(user_book, target, [adjustments(), summary()])

    assert raised.value.sheet == "summary"
    assert '"summary"' in str(raised.value)
    assert not target.exists()
    assert digest(user_book) == before


def test_a_users_sheet_in_the_way_of_a_continuation_is_never_replaced(user_book, tmp_path, monkeypatch):
    monkeypatch.setattr(package, "DATA_ROWS_PER_SHEET", 2)
    book = openpyxl.load_workbook(user_book)
    book.create_sheet("Adjustments (2)")
    book.save(user_book)
    target = tmp_path / "out.xlsx"
    with pytest.raises(SheetNotOurs):
        write_outputs(user_book, target, [adjustments()])
    assert not target.exists()


def test_an_error_midway_leaves_no_file(user_book, tmp_path):
    def rows_then_failure():
        yield ADJUSTMENT_ROWS[0]
        raise RuntimeError("engine failed")

    target = tmp_path / "out.xlsx"
    with pytest.raises(RuntimeError):
        write_outputs(user_book, target, [summary(), adjustments(rows_then_failure())])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["user.xlsx"]


def test_an_error_midway_in_place_keeps_the_source(user_book):
    before = digest(user_book)
    with pytest.raises(ValueError):
        write_outputs(user_book, user_book, [adjustments([("too", "many", 1, 2, 3, 4, 5)])])
    assert digest(user_book) == before
    assert [p.name for p in user_book.parent.iterdir()] == [user_book.name]


def ole_file(path: Path) -> None:
    path.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 504)


def truncated(path: Path, source: Path) -> None:
    data = source.read_bytes()
    path.write_bytes(data[: len(data) // 2])


@pytest.mark.parametrize("make, words", [
    (lambda path, source: path.write_text("Product,Quantity\nA,1\n"), "text or CSV file, not an Excel workbook"),
    (truncated, "damaged or incomplete"),
    (lambda path, source: ole_file(path), "password-protected"),
    (lambda path, source: None, "was not found"),
])
def test_unreadable_files_give_one_clear_message(user_book, tmp_path, make, words):
    broken = tmp_path / "broken.xlsx"
    make(broken, user_book)
    target = tmp_path / "out.xlsx"
    with pytest.raises(PackageError, match=words) as raised:
        write_outputs(broken, target, [adjustments()])
    assert "\n" not in str(raised.value)
    assert not target.exists()


def test_a_zip_bomb_is_refused_before_it_is_inflated(user_book, tmp_path):
    styles = parts(user_book)["xl/styles.xml"]
    rewrite_zip(user_book, {"xl/styles.xml": styles.replace(b"</styleSheet>", b" " * (4 << 20) + b"</styleSheet>")})
    with pytest.raises(PackageError, match="zip bomb"):
        write_outputs(user_book, tmp_path / "out.xlsx", [adjustments()])


def test_a_plain_zip_is_not_a_workbook(tmp_path):
    plain = tmp_path / "plain.xlsx"
    with zipfile.ZipFile(plain, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(PackageError, match="not an Excel workbook"):
        write_outputs(plain, tmp_path / "out.xlsx", [adjustments()])


def test_long_outputs_continue_on_numbered_sheets(user_book, tmp_path, monkeypatch):
    monkeypatch.setattr(package, "DATA_ROWS_PER_SHEET", 3)
    rows = [(f"P{i}", "On", i, 1, None, None) for i in range(8)]
    target = tmp_path / "out.xlsx"

    written = write_outputs(user_book, target, [adjustments(iter(rows)), summary()])

    assert written == ["Adjustments", "Adjustments (2)", "Adjustments (3)", "Summary"]
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["Usage", "Notes", *written]
    tables = {name: list(book[name].tables.items()) for name in written}
    assert tables["Adjustments"] == [("Adjustments", "A1:F4")]
    assert tables["Adjustments (2)"] == [("Adjustments_2", "A1:F4")]
    assert tables["Adjustments (3)"] == [("Adjustments_3", "A1:F3")]
    assert [book["Adjustments (3)"].cell(r, 1).value for r in (2, 3)] == ["P6", "P7"]

    rerun = tmp_path / "rerun.xlsx"
    write_outputs(target, rerun, [adjustments(rows[:2]), summary()])
    book = openpyxl.load_workbook(rerun)
    assert book.sheetnames == ["Usage", "Notes", "Adjustments", "Summary"]
    marks = [name for name in book.defined_names if name.startswith("_giveback")]
    assert marks == ["_giveback_sheet_Adjustments", "_giveback_sheet_Summary"]  # none for the gone (2), (3)
    assert sum(name.startswith("xl/tables/") for name in parts(rerun)) == 3  # user's + 2


def test_an_exactly_full_sheet_has_no_empty_continuation(user_book, tmp_path, monkeypatch):
    monkeypatch.setattr(package, "DATA_ROWS_PER_SHEET", 3)
    rows = [(f"P{i}", "On", i, 1, None, None) for i in range(3)]
    assert write_outputs(user_book, tmp_path / "out.xlsx", [adjustments(rows)]) == ["Adjustments"]


def test_dropping_removes_a_giveback_sheet_and_everything_pointing_to_it(user_book, tmp_path):
    first, second = tmp_path / "first.xlsx", tmp_path / "second.xlsx"
    issues = OutputSheet("Issues", (Column("Cell"), Column("Code")), [("Usage!B3", "quantity_zero")])
    write_outputs(user_book, first, [adjustments(), issues, summary()])
    workbook = parts(first)["xl/workbook.xml"].replace(
        b"</definedNames>",
        b'<definedName name="IssueCount">COUNTA(Issues!$A:$A)</definedName>'
        b'<definedName name="LocalToSummary" localSheetId="4">Summary!$B$2</definedName></definedNames>')
    rewrite_zip(first, {"xl/workbook.xml": workbook})

    write_outputs(first, second, [adjustments(), summary()], drop=["Issues"])

    book = openpyxl.load_workbook(second)
    assert book.sheetnames == ["Usage", "Notes", "Adjustments", "Summary"]
    assert book.defined_names["IssueCount"].attr_text == "COUNTA(#REF!$A:$A)"
    assert "LocalToSummary" in book["Summary"].defined_names
    names = parts(second)
    content_types = names["[Content_Types].xml"].decode()
    rels = names["xl/_rels/workbook.xml.rels"].decode()
    for part in set(parts(first)) - set(names):
        assert part not in content_types and part.split("/")[-1] not in rels
    assert b"Usage!B3" not in b"".join(names.values())


def test_drop_never_removes_a_users_sheet(user_book, tmp_path):
    target = tmp_path / "out.xlsx"
    write_outputs(user_book, target, [adjustments()], drop=["Notes"])
    assert openpyxl.load_workbook(target).sheetnames == ["Usage", "Notes", "Adjustments"]


EXCEL_WORKBOOK = b"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="x15 xr xr6 xr10 xr2" xmlns:x15="http://schemas.microsoft.com/office/spreadsheetml/2010/11/main" xmlns:xr="http://schemas.microsoft.com/office/spreadsheetml/2014/revision" xmlns:xr6="http://schemas.microsoft.com/office/spreadsheetml/2016/revision6" xmlns:xr10="http://schemas.microsoft.com/office/spreadsheetml/2016/revision10" xmlns:xr2="http://schemas.microsoft.com/office/spreadsheetml/2015/revision2"><fileVersion appName="xl" lastEdited="7" lowestEdited="7" rupBuild="27425"/><workbookPr defaultThemeVersion="202300"/><mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"><mc:Choice Requires="x15"><x15ac:absPath url="C:\\Books\\" xmlns:x15ac="http://schemas.microsoft.com/office/spreadsheetml/2010/11/ac"/></mc:Choice></mc:AlternateContent><xr:revisionPtr revIDLastSave="0" documentId="8_{1C0A}" xr6:coauthVersionLast="47" xr6:coauthVersionMax="47" xr10:uidLastSave="{00000000-0000-0000-0000-000000000000}"/><bookViews><workbookView xWindow="-120" yWindow="-120" windowWidth="29040" windowHeight="15720" activeTab="1" xr2:uid="{0D9E}"/></bookViews><sheets><sheet name="Usage" sheetId="1" r:id="rId1"/><sheet name="Notes" sheetId="2" r:id="rId2"/></sheets><definedNames><definedName name="_xlnm.Print_Area" localSheetId="1">Notes!$A$1:$C$9</definedName></definedNames><calcPr calcId="191029"/><extLst><ext uri="{140A7094-0E35-4892-8432-C4D2E57EDEB5}" xmlns:x15="http://schemas.microsoft.com/office/spreadsheetml/2010/11/main"><x15:workbookPr chartTrackingRefBase="1"/></ext></extLst></workbook>"""


def test_excel_extensions_in_the_workbook_part_survive(user_book, tmp_path):
    rels = parts(user_book)["xl/_rels/workbook.xml.rels"]
    assert b'Id="rId1"' in rels and b'Id="rId2"' in rels
    rewrite_zip(user_book, {"xl/workbook.xml": EXCEL_WORKBOOK})
    first, second = tmp_path / "first.xlsx", tmp_path / "second.xlsx"
    write_outputs(user_book, first, [adjustments()])
    write_outputs(first, second, [adjustments()])

    written = parts(second)["xl/workbook.xml"]
    root = etree.fromstring(written)
    assert root.nsmap == etree.fromstring(EXCEL_WORKBOOK).nsmap
    assert root.get("{http://schemas.openxmlformats.org/markup-compatibility/2006}Ignorable") == "x15 xr xr6 xr10 xr2"
    for kept in [b"<x15ac:absPath", b"<xr:revisionPtr", b"xr6:coauthVersionLast", b'xr2:uid="{0D9E}"',
                 b"<x15:workbookPr", b'activeTab="1"', b'<fileVersion appName="xl"']:
        assert kept in written, kept
    book = openpyxl.load_workbook(second)
    assert book.sheetnames == ["Usage", "Notes", "Adjustments"]
    assert book["Notes"].print_area == "'Notes'!$A$1:$C$9"


def make_macro_book(path: Path) -> bytes:
    """An .xlsm as Excel lays it out, with a stand-in VBA project."""
    vba = b"\xd0\xcf\x11\xe0 fake VBA project " * 50
    content_types = parts(path)["[Content_Types].xml"].replace(
        b"spreadsheetml.sheet.main+xml", b"PLACEHOLDER").replace(
        b"application/vnd.openxmlformats-officedocument.PLACEHOLDER",
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml").replace(
        b"<Default ", b'<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/><Default ', 1)
    rels = parts(path)["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        b'<Relationship Id="rId99" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" '
        b'Target="vbaProject.bin"/></Relationships>')
    rewrite_zip(path, {"[Content_Types].xml": content_types, "xl/_rels/workbook.xml.rels": rels,
                       "xl/vbaProject.bin": vba})
    return vba


def test_a_macro_workbook_keeps_its_vba(user_book, tmp_path):
    macro_book = user_book.with_suffix(".xlsm")
    user_book.rename(macro_book)
    vba = make_macro_book(macro_book)
    target = tmp_path / "out.xlsm"

    write_outputs(macro_book, target, [adjustments()])
    write_outputs(target, target, [adjustments()])

    written = parts(target)
    assert written["xl/vbaProject.bin"] == vba
    assert b"vnd.ms-excel.sheet.macroEnabled.main+xml" in written["[Content_Types].xml"]
    assert b'Extension="bin" ContentType="application/vnd.ms-office.vbaProject"' in written["[Content_Types].xml"]
    assert b'Target="vbaProject.bin"' in written["xl/_rels/workbook.xml.rels"]
    assert openpyxl.load_workbook(target, keep_vba=True).sheetnames == ["Usage", "Notes", "Adjustments"]


def test_table_and_column_names_are_unique_in_the_workbook(user_book, tmp_path):
    target = tmp_path / "out.xlsx"
    columns = (Column("Qty"), Column("qty"), Column(""), Column("A<&>\"B"))
    write_outputs(user_book, target, [OutputSheet("UsageTable", columns, [(1, 2, 3, 4)])])
    sheet = openpyxl.load_workbook(target)["UsageTable"]
    table = next(iter(sheet.tables.values()))
    assert table.displayName == "UsageTable_2"
    assert [c.name for c in table.tableColumns] == ["Qty", "qty2", "Column3", 'A<&>"B']
    assert [c.value for c in sheet[1]] == ["Qty", "qty2", "Column3", 'A<&>"B']


def test_an_output_with_no_rows_is_still_a_table(user_book, tmp_path):
    target = tmp_path / "out.xlsx"
    write_outputs(user_book, target, [adjustments([])])
    assert openpyxl.load_workbook(target)["Adjustments"].tables["Adjustments"].ref == "A1:F2"


def test_the_calc_chain_goes_when_a_sheet_is_replaced(user_book, tmp_path):
    first, second = tmp_path / "first.xlsx", tmp_path / "second.xlsx"
    write_outputs(user_book, first, [adjustments()])
    chain = b'<?xml version="1.0"?><calcChain xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><c r="D2" i="1"/></calcChain>'
    first_parts = parts(first)
    rewrite_zip(first, {
        "xl/calcChain.xml": chain,
        "[Content_Types].xml": first_parts["[Content_Types].xml"].replace(
            b"</Types>", b'<Override PartName="/xl/calcChain.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.calcChain+xml"/></Types>'),
        "xl/_rels/workbook.xml.rels": first_parts["xl/_rels/workbook.xml.rels"].replace(
            b"</Relationships>", b'<Relationship Id="rId50" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/calcChain" Target="calcChain.xml"/></Relationships>'),
    })
    write_outputs(first, second, [adjustments()])
    written = parts(second)
    assert "xl/calcChain.xml" not in written
    assert b"calcChain" not in written["[Content_Types].xml"] + written["xl/_rels/workbook.xml.rels"]
    assert b'fullCalcOnLoad="1"' in written["xl/workbook.xml"]


@pytest.mark.parametrize("value, serial", [
    (dt.date(1900, 1, 1), 1), (dt.date(1900, 2, 28), 59), (dt.date(1900, 3, 1), 61),
    (dt.date(2024, 1, 1), 45292), (dt.datetime(2024, 1, 1, 18), 45292.75), (dt.date(1899, 12, 31), None),
])
def test_excel_date_serials(value, serial):
    assert sheetxml.excel_serial(value) == serial


@pytest.mark.parametrize("value, xml", [
    (True, '<c r="A2" t="b"><v>1</v></c>'),
    (float("nan"), '<c r="A2" t="e"><v>#NUM!</v></c>'),
    (Decimal("Infinity"), '<c r="A2" t="e"><v>#NUM!</v></c>'),
    (Decimal("1E+3"), '<c r="A2"><v>1E+3</v></c>'),
    (10**400, '<c r="A2" t="e"><v>#NUM!</v></c>'),
    ("=1+1", '<c r="A2" t="inlineStr"><is><t>=1+1</t></is></c>'),
    ("a\x01b_x0041_", '<c r="A2" t="inlineStr"><is><t>a_x0001_b_x005F_x0041_</t></is></c>'),
    (" lead", '<c r="A2" t="inlineStr"><is><t xml:space="preserve"> lead</t></is></c>'),
    (dt.date(1850, 1, 1), '<c r="A2" t="inlineStr"><is><t>1850-01-01</t></is></c>'),
])
def test_cells_are_typed_as_excel_stores_them(value, xml):
    encode = sheetxml._rows_encoder(sheetxml.CellStyles((0,), (False,), 5, 6))
    assert encode(2, [(value,)]) == f'<row r="2">{xml}</row>'


def test_removing_a_sheet_renumbers_the_names_scoped_after_it():
    root = etree.fromstring(
        b'<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        b'<bookViews><workbookView activeTab="2"/></bookViews><sheets>'
        b'<sheet name="A" sheetId="1" r:id="rId1"/><sheet name="Old One" sheetId="2" r:id="rId2"/>'
        b'<sheet name="C" sheetId="3" r:id="rId3"/></sheets><definedNames>'
        b'<definedName name="x" localSheetId="1">1</definedName>'
        b'<definedName name="y" localSheetId="2">\'Old One\'!$A$1+C!$A$1</definedName>'
        b"</definedNames></workbook>")
    workbook = WorkbookPart(root)
    workbook.remove_sheets([1])
    assert [s.name for s in workbook.sheets()] == ["A", "C"]
    names = root.findall(".//{*}definedName")
    assert [(n.get("name"), n.get("localSheetId"), n.text) for n in names] == [("y", "1", "#REF!$A$1+C!$A$1")]
    assert root.find(".//{*}workbookView").get("activeTab") == "1"


@pytest.mark.parametrize("formula, expected", [
    ("Issues!$A$1", "#REF!$A$1"),
    ("'Issues'!A1:B2", "#REF!A1:B2"),
    ("SUM(issues!A:A, Usage!A:A)", "SUM(#REF!A:A, Usage!A:A)"),
    ("[1]Issues!A1", "[1]Issues!A1"),
    ("MyIssues!A1", "MyIssues!A1"),
])
def test_references_to_a_removed_sheet_become_ref_errors(formula, expected):
    assert without_sheet_references(formula, {"issues"}) == expected


def test_a_copy_of_an_output_made_in_excel_is_the_users(user_book, tmp_path):
    first, second = tmp_path / "first.xlsx", tmp_path / "second.xlsx"
    write_outputs(user_book, first, [adjustments()])
    written = parts(first)
    # Excel's "Move or Copy" of Adjustments: a sheet "Adjustments (2)" with the same scoped names
    workbook = written["xl/workbook.xml"].replace(
        b"</sheets>", b'<sheet xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
        b'name="Adjustments (2)" sheetId="9" r:id="rId2"/></sheets>').replace(
        b"</definedNames>",
        b'<definedName name="_giveback_output" localSheetId="3" hidden="1">"Adjustments"</definedName></definedNames>')
    rewrite_zip(first, {"xl/workbook.xml": workbook})
    assert [s.owned for s in WorkbookPart(etree.fromstring(workbook)).sheets()] == [False, False, True, False]

    write_outputs(first, second, [adjustments()])
    assert openpyxl.load_workbook(second).sheetnames == ["Usage", "Notes", "Adjustments", "Adjustments (2)"]


def test_a_renamed_output_is_the_users(user_book, tmp_path):
    first, second = tmp_path / "first.xlsx", tmp_path / "second.xlsx"
    write_outputs(user_book, first, [adjustments()])
    rewrite_zip(first, {"xl/workbook.xml": parts(first)["xl/workbook.xml"].replace(
        b'name="Adjustments"', b'name="March"')})
    write_outputs(first, second, [adjustments()], drop=["March"])
    assert openpyxl.load_workbook(second).sheetnames == ["Usage", "Notes", "March", "Adjustments"]


def test_an_output_renamed_in_excel_is_the_users_and_so_is_a_new_sheet_under_its_name(user_book, tmp_path):
    first, second = tmp_path / "first.xlsx", tmp_path / "second.xlsx"
    write_outputs(user_book, first, [adjustments()])
    # Excel renames the sheet and rewrites the references to it, the mark's included
    workbook = parts(first)["xl/workbook.xml"].replace(b'name="Adjustments"', b'name="March"').replace(
        b"'Adjustments'!$A$1", b"March!$A$1")
    rewrite_zip(first, {"xl/workbook.xml": workbook})
    assert [s.owned for s in WorkbookPart(etree.fromstring(workbook)).sheets()] == [False, False, False]
    write_outputs(first, second, [adjustments()], drop=["March"])
    assert openpyxl.load_workbook(second).sheetnames == ["Usage", "Notes", "March", "Adjustments"]

    book = openpyxl.load_workbook(first)
    book.create_sheet("Adjustments")
    book.save(first)
    with pytest.raises(SheetNotOurs):
        write_outputs(first, second, [adjustments()])


def test_a_book_marked_the_older_way_is_rewritten_and_marked_anew(user_book, tmp_path):
    first, second = tmp_path / "first.xlsx", tmp_path / "second.xlsx"
    write_outputs(user_book, first, [adjustments()])
    workbook = parts(first)["xl/workbook.xml"].replace(
        b'<definedName name="_giveback_sheet_Adjustments" hidden="1">\'Adjustments\'!$A$1</definedName>',
        b'<definedName name="_giveback_output" localSheetId="2" hidden="1">"Adjustments"</definedName>')
    assert b"_giveback_sheet_" not in workbook
    rewrite_zip(first, {"xl/workbook.xml": workbook})

    write_outputs(first, second, [adjustments(ADJUSTMENT_ROWS[:1])])
    book = openpyxl.load_workbook(second)
    assert book.sheetnames == ["Usage", "Notes", "Adjustments"]
    assert book["Adjustments"].max_row == 2
    assert "_giveback_sheet_Adjustments" in book.defined_names


def test_a_deleted_outputs_stale_mark_is_pointed_at_the_new_sheet(user_book, tmp_path):
    first, second = tmp_path / "first.xlsx", tmp_path / "second.xlsx"
    write_outputs(user_book, first, [adjustments(), summary()])
    workbook = WorkbookPart(etree.fromstring(parts(first)["xl/workbook.xml"]))
    workbook.remove_sheets([2])  # the user deletes Adjustments in Excel, which leaves its mark as #REF!
    stale = b'<definedName name="_giveback_sheet_Adjustments" hidden="1">#REF!$A$1</definedName>'
    rewrite_zip(first, {"xl/workbook.xml": etree.tostring(workbook.root).replace(
        b"<definedNames>", b"<definedNames>" + stale)})
    assert [s.name for s in WorkbookPart(etree.fromstring(parts(first)["xl/workbook.xml"])).sheets()] == [
        "Usage", "Notes", "Summary"]

    write_outputs(first, second, [adjustments(), summary()])
    names = openpyxl.load_workbook(second).defined_names
    marks = {name: names[name].attr_text for name in names if name.startswith("_giveback")}
    assert marks == {"_giveback_sheet_Summary": "'Summary'!$A$1", "_giveback_sheet_Adjustments": "'Adjustments'!$A$1"}


def test_a_package_with_data_descriptors_is_copied_faithfully(user_book, tmp_path):
    class Unseekable(io.RawIOBase):
        def __init__(self, file):
            self.file = file

        def writable(self):
            return True

        def write(self, data):
            return self.file.write(data)

    streamed = tmp_path / "streamed.xlsx"
    with open(streamed, "wb") as file, zipfile.ZipFile(Unseekable(file), "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts(user_book).items():
            archive.writestr(name, data)
    with zipfile.ZipFile(streamed) as archive:
        assert all(info.flag_bits & 0x08 for info in archive.infolist())
    target = tmp_path / "out.xlsx"

    write_outputs(streamed, target, [adjustments()])

    with zipfile.ZipFile(target) as archive:
        assert archive.testzip() is None
    after = parts(target)
    assert all(after[n] == d for n, d in parts(user_book).items() if n not in EDITED)


def test_huge_packages_are_copied_by_recompressing(user_book, tmp_path, monkeypatch):
    monkeypatch.setattr(package.zipcopy, "_LIMIT_32", 0)
    target = tmp_path / "out.xlsx"
    write_outputs(user_book, target, [adjustments()])
    after = parts(target)
    assert all(after[n] == d for n, d in parts(user_book).items() if n not in EDITED)
    assert openpyxl.load_workbook(target).sheetnames == ["Usage", "Notes", "Adjustments"]


def test_a_binary_workbook_is_named_as_such(user_book, tmp_path):
    rels = parts(user_book)["_rels/.rels"].replace(b"xl/workbook.xml", b"xl/workbook.bin")
    rewrite_zip(user_book, {"_rels/.rels": rels})
    with pytest.raises(PackageError, match=r"binary workbook \(.xlsb\)"):
        write_outputs(user_book, tmp_path / "out.xlsx", [adjustments()])


def test_a_word_document_is_not_a_workbook(user_book, tmp_path):
    rewrite_zip(user_book, {"xl/workbook.xml": b'<w:document xmlns:w="urn:word"/>'})
    with pytest.raises(PackageError, match="not an Excel workbook"):
        write_outputs(user_book, tmp_path / "out.xlsx", [adjustments()])


def test_xml_entity_declarations_are_refused(user_book, tmp_path):
    rels = parts(user_book)["xl/_rels/workbook.xml.rels"]
    rels = rels[rels.index(b"<Relationships"):]
    bomb = b'<!DOCTYPE lol [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>' + rels.replace(
        b'Target="styles.xml"', b'Target="&lol2;styles.xml"')
    rewrite_zip(user_book, {"xl/_rels/workbook.xml.rels": bomb})
    target = tmp_path / "out.xlsx"
    with pytest.raises(PackageError, match="document type declaration"):
        write_outputs(user_book, target, [adjustments()])
    assert not target.exists()


SPARKLINES = (
    b'<extLst><ext uri="{05C60535-1F16-4fd2-B633-F4F36F0B64E0}" '
    b'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
    b'<x14:sparklineGroups xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
    b'<x14:sparklineGroup displayEmptyCellsAs="gap"><x14:colorSeries rgb="FF376092"/>'
    b'<x14:sparklines><x14:sparkline><xm:f>Usage!B2:B11</xm:f><xm:sqref>E2</xm:sqref>'
    b"</x14:sparkline></x14:sparklines></x14:sparklineGroup></x14:sparklineGroups></ext></extLst>"
)


def test_what_openpyxl_would_drop_survives(user_book, tmp_path):
    """Sparklines (an x14 extension) and a formula's cached value, both lost by openpyxl's
    load and save, come out as they went in."""
    sheet = parts(user_book)["xl/worksheets/sheet1.xml"]
    sheet = sheet.replace(b"<f>B2*C2</f><v></v>", b"<f>B2*C2</f><v>7.5</v>")
    sheet = sheet.replace(b"</worksheet>", SPARKLINES + b"</worksheet>")
    rewrite_zip(user_book, {"xl/worksheets/sheet1.xml": sheet})
    target = tmp_path / "out.xlsx"

    write_outputs(user_book, target, [adjustments()])

    kept = parts(target)["xl/worksheets/sheet1.xml"]
    assert kept == sheet and b"<v>7.5</v>" in kept and b"x14:sparkline" in kept


def excel_saved_macro_book(tmp_path: Path) -> Path:
    """xlwings ships an .xlsm saved by Excel: a real VBA project and Excel's extensions."""
    xlwings = pytest.importorskip("xlwings")
    path = tmp_path / "quickstart.xlsm"
    path.write_bytes((Path(xlwings.__file__).parent / "quickstart.xlsm").read_bytes())
    return path


def test_an_excel_saved_macro_workbook_keeps_everything(tmp_path):
    source = excel_saved_macro_book(tmp_path)
    target = tmp_path / "out.xlsm"

    write_outputs(source, target, [adjustments(), summary()])
    write_outputs(target, target, [adjustments(), summary()])

    before, after = parts(source), parts(target)
    for name, data in before.items():
        if name not in EDITED:
            assert after[name] == data, name
    workbook = after["xl/workbook.xml"]
    for kept in [b'codeName="ThisWorkbook"', b"<x15ac:absPath", b"<mx:ArchID", b"<x14:workbookPr",
                 b'mc:Ignorable="x15 xr xr6 xr10 xr2"', b'concurrentCalc="0"']:
        assert kept in workbook, kept
    book = openpyxl.load_workbook(target, keep_vba=True)
    assert book.sheetnames == ["Sheet1", "_xlwings.conf", "Adjustments", "Summary"]
    assert book["Summary"]["B2"].value == 2


@pytest.mark.parametrize("outputs", [
    [OutputSheet("A" * 32, (Column("x"),), [])],
    [OutputSheet("Loop/Trace", (Column("x"),), [])],
    [OutputSheet("Summary", (Column("x"),), []), OutputSheet("summary", (Column("x"),), [])],
    [OutputSheet("Summary", (), [])],
], ids=["too long", "slash", "twice", "no columns"])
def test_outputs_excel_cannot_hold_are_a_programming_error(user_book, tmp_path, outputs):
    with pytest.raises(ValueError):
        write_outputs(user_book, tmp_path / "out.xlsx", outputs)
    assert not (tmp_path / "out.xlsx").exists()


def test_a_package_without_styles_gets_a_minimal_one(tmp_path):
    import re

    user_book = tmp_path / "plain.xlsx"
    openpyxl.Workbook().save(user_book)
    book = parts(user_book)
    rels = re.sub(rb"<Relationship [^>]*styles[^>]*/>", b"", book["xl/_rels/workbook.xml.rels"])
    types = re.sub(rb"<Override [^>]*styles\.xml[^>]*/>", b"", book["[Content_Types].xml"])
    assert b"styles" not in rels and b"styles.xml" not in types
    rewrite_zip(user_book, {"xl/_rels/workbook.xml.rels": rels, "[Content_Types].xml": types},
                drop={"xl/styles.xml"})
    target = tmp_path / "out.xlsx"

    write_outputs(user_book, target, [adjustments()])

    sheet = openpyxl.load_workbook(target)["Adjustments"]
    assert sheet.cell(2, 3).number_format == "#,##0.######"


def test_an_appended_sheet_names_its_relationship_with_the_r_prefix():
    """lxml invents `ns0` for a namespace nothing in scope declares, unless a prefix was
    registered (openpyxl registers `r` when imported; the command line no longer imports
    it): the sheet declares `r` itself, in a process that has not imported openpyxl."""
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from lxml import etree\n"
        "from workbook.xlsx.workbookpart import WorkbookPart\n"
        "root = etree.fromstring(b'<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
        "<sheets/></workbook>')\n"
        "WorkbookPart(root).append_sheet('LoopTrace', 'rId9')\n"
        "assert 'openpyxl' not in sys.modules\n"
        "sys.stdout.write(etree.tostring(root).decode())\n"
    )
    cwd = Path(__file__).resolve().parents[1]
    xml = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=cwd).stdout
    assert '<sheet xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"' in xml
    assert 'r:id="rId9"' in xml and "ns0" not in xml


@pytest.mark.parametrize("children, user_fonts, new_format_id", [
    ("", 0, "164"),
    ('<cellXfs count="1"><xf numFmtId="0" xfId="0"/></cellXfs>', 0, "164"),
    ('<fonts count="1"><font><b/></font></fonts><dxfs count="0"/><extLst/>', 1, "164"),
    ('<numFmts count="1"><numFmt numFmtId="170" formatCode="0.0"/></numFmts><fills count="1"><fill/></fills>', 0, "171"),
], ids=["empty", "only cellXfs", "a bold font, dxfs, extLst", "a number format, one fill"])
def test_any_styles_part_gets_its_lists_completed_in_schema_order(children, user_fonts, new_format_id):
    root = etree.fromstring(f'<styleSheet xmlns="{sheetxml.MAIN_NS}">{children}</styleSheet>')
    before = {etree.QName(child).localname: etree.tostring(child[0]) for child in root if len(child)}

    indexes = styles.add_number_formats(root, ["#,##0.00", "0.000"])

    names = [etree.QName(child).localname for child in root]
    assert names == sorted(names, key=styles._PARTS_IN_ORDER.index)
    assert {"fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles"} <= set(names)
    assert all(etree.tostring(root.find(f"{{*}}{name}")[0]) == first for name, first in before.items())
    assert len(root.find("{*}fonts")) == max(user_fonts, 1) and len(root.find("{*}fills")) == 2
    cell_styles = root.find("{*}cellXfs")
    assert [cell_styles[indexes[code]].get("numFmtId") for code in ("#,##0.00", "0.000")] == ["4", new_format_id]


def test_a_new_part_never_takes_a_name_a_dangling_relationship_points_at(tmp_path):
    """A tab whose part is missing, its relationship and relationship part left behind
    (a file in Apache POI's test data has one): a new sheet named like it would become
    that tab's sheet and get its relationships."""
    import odd_packages as odd

    parts = odd.book([odd.USAGE_SHEET, odd.NOTES])
    del parts["xl/worksheets/sheet2.xml"]
    parts["xl/worksheets/_rels/sheet3.xml.rels"] = odd.relationships_xml([("rId1", f"{odd.REL}/comments", "../comments3.xml")])
    source = odd.write_zip(tmp_path / "dangling.xlsx", parts)
    target = tmp_path / "out.xlsx"

    write_outputs(source, target, [adjustments()])

    with zipfile.ZipFile(target) as archive:
        names = archive.namelist()
    assert len(names) == len(set(names))
    assert "xl/worksheets/sheet2.xml" not in names and "xl/worksheets/sheet4.xml" in names
