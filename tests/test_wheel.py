"""The desktop set-up as docs/excel.md gives it: `python -m build`, then `pip install` of
the wheel alone into a fresh venv (no checkout on the path), which then runs the demo,
the Excel functions and the Reconcile script (`host_probe.py`, compared with this
checkout's own results) and serves `make serve`'s xlwings Server app from the installed
package."""

import asyncio
import json
import os
import re
import subprocess
import venv
import zipfile
from pathlib import Path

import pytest

import host_probe
from host_books import demo_payload

pytestmark = pytest.mark.slow
TESTS = Path(__file__).resolve().parent
SERVE_CHECK = """\
import os, sysconfig
from pathlib import Path
os.environ["XLWINGS_PROJECT_DIR"] = str(Path(sysconfig.get_paths()["purelib"]) / "addin" / "server")
from fastapi.testclient import TestClient
from xlwings_server.main import main_app
client = TestClient(main_app)
print(sorted(f["name"] for f in client.get("/xlwings/custom-functions-meta").json()["functions"]))
print(sorted(s["function_name"] for s in client.get("/xlwings/custom-scripts-meta").json()))
"""


def clean_environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME"}}
    return {**env, "XLWINGS_LICENSE_KEY": "noncommercial", "XLWINGS_ENABLE_SOCKETIO": "false"}


@pytest.fixture(scope="module")
def fresh(wheel, tmp_path_factory) -> Path:
    """A venv holding only the wheel (with its `server` extra) and what it requires."""
    folder = tmp_path_factory.mktemp("fresh")
    venv.create(folder / "venv", with_pip=True)
    python = folder / "venv" / "bin" / "python"
    done = subprocess.run([str(python), "-m", "pip", "install", "--quiet", f"{wheel}[server]"],
                          capture_output=True, text=True, timeout=900, env=clean_environment())
    assert done.returncode == 0, done.stderr
    return python


def run(python: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(python), *args], capture_output=True, text=True, timeout=300, cwd=cwd,
                          env=clean_environment())


def test_the_build_gives_a_wheel_and_an_sdist_without_warnings(built_dist):
    dist, printed = built_dist
    assert sorted(path.suffix for path in dist.iterdir()) == [".gz", ".whl"]
    assert not re.findall(r".*(?:Warning|WARNING|deprecated).*", printed)


def test_the_wheel_carries_the_server_project_and_the_ribbon_module(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"addin/ribbon.bas", "addin/server/templates/manifest.xml", "addin/server/static/js/main.js",
            "addin/server/custom_functions/__init__.py", "addin/vba/project.py"} <= names


def test_the_demo_runs_from_the_installed_command(fresh, tmp_path):
    done = run(fresh.parent / "giveback", "demo", str(tmp_path / "out"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Usage!B25: 'five' is not a number: type digits" in done.stdout  # the demo's bad row, reported
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["giveback-demo.reconciled.xlsx", "giveback-demo.xlsx"]


def test_the_functions_and_the_reconcile_script_match_the_checkout(fresh, tmp_path):
    book = demo_payload(tmp_path)
    probe = tmp_path / "host_probe.py"  # a copy: the tests folder is not on the venv's path
    probe.write_text((TESTS / "host_probe.py").read_text())
    done = run(fresh, str(probe), str(book), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    installed, here = json.loads(done.stdout), asyncio.run(host_probe.probe(json.loads(book.read_text())))
    assert installed["functions"] == here["functions"] and installed["reconcile"] == here["reconcile"]


def test_make_serve_s_app_serves_the_installed_functions_and_scripts(fresh, tmp_path):
    done = run(fresh, "-c", SERVE_CHECK, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    functions, scripts = done.stdout.splitlines()
    assert "'RECOMMEND_ADJ'" in functions and "'GIVEBACK_TRACE'" in functions
    assert eval(scripts) == ["check", "clear_results", "new_template", "reconcile"]


def test_the_installed_package_builds_the_same_desktop_addin(fresh, tmp_path):
    from addin import build_xlam

    done = run(fresh, "-m", "addin.build_xlam", str(tmp_path / "installed"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    here = build_xlam.build(tmp_path / "checkout")
    assert (tmp_path / "installed" / "giveback.xlam").read_bytes() == here.read_bytes()
