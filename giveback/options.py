"""Command-line options that several commands share."""

from __future__ import annotations

import argparse

from core import NotAQuantity, to_quantity


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def rule_options(parser: argparse.ArgumentParser, from_settings: bool = False) -> None:
    """--rule, --max-runs, --lot-order. With `from_settings`, their defaults are None so
    a workbook's Settings sheet decides unless the option is given."""
    since = "overrides the Settings sheet; " if from_settings else ""
    parser.add_argument(
        "--rule", choices=["fewest", "guide"], default=None if from_settings else "fewest",
        help=f"{since}fewest: fewest runs with the smallest entry (default); guide: the ERP guide's rule of thumb",
    )
    parser.add_argument(
        "--max-runs", type=positive_int, metavar="K",
        help="budget: the smallest adjustment that settles within K runs",
    )
    parser.add_argument(
        "--lot-order", choices=["fifo", "lifo"], default=None if from_settings else "fifo",
        help=f"{since}how usage draws on lots (default fifo)",
    )


def units(text: str) -> object:
    """A quantity of 0 or more, as typed (`core.to_quantity` reads it exactly)."""
    try:
        value = to_quantity(text)
    except NotAQuantity:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


def cap_options(parser: argparse.ArgumentParser, from_settings: bool = False) -> None:
    """--max-write-off and --max-write-off-cost: the write-off cap of `fewest` and `budget`."""
    since = "overrides the Settings sheet; " if from_settings else ""
    parser.add_argument("--max-write-off", type=units, metavar="X",
                        help=f"{since}write off at most X units (the off line)")
    parser.add_argument("--max-write-off-cost", type=units, metavar="X",
                        help=f"{since}write off at most X in cost, where the unit cost is known")
