"""Plain-text tables of assessments, pathways and MAC curves for the command line."""

from __future__ import annotations

from twin.appraisal.assessment import Assessment
from twin.appraisal.pathway import MacPoint, PathwayResult


def fmt(v, digits: int = 3) -> str:
    """A number for a table: thousands separators, 3 decimals below 10, '-' for None."""
    if v is None:
        return "-"
    if isinstance(v, bool):
        return "pass" if v else "FAIL"
    if isinstance(v, str):
        return v
    if v != v:  # NaN
        return "-"
    if v == 0:
        return "0"
    return f"{v:,.{digits}f}" if abs(v) < 10 else f"{v:,.0f}"


def _table(rows: list[list[str]], head: list[str], left: int = 1) -> list[str]:
    widths = [max(len(str(r[i])) for r in [head, *rows]) for i in range(len(head))]
    line = lambda r: "  ".join(str(c).ljust(w) if i < left else str(c).rjust(w)  # noqa: E731
                               for i, (c, w) in enumerate(zip(r, widths, strict=True)))
    return [line(head), "-" * (sum(widths) + 2 * (len(widths) - 1)), *(line(r) for r in rows)]


def format_assessment(a: Assessment) -> str:
    """Accounts side by side, indicators with their inputs, economics."""
    title = a.scenario + (f" — {a.year}" if a.year else "") + f" (factors {a.factor_year})"
    out = [title, "=" * len(title), "", "Carbon accounts [tCO2] (each with its own factors)"]
    items = []
    for acc in a.accounts.values():
        items += [ln.item for ln in acc.lines if ln.item not in items]
    rows = [[i, *(fmt(_line(acc, i)) for acc in a.accounts.values())] for i in items]
    rows += [[t, *(fmt(acc.totals()[t + "_co2_t"]) for acc in a.accounts.values())]
             for t in ("gross", "deductions", "net")]
    out += _table(rows, ["line", *a.accounts])
    out += ["", "Entities, GHG Protocol [tCO2] (internal heat/power at the supplier's factor; largest first)"]
    ents = sorted(a.enterprise_accounts.items(), key=lambda kv: -kv[1][0].gross_co2_t)[:12]
    out += _table([[n, fmt(loc.scope_co2_t(1)), fmt(loc.scope_co2_t(2)), fmt(mkt.scope_co2_t(2)),
                    fmt(loc.ccs_stored_co2_t)] for n, (loc, mkt) in ents],
                  ["entity", "scope 1", "scope 2 location", "scope 2 market", "CCS stored"])
    out += ["", "Grid factors [tCO2/MWh]: " + ", ".join(f"{k} {v:.4f}" for k, v in a.grid_factors.items())]
    out += ["", "Indicators"]
    rows = [[k, fmt(i.value), i.comparison, fmt(i.threshold), fmt(i.passed) if i.passed is not None else "-",
             i.note or ", ".join(f"{n}={fmt(v)}" for n, v in list(i.inputs.items())[:3])]
            for k, i in a.indicators.items()]
    out += _table(rows, ["indicator", "value", "", "threshold", "verdict", "inputs / note"])
    out += ["", "R-ACES: " + ", ".join(f"{c} {fmt(s)}" for c, s in a.races.items())]
    e = a.economics
    out += ["", "Economics [CNY/yr unless noted]"]
    rows = [[k, fmt(v)] for k, v in e.operating_cny.items()]
    rows += [["carbon_cny", fmt(e.carbon_cny)], ["capex_cny (new equipment)", fmt(e.capex_cny)],
             [f"pv_cost_cny ({e.finance.horizon_yr} yr at {e.finance.discount_rate_frac:.0%})", fmt(e.pv_cost_cny)],
             ["lcoe_onsite_cny_per_mwh", fmt(e.lcoe_onsite_cny_per_mwh)]]
    out += _table(rows, ["line", "value"])
    out += [f"note: {n}" for n in e.notes]
    if a.footprints:
        out += ["", "Product footprints (CBAM-style; certificates do not count) [tCO2/t]"]
        top = sorted(a.footprints, key=lambda f: -f.output_t)[:10]
        out += _table([[f"{f.enterprise}/{f.product}", fmt(f.output_t), fmt(f.direct_co2_t),
                        fmt(f.indirect_co2_t), fmt(f.t_co2_per_t)] for f in top],
                      ["product", "t", "direct t", "indirect t", "t/t"])
    return "\n".join(out)


def _line(acc, item: str):
    try:
        return acc.line(item).co2_t
    except KeyError:
        return None


def format_pathway(p: PathwayResult) -> str:
    """One row per year and the verdict."""
    head = ["year", "commissioned", "grid EF", "CO2 t", "energy tce", "tCO2/tce", "threshold",
            "verdict", "clean share", "capex CNY", "opex CNY"]
    rows = []
    for y in p.years:
        r = y.row()
        rows.append([str(r["year"]), r["commissioned"], fmt(r["grid_factor_t_per_mwh"], 4),
                     fmt(r["national_net_co2_t"]), fmt(r["energy_consumption_tce"]),
                     fmt(r["carbon_per_energy_t_co2_per_tce"]), fmt(r["threshold"]),
                     fmt(r["passed"]) if r["passed"] is not None else "not set",
                     fmt(r["clean_energy_share_frac"]), fmt(r["capex_cny"]), fmt(r["operating_cost_cny"])])
    e = p.economics
    out = [f"Pathway: {p.scenario}", *_table(rows, head, left=2), "", p.verdict(), "",
           f"Against the park without measures over {e['horizon_yr']} years from {e['first_year']} "
           f"at {e['discount_rate_frac']:.0%}: NPV {fmt(e['npv_cny'])} CNY, initial capex {fmt(e['capex_cny'])} CNY "
           f"(replacements in the NPV), CO2 avoided {fmt(e['co2_avoided_t'])} t, abatement cost "
           f"{fmt(e['abatement_cost_cny_per_t'])} CNY/tCO2",
           "Grid factors after 2023 are a PROJECTION (twin/data/grid_factor_projection.csv)."]
    return "\n".join(out)


def format_mac(points: list[MacPoint]) -> str:
    """The MAC curve as a table, cheapest first, with cumulative tonnes."""
    rows, cum = [], 0.0
    for p in points:
        cum += max(p.co2_avoided_t_per_yr, 0.0)
        rows.append([p.id, str(p.year), fmt(p.co2_avoided_t_per_yr), fmt(cum),
                     fmt(p.abatement_cost_cny_per_t, 0), fmt(p.capex_cny), fmt(p.annual_saving_cny),
                     fmt(p.npv_cny)])
    head = ["measure", "year", "tCO2/yr avoided", "cumulative", "CNY/tCO2", "capex CNY",
            "saving CNY/yr", "NPV CNY"]
    return "\n".join(["Marginal abatement cost curve (each measure alone against the park without "
                      "measures; national method; CNY/tCO2 before any carbon price)", *_table(rows, head)])
