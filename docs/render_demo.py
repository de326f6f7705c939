"""Render the demo's reconciled workbook to PNG pictures for the README.

    .venv/bin/giveback demo out/ && .venv/bin/python docs/render_demo.py out/giveback-demo.reconciled.xlsx docs/

Needs LibreOffice (`soffice`) and poppler (`pdftoppm`). A copy of the workbook keeps only
the sheets shown, each fitted to one landscape page wide; LibreOffice prints it to PDF and
pdftoppm turns each page into `demo-SHEET.png`.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

from openpyxl import load_workbook

SHOWN = ("Adjustments", "Summary")
DPI = 200
WORD = re.compile(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)"')


def fitted_copy(source: Path, folder: Path) -> Path:
    book = load_workbook(source)
    for sheet in list(book.worksheets):
        if sheet.title not in SHOWN:
            book.remove(sheet)
            continue
        sheet.page_setup.orientation = "landscape"
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
        sheet.print_options.gridLines = True
        sheet.print_area = sheet.dimensions
        last = sheet[sheet.max_row][-1].column_letter  # the notes or memo: as wide as its text
        sheet.column_dimensions[last].width = max(len(str(cell.value or "")) for cell in sheet[last]) + 2
    copy = folder / "demo.xlsx"
    book.save(copy)
    return copy


def render(source: Path, target: Path) -> None:
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        copy = fitted_copy(source, folder)
        subprocess.run(["soffice", f"-env:UserInstallation=file://{folder}/profile", "--headless",
                        "--convert-to", "pdf", "--outdir", str(folder), str(copy)], check=True,
                       capture_output=True, timeout=300)
        pdf = folder / "demo.pdf"
        if not pdf.exists():
            raise SystemExit("LibreOffice did not write the PDF")
        for page, name in enumerate(SHOWN, start=1):
            x, y, width, height = (round(v * DPI / 72) for v in content_box(pdf, page))
            subprocess.run(["pdftoppm", "-png", "-r", str(DPI), "-f", str(page), "-l", str(page), "-singlefile",
                            "-x", str(x), "-y", str(y), "-W", str(width), "-H", str(height),
                            str(pdf), str(target / f"demo-{name.lower()}")], check=True)


def content_box(pdf: Path, page: int, margin: float = 8) -> tuple[float, float, float, float]:
    """The page's printed words' bounding box in points (x, y, width, height), with a margin."""
    html = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
                          check=True, capture_output=True, text=True).stdout
    boxes = [tuple(float(v) for v in found) for found in WORD.findall(html)]
    left, top = min(b[0] for b in boxes) - margin, min(b[1] for b in boxes) - margin
    right, bottom = max(b[2] for b in boxes) + margin, max(b[3] for b in boxes) + margin
    return left, top, right - left, bottom - top


if __name__ == "__main__":
    render(Path(sys.argv[1]), Path(sys.argv[2]))
