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

SHOWN = ("Adjustments", "Summary", "LoopTrace", "Issues", "Options")
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
        return [picture(pdf, number, box, target / f"demo-{sheet.lower()}")
                for sheet, (number, box) in first_pages(pdf).items()]


def first_pages(pdf: Path) -> dict[str, tuple[int, tuple[float, ...]]]:
    """The first page of each shown sheet, and the box of its printed words."""
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    found: dict[str, tuple[int, tuple[float, ...]]] = {}
    for number, (_, height, body) in enumerate(PAGE.findall(html), start=1):
        words = [(float(a), float(b), float(c), float(d), text) for a, b, c, d, text in WORD.findall(body)]
        footer = [text for _, top, _, _, text in words if top > float(height) - FOOTER]
        sheet = next((name for name in SHOWN if name in footer), None)
        body_words = [w for w in words if w[1] <= float(height) - FOOTER]
        if sheet and sheet not in found and body_words:
            found[sheet] = (number, content_box(body_words))
    return found


def content_box(words, margin: float = 8) -> tuple[float, float, float, float]:
    """The words' bounding box in points (x, y, width, height), with a margin."""
    left, top = min(w[0] for w in words) - margin, min(w[1] for w in words) - margin
    right, bottom = max(w[2] for w in words) + margin, max(w[3] for w in words) + margin
    return left, top, right - left, bottom - top


def picture(pdf: Path, page: int, box: tuple[float, ...], stem: Path) -> Path:
    x, y, width, height = (round(v * DPI / 72) for v in box)
    subprocess.run(["pdftoppm", "-png", "-r", str(DPI), "-f", str(page), "-l", str(page), "-singlefile",
                    "-x", str(x), "-y", str(y), "-W", str(width), "-H", str(height), str(pdf), str(stem)], check=True)
    return stem.with_suffix(".png")


if __name__ == "__main__":
    for written in render(Path(sys.argv[1]), Path(sys.argv[2])):
        print(written)
