"""KPIs of material flows: CO2, hydrogen, waste heat, solid waste, water, trucks."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from twin.catalog.converters import THERMAL as THERMAL_CARRIERS
from twin.units import fuels

if TYPE_CHECKING:
    from twin.kernel.results import Results

THERMAL = tuple(sorted(THERMAL_CARRIERS))  # the carriers measured as heat (twin.catalog.converters)


def material_kpis(r: Results, total: np.ndarray) -> dict[str, float]:
    """Annual sums of the material ports, keyed with their unit."""
    role, carrier = r.port_role, r.port_carrier

    def s(roles: tuple[str, ...], carriers: tuple[str, ...] | None = None, sign: float = 1.0) -> float:
        mask = np.isin(role, roles)
        if carriers is not None:
            mask &= np.isin(carrier, carriers)
        return float(sign * total[mask].sum())

    k = {
        "co2_process_t": s(("enterprise_process_co2",)),
        "co2_captured_t": s(("converter_absorb",), ("co2",), -1.0),
        "co2_stored_t": s(("co2_storage", "truck_co2_storage"), ("co2",), -1.0),
        "co2_utilised_t": s(("co2_utilisation", "truck_co2_utilisation"), ("co2",), -1.0),
        "co2_vented_t": s(("vent",), ("co2",), -1.0),
        "hydrogen_produced_t": _supplied(r, total, "hydrogen"),
        "waste_heat_available_mwh": s(("enterprise_waste_heat",)),
        "waste_heat_recovered_mwh": s(("converter_absorb", "converter_in"), ("waste_heat",), -1.0),
        "solid_waste_generated_t": s(("enterprise_solid_waste",)) + s(("converter_out",), ("solid_waste",)),
        "solid_waste_utilised_t": s(("converter_absorb", "recycling"), ("solid_waste",), -1.0),
        "solid_waste_landfilled_t": s(("landfill",), ("solid_waste",), -1.0),
        "water_fresh_m3": s(("market",), ("water",)),
        "water_reused_m3": s(("converter_out",), ("water",)),
        "unserved_heat_mwh": s(("unserved",), THERMAL),
    }
    k.update(_truck_kpis(r, total))
    return k


def _supplied(r: Results, total: np.ndarray, carrier: str) -> float:
    mask = (r.port_role == "converter_out") & (r.port_carrier == carrier)
    return float(total[mask].sum())


def _truck_kpis(r: Results, total: np.ndarray) -> dict[str, float]:
    """Kilometres and energy of all fleets, from the energy their depots supplied."""
    km = energy_mwh = 0.0
    fleet_ports = np.flatnonzero(r.port_role == "fleet")
    for port, per_km in zip(fleet_ports, r.fleet_energy_per_km, strict=True):
        used = -float(total[port])
        km += used / per_km
        fuel = fuels().get(str(r.port_carrier[port]))
        energy_mwh += used * (fuel.mwh_per_unit if fuel else 1.0)
    return {"truck_km": km, "truck_energy_mwh": energy_mwh}
