"""The bridge from a run to the activity of the carbon accounts, worked out by hand.

No simulation: a run of three hours is written out port by port (a Results stand-in with
the fields :mod:`twin.accounts.allocation` and :mod:`twin.accounts.bridge` read), so every
figure below is worked out by hand from the flows [MWh, t].

The park (everything flows in hour 0; hours 1 and 2 are empty):

- enterprise ``a``: 3 MWh of rooftop PV ``pv``, 4 MWh of own use and an electric boiler
  ``eb`` (2 MWh in, 2 MWh of steam out); its 6 MWh are 3 own PV and 3 from the grid;
- enterprise ``b``: a coal boiler ``blr`` (2 t coal bought, 10 MWh steam), a boiler
  ``spare`` that never ran, a heat pump ``hp`` (1 MWh of grid electricity, 3 MWh of hot
  water), 10 t of process CO2, two capture units ``cc1`` (5 t) and ``cc2`` (3 t);
- enterprise ``c``: draws 11.4 MWh of steam and 3.5 MWh of hot water; no product port, so
  its yearly 8,760 t of product count 3 t in three hours;
- the park: a capture unit ``cc3`` (2 t) and a small heat exchanger ``hx`` taking 0.6 MWh
  of steam and giving 0.5 MWh to the hot-water bus (its output port listed first).

Of the 10 t captured 6 are stored and 4 utilised: 60 % / 40 % of each unit's capture.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from twin.accounts.bridge import _contracts, accounting_options, park_activity
from twin.accounts.inputs import AccountingOptions, InternalSupply
from twin.catalog.factors import FactorBook

# tCO2 per t coal from twin/data/fuels.csv: NCV 20.908 GJ/t x 26.0 tC/TJ x oxidation 0.94 x 44/12
COAL_CO2 = 20.908e-3 * 26.0 * 0.94 * 44 / 12
AVERAGE_2023 = 0.5306  # national average grid factor 2023, twin/data/grid_factors.csv [tCO2/MWh]

# (port, role, carrier, bus, flow in hour 0); positive = into the bus
PORTS = [
    ("pv@el", "pv", "electricity", "el", 3.0),
    ("grid@el", "grid_import", "electricity", "el", 4.0),
    ("a@el", "demand", "electricity", "el", -4.0),
    ("eb@el", "converter_in", "electricity", "el", -2.0),
    ("hp@el", "converter_in", "electricity", "el", -1.0),
    ("coal@coal", "market", "coal", "coal", 2.0),
    ("blr@coal", "converter_in", "coal", "coal", -2.0),
    ("blr@steam", "converter_out", "steam", "steam", 10.0),
    ("spare@steam", "converter_out", "steam", "steam", 0.0),
    ("eb@steam", "converter_out", "steam", "steam", 2.0),
    ("c@steam", "demand", "steam", "steam", -11.4),
    ("hx@hw", "converter_out", "hot_water", "hw", 0.5),  # a link's output before its input
    ("hx@steam", "converter_in", "steam", "steam", -0.6),
    ("hp@hw", "converter_out", "hot_water", "hw", 3.0),
    ("c@hw", "demand", "hot_water", "hw", -3.5),
    ("b@flue", "enterprise_process_co2", "co2", "flue", 10.0),
    ("cc1@flue", "converter_absorb", "co2", "flue", -5.0),
    ("cc2@flue", "converter_absorb", "co2", "flue", -3.0),
    ("cc3@flue", "converter_absorb", "co2", "flue", -2.0),
    ("cc1@cap", "converter_out", "co2", "cap", 5.0),
    ("cc2@cap", "converter_out", "co2", "cap", 3.0),
    ("cc3@cap", "converter_out", "co2", "cap", 2.0),
    ("store@cap", "co2_storage", "co2", "cap", -6.0),
    ("use@cap", "co2_utilisation", "co2", "cap", -4.0),
    ("a", "enterprise_product", "product", "prod", 5.0),
]
OWNERS = {"pv": "a", "eb": "a", "blr": "b", "spare": "b", "hp": "b", "cc1": "b", "cc2": "b",
          "cc3": "park", "hx": "park"}
LINKS = ("hx",)


def run_of(ports=PORTS, owners=OWNERS) -> SimpleNamespace:
    """The Results stand-in: flows, port metadata and the scenario fields the accounts read."""
    assets = [SimpleNamespace(id=k, owner=v, type="link" if k in LINKS else "converter")
              for k, v in owners.items()]
    production = {"a": SimpleNamespace(product="resin", t_per_year=8760.0), "b": None,
                  "c": SimpleNamespace(product="salt", t_per_year=8760.0)}
    scenario = SimpleNamespace(
        enterprises=[SimpleNamespace(id=e, production=production[e]) for e in ("a", "b", "c")],
        assets=assets, fleets=[],
        green_power=SimpleNamespace(direct_assets=[], trade_frac=0.0, certificates_frac=0.0,
                                    trade_mwh={}, certificates_mwh={}),
        offsets=SimpleNamespace(sinks_t=0.0, ccer_t=0.0), accounting=SimpleNamespace(energy_basis="equivalent"))
    flows = np.zeros((3, len(ports)))
    flows[0] = [q for *_, q in ports]
    return SimpleNamespace(
        scenario=scenario, port_names=[p[0] for p in ports], port_role=np.array([p[1] for p in ports]),
        port_carrier=np.array([p[2] for p in ports]), port_bus=np.array([p[3] for p in ports]),
        flows=flows, index=pd.date_range("2025-03-03", periods=3, freq="h"))


@pytest.fixture(scope="module")
def act():
    return park_activity(run_of(), FactorBook(2023), AccountingOptions())


def test_unit_factors_are_fuel_and_grid_co2_per_mwh_out(act):
    """Energy allocation: (fuel CO2 + own electricity x owner's grid share x location factor) / MWh out.

    The electric boiler's owner a draws half its electricity from the grid (3 of 6), the heat
    pump's owner b all of it; a boiler that never ran has no factor (and does not divide by 0).
    """
    assert act.unit_factor == pytest.approx({
        "blr": 2 * COAL_CO2 / 10,
        "eb": 2 * (3 / 6) * AVERAGE_2023 / 2,
        "hp": 1 * 1.0 * AVERAGE_2023 / 3})


def test_heat_from_other_entities_arrives_at_the_units_factor(act):
    """c's heat: steam is 10/12 coal boiler and 2/12 electric boiler; hot water is the heat
    pump's 3 and the exchanger's 0.5 of steam (the steam mix), shared pro rata."""
    c = {e.id: e for e in act.park.enterprises}["c"]
    from_a = 11.4 * 2 / 12 + 0.5 * 2 / 12  # the electric boiler, via steam and via the exchanger
    blr_b = 11.4 * 10 / 12 + 0.5 * 10 / 12
    from_b = blr_b + 3.0
    co2_b = blr_b * 2 * COAL_CO2 / 10 + 3.0 * AVERAGE_2023 / 3
    assert act.heat.by_entity == {"c": pytest.approx({"unit:blr": blr_b, "unit:eb": from_a, "unit:hp": 3.0})}
    assert c.internal == (
        InternalSupply("heat", pytest.approx(from_a), pytest.approx(2 * 0.5 * AVERAGE_2023 / 2), "a"),
        InternalSupply("heat", pytest.approx(from_b), pytest.approx(co2_b / from_b), "b"))
    assert c.heat_bought_mwh == 0.0 and c.fuel_use == {}


def test_heat_unit_owners_are_the_heat_units_only(act):
    """Capture units put out CO2, not heat: they are no heat suppliers."""
    owners = act.heat.unit_owner
    assert {k: owners[k] for k in ("blr", "eb", "hp")} == {"blr": "b", "eb": "a", "hp": "b"}
    assert not {"cc1", "cc2", "cc3"} & set(owners)


def test_electricity_and_fuel_of_each_entity(act):
    ents = {e.id: e for e in act.park.enterprises}
    a, b = ents["a"], ents["b"]
    assert act.electricity.by_entity["a"] == pytest.approx({"inpark": 3.0, "direct": 0.0, "grid": 3.0})
    assert act.electricity.by_entity["b"] == pytest.approx({"inpark": 0.0, "direct": 0.0, "grid": 1.0})
    assert (a.grid_electricity_mwh, a.inpark_renewable_mwh) == pytest.approx((3.0, 3.0))
    assert b.grid_electricity_mwh == pytest.approx(1.0)
    assert b.fuel_use == pytest.approx({"coal": 2.0}) and b.process_co2_t == 10.0
    assert act.contracts_unused_mwh == 0.0


def test_captured_co2_goes_to_each_capture_units_owner(act):
    """6 of 10 t stored, 4 utilised; b's two units 8 t, the park's unit 2 t; nothing unattributed."""
    ents = {e.id: e for e in act.park.enterprises}
    assert (ents["b"].ccus_stored_t, ents["b"].ccus_utilised_t) == pytest.approx((8 * 0.6, 8 * 0.4))
    # the park is an entity only through its capture unit, and must not be lost
    assert "park" in ents
    assert (ents["park"].ccus_stored_t, ents["park"].ccus_utilised_t) == pytest.approx((2 * 0.6, 2 * 0.4))
    assert (act.park.ccus_stored_t, act.park.ccus_utilised_t) == (0.0, 0.0)
    assert [e.id for e in act.park.enterprises] == ["a", "b", "c", "park"]


def test_products_from_the_own_port_else_pro_rata_of_the_year(act):
    """a has a product port (5 t); c has none: 8,760 t a year count 3 t in three hours."""
    assert act.products == {"a": ("resin", 5.0), "c": ("salt", pytest.approx(3.0))}


def test_park_that_only_buys_heat_is_an_entity():
    """The park's own chiller draws 1 MWh of bought steam and nothing else: the park must
    still appear, with that heat (it has no fuel, electricity or captured CO2)."""
    ports = [("heat@st", "market", "steam", "st", 1.0), ("chiller@st", "converter_in", "steam", "st", -1.0)]
    act = park_activity(run_of(ports, {"chiller": "park"}), FactorBook(2023), AccountingOptions())
    ents = {e.id: e for e in act.park.enterprises}
    assert set(ents) == {"a", "b", "c", "park"}
    assert ents["park"].heat_bought_mwh == pytest.approx(1.0)


def test_contracts_add_own_purchase_and_a_grid_share_of_the_parks():
    """Half a year: a buys 4 MWh of trades a year, the park 6 (shared 3:1 by grid use 30:10);
    d has no grid electricity, so its own trade goes unused; 10 % trade and 20 % certificates
    of every entity's grid use on top."""
    gp = SimpleNamespace(trade_frac=0.1, certificates_frac=0.2, trade_mwh={"a": 4.0, "park": 6.0, "d": 2.0},
                         certificates_mwh={"b": 2.0, "park": 8.0})
    trade, certs, unused = _contracts(SimpleNamespace(green_power=gp), {"a": 30.0, "b": 10.0, "d": 0.0}, 0.5)
    assert trade == pytest.approx({"a": 3.0 + 2.0 + 3.0 * 0.75, "b": 1.0 + 3.0 * 0.25, "d": 0.0})
    assert certs == pytest.approx({"a": 6.0 + 4.0 * 0.75, "b": 2.0 + 1.0 + 4.0 * 0.25, "d": 0.0})
    assert unused == pytest.approx(1.0)  # d's half-year trade of 1 MWh, with no grid use to cover


def test_park_trades_with_no_grid_use_anywhere_go_unused():
    gp = SimpleNamespace(trade_frac=0.0, certificates_frac=0.0, trade_mwh={"park": 30.0}, certificates_mwh={})
    trade, _, unused = _contracts(SimpleNamespace(green_power=gp), {"a": 0.0}, 0.5)
    assert trade == {"a": 0.0} and unused == pytest.approx(15.0)  # half of the yearly 30 MWh


def _accounting(**given) -> SimpleNamespace:
    fields = dict(national_grid_basis="national_fossil", national_grid_area=None, green_trade="zero",
                  certificates="not_recognised", credit_net_export=True, deductions=["ccus_stored"],
                  location_basis="regional", location_area=None, residual_basis="national_residual",
                  residual_area=None, footprint_basis="ets_reporting", footprint_area=None,
                  heat_basis="default", province=None)
    return SimpleNamespace(accounting=SimpleNamespace(**{**fields, **given}))


def test_accounting_options_carry_every_choice_and_default_areas_to_national():
    opt = accounting_options(_accounting())
    assert opt == AccountingOptions(
        national_grid_basis="national_fossil", national_grid_area="national", green_trade="zero",
        certificates="not_recognised", credit_net_export=True, deductions=("ccus_stored",),
        location_basis="regional", location_area="national", residual_basis="national_residual",
        residual_area="national", footprint_basis="ets_reporting", footprint_area="national",
        heat_basis="default")


def test_accounting_areas_default_to_the_province():
    opt = accounting_options(_accounting(province="jiangsu", location_area="east"))
    assert (opt.location_area, opt.national_grid_area, opt.residual_area, opt.footprint_area) == \
        ("east", "jiangsu", "jiangsu", "jiangsu")


def test_small_captures_keep_their_fate_and_uncaptured_co2_stays_with_the_park():
    """Half a tonne captured by b's unit (0.3 t stored, 0.2 t used: 60 % / 40 %), and 1 t of
    boiler flue piped to storage without capture: that tonne is no unit's capture, so it is
    the park's, not the boiler owner's."""
    ports = [("b@flue", "enterprise_process_co2", "co2", "flue", 0.5),
             ("cc1@flue", "converter_absorb", "co2", "flue", -0.5),
             ("cc1@cap", "converter_out", "co2", "cap", 0.5),
             ("store@cap", "co2_storage", "co2", "cap", -0.3),
             ("use@cap", "co2_utilisation", "co2", "cap", -0.2),
             ("blr@pipe", "converter_out", "co2", "pipe", 1.0),
             ("pipe@pipe", "co2_storage", "co2", "pipe", -1.0)]
    act = park_activity(run_of(ports, {"cc1": "b", "blr": "b"}), FactorBook(2023), AccountingOptions())
    b = next(e for e in act.park.enterprises if e.id == "b")
    assert (b.ccus_stored_t, b.ccus_utilised_t) == pytest.approx((0.3, 0.2))
    assert (act.park.ccus_stored_t, act.park.ccus_utilised_t) == pytest.approx((1.0, 0.0))


def test_a_fleets_electricity_is_its_owners():
    """c's battery trucks charge 2 MWh from the grid (grid import 4 + 2 MWh): c's grid
    electricity is those 2 MWh; a keeps its 3 MWh from the grid (6 used, 3 own PV)."""
    ports = [p if p[0] != "grid@el" else ("grid@el", "grid_import", "electricity", "el", 6.0) for p in PORTS]
    ports.append(("trucks@el", "fleet", "electricity", "el", -2.0))
    run = run_of(ports)
    run.scenario.fleets = [SimpleNamespace(id="trucks", owner="c")]
    act = park_activity(run, FactorBook(2023), AccountingOptions())
    ents = {e.id: e for e in act.park.enterprises}
    assert ents["c"].grid_electricity_mwh == pytest.approx(2.0)
    assert ents["a"].grid_electricity_mwh == pytest.approx(3.0)


def test_an_entity_without_electricity_has_no_green_or_grid_power():
    """The park is an entity only through its capture unit cc3: it draws no electricity, so
    every electricity figure of it is 0."""
    act = park_activity(run_of(), FactorBook(2023), AccountingOptions())
    park = next(e for e in act.park.enterprises if e.id == "park")
    assert (park.grid_electricity_mwh, park.inpark_renewable_mwh, park.direct_green_mwh) == (0.0, 0.0, 0.0)
