"""Command-line options that several commands share."""

from __future__ import annotations

import argparse


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def rule_conflict(rule: str | None, max_runs: int | None) -> str | None:
    """What is wrong with asking for the guide's rule and a run budget at once, if asked."""
    if max_runs and rule == "guide":
        return ("--rule guide and --max-runs do not go together: --max-runs K asks for the smallest adjustment"
                " that clears within K runs, the guide's rule of thumb takes no budget. Give one of them.")
    return None


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
