"""The Excel functions and the Reconcile script timed inside Pyodide (as xlwings Lite
runs them) beside CPython, on the same calls as tests/test_pyodide.py: builds the wheel,
installs it in Pyodide under node (tests/pyodide_host.py: cached npm package and wheels),
runs tests/host_probe.py in both and prints milliseconds (the best of
`host_probe.REPEATS` calls for a function; one Reconcile of the demo book).

    .venv/bin/python bench/pyodide_udfs.py
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("XLWINGS_ON_SERVER", "true")
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import host_probe  # noqa: E402
from host_books import demo_payload  # noqa: E402
from pyodide_host import PYODIDE_NPM, run_probe  # noqa: E402


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(work), str(ROOT)],
                       check=True)
        book = demo_payload(work)
        cpython = asyncio.run(host_probe.probe(json.loads(book.read_text())))
        pyodide = run_probe(next(work.glob("giveback-*.whl")), book, work)
    print(f"Pyodide {PYODIDE_NPM.split('@')[1]} (Python {pyodide['python']}) under node {node_version()}; "
          f"CPython {cpython['python']}; micropip install {pyodide['install_seconds']:.2f} s\n")
    print("| call | Pyodide ms | CPython ms | ratio |\n|---|---:|---:|---:|")
    for name, seconds in cpython["seconds"].items():
        inside = pyodide["seconds"][name]
        print(f"| {name} | {inside * 1000:.2f} | {seconds * 1000:.2f} | {inside / seconds:.1f}x |")


def node_version() -> str:
    return subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()


if __name__ == "__main__":
    main()
