"""Property tests: the engine against brute force and its own invariants.

- the run count from totals (`counting`) equals the record-by-record simulation;
- `fewest` and `budget` pick what trying every grid step picks, with a write-off cap too;
- a product's options are the staircase that trying every grid step draws, and each
  option's runs are the simulation's;
- the invariants of SPEC section 2 hold after every run, under random policies.
"""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from core import (Adjustment, Count, Lot, Policy, ProductUsage, Status, Usage, check_invariants, ledger, recommend,
                  run, simulate)
from core.counting import Totals, count_loops, left_after
from core.giveback import opening_state
from core.rules import search_space

SCALES = {"integer": Decimal(1), "cents": Decimal("0.01")}


@st.composite
def products(draw, scale=Decimal(1)):
    units = lambda lo, hi: st.integers(lo, hi).map(lambda n: Decimal(n) * scale)  # noqa: E731
    quantities = draw(st.lists(units(1, 12).flatmap(lambda q: st.sampled_from([q, -q])), min_size=1, max_size=6))
    cost = draw(st.sampled_from([None, Decimal("2"), Decimal("0.35")]))
    usage = tuple(Usage(product="P", quantity=q, row=i, source=f"#{i}", unit_cost=cost)
                  for i, q in enumerate(quantities, 1))
    lots = []
    for i, (q, fraction) in enumerate(draw(st.lists(st.tuples(units(1, 8), st.floats(0, 1)), max_size=2)), 1):
        used = (q * Decimal(str(round(fraction, 2)))).quantize(scale)
        lots.append(Lot(product="P", id=f"L{i}", quantity=q, used=min(used, q), row=i))
    count = None
    if draw(st.booleans()):
        count = Count(product="P", counted=draw(units(-10, 10)), balance=draw(units(-10, 10)))
    return ProductUsage(product="P", usage=usage, lots=tuple(lots), count=count)


def every_w(product):
    """(W, loops, settled, left) for every grid W in the range, by the record-by-record
    simulation."""
    space = search_space(product)
    results = []
    w = space.low
    while w <= space.high:
        book = ledger("P", product.usage, product.lots, Adjustment(on=space.delta + w, off=w))
        sim = simulate(book, Policy(max_loops=100_000))
        results.append((w, sim.loops, sim.settled, sum(sim.state.remaining)))
        w += space.step
    return results


def within_cap(w, policy, unit_cost):
    if policy.max_write_off is not None and w > policy.max_write_off:
        return False
    cost_known = policy.max_write_off_cost is not None and unit_cost
    return not (cost_known and w * unit_cost > policy.max_write_off_cost)


def brute_force(product, policy):
    """Try every grid W in the range the cap allows with the record-by-record simulation."""
    cost = product.usage[-1].unit_cost
    results = [r for r in every_w(product) if within_cap(r[0], policy, cost)]
    if not results:
        return None
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
    fewest = Policy(rule="fewest")
    assert recommend(product, fewest).chosen.w == brute_force(product, fewest)
    budget = Policy(rule="budget", max_runs=runs)
    assert recommend(product, budget).chosen.w == brute_force(product, budget)


@settings(max_examples=150, deadline=None)
@given(products(scale=Decimal("0.01")), st.integers(1, 6))
def test_fewest_and_budget_match_brute_force_on_cents(product, runs):
    fewest = Policy(rule="fewest")
    assert recommend(product, fewest).chosen.w == brute_force(product, fewest)
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
@given(products(), st.integers(0, 15), st.integers(0, 15), st.sampled_from(["fifo", "lifo"]), st.integers(1, 40))
def test_what_k_runs_leave_from_totals_equals_the_simulation_cut_at_k(product, on, off, order, runs):
    """`left_after` against the record-by-record simulation stopped after `runs` runs:
    the lots' used, and the consumption and returns still unallocated."""
    adjustment = Adjustment(on=Decimal(on), off=Decimal(off))
    book = ledger("P", product.usage, product.lots, adjustment)
    sim = simulate(book, Policy(lot_order=order, max_loops=runs))
    space = search_space(product)
    totals = space.totals(adjustment.off)._replace(capacity=space.lots_capacity + adjustment.on)
    left = left_after(totals, runs)
    returns = sum((left for usage, left in zip(book.usage, sim.state.remaining) if usage.quantity < 0), Decimal(0))
    consumption = sum(sim.state.remaining, Decimal(0)) - returns
    assert left == (totals.capacity, sum(sim.state.used, Decimal(0)), consumption, returns)


def test_a_stretch_of_full_runs_is_cut_at_k_runs():
    """A full lot of 1 against 1,000 of each: every run gives back 1 and draws 1, the
    stretch counted at once yet stopped at run 7."""
    usage = (Usage(product="P", quantity=Decimal(1000), row=1), Usage(product="P", quantity=Decimal(-1000), row=2))
    book = ledger("P", usage, [Lot(product="P", id="L1", quantity=Decimal(1), used=Decimal(1), row=1)])
    sim = simulate(book, Policy(max_loops=7))
    assert left_after(Totals(Decimal(1), Decimal(1), Decimal(1000), Decimal(1000)), 7) == (1, 1, 993, 993)
    assert sim.loops == 7 and sim.state.remaining == (993, 993)


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
    st.sampled_from(["book", "fewest", "guide", "budget"]), st.sampled_from(["fifo", "lifo"]), st.integers(1, 6),
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


caps = st.tuples(st.none() | st.integers(0, 14).map(Decimal), st.none() | st.integers(0, 30).map(Decimal))


@settings(max_examples=300, deadline=None)
@given(products(), st.integers(1, 6), caps)
def test_a_capped_fewest_and_budget_match_brute_force_restricted_to_the_cap(product, runs, cap):
    units, cost = cap
    fewest = Policy(rule="fewest", max_write_off=units, max_write_off_cost=cost)
    assert recommend(product, fewest).chosen.w == brute_force(product, fewest)
    budget = Policy(rule="budget", max_runs=runs, max_write_off=units, max_write_off_cost=cost)
    assert recommend(product, budget).chosen.w == brute_force(product, budget)


@settings(max_examples=300, deadline=None)
@given(products(), st.sampled_from(["book", "fewest", "guide", "budget"]), st.integers(1, 6), caps)
def test_a_product_that_cannot_be_cleared_always_says_why(product, rule, runs, cap):
    """Every host shows `why_not_cleared` for a Cannot clear product (the command line's
    line, RECOMMEND_ADJ's error): it is never empty, and a product that can be cleared
    has none."""
    units, cost = cap
    policy = Policy(rule=rule, max_runs=runs if rule == "budget" else None, max_write_off=units,
                    max_write_off_cost=cost)
    rec = recommend(product, policy, with_trace=False)
    assert bool(rec.why_not_cleared) == (rec.status is Status.CANNOT_CLEAR)


@settings(max_examples=150, deadline=None)
@given(products(scale=Decimal("0.01")), caps)
def test_a_capped_fewest_matches_brute_force_on_cents(product, cap):
    policy = Policy(rule="fewest", max_write_off=None if cap[0] is None else cap[0] / 4, max_write_off_cost=cap[1])
    assert recommend(product, policy).chosen.w == brute_force(product, policy)


def brute_force_options(runs_of, guide_w, chosen_w, limit=12):
    """SPEC section 4's options from a table {W: loops} of the W that settle: W_k for every
    k from the fewest runs to the guide's or the chosen's, distinct; beyond `limit`, the
    fewest's, the guide's and the chosen's run counts, then the largest savings against the
    option with a run fewer (ties: fewer runs first). As (loops, W), fewest runs first."""
    if not runs_of:
        return []
    fewest = min(runs_of.values())
    most = max([fewest] + [runs_of[w] for w in (guide_w, chosen_w) if w in runs_of])
    stairs = sorted({min(w for w, loops in runs_of.items() if loops <= k) for k in range(fewest, most + 1)},
                    reverse=True)
    kept = {stairs[0]} | {min(w for w in runs_of if runs_of[w] <= runs_of[x]) for x in (guide_w, chosen_w)
                          if x in runs_of}
    savings = sorted((-(bigger - w), -w) for bigger, w in zip(stairs, stairs[1:]) if w not in kept)
    kept |= {-w for _, w in savings[:max(0, limit - len(kept))]}
    return sorted((runs_of[w], w) for w in kept)


def settling_runs(results):
    return {w: loops for w, loops, settled, _ in results if settled}


@settings(max_examples=300, deadline=None)
@given(products(), st.sampled_from([Policy(), Policy(rule="fewest"), Policy(rule="guide"),
                                    Policy(rule="budget", max_runs=4)]))
def test_options_are_the_staircase_trying_every_w_draws(product, policy):
    rec = recommend(product, policy)
    expected = brute_force_options(settling_runs(every_w(product)), rec.guide.w, rec.chosen.w)
    assert [(option.loops, option.w) for option in rec.options] == expected


@settings(max_examples=150, deadline=None)
@given(products(scale=Decimal("0.01")))
def test_options_are_the_staircase_trying_every_w_draws_on_cents(product):
    rec = recommend(product)
    expected = brute_force_options(settling_runs(every_w(product)), rec.guide.w, rec.chosen.w)
    assert [(option.loops, option.w) for option in rec.options] == expected


@settings(max_examples=200, deadline=None)
@given(products(), st.sampled_from(["fifo", "lifo"]), caps)
def test_every_options_runs_are_the_simulations_and_its_marks_say_what_it_is(product, order, cap):
    policy = Policy(lot_order=order, max_write_off=cap[0], max_write_off_cost=cap[1])
    rec = recommend(product, policy)
    for option in rec.options:
        sim = simulate(ledger("P", product.usage, product.lots, option.adjustment),
                       Policy(lot_order=order, max_loops=100_000))
        assert (sim.loops, sim.settled) == (option.loops, True)
        assert option.chosen == (option.w == rec.chosen.w)
        assert option.guide == (rec.guide.settled and option.loops == rec.guide.loops)
        assert option.within_cap == within_cap(option.w, policy, rec.unit_cost)
    assert len(rec.options) <= 12


churning = st.tuples(st.integers(50, 400), st.integers(1, 6), st.lists(st.integers(-9, 9).filter(bool), max_size=3))


@settings(max_examples=150, deadline=None)
@given(churning, st.sampled_from([Policy(), Policy(rule="fewest"), Policy(rule="budget", max_runs=7),
                                  Policy(rule="fewest", max_write_off=Decimal(40))]))
def test_long_staircases_keep_the_12_steps_that_save_the_most(usage, policy):
    """A large consumption nearly all returned: hundreds of run counts between the fewest
    and the guide's. Runs counted from totals (equal to the simulation, above) for every
    grid W."""
    big, net, more = usage
    quantities = [big, net - big, *more]
    product = ProductUsage(product="P", usage=tuple(
        Usage(product="P", quantity=Decimal(q), row=i) for i, q in enumerate(quantities, 1)))
    space = search_space(product)
    grid = space.grid()
    counts = {space.w_at(steps): count_loops(grid.totals(steps)) for steps in range(grid.top + 1)}
    rec = recommend(product, policy)
    expected = brute_force_options({w: c.loops for w, c in counts.items() if c.settled}, rec.guide.w, rec.chosen.w)
    assert [(option.loops, option.w) for option in rec.options] == expected
