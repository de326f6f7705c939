"""How every output sheet goes on paper (`workbook.paper`): one description per sheet, and
the file writer writing exactly it (read back with openpyxl); LibreOffice printing a sheet
in pages of columns, its first column on every page, and at the scale the layout expects.
The add-in's hosts are checked against the same description in test_addin_book.py,
test_addin_scripts.py and tests/js."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import openpyxl
import pytest

from giveback.demo import COUNTS, LOTS, USAGE
from test_libreoffice import soffice  # noqa: F401 (a fixture)
from workbook.paper import LANDSCAPE, Margins, PrintLayout, print_layout, printed_scale
from workbook.reconcile import reconcile
from workbook.seam import FROZEN_MOST, LINE_HEIGHT, Column, Grids, OutputSheet, frozen_rows, top_height
from workbook.sheets.outputs import OUTPUT_NAMES
from workbook.xlsx.package import write_outputs
from workbooks import COUNTS_HEADER, LOTS_HEADER, USAGE_HEADER

WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')
PAGE = re.compile(r'<page width="[\d.]+" height="([\d.]+)">(.*?)</page>', re.S)
DETAIL = OutputSheet(  # a sheet printed in two pages of columns
    "Detail",
    (Column("Product", width=18), *(Column(f"Figure {i}", "#,##0", 12) for i in range(1, 7)),
     Column("Notes", width=40, new_page=True), Column("More notes", width=30)),
    [(f"P-{i}", *range(i, i + 6), f"note {i}", f"more {i}") for i in range(1, 26)],
    intro=("Detail", "Figures first, notes on pages of their own."),
)


@pytest.fixture(scope="module")
def demo() -> dict[str, OutputSheet]:
    """The demo book's output sheets, by name."""
    done = reconcile(Grids({"Usage": [USAGE_HEADER, *USAGE], "Lots": [LOTS_HEADER, *LOTS],
                            "Counts": [COUNTS_HEADER, *COUNTS]}))
    return {sheet.name: sheet._replace(rows=list(sheet.rows)) for sheet in done.sheets}


@pytest.fixture(scope="module")
def written(demo, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("paper")
    source, target = folder / "in.xlsx", folder / "out.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "Usage"
    book.save(source)
    write_outputs(source, target, [*demo.values(), DETAIL])
    return target


# sheet, the rows printed on every page, the columns printed (None: all), pages wide
PRINTED = [
    ("Adjustments", "header", None, 1),
    ("LoopTrace", "header", None, 1),
    ("Summary", "header", "the table's", 1),  # its run record and sign-off: the print area is the table's
    ("Options", "header", "the table's", 0),  # the panel's hidden cells reach further right; a row break
    ("Issues", "header", None, 1),
]


def test_the_table_names_every_output_sheet():
    assert [name for name, *_ in PRINTED] == list(OUTPUT_NAMES)


@pytest.mark.parametrize("name, repeated, columns, pages_wide", PRINTED)
def test_every_output_sheet_prints_landscape_with_its_header_on_every_page(demo, name, repeated, columns, pages_wide):
    sheet = demo[name]
    layout = print_layout(sheet)
    assert layout.orientation == LANDSCAPE
    assert repeated == "header" and layout.title_rows == (sheet.header_row, sheet.header_row)
    assert layout.print_columns == (len(sheet.columns) if columns == "the table's" else None)
    if any(column.new_page for column in sheet.columns):  # Summary's redesign may print in pages of columns
        assert not layout.fitted and layout.title_columns == (1, 1)
    else:
        assert (layout.pages_wide, layout.pages_tall, layout.title_columns) == (pages_wide, 0, None)
    assert layout.footer == ("&A", "Page &P of &N") and layout.margins == Margins()


def test_a_sheet_with_a_new_page_column_prints_in_pages_of_columns_at_a_scale():
    layout = print_layout(DETAIL)
    assert layout == PrintLayout(pages_wide=0, scale=100, title_rows=(4, 4), title_columns=(1, 1), column_breaks=(8,),
                                 print_columns=9)
    # the first page's columns with the intro; the detail's from under the header (its intro would be cut)
    assert layout.print_areas(29) == ("$A$1:$G$29", "$H$5:$I$29")
    assert (layout.title_rows_reference(), layout.title_columns_reference()) == ("$4:$4", "$A:$A")
    wider = DETAIL._replace(columns=DETAIL.columns[:-1] + (Column("More notes", width=100),))
    assert print_layout(wider).scale == 87  # A + H + I = 158 widths (3 columns), 841 points, on 734
    assert printed_scale(wider) == 87


@pytest.mark.parametrize("name", [*OUTPUT_NAMES, "Detail"])
def test_the_file_writer_writes_the_layout(demo, written, name):
    sheet = openpyxl.load_workbook(written)[name]
    output = demo.get(name, DETAIL)
    layout = print_layout(output)
    setup = sheet.page_setup
    assert setup.orientation == layout.orientation
    assert bool(sheet.sheet_properties.pageSetUpPr and sheet.sheet_properties.pageSetUpPr.fitToPage) == layout.fitted
    if layout.fitted:
        assert (setup.fitToWidth, setup.fitToHeight) == (layout.pages_wide, layout.pages_tall)
    else:
        assert setup.scale == layout.scale
    assert sheet.print_title_rows == layout.title_rows_reference()
    assert (sheet.print_title_cols or "") == layout.title_columns_reference()
    assert [brk.id + 1 for brk in sheet.col_breaks.brk] == list(layout.column_breaks)
    data_rows = len(list(output.rows))
    assert (sheet.print_area or "") == ",".join(f"'{name}'!{area}"
                                                for area in layout.print_areas(output.last_row(data_rows)))
    margins = sheet.page_margins
    assert (margins.left, margins.right, margins.top, margins.bottom, margins.header, margins.footer) == layout.margins
    assert (sheet.oddFooter.left.text, sheet.oddFooter.right.text) == layout.footer


# sheet, whether the rows down to its table's header are frozen
FROZEN = [("Adjustments", True), ("LoopTrace", True), ("Issues", True), ("Detail", True),
          ("Summary", False),  # its legend, run record and sign-off: taller than half a laptop's window
          ("Options", False)]  # its charts: taller than a whole window, the table out of reach when frozen


@pytest.mark.parametrize("name, frozen", FROZEN)
def test_the_header_is_frozen_where_the_rows_above_it_leave_room_to_scroll(demo, written, name, frozen):
    """Excel cannot scroll a frozen pane: rows taller than its window would hide the table.
    The writer's estimate of their height (`seam.top_height`) is the file's rows' own."""
    sheet = openpyxl.load_workbook(written)[name]
    output = demo.get(name, DETAIL)
    top = output.header_row
    rows = [sheet.row_dimensions[number] for number in range(1, top + 1)]
    height = sum(0 if row.hidden else row.height or LINE_HEIGHT for row in rows)
    assert height == pytest.approx(top_height(output))
    assert (height <= FROZEN_MOST) is frozen and frozen_rows(output) == (top if frozen else 0)
    assert sheet.freeze_panes == (f"A{top + 1}" if frozen else None)


def printed(soffice, workbook: Path, folder: Path) -> list[tuple[float, list[tuple]]]:  # noqa: F811
    """Each printed page: its height and its words (x0, y0, x1, y1, text), in points."""
    profile = folder / "profile"
    subprocess.run([soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                    "--convert-to", "pdf", "--outdir", str(folder), str(workbook)],
                   capture_output=True, text=True, timeout=300, check=True)
    pdf = folder / workbook.with_suffix(".pdf").name
    assert pdf.exists(), f"LibreOffice did not print {workbook.name}"
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [(float(height), [(float(a), float(b), float(c), float(d), text) for a, b, c, d, text in WORD.findall(body)])
            for height, body in PAGE.findall(html)]


@pytest.fixture
def carlito() -> None:
    """LibreOffice lays a sheet out as Excel does only with Calibri's metric twin, Carlito
    (Debian's fonts-crosextra-carlito): another stand-in is wider."""
    found = subprocess.run(["fc-match", "Calibri"], capture_output=True, text=True).stdout
    if "Carlito" not in found:
        message = f"Calibri prints as {found.strip()!r}, not Carlito: apt-get install fonts-crosextra-carlito"
        if os.environ.get("CI"):
            pytest.fail(f"{message} (.ci/run should have installed it)")
        pytest.skip(message)


@pytest.mark.slow
def test_libreoffice_prints_the_layout(soffice, carlito, demo, written, tmp_path):  # noqa: F811
    """Pages of columns with the product on each, and text at the size `printed_scale`
    expects (the median word's height against the same at 100%, Options' table)."""
    pages = printed(soffice, written, tmp_path)

    def footer_of(height, words):
        return next((text for _, top, _, _, text in words if top > height - 48 and text in [*demo, "Detail"]), None)

    by_sheet: dict[str, list[list[tuple]]] = {}
    for height, words in pages:
        by_sheet.setdefault(footer_of(height, words), []).append([w for w in words if w[1] <= height - 48])
    detail = by_sheet["Detail"]
    assert len(detail) == 2  # the figures, then the notes: 25 rows fit one page tall
    texts = [{text for *_, text in page} for page in detail]
    assert {"Figure", "P-1", "P-25"} <= texts[0] and "Notes" not in texts[0]
    assert {"Notes", "P-1", "P-25"} <= texts[1] and "Figure" not in texts[1]  # column A again, the notes' page

    def word_height(page):
        heights = sorted(bottom - top for _, top, _, bottom, _ in page)
        return heights[len(heights) // 2]

    full = word_height(by_sheet["Options"][-1])  # printed at 100%
    for name in ("Adjustments", "LoopTrace", "Summary", "Issues"):
        measured = 100 * word_height(by_sheet[name][0]) / full
        assert measured == pytest.approx(printed_scale(demo[name]), abs=3), name
    for name in OUTPUT_NAMES:  # SPEC section 5: nobody signs a page they cannot read
        smallest = min(bottom - top for page in by_sheet[name] for _, top, _, bottom, _ in page)
        assert 11 * smallest / full >= 8, f"{name} prints at {11 * smallest / full:.1f} pt"



@pytest.mark.slow
def test_libreoffice_prints_every_figure_of_a_large_book_not_hashes(soffice, carlito, tmp_path):  # noqa: F811
    """Found on a 60,000-row book: totals in the hundreds of millions and the book curve's
    money printed as ### in columns 12 wide. Every numeric column is as wide as its widest
    figure, totals and the book curve included."""
    usage = [(f"P-{i}", q * 1_000_003, None, f"R-{i}-{n}", 912.37)
             for i in range(1, 9) for n, q in enumerate((40, -3, 17, -61, 5))]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Usage"
    for row in [USAGE_HEADER, *usage]:
        sheet.append(list(row))
    source, target = tmp_path / "big.xlsx", tmp_path / "big.reconciled.xlsx"
    book.save(source)
    done = reconcile(Grids({"Usage": [USAGE_HEADER, *usage]}))
    write_outputs(source, target, done.sheets)
    words = [text for _, page in printed(soffice, target, tmp_path) for *_, text in page]
    assert not [text for text in words if "###" in text]
    assert any(len(text.replace(",", "").split(".")[0]) >= 10 for text in words)  # a total of billions, printed
