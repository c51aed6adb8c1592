"""Typed inputs of the carbon accounts: annual activity of enterprises and of the park.

Quantities are annual. Fuels in their carrier unit (t, m3 at standard conditions;
``twin/data/fuels.csv``), energy in MWh, mass and CO2 in t. All values are >= 0.
Electricity is split by how it physically and contractually reaches the enterprise:

- ``grid_electricity_mwh``: everything drawn from the public grid, including what
  green-power trades (``green_trade_mwh``) cover; certificates (``certificates_mwh``,
  unbundled GECs retired for this enterprise) are contracts only, never MWh of their own;
- ``inpark_renewable_mwh``: consumed from in-park PV / wind (physically delivered);
- ``direct_green_mwh``: consumed over a green-power direct connection (绿电直连);
- ``internal``: electricity or heat from another in-park entity whose fuel is counted there.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from twin.errors import InputError, Problem
from twin.units import fuels

Treatment = Literal["zero", "not_recognised"]
DEDUCTION_NAMES = ("ccus_stored", "ccus_utilised", "sinks", "offsets")


@dataclass(frozen=True)
class InternalSupply:
    """Energy bought from another in-park entity [MWh] at that supply's factor [tCO2/MWh]."""

    carrier: Literal["electricity", "heat"]
    mwh: float
    t_co2_per_mwh: float
    supplier_id: str = ""


@dataclass(frozen=True)
class EnterpriseActivity:
    """Annual activity of one enterprise (or a park utility such as a CHP plant).

    ``process_output_t`` gives tonnes per process of ``process_factors.csv`` (e.g.
    ``cement_clinker``); ``process_co2_t`` is process CO2 measured or computed elsewhere.
    ``products_t`` are the tonnes of each product for footprints; ``product_shares`` (sum 1)
    replace allocation by tonnes. ``heat_factor_t_per_mwh`` None takes the default factor.
    ``ccus_stored_t`` / ``ccus_utilised_t``: CO2 captured at this enterprise.
    """

    id: str
    fuel_use: Mapping[str, float] = field(default_factory=dict)
    process_co2_t: float = 0.0
    process_output_t: Mapping[str, float] = field(default_factory=dict)
    grid_electricity_mwh: float = 0.0
    inpark_renewable_mwh: float = 0.0
    direct_green_mwh: float = 0.0
    green_trade_mwh: float = 0.0
    certificates_mwh: float = 0.0
    heat_bought_mwh: float = 0.0
    heat_factor_t_per_mwh: float | None = None
    internal: tuple[InternalSupply, ...] = ()
    ccus_stored_t: float = 0.0
    ccus_utilised_t: float = 0.0
    products_t: Mapping[str, float] = field(default_factory=dict)
    product_shares: Mapping[str, float] | None = None

    @property
    def electricity_use_mwh(self) -> float:
        """All electricity consumed: grid + in-park renewables + direct green + internal [MWh]."""
        internal = sum(s.mwh for s in self.internal if s.carrier == "electricity")
        bought = self.grid_electricity_mwh + self.inpark_renewable_mwh + self.direct_green_mwh
        return bought + internal

    def allocation_shares(self) -> dict[str, float]:
        """Share of the enterprise's CO2 per product: given shares, else by tonnes."""
        if self.product_shares is not None:
            return dict(self.product_shares)
        total = sum(self.products_t.values())
        return {p: t / total for p, t in self.products_t.items()} if total > 0 else {}


@dataclass(frozen=True)
class ParkActivity:
    """Annual activity of the park: its enterprises and park-level lines.

    ``exported_mwh`` is electricity sent to the public grid (it reduces the net inflow of
    the national method); ``exported_fuel_fired_mwh`` is the part generated from fuels in
    the park (subtracted from comprehensive energy consumption). CCUS, sinks and offsets
    here are park-level (capture not attributed to an enterprise, carbon sinks, retired
    offsets such as CCER) [tCO2]. ``bunker_co2_t`` is a memo line (international transport).
    """

    enterprises: tuple[EnterpriseActivity, ...]
    exported_mwh: float = 0.0
    exported_fuel_fired_mwh: float = 0.0
    ccus_stored_t: float = 0.0
    ccus_utilised_t: float = 0.0
    sinks_t: float = 0.0
    offsets_t: float = 0.0
    bunker_co2_t: float = 0.0

    @property
    def ccus_stored_total_t(self) -> float:
        """CO2 stored: park level + all enterprises [t]."""
        return self.ccus_stored_t + sum(e.ccus_stored_t for e in self.enterprises)

    @property
    def ccus_utilised_total_t(self) -> float:
        """CO2 utilised: park level + all enterprises [t]."""
        return self.ccus_utilised_t + sum(e.ccus_utilised_t for e in self.enterprises)


@dataclass(frozen=True)
class AccountingOptions:
    """Choices of each method. Grid areas: ``national``, a regional grid or a province.

    national_*: factor of the national park method (fossil power by default);
    green_trade / certificates: 'zero' or 'not_recognised' in the national method;
    credit_net_export: let a net-exporting park carry a negative electricity line;
    deductions: which of ccus_stored, ccus_utilised, sinks, offsets the net subtracts;
    location_* / residual_*: GHG Protocol scope 2 factors; footprint_*: CBAM indirect factor.
    """

    national_grid_basis: str = "national_fossil"
    national_grid_area: str = "national"
    green_trade: Treatment = "zero"
    certificates: Treatment = "zero"
    credit_net_export: bool = False
    deductions: tuple[str, ...] = ("ccus_stored", "sinks", "offsets")
    location_basis: str = "national_average"
    location_area: str = "national"
    residual_basis: str = "national_residual"
    residual_area: str = "national"
    footprint_basis: str = "national_average"
    footprint_area: str = "national"
    heat_basis: str = "default"


_NON_NEGATIVE = ("process_co2_t", "grid_electricity_mwh", "inpark_renewable_mwh",
                 "direct_green_mwh", "green_trade_mwh", "certificates_mwh", "heat_bought_mwh",
                 "ccus_stored_t", "ccus_utilised_t")


def _enterprise_problems(e: EnterpriseActivity, file: str, where: str) -> list[Problem]:
    bad = [Problem(file, f"{where}.{n}", f"must be >= 0, got {getattr(e, n)}", e.id)
           for n in _NON_NEGATIVE if getattr(e, n) < 0]
    for mapping in ("fuel_use", "process_output_t", "products_t"):
        bad += [Problem(file, f"{where}.{mapping}.{k}", f"must be >= 0, got {v}", e.id)
                for k, v in getattr(e, mapping).items() if v < 0]
    bad += [Problem(file, f"{where}.fuel_use.{c}", f"unknown fuel {c!r}; known: "
                    f"{', '.join(fuels())}", e.id) for c in e.fuel_use if c not in fuels()]
    if e.green_trade_mwh > e.grid_electricity_mwh + 1e-9:
        bad.append(Problem(file, f"{where}.green_trade_mwh",
                           f"green trades ({e.green_trade_mwh} MWh) exceed grid electricity "
                           f"({e.grid_electricity_mwh} MWh)", e.id))
    bad += _share_problems(e, file, where)
    return bad


def _share_problems(e: EnterpriseActivity, file: str, where: str) -> list[Problem]:
    if e.product_shares is None:
        return []
    out = [Problem(file, f"{where}.product_shares.{p}",
                   f"product {p!r} has no tonnes in products_t", e.id)
           for p in e.product_shares if e.products_t.get(p, 0) <= 0]
    total = sum(e.product_shares.values())
    if abs(total - 1.0) > 1e-6 or any(s < 0 for s in e.product_shares.values()):
        out.append(Problem(file, f"{where}.product_shares", f"shares must be >= 0 and sum to 1, "
                           f"got sum {total:g}", e.id))
    return out


def validate_park(park: ParkActivity, file: str) -> None:
    """Raise :class:`InputError` listing every problem of the activity data."""
    bad: list[Problem] = []
    seen: set[str] = set()
    for i, e in enumerate(park.enterprises):
        where = f"enterprises[{i}]"
        if e.id in seen:
            bad.append(Problem(file, f"{where}.id", f"duplicate enterprise id {e.id!r}", e.id))
        seen.add(e.id)
        bad += _enterprise_problems(e, file, where)
    for n in ("exported_mwh", "exported_fuel_fired_mwh", "ccus_stored_t", "ccus_utilised_t",
              "sinks_t", "offsets_t", "bunker_co2_t"):
        if getattr(park, n) < 0:
            bad.append(Problem(file, f"park.{n}", f"must be >= 0, got {getattr(park, n)}"))
    if bad:
        raise InputError(bad)


def validate_options(opt: AccountingOptions, file: str) -> None:
    """Raise :class:`InputError` for unknown treatments or deduction names."""
    bad = [Problem(file, f"accounting.{n}",
                   f"must be 'zero' or 'not_recognised', got {getattr(opt, n)!r}")
           for n in ("green_trade", "certificates")
           if getattr(opt, n) not in ("zero", "not_recognised")]
    bad += [Problem(file, "accounting.deductions", f"unknown deduction {d!r}; known: "
                    f"{', '.join(DEDUCTION_NAMES)}", d)
            for d in opt.deductions if d not in DEDUCTION_NAMES]
    if bad:
        raise InputError(bad)
