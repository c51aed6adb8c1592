"""Pathways: the park year by year as measures come into service, and the MAC curve.

Each pathway year simulates the scenario with the measures commissioned by then, on the
scenario's own calendar and weather (a typical year: only the measures and the grid
factors change, so year-to-year differences come from the plan, not from holidays moving
or a leap day); results are tagged with the pathway year. Years with the same measures
share one run. Grid factors follow :mod:`twin.accounts.grid_path` (a projection after 2023).

Economics over ``economics.horizon_yr`` (at least the pathway's length) from the first
year: measure capex in its commissioning year, each year's operating cost from its run,
the last year's repeated after the range; against the park without measures.

The marginal abatement cost (MAC) curve measures each measure alone (with those it
``requires``) by simulation against the same baseline: the park without measures.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from twin.accounts.grid_path import year_overrides
from twin.appraisal.assessment import Assessment, assess
from twin.economics.finance import Finance, Pathway, compare, cost_flows
from twin.economics.run import run
from twin.economics.run_economics import against
from twin.errors import InputError, Problem
from twin.scenario.measures import apply_measures, in_service, with_requirements

Progress = Callable[[str], None] | None


@dataclass
class PathwayYear:
    """One year of a pathway."""

    year: int
    in_service: list[str]
    commissioned: list[str]
    assessment: Assessment
    baseline_co2_t: float
    baseline_cost_cny: float
    baseline_carbon_cny: float
    first_year: int

    def row(self) -> dict:
        """Headline figures of the year."""
        a, core = self.assessment, self.assessment.core
        return {"year": self.year, "commissioned": ",".join(self.commissioned) or "-",
                "grid_factor_t_per_mwh": a.grid_factors.get("national_grid"),
                "national_net_co2_t": a.accounts["national_park"].net_co2_t,
                "energy_consumption_tce": a.energy.total_tce,
                "carbon_per_energy_t_co2_per_tce": core.value, "threshold": core.threshold,
                "passed": core.passed,
                "clean_energy_share_frac": a.indicators["clean_energy_share"].value,
                "operating_cost_cny": a.economics.operating_total_cny,
                "capex_cny": sum(i.capex_cny for i in a.economics.investments
                                 if i.start_yr == self.year - self.first_year),
                "baseline_co2_t": self.baseline_co2_t}


@dataclass
class PathwayResult:
    """A pathway: its years, the first year the core threshold is met, and its economics."""

    scenario: str
    years: list[PathwayYear]
    economics: dict = field(default_factory=dict)

    @property
    def first_met(self) -> int | None:
        """First year the core indicator passes its threshold (None: never in the range)."""
        return next((y.year for y in self.years if y.assessment.core.passed), None)

    def verdict(self) -> str:
        """One sentence for planners."""
        if self.first_met is not None:
            y = next(x for x in self.years if x.year == self.first_met)
            return (f"core threshold ({y.assessment.core.threshold} tCO2/tce) first met in "
                    f"{self.first_met} ({y.assessment.core.value:.3f} tCO2/tce)")
        if all(y.assessment.core.threshold is None for y in self.years):
            return "core threshold not set in any year (park below 200,000 tce/yr): values only"
        last = self.years[-1].assessment.core
        return f"core threshold not met by {self.years[-1].year} ({last.value:.3f} tCO2/tce)"

    def to_dict(self) -> dict:
        return {"scenario": self.scenario, "first_met": self.first_met, "verdict": self.verdict(),
                "years": [y.row() for y in self.years], "economics": dict(self.economics)}


def check_range(file: str, start: int, stop: int) -> None:
    """A pathway needs at least one year, in order."""
    if stop < start:
        raise InputError(Problem(file, "--from/--to", f"empty pathway range: --to {stop} is before "
                                 f"--from {start} (give --from <= --to)", f"{start}-{stop}"))
    if not 2000 <= start <= 2060 or not 2000 <= stop <= 2060:
        raise InputError(Problem(file, "--from/--to", f"years must lie in 2000-2060, got {start}-{stop}"))


class _Runs:
    """Runs of the scenario with a given set of measures, each simulated once."""

    def __init__(self, sc, progress: Progress = None):
        self.sc, self.progress, self.cache = sc, progress, {}

    def get(self, measures):
        key = tuple(m.id for m in measures)
        if key not in self.cache:
            if self.progress:
                self.progress(f"simulating with {len(key)} measure(s): {', '.join(key) or 'none'}")
            self.cache[key] = run(apply_measures(self.sc, list(measures)))
        return self.cache[key]


def run_pathway(sc, start: int, stop: int, progress: Progress = None) -> PathwayResult:
    """Simulate every year ``start``..``stop`` with the measures in service by then."""
    check_range(sc._source, start, stop)
    factors_of = {year: year_overrides(sc, year) for year in range(start, stop + 1)}  # fail early
    runs = _Runs(sc, progress)
    base = runs.get([])
    years = []
    for year, factors in factors_of.items():
        ms = in_service(sc, year)
        a = assess(runs.get(ms), factor_overrides=factors, year=year, base_year=start)
        b = assess(base, factor_overrides=factors, year=year, base_year=start)
        years.append(PathwayYear(year, [m.id for m in ms], [m.id for m in ms if m.year == year], a,
                                 b.economics.co2_t, b.economics.annual_cost_cny, b.economics.carbon_cny,
                                 start))
        if progress:
            progress(f"{year}: {a.core.value:.3f} tCO2/tce")
    result = PathwayResult(sc.name, years)
    result.economics = _economics(sc, years, start)
    return result


def _economics(sc, years: list[PathwayYear], start: int) -> dict:
    """NPV, payback and abatement cost of the pathway against the park without measures."""
    e = sc.economics
    fin = Finance(e.discount_rate_frac, max(e.horizon_yr, len(years)), e.residual, sc._source)
    pad = lambda xs: xs + [xs[-1]] * (fin.horizon_yr - len(xs))  # noqa: E731
    last = years[-1].assessment.economics
    inv = last.investments
    project = Pathway("pathway", inv, pad([y.assessment.economics.annual_cost_cny for y in years]),
                      pad([y.assessment.economics.co2_t for y in years]))
    baseline = Pathway("baseline", (), pad([y.baseline_cost_cny for y in years]),
                       pad([y.baseline_co2_t for y in years]))
    cmp = compare(project, baseline, fin)
    no_carbon = Pathway("pathway", inv, pad([y.assessment.economics.operating_total_cny for y in years]),
                        project.annual_co2_t)
    base_nc = Pathway("baseline", (), pad([y.baseline_cost_cny - y.baseline_carbon_cny for y in years]),
                      baseline.annual_co2_t)
    flows = cost_flows(project, fin)
    return {"horizon_yr": fin.horizon_yr, "discount_rate_frac": fin.discount_rate_frac,
            "first_year": start, "capex_cny": float(flows["capex_cny"].sum()),
            "npv_cny": cmp.npv_cny, "co2_avoided_t": cmp.co2_avoided_t,
            "abatement_cost_cny_per_t": compare(no_carbon, base_nc, fin).abatement_cost_cny_per_t}


@dataclass
class MacPoint:
    """One measure on the marginal abatement cost curve."""

    id: str
    name: str
    year: int
    co2_avoided_t_per_yr: float
    abatement_cost_cny_per_t: float | None
    capex_cny: float
    annual_saving_cny: float
    npv_cny: float
    name_zh: str = ""

    def to_dict(self) -> dict:
        return dict(self.__dict__)


def mac_curve(sc, year: int | None = None, progress: Progress = None) -> list[MacPoint]:
    """Each measure against the park without measures, cheapest abatement first."""
    if not sc.measures:
        raise InputError(Problem(sc._source, "measures", "no measures to put on a MAC curve"))
    factors = year_overrides(sc, year) if year is not None else None
    runs = _Runs(sc, progress)
    cache: dict[tuple, Assessment] = {}

    def assessed(ms):
        key = tuple(m.id for m in ms)
        if key not in cache:
            cache[key] = assess(runs.get(ms), factor_overrides=factors)
        return cache[key]

    points = []
    for m in sc.measures:
        with_m = with_requirements(sc, [m.id])
        ref = assessed([x for x in with_m if x.id != m.id])
        got = assessed(with_m)
        cmp = against(got.economics, ref.economics)
        points.append(MacPoint(m.id, m.name, m.year, cmp["co2_avoided_t_per_yr"],
                               cmp["abatement_cost_cny_per_t"], cmp["extra_capex_cny"],
                               cmp["annual_saving_cny"], cmp["npv_cny"], m.name_zh))
    return sorted(points, key=lambda p: (p.abatement_cost_cny_per_t is None,
                                         p.abatement_cost_cny_per_t or 0.0))
