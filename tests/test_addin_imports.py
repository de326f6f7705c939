"""xlwings Lite installs giveback with micropip inside Pyodide, where a dependency without
a Pyodide build cannot be installed. Such dependencies carry the marker
`sys_platform != 'emscripten'` in pyproject.toml, and the add-in's import path (the
functions, the scripts, the xlwings side of the seam, the server project's modules) must
never import them. `tests/test_pyodide.py` runs the same modules in a real Pyodide."""

import subprocess
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[1]
NOT_IN_PYODIDE = {  # distribution: the module it is imported as
    "python-calamine": "python_calamine",
    "lxml": "lxml",
}
ADDIN_MODULES = ["addin.functions", "addin.scripts", "addin.book", "addin.desktop"]


def requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return [Requirement(text) for text in project["dependencies"]]


def test_dependencies_without_a_pyodide_build_are_left_out_of_pyodide():
    in_pyodide = {"sys_platform": "emscripten", "platform_system": "Emscripten"}
    left_out = {r.name for r in requirements() if r.marker and not r.marker.evaluate(in_pyodide)}
    assert left_out == set(NOT_IN_PYODIDE)
    assert all(r.marker is None or r.marker.evaluate() for r in requirements())  # all here


def test_the_addin_never_imports_them():
    probe = (
        f"import sys\nimport {', '.join(ADDIN_MODULES)}\n"
        f"sys.path.insert(0, 'addin/server')\nimport custom_functions, custom_scripts\n"
        f"print(sorted(set({sorted(NOT_IN_PYODIDE.values())!r}) & set(sys.modules)))"
    )
    env = {"XLWINGS_ON_SERVER": "true", "XLWINGS_LICENSE_KEY": "noncommercial", "PATH": ""}
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
