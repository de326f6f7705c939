"""`to_quantity`'s quick path for whole numbers and short floats gives exactly what the
exact path gives (value, digits and exponent), for any int or float; `grid_step` is the
finest step of its quantities, trailing zeros aside."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from core.quantities import ONE, NotAQuantity, _exact_quantity, grid_step, to_quantity


def exact_or_error(value):
    try:
        return str(_exact_quantity(value))
    except NotAQuantity:
        return "error"


def quick_or_error(value):
    try:
        return str(to_quantity(value))
    except NotAQuantity:
        return "error"


cents = st.integers(-10**9, 10**9).map(lambda n: n / 100)
@given(st.one_of(st.floats(), cents, st.integers(-10**16, 10**16), st.integers(-10**6, 10**6).map(float)))
def test_quick_path_agrees_with_exact_path(value):
    assert quick_or_error(value) == exact_or_error(value)


def test_typical_cells():
    assert [str(to_quantity(v)) for v in (5.0, -161.0, 433.93, 0.1, 1e-06, 7, 2.5e-07)] == [
        "5", "-161", "433.93", "0.1", "0.000001", "7", "0"
    ]


@given(st.lists(st.tuples(st.integers(-(10**6), 10**6), st.integers(-3, 8)), max_size=6))
def test_grid_step_is_the_finest_step_of_the_quantities_without_trailing_zeros(digits_and_places):
    quantities = [Decimal(digits).scaleb(-places) for digits, places in digits_and_places]  # 1.50, 2E+3, ...
    fractional = [q.normalize().as_tuple().exponent for q in quantities if q != q.to_integral_value()]
    assert repr(grid_step(quantities)) == repr(ONE.scaleb(min(fractional, default=0)))
