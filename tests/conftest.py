"""Test session set-up.

xlwings picks its decorators when it is first imported: with `XLWINGS_ON_SERVER` set they
come from `xlwings.server` and record the metadata Excel reads (argument docs, spilling
results), and `xw.Book(json=...)` works. So both variables are set here, before any test
module imports xlwings. `noncommercial` is xlwings PRO's offline key for noncommercial use
(development and tests); commercial deployments need their own licence key.

`SOURCE_DATE_EPOCH` fixes the time a run records (`workbook.close.record.now`).

`built_dist` and `wheel` build the distribution once a session, for the tests that install
it (tests/test_wheel.py into a fresh venv, tests/test_pyodide.py into Pyodide).
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

os.environ.setdefault("XLWINGS_ON_SERVER", "true")
os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
# The run record's time (Summary, the RunRecord sheet, the document properties) is fixed,
# as reproducible builds fix theirs: two runs of the same inputs write the same values.
os.environ.setdefault("SOURCE_DATE_EPOCH", "1772712000")  # 2026-03-05 12:00 UTC


@pytest.fixture(scope="session")
def built_dist(tmp_path_factory) -> tuple[Path, str]:
    """`python -m build` of this checkout, as the README says: (the folder holding the
    wheel and the sdist, what the build printed)."""
    dist = tmp_path_factory.mktemp("dist")
    root = Path(__file__).resolve().parents[1]
    done = subprocess.run([sys.executable, "-m", "build", "--outdir", str(dist), str(root)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return dist, done.stdout + done.stderr


@pytest.fixture(scope="session")
def wheel(built_dist) -> Path:
    return next(built_dist[0].glob("giveback-*.whl"))
