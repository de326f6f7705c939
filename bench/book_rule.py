"""What the `book` rule (the default) costs against the guide's rule of thumb: a whole
`giveback reconcile` of 60,000 Usage rows over 4,000 products, each rule in a fresh
process, alternated, the median of several runs; and the recommending alone, in process.
Goal (issue 21): the book rule within 1.15x the guide's.

    .venv/bin/python bench/book_rule.py [--repeat 5]

The book rule needs every product's pace and, for the book curve, its smallest entry at
each of the book's run counts; the guide's rule still counts each product's options and
the guide's own runs, so both do the same reading, writing and tracing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Iterator

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

import make_books  # noqa: E402

ROWS, PRODUCTS = 60_000, 4_000
BOOK = make_books.BOOKS_DIR / f"book-rule-{ROWS // 1000}k.xlsx"


def usage_rows(seed: int = 18) -> Iterator[tuple]:
    """The header, then ROWS usage rows, 15 a product: about 35% returns, one in five with
    cents, a cost each."""
    rng = random.Random(seed)
    products = [f"SKU-{n:05d}" for n in range(1, PRODUCTS + 1)]
    yield make_books.USAGE_HEADER
    for row in range(1, ROWS + 1):
        units = rng.randint(1, 500) if rng.random() < 0.8 else rng.randint(100, 50_000) / 100
        quantity = -units if rng.random() < 0.35 else units
        day = make_books.FIRST_DAY + dt.timedelta(days=rng.randrange(365))
        yield (products[row % PRODUCTS], quantity, day, f"INV-{row:07d}", rng.randint(50, 20_000) / 100)


def ensure() -> Path:
    if not BOOK.exists():
        BOOK.parent.mkdir(parents=True, exist_ok=True)
        make_books.write_xlsx(BOOK, [("Usage", f"A1:E{ROWS + 1}", usage_rows())])
    return BOOK


def command(rule: str) -> float:
    """Seconds for `giveback reconcile BOOK -o OUT --rule RULE --json` in a fresh process."""
    giveback = Path(sys.executable).with_name("giveback")
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        done = subprocess.run([str(giveback), "reconcile", str(BOOK), "-o", str(Path(folder) / "out.xlsx"),
                               "--rule", rule, "--json"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        seconds = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"giveback reconcile --rule {rule} failed: {done.stderr}")
    return seconds


def recommending(rule: str, products) -> float:
    """Seconds for `core.book.recommend_book` alone over the book's products."""
    from core.book import recommend_book
    from core.models import Policy

    started = time.perf_counter()
    recommend_book(products, Policy(rule=rule))
    return time.perf_counter() - started


def read_products():
    """The book's products as `reconcile` assembles them."""
    from workbook.files.books import open_book
    from workbook.reconcile import reconcile

    with open_book(BOOK) as reader:
        return reconcile(reader, {"rule": "guide"}).ready


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    repeat = parser.parse_args().repeat
    ensure()
    products = read_products()
    print(f"{ROWS:,} Usage rows over {len(products):,} products ({BOOK.name})")
    timings: dict[str, dict[str, list[float]]] = {"command": {"guide": [], "book": []},
                                                  "recommending": {"guide": [], "book": []}}
    for _ in range(repeat):  # alternated, so a busy moment weighs on both rules alike
        for rule in ("guide", "book"):
            timings["command"][rule].append(command(rule))
            timings["recommending"][rule].append(recommending(rule, products))
    print(f"{'':<34}{'guide':>10}{'book':>10}{'ratio':>8}")
    for what, label in (("command", "giveback reconcile (fresh process)"), ("recommending", "recommend_book alone")):
        guide, book = (statistics.median(timings[what][rule]) for rule in ("guide", "book"))
        print(f"{label:<34}{guide:>9.2f}s{book:>9.2f}s{book / guide:>7.2f}x")
    guide, book = (statistics.median(timings["command"][rule]) for rule in ("guide", "book"))
    print(f"goal: the book rule within 1.15x the guide's: {'met' if book / guide <= 1.15 else 'NOT met'}"
          f" ({book / guide:.2f}x, median of {repeat})")


if __name__ == "__main__":
    main()
