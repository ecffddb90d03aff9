"""``samsyn change --lang en`` prints the English sentence; Swedish stays the default."""

from __future__ import annotations

import pandas as pd
from scipy import stats

from tests.cli.test_time_cli import two_years  # noqa: F401  (the fixture)


def test_change_in_english(run_cli, two_years, tmp_path):  # noqa: F811
    out = tmp_path / "change.csv"
    done = run_cli("change", two_years, "--from", "2025-01-01", "--to", "2025-04-30", "--lang", "en", "--out", out)
    assert done.returncode == 0, done.stderr
    # 25 incidents in Jan–Apr 2024 (121 days), 13 in Jan–Apr 2025 (120 days): 13 / 25 − 1 = −48 %.
    p = stats.binomtest(13, 38, 120 / 241).pvalue
    assert 0.05 < p < 0.1 and f"{p:.2f}" == "0.07"
    assert done.stdout.startswith(
        "All incidents: 13 incidents in Jan–Apr 2025 against 25 in the same period in 2024 (-48%). "
        "The change is within normal random variation (p = 0.07).\n")
    table = pd.read_csv(out)
    assert table["summary_sv"].item().startswith("Alla händelser: 13 händelser jan–apr 2025 mot 25 samma period 2024")
    assert table["verdict"].item() == "inom slumpvariation"
    assert table["verdict_text"].item() == "within random variation"


def test_change_refuses_an_unknown_language(run_cli, two_years):  # noqa: F811
    done = run_cli("change", two_years, "--from", "2025-01-01", "--to", "2025-04-30", "--lang", "de")
    assert done.returncode == 2
    assert "--lang" in done.stderr
