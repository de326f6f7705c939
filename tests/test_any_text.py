"""Any text, any sheet name, any date system (issue 19): books from the real world are
reconciled, and every output opens in openpyxl and in LibreOffice with the texts and dates
as they were.

- Control characters in product codes, as ERP exports carry them (`AB_x0001_C` in the
  shared strings, which Excel and calamine read as U+0001), and a code that is literally
  `_x0001_` (written by Excel as `_x005F_x0001_`): every part holding them escapes them.
- Text longer than a cell holds (other programs write it; a reference, or a message quoting
  a cell): cut at Excel's 32,767 characters, and said to be.
- Lone surrogates, which no file brings but a host can hand over: escaped too.
- Sheet names with apostrophes, brackets, spaces, non-Latin letters: quoted in every
  reference; names Excel does not allow (an apostrophe first or last, brackets) do not stop
  LibreOffice opening the output.
- A 1904-date book (older Mac Excel): every date written back as the same calendar date.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from desktop_books import serial_1904, usage_book
from giveback.cli import main
from test_libreoffice import soffice  # noqa: F401 (a fixture)
from workbook.seam import Column, OutputSheet
from workbook.xlsx.package import write_outputs
from workbook.xlsx.text import CUT_NOTE, MAX_TEXT, within_cell, xml_text

HEADER = ("Product", "Quantity", "Date", "Reference")
CONTROL = "AB_x0001_C"  # as the file holds it: U+0001 between B and C
LITERAL = "X_x005F_x0001_Y"  # the text X_x0001_Y, as Excel writes it
LONG = "R" * 40_000
BOOKS: dict[str, dict] = {
    "control characters": {"rows": [HEADER, (CONTROL, 5, None, "SO_x0007_1"), (CONTROL, -2, None, "RMA\tTAB"),
                                    (LITERAL, 3, None, "a_x000D_b")]},
    "long texts": {"rows": [HEADER, ("LONG", 5, None, LONG), ("BAD", "Q" * 40_000, None, "x"),
                            ("SMILE", 4, None, "\U0001F600" * 20_000)]},
    "odd sheet names": {"rows": [HEADER, ("A", 5), ("A", -2), ("A", "bad")],
                        "sheets_before": ("It's", "Notes'", "'Start", "Sales & Returns", "Ünïcödé 売上")},
    "a bracketed sheet name": {"rows": [HEADER, ("A", 5), ("A", -2)], "sheets_before": ("Notes", "[Q1] totals")},
    "names Excel allows": {"rows": [HEADER, ("A", 5), ("A", -2)],
                           "sheets_before": ("It's", "Sales & Returns", "Ünïcödé 売上", "R2C3", "2026")},
    "1904 dates": {"rows": [HEADER, ("A", 5, serial_1904(dt.date(2026, 3, 2)), "SO-1"),
                            ("A", -2, serial_1904(dt.date(2026, 3, 9)), "RMA-1"),
                            ("B", 4, serial_1904(dt.date(1904, 1, 2)), "SO-2")],
                   "date1904": True, "date_column": "C"},
}
DECODED = {CONTROL: "AB\x01C", LITERAL: "X_x0001_Y"}


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> dict[str, Path]:
    """Each book reconciled: `{kind: output}` (and the notes the run printed)."""
    folder = tmp_path_factory.mktemp("texts")
    outputs = {}
    for number, (kind, spec) in enumerate(BOOKS.items()):
        book = usage_book(folder / f"book{number}.xlsx", **spec)
        outputs[kind] = folder / f"out{number}.xlsx"
        assert main(["reconcile", str(book), "-o", str(outputs[kind]), "--json"]) in (0, 1), kind
    return outputs


@pytest.fixture(scope="module")
def reopened(soffice, written, tmp_path_factory) -> dict[str, Path]:  # noqa: F811
    """Every output loaded and saved again by LibreOffice, in one run: `{kind: its file}`."""
    folder = tmp_path_factory.mktemp("libreoffice")
    converted = folder / "converted"
    subprocess.run([soffice, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless", "--norestore",
                    "--convert-to", "xlsx", "--outdir", str(converted), *map(str, written.values())],
                   capture_output=True, text=True, timeout=600)
    return {kind: converted / path.name for kind, path in written.items()}


def values(path: Path, sheet: str) -> list[list]:
    """A sheet's values as calamine reads them (Office's escapes read, as Excel reads them)."""
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()


def column(path: Path, sheet: str, header: str) -> list:
    rows = values(path, sheet)
    top = next(i for i, row in enumerate(rows) if header in row and row[0] in ("Product", "Run", "Loop", "Cell"))
    at = rows[top].index(header)
    return [row[at] for row in rows[top + 1:] if row[0] not in ("", "Total")]


@pytest.mark.parametrize("kind", [kind for kind in BOOKS if kind != "a bracketed sheet name"])
def test_openpyxl_opens_every_output(written, kind):
    """(openpyxl refuses any workbook with a sheet named with brackets, the input too: its
    check of Excel's rule. LibreOffice opens that output below, and calamine reads it.)"""
    book = openpyxl.load_workbook(written[kind])  # the whole package: charts, names, links
    assert {"Usage", "Adjustments", "LoopTrace", "Summary", "Options"} <= set(book.sheetnames)


@pytest.mark.parametrize("kind", BOOKS)
def test_libreoffice_opens_every_output(reopened, kind):
    assert reopened[kind].exists(), f"LibreOffice could not load what giveback wrote for: {kind}"
    assert "Summary" in CalamineWorkbook.from_path(str(reopened[kind])).sheet_names


def test_control_characters_come_back_as_they_were(written, reopened):
    for path in (written["control characters"], reopened["control characters"]):
        assert set(column(path, "Summary", "Product")) == {"AB\x01C", "X_x0001_Y"}
        assert set(column(path, "LoopTrace", "Reference")) >= {"SO\x071", "RMA\tTAB", "a\rb"}
    with zipfile.ZipFile(written["control characters"]) as archive:
        named = b"".join(archive.read(name) for name in archive.namelist() if name.startswith("xl/charts/"))
    assert b"\x01" not in named and (b"AB_x0001_C" in named or b"X_x005F_x0001_Y" in named)  # a product, escaped


def test_a_text_longer_than_a_cell_is_cut_there_and_says_so(written, reopened):
    for path in (written["long texts"], reopened["long texts"]):
        references = column(path, "LoopTrace", "Reference")
        cut = [text for text in references if text.endswith(CUT_NOTE)]
        assert {len(text.encode("utf-16-le")) // 2 for text in cut} == {MAX_TEXT}, [len(t) for t in cut]
        assert {text[0] for text in cut} == {"R", "\U0001F600"}
        messages = column(path, "Issues", "Message")
        assert any(message.endswith(CUT_NOTE) and message.startswith("'QQQ") for message in messages)


@pytest.mark.parametrize("text, units", [("a" * 32_767, 32_767), ("a" * 32_768, 32_767), ("\U0001F600" * 16_384, 32_767),
                                         ("\U0001F600" * 16_383 + "a", 32_767), ("b" * 100_000, 32_767)])
def test_within_a_cell_counts_as_excel_counts(text, units):
    kept = within_cell(text)
    assert len(kept.encode("utf-16-le")) // 2 <= units and (kept == text) == (len(text.encode("utf-16-le")) <= 65_534)
    kept.encode("utf-8")  # never half a character


@pytest.mark.parametrize("text, xml", [("a\x01b", "a_x0001_b"), ("_x0001_", "_x005F_x0001_"), ("\ud800", "_xD800_"),
                                       ("\ufffe<&>", "_xFFFE_&lt;&amp;&gt;"), ("tab\tand\nline", "tab\tand\nline")])
def test_office_escapes(text, xml):
    assert xml_text(text) == xml


def test_a_lone_surrogate_a_host_hands_over_is_written_escaped(soffice, tmp_path):  # noqa: F811
    source = usage_book(tmp_path / "book.xlsx", [HEADER, ("A", 5)])
    target = tmp_path / "out.xlsx"
    sheet = OutputSheet("Adjustments", (Column("Product"), Column("Quantity")), [("half \ud83d pair", Decimal(5))])
    write_outputs(source, target, [sheet])
    assert openpyxl.load_workbook(target)["Adjustments"]["A2"].value == "half _xD83D_ pair"
    subprocess.run([soffice, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                    "--convert-to", "xlsx", "--outdir", str(tmp_path / "lo"), str(target)], capture_output=True, timeout=180)
    assert (tmp_path / "lo" / "out.xlsx").exists()


def test_odd_sheet_names_are_kept_and_quoted_in_every_reference(written):
    path = written["odd sheet names"]
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[:5] == ["It's", "Notes'", "'Start", "Sales & Returns", "Ünïcödé 売上"]
    with zipfile.ZipFile(path) as archive:
        workbook = archive.read("xl/workbook.xml").decode()
    marks = re.findall(r'name="_giveback_sheet_\w+" hidden="1">([^<]+)<', workbook)
    assert marks == ["'Adjustments'!$A$1", "'LoopTrace'!$A$1", "'Summary'!$A$1", "'Options'!$A$1", "'Issues'!$A$1",
                     "'RunRecord'!$A$1"]
    assert "_xlnm.Print_Titles" not in workbook  # LibreOffice drops 'Start; see the next test


def test_print_titles_stay_where_no_sheet_name_upsets_libreoffice(written, reopened):
    book = openpyxl.load_workbook(written["names Excel allows"])
    assert book["Adjustments"].print_title_rows and book["Options"].print_area
    assert openpyxl.load_workbook(reopened["names Excel allows"])["Adjustments"].print_title_rows


def test_a_sheet_name_excel_refuses_is_said(capsys, tmp_path):
    book = usage_book(tmp_path / "book.xlsx", [HEADER, ("A", 5)], sheets_before=("Sheet", "End'"))
    assert main(["reconcile", str(book)]) == 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "sheet \"End'\" has a name Excel does not allow" in err and "Rename" in err


def test_a_link_to_a_sheet_named_with_blanks_is_quoted(tmp_path):
    parts_book = usage_book(tmp_path / "book.xlsx", [HEADER, ("A", 5), ("A", "five")])
    renamed = tmp_path / "renamed.xlsx"
    with zipfile.ZipFile(parts_book) as old, zipfile.ZipFile(renamed, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info)
            new.writestr(info, data.replace(b'name="Usage"', b'name=" Usage "') if info.filename == "xl/workbook.xml" else data)
    main(["reconcile", str(renamed), "-o", str(tmp_path / "out.xlsx")])
    issues = openpyxl.load_workbook(tmp_path / "out.xlsx")["Issues"]
    link = next(cell for row in issues.iter_rows() for cell in row if cell.hyperlink)
    assert link.hyperlink.location == "' Usage '!B3"


def test_a_1904_book_gets_its_dates_back_as_the_same_calendar_dates(written, reopened):
    expected = [dt.date(2026, 3, 2), dt.date(2026, 3, 9), dt.date(1904, 1, 2)]
    for path in (written["1904 dates"], reopened["1904 dates"]):
        dates = {date.date() if isinstance(date, dt.datetime) else date for date in column(path, "LoopTrace", "Date")}
        assert dates == set(expected), dates
    with zipfile.ZipFile(written["1904 dates"]) as archive:
        assert b'date1904="1"' in archive.read("xl/workbook.xml")
