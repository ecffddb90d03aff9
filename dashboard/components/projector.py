"""Projector mode: large type and high contrast, readable from the back of a room at 1920×1080."""

from __future__ import annotations

# Okabe–Ito palette: distinguishable with the common forms of colour blindness.
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")

BASE_FONT = 14
PROJECTOR_FONT = 22


def font_size(projector: bool) -> int:
    """Base font size for charts."""
    return PROJECTOR_FONT if projector else BASE_FONT


def projector_css(projector: bool) -> str:
    """CSS injected into the page; empty outside projector mode."""
    if not projector:
        return "<style>.block-container{padding-top:2.5rem;}</style>"
    return """
<style>
html, body, [data-testid="stAppViewContainer"] { font-size: 22px; color: #000; background: #fff; }
.block-container { padding: 1.5rem 2rem; max-width: 100% !important; }
h1 { font-size: 3rem !important; } h2 { font-size: 2.4rem !important; } h3 { font-size: 2rem !important; }
[data-testid="stMetricValue"], [data-testid="stMetricValue"] * { font-size: 3.4rem !important; font-weight: 700;
  line-height: 1.15 !important; }
[data-testid="stMetricLabel"] p { font-size: 1.5rem !important; }
[data-testid="stMetricDelta"] { font-size: 1.4rem !important; }
[data-testid="stMarkdownContainer"] p, li { font-size: 1.35rem; line-height: 1.45; }
[data-testid="stDataFrame"] * { font-size: 1.2rem !important; }
button p, label p { font-size: 1.2rem !important; }
</style>
"""
