"""Hour-by-hour electricity and annual heat allocation, on two hand-written hours.

No simulation: a Results stand-in carries the flows port by port [MWh]; the expected
allocations are worked out by hand from the rules of :mod:`twin.accounts.allocation`
(own renewables first, exports from renewable surplus, then fuel-fired units, then stores;
shortfall is no supply).

Enterprise ``x`` owns 8 MW of PV ``pv``; enterprise ``y`` owns a gas engine ``gen`` and a
wind farm ``wf`` on a direct connection.

Hour 0: PV makes 8 and 2 are curtailed (6 kept); x uses 4 of it itself; the engine makes
3; 3 are exported: PV's surplus 2 first, then 1 of the engine's; y uses the engine's other 2.
Hour 1: the farm makes 5; y uses 3 of it itself and 2 are exported; x uses 2: the grid's 1
and 1 unserved.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from twin.accounts.allocation import allocate_electricity, allocate_heat, port_table

# (port, role, carrier, bus, flows of hours 0 and 1); positive = into the bus
ELECTRICITY = [
    ("pv@el", "pv", "electricity", "el", (8, 0)),
    ("curtail@el", "curtailment", "electricity", "el", (-2, 0)),
    ("wf@el", "wind", "electricity", "el", (0, 5)),
    ("gen@el", "converter_out", "electricity", "el", (3, 0)),
    ("gen@natural_gas", "converter_in", "natural_gas", "gas", (-700, 0)),
    ("grid@el", "grid_import", "electricity", "el", (0, 1)),
    ("unserved@el", "unserved", "electricity", "el", (0, 1)),
    ("export@el", "grid_export", "electricity", "el", (-3, -2)),
    ("x@el", "demand", "electricity", "el", (-4, -2)),
    ("y@el", "demand", "electricity", "el", (-2, -3)),
]


def run_of(ports) -> SimpleNamespace:
    """The Results stand-in with the fields the allocation reads."""
    assets = [SimpleNamespace(id=k, owner=v, type="converter") for k, v in (("pv", "x"), ("gen", "y"), ("wf", "y"))]
    scenario = SimpleNamespace(enterprises=[SimpleNamespace(id="x"), SimpleNamespace(id="y")],
                               assets=assets, fleets=[])
    return SimpleNamespace(
        scenario=scenario, port_names=[p[0] for p in ports], port_role=np.array([p[1] for p in ports]),
        port_carrier=np.array([p[2] for p in ports]), port_bus=np.array([p[3] for p in ports]),
        flows=np.array([p[4] for p in ports], dtype=float).T)


def test_own_renewables_first_then_exports_then_the_pool():
    r = run_of(ELECTRICITY)
    ea = allocate_electricity(r, port_table(r), {"wf"})
    # x: its own PV 4 (of the 6 left after curtailment), the grid's 1; its unserved 1 is no supply
    # y: the engine's 2 left after exports, its own farm's 3 (direct connection)
    assert ea.by_entity == {"x": pytest.approx({"inpark": 4.0, "direct": 0.0, "unit:gen": 0.0, "grid": 1.0}),
                            "y": pytest.approx({"inpark": 0.0, "direct": 3.0, "unit:gen": 2.0, "grid": 0.0})}
    assert ea.exported_mwh == pytest.approx(5.0)
    assert ea.generation_owner == {"gen": "y"}


def test_exports_leave_the_renewable_surplus_before_fuel_fired_power():
    """Hour 0 exports 3: the 2 PV left over, then 1 of the engine's; hour 1's 2 are the farm's."""
    r = run_of(ELECTRICITY)
    assert allocate_electricity(r, port_table(r), {"wf"}).exported_fuel_fired_mwh == pytest.approx(1.0)


def test_heat_shortfall_is_no_origin_of_the_heat_drawn():
    """6 MWh bought and 2 unserved for x's 8: x bought 6, and nothing is counted for the gap."""
    ports = [("heat@steam", "market", "steam", "steam", (6, 0)), ("unserved@steam", "unserved", "steam", "steam", (2, 0)),
             ("x@steam", "demand", "steam", "steam", (-8, 0))]
    r = run_of(ports)
    assert allocate_heat(r, port_table(r)).by_entity == {"x": pytest.approx({"market": 6.0})}
