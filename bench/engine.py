"""Engine benchmark: `fewest` on a 10,000-record product on a 0.01 grid, the what-if of an
adjustment of 1 against a million units, and the 2,000 products of the scale benchmark's
200k-row book. Prints seconds and peak memory beside the naive baseline (one full
simulation per grid step), measured on a sample in the same run; and what the options
(SPEC section 4) cost against the rest of the product's or the book's reconcile
(recommend and trace), also measured in the same run.

    make bench            # or: .venv/bin/python bench/engine.py [--records N] [--book-rows N]
"""

from __future__ import annotations

import argparse
import importlib
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parent.parent)]

import make_books  # noqa: E402
from core import Adjustment, Policy, ProductUsage, Usage, ledger, recommend, simulate, to_quantity  # noqa: E402
from core.recommend import option_steps, options, trace_of  # noqa: E402
from core.rules import RULES, guide, outcome, search_space  # noqa: E402
from core.whatif import what_if  # noqa: E402
from giveback.reconcile import fewer_collections  # noqa: E402


def usage_product(records: int, returns: float = 0.35, seed: int = 7) -> ProductUsage:
    """Quantities in the thousands with 0.01 steps, `returns` of them returns."""
    rng = random.Random(seed)
    usage = []
    for row in range(1, records + 1):
        quantity = Decimal(rng.randint(1, 500_000)) / 100
        usage.append(Usage(product="BENCH", quantity=-quantity if rng.random() < returns else quantity, row=row, source=f"Usage!B{row + 1}"))
    return ProductUsage(product="BENCH", usage=tuple(usage))


def timed(function, *args, repeat: int = 3):
    """Best of `repeat` timings (no tracer attached), then one more run for peak memory."""
    seconds = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        result = function(*args)
        seconds = min(seconds, time.perf_counter() - started)
    tracemalloc.start()
    function(*args)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return result, seconds, peak / 2**20


def naive_seconds_per_step(product: ProductUsage, samples: int = 3) -> float:
    """One record-by-record simulation per grid W: what trying every step would cost."""
    space = search_space(product)
    started = time.perf_counter()
    for k in range(samples):
        w = space.low + (space.high - space.low) * k / samples
        w = w.quantize(space.step)
        simulate(ledger(product.product, product.usage, (), Adjustment(on=space.delta + w, off=w)))
    return (time.perf_counter() - started) / samples


def fewest_on(product: ProductUsage, records: int) -> None:
    rec, seconds, peak = timed(recommend, product, Policy())
    space = search_space(product)
    steps = int((space.high - space.low) / space.step) + 1
    per_step = naive_seconds_per_step(product)
    print(f"fewest on {records:,} records ({rec.case.label.lower()}, grid {space.step}, {steps:,} steps)")
    print(f"  W {rec.chosen.w}  loops {rec.chosen.loops}  guide W {rec.guide.w} loops {rec.guide.loops}  trace rows {len(rec.trace):,}")
    print(f"  seconds {seconds:.3f} (goal < 1 s)  peak memory {peak:.1f} MiB")
    print(f"  naive baseline: {per_step:.3f} s a step x {steps:,} steps = {per_step * steps:,.0f} s  -> {per_step * steps / seconds:,.0f}x faster")


def options_seconds(products: list[ProductUsage], policy: Policy) -> tuple[float, int]:
    """Seconds to find every product's options, given its chosen and guide adjustments
    (what `recommend` adds for them), and how many options there were."""
    ready = []
    for product in products:
        space = search_space(product)
        chosen = outcome(space, RULES[policy.rule](space, policy), policy.rule, policy)
        ready.append((space, chosen, outcome(space, guide(space, policy), "guide", policy)))
    started = time.perf_counter()
    found = sum(len(options(space, option_steps(space, chosen, by_guide), chosen, by_guide, policy))
                for space, chosen, by_guide in ready)
    return time.perf_counter() - started, found


def options_on(product: ProductUsage, records: int, repeat: int = 5) -> None:
    """The options of one product against its reconcile: recommend (options included) and
    its trace, as `giveback reconcile` does them; best of `repeat`."""
    policy = Policy()
    found = min((options_seconds([product], policy) for _ in range(repeat)), key=lambda timing: timing[0])
    rec, reconcile, _ = timed(recommend, product, policy, repeat=repeat)
    print(f"options of the {records:,}-record product: {found[1]} options")
    print("  " + ", ".join(f"{option.loops} runs: W {option.w}" for option in rec.options))
    print(f"  options {found[0] * 1000:.2f} ms; its reconcile (recommend + trace) {reconcile * 1000:.1f} ms"
          f" -> options {found[0] / reconcile:.1%} of it (goal < 10%)")


def book_products(rows: int) -> list[ProductUsage]:
    """The products of the scale benchmark's book of `rows` usage rows (`make_books`: about
    100 rows a product, dated and costed), made in sheet row order with equal values shared,
    as the Usage reader makes them, so that records lie in memory as they do in a run."""
    shared: dict = {}
    by_product = defaultdict(list)
    rows_read = make_books.usage_rows(rows)
    next(rows_read)  # the header
    for row, (product, quantity, day, reference, cost) in enumerate(rows_read, start=2):
        quantity, day, cost = (shared.setdefault(v, v) for v in (to_quantity(quantity), day, to_quantity(cost)))
        by_product[product].append(Usage(
            product=product, quantity=quantity, date=day, reference=reference, unit_cost=cost,
            row=row, source=f"Usage!B{row}",
        ))
    return [ProductUsage(product=product, usage=tuple(usage)) for product, usage in by_product.items()]


def engine_on_book(rows: int, repeat: int = 5) -> None:
    """`recommend` without the trace for every product, then each product's trace streamed
    (`trace_of`, as LoopTrace is written), with the collector as `giveback reconcile` sets
    it; medians of `repeat` runs."""
    products, policy = book_products(rows), Policy()
    recommending, tracing = [], []
    with fewer_collections():
        for _ in range(repeat):
            started = time.perf_counter()
            chosen = [recommend(product, policy, with_trace=False).chosen for product in products]
            recommended = time.perf_counter()
            trace_rows = sum(len(trace_of(product, outcome, policy)) for product, outcome in zip(products, chosen))
            recommending.append(recommended - started)
            tracing.append(time.perf_counter() - recommended)
        finding = [options_seconds(products, policy) for _ in range(repeat)]
    seconds = statistics.median(recommending), statistics.median(tracing)
    print(f"the {rows:,}-row book: {len(products):,} products, {trace_rows:,} trace rows (rule fewest)")
    print(f"  recommend {seconds[0]:.3f} s  trace {seconds[1]:.3f} s  together {sum(seconds):.3f} s (median of {repeat})")
    found = statistics.median(seconds for seconds, _ in finding), finding[0][1]
    print(f"  options {found[0]:.3f} s ({found[1]:,} options, inside recommend) -> {found[0] / sum(seconds):.1%}"
          " of recommend + trace (goal < 10% of the reconcile)")


def options_in_reconcile(size: str = "200k", repeat: int = 3) -> None:
    """`giveback reconcile` of the scale benchmark's book (`make_books`), timed whole, and
    inside it the options (`core.recommend.options`) and the writing of the Options sheet;
    medians of `repeat` runs."""
    import pipeline
    from giveback.reconcile import reconcile_file
    from workbook.xlsx import package

    engine = importlib.import_module("core.recommend")  # `core.recommend` is also the function
    book = make_books.ensure(size)
    finding = engine.options = pipeline.Stopwatch(engine.options)
    writing = package._write_output = _OptionsSheetStopwatch(package._write_output)
    timings = []
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(repeat):
            finding.seconds = writing.seconds = 0.0
            started = time.perf_counter()
            reconcile_file(book, Path(folder) / "out.xlsx", {}, quiet=True)
            timings.append((time.perf_counter() - started, finding.seconds, writing.seconds))
    total, found, written = (statistics.median(column) for column in zip(*timings))
    print(f"the {size} book's reconcile (giveback reconcile, read to write): {total:.3f} s (median of {repeat})")
    print(f"  options {found:.3f} s + the Options sheet {written:.3f} s = {found + written:.3f} s"
          f" -> {(found + written) / total:.1%} of the reconcile (goal < 10%)")


class _OptionsSheetStopwatch:
    """Adds up the seconds `package._write_output` spends on the Options sheet."""

    def __init__(self, function):
        self.function, self.seconds = function, 0.0

    def __call__(self, archive, edit, output):
        started = time.perf_counter()
        try:
            return self.function(archive, edit, output)
        finally:
            if output.name == "Options":
                self.seconds += time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--book-rows", type=int, default=200_000, help="0 skips the book")
    parser.add_argument("--reconcile", default="200k", help="the book reconciled whole (make_books' size); none skips it")
    arguments = parser.parse_args()
    records = arguments.records

    for returns in (0.35, 0.55):
        fewest_on(usage_product(records, returns), records)
    options_on(usage_product(records), records)

    result, seconds, peak = timed(what_if, [1_000_000, -999_999], 1, 1)
    print("what-if Q = 1 against 1,000,000 units (usage +1,000,000 / -999,999)")
    print(f"  loops {result.outcome.loops:,} (exact)  settled {result.outcome.settled}  capped {result.outcome.capped} (trace {len(result.trace):,} rows, first 10,000 runs)")
    print(f"  seconds {seconds:.3f}  peak memory {peak:.1f} MiB")

    if arguments.book_rows:
        engine_on_book(arguments.book_rows)
    if arguments.reconcile != "none":
        options_in_reconcile(arguments.reconcile)


if __name__ == "__main__":
    main()
