"""Benchmark inputs: usage workbooks of 10k to 1M rows, and a 50 MB book with a small
Usage sheet, generated fast and cached under `bench/.books/`.

    .venv/bin/python bench/make_books.py [10k 100k 200k 1m big ...]   # default: all

The Usage sheet has the schema's five columns: Product (about 100 rows a product, so
2,000 products at 200k rows), Quantity (signed, about 35% returns, one in five with two
decimals), Date (a date cell), Reference (text) and Unit Cost. The rows are random but
seeded: the same size always gives the same book.

The books are written by a small streaming writer (`write_xlsx`), not openpyxl: sheet XML
is formatted row by row straight into the zip entry, text as shared strings, as Excel
saves them, so a million rows take seconds and little memory.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
import zipfile
from pathlib import Path
from typing import Iterable, Iterator, Sequence
from xml.sax.saxutils import escape

BOOKS_DIR = Path(__file__).resolve().parent / ".books"
USAGE_HEADER = ("Product", "Quantity", "Date", "Reference", "Unit Cost")
SIZES = {"10k": 10_000, "100k": 100_000, "200k": 200_000, "1m": 1_000_000}
BIG = "big"  # the 50 MB workbook: a large user sheet and a 500-row Usage sheet
BIG_USAGE_ROWS = 500
BIG_LEDGER_ROWS = 920_000  # about 50 MB compressed at 6 numeric columns
ROWS_PER_PRODUCT = 100
EPOCH = dt.date(1899, 12, 30)
FIRST_DAY = dt.date(2025, 1, 1)

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
STYLES_XML = (
    f'<styleSheet xmlns="{MAIN_NS}"><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
)
DATE_STYLE = 1


def book_path(name: str) -> Path:
    return BOOKS_DIR / f"usage-{name}.xlsx"


def ensure(name: str) -> Path:
    """The cached book `name` (a key of SIZES, or BIG), generated when missing."""
    path = book_path(name)
    if not path.exists():
        BOOKS_DIR.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        write_xlsx(partial, book_sheets(name))
        partial.replace(path)
    return path


def book_sheets(name: str) -> list[tuple[str, str, Iterable[Sequence[object]]]]:
    """(name, used range, rows) for each sheet of book `name`."""
    if name == BIG:
        return [("Ledger", f"A1:F{BIG_LEDGER_ROWS + 1}", ledger_rows(BIG_LEDGER_ROWS)),
                ("Usage", f"A1:E{BIG_USAGE_ROWS + 1}", usage_rows(BIG_USAGE_ROWS))]
    return [("Usage", f"A1:E{SIZES[name] + 1}", usage_rows(SIZES[name]))]


def usage_rows(count: int, seed: int = 2026) -> Iterator[tuple]:
    """The header, then `count` usage rows over `count // 100` products (at least 5)."""
    rng = random.Random(seed + count)
    products = [f"SKU-{n:05d}" for n in range(1, max(5, count // ROWS_PER_PRODUCT) + 1)]
    yield USAGE_HEADER
    for row in range(1, count + 1):
        units = rng.randint(1, 500) if rng.random() < 0.8 else rng.randint(100, 50_000) / 100
        quantity = -units if rng.random() < 0.35 else units
        day = FIRST_DAY + dt.timedelta(days=rng.randrange(365))
        cost = rng.randint(50, 20_000) / 100
        yield (rng.choice(products), quantity, day, f"INV-{row:07d}", cost)


def ledger_rows(count: int, seed: int = 7) -> Iterator[tuple]:
    """An unrelated user sheet: an id and five random amounts a row."""
    rng = random.Random(seed)
    yield ("Entry", "Debit", "Credit", "Balance", "Rate", "Units")
    for row in range(1, count + 1):
        yield (row, *(round(rng.uniform(0, 1e6), 4) for _ in range(5)))


def write_xlsx(path: Path, sheets: Sequence[tuple[str, str, Iterable[Sequence[object]]]]) -> None:
    """A minimal valid .xlsx: the sheets streamed in order, then the shared strings."""
    strings: dict[str, int] = {}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=6, allowZip64=True) as archive:
        for number, (_, used_range, rows) in enumerate(sheets, 1):
            with archive.open(f"xl/worksheets/sheet{number}.xml", "w", force_zip64=True) as part:
                write_sheet(part, used_range, rows, strings)
        archive.writestr("xl/sharedStrings.xml", shared_strings_xml(strings))
        for name, text in package_parts([name for name, _, _ in sheets]).items():
            archive.writestr(name, text)


def write_sheet(part, used_range: str, rows: Iterable[Sequence[object]], strings: dict[str, int]) -> None:
    """The sheet's XML, with its used range stated as Excel does (without it openpyxl's
    read-only mode parses every sheet of the book at load time to find it)."""
    part.write(
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN_NS}">'
        f'<dimension ref="{used_range}"/><sheetData>'.encode()
    )
    batch: list[str] = []
    for number, row in enumerate(rows, 1):
        batch.append(row_xml(number, row, strings))
        if len(batch) == 5_000:
            part.write("".join(batch).encode())
            batch.clear()
    part.write(("".join(batch) + "</sheetData></worksheet>").encode())


LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def row_xml(number: int, row: Sequence[object], strings: dict[str, int]) -> str:
    cells = []
    for column, value in enumerate(row):
        ref = f"{LETTERS[column]}{number}"
        if isinstance(value, str):
            index = strings.setdefault(value, len(strings))
            cells.append(f'<c r="{ref}" t="s"><v>{index}</v></c>')
        elif isinstance(value, dt.date):
            cells.append(f'<c r="{ref}" s="{DATE_STYLE}"><v>{(value - EPOCH).days}</v></c>')
        elif value is not None:
            cells.append(f'<c r="{ref}"><v>{value!r}</v></c>')
    return f'<row r="{number}">{"".join(cells)}</row>'


def shared_strings_xml(strings: dict[str, int]) -> bytes:
    items = "".join(f"<si><t>{escape(text)}</t></si>" for text in strings)
    count = len(strings)
    return f'<sst xmlns="{MAIN_NS}" count="{count}" uniqueCount="{count}">{items}</sst>'.encode()


def package_parts(names: Sequence[str]) -> dict[str, str]:
    """Content types, relationships and the workbook part for sheets `names`."""
    sheets = "".join(f'<sheet name="{escape(n)}" sheetId="{i}" r:id="rId{i}"/>' for i, n in enumerate(names, 1))
    sheet_rels = "".join(
        f'<Relationship Id="rId{i}" Type="{DOC_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, len(names) + 1)
    )
    n = len(names)
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{SHEET_TYPE}"/>' for i in range(1, n + 1)
    )
    ml = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    return {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{ml}.sheet.main+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{ml}.styles+xml"/>'
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{ml}.sharedStrings+xml"/>'
            f"{overrides}</Types>"
        ),
        "_rels/.rels": (
            f'<Relationships xmlns="{PKG_REL_NS}">'
            f'<Relationship Id="rId1" Type="{DOC_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": f'<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><sheets>{sheets}</sheets></workbook>',
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{PKG_REL_NS}">{sheet_rels}'
            f'<Relationship Id="rId{n + 1}" Type="{DOC_REL}/styles" Target="styles.xml"/>'
            f'<Relationship Id="rId{n + 2}" Type="{DOC_REL}/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>"
        ),
        "xl/styles.xml": STYLES_XML,
    }


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("names", nargs="*", help=f"any of {', '.join([*SIZES, BIG])} (default: all)")
    names = options.parse_args().names or [*SIZES, BIG]
    if unknown := set(names) - {*SIZES, BIG}:
        options.error(f"unknown books: {', '.join(sorted(unknown))}")
    for name in names:
        started = time.perf_counter()
        path = ensure(name)
        print(f"{path.name}: {path.stat().st_size / 2**20:.1f} MiB ({time.perf_counter() - started:.1f} s)", file=sys.stderr)


if __name__ == "__main__":
    main()
