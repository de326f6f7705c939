"""The `Options` output sheet (SPEC sections 4 and 5): the whole book's curve (runs
against the gross entry) with its chart, then every product's options (the staircase of
runs against the entry) as one table, and a chart of one product's, picked from a
drop-down list above the table.

    Options: fewer runs for a larger entry                  (intro)
    The whole book: ...                                     (the panel: the book curve,
          Runs | Gross Units | Gross Cost                    its chart beside it)
    Chosen   6 |     171.25 |     453.31
    Product | BRACKET | 5 options                           (B is the pick)
    [hidden rows: the chart's points, by formulas]
    [the product's chart]
    Product | Runs | On the Books | Off the Books | Gross Units | Gross Cost | Mark
    NUT-5   |    2 |           13 |           -13 |          26 |            |
    NUT-5   |    3 |            7 |            -7 |          14 |            | Guide's runs

The product chart reads hidden panel rows whose formulas find the picked product's rows
in the table (`MATCH` for the first, `COUNTIF` for how many, its wildcards escaped; a
product's options are adjacent, fewest runs first; like Excel's lookups, they ignore
case, so two products named alike but for case would share a chart) and lay them out as
a staircase: from the smallest on line (most runs) to the largest (fewest), each option's
point joined to the next by a level step and a drop. Their values are written for the
first product that sets the book's pace and has more than one option (else the first with
a trade-off to show; else the first), so the chart shows before any recalculation;
picking another product recalculates them.
"""

from __future__ import annotations

from typing import Iterator, Sequence

from core.book import Book
from core.models import Option, Recommendation
from core.notes import mark
from core.options import LIMIT

from ..seam import EXCEL_MAX_ROWS, Chart, ChartSeries, Choice, Column, Formula, Number, OutputSheet, Panel, Row
from .outputs import MONEY, OPTIONS, RUNS, fitted, quantity_format
from .schema import column_letter

POINTS = 2 * LIMIT - 1  # a staircase of n options has 2n - 1 corners
PRODUCT, RUNS_COLUMN, ON_LINE = 0, 1, 2
INTRO = (
    "Options: fewer runs for a larger entry",
    "The whole book first: the gross entry if every product is to clear within that many runs (the book clears"
    " in as many runs as its slowest product needs), charted beside it.",
    "Then one row per product and option: the smallest lines that clear the usage in that many runs, fewest"
    " first. Gross Units: both lines added up; Gross Cost: that at the unit cost.",
    "Mark: Chosen, the recommended lines; Guide's, the ERP guide's own lines; Guide's runs, as many runs as the"
    " guide's lines take for a smaller entry; Over the cap, a write-off above max_write_off or max_write_off_cost.",
    "Pick a product in the Product cell below (a drop-down list) to chart its runs against its On line."
    " Products that no adjustment clears have no options.",
)
# The product's rows of the panel: the pick, then what only the chart reads.
PICK, FIRST, STEP_X, STEP_Y, OPTION_X, OPTION_Y = range(6)
EACH_OPTION = "Each option"  # a series' name: LibreOffice reads a series' name from a cell only
CHART_COLUMNS = 6  # the chart's width in columns, from A: below the pick, above the table
CHART_ROWS = 20
BOOK_ROWS = LIMIT + 3  # the book's rows: a title, a header, up to LIMIT points, a blank row
BOOK_CHART = (4, 7)  # the book chart's first and last column, beside its points


def options_sheet(recommendations: Sequence[Recommendation], products: str, book: Book | None = None) -> OutputSheet:
    """The Options sheet of `recommendations`; `products` names the range listing every
    product (the Summary's Product cells), for the drop-down list; `book`, the whole
    book's curve above the products'."""
    units = quantity_format(recommendations)
    columns = (
        Column("Product", width=18),
        Column("Runs", RUNS, 7),
        Column("On the Books", units, 12),
        Column("Off the Books", units, 12),
        Column("Gross Units", units, 12),
        Column("Gross Cost", MONEY, 12),
        Column("Mark", width=26),
    )
    table = list(_rows(recommendations))
    book_rows = _book_rows(book, units) if book is not None and book.options else ()
    sheet = OutputSheet(OPTIONS, fitted(columns, [*table, *book_rows]), table, INTRO)  # the curve's figures in B to D
    pacing = book.paced_by if book is not None else ()
    first = next((rec for rec in recommendations if len(rec.options) > 1 and rec.product in pacing),  # sets the pace
                 next((rec for rec in recommendations if len(rec.options) > 1),  # a trade-off to show
                      next((rec for rec in recommendations if rec.options), None)))
    if first is None and not book_rows:
        return sheet
    product_rows = OPTION_Y + 1 + CHART_ROWS if first is not None else 0
    layout = sheet._replace(panel=Panel(rows=((),) * (len(book_rows) + product_rows)))  # rows' numbers, then cells
    top = layout.panel_row + len(book_rows)  # the pick's row
    rows, charts = list(book_rows), [_book_chart(layout, book, book_rows)] if book_rows else []
    hidden, choices = frozenset(), ()
    if first is not None:
        product = _product_panel(layout, top, first, products)
        rows += product.rows
        charts += product.charts
        hidden = frozenset(len(book_rows) + index for index in product.hidden)
        choices = product.choices
    page_break = len(book_rows) if book_rows and first is not None else None  # the product's chart on a page of its own
    return sheet._replace(panel=Panel(rows=tuple(rows), hidden=hidden, choices=choices, charts=tuple(charts),
                                      page_break=page_break))


def _rows(recommendations: Sequence[Recommendation]) -> Iterator[Row]:
    for rec in recommendations:
        for option in rec.options:
            off = -option.w if option.w else None
            yield (rec.product, option.loops, option.adjustment.on, off, option.gross, option.gross_cost,
                   mark(option, rec.guide.w))


# ---- the whole book ------------------------------------------------------------------------


def _book_rows(book: Book, units: str) -> tuple[Row, ...]:
    """The book curve: a title, a header, a row per run count (marked where the book and
    the guide's lines land), blank rows up to `BOOK_ROWS`."""
    rows: list[Row] = [
        ("The whole book",),
        (None, "Runs", "Gross Units", "Gross Cost"),
    ]
    for point in book.options:
        marks = [word for word, on in (("Chosen", point.runs == book.runs),
                                       ("Guide's runs", point.runs == book.guide.runs)) if on]
        cost = Number(point.gross_cost, MONEY) if point.gross_cost is not None else None
        rows.append(("; ".join(marks) or None, Number(point.runs, RUNS), Number(point.gross, units), cost))
    return tuple(rows) + ((),) * (BOOK_ROWS - len(rows))


def _book_chart(sheet: OutputSheet, book: Book, rows: tuple[Row, ...]) -> Chart:
    """The book curve as a chart beside its points: in money when every product with
    lines has a unit cost, else in units."""
    first, last = sheet.panel_row + 2, sheet.panel_row + 1 + len(book.options)
    in_money = not book.uncosted and book.gross_cost is not None
    column, index = ("D", 3) if in_money else ("C", 2)
    label = "Gross cost" if in_money else "Gross units"
    return Chart(
        title="The whole book",
        series=(ChartSeries(label, f"$B${first}:$B${last}", f"${column}${first}:${column}${last}",
                            tuple(row[1].value for row in rows[2:2 + len(book.options)]),
                            tuple(row[index].value for row in rows[2:2 + len(book.options)]),
                            name_cell=f"${column}${sheet.panel_row + 1}"),),
        x_title="Runs the whole book takes",
        y_title=label,
        anchor=(BOOK_CHART[0], sheet.panel_row - 1, BOOK_CHART[1], sheet.panel_row - 1 + BOOK_ROWS - 2),
    )


# ---- one product's options -----------------------------------------------------------------


class _Cells:
    """Where the panel's formulas look: the pick, the product's first table row and its
    count, and the table's columns from the first data row to the sheet's end."""

    def __init__(self, sheet: OutputSheet, top: int):
        self.pick, self.count, self.first = f"$B${top + PICK}", f"$E${top + PICK}", f"$B${top + FIRST}"
        self.lookup = f"$C${top + FIRST}"  # the pick with Excel's wildcards * ? ~ escaped
        data = sheet.header_row + 1
        self.column = lambda index: f"${column_letter(index)}${data}:${column_letter(index)}${EXCEL_MAX_ROWS}"  # noqa: E731
        self.row = lambda index: top + index  # noqa: E731


def _product_panel(sheet: OutputSheet, top: int, first: Recommendation, products: str) -> Panel:
    """The pick (row `top`), the hidden rows the chart reads and the chart's place."""
    cells = _Cells(sheet, top)
    options = first.options
    steps = staircase(options)
    points = [(option.adjustment.on, option.loops) for option in options] + [(None, None)] * (LIMIT - len(options))
    rows = (
        ("Product", first.product, None, None,  # the pick's name runs on over C and D
         Formula(f'COUNTIF({cells.column(PRODUCT)},"="&{cells.lookup})', len(options), '[=1]0" option";0" options"')),
        ("First row", Formula(f"IFERROR(MATCH({cells.lookup},{cells.column(PRODUCT)},0),0)", 1),
         Formula(f'SUBSTITUTE(SUBSTITUTE(SUBSTITUTE({cells.pick},"~","~~"),"*","~*"),"?","~?")',
                 escaped(first.product))),
        ("On the books", *(_step(cells, j, ON_LINE, x) for j, (x, _) in enumerate(steps, start=1))),
        ("Runs", *(_step(cells, j, RUNS_COLUMN, y) for j, (_, y) in enumerate(steps, start=1))),
        (EACH_OPTION, *(_option(cells, k, ON_LINE, x) for k, (x, _) in enumerate(points, start=1))),
        ("Option runs", *(_option(cells, k, RUNS_COLUMN, y) for k, (_, y) in enumerate(points, start=1))),
        *(((),) * CHART_ROWS),  # the chart's place, above the table: it prints with it
    )
    return Panel(
        rows=rows,
        hidden=frozenset(range(FIRST, OPTION_Y + 1)),
        choices=(Choice(f"B{cells.row(PICK)}", products, "Pick a product to chart its options."),),
        charts=(_chart(cells, rows),),
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


def _chart(cells: _Cells, rows: tuple[Row, ...]) -> Chart:
    def line(index: int, count: int) -> str:
        return f"$B${cells.row(index)}:${column_letter(count)}${cells.row(index)}"

    def values(index: int) -> tuple:
        return tuple(cell.value for cell in rows[index][1:])

    top = cells.row(OPTION_Y)  # from 0: the row under the hidden ones
    return Chart(
        title="Runs against the On line",
        series=(
            ChartSeries(rows[PICK][1], line(STEP_X, POINTS), line(STEP_Y, POINTS), values(STEP_X), values(STEP_Y),
                        name_cell=cells.pick),
            ChartSeries(EACH_OPTION, line(OPTION_X, LIMIT), line(OPTION_Y, LIMIT), values(OPTION_X),
                        values(OPTION_Y), markers=True, name_cell=f"$A${cells.row(OPTION_X)}"),
        ),
        x_title="On the books (units)",
        y_title="Runs (COGS reconciliation)",
        anchor=(0, top, CHART_COLUMNS, top + CHART_ROWS - 1),
    )


def summary_products(summary: OutputSheet, count: int) -> str:
    """The Summary's Product cells, as a drop-down list names them."""
    column = column_letter(next(i for i, c in enumerate(summary.columns) if c.header == "Product"))
    first = summary.header_row + 1
    name = "'" + summary.name.replace("'", "''") + "'"
    return f"{name}!${column}${first}:${column}${first + max(count, 1) - 1}"

