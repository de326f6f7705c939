"""Benchmark: writing output sheets into a user's workbook (`workbook.xlsx.package`).

    .venv/bin/python bench/write.py              # 100k and 1M rows, and the 50 MB book
    .venv/bin/python bench/write.py --rows 10000 --big-mb 5   # a quick look
    .venv/bin/python bench/write.py --sheet-only              # the sheet writer alone

First, in this process, the sheet writer alone (`sheetxml.write_sheet`) on 203,218
LoopTrace-like rows (the 200k benchmark book's trace), median of `--repeat` runs: into
memory and into a deflate-1 zip entry, with rows written column by column (now) and
cell by cell (the writer before, kept as the general way: the baseline); the last line
is the zip entry compressed on a second thread, as `write_outputs` writes it.

Each case runs in its own process so its peak memory (the largest resident set,
`ru_maxrss`, interpreter and imports included) is its own. Cases:

- `giveback`: `write_outputs` of N rows x 9 columns into a copy of a small workbook
  (200 rows with formulas).
- `rows`: making those rows alone; `writer`: `write_outputs` with the rows built
  beforehand (the writer's own speed; its peak memory includes the list of rows).
- `openpyxl`: the baseline, openpyxl's write-only mode writing the same rows to a new file.
- `add-to-big`: `write_outputs` of a 100-row sheet into a ~50 MB workbook, beside
  `copy`, a plain file copy of that workbook (the floor: a byte copy of the user's parts).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import io
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from workbook.xlsx import sheetxml  # noqa: E402
from workbook.xlsx.background import writing_in_background  # noqa: E402
from workbook.xlsx.package import SHEET_COMPRESSION_LEVEL, write_outputs  # noqa: E402
from workbook.seam import Column, OutputSheet  # noqa: E402

COLUMNS = (
    Column("Product", "@", 12), Column("Line"), Column("Quantity", "#,##0.######"),
    Column("Unit Cost", "#,##0.00##"), Column("Extended Cost", "#,##0.00"), Column("Date"),
    Column("Loop", "0"), Column("Settled"), Column("Memo", width=30),
)


def rows(count: int):
    """Trace-like rows: text, Decimals, floats, dates, ints, booleans, a blank now and then."""
    start = dt.date(2024, 1, 1)
    for i in range(count):
        quantity = Decimal(i % 997 - 498) / 4
        yield (
            f"SKU-{i * 7919 % 20_000:05d}", "On" if i % 3 else "Off", quantity,
            Decimal("3.1250"), float(quantity) * 3.125, start + dt.timedelta(days=i % 365),
            i % 17, i % 5 == 0, None if i % 4 else f"give back {i} from lot L{i % 1013}",
        )


TRACE_COLUMNS = (
    Column("Loop", "#,##0"), Column("Phase"), Column("Product"), Column("Reference"), Column("Source"),
    Column("Lot"), Column("Moved", "#,##0"), Column("Lot Used After", "#,##0"),
    Column("Unallocated After", "#,##0"),
)
TRACE_SHEET = OutputSheet("LoopTrace", TRACE_COLUMNS, ())
TRACE_STYLES = sheetxml.CellStyles(columns=(5, 0, 0, 0, 0, 0, 5, 5, 5), general=(False,) + (True,) * 5 + (False,) * 3,
                                   date=6, datetime=7)


def trace_rows(count: int) -> list[tuple]:
    """LoopTrace-like rows: loop, phase, product, reference, source, lot, three quantities."""
    return [
        (i % 40 + 1, "give_back" if i % 3 else "allocate", f"SKU-{i % 5000:05d}", f"PO-{i:07d}",
         f"#{i + 2}", f"L{i % 1013}", Decimal(i % 997 - 498), Decimal(i % 300), Decimal(-(i % 50)))
        for i in range(count)
    ]


def cell_by_cell_encoder(styles: sheetxml.CellStyles, links=None):
    """The baseline: every row cell by cell, as the writer did before runs."""
    encode = sheetxml._cell_by_cell_encoder(sheetxml._CellMarkup.of(styles), [], 0)

    def encode_rows(first: int, rows: list) -> str:
        out: list[str] = []
        for number, values in enumerate(rows, first):
            encode(number, values, out)
        return "".join(out)

    return encode_rows


def write_trace_sheet(rows: list, into: str) -> None:
    def write(stream) -> None:
        sheetxml.write_sheet(stream, TRACE_SHEET, TRACE_STYLES, iter(rows), len(rows), "rId1")

    if into == "memory":
        return write(io.BytesIO())
    with tempfile.TemporaryFile() as file, \
            zipfile.ZipFile(file, "w", zipfile.ZIP_DEFLATED, compresslevel=SHEET_COMPRESSION_LEVEL) as archive, \
            archive.open("sheet.xml", "w") as entry:
        if into == "zip, 2nd thread":
            with writing_in_background(entry) as stream:
                write(stream)
        else:
            write(entry)


def sheet_writer_report(count: int, repeat: int) -> None:
    rows = trace_rows(count)
    print(f"sheet writer alone, {count:,} LoopTrace-like rows x 9, median of {repeat}")
    print(f"{'into':<18}{'encoder':<16}{'seconds':>9}{'rows/s':>11}{'us/row':>8}")
    runs = [("memory", "cell by cell"), ("memory", "runs"), ("zip, main thread", "cell by cell"),
            ("zip, main thread", "runs"), ("zip, 2nd thread", "runs")]
    fast = sheetxml._rows_encoder
    for into, encoder in runs:
        sheetxml._rows_encoder = cell_by_cell_encoder if encoder == "cell by cell" else fast
        try:
            seconds = statistics.median(timed(lambda: write_trace_sheet(rows, into)) for _ in range(repeat))
        finally:
            sheetxml._rows_encoder = fast
        print(f"{into:<18}{encoder:<16}{seconds:>9.3f}{count / seconds:>11,.0f}{seconds / count * 1e6:>8.2f}")
    print()


def small_workbook(path: Path) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "Usage"
    for i in range(200):
        book.active.append([f"SKU-{i:05d}", i + 1, "=B{0}*2".format(i + 1)])
    book.save(path)
    return path


def timed(function) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def case_giveback(folder: Path, count: int) -> float:
    return timed(lambda: write_outputs(folder / "small.xlsx", folder / "out.xlsx",
                                       [OutputSheet("LoopTrace", COLUMNS, rows(count))]))


def case_writer_alone(folder: Path, count: int) -> float:
    """The same, with the rows built beforehand: the writer's own speed."""
    built = list(rows(count))
    return timed(lambda: write_outputs(folder / "small.xlsx", folder / "out.xlsx",
                                       [OutputSheet("LoopTrace", COLUMNS, built)]))


def case_openpyxl(folder: Path, count: int) -> float:
    import openpyxl

    def write() -> None:
        book = openpyxl.Workbook(write_only=True)
        sheet = book.create_sheet("LoopTrace")
        sheet.append([column.header for column in COLUMNS])
        for row in rows(count):
            sheet.append(row)
        book.save(folder / "out.xlsx")

    return timed(write)


def case_add_to_big(folder: Path, count: int) -> float:
    summary = OutputSheet("Summary", COLUMNS, rows(100))
    return timed(lambda: write_outputs(folder / "big.xlsx", folder / "out.xlsx", [summary]))


def case_copy(folder: Path, count: int) -> float:
    return timed(lambda: shutil.copyfile(folder / "big.xlsx", folder / "out.xlsx"))


def case_rows_alone(folder: Path, count: int) -> float:
    return timed(lambda: sum(1 for _ in rows(count)))


CASES = {"giveback": case_giveback, "writer": case_writer_alone, "rows": case_rows_alone,
         "openpyxl": case_openpyxl, "add-to-big": case_add_to_big, "copy": case_copy}


def run_case(name: str, folder: Path, count: int) -> dict:
    """Run one case in a fresh process; its seconds and peak resident memory."""
    output = subprocess.run(
        [sys.executable, __file__, "--case", name, "--folder", str(folder), "--rows", str(count)],
        check=True, capture_output=True, text=True,
    ).stdout
    return json.loads(output.splitlines()[-1])


def make_big_workbook(folder: Path, megabytes: int) -> tuple[Path, int]:
    """A workbook of about `megabytes` MB: a small user sheet plus one large sheet."""
    rows_needed = megabytes * 1_000_000 // 62  # about 62 compressed bytes a row
    big = folder / "big.xlsx"
    write_outputs(folder / "small.xlsx", big, [OutputSheet("Archive", COLUMNS, rows(rows_needed))])
    return big, rows_needed


def main() -> None:
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--rows", type=int, nargs="*", default=[100_000, 1_000_000])
    arguments.add_argument("--big-mb", type=int, default=50)
    arguments.add_argument("--case", choices=CASES)
    arguments.add_argument("--folder", type=Path)
    arguments.add_argument("--sheet-rows", type=int, default=203_218)
    arguments.add_argument("--repeat", type=int, default=5)
    arguments.add_argument("--sheet-only", action="store_true")
    options = arguments.parse_args()
    if options.case:
        seconds = CASES[options.case](options.folder, options.rows[0])
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps({"seconds": seconds, "peak_mb": peak}))
        return
    sheet_writer_report(options.sheet_rows, options.repeat)
    if not options.sheet_only:
        report(options.rows, options.big_mb)


def report(sizes: list[int], big_mb: int) -> None:
    lines = [f"{'case':<44}{'seconds':>9}{'rows/s':>11}{'peak MB':>9}"]
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        small_workbook(folder / "small.xlsx")
        for count in sizes:
            ours = run_case("giveback", folder, count)
            baseline = run_case("openpyxl", folder, count)
            lines.append(_line(f"giveback write_outputs, {count:,} rows x 9", ours, count))
            lines.append(_line("  of which making the rows (generator)", run_case("rows", folder, count), count))
            lines.append(_line("  writer alone (rows built beforehand)", run_case("writer", folder, count), count))
            lines.append(_line(f"baseline: openpyxl write-only, {count:,} rows", baseline, count))
            lines.append(f"  giveback takes {ours['seconds'] / baseline['seconds']:.2f}x "
                         "openpyxl write-only's time")
        big, big_rows = make_big_workbook(folder, big_mb)
        size = big.stat().st_size / 1e6
        for name, label in [("add-to-big", f"add a 100-row sheet to a {size:.0f} MB book"),
                            ("copy", f"baseline: copy the {size:.0f} MB file")]:
            lines.append(_line(label, run_case(name, folder, 0), None))
    print(f"python {sys.version.split()[0]}; the {big_mb} MB book holds {big_rows:,} rows x 9")
    print("\n".join(lines))


def _line(label: str, result: dict, count: int | None) -> str:
    speed = f"{count / result['seconds']:,.0f}" if count else "-"
    return f"{label:<44}{result['seconds']:>9.2f}{speed:>11}{result['peak_mb']:>9.0f}"


if __name__ == "__main__":
    main()
