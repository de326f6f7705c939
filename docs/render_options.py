"""Render the demo's Options sheet, with its chart, to a PNG picture for the README.

    .venv/bin/giveback demo out/ && .venv/bin/python docs/render_options.py out/giveback-demo.reconciled.xlsx docs/ BRACKET

Needs LibreOffice (`soffice`), python3-uno for the system python (`/usr/bin/python3`) and
poppler (`pdftoppm`, `pdftotext`). LibreOffice opens the workbook, picks each product
named (through UNO, as an accountant picks it in the drop-down list), recalculates and
prints the sheet with its chart to PDF (`tests/uno_options_chart.py`); pdftoppm turns
each page into `options-PRODUCT.png`, cropped to what is printed.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from render_demo import DPI, WORD

UNO_SCRIPT = Path(__file__).resolve().parent.parent / "tests" / "uno_options_chart.py"


def render(source: Path, target: Path, products: list[str]) -> list[Path]:
    written = []
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        result = subprocess.run(["/usr/bin/python3", str(UNO_SCRIPT), str(folder / "profile"), "render",
                                 str(source), str(folder), *products], capture_output=True, text=True, timeout=300)
        if result.returncode != 0:
            raise SystemExit(f"LibreOffice did not render the sheet: {result.stderr.strip()[-300:]}")
        for pdf, product in zip(json.loads(result.stdout), products):
            x, y, width, height = (round(v * DPI / 72) for v in printed_box(Path(pdf)))
            name = target / f"options-{product.lower()}"
            subprocess.run(["pdftoppm", "-png", "-r", str(DPI), "-f", "1", "-l", "1", "-singlefile",
                            "-x", str(x), "-y", str(y), "-W", str(width), "-H", str(height), pdf, str(name)],
                           check=True)
            written.append(name.with_suffix(".png"))
    return written


def printed_box(pdf: Path, margin: float = 18, footer: float = 0.9) -> tuple[float, float, float, float]:
    """The box around the page's words above its footer (the bottom tenth), in points:
    x, y, width, height, with a margin for the chart's frame."""
    html = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(pdf), "-"],
                          check=True, capture_output=True, text=True).stdout
    height = float(html.split('<page width="', 1)[1].split('height="', 1)[1].split('"', 1)[0])
    boxes = [b for b in (tuple(float(v) for v in found) for found in WORD.findall(html)) if b[3] < footer * height]
    left, top = min(b[0] for b in boxes) - margin, min(b[1] for b in boxes) - margin
    right, bottom = max(b[2] for b in boxes) + margin, max(b[3] for b in boxes) + margin
    return left, top, right - left, bottom - top


if __name__ == "__main__":
    print("\n".join(map(str, render(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3:]))))
