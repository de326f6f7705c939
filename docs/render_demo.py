"""Render the demo's reconciled workbook as an accountant prints it, for the README.

    .venv/bin/giveback demo out/ && .venv/bin/python docs/render_demo.py out/giveback-demo.reconciled.xlsx docs/

Needs LibreOffice (`soffice`) and poppler (`pdftoppm`, `pdftotext`). LibreOffice prints
the workbook itself, with the page setup giveback wrote (nothing is changed for the
picture); the first page of each output sheet, found by the sheet's name in its footer,
becomes `demo-SHEET.png`, cropped to the printed words above the footer.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

SHOWN = ("Adjustments", "Summary", "LoopTrace", "Issues")  # Options: docs/render_options.py picks a product
DPI = 150
FOOTER = 48  # points at the foot of a page that hold the footer
WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')
PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)


def render(source: Path, target: Path) -> list[Path]:
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        subprocess.run(["soffice", f"-env:UserInstallation=file://{folder}/profile", "--headless",
                        "--convert-to", "pdf", "--outdir", str(folder), str(source)], check=True,
                       capture_output=True, timeout=300)
        pdf = folder / f"{source.stem}.pdf"
        if not pdf.exists():
            raise SystemExit(f"LibreOffice did not print {source.name}")
        return [picture(pdf, number, target / f"demo-{sheet.lower()}") for sheet, number in first_pages(pdf).items()]


def first_pages(pdf: Path) -> dict[str, int]:
    """The first page of each shown sheet, found by the sheet's name in its footer."""
    found: dict[str, int] = {}
    for number, (words, height) in enumerate(printed_pages(pdf), start=1):
        footer = [text for _, top, _, _, text in words if top > height - FOOTER]
        sheet = next((name for name in SHOWN if name in footer), None)
        if sheet and sheet not in found:
            found[sheet] = number
    return found


def printed_pages(pdf: Path, page: int | None = None) -> list[tuple[list[tuple], float]]:
    """Each page's words (x0, y0, x1, y1, text, in points) and its height; one page's
    when `page` is given."""
    pages = ["-f", str(page), "-l", str(page)] if page else []
    html = subprocess.run(["pdftotext", "-bbox", *pages, str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    return [([(float(a), float(b), float(c), float(d), text) for a, b, c, d, text in WORD.findall(body)],
             float(height)) for _, height, body in PAGE.findall(html)]


def printed_box(pdf: Path, page: int, margin: float = 8) -> tuple[float, float, float, float]:
    """The box around the page's printed words above its footer, in points (x, y,
    width, height), with a margin."""
    ((words, height),) = printed_pages(pdf, page)
    body = [word for word in words if word[1] <= height - FOOTER] or words
    left, top = min(w[0] for w in body) - margin, min(w[1] for w in body) - margin
    right, bottom = max(w[2] for w in body) + margin, max(w[3] for w in body) + margin
    return left, top, right - left, bottom - top


def picture(pdf: Path, page: int, stem: Path, margin: float = 8, dpi: int = DPI) -> Path:
    """`page` of `pdf` as `stem`.png, cropped to its printed words."""
    x, y, width, height = (round(v * dpi / 72) for v in printed_box(pdf, page, margin))
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile",
                    "-x", str(x), "-y", str(y), "-W", str(width), "-H", str(height), str(pdf), str(stem)], check=True)
    return stem.with_suffix(".png")


if __name__ == "__main__":
    for written in render(Path(sys.argv[1]), Path(sys.argv[2])):
        print(written)
