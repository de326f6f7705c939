"""The ownership mark every writer shares (`workbook.ownership`): which sheets giveback
wrote, from the names a host lists."""

import pytest

from workbook.ownership import DefinedName, is_mark_for, mark_formula, mark_name, owned_sheets

MARK = DefinedName("_giveback_sheet_Adjustments", "='Adjustments'!$A$1", None)
LEGACY = DefinedName("_giveback_output", '="Adjustments"', "Adjustments")


@pytest.mark.parametrize("sheet, name, formula", [
    ("Adjustments", "_giveback_sheet_Adjustments", "'Adjustments'!$A$1"),
    ("LoopTrace (2)", "_giveback_sheet_LoopTrace_2", "'LoopTrace (2)'!$A$1"),
    ("Bob's", "_giveback_sheet_Bob_s", "'Bob''s'!$A$1"),
])
def test_a_mark_is_named_after_its_sheet_and_refers_to_its_first_cell(sheet, name, formula):
    assert (mark_name(sheet), mark_formula(sheet)) == (name, formula)


@pytest.mark.parametrize("case, sheet, names, owned", [
    ("marked", "Adjustments", [MARK], True),
    ("Excel's spelling, unquoted", "Adjustments", [MARK._replace(formula="=Adjustments!$A$1")], True),
    ("the file's spelling, no =", "Adjustments", [MARK._replace(formula="'Adjustments'!$A$1")], True),
    ("any case", "ADJUSTMENTS", [MARK._replace(name="_GIVEBACK_SHEET_adjustments")], True),
    ("quoted quote", "Bob's", [DefinedName("_giveback_sheet_Bob_s", "='Bob''s'!$A$1", None)], True),
    ("no mark", "Adjustments", [], False),
    ("renamed: the mark refers to March", "March", [MARK._replace(formula="=March!$A$1")], False),
    ("a new sheet under a renamed output's name", "Adjustments", [MARK._replace(formula="=March!$A$1")], False),
    ("deleted: #REF!", "Adjustments", [MARK._replace(formula="=#REF!$A$1")], False),
    ("a copy's sheet-scoped copy of the mark", "Adjustments (2)",
     [DefinedName("_giveback_sheet_Adjustments", "='Adjustments (2)'!$A$1", "Adjustments (2)")], False),
    ("a mark named for another sheet", "LoopTrace 2",
     [DefinedName("_giveback_sheet_LoopTrace_2", "='LoopTrace (2)'!$A$1", None)], False),
    ("some other cell", "Adjustments", [MARK._replace(formula="=Adjustments!$B$2")], False),
    ("the older mark", "Adjustments", [LEGACY], True),
    ("the older mark, copied by Excel", "Adjustments (2)", [LEGACY._replace(scope="Adjustments (2)")], False),
    ("the older mark on another sheet", "Summary", [LEGACY._replace(scope="Summary")], False),
    ("the older name at workbook scope", "Adjustments", [LEGACY._replace(scope=None)], False),
])
def test_which_sheets_are_givebacks(case, sheet, names, owned):
    assert owned_sheets([sheet], names) == ({sheet.casefold()} if owned else set()), case


def test_a_mark_goes_with_the_sheet_it_refers_to():
    assert is_mark_for(MARK, {"adjustments"})
    assert not is_mark_for(MARK, {"summary"})
    assert not is_mark_for(LEGACY, {"adjustments"})  # sheet-scoped: Excel drops it with its sheet
