"""`giveback`: the command line of SPEC section 6.

Each command is a module with `add_parser(subparsers)` (it sets `run`, a function taking
the parsed arguments and returning the exit status), named in `COMMANDS` with the one
line `giveback --help` shows for it. Only the module of the command being run is imported,
with what it needs: `giveback --version` and `giveback --help` load no command at all,
`giveback template` no reader, `giveback recommend` no workbook code (tests/test_layers.py
checks; `bench/startup.py` times it).

Exit status: 0 done, 1 input errors reported (warnings alone do not count) or a product that
cannot be cleared, 2 usage or file error. Nothing reaches the user as a traceback: an
unexpected failure (a bug) is one line too, GIVEBACK_DEBUG=1 shows it.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from . import __version__

# command: (the module defining it, what it does in one line), in the order help lists them
COMMANDS = {
    "recommend": ("inline", "recommend the adjustment for one product's usage list"),
    "loops": ("inline", "what-if: runs needed for a given adjustment"),
    "reconcile": ("reconcile", "reconcile a workbook: write Adjustments, LoopTrace, Summary, Options and Issues"),
    "check": ("check", "say whether a reconciled workbook's outputs still match its inputs"),
    "export": ("export", "write the adjustment lines as a CSV import file for the ERP"),
    "template": ("template", "write an empty input workbook to fill in"),
    "demo": ("demo", "write a sample workbook covering every case and reconcile it"),
}

DONE, PROBLEMS, FAILED = 0, 1, 2


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse exits 2 too; keep its words short
        self.print_usage(sys.stderr)
        self.exit(FAILED, f"giveback: {message}\n")


class _Commands:
    """The subparsers as a command module sees them: each command's help line comes from
    `COMMANDS`, so the module of a command not being run is never imported for it."""

    def __init__(self, subparsers):
        self.subparsers = subparsers

    def add_parser(self, name: str, **options) -> argparse.ArgumentParser:
        return self.subparsers.add_parser(name, help=COMMANDS[name][1], **options)


def parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The command line's parser, every command's options included, or (given `argv`)
    only those of the command `argv` names: the others are listed, not loaded."""
    top = Parser(
        prog="giveback",
        description="Recommend the beginning-balance adjustment that clears unallocated "
        "inventory usage with the smallest entries, in no more COGS reconciliation runs than the whole book needs.",
        epilog="Run 'giveback COMMAND --help' for a command's options.",
    )
    top.add_argument("--version", action="version", version=f"giveback {__version__}")
    subparsers = top.add_subparsers(title="commands", metavar="COMMAND", required=True, parser_class=Parser)
    commands, wanted = _Commands(subparsers), _command_named(argv)
    loaded: set[str] = set()
    for name, (module, _) in COMMANDS.items():
        if argv is not None and COMMANDS.get(wanted, ("",))[0] != module:
            commands.add_parser(name, add_help=False)  # listed; never parsed
        elif module not in loaded:
            loaded.add(module)
            importlib.import_module(f"{__package__}.{module}").add_parser(commands)
    return top


def _command_named(argv: list[str] | None) -> str | None:
    """The command word: the first argument that is not an option (the top level takes
    none with a value)."""
    return next((arg for arg in argv or () if not arg.startswith("-")), None)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv:  # bare `giveback`: what it does and its commands
        parser([]).print_help()
        return DONE
    args = parser(argv).parse_args(argv)
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
