"""`giveback`: the command line of SPEC section 6.

Each command is a module with `add_parser(subparsers)` (it sets `run`, a function taking
the parsed arguments and returning the exit status) listed in `COMMANDS`.
Exit status: 0 done, 1 input errors reported (warnings alone do not count) or a product that
cannot be cleared, 2 usage or file error. Nothing reaches the user as a traceback: an
unexpected failure (a bug) is one line too, GIVEBACK_DEBUG=1 shows it.
"""

from __future__ import annotations

import argparse
import os
import sys

from . import check, demo, export, inline, reconcile, template

COMMANDS = [inline, reconcile, check, export, template, demo]

DONE, PROBLEMS, FAILED = 0, 1, 2


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse exits 2 too; keep its words short
        self.print_usage(sys.stderr)
        self.exit(FAILED, f"giveback: {message}\n")


def parser() -> argparse.ArgumentParser:
    top = Parser(
        prog="giveback",
        description="Recommend the beginning-balance adjustment that clears unallocated "
        "inventory usage in the fewest COGS give-back loops, with the smallest entry.",
        epilog="Run 'giveback COMMAND --help' for a command's options.",
    )
    top.add_argument("--version", action="version", version=f"giveback {_version()}")
    commands = top.add_subparsers(title="commands", metavar="COMMAND", required=True, parser_class=Parser)
    for command in COMMANDS:
        command.add_parser(commands)
    return top


def _version() -> str:
    from workbook.close.record import version

    return version()


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv:  # bare `giveback`: what it does and its commands
        parser().print_help()
        return DONE
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except KeyboardInterrupt:
        print("giveback: interrupted; nothing was written.", file=sys.stderr)
        return FAILED
    except MemoryError:
        print("giveback: not enough memory for this workbook; nothing was written.", file=sys.stderr)
        return FAILED
    except Exception as error:  # a bug: one line for the accountant, GIVEBACK_DEBUG=1 for its traceback
        if os.environ.get("GIVEBACK_DEBUG"):
            raise
        print(f"giveback: internal error ({one_line(error)}); nothing was written. Please report it with the "
              "workbook (GIVEBACK_DEBUG=1 shows the details).", file=sys.stderr)
        return FAILED


def one_line(error: BaseException) -> str:
    return " ".join(f"{type(error).__name__}: {error}".split())[:200]
