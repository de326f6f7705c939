"""The template's `Read me` text and the notes on its input headers: what each sheet,
column and setting means, the sign convention, what giveback writes back and how to post
it. One text per column serves both the sheet and the header's note; every host renders
it (a file with openpyxl, `workbook.files.instructions`; a live book, `addin.scripts`).

`Read me` answers to no input or output sheet name, so reconcile never reads it and never
replaces it.
"""

from __future__ import annotations

from typing import Iterable

from ..seam import LINE_HEIGHT, text_lines
from .after_run import AFTER_RUN, RUN_HELP, RUN_LABEL
from .outputs import OUTPUT_NAMES
from .schema import COUNTS, LOTS, SETTINGS, USAGE, Schema
from .settings import PARSERS
from .signoff import PREPARED, REVIEWED

TITLE = "giveback: how to fill in this workbook"
READ_ME = "Read me"
WIDTHS = (34, 100)  # the sheet's two columns, in widths of the digit 0: names, then their text

COLUMNS: dict[tuple[str, str], str] = {
    (USAGE.sheet, "product"): "The product: the item code (or item and location) that usage, lots and counts share."
    " Codes that differ only in capitals, spaces, dashes or quotes (MOTOR-H, Motor-H, MOTOR–H) are held back"
    " (Blocked) until they are spelled alike, or listed as different products in the setting distinct_products.",
    (USAGE.sheet, "quantity"): "The unallocated units of one usage record: positive for consumption (a shipment, a"
    " write-off), negative for a return: -20 or (20); 1,234.50 is 1234.5. Never 0.",
    (USAGE.sheet, "date"): "The usage date: a date cell, or text such as 2026-03-01 (03/04/2026 reads as the"
    " setting date_order says). Optional; undated records are visited first. A date that cannot be read is a"
    " warning and the record counts as undated.",
    (USAGE.sheet, "reference"): "The document: invoice, shipment or return number. Optional; shown in the trace.",
    (USAGE.sheet, "unit_cost"): "The cost of one unit, 0 or more ($1,234.50 is read as 1234.5). Optional; prices the"
    " adjustment. A cost that cannot be read is a warning and counts as unknown.",
    (LOTS.sheet, "product"): "The product of a lot already on the books, spelled as on the Usage sheet.",
    (LOTS.sheet, "lot"): "The lot's id, once per product. Optional; a lot without one is named by its row.",
    (LOTS.sheet, "quantity"): "The units the lot received: more than 0.",
    (LOTS.sheet, "used"): "The units already allocated from the lot: 0 up to Quantity. Blank is 0.",
    (LOTS.sheet, "date"): "The lot's date: consumption draws on the oldest lot first (fifo). Optional; undated lots"
    " count as the oldest, and so does a lot whose date cannot be read (a warning says so).",
    (LOTS.sheet, "unit_cost"): "The cost of one unit of the lot. Optional; one that cannot be read counts as unknown.",
    (COUNTS.sheet, "product"): "A product of the Usage sheet that was counted: one row per product.",
    (COUNTS.sheet, "balance"): "The balance the system shows for the product: any sign (often negative).",
    (COUNTS.sheet, "counted"): "The units physically counted: 0 or more, never negative. The adjustment then"
    " changes the balance by Counted minus Balance.",
    (SETTINGS.sheet, "setting"): "A setting's name: one of those listed on the Read me sheet.",
    (SETTINGS.sheet, "value"): "The setting's value. Blank keeps the default.",
    (AFTER_RUN.sheet, RUN_LABEL.lower()): RUN_HELP + " Type it in the cell right of Run.",
    (AFTER_RUN.sheet, "product"): "After posting and running the reconciliation: a product the ERP still shows"
    " unallocated usage for, as on the Usage sheet.",
    (AFTER_RUN.sheet, "quantity"): "The units still unallocated, signed as on Usage: positive consumption,"
    " negative returns. The adjustment's own write-off may be listed or left out.",
    (AFTER_RUN.sheet, "reference"): "The usage record's document, as the ERP shows it: a reference not on the Usage"
    " sheet is usage posted since the run.",
}

SETTINGS_HELP: dict[str, tuple[str, str]] = {  # name: (values, what it does)
    "rule": ("book (default), fewest, guide, budget", "How the adjustment is chosen. book: one reconciliation run"
             " processes every product, so the book needs as many runs as its slowest product under the guide's"
             " lines; each product gets the smallest lines that clear it within those runs, never larger than the"
             " guide's. fewest: each product in its fewest runs, with the smallest write-off among those. guide: the"
             " ERP guide's rule of thumb (net positive: one line, the balance change; otherwise two lines of the"
             " largest of the quantities and the net). budget: the smallest write-off that clears within max_runs"
             " runs."),
    "lot_order": ("fifo (default), lifo", "Which lots consumption draws on first: the oldest (fifo) or the newest"
                  " (lifo). Returns always go back to the newest lot first."),
    "max_runs": ("a whole number, or blank", "The most reconciliation runs you are willing to do, for rule book or"
                 " budget (max_runs without a rule makes the rule budget). Rules fewest and guide do not use it: a"
                 " warning says so."),
    "max_loops": ("a whole number (default 10,000)", "Where LoopTrace stops: a product that needs more runs is"
                  " still recommended, with its exact run count; LoopTrace shows its first max_loops runs."),
    "max_write_off": ("units, or blank for no limit", "The largest write-off (Off line) giveback may recommend. The"
                      " guide rule does not use it: a warning says so."),
    "max_write_off_cost": ("money, or blank for no limit", "The largest write-off in money, for products whose unit"
                           " cost is known. The guide rule does not use it."),
    "date_order": ("mdy, dmy or ymd; blank: mdy, with a warning", "How dates typed as text read where day and"
                   " month could swap: 03/04/2026 is 4 March under mdy (month first, as in the US), 3 April under"
                   " dmy (day first, as in the UK and Europe). Dates typed year first (2026-03-04) and date cells"
                   " always read as they are. Left blank, such a date reads month first and a warning names it."),
    "distinct_products": ("product codes separated by commas (or ; or | when a code holds a comma)", "Codes that"
                          " look alike but are different products, e.g. MOTOR-H, Motor-H: giveback then"
                          " recommends each on its own instead of holding them back. One row per group; repeat the"
                          " row for more."),
}

OUTPUTS_HELP: dict[str, str] = {
    "Adjustments": "The lines to key into the ERP for each product whose status is Adjust: an On line (a"
    " beginning-balance lot) and, when needed, an Off line (a write-off). Both are one beginning-balance adjustment.",
    "Summary": "The whole book first: the runs it needs and the product that sets them, the gross entry, the guide's,"
    " and what one run fewer would cost. Then one row per product: its status (Adjust, No adjustment, Cannot"
    " clear, Blocked), its lines, the runs they take, their gross cost and notes saying why; its usage totals and"
    " the guide's lines print on pages of their own. Above the table: the run record (when, the rule, a"
    " fingerprint of the inputs) and the Prepared by and Reviewed by cells.",
    "LoopTrace": "Every movement of every simulated run: what each COGS reconciliation run will give back and"
    " allocate, lot by lot.",
    "Issues": "Only when there are some: each cell giveback could not use (an Error: its product is Blocked) and"
    " Warnings worth a look (an optional cell that could not be read, a date that could be read two ways, a setting"
    " the rule does not use: each says what was assumed, and the product is still recommended), with the cell (a"
    " link to it), a code and how to fix it.",
    "Options": "The whole book's gross entry against the runs it clears in, charted; then per product, the"
    " adjustments between its fewest runs and the book's or the guide's, with the runs each needs; pick a product"
    " in its Product cell and the chart under it shows them.",
}

INTRODUCTION = (
    "Fill in the Usage sheet (and Lots, Counts and Settings when you need them), save, and run"
    " giveback reconcile on this file, or Reconcile on the Give-Back ribbon tab. giveback recommends, per"
    " product, the beginning-balance adjustment that clears its unallocated usage with the smallest entry"
    " in no more COGS reconciliation runs than the whole book needs, and writes the result onto new sheets."
)
SHEETS = (
    (USAGE.sheet, "Required. The unallocated usage the COGS reconciliation left, one row per usage record."),
    (LOTS.sheet, "Optional. Lots already on the books for these products; they take part in every run."),
    (COUNTS.sheet, "Optional. A physical count against the system balance. Without one, the balance changes by"
                   " no more than the usage needs: the net usage less the units its lots still hold, never below"
                   " 0."),
    (SETTINGS.sheet, "Optional. How the adjustment is chosen; options given to the command win over it."),
)
SIGNS = (
    ("Consumption", "A positive usage quantity: a shipment, a write-off."),
    ("Return", "A negative usage quantity: -20 or (20). giveback gives it back to the newest lot first."),
    ("Counts", "Counted is never negative; Balance may be. Balance 50 and Counted -20 look swapped and are"
               " reported."),
)
TYPING = (
    ("Numbers", "Type them as you would: 1,234 and 1,234.50 (commas between groups of three digits), (20) for"
                " -20, $2.50 for a cost. A decimal comma (12,5) or other separators (1.234,5; 12,34,567) are"
                " reported with how to type them."),
    ("Dates", "A date cell, or text: 2026-03-04 always reads the same; 03/04/2026 reads as the setting date_order"
              " says (month first unless dmy)."),
    ("Errors and warnings", "A cell giveback cannot read in a column every row needs (Product, Quantity), or one"
                            " that changes the answer (Used, Balance, Counted), holds its product back (Blocked)."
                            " One in an optional column (Date, Reference, Unit Cost) is a warning: the row is used"
                            " as if the cell were blank, and Issues says so."),
)
POSTING = (
    ("1. Enter", "For each product on Adjustments, one beginning-balance adjustment with its lines: the On"
                 " quantity and, when there is one, the Off quantity."),
    ("2. Run", "Run the COGS reconciliation as many times as Summary's Runs say; each run gives back and"
               " allocates more. The number of runs depends only on the quantities, not on the posting date."),
    ("3. The others", "No adjustment: the lots on the books clear the usage already. Blocked or Cannot clear: no"
                      " entry yet; fix the rows Issues lists, or read Summary's notes, and reconcile again."),
    ("Your file", "giveback writes its sheets into a copy (BOOK.reconciled.xlsx) unless asked to work in place,"
                  " replaces them on every run, and changes nothing else."),
)
CLOSE = (
    (f"{PREPARED}, {REVIEWED}", "Summary records the run (when, the rule, a fingerprint of the inputs) above its"
     " table. The preparer and then the reviewer type their name in the cell right of the label and the date right"
     " of that. A run with the same inputs keeps them; a run whose inputs changed clears them and keeps them on a"
     " History line, so nobody posts figures reviewed for other numbers."),
    ("Check", "giveback check BOOK (or Check on the Give-Back ribbon tab) says whether the outputs still match the"
              " inputs, and if not, names every cell that changed since the run (Usage!D14 changed from 6 to 8)."
              " A line edited on Adjustments (its product, Line or Quantity) counts too; notes, formats, costs,"
              " memos and other sheets do not."),
    ("Export", "giveback export BOOK --csv FILE writes the lines to post as an import file for the ERP: Adjustment"
               " ID, Product, Line, Quantity, Unit Cost, Extended Cost, Date, Memo. A book never reconciled, a stale"
               " one, one whose lines on Adjustments were edited and one another giveback version reconciled are"
               " refused."),
    (AFTER_RUN.sheet, "After posting and running the reconciliation k times, paste what is still unallocated (Product,"
                      " Quantity, Reference) under the header and type k right of Run. Check then says whether"
                      " that is what the trace predicted (on track) or which products differ, by how much, and why"
                      " (usage posted since, lines keyed with another quantity)."),
)


def row_height(name: str, text: str) -> float:
    """The height, in points, of the row of `name` and its `text`, both wrapped in their
    column (`seam.text_lines`): every host sizes the rows with it (LibreOffice would not
    grow them)."""
    return LINE_HEIGHT * max(text_lines(name, WIDTHS[0]), text_lines(text, WIDTHS[1]))


def parts() -> Iterable[tuple[str, Iterable[tuple[str, str]]]]:
    """Read me's parts, in order: a heading and its rows of (name, text)."""
    yield "What it does", [("", INTRODUCTION)]
    yield "The input sheets", SHEETS
    yield "Signs", SIGNS
    yield "Typing numbers and dates", TYPING
    for schema in (USAGE, LOTS, COUNTS):  # Settings' two columns: the part after this one
        yield f"{schema.sheet} columns", columns(schema)
    yield "Settings: a name in column Setting, its value in column Value", [
        (name, f"{values}. {text}") for name, (values, text) in SETTINGS_HELP.items() if name in PARSERS]
    yield "What giveback writes", [(name, OUTPUTS_HELP[name]) for name in OUTPUT_NAMES if name in OUTPUTS_HELP]
    yield "Posting the result", POSTING
    yield "Review, check and follow up", CLOSE


def columns(schema: Schema) -> list[tuple[str, str]]:
    """A sheet's columns as Read me lists them: the header (and the other names it
    answers to), and what to type."""
    rows = []
    for field in schema.fields:
        also = f" (or {', '.join(field.names[1:])})" if len(field.names) > 1 else ""
        rows.append((field.header + also, COLUMNS[schema.sheet, field.key]))
    return rows


def header_note(schema: Schema, key: str) -> str:
    """The note on a template's header cell: the column's text."""
    return COLUMNS[schema.sheet, key]
