"""Converter specs: every boiler, heat pump, CHP, electrolyser, CCUS unit or link as one
generic converter with a reference port and coefficients per unit of its flow.

Coefficients are in each port's carrier unit (MWh, t, m3) per unit of the reference
flow. ``mode`` +1 converters supply their reference bus; -1 converters absorb what is
left on it (flue CO2, waste heat, wastewater, waste). Specs are built at load time
(so ``validate`` finds every problem) and evaluated against the weather later (COP).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from twin.catalog.technologies import preset
from twin.errors import Problem
from twin.schema.scenario import Scenario
from twin.units import carriers, fuels

THERMAL = {"heat", "steam", "hot_water"}  # one energy unit (MWh): a heat role may use any
ATMOSPHERE = "atmosphere"
BOILER_PRESETS = {"coal": "coal_boiler", "natural_gas": "gas_boiler", "biomass": "biomass_boiler",
                  "electricity": "electric_boiler", "hydrogen": "hydrogen_boiler"}


@dataclass
class PortSpec:
    role: str
    bus: str
    coef: float = 0.0  # per unit of reference flow
    cop: dict | None = None  # coefficient = -1 / COP(t) when set


@dataclass
class ConverterSpec:
    id: str
    owner: str
    mode: int  # +1 supply, -1 absorb
    ref_bus: str
    capacity: float
    ports: list[PortSpec] = field(default_factory=list)
    absorb_frac: float = 1.0  # share of the reference bus's inflow it may take
    var_om: float = 0.0  # CNY per unit of reference flow
    mtbf_h: float | None = None
    mttr_h: float | None = None
    tech: str = ""


def compatible(role_carrier: str, bus_carrier: str) -> bool:
    """A port of ``role_carrier`` may sit on a bus of ``bus_carrier``."""
    return role_carrier == bus_carrier or {role_carrier, bus_carrier} <= THERMAL


def converter_specs(sc: Scenario, bus_carrier: dict[str, str]) -> tuple[list[ConverterSpec], list[Problem]]:
    """Specs of every converter-like asset, and the problems found building them."""
    specs, problems = [], []
    for a in sc.assets:
        builder = BUILDERS.get(a.type)
        if builder is None:
            continue
        try:
            specs.append(builder(sc, a, bus_carrier))
        except SpecError as exc:
            problems.append(Problem(sc._source, f"assets[{a.id}].{exc.field}", exc.message, a.id))
    return specs, problems


class SpecError(Exception):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


def _from_preset(sc: Scenario, a, tech: str, bus_carrier: dict[str, str], capacity: float,
                 overrides: dict) -> ConverterSpec:
    """Build a spec from a library preset and the asset's overrides."""
    try:
        p = preset("converters", tech)
    except KeyError as exc:
        raise SpecError("preset", str(exc.args[0])) from None
    buses = overrides.get("buses", {})
    ref = p["reference"]
    spec = ConverterSpec(a.id, a.owner, 1 if p["mode"] == "supply" else -1,
                         _bus(sc, ref["role"], ref["carrier"], buses, bus_carrier), capacity,
                         absorb_frac=overrides.get("capture_rate_frac") or p.get("capture_rate_frac", 1.0),
                         var_om=p.get("var_om_cny_per_unit", 0.0), tech=tech,
                         mtbf_h=a.mtbf_h or p.get("mtbf_h"), mttr_h=a.mttr_h or p.get("mttr_h"))
    if "fuel" in p:
        spec.ports += _fuel_ports(sc, a, p, overrides, buses, bus_carrier)
    for role, port in p.get("ports", {}).items():
        coef = overrides.get("coefficients", {}).get(role, port["coefficient"])
        spec.ports.append(PortSpec(role, _bus(sc, role, port["carrier"], buses, bus_carrier), coef))
    unknown = set(overrides.get("coefficients", {})) - {p.role for p in spec.ports}
    if unknown:
        raise SpecError("coefficients", f"no port role {sorted(unknown)} in preset {tech!r} "
                                        f"(roles: {', '.join(x.role for x in spec.ports)})")
    return spec


def _fuel_ports(sc, a, p, overrides, buses, bus_carrier) -> list[PortSpec]:
    """The fuel (or electricity) port drawn by efficiency or COP, and combustion CO2."""
    role, carrier = p["fuel"]["role"], p["fuel"]["carrier"]
    bus = _bus(sc, role, carrier, buses, bus_carrier)
    if "cop" in p and overrides.get("efficiency_frac") is None:
        cop = {**p["cop"], **({"fixed": overrides["cop"]} if overrides.get("cop") else {})}
        return [PortSpec(role, bus, cop=cop)]
    eff = overrides.get("efficiency_frac") or p["efficiency_frac"]
    per_mwh = 1.0 / fuels()[carrier].mwh_per_unit if carrier in fuels() else 1.0
    coef = -per_mwh / eff
    given = overrides.get("coefficients", {}).get(role)
    if given is not None:
        if overrides.get("efficiency_frac") and abs(given / coef - 1) > 0.01:
            raise SpecError(f"coefficients.{role}", f"{given} does not match efficiency_frac "
                            f"{eff} (expected {coef:.6g} {carriers()[carrier]} per unit)")
        coef = given
    out = [PortSpec(role, bus, coef)]
    co2 = fuels()[carrier].co2_t_per_unit if carrier in fuels() else 0.0
    if co2 > 0:
        flue = overrides.get("flue_bus") or ATMOSPHERE
        out.append(PortSpec("flue", _bus(sc, "flue", "co2", {"flue": flue}, bus_carrier), -coef * co2))
    return out


def _bus(sc: Scenario, role: str, carrier: str, buses: dict, bus_carrier: dict[str, str]) -> str:
    """The bus of a port role: given, else the only compatible bus, else the fuel market."""
    if role in buses:
        bus = buses[role]
        if bus == carrier and carrier in fuels():
            return bus  # the fuel's market, named explicitly
        if bus not in bus_carrier:
            raise SpecError(f"buses.{role}", f"unknown bus {bus!r}")
        if not compatible(carrier, bus_carrier[bus]):
            raise SpecError(f"buses.{role}", f"bus {bus!r} carries {bus_carrier[bus]}, expected {carrier}")
        return bus
    if carrier == "electricity":
        return sc.grid.bus
    candidates = [b for b, c in bus_carrier.items() if compatible(carrier, c) and b != ATMOSPHERE]
    if len(candidates) == 1:
        return candidates[0]
    if not candidates and carrier in fuels():
        return carrier  # the fuel's market bus, created by the network
    raise SpecError(f"buses.{role}", f"give the bus of port '{role}' ({carrier}); candidates: "
                    f"{', '.join(candidates) or 'none'}")


def _boiler(sc, a, bus_carrier) -> ConverterSpec:
    buses = {"heat": a.bus, **({"fuel": a.fuel_bus, "power": a.fuel_bus} if a.fuel_bus else {})}
    return _from_preset(sc, a, BOILER_PRESETS[a.fuel], bus_carrier, a.p_th_max_mw,
                        {"buses": buses, "efficiency_frac": a.efficiency_frac})


def _heat_pump(sc, a, bus_carrier) -> ConverterSpec:
    tech = "air_source_heat_pump" if a.source == "air" else "water_source_heat_pump"
    spec = _from_preset(sc, a, tech, bus_carrier, a.p_th_max_mw, {"buses": {"heat": a.bus, "power": a.el_bus}})
    spec.ports[0].cop = {"source": a.source, "source_temp_c": a.source_temp_c, "sink_temp_c": a.sink_temp_c,
                         "carnot_frac": a.carnot_frac, "cop_max": a.cop_max}
    return spec


def _converter(sc, a, bus_carrier) -> ConverterSpec:
    spec = _from_preset(sc, a, a.preset, bus_carrier, a.capacity, a.model_dump())
    roles = {spec_port.role for spec_port in spec.ports} | {preset("converters", a.preset)["reference"]["role"]}
    unknown = set(a.buses) - roles
    if unknown:
        raise SpecError("buses", f"no port role {sorted(unknown)} in preset {a.preset!r} "
                                 f"(roles: {', '.join(sorted(roles))})")
    return spec


def _link(sc, a, bus_carrier) -> ConverterSpec:
    """A link supplies its destination from its source, losing loss_frac on the way."""
    for field_name in ("from_bus", "to_bus"):
        if getattr(a, field_name) not in bus_carrier:
            raise SpecError(field_name, f"unknown bus {getattr(a, field_name)!r}")
    c_from, c_to = bus_carrier[a.from_bus], bus_carrier[a.to_bus]
    if not compatible(c_from, c_to):
        raise SpecError("to_bus", f"link between buses of different carriers ({c_from} -> {c_to})")
    spec = ConverterSpec(a.id, a.owner, 1, a.to_bus, a.capacity * (1 - a.loss_frac),
                         mtbf_h=a.mtbf_h, mttr_h=a.mttr_h, tech="link")
    spec.ports.append(PortSpec("from", a.from_bus, -1.0 / (1 - a.loss_frac)))
    return spec


BUILDERS = {"boiler": _boiler, "heat_pump": _heat_pump, "converter": _converter, "link": _link}
