"""STYLE.md rule 1: dependencies point addin -> workbook -> core; core loads no I/O library."""

import subprocess
import sys


def test_importing_core_loads_neither_openpyxl_nor_xlwings():
    code = "import sys, core, core.recommend; print(sorted(m for m in sys.modules if m.split('.')[0] in {'openpyxl', 'xlwings', 'workbook', 'addin'}))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_the_command_line_starts_without_openpyxl():
    """openpyxl (0.15 s to import) loads only when a command writes a new workbook or a file
    is read with it; `giveback reconcile` reads with calamine and writes at the zip level."""
    code = "import sys, giveback.cli; print(sorted(m for m in sys.modules if m.split('.')[0] in {'openpyxl', 'xlwings'}))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
