"""What the run record costs on a large book (SPEC section 11): the reconcile with and
without recording the input values read, the RunRecord sheet's size, and `giveback check`
on the result, current and stale.

    .venv/bin/python bench/record.py [--size 200k] [--repeat 3]

Times are CPU seconds of this process (medians of `--repeat` runs): the wall clock of a
machine whose two cores other work shares says more about that work than about this.

- recording alone: the Usage sheet's rows (read once, in memory) through the codec's
  header and rows, with and without the recorder;
- reconcile: `giveback reconcile BOOK -o OUT` (`reconcile_file`), as it is, and with a
  recorder that passes the rows on without recording them (and so no RunRecord sheet),
  in turns; the median difference is what recording costs;
- the RunRecord sheet: its cells, the characters in them (what Office.js reads for Check)
  and its compressed part in the output file, beside the Usage sheet's;
- check, current: `giveback check OUT` on the file (read, fingerprint, recommend for the
  follow-up's prediction); stale: the same book in memory with one Usage cell and one row
  changed, the check naming them (the diff included).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]

import make_books  # noqa: E402

import giveback.reconcile as command  # noqa: E402
import workbook.reconcile as reconciling  # noqa: E402
from giveback.check import check_file  # noqa: E402
from workbook.close.check import check  # noqa: E402
from workbook.close.record import Recorder  # noqa: E402
from workbook.files.books import open_book  # noqa: E402
from workbook.seam import Grids  # noqa: E402
from workbook.sheets.run_record import RUN_RECORD  # noqa: E402


class NotRecording(Recorder):
    """Passes the rows on, records nothing (the cost of reading alone)."""

    def known_columns(self, schema, header, rows):
        return rows

    def every_cell(self, schema, name, rows):
        return rows


def timed(work, repeat: int) -> float:
    """The median CPU seconds of `work` (this process's, threads included): on a machine
    whose cores are shared, steadier than the wall clock."""
    times = []
    for _ in range(repeat):
        started = time.process_time()
        work()
        times.append(time.process_time() - started)
    return statistics.median(times)


def reconcile_seconds(book: Path, target: Path, recording: bool) -> float:
    original = reconciling.Recorder
    reconciling.Recorder = Recorder if recording else NotRecording
    try:
        return timed(lambda: command.reconcile_file(book, target, {}, quiet=True), 1)
    finally:
        reconciling.Recorder = original


def paired(book: Path, folder: Path, repeat: int) -> tuple[float, float, float]:
    """The reconcile without and with recording, run in turns (so that the machine's
    other work weighs on both alike): their medians and the median of the differences."""
    without, with_record = [], []
    for _ in range(repeat):
        without.append(reconcile_seconds(book, folder / "bare.xlsx", recording=False))
        with_record.append(reconcile_seconds(book, folder / "out.xlsx", recording=True))
    differences = [b - a for a, b in zip(without, with_record)]
    return statistics.median(without), statistics.median(with_record), statistics.median(differences)


def part_sizes(path: Path, sheet: str) -> tuple[int, int]:
    """(compressed, uncompressed) bytes of the sheet's part."""
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    index = book.sheetnames.index(sheet) + 1
    book.close()
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(f"xl/worksheets/sheet{index}.xml")
        return info.compress_size, info.file_size


def recording_alone(book: Path, repeat: int) -> tuple[float, float]:
    """CPU seconds to pass the Usage rows on to the codec, without and with recording."""
    from workbook.sheets.schema import USAGE, find_header, numbered

    with open_book(book) as reader:
        rows = list(reader.rows("Usage"))

    def through(recorder: Recorder | None):
        numbered_rows = numbered(iter(rows))
        header = find_header(USAGE, "Usage", numbered_rows)
        passed = recorder.known_columns(USAGE, header, numbered_rows) if recorder else numbered_rows
        for _ in passed:
            pass
        if recorder:
            recorder.sheets["Usage"].packed()
            recorder.fingerprint()

    return timed(lambda: through(None), repeat), timed(lambda: through(Recorder()), repeat)


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--size", default="200k", choices=list(make_books.SIZES))
    options.add_argument("--repeat", type=int, default=3)
    args = options.parse_args()
    book = make_books.ensure(args.size)
    plain, recorded = recording_alone(book, args.repeat)
    print(f"recording alone, {args.size} Usage rows (CPU): {recorded - plain:.2f} s ({plain:.2f} s to pass them on,"
          f" {recorded:.2f} s recording them)")
    with tempfile.TemporaryDirectory() as folder:
        target, bare = Path(folder) / "out.xlsx", Path(folder) / "bare.xlsx"
        without, with_record, more = paired(book, Path(folder), args.repeat)
        print(f"reconcile {args.size} (CPU): {without:.2f} s without recording, {with_record:.2f} s with "
              f"(median difference +{more:.2f} s, {100 * more / without:+.0f}%)")
        print(f"output file: {bare.stat().st_size / 1e6:.1f} MB without the record, "
              f"{target.stat().st_size / 1e6:.1f} MB with it")
        with open_book(target) as reader:
            rows = list(reader.rows(RUN_RECORD))
            inputs = {name: list(reader.rows(name)) for name in reader.sheet_names() if name in ("Usage", "Summary")}
        characters = sum(len(str(value)) for row in rows for value in row if value)
        record_part, usage_part = part_sizes(target, RUN_RECORD), part_sizes(target, "Usage")
        print(f"RunRecord: {len(rows)} rows, {characters / 1e6:.2f} M characters; part {record_part[0] / 1e6:.2f} MB"
              f" compressed ({record_part[1] / 1e6:.2f} MB); Usage's part {usage_part[0] / 1e6:.2f} MB"
              f" ({usage_part[1] / 1e6:.2f} MB)")
        current = timed(lambda: check_file(target), args.repeat)
        print(f"check, current, from the file (CPU): {current:.2f} s ({check_file(target).status})")
        usage = [list(row) for row in inputs["Usage"]]
        usage[14][1] = 12345
        del usage[100_000 if len(usage) > 100_000 else len(usage) // 2]
        grids = Grids({"Usage": usage, "Summary": inputs["Summary"], RUN_RECORD: rows})
        result = check(grids)
        stale = timed(lambda: check(grids), args.repeat)
        print(f"check, stale (a cell edited, a row deleted), in memory (CPU): {stale:.2f} s; "
              f"{len(result.changes.listed)} changes listed, first {result.changes.listed[0].cell}")


if __name__ == "__main__":
    main()
