"""Figures (twin.present.charts, twin.present.charts_assess), tables (twin.present.panels), labels (twin.present.i18n) and
the HTML comparison report (twin.present.report).

Charts are checked against the ledger and the accounts: stacked supply meets the
withdrawals, the Sankey balances at every bus and converter, the waterfall reaches the
national account's gross and ends at its net, monthly bars add up to the year; the
indicator panel shows what twin.assess gives.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pytest
import yaml
from conftest import SCENARIOS

import twin
from twin.appraisal.compare import compare_assessments
from twin.appraisal.pathway import MacPoint, mac_curve, run_pathway
from twin.present import charts, charts_assess, charts_compare, i18n, panels, panels_plan, report
from twin.scenario.measures import apply_measures


@pytest.fixture(scope="module", params=["mini", "reference_baseline", "heavy_industry_symbiosis"])
def results(request) -> twin.Results:
    path = SCENARIOS / f"{request.param}.yaml"
    if not path.exists():
        pytest.skip(f"{path.name} is not shipped")
    return twin.run(twin.load_scenario(path))


@pytest.fixture(scope="module")
def mini() -> twin.Results:
    return twin.run(twin.load_scenario(SCENARIOS / "mini.yaml"))


@pytest.fixture(scope="module")
def plan_park(tmp_path_factory):
    """The one-week plan park of tests/test_pathway.py (coal boiler, certificates, measures)."""
    from test_pathway import plan

    path = tmp_path_factory.mktemp("plan") / "plan.yaml"
    path.write_text(yaml.safe_dump(plan(), sort_keys=False), encoding="utf-8")
    return twin.load_scenario(path)


def test_every_kpi_has_chinese_and_english_labels(results):
    assert not i18n.missing("kpi", list(results.kpis)), "add these KPI keys to twin/data/i18n.yaml"


def test_every_assessment_figure_and_account_line_has_labels(results):
    a = twin.assess(results)
    assert not i18n.missing("kpi", [k for k in a.summary() if not k.endswith(("_threshold", "_passed"))])
    assert not i18n.missing("indicators", list(a.indicators))
    assert not i18n.missing("accounts", list(a.accounts))
    for acc in a.accounts.values():
        for line in acc.lines:  # every line has a label of its own, not its raw item
            assert panels.account_label(line.item, "zh") != line.item, line.item
    for ind in a.indicators.values():
        assert not i18n.missing("indicator_inputs", [k for k in ind.inputs if not k.endswith("_ratio")])
        assert ind.note in ("", *panels.NOTES), ind.note


def test_catalogue_is_complete_in_both_languages():
    for section in ("ui", "kpi", "kpi_short", "categories", "indicators", "indicator_inputs", "indicator_notes",
                    "accounts", "account_lines"):
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


def _gross_and_net(steps: list[charts_assess.Step]) -> tuple[float, float]:
    total, gross = 0.0, None
    for step in steps:
        if step.measure == "total" and gross is None:
            gross = total
        total += step.value or 0.0
    return gross, total


def test_waterfall_goes_from_gross_to_net(results):
    a = twin.assess(results)
    national = a.accounts["national_park"]
    steps = charts_assess.carbon_steps(a, "en")
    gross, net = _gross_and_net(steps)
    assert gross == pytest.approx(national.gross_co2_t, rel=1e-9, abs=1e-6)
    assert net == pytest.approx(national.net_co2_t, rel=1e-9, abs=1e-6)
    assert [s.label for s in steps if s.measure == "total"] == ["Gross emissions", "Net emissions"]
    fig = charts_assess.carbon_waterfall(a, "zh")
    assert list(fig.data[0].x)[-1] == "净排放" and "国家园区核算方法" in fig.layout.title.text


def test_waterfall_shows_green_power_between_electricity_and_gross(plan_park):
    a = twin.assess(twin.run(apply_measures(plan_park, year=2026)))  # certificates cover half the grid
    national = a.accounts["national_park"]
    steps = {s.label: s.value for s in charts_assess.carbon_steps(a, "en")}
    grid, certs = national.line("electricity:grid_net_inflow"), national.line("electricity:certificates")
    assert steps["Green power trading and certificates (at zero)"] == pytest.approx(-certs.activity * grid.factor)
    assert steps["Grid electricity (incl. green contracts)"] == pytest.approx(grid.co2_t + certs.activity * grid.factor)
    assert steps["Fuel combustion: coal"] == pytest.approx(national.line("fuel:coal").co2_t)
    assert _gross_and_net(charts_assess.carbon_steps(a, "en"))[0] == pytest.approx(national.gross_co2_t)


def test_monthly_energy_adds_up_to_the_year(results):
    for carrier in charts.energy_carriers(results):
        monthly = charts.monthly_supply(results, carrier).to_numpy().sum()
        flows = results.flows[:, results.port_carrier == carrier]
        assert monthly == pytest.approx(np.clip(flows, 0, None).sum(), rel=1e-9)
    assert charts.monthly_energy(results, "zh").data


def test_compare_bars_show_each_figure_in_its_own_unit_and_scale(mini):
    """Each key figure gets its own panel: a 1 % change and a fivefold one both stay readable."""
    other = {**mini.kpis, "co2_net_t": 1.01 * mini.kpis["co2_net_t"],
             "pv_generation_mwh": 5 * mini.kpis["pv_generation_mwh"]}
    keys = ["co2_net_t", "pv_generation_mwh", "co2_net_t"]  # a repeated key is drawn once
    fig = charts_compare.compare_bars({"a": mini.kpis, "b": other}, keys, "en")
    assert len(fig.data) == 4  # two figures x two scenarios
    co2 = [tr for tr in fig.data if tr.xaxis == "x"]
    pv = [tr for tr in fig.data if tr.xaxis == "x2"]
    assert [tr.x[0] for tr in co2] == pytest.approx([mini.kpis["co2_net_t"], 1.01 * mini.kpis["co2_net_t"]])
    assert [tr.x[0] for tr in pv] == pytest.approx([mini.kpis["pv_generation_mwh"], 5 * mini.kpis["pv_generation_mwh"]])
    top = 1.01 * mini.kpis["co2_net_t"]
    assert fig.layout.xaxis.range[1] == pytest.approx(1.3 * top)  # its own scale, not the PV one
    assert all("e+" not in tr.text[0] and "e-" not in tr.text[0] for tr in fig.data)
    assert fig.layout.legend.yanchor == "bottom"  # above the panels, never over an axis


def test_spider_closes_its_polygon(mini):
    fig = charts_assess.spider({"A": {"electricity": 0.5, "heat": None, "cooling": 1.0}}, "zh")
    assert list(fig.data[0].r) == [0.5, 0.0, 1.0, 0.5]
    a = twin.assess(mini)
    fig = charts_assess.races_spider({"mini": a}, "en")
    assert list(fig.data[0].r)[:-1] == [v or 0.0 for v in a.races.values()]


def test_indicator_panel_shows_what_assess_gives(results):
    a = twin.assess(results)
    frame = panels.indicator_frame(a, "en")
    assert len(frame) == len(a.indicators) == 7
    assert frame["Indicator"].iloc[0] == "Carbon emissions per unit of energy consumption"
    for (_, row), key in zip(frame.iterrows(), panels.indicator_keys(a), strict=True):
        ind = a.indicators[key]
        assert row["Value"] == panels.shown(ind.value, panels.INDICATOR_UNITS[ind.unit], "en")
        assert row["Status"] == panels.status_text(ind, "en")
    assert list(frame["Kind"]) == ["core", *["guiding"] * 5, "reference (to verify)"]


def test_core_threshold_band_or_threshold_not_set():
    big = twin.assess(twin.run(twin.load_scenario(SCENARIOS / "reference_baseline.yaml")))
    frame = panels.indicator_frame(big, "en")
    assert frame["Threshold"].iloc[0] == "≤ 0.2 tCO₂/tce (size 200,000–1,000,000 tce)"
    assert panels.verdict(big) == "fail" and "> 0.2" in panels.verdict_text(big, "en")
    small = twin.assess(twin.run(twin.load_scenario(SCENARIOS / "archetype_logistics.yaml")))
    assert small.core.threshold is None and panels.verdict(small) == "not_set"
    assert panels.indicator_frame(small, "zh")["阈值"].iloc[0] == "— 阈值未设定"
    assert panels.core_band(small, "en") == "size < 200,000 tce: threshold not set"


def test_accounts_side_by_side(results):
    a = twin.assess(results)
    frame = panels.accounts_frame(a, "en")
    net = frame[frame["Line"] == "Net emissions"].iloc[0]
    for method, acc in a.accounts.items():
        column = next(c for c in frame.columns if c.startswith(i18n.t(f"accounts.{method}", "en")))
        assert net[column] == i18n.format_number(panels._tidy(acc.net_co2_t))


def test_comparison_tables_have_differences_against_the_first(mini, plan_park):
    end = twin.assess(twin.run(apply_measures(plan_park)))
    items = [twin.assess(mini), end]
    c = compare_assessments(items, ["mini", "plan"])
    accounts = panels.section_frame(c, "accounts", ["mini", "plan"], "en")
    row = accounts.loc["Net CO₂ (national park method) [tCO₂]"]
    assert row["plan"] == i18n.format_number(end.accounts["national_park"].net_co2_t)
    diff = end.accounts["national_park"].net_co2_t - items[0].accounts["national_park"].net_co2_t
    assert row["Δ plan"] == panels.signed(diff)
    versus = panels.section_frame(c, "versus_first", ["mini", "plan"], "zh")
    assert list(versus.columns) == ["mini", "plan"] and versus.iloc[0, 0] == "–"
    indicators = panels.indicators_side_by_side(c, items, ["mini", "plan"], "en")
    core = indicators.loc["Carbon emissions per unit of energy consumption [tCO₂/tce]"]
    assert core["plan"].startswith(i18n.format_number(end.core.value)) and "✔ (≤ 0.2)" in core["plan"]


def test_measures_table_and_capex(plan_park):
    frame = panels_plan.measures_frame(plan_park, "en")
    assert list(frame["id"]) == ["certs_half", "electric_heat", "bigger_pv"]
    capex = panels_plan.measure_capex(plan_park)
    assert capex["electric_heat"] == pytest.approx(30 * 250_000) and capex["certs_half"] == 0
    assert list(frame["Capex from"]) == ["the scenario", "cost tables", "cost tables"]
    assert panels_plan.measure_years(plan_park) == list(range(2025, 2031))


def test_pathway_chart_against_its_threshold(plan_park):
    p = run_pathway(plan_park, 2025, 2029)
    fig = charts_assess.pathway_chart(p, "en")
    value = next(tr for tr in fig.data if tr.name == "Carbon per unit of energy")
    assert list(value.y) == pytest.approx([y.assessment.core.value for y in p.years])
    assert list(next(tr for tr in fig.data if tr.name == "Core threshold").y) == [0.2] * 5
    assert value.marker.color[-1] == charts_assess.PASS and value.marker.color[0] == charts_assess.FAIL
    assert p.first_met == 2028 and "2028" in panels_plan.pathway_text(p, "zh")
    assert len(panels_plan.pathway_frame(p, "en")) == 5


def test_mac_chart_steps_are_as_wide_as_the_co2_avoided(plan_park):
    points = mac_curve(plan_park)
    fig = charts_assess.mac_chart(points, "en")
    on = [p for p in points if p.abatement_cost_cny_per_t is not None and p.co2_avoided_t_per_yr > 0]
    bars = fig.data[0]
    assert list(bars.width) == pytest.approx([p.co2_avoided_t_per_yr for p in on])
    assert list(bars.x) == pytest.approx(list(np.cumsum([0.0] + list(bars.width))[:-1]))
    assert list(bars.y) == pytest.approx([p.abatement_cost_cny_per_t for p in on])
    made_up = [MacPoint("a", "A", 2025, 100.0, -50.0, 1.0, 1.0, 1.0), MacPoint("b", "B", 2026, -5.0, None, 1, 0, 0)]
    assert list(charts_assess.mac_chart(made_up, "zh").data[0].width) == [100.0]  # no CO2 avoided: off the curve
    assert len(panels_plan.mac_frame(points, "en")) == len(points)


def test_kpi_frame_differences_against_the_first(mini):
    frame = panels.kpi_frame({"a": mini.kpis, "b": {**mini.kpis, "co2_net_t": 0.0}}, "en", ["co2_net_t"])
    assert frame.iloc[0]["Δ b"] == pytest.approx(-mini.kpis["co2_net_t"])
    assert frame.iloc[0]["Δ % b"] == pytest.approx(-100.0)


def test_html_report_is_one_self_contained_file(tmp_path):
    out = report.report([str(SCENARIOS / "mini.yaml"), str(SCENARIOS / "mini.yaml")], str(tmp_path / "r.html"), "en")
    text = out.read_text(encoding="utf-8")
    assert text.count("<script type=\"text/javascript\">/**") <= 1  # plotly.js inlined once
    assert "Mini (one week, three firms) (2)" in text and "Carbon emissions per unit of energy consumption" in text
    assert "<script src=" not in text and "src=\"http" not in text  # opens offline
    for heading in ("Zero-carbon park indicators side by side", "Carbon accounts side by side",
                    "Economics side by side", "Net CO₂ (national park method) [tCO₂]", "Scope 2 (market-based)",
                    "NPV against the first", "Abatement cost", "Numbers behind it", "Industrial water reuse rate"):
        assert heading in text, heading


def test_html_report_runs_the_end_state_of_a_file_with_measures(plan_park, tmp_path):
    out = report.report([plan_park._source], str(tmp_path / "r.html"), "zh")
    text = out.read_text(encoding="utf-8")
    end = twin.assess(twin.run(apply_measures(plan_park)))
    assert panels.verdict_text(end, "zh") in text and "达到零碳园区核心指标" in text


def test_kpi_frame_has_each_figure_once(mini):
    frame = panels.kpi_frame({"a": mini.kpis, "b": mini.kpis}, "en", ["grid_import_mwh", "pv_generation_mwh",
                                                                      "grid_import_mwh"])
    assert len(frame) == 2 and frame.index.is_unique


@pytest.mark.parametrize("value", [1.23e-5, -4.2e-7, 0.0614, 0.99951, 4.941, 99.96, 999.4, 999.7, 12345.6,
                                   -38957.2, 3.2e9, 1e-11])
def test_numbers_never_show_in_scientific_notation(value):
    text = i18n.format_number(value)
    assert "e" not in text.lower()
    assert float(text.replace(",", "")) == pytest.approx(value, rel=5e-3, abs=1e-11)
