"""CO2 sent to geological storage is not emitted; converters' electricity by purpose.

Issue 14, finding 5: a carbon price on scope 1 charged the captured CO2 too, and
``ghg_scope1_co2_t`` counted it. CO2 transferred to geological storage is not emitted
(EU MRR 2018/2066, Art. 49); the GHG Protocol reports it separately. Finding 8: in the
CCUS case ``electricity_for_heat_mwh`` held the capture plant's electricity.

The small park of ``test_assessment``: a coal boiler, process CO2 into a flue, an amine
unit capturing 90 % of it for storage; one week of June 2025.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from test_assessment import COAL_CO2, flow, small

import twin
from twin.kernel.kpis import converter_electricity

PRICED = {"carbon_basis": "scope1", "carbon_price_cny_per_t": 100, "free_allocation_t": 0}


@pytest.fixture(scope="module")
def priced(tmp_path_factory):
    import yaml

    path = tmp_path_factory.mktemp("ccs") / "priced.yaml"
    path.write_text(yaml.safe_dump(small(economics=PRICED), sort_keys=False), encoding="utf-8")
    return twin.run(twin.load_scenario(path))


def test_stored_co2_is_outside_scope_1_and_reported_beside_it(priced):
    """Scope 1 = coal x 2.0435 tCO2/t + process CO2 - CO2 stored; stored listed separately."""
    r = priced
    coal_t, process = -flow(r, "boiler@coal"), flow(r, "firm@flue")
    stored = -flow(r, "co2_storage@captured")
    assert stored == pytest.approx(0.9 * process) and stored > 0
    s = twin.assess(r).summary()
    assert s["ghg_scope1_co2_t"] == pytest.approx(coal_t * COAL_CO2 + process - stored)
    assert s["ccs_stored_co2_t"] == pytest.approx(stored)
    a = twin.assess(r)
    loc = a.accounts["ghg_location"]
    assert not [ln for ln in loc.lines if ln.item == "deduction:ccus_stored"]  # not subtracted twice
    assert loc.net_co2_t == pytest.approx(coal_t * COAL_CO2 + process - stored + loc.scope_co2_t(2))


def test_carbon_price_on_scope_1_spares_the_stored_co2(priced):
    """Carbon cost [CNY/yr] = (coal CO2 + process - stored) x 8,760 / 168 x 100 CNY/t.

    Before the fix it was (coal CO2 + process) x 8,760 / 168 x 100: the stored tonnes paid.
    """
    r = priced
    coal_t, process = -flow(r, "boiler@coal"), flow(r, "firm@flue")
    stored = -flow(r, "co2_storage@captured")
    expected = (coal_t * COAL_CO2 + process - stored) * 8760 / 168 * 100
    assert twin.assess(r).economics.carbon_cny == pytest.approx(expected)


def test_capture_electricity_is_not_heat(priced):
    """The capture unit's 0.30 MWh per t captured is ``electricity_for_capture_mwh``."""
    k = priced.kpis
    capture_el = -flow(priced, "ccus@el")
    assert capture_el == pytest.approx(0.30 * k["co2_captured_t"]) and capture_el > 0
    assert k["electricity_for_capture_mwh"] == pytest.approx(capture_el)
    assert k["electricity_for_heat_mwh"] == 0.0
    assert k["electricity_to_converters_mwh"] == pytest.approx(capture_el)


def test_converter_electricity_follows_what_each_converter_makes():
    """Five converters drawing 1, 2, 3, 4 and 5 MWh: each lands in its purpose's key."""
    ports = [("boiler@el", "converter_in", "electricity", -1.0), ("boiler@heat", "converter_out", "heat", 1.0),
             ("chiller@el", "converter_in", "electricity", -2.0), ("chiller@cool", "converter_out", "cooling", 9.0),
             ("ely@el", "converter_in", "electricity", -3.0), ("ely@h2", "converter_out", "hydrogen", 0.05),
             ("cc@flue", "converter_absorb", "co2", -9.0), ("cc@el", "converter_in", "electricity", -4.0),
             ("cc@steam", "converter_in", "steam", -8.0), ("cc@captured", "converter_out", "co2", 9.0),
             ("ro@el", "converter_in", "electricity", -5.0), ("ro@water", "converter_out", "water", 50.0)]
    r = SimpleNamespace(port_names=[p[0] for p in ports], port_role=np.array([p[1] for p in ports]),
                        port_carrier=np.array([p[2] for p in ports]))
    k = converter_electricity(r, np.array([p[3] for p in ports]))
    assert k == {"electricity_for_capture_mwh": 4.0, "electricity_for_hydrogen_mwh": 3.0,
                 "electricity_for_heat_mwh": 1.0, "electricity_for_cooling_mwh": 2.0,
                 "electricity_for_other_mwh": 5.0, "electricity_to_converters_mwh": 15.0}
