"""Command-line options that several commands share."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Callable

from core import to_quantity


def print_json(data: object) -> None:
    """`data` as JSON on stdout: indented for a person at a terminal, compact for a program
    (Python's indenting encoder is pure Python, ten times slower than the compact one: a
    4,000-product report takes a second to indent)."""
    print(json.dumps(data, indent=2 if sys.stdout.isatty() else None))


def at_least(parse: Callable[[str], object], least: int, what: str) -> Callable[[str], object]:
    """An argparse type: `parse`'s value of the text, refused below `least` or when not
    `what` it must be."""

    def convert(text: str) -> object:
        try:
            value = parse(text)
        except ValueError:  # NotAQuantity is one
            raise argparse.ArgumentTypeError(f"{text!r} is not {what}") from None
        if value < least:
            raise argparse.ArgumentTypeError(f"must be {least} or more")
        return value

    return convert


positive_int = at_least(int, 1, "a whole number")
units = at_least(to_quantity, 0, "a number")  # exact: core.to_quantity


def rule_conflict(rule: str | None, max_runs: int | None, capped: bool = False) -> str | None:
    """What is wrong with options that the rule asked for would not use (SPEC section 4:
    never silence; `core.rules.UNUSED`), if anything: a run budget beside the guide's or
    the fewest rule, a write-off cap beside the guide's."""
    from core.rules import unused

    if rule is None:
        return None
    given = [name for name, on in (("max_runs", max_runs), ("max_write_off", capped)) if on]
    not_used = unused(rule, given)
    if "max_runs" in not_used:
        return (f"--rule {rule} and --max-runs do not go together: --max-runs K asks for the smallest adjustments"
                f" that clear the whole book within K runs, which the {rule} rule does not do. Give one of them.")
    if not_used:
        return ("--rule guide and a write-off cap do not go together: the guide's rule of thumb is shown as it is."
                " Leave out --max-write-off and --max-write-off-cost, or use the book or fewest rule.")
    return None


def rule_options(parser: argparse.ArgumentParser, from_settings: bool = False) -> None:
    """--rule, --max-runs, --lot-order. With `from_settings`, their defaults are None so
    a workbook's Settings sheet decides unless the option is given."""
    since = "overrides the Settings sheet; " if from_settings else ""
    parser.add_argument(
        "--rule", choices=["book", "fewest", "guide"], default=None if from_settings else "book",
        help=f"{since}book: the smallest lines that clear within the runs the book needs anyway, never larger than"
        " the guide's (default); fewest: fewest runs, then the smallest entry; guide: the ERP guide's rule of thumb",
    )
    parser.add_argument(
        "--max-runs", type=positive_int, metavar="K",
        help="the smallest adjustment that clears within K runs, for every product (with the book rule)",
    )
    parser.add_argument(
        "--lot-order", choices=["fifo", "lifo"], default=None if from_settings else "fifo",
        help=f"{since}how usage draws on lots (default fifo)",
    )


def cap_options(parser: argparse.ArgumentParser, from_settings: bool = False) -> None:
    """--max-write-off and --max-write-off-cost: the write-off cap of `fewest` and `budget`."""
    since = "overrides the Settings sheet; " if from_settings else ""
    parser.add_argument("--max-write-off", type=units, metavar="X",
                        help=f"{since}write off at most X units (the off line)")
    parser.add_argument("--max-write-off-cost", type=units, metavar="X",
                        help=f"{since}write off at most X in cost, where the unit cost is known")
