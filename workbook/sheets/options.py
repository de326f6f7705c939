"""The `Options` output sheet (SPEC section 5): every product's options (SPEC section 4,
the staircase of runs against the entry) as one table, and a chart of one product's,
picked from a drop-down list above the table.

    Options: fewer runs for a larger entry              (intro)
    ...
    Product | WIDGET | 2 options                        (the panel: B is the pick)
    [hidden rows: the chart's points, by formulas]
    Product | Loops | Write-off | On Line | Off Line | Entry Size | Entry Cost | Mark
    WIDGET  |    2 |        42 |      85 |      -42 |         127 |            | Chosen
    WIDGET  |    3 |         0 |      43 |          |          43 |            | Guide's runs

The chart reads hidden panel rows whose formulas find the picked product's rows in the
table (`MATCH` for the first, `COUNTIF` for how many, its wildcards escaped; a product's
options are adjacent, fewest runs first; like Excel's lookups, they ignore case, so two
products named alike but for case would share a chart) and lay them out as a staircase: from the smallest on line (most runs)
to the largest (fewest), each option's point joined to the next by a level step and a
drop. Their values are written for the first product with more than one option (a
trade-off to show; else the first), so the chart shows before any recalculation; picking another product recalculates them.
"""

from __future__ import annotations

from typing import Iterator, Sequence

from core.models import Option, Recommendation
from core.options import LIMIT

from ..seam import EXCEL_MAX_ROWS, Chart, ChartSeries, Choice, Column, Formula, OutputSheet, Panel, Row
from .outputs import MONEY, OPTIONS, RUNS, quantity_format
from .schema import column_letter

POINTS = 2 * LIMIT - 1  # a staircase of n options has 2n - 1 corners
COLUMNS = ("Product", "Loops", "Write-off", "On Line", "Off Line", "Entry Size", "Entry Cost", "Mark")
PRODUCT, RUNS_COLUMN, ON_LINE = 0, 1, 3
INTRO = (
    "Options: fewer runs for a larger entry",
    "One row per product and option: the smallest write-off that clears the usage in that many loops"
    " (reconciliation runs), fewest first. Entry Size: the units of both lines added up; Entry Cost: that times the unit cost.",
    "Mark: Chosen, the recommended adjustment; Guide's runs, as many runs as the guide's rule of thumb takes;"
    " Over the cap, a write-off above the write-off cap (max_write_off, or max_write_off_cost at the unit cost).",
    "Pick a product in the Product cell below (a drop-down list); the chart under it shows its loops"
    " against the on line. Products that no write-off clears have no options.",
)
# The panel's rows: the pick, then what only the chart reads.
PICK, FIRST, STEP_X, STEP_Y, OPTION_X, OPTION_Y = range(6)
EACH_OPTION = "Each option"  # a series' name: LibreOffice reads a series' name from a cell only
CHART_COLUMNS = 6  # the chart's width in columns, from A: below the pick, above the table
CHART_ROWS = 20


def options_sheet(recommendations: Sequence[Recommendation], products: str) -> OutputSheet:
    """The Options sheet of `recommendations`; `products` names the range listing every
    product (the Summary's Product cells), for the drop-down list."""
    units = quantity_format(recommendations)
    columns = (
        Column("Product", width=18),
        Column("Loops", RUNS, 7),
        *(Column(name, units, 12) for name in COLUMNS[2:6]),
        Column("Entry Cost", MONEY, 12),
        Column("Mark", width=26),
    )
    sheet = OutputSheet(OPTIONS, columns, _rows(recommendations), INTRO)
    first = next((rec for rec in recommendations if len(rec.options) > 1),  # a trade-off to show
                 next((rec for rec in recommendations if rec.options), None))
    if first is None:
        return sheet
    layout = sheet._replace(panel=Panel(rows=((),) * (OPTION_Y + 1 + CHART_ROWS)))  # rows' numbers, then formulas
    return sheet._replace(panel=_panel(layout, first, products))


def _rows(recommendations: Sequence[Recommendation]) -> Iterator[Row]:
    for rec in recommendations:
        for option in rec.options:
            off = -option.w if option.w else None
            yield (rec.product, option.loops, option.w, option.adjustment.on, off, option.gross,
                   option.gross_cost, mark(option))


def mark(option: Option) -> str:
    """`Chosen`, `Guide's runs`, `Over the cap`, as they apply."""
    marks = [word for word, on in (("Chosen", option.chosen), ("Guide's runs", option.guide),
                                   ("Over the cap", not option.within_cap)) if on]
    return "; ".join(marks)


class _Cells:
    """Where the panel's formulas look: the pick, the product's first table row and its
    count, and the table's columns from the first data row to the sheet's end."""

    def __init__(self, sheet: OutputSheet):
        top = sheet.panel_row
        self.pick, self.count, self.first = f"$B${top + PICK}", f"$E${top + PICK}", f"$B${top + FIRST}"
        self.lookup = f"$C${top + FIRST}"  # the pick with Excel's wildcards * ? ~ escaped
        data = sheet.header_row + 1
        self.column = lambda index: f"${column_letter(index)}${data}:${column_letter(index)}${EXCEL_MAX_ROWS}"  # noqa: E731
        self.row = lambda index: top + index  # noqa: E731


def _panel(sheet: OutputSheet, first: Recommendation, products: str) -> Panel:
    cells = _Cells(sheet)
    options = first.options
    steps = staircase(options)
    points = [(option.adjustment.on, option.loops) for option in options] + [(None, None)] * (LIMIT - len(options))
    rows = (
        ("Product", first.product, None, None,  # the pick's name runs on over C and D
         Formula(f'COUNTIF({cells.column(PRODUCT)},"="&{cells.lookup})', len(options), '[=1]0" option";0" options"')),
        ("First row", Formula(f"IFERROR(MATCH({cells.lookup},{cells.column(PRODUCT)},0),0)", 1),
         Formula(f'SUBSTITUTE(SUBSTITUTE(SUBSTITUTE({cells.pick},"~","~~"),"*","~*"),"?","~?")',
                 escaped(first.product))),
        ("On line", *(_step(cells, j, ON_LINE, x) for j, (x, _) in enumerate(steps, start=1))),
        ("Runs", *(_step(cells, j, RUNS_COLUMN, y) for j, (_, y) in enumerate(steps, start=1))),
        (EACH_OPTION, *(_option(cells, k, ON_LINE, x) for k, (x, _) in enumerate(points, start=1))),
        ("Option runs", *(_option(cells, k, RUNS_COLUMN, y) for k, (_, y) in enumerate(points, start=1))),
        *(((),) * CHART_ROWS),  # the chart's place, above the table: it prints with it
    )
    return Panel(
        rows=rows,
        hidden=frozenset(range(FIRST, OPTION_Y + 1)),
        choices=(Choice(f"B{cells.row(PICK)}", products, "Pick a product to chart its options."),),
        charts=(_chart(sheet, cells, rows),),
    )


def escaped(product: str) -> str:
    """`product` as COUNTIF and MATCH take it literally: `~`, `*` and `?` escaped with `~`
    (COUNTIF also reads a leading `=`, `<` or `>` as a comparison: its criterion starts
    with "=")."""
    return product.replace("~", "~~").replace("*", "~*").replace("?", "~?")


def staircase(options: Sequence[Option]) -> list[tuple[object, object]]:
    """The chart's corners for `options` (fewest runs first), `POINTS` of them, None past
    the last: from the most runs to the fewest, each option's (on line, runs), then a
    level step to the next option's on line."""
    by_size = list(reversed(options))
    corners: list[tuple[object, object]] = []
    for j in range(1, 2 * len(by_size)):
        corners.append((by_size[j // 2].adjustment.on, by_size[(j + 1) // 2 - 1].loops))
    return corners + [(None, None)] * (POINTS - len(corners))


def _step(cells: _Cells, j: int, column: int, value: object) -> Formula:
    """Corner `j` of the staircase (see `staircase`), from the table."""
    offset = f"INT({j}/2)-1" if column == ON_LINE else f"INT(({j}+1)/2)"
    return Formula(f"IF({j}>2*{cells.count}-1,NA(),INDEX({cells.column(column)},"
                   f"{cells.first}+{cells.count}-{offset}))", value)


def _option(cells: _Cells, k: int, column: int, value: object) -> Formula:
    """The product's `k`-th option, fewest runs first, from the table."""
    return Formula(f"IF({k}>{cells.count},NA(),INDEX({cells.column(column)},{cells.first}+{k}-1))", value)


def _chart(sheet: OutputSheet, cells: _Cells, rows: tuple[Row, ...]) -> Chart:
    def line(index: int, count: int) -> str:
        return f"$B${cells.row(index)}:${column_letter(count)}${cells.row(index)}"

    def values(index: int) -> tuple:
        return tuple(cell.value for cell in rows[index][1:])

    top = sheet.panel_row + OPTION_Y  # from 0: the row under the hidden ones
    return Chart(
        title="Loops against the on line",
        series=(
            ChartSeries(rows[PICK][1], line(STEP_X, POINTS), line(STEP_Y, POINTS), values(STEP_X), values(STEP_Y),
                        name_cell=cells.pick),
            ChartSeries(EACH_OPTION, line(OPTION_X, LIMIT), line(OPTION_Y, LIMIT), values(OPTION_X),
                        values(OPTION_Y), markers=True, name_cell=f"$A${cells.row(OPTION_X)}"),
        ),
        x_title="On line (units)",
        y_title="Loops (reconciliation runs)",
        anchor=(0, top, CHART_COLUMNS, top + CHART_ROWS - 1),
    )


def summary_products(summary: OutputSheet, count: int) -> str:
    """The Summary's Product cells, as a drop-down list names them."""
    column = column_letter(next(i for i, c in enumerate(summary.columns) if c.header == "Product"))
    first = summary.header_row + 1
    name = "'" + summary.name.replace("'", "''") + "'"
    return f"{name}!${column}${first}:${column}${first + max(count, 1) - 1}"

