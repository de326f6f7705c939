"""SPEC section 4: the guide, fewest and budget rules, on the seed's statements."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core import Case, Policy, Status, recommend
from core.whatif import BadQuantity, recommend_quantities
from engine_cases import product

SEED = (2, 4, 4, -10, 3, -3)


def lines(outcome):
    return [(line.kind, line.quantity) for line in outcome.lines]


def test_13_is_the_fewest_for_the_seeds_net_zero_list():
    rec = recommend_quantities(SEED, policy=Policy(rule="fewest"))
    assert rec.case is Case.NET_ZERO
    assert lines(rec.chosen) == [("On", 13), ("Off", -13)]
    assert (rec.chosen.loops, rec.chosen.settled) == (2, True)


def test_guide_uses_the_largest_quantity_10_and_needs_3_loops():
    rec = recommend_quantities(SEED)
    assert lines(rec.guide) == [("On", 10), ("Off", -10)]
    assert (rec.guide.loops, rec.guide.settled) == (3, True)


def test_50_is_no_fewer_loops_than_13_only_a_larger_entry():
    from core.whatif import what_if

    assert what_if(SEED, 50, 50).outcome.loops == what_if(SEED, 13, 13).outcome.loops == 2


def test_20_beats_17_for_the_seeds_net_negative_example():
    rec = recommend_quantities((-20, 3))
    assert (rec.case, rec.net) == (Case.NET_NEGATIVE, -17)
    assert lines(rec.chosen) == lines(rec.guide) == [("On", 20), ("Off", -20)]
    assert rec.chosen.loops == 2
    assert recommend_quantities((-20, 3), policy=Policy(rule="budget", max_runs=3)).chosen.w == 17


@pytest.mark.parametrize(
    "quantities, rule, max_runs, expected_lines, loops",
    [
        ((2, -2), "fewest", None, [("On", 2), ("Off", -2)], 2),
        ((60,), "guide", None, [("On", 60)], 1),
        ((60,), "fewest", None, [("On", 60)], 1),
        ((50, -20, 30), "fewest", None, [("On", 60)], 2),
        (SEED, "budget", 3, [("On", 7), ("Off", -7)], 3),
        (SEED, "budget", 14, [("On", 1), ("Off", -1)], 14),
        (SEED, "budget", 1, [], 0),
    ],
)
def test_rules(quantities, rule, max_runs, expected_lines, loops):
    rec = recommend_quantities(quantities, policy=Policy(rule=rule, max_runs=max_runs))
    assert (lines(rec.chosen), rec.chosen.loops) == (expected_lines, loops)


def test_budget_reports_none_when_no_adjustment_fits():
    rec = recommend_quantities(SEED, policy=Policy(rule="budget", max_runs=1))
    assert rec.chosen.w is None and not rec.chosen.settled and rec.status is Status.CANNOT_CLEAR
    assert any("Cannot clear within 1 run" in note and "is 2 (On 13 / Off -13)" in note for note in rec.notes)


def test_count_sets_the_balance_change():
    rec = recommend(product((50, 10), count=(-20, -90)))  # counted -20, balance -90: +70
    assert rec.delta == 70
    assert lines(rec.chosen) == [("On", 70)]
    assert rec.chosen.settled


def test_count_smaller_than_net_leaves_usage_unallocated_and_says_so():
    rec = recommend(product((60,), count=(0, -40)))  # delta 40 < net 60
    assert not rec.chosen.settled and rec.chosen.unallocated == 20 and rec.status is Status.CANNOT_CLEAR
    assert any("Check the count" in note for note in rec.notes)


def test_existing_lots_that_clear_the_usage_need_no_adjustment():
    rec = recommend(product((-4, 3), existing=[(10, 6)]))
    assert lines(rec.chosen) == [] and rec.status is Status.NO_ADJUSTMENT
    assert any(note.startswith("No adjustment needed") for note in rec.notes)


@pytest.mark.parametrize(
    "quantities, existing, rule, delta, expected",
    [
        ((6, -4), [(10, 8), (5, 1)], "book", 0, []),  # the demo's GASKET: its lots hold 6, the usage nets 2
        ((6, -4), [(10, 8), (5, 1)], "guide", 0, []),
        ((70, -7), [(10, 4), (8, 2)], "book", 51, [("On", 51)]),  # the lots hold 12, the usage nets 63
        ((70, -7), [(10, 4), (8, 2)], "fewest", 51, [("On", 51)]),
        ((70, -7), [], "book", 63, [("On", 63)]),
        ((-5, 3), [(10, 2)], "book", 0, []),  # net negative: the balance change is 0 whatever the lots
    ],
)
def test_without_a_count_the_balance_change_brings_the_books_to_zero_and_no_further(
        quantities, existing, rule, delta, expected):
    rec = recommend(product(quantities, existing=existing), Policy(rule=rule))
    assert (rec.delta, lines(rec.chosen), rec.chosen.settled) == (delta, expected, True)
    assert rec.status is (Status.ADJUST if expected else Status.NO_ADJUSTMENT)


def test_lots_that_cover_the_usage_say_so_in_the_notes():
    rec = recommend(product((6, -4), existing=[(10, 8), (5, 1)]))
    assert "The lots on the books still hold 6 units, which cover the net usage of 2: nothing is written up." \
        in rec.notes


def test_two_decimal_grid():
    rec = recommend_quantities(("1.25", "-0.5", "2.10", "-2.85"), policy=Policy(rule="fewest"))
    assert rec.step == Decimal("0.01")
    assert lines(rec.chosen) == [("On", Decimal("3.35")), ("Off", Decimal("-3.35"))]


def test_entry_size_with_unit_cost():
    from core import ProductUsage, Usage

    usage = (
        Usage(product="P", quantity=Decimal(2), unit_cost=Decimal("1.50"), row=1),
        Usage(product="P", quantity=Decimal(-2), row=2),
    )
    rec = recommend(ProductUsage(product="P", usage=usage), Policy(rule="fewest"))
    assert (rec.gross, rec.gross_cost) == (4, Decimal("6.00"))


def test_what_if_q1_against_a_million_units_is_exact_and_capped_fast():
    from core.whatif import what_if

    result = what_if((1_000_000, -999_999), 1, 1)
    assert result.outcome.loops == 1_000_000 and result.outcome.capped
    assert max(row.loop for row in result.trace) == 10_000


COSTED_RECORDS = st.lists(
    st.tuples(
        st.none() | st.dates(dt.date(2026, 1, 1), dt.date(2026, 1, 3)),
        st.integers(0, 3),
        st.none() | st.integers(1, 9).map(Decimal),
    ),
    max_size=6,
)


@given(COSTED_RECORDS, COSTED_RECORDS)
def test_unit_cost_is_the_latest_costed_usage_else_the_newest_costed_lot(usage_keys, lot_keys):
    """What a stable sort puts last among the costed records, undated, dated and tied."""
    from core import Lot, ProductUsage, Usage
    from core.giveback import lot_age, visiting_order
    from core.rules import unit_cost

    usage = tuple(
        Usage(product="P", quantity=Decimal(1), date=d, row=r, unit_cost=c) for d, r, c in usage_keys
    )
    lots = tuple(
        Lot(product="P", id=f"L{i}", quantity=Decimal(1), date=d, row=r, unit_cost=c)
        for i, (d, r, c) in enumerate(lot_keys)
    )
    costed_usage = sorted((u for u in usage if u.unit_cost is not None), key=visiting_order)
    costed_lots = sorted((lot for lot in lots if lot.unit_cost is not None), key=lot_age)
    expected = costed_usage[-1] if costed_usage else costed_lots[-1] if costed_lots else None
    found, _ = unit_cost(ProductUsage(product="P", usage=usage, lots=lots))
    assert found is (expected.unit_cost if expected else None)


ISSUE_11 = (50, -45, 48, -40, 30)


@pytest.mark.parametrize(
    "quantities, rule, max_runs, options",
    [
        (SEED, "fewest", None, [(2, 13, "chosen"), (3, 7, "guide")]),
        (SEED, "guide", None, [(2, 13, ""), (3, 7, "guide")]),
        (SEED, "budget", 5, [(2, 13, ""), (3, 7, "guide"), (4, 5, ""), (5, 4, "chosen")]),
        (ISSUE_11, "fewest", None, [(2, 42, "chosen"), (3, 0, "guide")]),
        ((-20, 3), "fewest", None, [(2, 20, "chosen guide")]),
        ((60,), "fewest", None, [(1, 0, "chosen guide")]),
    ],
)
def test_options_run_from_the_fewest_runs_to_the_guides(quantities, rule, max_runs, options):
    rec = recommend_quantities(quantities, policy=Policy(rule=rule, max_runs=max_runs))
    marks = lambda o: " ".join(m for m, on in (("chosen", o.chosen), ("guide", o.guide)) if on)  # noqa: E731
    assert [(o.loops, o.w, marks(o)) for o in rec.options] == options


def test_a_thousand_runs_of_options_keep_the_twelve_that_save_the_most():
    rec = recommend_quantities((1000, -999))
    assert [o.loops for o in rec.options] == [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 1000]
    assert (rec.options[0].w, rec.options[-1].w) == (998, 0)


@pytest.mark.parametrize(
    "quantities, cap, expected, loops, note",
    [
        (ISSUE_11, Policy(rule="fewest", max_write_off=10), [("On", 43)], 3,
         "The write-off cap of 10 units keeps this at 3 runs; On 85 / Off -42 would take 2."),
        (ISSUE_11, Policy(rule="fewest", max_write_off=42), [("On", 85), ("Off", -42)], 2, None),
        (SEED, Policy(rule="fewest", max_write_off=8), [("On", 7), ("Off", -7)], 3,
         "The write-off cap of 8 units keeps this at 3 runs; On 13 / Off -13 would take 2."),
        ((-20, 3), Policy(rule="fewest", max_write_off=10), [("On", 10), ("Off", -10)], 3,
         "Cannot clear within the write-off cap of 10 units: 7 units stay unallocated; On 20 / Off -20 would"
         " clear them in 2 runs. Do not post these lines."),
        (SEED, Policy(rule="guide", max_write_off=5), [("On", 10), ("Off", -10)], 3,
         "The guide's adjustment writes off 10 units, over the write-off cap of 5 units; the fewest rule keeps"
         " within it."),
        ((-20, 3), Policy(rule="guide", max_write_off=5), [("On", 20), ("Off", -20)], 2,
         "The guide's adjustment writes off 20 units, over the write-off cap of 5 units; no adjustment within it"
         " clears the usage."),
        (SEED, Policy(rule="budget", max_runs=3, max_write_off=5), [], 0,
         "Cannot clear within 3 runs and the write-off cap of 5 units; On 7 / Off -7 would."),
    ],
)
def test_the_write_off_cap_limits_fewest_and_budget_and_says_what_it_cost(quantities, cap, expected, loops, note):
    rec = recommend_quantities(quantities, policy=cap)
    assert (lines(rec.chosen), rec.chosen.loops) == (expected, loops)
    assert (note in rec.notes) if note else not any("cap" in n for n in rec.notes)


def test_a_cap_below_the_write_off_the_count_needs_fits_no_adjustment():
    rec = recommend(product((5, 3), count=(2, 10)), Policy(rule="fewest", max_write_off=5))  # counted 2, balance 10: -8
    assert rec.chosen.w is None and rec.status.value == "cannot_clear"
    assert "Cannot clear within the write-off cap of 5 units: the balance change needs at least 8 units" \
           " written off." in rec.notes


def test_the_cost_cap_counts_where_the_unit_cost_is_known():
    cheap = recommend_quantities(ISSUE_11, policy=Policy(rule="fewest", max_write_off_cost=100), unit_cost="2.5")
    unknown = recommend_quantities(ISSUE_11, policy=Policy(rule="fewest", max_write_off_cost=100))
    assert (cheap.chosen.w, unknown.chosen.w) == (0, 42)
    assert "The write-off cap in cost does not apply: no unit cost is known for this product." in unknown.notes
    assert "The write-off cap of 100 in cost (40 units at 2.5) keeps this at 3 runs;" \
           " On 85 / Off -42 would take 2." in cheap.notes


@pytest.mark.parametrize(
    "quantities, rule, note",
    [
        (ISSUE_11, "fewest", "1 run fewer than the guide's On 43 (3 runs), with 42 more units on the On line and an Off line of -42."),
        (SEED, "fewest", "1 run fewer than the guide's On 10 / Off -10 (3 runs), with 3 more units on each line."),
        (SEED, "guide", "On 7 / Off -7 takes the same 3 runs with 3 fewer units on each line. See Options."),
        (SEED, "book", "As many runs as the guide's On 10 / Off -10 (3 runs), with 3 fewer units on each line."),
        (SEED, "book", "Clearing in 2 runs would need On 13 / Off -13: 6 more units on each line. See Options."),
        ((-20, 3), "book", "The same lines as the ERP guide's rule of thumb (2 runs)."),
    ],
)
def test_the_notes_quote_the_step_that_matters(quantities, rule, note):
    assert note in recommend_quantities(quantities, policy=Policy(rule=rule)).notes


@pytest.mark.parametrize(
    "cap, note",
    [
        (Policy(rule="fewest", max_write_off=Decimal("10.5")), "The write-off cap of 10.5 units keeps this at 3 runs;"),
        (Policy(rule="fewest", max_write_off=30, max_write_off_cost=50), "The write-off cap of 50 in cost (20 units at 2.5)"),
        (Policy(rule="fewest", max_write_off=15, max_write_off_cost=50), "The write-off cap of 15 units keeps this"),
    ],
)
def test_the_note_names_the_cap_that_binds(cap, note):
    rec = recommend_quantities(ISSUE_11, policy=cap, unit_cost="2.5")
    assert any(n.startswith(note) for n in rec.notes), rec.notes


def test_budget_does_not_ask_for_more_runs_when_no_adjustment_clears_at_all():
    rec = recommend_quantities([10], counted=10, balance=20, policy=Policy(rule="budget", max_runs=1))
    assert rec.status is Status.CANNOT_CLEAR
    assert not any("allow" in note for note in rec.notes)
    assert any(note.startswith("Cannot clear: whatever the write-off, 20 units left unallocated (no run moves"
                               " anything)") for note in rec.notes)


@pytest.mark.parametrize(
    "counted, balance, words",
    [
        (-20, 50, "count is -20, but a count cannot be negative: balance and count look swapped. If the system shows"
                  " -20 and 50 were counted, type -20 as the balance and 50 as the count (a change of +70)"),
        (-3, -5, "type the units counted (0 or more) as the count and the system's balance as the balance"),
    ],
)
def test_a_negative_count_is_refused_and_swapped_only_when_the_balance_could_be_a_count(counted, balance, words):
    with pytest.raises(BadQuantity, match=re.escape(words)):
        recommend_quantities([10], counted=counted, balance=balance)


def test_the_guide_over_the_cap_still_says_why_it_cannot_clear():
    rec = recommend_quantities([10], counted=10, balance=20, policy=Policy(rule="guide", max_write_off=1))
    assert rec.status is Status.CANNOT_CLEAR
    assert rec.notes[1].startswith("Cannot clear: whatever the write-off, 20 units left unallocated")
    assert rec.notes[2].startswith("The guide's adjustment writes off 10 units, over the write-off cap of 1 units")
