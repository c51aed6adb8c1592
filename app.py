"""Park Twin in the browser (first page): pick a shipped scenario, run it, see its KPIs.

The full planner app (editing, compare, exports, Chinese/English) is being built
on this page; it only calls the ``twin`` library.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

import twin

SCENARIOS = Path(__file__).parent / "scenarios"
HEADLINE = [("carbon_per_energy_t_per_tce", "tCO2/tce"), ("co2_net_t", "tCO2"),
            ("energy_tce", "tce"), ("self_sufficiency_frac", "")]


@st.cache_data(show_spinner="Simulating the year ...")
def simulate(path: str, mtime_ns: int) -> tuple[dict, object]:
    """KPIs and daily electricity balance of a scenario (cached by file content time)."""
    results = twin.run(twin.load_scenario(path))
    daily = results.balance(results.scenario.grid.bus, "D").drop(columns="imbalance")
    return results.kpis, daily


def main() -> None:
    st.set_page_config(page_title="Park Twin", layout="wide")
    st.title("Park Twin · 零碳园区数字孪生")
    files = sorted(SCENARIOS.glob("*.yaml"))
    choice = st.selectbox("Scenario", files, format_func=lambda p: p.stem)
    try:
        kpis, daily = simulate(str(choice), choice.stat().st_mtime_ns)
    except twin.InputError as exc:
        st.error(str(exc))
        return
    for col, (key, unit) in zip(st.columns(len(HEADLINE)), HEADLINE, strict=True):
        col.metric(f"{key}", f"{kpis[key]:,.3g} {unit}")
    st.subheader("Daily electricity balance [MWh] (+ into the bus)")
    st.bar_chart(daily)
    st.dataframe({"KPI": list(kpis), "value": list(kpis.values())}, hide_index=True)


main()
