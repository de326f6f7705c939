"""Run `host_probe.py` inside a real Pyodide (node and the npm `pyodide` package), with
giveback installed the way xlwings Lite installs it: micropip, from the built wheel.

Pyodide has no network here (its CDN is out of reach), so everything is fetched before:
the npm package with npm, and the wheels with pip: giveback's requirements as Pyodide
sees them (its environment markers evaluated for `sys_platform == "emscripten"`),
Pyodide builds (`pyemscripten_2026_0_wasm32`, Python 3.14) where one is compiled
(pydantic-core, xlwings), and micropip itself. micropip installs those from local files
without their dependencies, then giveback's wheel with its dependencies: micropip
checks every requirement against what is installed, so a requirement without a Pyodide
build would fail here (it would be fetched from Pyodide's CDN).

Downloads are cached in GIVEBACK_PYODIDE_CACHE (default ~/.cache/giveback-pyodide), keyed
by what is asked for: a rerun fetches nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import zipfile
from email.parser import Parser
from pathlib import Path

from packaging.requirements import Requirement

PYODIDE_NPM = "pyodide@314.0.7"  # Python 3.14
PYODIDE_PYTHON = "3.14"
PYODIDE_PLATFORM = "pyemscripten_2026_0_wasm32"
PYODIDE_ENVIRONMENT = {"sys_platform": "emscripten", "platform_system": "Emscripten",
                       "platform_machine": "wasm32", "python_version": PYODIDE_PYTHON,
                       "python_full_version": PYODIDE_PYTHON + ".0", "implementation_name": "cpython",
                       "platform_python_implementation": "CPython", "os_name": "posix", "extra": ""}
INSTALLER = "micropip"
TESTS = Path(__file__).resolve().parent
CACHE = Path(os.environ.get("GIVEBACK_PYODIDE_CACHE", Path.home() / ".cache" / "giveback-pyodide"))
RUNNER = """\
import { loadPyodide } from "pyodide";
import { readFileSync } from "node:fs";
const [wheels, tests, book] = process.argv.slice(2);
const pyodide = await loadPyodide({ env: { XLWINGS_LICENSE_KEY: "noncommercial", HOME: "/home/pyodide",
                                           SOURCE_DATE_EPOCH: process.env.SOURCE_DATE_EPOCH ?? "" } });
for (const [folder, at] of [[wheels, "/wheels"], [tests, "/probe"]]) {
  pyodide.FS.mkdirTree(at);
  pyodide.FS.mount(pyodide.FS.filesystems.NODEFS, { root: folder }, at);
}
pyodide.globals.set("payload_json", readFileSync(book, "utf8"));
const result = await pyodide.runPythonAsync(readFileSync(`${tests}/pyodide_install.py`, "utf8"));
process.stdout.write(result);
"""


def pyodide_requirements(wheel: Path) -> list[str]:
    """The wheel's requirements that hold inside Pyodide."""
    with zipfile.ZipFile(wheel) as archive:
        metadata = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        requires = Parser().parsestr(archive.read(metadata).decode()).get_all("Requires-Dist") or []
    kept = [Requirement(text) for text in requires]
    return sorted(str(r) for r in kept if r.marker is None or r.marker.evaluate(PYODIDE_ENVIRONMENT))


def cached(kind: str, key: str) -> tuple[Path, bool]:
    """A cache folder for `key`, and whether it was filled before."""
    folder = CACHE / f"{kind}-{hashlib.sha256(key.encode()).hexdigest()[:16]}"
    return folder, (folder / ".done").exists()


def fetch_pyodide() -> Path:
    """node_modules holding the npm `pyodide` package."""
    folder, done = cached("npm", PYODIDE_NPM)
    if not done:
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        subprocess.run(["npm", "install", "--prefix", str(folder), "--no-audit", "--no-fund", "--silent", PYODIDE_NPM],
                       check=True, capture_output=True, timeout=600)
        (folder / ".done").touch()
    return folder


def fetch_wheels(requirements: list[str]) -> Path:
    """A folder of the wheels Pyodide needs for `requirements`, and micropip."""
    folder, done = cached("wheels", " ".join(requirements))
    if not done:
        shutil.rmtree(folder, ignore_errors=True)
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--only-binary=:all:", "--dest", str(folder),
             "--platform", PYODIDE_PLATFORM, "--python-version", PYODIDE_PYTHON, "--implementation", "cp",
             "--abi", "cp" + PYODIDE_PYTHON.replace(".", ""), INSTALLER, *requirements],
            check=True, capture_output=True, timeout=600,
        )
        (folder / ".done").touch()
    return folder


def run_probe(wheel: Path, book: Path, work: Path) -> dict:
    """host_probe's report from inside Pyodide, giveback installed from `wheel`."""
    modules = fetch_pyodide()
    wheels = work / "wheels"
    shutil.copytree(fetch_wheels(pyodide_requirements(wheel)), wheels, ignore=shutil.ignore_patterns(".done"))
    shutil.copy(wheel, wheels)
    (modules / "run_probe.mjs").write_text(RUNNER)
    done = subprocess.run(["node", str(modules / "run_probe.mjs"), str(wheels), str(TESTS), str(book)],
                          capture_output=True, text=True, timeout=600)
    if done.returncode:
        raise RuntimeError(f"Pyodide run failed:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout)
