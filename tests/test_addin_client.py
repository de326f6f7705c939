"""giveback's Office.js client (`addin/server/static/js/`) under node: `tests/js/*.test.mjs`
with node's test runner and Microsoft's office-addin-mock, installed from npm into
`tests/js/node_modules` (from the lockfile) on first use. Needs node 20 and npm."""

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import xlwings_server

from workbook.sheets.schema import INPUTS

ROOT = Path(__file__).resolve().parents[1]
JS_TESTS = ROOT / "tests" / "js"
CLIENT = ROOT / "addin" / "server" / "static" / "js" / "giveback.js"


@pytest.fixture(scope="module")
def node() -> str:
    node, npm = shutil.which("node"), shutil.which("npm")
    if not (node and npm):
        pytest.fail("giveback's client tests need node 20 and npm on the PATH (e.g. Debian's nodejs and npm)")
    if not (JS_TESTS / "node_modules" / "office-addin-mock").is_dir():
        installed = subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=JS_TESTS, capture_output=True, text=True)
        assert installed.returncode == 0, installed.stdout + installed.stderr
    return node


def test_the_reconcile_client_under_node_with_office_addin_mock(node):
    env = {**os.environ, "XLWINGS_SERVER_STATIC": str(Path(xlwings_server.__file__).parent / "static")}
    tests = sorted(str(path) for path in JS_TESTS.glob("*.test.mjs"))
    done = subprocess.run([node, "--test", *tests], cwd=JS_TESTS, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    assert re.search(r"^# fail 0$", done.stdout, re.M) and not re.search(r"^# pass 0$", done.stdout, re.M)


def test_the_client_reads_the_input_sheets_the_script_reads():
    listed = re.search(r"export const INPUT_SHEETS = (\[.*?\]);", CLIENT.read_text()).group(1)
    assert json.loads(listed) == [schema.sheet for schema in INPUTS]
