"""One check of a physical count (`core.counts.negative_count`), made by every host in the
words of where the count was typed: the Counts sheet, `giveback recommend --count`, and
the Excel functions' count argument."""

from __future__ import annotations

import doctest
from decimal import Decimal as D

import pytest
import xlwings as xw

import core.counts
from addin.functions import recommend_adj
from core.counts import ARGUMENTS, SHEET, negative_count
from core.whatif import BadQuantity, recommend_quantities
from giveback import cli
from workbook.reconcile import reconcile
from workbooks import grids, usage_rows

USAGE = [45, 30, -5]


@pytest.mark.parametrize("counted, balance, refused, swapped", [
    (50, -20, False, False),  # the guide's sentence, read the right way round: +70
    (0, 5, False, False),
    (-20, 50, True, True),  # typed as the guide wrote it: swapped
    (-20, 0, True, True),
    (-3, -5, True, False),  # the balance cannot be a count either
])
def test_a_count_below_zero_is_refused_and_called_swapped_when_the_balance_could_be_a_count(counted, balance, refused, swapped):
    problem = negative_count(D(counted), D(balance), SHEET)
    assert (problem is not None) == refused
    assert (refused and "look swapped" in problem) == swapped


@pytest.mark.parametrize("counted, balance", [(-20, 50), (-3, -5)])
def test_every_host_gives_the_same_advice_in_its_own_words(counted, balance, capsys):
    on_sheet = reconcile(grids(usage=usage_rows("A", USAGE), counts=[("A", balance, counted)])).blocked["A"]
    assert [problem.message for problem in on_sheet] == [negative_count(D(counted), D(balance), SHEET)]
    inline = negative_count(D(counted), D(balance), ARGUMENTS)
    with pytest.raises(BadQuantity) as refused:
        recommend_quantities(USAGE, counted, balance)
    assert f"{refused.value}." == inline
    with pytest.raises(xw.XlwingsError) as in_excel:
        recommend_adj([[q] for q in USAGE], counted, balance)
    assert str(in_excel.value) == inline
    assert cli.main(["recommend", "--count", str(counted), "--balance", str(balance), "--", *map(str, USAGE)]) == 2
    assert capsys.readouterr().err.strip() == f"giveback: {inline}"


def test_the_modules_example_holds():
    assert doctest.testmod(core.counts).failed == 0
