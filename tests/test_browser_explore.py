"""The Explore page in a real headless browser (system Chromium, as tests/test_browser.py):
a 2 x 2 grid of the reference park as a heatmap, then a five-draw Monte Carlo with its bands.
Skips where /usr/bin/chromium or playwright is absent."""

from __future__ import annotations

import pytest
from test_browser import _choose, _missing, _no_traceback, _shot, page, server  # noqa: F401 (fixtures)

pytestmark = pytest.mark.skipif(_missing() is not None, reason=_missing() or "")


def test_explore_grid_and_monte_carlo(server, page):  # noqa: F811
    page.goto(server)
    page.get_by_text("零碳园区数字孪生").first.wait_for(timeout=30_000)
    _choose(page, "English")
    _choose(page, "Explore")
    page.get_by_text("Run the grid (9 runs)").wait_for(timeout=30_000)
    for i in range(2):  # both axes down to two values
        page.get_by_role("slider").nth(i).press("ArrowLeft")
        page.wait_for_timeout(500)
    page.get_by_role("button", name="Run the grid (4 runs)").click()
    heatmap = page.locator(".js-plotly-plot", has_text="Carbon emissions per unit of energy")
    heatmap.first.wait_for(timeout=240_000)
    _no_traceback(page)
    page.get_by_text("Download Parquet").first.wait_for(timeout=10_000)
    _shot(page, "explore.png", readme=True)

    page.get_by_role("tab", name="Monte Carlo").click()
    page.wait_for_timeout(500)
    page.get_by_role("slider").first.press("Home")  # the fewest draws (5); other tabs are hidden
    page.get_by_role("button", name="Run the Monte Carlo (5 draws)").click()
    page.locator(".js-plotly-plot", has_text="P10–P90").first.wait_for(timeout=240_000)
    _no_traceback(page)
