"""Look-alike product codes (issue 18): codes that differ only in capitals, blanks, dashes
or quotes are probably one product typed two ways, so each is held back (`blocked`,
`product_lookalike`, every spelling's first cell named) until the codes agree or a
Settings row `distinct_products` lists them as different products
(`workbook.sheets.lookalikes`)."""

import pytest

from core.problems import Code
from workbook.reconcile import reconcile
from workbook.sheets import inputs
from workbook.sheets.lookalikes import distinct_codes, distinct_value, look_alike
from workbook.sheets.schema import COUNTS, LOTS, USAGE, find_header, numbered
from workbooks import COUNTS_HEADER, LOTS_HEADER, USAGE_HEADER, grids, usage_rows


@pytest.mark.parametrize(
    "one, other, alike",
    [
        ("MOTOR-H", "Motor-H", True),  # capitals
        ("MOTOR-H", "motor-h", True),
        ("MOTOR-H", "MOTOR\u2013H", True),  # en dash
        ("MOTOR-H", "MOTOR\u2014H", True),  # em dash
        ("MOTOR-H", "MOTOR\u2212H", True),  # minus sign
        ("MOTOR-H", "MOTOR\u2011H", True),  # non-breaking hyphen
        ("MOTOR-H", "MOTOR\uff0dH", True),  # full-width hyphen
        ("O'RING", "O\u2019RING", True),  # right single quotation mark
        ("O'RING", "O\u2018RING", True),
        ("O'RING", "O`RING", True),
        ('PIPE 3/4"', "PIPE 3/4\u201d", True),  # inches typed with a curly quote
        ("BOLT 10", "BOLT  10", True),  # an inner run of spaces
        ("BOLT 10", "BOLT10", True),
        ("BOLT 10", "BOLT\u00a010", True),  # a non-breaking space
        ("BOLT 10", "BOLT\u200b 10", True),  # a zero-width space
        ("BOLT 10", "BOLT\t10", True),
        ("MOTOR", "\uff2d\uff2f\uff34\uff2f\uff32", True),  # full-width letters
        ("STRASSE", "Stra\u00dfe", True),  # casefold: ss
        ("MOTOR-H", "MOTOR_H", False),
        ("MOTOR-H", "MOTORH", False),
        ("BOLT 10", "BOLT 1O", False),  # letter O, digit 0
        ("A-1", "A-2", False),
        ("O'RING", 'O"RING', False),
        ("CAFE", "CAF\u00c9", False),  # an accent is a letter
    ],
)
def test_look_alike_folds_capitals_blanks_dashes_and_quotes_only(one, other, alike):
    assert (look_alike(one) == look_alike(other)) is alike


@pytest.mark.parametrize(
    "value, codes",
    [
        ("MOTOR-H, Motor-H", ("MOTOR-H", "Motor-H")),
        ("MOTOR-H;Motor-H ; MOTOR\u2013H", ("MOTOR-H", "Motor-H", "MOTOR\u2013H")),
        ("MOTOR-H | Motor-H", ("MOTOR-H", "Motor-H")),
        ("12,5 MM; 12,50 MM", ("12,5 MM", "12,50 MM")),  # a semicolon: commas stay in the codes
        ("A;1 | a;1", ("A;1", "a;1")),
        (" A ,, a, A ", ("A", "a")),
        ("A", ("A",)),
    ],
)
def test_distinct_products_values_split_on_bars_else_semicolons_else_commas(value, codes):
    assert distinct_codes(value) == codes


@pytest.mark.parametrize("codes", [("MOTOR-H", "Motor-H"), ("12,5 MM", "12,50 MM"), ("A;1", "a,1"), ("A;1", "a;1,")])
def test_the_value_a_message_offers_reads_back_as_its_codes(codes):
    assert distinct_codes(distinct_value(codes)) == codes


def assembled(usage=(), lots=(), counts=(), distinct=()):
    def read(codec, schema, header, rows, sheet):
        numbered_rows = numbered([header, *rows])
        return codec(find_header(schema, sheet, numbered_rows), numbered_rows)

    return inputs.assemble(read(inputs.read_usage, USAGE, USAGE_HEADER, usage, "Usage"),
                           read(inputs.read_lots, LOTS, LOTS_HEADER, lots, "Lots"),
                           read(inputs.read_counts, COUNTS, COUNTS_HEADER, counts, "Counts"), distinct)


EN_DASH = "MOTOR\u2013H"


@pytest.mark.parametrize(
    "usage, lots, counts, distinct, blocked",
    [  # blocked: {product: [(cell of its problem, the spellings it names with their first cells)]}
        ([("MOTOR-H", 1), ("B", 1), ("Motor-H", 1), ("MOTOR-H", 2)], [], [], (),
         {"MOTOR-H": ("Usage!A2", [("MOTOR-H", "Usage!A2"), ("Motor-H", "Usage!A4")]),
          "Motor-H": ("Usage!A4", [("Motor-H", "Usage!A4"), ("MOTOR-H", "Usage!A2")])}),
        ([("MOTOR-H", 1)], [("Motor-H", "L1", 5)], [(EN_DASH, 0, 1)], (),  # spellings on Lots and Counts count
         {"MOTOR-H": ("Usage!A2", [("MOTOR-H", "Usage!A2"), ("Motor-H", "Lots!A2"), (EN_DASH, "Counts!A2")])}),
        ([("MOTOR-H", 1), ("Motor-H", 1)], [], [], [("MOTOR-H", "Motor-H")], {}),
        ([("MOTOR-H", 1), ("Motor-H", 1), (EN_DASH, 1)], [], [], [("MOTOR-H", "Motor-H"), (EN_DASH, "MOTOR-H")],
         {"Motor-H": ("Usage!A3", [("Motor-H", "Usage!A3"), (EN_DASH, "Usage!A4")]),  # not said apart
          EN_DASH: ("Usage!A4", [(EN_DASH, "Usage!A4"), ("Motor-H", "Usage!A3")])}),
        ([("MOTOR-H", 1), ("Motor-H", 1), (EN_DASH, 1)], [], [], [("MOTOR-H", "Motor-H", EN_DASH)], {}),
        ([("MOTOR-H", 1), ("A", 1)], [("Motor-H", "L1", 5), ("MOTOR-H ", "L2", 5)], [], [("MOTOR-H", "Motor-H")], {}),
        ([("BOLT 10", 1), ("BOLT 1O", 1), ("A-1", 1), ("A_1", 1)], [], [], (), {}),
    ],
)
def test_look_alike_codes_are_held_back_naming_every_spelling(usage, lots, counts, distinct, blocked):
    products = assembled(usage, lots, counts, distinct)
    assert {product: (found[0].cell, found[0].code) for product, found in products.blocked.items()} == {
        product: (cell, Code.PRODUCT_LOOKALIKE) for product, (cell, _) in blocked.items()}
    for product, (_, named) in blocked.items():
        (problem,) = products.blocked[product]
        assert problem.severity == "error"
        spelled = [f"'{code}' ({cell})" for code, cell in named]
        positions = [problem.message.index(words) for words in spelled]
        assert positions == sorted(positions), problem.message
        assert "distinct_products" in problem.message
    assert [rec.product for rec in products.ready] == [
        product for product in dict.fromkeys(row[0].strip() for row in usage) if product not in blocked]


def test_a_look_alike_message_offers_the_settings_value_that_tells_them_apart():
    (problem,) = assembled([("12,5 MM", 1), ("12,5 mm", 1)]).blocked["12,5 MM"]
    assert problem.message.endswith("distinct_products with the value 12,5 MM; 12,5 mm.")


def test_a_look_alike_beside_an_error_lists_both_problems():
    products = assembled([("A", 1), ("a", "x")])
    assert [(p.code, p.severity) for p in products.blocked["a"]] == [
        (Code.QUANTITY_NOT_A_NUMBER, "error"), (Code.PRODUCT_LOOKALIKE, "error")]
    assert [(p.code, p.severity) for p in products.blocked["A"]] == [(Code.PRODUCT_LOOKALIKE, "error")]
    assert products.ready == []


def test_look_alikes_are_blocked_on_summary_and_issues_until_settings_tell_them_apart():
    usage = usage_rows("MOTOR-H", [2, -2]) + usage_rows("Motor-H", [3]) + usage_rows("B", [5])
    done = reconcile(grids(usage=usage))
    assert [rec.product for rec in done.recommendations] == ["B"]
    assert {product: [p.code for p in found] for product, found in done.blocked.items()} == {
        "MOTOR-H": [Code.PRODUCT_LOOKALIKE], "Motor-H": [Code.PRODUCT_LOOKALIKE]}
    sheets = {sheet.name: sheet for sheet in done.sheets}
    summary = {row[0]: row[1] for row in sheets["Summary"].rows}
    assert [summary[name] for name in ("MOTOR-H", "Motor-H", "B")] == ["Blocked", "Blocked", "Adjust"]
    issues = [(str(row[0]), row[1], row[3], row[4]) for row in sheets["Issues"].rows]
    assert issues == [("Usage!A2", "MOTOR-H", "Error", "product_lookalike"),
                      ("Usage!A4", "Motor-H", "Error", "product_lookalike")]
    assert all("Usage!A2" in row[-1] and "Usage!A4" in row[-1] for row in sheets["Issues"].rows)
    assert done.status == 1
    apart = reconcile(grids(usage=usage, settings=[("distinct_products", "MOTOR-H, Motor-H")]))
    assert [rec.product for rec in apart.recommendations] == ["MOTOR-H", "Motor-H", "B"]
    assert (apart.status, apart.problems) == (0, ())
