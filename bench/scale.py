"""Scale benchmark: reconcile usage workbooks of 10k to 1M rows, stage by stage, beside
baselines measured in the same run.

    .venv/bin/python bench/scale.py [--sizes 10k 100k 200k 1m big] [--repeat 3] [--rule guide] [--markdown]
    .venv/bin/python bench/scale.py --last --markdown    # the last run's table again

`--rule` reconciles with that rule (`giveback reconcile --rule`); without it, the default.

For every book (see `make_books.py`; generated and cached on first use) it measures, each
in a fresh subprocess so that peak memory (`ru_maxrss`) is that measurement's own:

- `calamine`: python-calamine reading only the Usage sheet (the yardstick of the goals);
- `openpyxl`: openpyxl's read-only mode reading it (values only; not at 1M rows);
- `giveback`: the pipeline (`pipeline.py`: the command's `reconcile_file`), per stage: read
  (open the file, read and parse the input sheets), engine (`core.recommend` for every
  product, trace included), write (the output sheets into a copy of the book), and the
  total; and the total again with openpyxl's reader in place of calamine's (not at 1M rows);
- `command`: `giveback reconcile BOOK -o OUT --json` run as a fresh process, the
  interpreter's start and imports included.

Times are the median of `--repeat` runs (one at 1M rows); memory is the largest peak.
Goals (issue 5): total within 3x calamine's read at 200k rows, peak under 1 GB at 1M.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

import make_books  # noqa: E402

SIZES = ["10k", "100k", "200k", "1m", make_books.BIG]
GOAL_RATIO, GOAL_RATIO_SIZE = 3.0, "200k"
GOAL_MEMORY_MB, GOAL_MEMORY_SIZE = 1000, "1m"
LAST_RUN = make_books.BOOKS_DIR / "scale-last-run.json"


# --- measurements, each run in its own process -------------------------------------


def measure_calamine(path: Path, rule: str | None = None) -> dict:
    from python_calamine import CalamineWorkbook

    started = time.perf_counter()
    with CalamineWorkbook.from_path(str(path)) as book:
        rows = sum(1 for _ in book.get_sheet_by_name("Usage").iter_rows())
    return {"read": time.perf_counter() - started, "rows": rows - 1}


def measure_openpyxl(path: Path, rule: str | None = None) -> dict:
    from openpyxl import load_workbook

    started = time.perf_counter()
    book = load_workbook(path, read_only=True, data_only=True)
    rows = sum(1 for _ in book["Usage"].iter_rows(values_only=True))
    book.close()
    return {"read": time.perf_counter() - started, "rows": rows - 1}


def measure_giveback(path: Path, rule: str | None = None, reader: str = "fast") -> dict:
    """The pipeline by stages: `pipeline.run` returns seconds per stage."""
    import pipeline

    with tempfile.TemporaryDirectory() as folder:
        return pipeline.run(path, Path(folder) / "out.xlsx", reader, rule)


def measure_giveback_openpyxl(path: Path, rule: str | None = None) -> dict:
    return measure_giveback(path, rule, "openpyxl")


def measure_command(path: Path, rule: str | None = None) -> dict:
    """`giveback reconcile BOOK -o OUT --json` as an accountant runs it: a fresh process,
    the interpreter's start and imports included (its peak memory is reported as ours)."""
    giveback = Path(sys.executable).with_name("giveback")
    with tempfile.TemporaryDirectory() as folder:
        command = [str(giveback), "reconcile", str(path), "-o", str(Path(folder) / "out.xlsx"), "--json",
                   *(["--rule", rule] if rule else [])]
        started = time.perf_counter()
        done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        seconds = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"giveback reconcile {path.name} failed: {done.stderr}")
    return {"total": seconds, "child_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}


MEASURES = {"calamine": measure_calamine, "openpyxl": measure_openpyxl, "giveback": measure_giveback,
            "giveback_openpyxl": measure_giveback_openpyxl, "command": measure_command}
SKIPPED_AT_1M = {"openpyxl", "giveback_openpyxl"}  # a minute or two each, and the point is made below


def child(what: str, path: str, rule: str | None) -> None:
    figures = MEASURES[what](Path(path), rule)
    figures["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(figures))


def measured(what: str, path: Path, rule: str | None) -> dict:
    command = [sys.executable, __file__, "--child", what, str(path), *([rule] if rule else [])]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"{what} on {path.name} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def median_of(what: str, path: Path, repeat: int, rule: str | None) -> dict:
    runs = [measured(what, path, rule) for _ in range(repeat)]
    figures = {key: statistics.median(run[key] for run in runs) for key in runs[0] if key != "peak_mb"}
    figures["peak_mb"] = max(run["peak_mb"] for run in runs)
    return figures


# --- the table ------------------------------------------------------------------------


def bench(size: str, repeat: int, rule: str | None = None) -> dict:
    path = make_books.ensure(size)
    runs = 1 if size == "1m" else repeat
    wanted = [what for what in MEASURES if not (size == "1m" and what in SKIPPED_AT_1M)]
    return ({what: median_of(what, path, runs, rule) for what in wanted}
            | {"size": size, "mb": path.stat().st_size / 2**20, "rule": rule or "default"})


def table_rows(result: dict) -> list[list[str]]:
    size, base, ours = result["size"], result["calamine"], result["giveback"]
    rows, total = base["rows"], ours["total"]
    label = f"{size} ({result['mb']:.0f} MB)" if size == make_books.BIG else size
    if result.get("rule", "default") != "default":
        label += f", --rule {result['rule']}"
    lines = [[label, "calamine read (baseline)", *figures(rows, base["read"], base["peak_mb"]), ""]]
    if "openpyxl" in result:
        slow = result["openpyxl"]
        lines.append(["", "openpyxl read-only (baseline)", *figures(rows, slow["read"], slow["peak_mb"]), ""])
    for stage in ("read", "engine", "write"):
        lines.append(["", f"giveback {stage}", *figures(rows, ours[stage]), f"{ours[stage] / total:.0%} of total"])
    lines.append(["", "giveback total", *figures(rows, total, ours["peak_mb"]), f"{total / base['read']:.1f}x calamine read"])
    if "command" in result:
        command = result["command"]
        lines.append(["", "giveback reconcile command (fresh process)",
                      *figures(rows, command["total"], command["child_peak_mb"]),
                      f"{command['total'] / base['read']:.1f}x calamine read"])
    if "giveback_openpyxl" in result:
        other = result["giveback_openpyxl"]
        lines.append(["", "giveback total, openpyxl reader", *figures(rows, other["total"], other["peak_mb"]),
                      f"{other['total'] / base['read']:.1f}x calamine read"])
    return lines


def figures(rows: int, seconds: float, peak_mb: float | None = None) -> list[str]:
    return [f"{seconds:.2f}", rate(rows, seconds), "" if peak_mb is None else f"{peak_mb:.0f}"]


def rate(rows: int, seconds: float) -> str:
    return f"{rows / seconds:,.0f}" if seconds > 0 else ""


HEADER = ["book", "measurement", "seconds", "usage rows/s", "peak MB", "share or ratio"]


def print_table(results: list[dict], markdown: bool) -> None:
    lines = [row for result in results for row in table_rows(result)]
    if markdown:
        print("| " + " | ".join(HEADER) + " |")
        print("|" + "|".join("---" for _ in HEADER) + "|")
        for line in lines:
            print("| " + " | ".join(line) + " |")
    else:
        widths = [max(len(x) for x in column) for column in zip(HEADER, *lines)]
        for line in [HEADER, *lines]:
            print("  ".join(cell.ljust(width) for cell, width in zip(line, widths)).rstrip())
    print()
    print(goals(results))


def floor(result: dict) -> str:
    """The processor time the run took on every thread, and the least time it could take
    were it spread over all the machine's cores without a wait: no gain from threads or
    processes alone reaches below it."""
    ours, cores = result["giveback"], os.cpu_count() or 1
    best = ours["cpu"] / cores
    return (f"{result['size']}: {ours['cpu']:.2f} s of processor time (all threads) for {ours['total']:.2f} s;"
            f" spread perfectly over {cores} cores: {best:.2f} s = {best / result['calamine']['read']:.2f}x calamine read")


def goals(results: list[dict]) -> str:
    by_size = {result["size"]: result for result in results}
    said = []
    if GOAL_RATIO_SIZE in by_size:
        result = by_size[GOAL_RATIO_SIZE]
        ratio = result["giveback"]["total"] / result["calamine"]["read"]
        said.append(f"{GOAL_RATIO_SIZE} ({result.get('rule', 'default')} rule): total / calamine read = {ratio:.2f}x (goal <= {GOAL_RATIO:g}x): {'met' if ratio <= GOAL_RATIO else 'NOT met'}")
        if "cpu" in result["giveback"]:
            said.append(floor(result))
    if GOAL_MEMORY_SIZE in by_size:
        peak = by_size[GOAL_MEMORY_SIZE]["giveback"]["peak_mb"]
        said.append(f"{GOAL_MEMORY_SIZE}: peak memory {peak:.0f} MB (goal < {GOAL_MEMORY_MB} MB): {'met' if peak < GOAL_MEMORY_MB else 'NOT met'}")
    return "\n".join(said)


def main() -> None:
    if sys.argv[1:2] == ["--child"]:
        return child(sys.argv[2], sys.argv[3], sys.argv[4] if len(sys.argv) > 4 else None)
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--sizes", nargs="+", default=SIZES, choices=SIZES)
    options.add_argument("--repeat", type=int, default=3)
    options.add_argument("--rule", help="reconcile with this rule (giveback reconcile --rule); default: the default rule")
    options.add_argument("--markdown", action="store_true", help="print the table as markdown (for the README)")
    options.add_argument("--last", action="store_true", help=f"print the last run's table again (from {LAST_RUN.name})")
    arguments = options.parse_args()
    if arguments.last:
        return print_table(json.loads(LAST_RUN.read_text()), arguments.markdown)
    results = []
    for size in arguments.sizes:
        results.append(bench(size, arguments.repeat, arguments.rule))
        print(f"measured {size}", file=sys.stderr)
    LAST_RUN.write_text(json.dumps(results, indent=1))
    print_table(results, arguments.markdown)


if __name__ == "__main__":
    main()
