"""giveback in a real Pyodide, installed as xlwings Lite installs it (micropip, from the
built wheel, offline: `pyodide_host.py`), gives the same results as CPython: every Excel
function of `addin.functions` (a good call and a refused one) and the Reconcile script's
actions on the demo workbook, through xlwings' own dispatch (`host_probe.py`).

Needs node and npm (.ci/run installs them when missing); the npm `pyodide` package and
the wheels are fetched once and cached. Without node the test skips locally and fails
in CI."""

import asyncio
import json
import os
import shutil

import pytest

import host_probe
from host_books import demo_payload
from pyodide_host import run_probe

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def reports(wheel, tmp_path_factory) -> tuple[dict, dict]:
    """(CPython's report, Pyodide's report) on the same book."""
    if not (shutil.which("node") and shutil.which("npm")):
        message = "node and npm are needed to run Pyodide"
        if os.environ.get("CI"):
            pytest.fail(f"{message} (.ci/run should have installed them)")
        pytest.skip(message)
    folder = tmp_path_factory.mktemp("pyodide")
    book = demo_payload(folder)
    cpython = asyncio.run(host_probe.probe(json.loads(book.read_text())))
    return cpython, run_probe(wheel, book, folder)


def test_pyodide_runs_its_own_python(reports):
    _, pyodide = reports
    assert pyodide["platform"] == "emscripten" and pyodide["python"].startswith("3.14")


def test_nothing_without_a_pyodide_build_was_installed(reports):
    installed = {line.split("==")[0].lower().replace("_", "-") for line in reports[1]["installed"]}
    assert "giveback" in installed and "pydantic-core" in installed
    assert not installed & {"python-calamine", "lxml"}


def test_every_function_gives_the_same_results_and_errors(reports):
    cpython, pyodide = reports
    assert set(pyodide["functions"]) == set(host_probe.excel_functions())
    assert pyodide["functions"] == cpython["functions"]
    assert cpython["functions"]["recommend_adj"][0] == {"result": [[7, "On"], [-7, "Off"]]}


def test_the_reconcile_script_gives_the_same_actions(reports):
    cpython, pyodide = reports
    assert pyodide["reconcile"] == cpython["reconcile"]
    added = [action["args"][1] for action in cpython["reconcile"] if action["func"] == "addSheet"]
    assert added == ["Adjustments", "LoopTrace", "Summary", "Options", "Issues", "RunRecord"]
