"""Compare scenarios side by side: KPIs, accounts, indicators and economics, with differences
against the first, and NPV, payback and abatement cost of each against the first.

Each scenario is simulated in its end state (every measure in service, or those
commissioned by ``year``) and assessed with the accounting year's factors (or ``year``'s,
from :mod:`twin.accounts.grid_path`, when given).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from twin.accounts.grid_path import year_overrides
from twin.appraisal.assessment import Assessment, assess
from twin.economics.run import run
from twin.economics.run_economics import against
from twin.errors import InputError, Problem
from twin.scenario.load import load_scenario
from twin.scenario.measures import apply_measures
from twin.schema.scenario import Scenario

KPIS = ["electricity_consumption_mwh", "grid_import_mwh", "pv_generation_mwh", "wind_generation_mwh",
        "self_sufficiency_frac", "heat_demand_mwh", "coal_t", "natural_gas_m3", "diesel_t",
        "peak_import_mw", "co2_captured_t", "waste_heat_recovered_mwh", "water_fresh_m3",
        "water_reused_m3", "solid_waste_landfilled_t", "truck_km"]
ACCOUNTS = ["national_gross_co2_t", "national_deductions_co2_t", "national_net_co2_t", "ghg_scope1_co2_t",
            "ghg_scope2_location_co2_t", "ghg_scope2_market_co2_t", "ghg_market_net_co2_t"]
ECONOMICS = ["capex_cny", "operating_cost_cny_per_yr", "carbon_cost_cny_per_yr", "pv_cost_cny",
             "lcoe_onsite_cny_per_mwh"]
VERSUS = ["npv_cny", "simple_payback_yr", "co2_avoided_t_per_yr", "abatement_cost_cny_per_t"]


@dataclass
class Comparison:
    """Scenarios side by side; ``sections`` maps section -> metric -> one value per scenario."""

    names: list[str]
    files: list[str]
    sections: dict[str, dict[str, list]] = field(default_factory=dict)
    footprints: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        diffs = {s: {k: _diffs(v) for k, v in rows.items()} for s, rows in self.sections.items()}
        return {"scenarios": self.names, "files": self.files, "sections": self.sections,
                "differences_vs_first": diffs, "footprints": self.footprints}


def _diffs(values: list) -> list:
    first = values[0]
    return [None if not _num(v) or not _num(first) else v - first for v in values]


def _num(v) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and not math.isnan(v)


def compare_files(files: Sequence[str], year: int | None = None,
                  progress: Callable[[str], None] | None = None) -> Comparison:
    """Load, simulate and assess every file, then compare them.

    Raises InputError when the files cover different periods (see :func:`same_period`).
    """
    scenarios = [load_scenario(f) for f in files]
    same_period(scenarios, files)
    assessed = []
    for f, sc in zip(files, scenarios, strict=True):
        if progress:
            progress(f"simulating {f}")
        end = apply_measures(sc, year=year)
        factors = year_overrides(sc, year) if year is not None else None
        assessed.append(assess(run(end), factor_overrides=factors, year=year))
    return compare_assessments(assessed, list(files))


def period_span(sc: Scenario) -> tuple[dt.date, int]:
    """First day and number of days a scenario simulates."""
    first = sc.period.start or dt.date(sc.period.year, 1, 1)
    days = sc.period.days or (dt.date(sc.period.year + 1, 1, 1) - first).days
    return first, days


def same_period(scenarios: Sequence[Scenario], files: Sequence[str]) -> None:
    """Refuse scenarios of different periods: their totals, bills and NPVs would not compare.

    Raises
    ------
    InputError
        Naming each file's period, e.g. a one-week file against a full year.
    """
    spans = [period_span(sc) for sc in scenarios]
    if len(set(spans)) <= 1:
        return
    pairs = list(zip(files, spans, strict=True))
    listing = "; ".join(f"{Path(f).name}: {days} days from {first}" for f, (first, days) in pairs)
    odd = next(f for f, s in pairs if s != spans[0])
    raise InputError(Problem(odd, "period", f"scenarios cover different periods ({listing}); "
                             "compare scenarios of the same period"))


def compare_assessments(items: Sequence[Assessment], files: Sequence[str]) -> Comparison:
    """Side-by-side sections of assessed runs."""
    sums = [a.summary() for a in items]
    col = lambda key: [s.get(key) for s in sums]  # noqa: E731
    sections = {
        "kpis": {k: [a.kpis.get(k) for a in items] for k in KPIS},
        "accounts": {k: col(k) for k in ACCOUNTS},
        "indicators": {k: col(k) for k in sums[0] if k.startswith(("carbon_per_energy", "clean_energy",
                                                                    "direct_green", "solid_waste",
                                                                    "waste_heat", "water_reuse",
                                                                    "product_energy", "races_"))},
        "economics": {k: col(k) for k in ECONOMICS},
    }
    sections["indicators"] = {"energy_consumption_tce": col("energy_consumption_tce"),
                              **sections["indicators"]}
    base = items[0].economics
    versus = [against(a.economics, base) for a in items]
    sections["versus_first"] = {k: [None if i == 0 else v[k] for i, v in enumerate(versus)] for k in VERSUS}
    return Comparison([a.scenario for a in items], list(files), sections, _footprints(items))


def _footprints(items: Sequence[Assessment], top: int = 5) -> list[dict]:
    """Footprints of the first scenario's largest products, in every scenario [tCO2/t]."""
    first = sorted(items[0].footprints, key=lambda f: -f.output_t)[:top]
    out = []
    for f in first:
        per = []
        for a in items:
            hit = next((g for g in a.footprints if g.enterprise == f.enterprise and g.product == f.product), None)
            per.append(None if hit is None else hit.t_co2_per_t)
        out.append({"enterprise": f.enterprise, "product": f.product, "t_co2_per_t": per})
    return out


def format_comparison(c: Comparison) -> str:
    """Aligned text: one column per scenario (named by file) and one Δ column per later one."""
    stems = [_stem(f) for f in c.files]
    heads = [stems[0]]
    for n in stems[1:]:
        heads += [n, "Δ vs first"]
    width = max(len(k) for rows in c.sections.values() for k in rows) + 2
    colw = max(14, *(len(h) + 2 for h in heads))
    lines = [f"{stem}: {name}" for stem, name in zip(stems, c.names, strict=True)]
    lines += ["", "".ljust(width) + "".join(h.rjust(colw) for h in heads)]
    for section, rows in c.sections.items():
        lines.append(f"[{section}]")
        for key, values in rows.items():
            lines.append(key.ljust(width) + "".join(x.rjust(colw) for x in _cells(values, section != "versus_first")))
    if c.footprints:
        lines.append("[product footprints, tCO2/t (CBAM-style; the first scenario's largest products)]")
        for f in c.footprints:
            label = f"{f['enterprise']}/{f['product']}"[:width - 1]
            lines.append(label.ljust(width) + "".join(x.rjust(colw) for x in _cells(f["t_co2_per_t"], True)))
    return "\n".join(line.rstrip() for line in lines)


def _cells(values: list, with_diff: bool) -> list[str]:
    cells = [_fmt(values[0])]
    for v, d in zip(values[1:], _diffs(values)[1:], strict=True):
        cells += [_fmt(v), _fmt(d, sign=True) if with_diff else ""]
    return cells


def _stem(path: str) -> str:
    name = str(path).replace("\\", "/").rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[0] if name.endswith((".yaml", ".yml")) else name


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _fmt(v, sign: bool = False) -> str:
    if v is None:
        return "-"
    if isinstance(v, bool):
        return "pass" if v else "FAIL"
    if not _num(v):
        return str(v)
    if abs(v) < 5e-4:
        return "0"
    text = f"{v:+,.3f}" if sign and abs(v) < 10 else f"{v:+,.0f}" if sign else \
        f"{v:,.3f}" if abs(v) < 10 else f"{v:,.0f}"
    return text
