"""Render the demo's Options sheet, with its charts, to PNG pictures for the README: the
whole book's curve (`options-book.png`, the sheet's first page) and each product named
(`options-PRODUCT.png`, its chart and the table, the second page).

    .venv/bin/giveback demo out/ && .venv/bin/python docs/render_options.py out/giveback-demo.reconciled.xlsx docs/ BRACKET

Needs LibreOffice (`soffice`), python3-uno for the system python (`/usr/bin/python3`) and
poppler (`pdftoppm`, `pdftotext`). LibreOffice opens the workbook, picks each product
named (through UNO, as an accountant picks it in the drop-down list), recalculates and
prints the sheet with its chart to PDF (`tests/uno_options_chart.py`); pdftoppm turns
those pages into pictures, cropped to what is printed.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from render_demo import picture

UNO_SCRIPT = Path(__file__).resolve().parent.parent / "tests" / "uno_options_chart.py"


def render(source: Path, target: Path, products: list[str]) -> list[Path]:
    written = []
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        result = subprocess.run(["/usr/bin/python3", str(UNO_SCRIPT), str(folder / "profile"), "render",
                                 str(source), str(folder), *products], capture_output=True, text=True, timeout=300)
        if result.returncode != 0:
            raise SystemExit(f"LibreOffice did not render the sheet: {result.stderr.strip()[-300:]}")
        pdfs = json.loads(result.stdout)
        # the first page holds the whole book's curve; the next, the picked product's chart
        written.append(picture(Path(pdfs[0]), 1, target / "options-book", margin=18))
        for pdf, product in zip(pdfs, products):  # a margin for the chart's frame
            written.append(picture(Path(pdf), 2, target / f"options-{product.lower()}", margin=18))
    return written


if __name__ == "__main__":
    print("\n".join(map(str, render(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3:]))))
