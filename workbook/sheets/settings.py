"""The Settings sheet (two columns, Setting and Value) and the host's options into one
`Policy`, and the two settings that say how the input sheets are read. Options given on
the command line (or by the add-in) override the sheet.

    Setting    | Value
    rule       | guide       book (default), fewest, guide or budget
    lot_order  | lifo        fifo (default) or lifo
    max_runs   | 3           a run budget: the smallest write-off settling within 3 runs
    max_loops  | 10000       stop a run-away simulation
    max_write_off       | 500    write off at most 500 units (book, fewest and budget)
    max_write_off_cost  | 2000   write off at most 2,000 in cost, where the unit cost is known
    date_order          | dmy    dates typed as text are day first (mdy, the default: month first)
    distinct_products   | MOTOR-H, Motor-H   look-alike codes that are different products (rows repeat)

The header row is optional: without one, column A holds the setting and B the value.
Setting names match like headers (`Lot Order` is `lot_order`, `Max write-off` is
`max_write_off`). Given `max_runs` and no `rule` or the `book` rule, the rule is `budget`
(SPEC section 4: `max_runs = K` sets the runs of the whole book). A setting the chosen
rule does not use (`core.rules.UNUSED`: a write-off cap under `guide`) is a `setting_not_used`
warning on its cell. The sheet is read before the others: `date_order` decides how their
dates read.
"""

from __future__ import annotations

from decimal import Decimal
from types import MappingProxyType
from typing import Callable, Iterable, Mapping, NamedTuple

from core import rules
from core.models import Policy
from core.problems import Code, Problem
from core.quantities import show

from . import cells
from .cells import Cells, Fault
from .lookalikes import distinct_codes
from .typed import DATE_ORDERS
from .schema import SETTINGS, Header, NumberedRow, find_header, normal_name
from ..seam import Uncalculated


def _choice(*allowed: str) -> Callable[[object], str | Fault]:
    def parse(value: object) -> str | Fault:
        chosen = normal_name(value)
        if chosen in allowed:
            return chosen
        return Fault(Code.SETTING_INVALID, f"'{cells.text(value)}' is not one of {', '.join(allowed)}.")

    return parse


def _runs(value: object) -> int | Fault:
    number = cells.quantity(value)
    if isinstance(number, Fault) or number < 1 or number != number.to_integral_value():
        return Fault(Code.SETTING_INVALID, f"'{cells.text(value)}' is not a whole number of runs, 1 or more.")
    return int(number)


def _cap(money: bool) -> Callable[[object], Decimal | Fault]:
    def parse(value: object) -> Decimal | Fault:
        number = cells.quantity(value, money=money)
        if isinstance(number, Fault) or number < 0:
            return Fault(Code.SETTING_INVALID, f"'{cells.text(value)}' is not a number of 0 or more.")
        return number

    return parse


def _codes(value: object) -> tuple[str, ...] | Fault:
    codes = distinct_codes(cells.text(value))
    if len(codes) < 2:
        return Fault(Code.SETTING_INVALID, f"'{cells.text(value)}' does not list two product codes or more;"
                     " separate them with commas (MOTOR-H, Motor-H), or with ; or | when a code holds a comma.")
    return codes


CHOICES: dict[str, tuple[str, ...]] = {
    "rule": ("book", "fewest", "guide", "budget"),
    "lot_order": ("fifo", "lifo"),
    "date_order": DATE_ORDERS,
}
"""The settings whose value is one of a few words (a template's drop-down lists them)."""
PARSERS: dict[str, Callable[[object], object]] = {
    "rule": _choice(*CHOICES["rule"]),
    "lot_order": _choice(*CHOICES["lot_order"]),
    "max_runs": _runs,
    "max_loops": _runs,
    "max_write_off": _cap(money=False),
    "max_write_off_cost": _cap(money=True),  # $2,000 is 2000
    "date_order": _choice(*CHOICES["date_order"]),
    "distinct_products": _codes,
}
READING = ("date_order", "distinct_products")
"""The settings that say how the input sheets are read, not how the adjustment is chosen."""
REPEATED = ("distinct_products",)
"""Settings that may take several rows, read as a tuple of their values."""
POSITIONAL = {"setting": 0, "value": 1}
DEFAULT_SETTINGS = (("rule", "book"), ("lot_order", "fifo"), ("max_runs", None), ("max_loops", 10_000),
                    ("max_write_off", None), ("max_write_off_cost", None), ("date_order", None),
                    ("distinct_products", None))
"""What a new Settings sheet holds (templates, the add-in's New template): blank is not set,
and a date_order not set is what makes an ambiguous date a warning."""


class Settings(NamedTuple):
    """What the Settings sheet gives: the values by name (`distinct_products`: one tuple of
    codes per row), the problems with its rows, the cell each value came from, and the
    setting of each value cell that could not be read (`{cell: name}`)."""

    values: dict[str, object]
    problems: list[Problem]
    cells: dict[str, str]
    unread: Mapping[str, str] = MappingProxyType({})


def read_settings(sheet: str, rows: Iterable[NumberedRow]) -> Settings:
    """The settings given on the sheet, by name, and the problems with the others."""
    rows = list(rows)
    header = _with_both_columns(find_header(SETTINGS, sheet, iter(rows)), sheet)
    data = rows[header.row:]
    settings: dict[str, object] = {}
    where: dict[str, str] = {}
    unread: dict[str, str] = {}
    problems = list(header.problems)
    for number, row in data:
        row_cells = Cells(header, number, row)
        if not row_cells.is_blank():
            _read_setting(row_cells, settings, where, unread)
            problems += row_cells.problems(None)
    if settings.get("rule") == "budget" and "max_runs" not in settings:
        del settings["rule"]
        problems.append(Problem(code=Code.SETTING_INVALID, cell=where["rule"], message=BUDGET_WITHOUT_RUNS,
                                severity="warning"))  # nothing is held back: the default rule is used
    return Settings(settings, problems, where, unread)


def _with_both_columns(header: Header | None, sheet: str) -> Header:
    """The header, or column A and B without one; a header naming only one of Setting and
    Value has the other beside it (so every row is still read and, if bad, reported)."""
    if header is None or not header.columns:
        return Header(sheet, 0, POSITIONAL, ())
    columns = dict(header.columns)
    if "value" not in columns:
        columns["value"] = columns["setting"] + 1
    if "setting" not in columns:
        columns["setting"] = columns["value"] - 1 if columns["value"] else 1
    return header._replace(columns=columns)


BUDGET_WITHOUT_RUNS = ("The budget rule needs a max_runs setting giveback can read, so the book rule is used:"
                       " give max_runs a whole number of runs, or set rule to book.")


def _read_setting(row: Cells, settings: dict[str, object], where: dict[str, str], unread: dict[str, str]) -> None:
    name = normal_name(row.value("setting")).replace(" ", "_").replace("-", "_")
    if isinstance(row.value("setting"), Uncalculated):
        row.fault("setting", cells.NOT_CALCULATED)
    elif name not in PARSERS:
        row.fault("setting", Fault(Code.SETTING_UNKNOWN, f"Unknown setting '{cells.text(row.value('setting'))}';"
                                   f" giveback reads {', '.join(PARSERS)}."))
    elif name in settings and name not in REPEATED:
        row.fault("setting", Fault(Code.SETTING_INVALID, f"'{name}' is set twice; the first is used."))
    else:
        faults = len(row.faults)
        value = row.read("value", PARSERS[name])  # blank: not set (templates list max_runs so)
        if len(row.faults) > faults:
            unread[row.cell("value")] = name
        if value is None:
            return
        if name in REPEATED:
            value = (*settings.get(name, ()), value)
        settings[name] = value
        where.setdefault(name, row.cell("value"))


def what_is_used(settings: Settings, chosen: Policy) -> list[Problem]:
    """The sheet's problems, each value that could not be read saying what the run used
    instead: the policy's (which the host's options may have given), or how the inputs
    were read."""
    return [problem.model_copy(update={"message": f"{problem.message} {_used(settings.unread[problem.cell], chosen)}"})
            if settings.unread.get(problem.cell) in USED else problem for problem in settings.problems]


def _used(name: str, chosen: Policy) -> str:
    return f"Until it is corrected, {USED[name](chosen)}."


USED: dict[str, Callable[[Policy], str]] = {
    "rule": lambda chosen: f"this run uses the {chosen.rule} rule",
    "lot_order": lambda chosen: f"lots are drawn {'oldest' if chosen.lot_order == 'fifo' else 'newest'} first"
                                f" ({chosen.lot_order})",
    "max_runs": lambda chosen: "no number of runs is set" if chosen.max_runs is None else
                f"this run takes at most {chosen.max_runs:,} runs, as given to it",
    "max_loops": lambda chosen: f"a simulation stops at {chosen.max_loops:,} runs",
    "max_write_off": lambda chosen: "the write-off has no cap in units" if chosen.max_write_off is None else
                     f"the write-off is capped at {show(chosen.max_write_off)} units, as given to this run",
    "max_write_off_cost": lambda chosen: "the write-off has no cap in money" if chosen.max_write_off_cost is None
                          else f"the write-off is capped at {chosen.max_write_off_cost:,.2f}, as given to this run",
    "date_order": lambda chosen: "no date order is set: a date typed as text that reads two ways is a warning,"
                                 " read month first",  # READING settings: no option of a host overrides them
    "distinct_products": lambda chosen: "the look-alike codes it names stay held back",
}


def policy(settings: Mapping[str, object], overrides: Mapping[str, object] | None = None) -> Policy:
    """The policy from the sheet's settings, with the host's non-None `overrides` on top."""
    given = {key: value for key, value in (overrides or {}).items() if value is not None}
    chosen = {key: value for key, value in settings.items() if key not in READING} | given
    if "max_runs" in chosen and ("rule" not in given or given["rule"] == "book") and (
            "max_runs" in given or chosen.get("rule", "book") == "book"):
        chosen["rule"] = "budget"
    return Policy(**chosen)


def unused(settings: Settings, chosen: Policy, overrides: Mapping[str, object] | None = None) -> list[Problem]:
    """A `setting_not_used` warning on each setting of the sheet that the chosen rule does
    not use (an option given to the host in its place is the host's business)."""
    given = {key for key, value in (overrides or {}).items() if value is not None}
    return [
        Problem(code=Code.SETTING_NOT_USED, cell=settings.cells[name], severity="warning",
                message=NOT_USED.format(name=name, rule=chosen.rule, uses=USED_BY[name]))
        for name in rules.unused(chosen.rule, settings.values)
        if name not in given
    ]


NOT_USED = "The {rule} rule does not use {name}, so it changes nothing here; {uses}"
USED_BY = {
    "max_runs": "it is a run budget, for rule book or budget (max_runs without a rule makes the rule budget).",
    "max_write_off": "the write-off cap is for rule book, fewest or budget.",
    "max_write_off_cost": "the write-off cap is for rule book, fewest or budget.",
}
