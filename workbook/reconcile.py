"""The one reconcile routine every host shares (the command line, the Excel ribbon):
read the input sheets through a `SheetReader`, recommend an adjustment for every product
whose rows are all good, and hand back the output sheets for the host to write.

    with open_book(path) as book:             # or an xlwings book behind the same seam
        done = reconcile(book, {"rule": "guide"})
    write_outputs(path, target, done.sheets, done.drop)

Cost: each sheet is read once, row by row, and grouped by product in the same pass;
`core.recommend` is near-constant per product; each product's trace is simulated only
while LoopTrace is written (`outputs.Traces`), so no trace is held beyond its own.
"""

from __future__ import annotations

from functools import partial
from typing import Callable, Iterable, Iterator, Mapping, NamedTuple

from core.models import Policy, ProductUsage, Recommendation, Status
from core.problems import Code, Problem
from core.book import Book, recommend_book

from .close.record import Recorder, RunRecord
from .sheets import inputs, outputs
from .sheets.options import options_sheet, summary_products
from .sheets.inputs import Records
from .sheets.run_record import run_record_sheet
from .sheets.signoff import Block, Outcome, read_block, signoff_panel
from .sheets.schema import COUNTS, LOTS, SETTINGS, USAGE, Header, NumberedRow, Schema, find_header, find_sheets, numbered
from .seam import OutputSheet, SheetReader, WorkbookError
from .sheets.settings import Settings, read_settings, what_is_used
from .sheets.settings import policy as make_policy
from .sheets.settings import unused as unused_settings

__all__ = ["Progress", "Reconciliation", "WorkbookError", "reconcile"]

Progress = Callable[[str, int, "int | None"], None]
"""`progress(task, done, total)`: rows read so far (total unknown) or products recommended."""

EVERY = 5_000  # rows between progress reports


class Reconciliation(NamedTuple):
    """What a reconcile run found and what the host should write.

    `products` lists every product on the Usage sheet in sheet order; each is either in
    `recommendations` or in `blocked` with the problems that stopped it. `drop` names
    giveback's sheets to remove (`Issues` when there are no problems). `sheets` can be
    written once, in order: LoopTrace streams each product's trace from the engine and
    Summary, after it, says where each went. `record` is the run record (SPEC section 11:
    also the book's custom document properties), `signoff` what became of Summary's
    sign-off."""

    products: tuple[str, ...]
    recommendations: tuple[Recommendation, ...]
    book: Book
    blocked: dict[str, tuple[Problem, ...]]
    problems: tuple[Problem, ...]
    policy: Policy
    sheets: tuple[OutputSheet, ...]
    drop: tuple[str, ...]
    record: RunRecord | None = None
    signoff: Outcome = Outcome()
    ready: tuple[ProductUsage, ...] = ()  # the inputs of `recommendations`, in their order

    @property
    def status(self) -> int:
        """0 when every row was used and every product is cleared (or needs nothing), 1
        when input errors were reported (warnings alone do not count) or a product cannot
        be cleared."""
        cannot_clear = any(rec.status is Status.CANNOT_CLEAR for rec in self.recommendations)
        return 1 if any(problem.is_error for problem in self.problems) or cannot_clear else 0


def reconcile(
    reader: SheetReader, overrides: Mapping[str, object] | None = None, progress: Progress | None = None,
    previous: Callable[[], Block | None] | None = None, recorder: Recorder | None = None,
) -> Reconciliation:
    """Reconcile the workbook behind `reader`. `overrides` (rule, lot_order, max_runs,
    max_loops; None values ignored) take precedence over the Settings sheet. Summary's
    sign-off is carried over from the book's own Summary, else from what `previous`
    reads (the Summary of the file the output replaces), called only then. `recorder`
    records the input values read (by default one that packs them for the run record
    sheet).
    Raises WorkbookError for a structural problem; input problems are returned."""
    report = progress or _silent
    names = list(reader.sheet_names())
    recorder = recorder or Recorder()
    settings = _read_settings(reader, names, recorder)  # first: its date_order reads the others' dates
    dates = settings.values.get("date_order")
    usage = _read(reader, names, USAGE, partial(inputs.read_usage, date_order=dates), report, recorder)
    lots = _read(reader, names, LOTS, partial(inputs.read_lots, date_order=dates), report, recorder)
    counts = _read(reader, names, COUNTS, inputs.read_counts, report, recorder)
    products = inputs.assemble(usage, lots, counts, settings.values.get("distinct_products", ()))
    policy = make_policy(settings.values, overrides)
    record = recorder.record(policy)
    panel, signoff = signoff_panel(record, read_block(reader, names) or (previous and previous()))
    recommendations, book = recommend_book(products.ready, policy,
                                           lambda done, total: report("Recommending", done, total))
    problems = tuple(products.problems + what_is_used(settings, policy) + unused_settings(settings, policy, overrides))
    blocked = {product: tuple(found) for product, found in products.blocked.items()}
    traces = outputs.Traces(tuple(zip(products.ready, recommendations)), policy)
    summary = outputs.summary(tuple(usage.products), recommendations, blocked, traces, policy, book)
    summary = summary._replace(panel=panel)  # the run record and sign-off, above the table
    sheets = [  # in this order: Summary's notes say where LoopTrace put each trace
        outputs.adjustments(recommendations, policy),
        outputs.loop_trace(traces),
        summary,
        options_sheet(recommendations, summary_products(summary, len(usage.products)), book),
    ]
    if problems:
        sheets.append(outputs.issues(problems))
    sheets.append(run_record_sheet(record, recorder))
    return Reconciliation(
        products=tuple(usage.products),
        recommendations=recommendations,
        book=book,
        blocked=blocked,
        problems=problems,
        policy=policy,
        sheets=tuple(sheets),
        drop=() if problems else (outputs.ISSUES,),
        record=record,
        signoff=signoff,
        ready=tuple(products.ready),
    )


def _silent(task: str, done: int, total: int | None) -> None:
    pass


Codec = Callable[[Header, Iterable[NumberedRow]], Records]


def _read(reader: SheetReader, names: list[str], schema: Schema, codec: Codec, report: Progress,
          recorder: Recorder) -> Records:
    """A sheet through its codec, the values it reads recorded; an absent or blank
    optional sheet reads as no rows."""
    name = _sheet_name(names, schema)
    if name is None:
        if schema.required:
            raise _no_sheet(reader, schema)
        return Records([], [], {})
    rows = numbered(reader.rows(name))
    header = find_header(schema, name, rows)
    if header is None and not schema.required:
        return Records([], [], {})
    _check_columns(schema, name, header)
    return codec(header, recorder.known_columns(schema, header, _reporting(rows, f"Reading {name}", report)))


def _no_sheet(reader: SheetReader, schema: Schema) -> WorkbookError:
    """The required sheet is missing: say so, and say what the tab of that name is when
    it is not a worksheet (a chart sheet, a macro sheet: never read as input)."""
    others = getattr(reader, "other_sheets", dict)()
    named = find_sheets(list(others), schema)
    if named:
        return WorkbookError(
            f"The workbook's {named[0]} sheet is a {others[named[0]]}, not a worksheet; giveback reads "
            f"unallocated usage from a worksheet named {schema.sheet}.", Code.SHEET_MISSING)
    return WorkbookError(f"The workbook has no {schema.sheet} sheet; giveback reads unallocated usage from it.",
                         Code.SHEET_MISSING)


def _sheet_name(names: list[str], schema: Schema) -> str | None:
    """The one sheet answering to `schema.sheet`; two (`Usage` and `Usage `) would leave
    one's rows unread, so they stop the run."""
    found = find_sheets(names, schema)
    if len(found) > 1:
        spelled = " and ".join(f"'{name}'" for name in found)
        raise WorkbookError(f"The sheets {spelled} both answer to {schema.sheet}; rename or delete all but one.",
                            Code.SHEET_AMBIGUOUS)
    return found[0] if found else None


def _check_columns(schema: Schema, name: str, header: Header | None) -> None:
    missing = header.missing(schema) if header else schema.required_fields
    if not missing:
        return
    wanted = " and ".join(f.header for f in missing)
    accepted = "; ".join(f"{f.header}: {', '.join(f.names)}" for f in missing)
    where = f"its header row (row {header.row}) does not name it" if header and header.columns else "no row names it"
    raise WorkbookError(
        f"The {name} sheet has no {wanted} column: {where} (accepted headers: {accepted}). Rename the column's"
        " header to one of these.",
        Code.COLUMN_MISSING,
    )


def _reporting(rows: Iterator[NumberedRow], task: str, report: Progress) -> Iterable[NumberedRow]:
    for number, row in rows:
        if number % EVERY == 0:
            report(task, number, None)
        yield number, row


def _read_settings(reader: SheetReader, names: list[str], recorder: Recorder) -> Settings:
    name = _sheet_name(names, SETTINGS)
    if name is None:
        return Settings({}, [], {})
    return read_settings(name, recorder.every_cell(SETTINGS, name, numbered(reader.rows(name))))
