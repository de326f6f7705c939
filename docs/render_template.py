"""Render the first page of the template's `Read me` sheet to `template-instructions.png`
for the README, as LibreOffice prints it.

    .venv/bin/python docs/render_template.py docs/

Needs LibreOffice (`soffice`) and poppler (`pdftoppm`, `pdftotext`).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from render_demo import picture

from workbook.files.newbook import input_book

DPI = 110


def render(target: Path) -> Path:
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        book = input_book()
        for sheet in book.worksheets[1:]:
            book.remove(sheet)
        book.save(folder / "template.xlsx")
        subprocess.run(["soffice", f"-env:UserInstallation=file://{folder}/profile", "--headless",
                        "--convert-to", "pdf", "--outdir", str(folder), str(folder / "template.xlsx")],
                       check=True, capture_output=True, timeout=300)
        pdf = folder / "template.pdf"
        if not pdf.exists():
            raise SystemExit("LibreOffice did not write the PDF")
        return picture(pdf, 1, target / "template-instructions", dpi=DPI)


if __name__ == "__main__":
    print(render(Path(sys.argv[1])))
