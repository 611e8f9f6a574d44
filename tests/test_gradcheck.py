"""The central-difference checker itself, on functions with known derivatives."""

import numpy as np
from numpy.testing import assert_allclose

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


def test_leaves_the_point_unchanged():
    x = np.array([1.0, 2.0])
    sb.numerical_jacobian(sb.softmax, x)
    assert_allclose(x, [1.0, 2.0], rtol=0)


def test_relative_error():
    assert sb.relative_error([1.0, 2.0], [1.0, 2.0]) == 0.0
    assert sb.relative_error([1.0], [-1.0]) == 1.0
    assert sb.relative_error([0.0], [0.0]) == 0.0
    # norm-wise: a small absolute slip on a near-zero entry does not dominate
    assert sb.relative_error([1e-6, 1.0], [1.1e-6, 1.0]) < 1e-7
