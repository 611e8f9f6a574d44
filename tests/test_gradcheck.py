"""The central-difference checker itself, on functions with known derivatives."""

import numpy as np
import pytest
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
