"""`to_quantity`'s quick path for whole numbers and short floats gives exactly what the
exact path gives (value, digits and exponent), for any int or float."""

from hypothesis import given
from hypothesis import strategies as st

from core.quantities import NotAQuantity, _exact_quantity, to_quantity


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
