"""What the density raster says about itself (rule, units, notes), in Swedish and English."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.density import density_surface

POINT = (np.array([600010.0]), np.array([6540390.0]))


def test_a_given_bandwidth_in_both_languages():
    sv = density_surface(*POINT, cell=20, bandwidth=120)
    en = density_surface(*POINT, cell=20, bandwidth=120, lang="en")
    assert (sv.bandwidth_rule, sv.units) == ("angiven av användaren", "händelser per km²")
    assert (en.bandwidth_rule, en.units) == ("given by the user", "incidents per km²")
    assert sv.notes == {"metod": "Gaussisk kärntäthet (binning + gaussiskt filter)",
                        "bandbredd": "120 m (angiven av användaren)", "enhet": "händelser per km²"}
    assert en.notes == {"metod": "Gaussian kernel density (binning + Gaussian filter)",
                        "bandbredd": "120 m (given by the user)", "enhet": "incidents per km²"}
    np.testing.assert_array_equal(sv.values, en.values)  # the language changes words, never numbers


def test_the_automatic_rule_and_the_blocky_warning():
    rng = np.random.default_rng(3)
    x, y = rng.normal(600000, 300, 500), rng.normal(6540000, 300, 500)
    assert density_surface(x, y, cell=25).bandwidth_rule == "normalreferens σ·n^(-1/6), begränsad till 50–500 m"
    assert density_surface(x, y, cell=25, lang="en").bandwidth_rule == (
        "normal reference σ·n^(-1/6), limited to 50–500 m")
    blocky = density_surface(*POINT, cell=20, bandwidth=10, lang="en")
    assert blocky.notes["varning"] == (
        "The bandwidth is smaller than the pixel size; the surface turns blocky. Choose smaller cells.")
    assert density_surface(*POINT, cell=20, bandwidth=10).notes["varning"].startswith(
        "Bandbredden är mindre än pixelstorleken")


def test_unknown_language():
    with pytest.raises(ValueError, match="sv, en"):
        density_surface(*POINT, cell=20, bandwidth=120, lang="da")
