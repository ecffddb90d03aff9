"""Density surface against an exact Gaussian kernel sum."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from analysis.density import MAX_BANDWIDTH, MIN_BANDWIDTH, bandwidth_rule, density_surface


def exact_density(px: np.ndarray, py: np.ndarray, x: np.ndarray, y: np.ndarray, h: float,
                  weights: np.ndarray | None = None) -> np.ndarray:
    """Direct sum of isotropic Gaussian kernels, per km²."""
    w = np.ones(len(x)) if weights is None else weights
    d2 = (px[:, None] - x[None, :]) ** 2 + (py[:, None] - y[None, :]) ** 2
    return (w[None, :] * np.exp(-d2 / (2 * h**2))).sum(axis=1) / (2 * np.pi * h**2) * 1e6


def sample_points(seed: int = 4) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = np.r_[rng.normal(601000, 150, 200), rng.uniform(600000, 602000, 200)]
    y = np.r_[rng.normal(6541000, 100, 200), rng.uniform(6540000, 6542000, 200)]
    return x, y


def test_matches_exact_kde_within_a_few_per_cent():
    x, y = sample_points()
    raster = density_surface(x, y, cell=10, bandwidth=120)
    xs, ys = raster.centres()
    gx, gy = np.meshgrid(xs[::3], ys[::3])  # every third pixel keeps the direct sum small
    exact = exact_density(gx.ravel(), gy.ravel(), x, y, 120).reshape(gx.shape)
    error = np.abs(raster.values[::3, ::3] - exact)
    assert error.max() < 0.03 * exact.max()
    where = exact > 0.1 * exact.max()
    assert np.median(error[where] / exact[where]) < 0.02


def test_matches_scipy_gaussian_kde_with_isotropic_bandwidth():
    x, y = sample_points(9)
    # Make the sample's covariance exactly sigma² I, so gaussian_kde's kernel (data covariance
    # times factor²) is the isotropic Gaussian with standard deviation factor * sigma.
    points = np.vstack([x, y])
    centre = points.mean(axis=1, keepdims=True)
    sigma, h = 500.0, 150.0
    whitening = np.linalg.cholesky(np.linalg.inv(np.cov(points)))
    points = sigma * whitening.T @ (points - centre) + centre
    kde = stats.gaussian_kde(points, bw_method=h / sigma)
    np.testing.assert_allclose(kde.covariance, np.eye(2) * h**2, atol=1e-6)
    raster = density_surface(points[0], points[1], cell=25, bandwidth=h)
    xs, ys = raster.centres()
    gx, gy = np.meshgrid(xs[::4], ys[::4])
    reference = kde(np.vstack([gx.ravel(), gy.ravel()])) * points.shape[1] * 1e6
    ours = raster.values[::4, ::4].ravel()
    assert np.abs(ours - reference).max() < 0.03 * reference.max()


def test_weights_units_and_mass():
    x, y = sample_points()
    w = np.where(x > 601000, 2.0, 0.5)
    raster = density_surface(x, y, cell=20, bandwidth=100, weights=w)
    # Integral over the raster (per km² × km² per pixel) ≈ total weight, the edge is 3 h away.
    total = raster.values.sum() * raster.cell**2 / 1e6
    assert total == pytest.approx(w.sum(), rel=0.01)
    assert raster.n_points == pytest.approx(w.sum())
    assert raster.units == "händelser per km²"


def test_north_up_raster_and_transform():
    raster = density_surface(np.array([600010.0]), np.array([6540390.0]), cell=20, bandwidth=50,
                             extent=(600000, 6540000, 600400, 6540400))
    assert raster.shape == (20, 20)
    assert raster.extent == (600000.0, 6540000.0, 600400.0, 6540400.0)
    assert raster.transform == (600000.0, 20.0, 0.0, 6540400.0, 0.0, -20.0)
    row, col = np.unravel_index(np.argmax(raster.values), raster.shape)
    assert (row, col) == (0, 0)  # north-west corner


def test_bandwidth_rule_is_documented_and_clamped():
    rng = np.random.default_rng(1)
    x, y = rng.normal(0, 400, 2000), rng.normal(0, 400, 2000)
    sigma = np.sqrt((np.var(x, ddof=1) + np.var(y, ddof=1)) / 2)
    assert bandwidth_rule(x, y) == pytest.approx(sigma * 2000 ** (-1 / 6))
    assert bandwidth_rule(x * 100, y * 100) == MAX_BANDWIDTH
    assert bandwidth_rule(x / 100, y / 100) == MIN_BANDWIDTH
    raster = density_surface(x + 600000, y + 6540000, cell=25)
    assert raster.bandwidth == pytest.approx(bandwidth_rule(x, y))
    assert "50–500 m" in raster.bandwidth_rule


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="Bandbredden"):
        density_surface(np.array([0.0]), np.array([0.0]), bandwidth=0)
    with pytest.raises(ValueError, match="Inga händelser"):
        density_surface(np.array([]), np.array([]))
