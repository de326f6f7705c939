"""The book rule and the book curve (SPEC section 4) against brute force: random books of
2 to 5 products, every grid W of every product simulated record by record."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core import Policy, Status
from core.book import book_story, recommend_book
from core.models import Adjustment
from core.notes import lines_changed
from core.rules import search_space
from engine_cases import product
from test_properties import caps, every_w, products, within_cap

D = Decimal
SEED = (2, 4, 4, -10, 3, -3)

ZERO = Decimal(0)


def guide_w(item):
    """The guide's write-off, from SPEC section 4's words: 0 for net positive, else the
    largest of the quantities and the net; never below what a count's negative delta needs."""
    quantities = [usage.quantity for usage in item.usage]
    net = sum(quantities)
    low = search_space(item).low
    return low if net > 0 else max(max(abs(q) for q in quantities), abs(net), low)


def brute_book(items, policy):
    """Each product's W under the book rule, by trying every grid W: (W or None, R)."""
    ranges = []
    for item in items:
        cost = item.usage[-1].unit_cost
        table = [row for row in every_w(item) if within_cap(row[0], policy, cost)]
        bounded = [row for row in table if row[0] <= guide_w(item)]
        ranges.append(bounded if any(settled for _, _, settled, _ in bounded) else table)
    paces = [min((loops for _, loops, settled, _ in rows if settled), default=None) for rows in ranges]
    runs = max((pace for pace in paces if pace is not None), default=None)
    chosen = [None if pace is None else min(w for w, loops, settled, _ in rows if settled and loops <= runs)
              for rows, pace in zip(ranges, paces)]
    return chosen, runs


def brute_curve(items, clearing):
    """{k: total entry} over the products that clear, every W of their whole range."""
    tables = [[(w, loops) for w, loops, settled, _ in every_w(item) if settled] for item in clearing]
    fastest = max(min(loops for _, loops in table) for table in tables)
    return {k: sum(search_space(item).delta + 2 * min(w for w, loops in table if loops <= k)
                   for item, table in zip(clearing, tables))
            for k in range(fastest, 60)}


books = st.lists(products(), min_size=2, max_size=5)


@settings(max_examples=250, deadline=None)
@given(books, caps)
def test_the_book_rule_matches_brute_force(items, cap):
    policy = Policy(rule="book", max_write_off=cap[0], max_write_off_cost=cap[1])
    recommendations, book = recommend_book(items, policy)
    expected, runs = brute_book(items, policy)
    for rec, w in zip(recommendations, expected):
        if w is None:
            assert rec.status is Status.CANNOT_CLEAR
        else:
            assert (rec.chosen.w, rec.chosen.settled) == (w, True)
            assert rec.chosen.loops <= runs
    assert book.runs == (runs or 0)


@settings(max_examples=150, deadline=None)
@given(books)
def test_no_line_exceeds_the_guides_and_the_book_needs_no_more_runs_than_under_the_guide(items):
    """SPEC section 4's promise, where the guide's lines clear every product."""
    recommendations, book = recommend_book(items, Policy())
    if not all(rec.guide.settled for rec in recommendations):
        return
    assert all(rec.chosen.w <= rec.guide.w for rec in recommendations)
    assert book.runs <= book.guide.runs
    assert book.gross <= book.guide.gross


@settings(max_examples=150, deadline=None)
@given(books, st.sampled_from(["book", "fewest", "guide", "budget"]))
def test_the_book_curve_matches_brute_force(items, rule):
    """Over every product some lines clear, whether or not the rule's lines do (a budget
    of 2 runs leaves some that 3 would clear on the curve)."""
    recommendations, book = recommend_book(items, Policy(rule=rule, max_runs=2 if rule == "budget" else None))
    clearing = [item for item in items if any(settled for _, _, settled, _ in every_w(item))]
    if not clearing:
        assert book.options == () and book.runs == 0
        return
    expected = brute_curve(items, clearing)
    assert book.options, "a book that clears has a curve"
    assert book.options[0].runs == min(expected)
    assert all(point.gross == expected[point.runs] for point in book.options)
    assert [point.runs for point in book.options] == sorted({point.runs for point in book.options})
    if rule in ("book", "fewest"):
        assert book.options[-1].runs >= book.runs
    if rule == "book":  # the book rule's entries are the curve's at its runs
        at_runs = next(point for point in book.options if point.runs == book.runs)
        assert at_runs.gross == book.gross


def test_the_slowest_product_sets_the_books_runs_and_the_others_take_less():
    """BRACKET's guide line +70 takes 6 runs, its fewest under the guide's bound: the book
    needs 6. NUT-5 (the seed's net-zero list) would take +7 / -7 in 3 on its own; within
    6 runs +3 / -3 does."""
    bracket = product((200, -180, 150, -160, 60)).model_copy(update={"product": "BRACKET"})
    nut = product((2, 4, 4, -10, 3, -3)).model_copy(update={"product": "NUT-5"})
    (by_bracket, by_nut), book = recommend_book([bracket, nut], Policy())
    assert (book.runs, book.paced_by) == (6, ("BRACKET",))
    assert (by_bracket.chosen.w, by_bracket.chosen.adjustment.on, by_bracket.chosen.loops) == (0, 70, 6)
    assert (by_nut.chosen.w, by_nut.chosen.loops) == (3, 6)
    assert by_nut.alone.w == 7
    assert any("On its own this product would get On 7 / Off -7 (3 runs)" in note for note in by_nut.notes)
    assert book.faster.runs == 5 and {c.product: c.more for c in book.faster.changes} == {"NUT-5": 1, "BRACKET": 15}
    assert book_story(book)[0].startswith("The book clears in 6 runs, set by BRACKET.")


def test_max_runs_sets_the_books_runs_without_the_guides_bound():
    bracket = product((200, -180, 150, -160, 60)).model_copy(update={"product": "BRACKET"})
    (rec,), book = recommend_book([bracket], Policy(rule="budget", max_runs=2))
    assert (rec.chosen.w, rec.chosen.adjustment.on, rec.chosen.loops, book.runs) == (270, 340, 2, 2)


@settings(max_examples=100, deadline=None)
@given(books, st.sampled_from(["book", "fewest", "guide", "budget"]))
def test_the_books_story_is_always_three_sentences(items, rule):
    """Summary's intro keeps its height whatever the book: a re-run finds its table on
    the row where it left it (Excel will not move a table's header when resizing it)."""
    policy = Policy(rule=rule, max_runs=3 if rule == "budget" else None)
    _, book = recommend_book(items, policy)
    story = book_story(book)
    assert len(story) == 3 and all(sentence.endswith(".") for sentence in story)


def named(quantities, name):
    return product(quantities).model_copy(update={"product": name})


def test_products_that_cannot_be_cleared_are_named_and_the_guide_counted_over_every_product():
    """max_runs 1: BRACKET and the seed's net zero cannot clear within 1 run; the book's
    story says so rather than that it clears, and the guide's totals are the guide's."""
    bracket, nut, widget = named((200, -180, 150, -160, 60), "BRACKET"), named(SEED, "NUT-5"), named((60,), "W")
    recs, book = recommend_book([bracket, nut, widget], Policy(rule="budget", max_runs=1))
    assert [rec.status.value for rec in recs] == ["cannot_clear", "cannot_clear", "adjust"]
    assert (book.runs, book.cannot_clear, book.gross) == (1, ("BRACKET", "NUT-5"), 60)
    assert (book.guide.runs, book.guide.gross, book.guide.settled) == (6, 70 + 20 + 60, True)
    assert [point.runs for point in book.options][:2] == [2, 3]  # the curve: every product some lines clear
    said = book_story(book)
    assert said[0].startswith("The book clears in 1 run, set by W, but 2 products cannot be cleared"
                              " (BRACKET, NUT-5: see their notes).")
    assert said[1].startswith("The ERP guide's rule of thumb: 6 runs, gross 150 units")
    (_, nothing), = [recommend_book([nut], Policy(rule="budget", max_runs=1))]
    assert book_story(nothing)[0] == ("No product can be cleared yet: 1 product cannot (NUT-5); Summary's notes"
                                      " say why.")
    assert book_story(recommend_book([], Policy())[1])[0] == "Nothing to post: no product could be recommended."


def test_the_curve_shows_where_the_options_change_not_only_the_last_runs():
    """+1,000 -999 has options at 2 to 12 runs and at 1,000; the curve shows those, not
    990 to 1,000 where nothing changes."""
    _, book = recommend_book([named((1000, -999), "P"), named(SEED, "Q")], Policy(rule="guide"))
    shown = [point.runs for point in book.options]
    assert len(shown) <= 12 and shown[0] == 2 and shown[-1] == 1000 and 3 in shown and 12 not in shown[-2:]


def test_the_step_one_run_faster_says_when_a_cap_stands_in_its_way():
    bracket = named((200, -180, 150, -160, 60), "BRACKET")
    _, book = recommend_book([bracket], Policy(rule="fewest", max_write_off=20))
    (change,) = book.faster.changes
    assert not change.within_cap and "over its write-off cap" in book_story(book)[2]


@pytest.mark.parametrize(
    "more, before, said",
    [
        (D(3), Adjustment(on=D(20), off=D(20)), "3 more units on each line"),
        (D(-3), Adjustment(on=D(20), off=D(20)), "3 fewer units on each line"),
        (D(15), Adjustment(on=D(70)), "15 more units on the On line and an Off line of -15"),  # BRACKET's, issue of trust
        (D(2), None, "an On line of 2 and an Off line of -2"),
        (D(-20), Adjustment(on=D(60), off=D(20)), "20 fewer units on the On line and no Off line"),
        (D(-5), Adjustment(on=D(5), off=D(5)), "no lines"),
        (D(5), Adjustment(on=D(0), off=D(10)), "an On line of 5 and 5 more units on the Off line"),  # the review's
        (D(-5), Adjustment(on=D(5), off=D(15)), "no On line and 5 fewer units on the Off line"),
    ],
)
def test_a_change_of_write_off_says_which_lines_change(more, before, said):
    """W more units are W more on each line only while there are two lines: from none, an
    Off line comes (and the On line grows by as much); down to none, it goes."""
    assert lines_changed(more, before) == said


def test_the_product_that_sets_the_books_pace_says_what_larger_lines_would_do():
    """Found on a large book: one product set the whole book's 47 runs while its note said only
    'the same lines as the guide's'. Its note now says it sets the pace and what its fastest
    lines are, the lever for the whole book (the demo: BRACKET, 6 runs at the guide's lines)."""
    from giveback.demo import COUNTS, LOTS, USAGE
    from workbook.reconcile import reconcile
    from workbook.seam import Grids
    from workbooks import COUNTS_HEADER, LOTS_HEADER, USAGE_HEADER
    done = reconcile(Grids({"Usage": [USAGE_HEADER, *USAGE], "Lots": [LOTS_HEADER, *LOTS],
                            "Counts": [COUNTS_HEADER, *COUNTS]}))
    notes = {rec.product: " ".join(rec.notes) for rec in done.recommendations}
    assert done.book.paced_by == ("BRACKET",)
    assert "It sets the whole book's pace. On 340 / Off -270 would clear it in 2 runs: 270 more units on the On" \
           " line and an Off line of -270 (648.00 each way); the book would then need as many runs as its next" \
           " slowest product" in notes["BRACKET"]
    assert not [product for product, said in notes.items() if "sets the whole book's pace" in said and product != "BRACKET"]
