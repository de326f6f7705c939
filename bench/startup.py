"""Start-up benchmark: what a command costs before it does anything, against a bare
`python -c pass` measured in the same run, and which heavy libraries each command loads.

    .venv/bin/python bench/startup.py [--repeat 30] [--tree DIR]

Each command runs as the `giveback` script does (`from giveback.cli import main`), in a
fresh process, `--repeat` times, interleaved with the bare interpreter so that a busy
machine weighs on both alike; the figure is the median, and the extra is the median less
the bare interpreter's. `--tree DIR` times another checkout's code (a start-up `before`:
`git archive COMMIT | tar -x -C DIR`) with this one's Python.

Goal (issue 21): `giveback --version` within 120 ms of a bare `python -c pass`.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL_MS = 120
HEAVY = ("pydantic", "rich", "openpyxl", "python_calamine", "lxml", "xlwings", "core", "workbook")
RUN = "import sys; from giveback.cli import main; sys.argv[0] = 'giveback'; raise SystemExit(main(sys.argv[1:]))"
LOADED = """import sys
heavy = set(sys.argv.pop().split(","))
try:
    from giveback.cli import main
    main(sys.argv[1:])
except SystemExit:
    pass
finally:
    print("\\nloaded:", " ".join(sorted({m.split(".")[0] for m in sys.modules} & heavy)))
"""


def commands(folder: Path) -> dict[str, list[str]]:
    return {
        "giveback --version": ["--version"],
        "giveback --help": ["--help"],
        "giveback recommend --json -- 2 -2": ["recommend", "--json", "--", "2", "-2"],
        "giveback loops --on 2 --off 2 -- 2 -2": ["loops", "--on", "2", "--off", "2", "--", "2", "-2"],
        "giveback template BOOK": ["template", str(folder / "t.xlsx")],
        "giveback reconcile --help": ["reconcile", "--help"],
    }


def seconds(argv: list[str], tree: Path) -> float:
    started = time.perf_counter()
    subprocess.run(argv, cwd=tree, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - started


def loaded(arguments: list[str], tree: Path) -> str:
    """The heavy libraries a command imports (run once, its output dropped)."""
    done = subprocess.run([sys.executable, "-c", LOADED, *arguments, ",".join(HEAVY)], cwd=tree,
                          capture_output=True, text=True)
    return done.stdout.rstrip().splitlines()[-1].removeprefix("loaded:").strip()


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--repeat", type=int, default=30)
    options.add_argument("--tree", type=Path, default=ROOT, help="the checkout whose code is timed")
    arguments = options.parse_args()
    tree = arguments.tree.resolve()
    with tempfile.TemporaryDirectory() as folder:
        wanted = commands(Path(folder))
        bare = [sys.executable, "-c", "pass"]
        times: dict[str, list[float]] = {"bare": [], **{name: [] for name in wanted}}
        for _ in range(arguments.repeat):
            for name, argv in wanted.items():
                Path(folder, "t.xlsx").unlink(missing_ok=True)
                times["bare"].append(seconds(bare, tree))
                times[name].append(seconds([sys.executable, "-c", RUN, *argv], tree))
        libraries = {name: loaded(argv, tree) for name, argv in wanted.items()}
    base = statistics.median(times["bare"])
    print(f"code: {tree}; {arguments.repeat} runs each, medians\n")
    print(f"| command | ms | extra over bare python (ms) | heavy libraries loaded |\n|---|---:|---:|---|")
    print(f"| python -c pass (baseline) | {base * 1000:.0f} | | |")
    for name in wanted:
        median = statistics.median(times[name])
        print(f"| {name} | {median * 1000:.0f} | {(median - base) * 1000:+.0f} | {libraries[name] or 'none'} |")
    extra = (statistics.median(times["giveback --version"]) - base) * 1000
    print(f"\ngiveback --version: {extra:+.0f} ms over bare python (goal <= {GOAL_MS} ms):"
          f" {'met' if extra <= GOAL_MS else 'NOT met'}")


if __name__ == "__main__":
    main()
