"""The central-difference checker itself, on functions with known derivatives."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from numpy.testing import assert_allclose, assert_array_equal

import softmaxbook as sb


def test_jacobian_of_a_linear_map_is_its_matrix():
    A = np.random.default_rng(0).normal(size=(3, 4))
    assert_allclose(sb.numerical_jacobian(lambda x: A @ x, np.ones(4)), A, rtol=1e-8)


def test_gradient_of_a_quadratic():
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    assert_allclose(sb.numerical_gradient(lambda x: float(np.sum(x**2)), x), 2 * x, rtol=1e-8)


def test_error_is_second_order_in_h():
    # d/dx sin(x) at 1 with h and h/10: a central difference's error shrinks ~100x.
    errors = [abs(sb.numerical_gradient(lambda x: float(np.sin(x[0])), [1.0], h=h)[0] - np.cos(1.0))
              for h in (1e-2, 1e-3)]
    assert 50 < errors[0] / errors[1] < 200


@pytest.mark.parametrize("f", [sb.numerical_jacobian, sb.numerical_gradient])
def test_works_on_a_copy_of_the_point(f):
    # The loop moves x[j] to x[j] ± h and back, so the caller's x looks unchanged *after* the
    # call even if the checker perturbed it in place; what shows the copy is the caller's x
    # *while* f runs (a model holding x as its weights would see them move).
    x = np.array([1.0, 2.0])
    seen = []

    def g(v):
        seen.append(x.copy())
        assert not np.shares_memory(v, x)
        return float(sb.logsumexp(v))

    f(g, x)
    assert len(seen) == 5  # f at x, then at x ± h e_j for both j
    for s in seen:
        assert_array_equal(s, [1.0, 2.0])
    assert_array_equal(x, [1.0, 2.0])


def test_read_only_and_strided_points():
    x = np.arange(6.0)[::2]  # a strided view
    x.flags.writeable = False
    assert_allclose(sb.numerical_gradient(lambda v: float(np.sum(v**2)), x), 2 * x, rtol=1e-8)


@pytest.mark.parametrize("f, expected", [
    (lambda v: v, np.eye(3)),  # returns its argument
    (lambda v: v[::-1], np.eye(3)[::-1]),  # returns a view of it
    (lambda v: v.reshape(3, 1), np.eye(3).reshape(3, 1, 3)),
])
def test_f_may_return_its_argument_or_a_view(f, expected):
    # Bug story: f(x + h e_j) was kept as a view of the point, so moving the point on to
    # x - h e_j changed it too, and the difference came out 0.
    assert_allclose(sb.numerical_jacobian(f, np.array([1.0, 2.0, 3.0])), expected, rtol=1e-8, atol=1e-12)


def test_f_is_called_2n_plus_1_times():
    calls = []
    sb.numerical_gradient(lambda v: calls.append(1) or float(np.sum(v)), np.zeros((2, 3)))
    assert len(calls) == 2 * 6 + 1


def test_integer_and_float32_points_are_computed_in_float64():
    dtypes = []
    sb.numerical_jacobian(lambda v: dtypes.append(v.dtype) or v * 2, np.array([1, 2], dtype=np.int32))
    sb.numerical_jacobian(lambda v: dtypes.append(v.dtype) or v * 2, np.array([1, 2], dtype=np.float32))
    assert set(dtypes) == {np.dtype(np.float64)}


def test_relative_error():
    assert sb.relative_error([1.0, 2.0], [1.0, 2.0]) == 0.0
    assert sb.relative_error([1.0], [-1.0]) == 1.0
    assert sb.relative_error([0.0], [0.0]) == 0.0
    # norm-wise: a small absolute slip on a near-zero entry does not dominate
    assert sb.relative_error([1e-6, 1.0], [1.1e-6, 1.0]) < 1e-7
    # ||a - b|| / (||a|| + ||b||) = 5 / (5 + 10)
    assert_allclose(sb.relative_error([3.0, 4.0], [6.0, 8.0]), 1 / 3, rtol=1e-15)
    # computed in float64 even for float32 input
    assert sb.relative_error(np.float32([1.0]), [1.0 + 1e-12]) > 0


@pytest.mark.parametrize("a, b, expected", [
    # Bug story: the norms were taken unscaled, so squares of tiny entries underflowed to 0
    # (a result of 0.0 for inputs that differ by a factor of 2) and squares of huge ones
    # overflowed (nan and a RuntimeWarning). Scaled by a power of 2 first, every finite
    # input gets the value of the formula; each expected value is exact arithmetic.
    ([1e-200], [2e-200], 1 / 3),
    ([3e-170, 4e-170], [3e-170, 0.0], 0.5),  # ||a - b|| = 4, ||a|| = 5, ||b|| = 3 (x 1e-170)
    ([1e200], [2e200], 1 / 3),
    ([1.7976931348623157e308, -1.7976931348623157e308], [-1.7976931348623157e308, 1.7976931348623157e308], 1.0),
    ([5e-324], [0.0], 1.0),
    ([5e-324, 1e308], [5e-324, 1e308], 0.0),
    ([3e-300, 4e-300], [6e-300, 8e-300], 1 / 3),
])
def test_relative_error_at_the_ends_of_the_float_range(a, b, expected):
    assert_allclose(sb.relative_error(a, b), expected, rtol=1e-15)


def test_relative_error_scaling_changes_no_ordinary_value():
    # scaling by a power of 2 is exact, so ordinary inputs give the very same float as before
    rng = np.random.default_rng(0)
    for _ in range(100):
        a, b = rng.normal(size=(2, 7)) * 10.0 ** rng.uniform(-5, 5)
        expected = np.linalg.norm(a - b) / (np.linalg.norm(a) + np.linalg.norm(b))
        assert sb.relative_error(a, b) == min(expected, 1.0)


@settings(max_examples=200, deadline=None)
@given(arrays(np.float64, st.integers(1, 5), elements=st.floats(allow_nan=False, allow_infinity=False)),
       st.data())
def test_relative_error_is_in_0_1_for_every_finite_input(a, data):
    b = data.draw(arrays(np.float64, a.shape, elements=st.floats(allow_nan=False, allow_infinity=False)))
    err = sb.relative_error(a, b)
    assert 0.0 <= err <= 1.0
    if np.array_equal(a, b):
        assert err == 0.0


@pytest.mark.parametrize("h", [10**400, 2**1024, -(10**400)], ids=["10**400", "2**1024", "-10**400"])
def test_a_huge_integer_step_is_named(h):
    # Bug story: a Python int beyond the float range reached np.isfinite, whose
    # UFuncTypeError named nothing.
    with pytest.raises(ValueError, match=r"^`h` must be finite; got an integer of \d+ bits, beyond float64's range"):
        sb.numerical_gradient(lambda v: float(np.sum(v)), [1.0], h=h)
