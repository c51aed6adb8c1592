"""Figures (twin.charts), labels (twin.i18n) and the HTML comparison report (twin.report).

Charts are checked against the ledger: stacked supply meets the withdrawals,
the Sankey balances at every bus and converter, the waterfall ends at the net
CO2 KPI, monthly bars add up to the year.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pytest
from conftest import SCENARIOS

import twin
from twin import charts, i18n, report


@pytest.fixture(scope="module", params=["mini", "reference_baseline", "heavy_industry_symbiosis"])
def results(request) -> twin.Results:
    path = SCENARIOS / f"{request.param}.yaml"
    if not path.exists():
        pytest.skip(f"{path.name} is not shipped")
    return twin.run(twin.load_scenario(path))


@pytest.fixture(scope="module")
def mini() -> twin.Results:
    return twin.run(twin.load_scenario(SCENARIOS / "mini.yaml"))


def test_every_kpi_has_chinese_and_english_labels(results):
    assert not i18n.missing("kpi", list(results.kpis)), "add these KPI keys to twin/data/i18n.yaml"


def test_catalogue_is_complete_in_both_languages():
    for section in ("ui", "kpi", "kpi_short", "categories", "indicators"):
        assert not i18n.missing(section, list(i18n.catalogue()[section])), section
    assert i18n.t("ui.page_results", "zh") == "结果" and i18n.t("ui.page_results", "en") == "Results"
    assert i18n.t("ui.no_such_label", "en") == "no_such_label"  # falls back to the key


def test_catalogue_entries_hold_only_labels():
    """A comma in an unquoted flow-mapping value splits it silently; catch that."""
    catalogue = i18n.catalogue()
    for section, entries in catalogue.items():
        if section == "units":
            continue
        groups = entries.values() if section == "options" else [entries]
        for group in groups:
            for key, entry in group.items():
                assert set(entry) <= {"zh", "en", "help"}, (section, key, entry)


def test_kpi_units_and_display_scales():
    assert i18n.kpi_label("energy_cost_cny", "zh") == "年能源费用 [万元]"
    assert i18n.format_kpi("energy_cost_cny", 12_345_678, "en") == "12.3 million CNY"
    assert i18n.format_kpi("self_sufficiency_frac", 0.25, "zh") == "25 %"
    assert i18n.kpi_unit("co2_net_t", "en") == "tCO₂" and i18n.kpi_unit("coal_t", "en") == "t"


def test_dispatch_supply_meets_withdrawals_every_hour(results):
    for bus in charts.buses(results)[:3]:
        fig = charts.dispatch_week(results, bus, week=2, lang="en")
        supply = sum(np.asarray(tr.y, dtype=float) for tr in fig.data if tr.stackgroup == "supply")
        withdrawals = next(tr for tr in fig.data if tr.line.dash == "dot")
        np.testing.assert_allclose(supply, np.asarray(withdrawals.y, dtype=float), atol=1e-6)


def test_dispatch_shows_storage_below(mini):
    fig = charts.dispatch_week(mini, "el", 1, "zh")
    assert any(tr.name == "battery" for tr in fig.data)
    assert fig.layout.title.text.startswith("逐时调度")


def test_sankey_balances_at_buses_and_converters(results):
    links = charts.sankey_links(results)
    assert (links["value"] > 0).all()
    net: dict[str, float] = defaultdict(float)
    for src, dst, value in links.itertuples(index=False):
        net[src] -= value
        net[dst] += value
    scale = links["value"].max()
    fuel_buses = set(links.attrs["fuel_buses"])
    for node, balance in net.items():
        kind, _, name = node.partition(":")
        if kind == "conv" or (kind == "bus" and name not in fuel_buses):
            assert abs(balance) < 1e-6 * scale + 1e-3, (node, balance)


def test_sankey_by_sector_groups_enterprises(mini):
    users = {t for t in charts.sankey_links(mini, by="sector")["target"] if t.startswith("user:")}
    assert users == {f"user:{e.sector}" for e in mini.scenario.enterprises}
    fig = charts.sankey(mini, "zh", by="sector")
    assert "纺织" in fig.data[0].node.label


def test_waterfall_goes_from_gross_to_net(results):
    steps = charts.carbon_steps(results.kpis, "en")
    k = results.kpis
    total, gross = 0.0, None
    for _, value, measure in steps:
        if measure == "total" and gross is None:
            gross = total
        total += value or 0.0
    assert gross == pytest.approx(k["co2_scope1_t"] + k["co2_scope2_t"], rel=1e-9)
    assert total == pytest.approx(k["co2_net_t"], rel=1e-9, abs=1e-6)
    assert steps[-1][0] == "Net emissions"


def test_monthly_energy_adds_up_to_the_year(results):
    for carrier in charts.energy_carriers(results):
        monthly = charts.monthly_supply(results, carrier).to_numpy().sum()
        flows = results.flows[:, results.port_carrier == carrier]
        assert monthly == pytest.approx(np.clip(flows, 0, None).sum(), rel=1e-9)
    assert charts.monthly_energy(results, "zh").data


def test_compare_bars_are_relative_to_the_first(mini):
    other = {**mini.kpis, "co2_net_t": 2 * mini.kpis["co2_net_t"]}
    fig = charts.compare_bars({"a": mini.kpis, "b": other}, ["co2_net_t"], "en")
    assert list(fig.data[0].x) == [100.0] and list(fig.data[1].x) == [200.0]


def test_spider_closes_its_polygon():
    fig = charts.spider({"A": {"electricity": 0.5, "heat": None, "cooling": 1.0}}, "zh")
    assert list(fig.data[0].r) == [0.5, 0.0, 1.0, 0.5]


def test_core_indicator_threshold_by_park_size():
    assert report.core_threshold(150_000) is None
    assert report.core_threshold(200_000) == 0.2
    assert report.core_threshold(1_000_000) == 0.3
    rows = report.indicator_rows({"carbon_per_energy_t_per_tce": 0.15, "energy_tce": 500_000})
    assert report.verdict(rows) == "pass"
    assert "≤" in report.verdict_text(rows, "zh")


def test_kpi_frame_differences_against_the_first(mini):
    frame = report.kpi_frame({"a": mini.kpis, "b": {**mini.kpis, "co2_net_t": 0.0}}, "en", ["co2_net_t"])
    assert frame.iloc[0]["Δ b"] == pytest.approx(-mini.kpis["co2_net_t"])
    assert frame.iloc[0]["Δ % b"] == pytest.approx(-100.0)


def test_html_report_is_one_self_contained_file(tmp_path):
    out = report.report([str(SCENARIOS / "mini.yaml"), str(SCENARIOS / "mini.yaml")], str(tmp_path / "r.html"), "en")
    text = out.read_text(encoding="utf-8")
    assert text.count("<script type=\"text/javascript\">/**") <= 1  # plotly.js inlined once
    assert "Mini (one week, three firms) (2)" in text and "Carbon emissions per unit of energy consumption" in text
    assert "<script src=" not in text and "src=\"http" not in text  # opens offline
