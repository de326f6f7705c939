"""Property tests: the engine against brute force and its own invariants.

- the run count from totals (`counting`) equals the record-by-record simulation;
- `fewest` and `budget` pick what trying every grid step picks;
- the invariants of SPEC section 2 hold after every run, under random policies.
"""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from core import Adjustment, Count, Lot, Policy, ProductUsage, Usage, check_invariants, ledger, recommend, run, simulate
from core.counting import count_loops
from core.giveback import opening_state
from core.recommend import search_space

SCALES = {"integer": Decimal(1), "cents": Decimal("0.01")}


@st.composite
def products(draw, scale=Decimal(1)):
    units = lambda lo, hi: st.integers(lo, hi).map(lambda n: Decimal(n) * scale)  # noqa: E731
    quantities = draw(st.lists(units(1, 12).flatmap(lambda q: st.sampled_from([q, -q])), min_size=1, max_size=6))
    usage = tuple(Usage(product="P", quantity=q, row=i, source=f"#{i}") for i, q in enumerate(quantities, 1))
    lots = []
    for i, (q, fraction) in enumerate(draw(st.lists(st.tuples(units(1, 8), st.floats(0, 1)), max_size=2)), 1):
        used = (q * Decimal(str(round(fraction, 2)))).quantize(scale)
        lots.append(Lot(product="P", id=f"L{i}", quantity=q, used=min(used, q), row=i))
    count = None
    if draw(st.booleans()):
        count = Count(product="P", counted=draw(units(-10, 10)), balance=draw(units(-10, 10)))
    return ProductUsage(product="P", usage=usage, lots=tuple(lots), count=count)


def brute_force(product, policy):
    """Try every grid W in the range with the record-by-record simulation."""
    space = search_space(product)
    results = []
    w = space.low
    while w <= space.high:
        book = ledger("P", product.usage, product.lots, Adjustment(on=space.delta + w, off=w))
        sim = simulate(book, Policy(max_loops=100_000))
        left = sum(sim.state.remaining)
        results.append((w, sim.loops, sim.settled, left))
        w += space.step
    settling = [r for r in results if r[2]]
    if policy.rule == "budget":
        fits = [r for r in settling if r[1] <= policy.max_runs]
        return fits[0][0] if fits else None
    if settling:
        fewest = min(r[1] for r in settling)
        return next(r[0] for r in settling if r[1] == fewest)
    least = min(r[3] for r in results)
    return next(r[0] for r in results if r[3] == least)


@settings(max_examples=300, deadline=None)
@given(products(), st.integers(1, 6))
def test_fewest_and_budget_match_brute_force_on_integers(product, runs):
    assert recommend(product).chosen.w == brute_force(product, Policy())
    budget = Policy(rule="budget", max_runs=runs)
    assert recommend(product, budget).chosen.w == brute_force(product, budget)


@settings(max_examples=150, deadline=None)
@given(products(scale=Decimal("0.01")), st.integers(1, 6))
def test_fewest_and_budget_match_brute_force_on_cents(product, runs):
    assert recommend(product).chosen.w == brute_force(product, Policy())
    budget = Policy(rule="budget", max_runs=runs)
    assert recommend(product, budget).chosen.w == brute_force(product, budget)


@settings(max_examples=400, deadline=None)
@given(products(), st.integers(0, 15), st.integers(0, 15), st.sampled_from(["fifo", "lifo"]))
def test_counting_from_totals_equals_the_simulation(product, on, off, order):
    adjustment = Adjustment(on=Decimal(on), off=Decimal(off))
    sim = simulate(ledger("P", product.usage, product.lots, adjustment), Policy(lot_order=order, max_loops=100_000))
    space = search_space(product)
    totals = space.totals(Decimal(0))._replace(
        capacity=space.lots_capacity + adjustment.on, consumption=space.balance.positive + adjustment.off
    )
    count = count_loops(totals)
    assert (count.loops, count.settled, count.unallocated) == (sim.loops, sim.settled, sum(sim.state.remaining))


@settings(max_examples=300, deadline=None)
@given(products(), st.integers(0, 15), st.integers(0, 15), st.sampled_from(["fifo", "lifo"]))
def test_invariants_hold_after_every_run_under_random_policies(product, on, off, order):
    book = ledger("P", product.usage, product.lots, Adjustment(on=Decimal(on), off=Decimal(off)))
    state = opening_state(book)
    for loop in range(1, 1000):
        state, rows = run(book, state, loop, order)
        assert check_invariants(book, state) == []
        if not rows:
            break


policies = st.builds(
    lambda rule, order, runs, loops: Policy(rule=rule, lot_order=order, max_runs=runs if rule == "budget" else None,
                                            max_loops=loops),
    st.sampled_from(["fewest", "guide", "budget"]), st.sampled_from(["fifo", "lifo"]), st.integers(1, 6),
    st.sampled_from([1, 2, 5, 10_000]),
)


@settings(max_examples=300, deadline=None)
@given(products(), policies)
def test_a_recommendation_under_any_policy_is_what_simulating_its_adjustment_gives(product, policy):
    """Loops are counted exactly whatever the policy; `capped` says the trace stopped at
    `max_loops` runs, and the trace holds no run beyond it."""
    rec = recommend(product, policy)
    for chosen in (rec.chosen, rec.guide):
        if chosen.adjustment is None:
            continue
        book = ledger("P", product.usage, product.lots, chosen.adjustment)
        sim = simulate(book, Policy(**{**policy.model_dump(), "max_loops": 100_000}))
        assert (sim.loops, sim.settled) == (chosen.loops, chosen.settled)
        assert chosen.capped == (chosen.loops > policy.max_loops)
        assert check_invariants(book, sim.state) == []
    assert all(row.loop <= policy.max_loops for row in rec.trace)
