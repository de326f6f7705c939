"""`giveback recommend` and `giveback loops`: one product's usage typed on the command line.

    giveback recommend -- 2 4 4 -10 3 -3
    giveback loops --on 1 --off 1 -- 2 4 4 -10 3 -3
"""

from __future__ import annotations

import argparse
import sys

from core import Policy, Status
from core.report import outcome_json, product_json, trace_json
from core.whatif import BadQuantity, recommend_quantities, what_if

from .options import cap_options, positive_int, print_json, rule_conflict, rule_options, units


DONE, PROBLEMS = 0, 1  # as giveback.cli (which imports this module)


def add_parser(commands) -> None:
    recommend = commands.add_parser(
        "recommend",
        description="Recommend the beginning-balance adjustment for one product's "
        "unallocated usage, listed after '--' (positive = consumption, negative = return), "
        "and show what every reconciliation run will do.",
        epilog="example: giveback recommend -- 2 4 4 -10 3 -3",
    )
    rule_options(recommend)
    recommend.add_argument("--count", metavar="X", help="physical count (with --balance)")
    recommend.add_argument("--balance", metavar="Y", help="system balance (with --count)")
    cap_options(recommend)
    recommend.add_argument("--unit-cost", type=units, metavar="C", help="the product's unit cost: entry costs, and the cost cap")
    _common(recommend)
    recommend.set_defaults(run=run_recommend)

    loops = commands.add_parser(
        "loops",
        description="What-if: how many reconciliation runs a given adjustment needs for the "
        "usage listed after '--', whether it settles, and the trace of every run.",
        epilog="example: giveback loops --on 1 --off 1 -- 2 4 4 -10 3 -3",
    )
    loops.add_argument("--on", required=True, metavar="A", help="the on line: beginning-balance units")
    loops.add_argument("--off", default="0", metavar="B", help="the off line: units written off")
    _common(loops)
    loops.set_defaults(run=run_loops)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--max-loops", type=positive_int, default=10_000, metavar="N", help="stop the trace after N runs (default 10,000)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of tables")
    parser.add_argument("quantities", nargs="+", metavar="Q", help="signed usage quantities, after '--'")


def policy_from(args: argparse.Namespace) -> Policy:
    """The policy the options ask for; BadOptions for options the rule would not use."""
    max_runs, rule = getattr(args, "max_runs", None), getattr(args, "rule", "book")
    capped = getattr(args, "max_write_off", None) is not None or getattr(args, "max_write_off_cost", None) is not None
    if conflict := rule_conflict(rule, max_runs, capped):
        raise BadOptions(conflict)
    rule = "budget" if max_runs else rule
    return Policy(
        rule=rule,
        lot_order=getattr(args, "lot_order", "fifo"),
        max_runs=getattr(args, "max_runs", None),
        max_loops=args.max_loops,
        max_write_off=getattr(args, "max_write_off", None),
        max_write_off_cost=getattr(args, "max_write_off_cost", None),
    )


class BadOptions(ValueError):
    """Options that contradict each other."""


def run_recommend(args: argparse.Namespace) -> int:
    if (args.count is None) != (args.balance is None):
        return _fail("--count and --balance go together: give both or neither.")
    if args.max_write_off_cost is not None and args.unit_cost is None:
        return _fail("--max-write-off-cost is in currency: give the unit cost with --unit-cost.")
    try:
        rec = recommend_quantities(args.quantities, args.count, args.balance, policy_from(args), args.unit_cost)
    except BadOptions as error:
        return _fail(str(error))
    except BadQuantity as error:
        return _fail(f"{error}.")
    if args.json:
        print_json(product_json(rec, with_trace=True))
    else:
        from . import render  # rich: only for tables, not for --json

        render.recommendation(rec)
    return PROBLEMS if rec.status is Status.CANNOT_CLEAR else DONE


def run_loops(args: argparse.Namespace) -> int:
    try:
        result = what_if(args.quantities, args.on, args.off, policy_from(args))
    except BadQuantity as error:
        return _fail(f"{error}.")
    if args.json:
        print_json({**outcome_json(result.outcome), "trace": trace_json(result.trace)})
    else:
        from . import render

        render.what_if(result, args.max_loops)
    return 0


def _fail(message: str) -> int:
    print(f"giveback: {message}", file=sys.stderr)
    return 2
