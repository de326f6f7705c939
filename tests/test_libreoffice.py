"""A second client: LibreOffice opens a workbook giveback wrote, reads the output table
and recalculates the user's formulas.

LibreOffice runs headless with its own profile per conversion (two runs sharing one fail
silently). It exits 0 even when it could not load a file, so the converted file must exist
and its output must not say `Error:`. Without LibreOffice the tests skip locally; in CI
(`CI` set) they fail instead, since `.ci/run` installs it.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from workbook.xlsx.package import write_outputs
from workbook.seam import Column, OutputSheet

ALWAYS_RECALCULATE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""

ADJUSTMENTS = OutputSheet(
    "Adjustments",
    (Column("Product"), Column("Quantity", "#,##0.######"), Column("Date"), Column("Settled")),
    [("WIDGET", Decimal("12.5"), dt.date(2024, 3, 31), True), ("GADGET", -7, None, False)],
)


@pytest.fixture(scope="module")
def soffice() -> str:
    found = shutil.which("soffice")
    if found is None:
        message = "LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui"
        if os.environ.get("CI"):
            pytest.fail(f"{message} (.ci/run should have installed it)")
        pytest.skip(message)
    return found


def convert_to_xlsx(soffice: str, workbook: Path, folder: Path, recalculate: bool = False) -> Path:
    """LibreOffice loads `workbook` and saves it again as .xlsx in `folder`."""
    profile = folder / "profile"
    if recalculate:
        (profile / "user").mkdir(parents=True)
        (profile / "user" / "registrymodifications.xcu").write_text(ALWAYS_RECALCULATE)
    converted = folder / "converted"
    result = subprocess.run(
        [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
         "--convert-to", "xlsx", "--outdir", str(converted), str(workbook)],
        capture_output=True, text=True, timeout=180,
    )
    output = converted / workbook.with_suffix(".xlsx").name
    assert result.returncode == 0 and "Error:" not in result.stdout + result.stderr, result
    assert output.exists(), f"LibreOffice could not load {workbook.name}: {result}"
    return output


def user_book(path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Usage"
    sheet["A1"], sheet["A2"], sheet["A3"] = 2, 3, "=A1*A2"  # no cached value
    sheet["B1"] = "=SUM(Adjustments!B2:B3)"
    book.save(path)
    return path


def rich_user_book(path: Path) -> Path:
    """A workbook with a chart, an image, a comment, validation and a table."""
    import io

    from openpyxl.chart import BarChart, Reference
    from openpyxl.comments import Comment
    from openpyxl.drawing.image import Image
    from openpyxl.worksheet.datavalidation import DataValidation
    from openpyxl.worksheet.table import Table
    from PIL import Image as Picture

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Usage"
    sheet.append(["Product", "Quantity"])
    for number in range(1, 6):
        sheet.append([f"P{number}", number])
    sheet.add_table(Table(displayName="UsageTable", ref="A1:B6"))
    sheet["A2"].comment = Comment("Check", "Auditor")
    validation = DataValidation(type="whole", operator="greaterThan", formula1="0")
    sheet.add_data_validation(validation)
    validation.add("B2:B6")
    chart = BarChart()
    chart.add_data(Reference(sheet, min_col=2, min_row=1, max_row=6), titles_from_data=True)
    sheet.add_chart(chart, "D2")
    picture = io.BytesIO()
    Picture.new("RGB", (4, 4), "blue").save(picture, "PNG")
    sheet.add_image(Image(picture), "D20")
    book.save(path)
    return path


def with_stale_cached_values(path: Path) -> None:
    """Give the formulas the cached value 999, as Excel leaves them in a saved file."""
    with zipfile.ZipFile(path) as archive:
        contents = {name: archive.read(name) for name in archive.namelist()}
    sheet = contents["xl/worksheets/sheet1.xml"]
    contents["xl/worksheets/sheet1.xml"] = sheet.replace(b"</f><v></v>", b"</f><v>999</v>")
    assert contents["xl/worksheets/sheet1.xml"].count(b"<v>999</v>") == 2
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in contents.items():
            archive.writestr(name, data)


def test_libreoffice_reads_the_output_table_and_computes_the_users_formula(soffice, tmp_path):
    target = tmp_path / "written.xlsx"
    write_outputs(user_book(tmp_path / "user.xlsx"), target, [ADJUSTMENTS])

    book = openpyxl.load_workbook(convert_to_xlsx(soffice, target, tmp_path), data_only=True)

    assert book.sheetnames == ["Usage", "Adjustments"]
    values = [[cell.value for cell in row] for row in book["Adjustments"].iter_rows()]
    assert values == [
        ["Product", "Quantity", "Date", "Settled"],
        ["WIDGET", 12.5, dt.datetime(2024, 3, 31), True],
        ["GADGET", -7, None, False],
    ]
    assert book["Usage"]["A3"].value == 6


def test_libreoffice_recalculates_formulas_that_read_the_outputs(soffice, tmp_path):
    source = user_book(tmp_path / "user.xlsx")
    with_stale_cached_values(source)
    target = tmp_path / "written.xlsx"
    write_outputs(source, target, [ADJUSTMENTS])

    book = openpyxl.load_workbook(convert_to_xlsx(soffice, target, tmp_path, recalculate=True),
                                  data_only=True)

    assert book["Usage"]["A3"].value == 6
    assert book["Usage"]["B1"].value == pytest.approx(5.5)


def test_libreoffice_opens_a_rich_workbook_giveback_wrote_into(soffice, tmp_path):
    target = tmp_path / "written.xlsx"
    write_outputs(rich_user_book(tmp_path / "user.xlsx"), target, [ADJUSTMENTS])

    book = openpyxl.load_workbook(convert_to_xlsx(soffice, target, tmp_path), data_only=True)

    assert book.sheetnames == ["Usage", "Adjustments"]
    assert [cell.value for cell in book["Usage"]["B"]] == ["Quantity", 1, 2, 3, 4, 5]
    assert book["Usage"]._charts and book["Usage"]._images
    assert book["Adjustments"]["A2"].value == "WIDGET"


def test_libreoffice_opens_an_excel_saved_macro_workbook_giveback_wrote_into(soffice, tmp_path):
    xlwings = pytest.importorskip("xlwings")
    source = tmp_path / "quickstart.xlsm"
    source.write_bytes((Path(xlwings.__file__).parent / "quickstart.xlsm").read_bytes())
    target = tmp_path / "written.xlsm"
    write_outputs(source, target, [ADJUSTMENTS])

    book = openpyxl.load_workbook(convert_to_xlsx(soffice, target, tmp_path), data_only=True)

    assert book.sheetnames == ["Sheet1", "_xlwings.conf", "Adjustments"]
    assert book["Adjustments"]["B2"].value == 12.5


def test_a_workbook_saved_again_by_libreoffice_is_still_givebacks_to_rewrite(soffice, tmp_path):
    """giveback's marks (workbook-scoped names referring to each output's A1) survive
    LibreOffice's save, so a re-run replaces the outputs instead of refusing them."""
    written = tmp_path / "written.xlsx"
    write_outputs(user_book(tmp_path / "user.xlsx"), written, [ADJUSTMENTS])
    saved = convert_to_xlsx(soffice, written, tmp_path)
    again = tmp_path / "again.xlsx"
    assert write_outputs(saved, again, [ADJUSTMENTS]) == ["Adjustments"]
    assert openpyxl.load_workbook(again).sheetnames == ["Usage", "Adjustments"]
