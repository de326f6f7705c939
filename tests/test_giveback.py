"""The give-back loop: SPEC section 2's worked examples and its invariants."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core import Lot, Policy, Usage, check_invariants, ledger, run, simulate
from core.giveback import lot_age, opening_state, visiting_order
from engine_cases import adjustment, lots, usage

SEED = (2, 4, 4, -10, 3, -3)

WORKED_EXAMPLES = [
    # usage, Q, loops, settled
    ((2, -2), 2, 2, True),
    (SEED, 13, 2, True),
    (SEED, 1, 14, True),
    (SEED, 10, 3, True),
    (SEED, 12, 3, True),
    (SEED, 50, 2, True),
    ((-20, 3), 20, 2, True),
    ((-20, 3), 17, 3, True),
]


@pytest.mark.parametrize("quantities, q, loops, settled", WORKED_EXAMPLES)
def test_worked_examples_of_the_spec(quantities, q, loops, settled):
    simulation = simulate(ledger("P", usage(*quantities), (), adjustment(q, q)))
    assert (simulation.loops, simulation.settled, simulation.capped) == (loops, settled, False)


def test_seed_example_walks_as_the_module_docstring_says():
    trace = simulate(ledger("P", usage(*SEED), (), adjustment(13, 13))).trace
    assert [(r.loop, r.phase, r.source or r.reference, r.moved, r.lot_used_after) for r in trace] == [
        (1, "allocate", "Usage!B2", 2, 2),
        (1, "allocate", "Usage!B3", 4, 6),
        (1, "allocate", "Usage!B4", 4, 10),
        (1, "allocate", "Usage!B6", 3, 13),
        (2, "give_back", "Usage!B5", 10, 3),
        (2, "give_back", "Usage!B7", 3, 0),
        (2, "allocate", "Adjustment write-off", 13, 13),
    ]


def test_returns_go_back_newest_lot_first_bounded_by_used():
    book = ledger("P", usage(-5), lots((4, 4), (3, 2)))  # L1 older, L2 newer
    state, rows = run(book, opening_state(book), 1)
    assert [(r.lot, r.moved) for r in rows] == [("L2", 2), ("L1", 3)]
    assert state.used == (Decimal(1), Decimal(0))


@pytest.mark.parametrize("order, first_lot", [("fifo", "L1"), ("lifo", "L2")])
def test_usage_draws_oldest_lot_first_unless_lifo(order, first_lot):
    book = ledger("P", usage(2), lots((5, 0), (5, 0)))
    _, rows = run(book, opening_state(book), 1, order)
    assert [r.lot for r in rows] == [first_lot]


def test_partial_allocation_splits_a_usage_across_lots_and_runs():
    book = ledger("P", usage(5, -3), lots((2, 0), (1, 0)))
    simulation = simulate(book)
    assert [(r.loop, r.phase, r.lot, r.moved, r.unallocated_after) for r in simulation.trace] == [
        (1, "allocate", "L1", 2, 3), (1, "allocate", "L2", 1, 2),
        (2, "give_back", "L2", 1, -2), (2, "give_back", "L1", 2, 0),
        (2, "allocate", "L1", 2, 0),
    ]
    assert (simulation.loops, simulation.settled) == (2, True)


def test_undated_usage_is_visited_first_then_by_date_then_row():
    records = (
        Usage(product="P", quantity=Decimal(1), date=dt.date(2026, 3, 1), row=1, source="a"),
        Usage(product="P", quantity=Decimal(1), date=dt.date(2026, 1, 1), row=2, source="b"),
        Usage(product="P", quantity=Decimal(1), row=3, source="c"),
    )
    assert [u.source for u in ledger("P", records).usage] == ["c", "b", "a"]


def test_beginning_balance_lot_is_oldest_and_write_off_is_visited_last():
    book = ledger("P", usage(1, -1), lots((3, 0)), adjustment(5, 2))
    assert [lot.id for lot in book.lots] == ["Adjustment lot", "L1"]
    assert [u.reference or u.source for u in book.usage][-1] == "Adjustment write-off"


def test_run_does_not_change_its_input_state():
    book = ledger("P", usage(*SEED), (), adjustment(13, 13))
    before = opening_state(book)
    run(book, before, 1)
    assert before == opening_state(book)


def test_invariants_hold_after_every_run():
    book = ledger("P", usage(*SEED), lots((3, 1)), adjustment(4, 4))
    state = opening_state(book)
    for loop in range(1, 50):
        state, rows = run(book, state, loop)
        assert check_invariants(book, state) == []
        if not rows:
            break


def test_max_loops_caps_a_runaway_simulation():
    simulation = simulate(ledger("P", usage(100, -99), (), adjustment(1, 1)), Policy(max_loops=10))
    assert (simulation.loops, simulation.capped, simulation.settled) == (10, True, False)


def test_no_lots_means_nothing_moves_and_nothing_settles():
    simulation = simulate(ledger("P", usage(3, -1)))
    assert (simulation.loops, simulation.settled, simulation.trace) == (0, False, ())


DATED_ROWS = st.lists(
    st.tuples(st.none() | st.dates(dt.date(2026, 1, 1), dt.date(2026, 1, 4)), st.integers(0, 4)), max_size=8
)


@given(DATED_ROWS, DATED_ROWS)
def test_ledger_orders_as_visiting_order_and_lot_age_say(usage_keys, lot_keys):
    """Dated, undated and mixed records, ties in date and row included."""
    records = [Usage(product="P", quantity=Decimal(1), date=d, row=r, source=f"#{i}") for i, (d, r) in enumerate(usage_keys)]
    existing = [Lot(product="P", id=f"L{i}", quantity=Decimal(1), date=d, row=r) for i, (d, r) in enumerate(lot_keys)]
    book = ledger("P", records, existing)
    assert book.usage == tuple(sorted(records, key=visiting_order))
    assert book.lots == tuple(sorted(existing, key=lot_age))
