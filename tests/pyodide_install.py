"""Run inside Pyodide by `pyodide_host.py` (top-level await): install giveback as xlwings
Lite does, with micropip from the wheels in /wheels, then report `host_probe.probe` on
the payload in `payload_json`. micropip is unpacked first, as Pyodide's own
`loadPackage("micropip")` does (it has no dependencies: it vendors `packaging`)."""

import json
import sys
import sysconfig
import time
import zipfile
from pathlib import Path

WHEELS = Path("/wheels")
zipfile.ZipFile(next(WHEELS.glob("micropip-*.whl"))).extractall(sysconfig.get_paths()["purelib"])

import micropip  # noqa: E402

started = time.perf_counter()
giveback = next(WHEELS.glob("giveback-*.whl"))
others = [f"emfs:{wheel}" for wheel in sorted(WHEELS.glob("*.whl")) if wheel not in (giveback,) and "micropip" not in wheel.name]
await micropip.install(others, deps=False)  # noqa: F704 (Pyodide runs this with top-level await)
await micropip.install(f"emfs:{giveback}")  # noqa: F704 (its requirements are checked against what is installed)
installed = time.perf_counter() - started

sys.path.insert(0, "/probe")
import host_probe  # noqa: E402

report = await host_probe.probe(json.loads(payload_json))  # noqa: F704, F821 (set by the runner)
report["install_seconds"] = installed
report["installed"] = sorted(f"{p.name}=={p.version}" for p in micropip.list().values())
json.dumps(report)
