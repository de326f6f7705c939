"""The Settings sheet (two columns, Setting and Value) and the host's options into one
`Policy`. Options given on the command line (or by the add-in) override the sheet.

    Setting    | Value
    rule       | guide       book (default), fewest, guide or budget
    lot_order  | lifo        fifo (default) or lifo
    max_runs   | 3           a run budget: the smallest write-off settling within 3 runs
    max_loops  | 10000       stop a run-away simulation
    max_write_off       | 500    write off at most 500 units (fewest and budget)
    max_write_off_cost  | 2000   write off at most 2,000 in cost, where the unit cost is known

The header row is optional: without one, column A holds the setting and B the value.
Setting names match like headers (`Lot Order` is `lot_order`, `Max write-off` is
`max_write_off`). Given `max_runs` and no
`rule` or the `book` rule, the rule is `budget` (SPEC section 4: `max_runs = K` sets the
runs of the whole book).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Callable, Iterable, Mapping

from core.models import Policy
from core.problems import Code, Problem

from . import cells
from .cells import Cells, Fault
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


def _cap(value: object) -> Decimal | Fault:
    number = cells.quantity(value)
    if isinstance(number, Fault) or number < 0:
        return Fault(Code.SETTING_INVALID, f"'{cells.text(value)}' is not a number of 0 or more.")
    return number


PARSERS: dict[str, Callable[[object], object]] = {
    "rule": _choice("book", "fewest", "guide", "budget"),
    "lot_order": _choice("fifo", "lifo"),
    "max_runs": _runs,
    "max_loops": _runs,
    "max_write_off": _cap,
    "max_write_off_cost": _cap,
}
POSITIONAL = {"setting": 0, "value": 1}
DEFAULT_SETTINGS = (("rule", "book"), ("lot_order", "fifo"), ("max_runs", None), ("max_loops", 10_000),
                    ("max_write_off", None), ("max_write_off_cost", None))
"""What a new Settings sheet holds (templates, the add-in's New template)."""


def read_settings(sheet: str, rows: Iterable[NumberedRow]) -> tuple[dict[str, object], list[Problem]]:
    """The settings given on the sheet, by name, and the problems with the others."""
    rows = list(rows)
    header = _with_both_columns(find_header(SETTINGS, sheet, iter(rows)), sheet)
    data = rows[header.row:]
    settings: dict[str, object] = {}
    where: dict[str, str] = {}
    problems = list(header.problems)
    for number, row in data:
        row_cells = Cells(header, number, row)
        if not row_cells.is_blank():
            _read_setting(row_cells, settings, where)
            problems += row_cells.problems(None)
    if settings.get("rule") == "budget" and "max_runs" not in settings:
        del settings["rule"]
        problems.append(Problem(code=Code.SETTING_INVALID, cell=where["rule"], message=BUDGET_WITHOUT_RUNS))
    if settings.get("rule") in ("fewest", "guide") and "max_runs" in settings:
        problems.append(Problem(code=Code.SETTING_INVALID, cell=where["max_runs"], severity="warning",
                                message=RUNS_WITHOUT_BUDGET.format(rule=settings["rule"])))
    return settings, problems


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


BUDGET_WITHOUT_RUNS = "The budget rule needs a max_runs setting; the fewest rule is used."
RUNS_WITHOUT_BUDGET = ("max_runs is read only by the budget rule, and the rule here is {rule}, so it is not used."
                       " To clear within max_runs runs, set rule to budget.")


def _read_setting(row: Cells, settings: dict[str, object], where: dict[str, str]) -> None:
    name = normal_name(row.value("setting")).replace(" ", "_").replace("-", "_")
    if isinstance(row.value("setting"), Uncalculated):
        row.fault("setting", cells.NOT_CALCULATED)
    elif name not in PARSERS:
        row.fault("setting", Fault(Code.SETTING_UNKNOWN, f"Unknown setting '{cells.text(row.value('setting'))}';"
                                   f" giveback reads {', '.join(PARSERS)}."))
    elif name in settings:
        row.fault("setting", Fault(Code.SETTING_INVALID, f"'{name}' is set twice; the first is used."))
    else:
        value = row.read("value", PARSERS[name])  # blank: not set (templates list max_runs so)
        if value is not None:
            settings[name], where[name] = value, row.cell("value")


def policy(settings: Mapping[str, object], overrides: Mapping[str, object] | None = None) -> Policy:
    """The policy from the sheet's settings, with the host's non-None `overrides` on top."""
    given = {key: value for key, value in (overrides or {}).items() if value is not None}
    chosen = {**settings, **given}
    if "max_runs" in chosen and ("rule" not in given or given["rule"] == "book") and (
            "max_runs" in given or chosen.get("rule", "book") == "book"):
        chosen["rule"] = "budget"
    return Policy(**chosen)
