"""What the twin says a meter should read: mapping targets resolved against a scenario.

A meter's reading is ``factor * flow`` of one column of ``Results.flows_frame()``
(``asset@bus``, + into the bus):

========================== ============================================ ==================
target                     column                                        factor
========================== ============================================ ==================
enterprise.<id>.electricity ``<id>@<el_bus>``                           -1 (a draw)
enterprise.<id>.heat       ``<id>@<heat_bus>``                           -1
grid.import / grid.export  ``grid_import@<bus>`` / ``grid_export@<bus>`` +1 / -1
asset.<pv or wind>         ``<id>@<bus>`` (AC output)                    +1
asset.<boiler>             its fuel input ``<id>@<fuel bus>``            -1, x NCV if the
                           (what a gas or coal meter reads)              meter is in MWh
asset.<heat pump>          its electricity input ``<id>@<el_bus>``       -1
asset.<battery>            ``<id>@<bus>`` (net discharge)                +1
========================== ============================================ ==================

So a boiler's gas meter calibrates the boiler's efficiency together with the heat demand it
serves (the two are collinear: free one of them).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from calibration.mapping import MeterMap, MeterSpec
from twin.errors import InputError, Problem
from twin.schema.scenario import Scenario
from twin.units import fuels


@dataclass(frozen=True)
class Target:
    """The flow column a meter reads and the factor turning the flow into its reading."""

    meter: str
    column: str
    factor: float


def resolve_targets(sc: Scenario, mapping: MeterMap) -> dict[str, Target]:
    """Target of every meter of the mapping; every unresolvable one is reported at once."""
    out, problems = {}, []
    for spec in mapping.meters.values():
        try:
            column, factor = _resolve(sc, spec)
        except ValueError as exc:
            problems.append(Problem(mapping.path, f"meters.{spec.id}.target", str(exc), spec.id))
            continue
        out[spec.id] = Target(spec.id, column, factor)
    if problems:
        raise InputError(problems)
    return out


def _resolve(sc: Scenario, spec: MeterSpec) -> tuple[str, float]:
    """(column, factor) of one meter (ValueError naming what is wrong)."""
    kind, _, rest = spec.target.partition(".")
    if kind == "grid":
        return (f"grid_import@{sc.grid.bus}", 1.0) if rest == "import" else (
            f"grid_export@{sc.grid.bus}", -1.0)
    if kind == "enterprise":
        return _enterprise(sc, *rest.rsplit(".", 1))
    assets = {a.id: a for a in sc.assets}
    if rest not in assets:
        raise ValueError(f"no asset {rest!r} in the scenario (assets: {sorted(assets)})")
    return _asset(sc, assets[rest], spec.model_unit)


def _enterprise(sc: Scenario, ent_id: str, carrier: str) -> tuple[str, float]:
    ents = {e.id: e for e in sc.enterprises}
    if ent_id not in ents:
        raise ValueError(f"no enterprise {ent_id!r} in the scenario (enterprises: "
                         f"{sorted(ents)[:10]}{' ...' if len(ents) > 10 else ''})")
    e = ents[ent_id]
    if carrier == "electricity":
        return f"{e.id}@{e.el_bus}", -1.0
    if carrier == "heat" and e.heat_bus:
        return f"{e.id}@{e.heat_bus}", -1.0
    if carrier == "heat":
        raise ValueError(f"enterprise {ent_id!r} has no heat bus (heat_bus is null)")
    raise ValueError(f"enterprises draw electricity and heat in the twin, not {carrier!r}; "
                     "meter fuel at the boiler that burns it (target asset.<boiler id>)")


def _asset(sc: Scenario, a, model_unit: str) -> tuple[str, float]:
    if a.type in ("pv", "wind", "battery"):
        return _check_unit(f"{a.id}@{a.bus}", 1.0, model_unit, "MWh", a.id)
    if a.type == "heat_pump":
        return _check_unit(f"{a.id}@{a.el_bus}", -1.0, model_unit, "MWh", a.id)
    if a.fuel == "electricity":
        return _check_unit(f"{a.id}@{a.fuel_bus or sc.grid.bus}", -1.0, model_unit, "MWh", a.id)
    fuel = fuels()[a.fuel]
    column = f"{a.id}@{a.fuel_bus or a.fuel}"
    if model_unit == "MWh":
        return column, -fuel.mwh_per_unit
    return _check_unit(column, -1.0, model_unit, fuel.unit, a.id)


def _check_unit(column: str, factor: float, unit: str, expected: str,
                asset_id: str) -> tuple[str, float]:
    if unit != expected:
        raise ValueError(f"asset {asset_id!r} is metered in {expected}, not {unit!r} "
                         "(set model_unit in the mapping)")
    return column, factor


def meter_series(flows: pd.DataFrame, targets: dict[str, Target]) -> pd.DataFrame:
    """Simulated reading of every meter per hour (columns: meter ids)."""
    missing = sorted({t.column for t in targets.values()} - set(flows.columns))
    if missing:
        raise InputError(Problem("(results)", "flows", f"columns {missing} not produced by the "
                                 "run; check the meters' targets"))
    return pd.DataFrame({m: flows[t.column] * t.factor for m, t in targets.items()},
                        index=flows.index)
