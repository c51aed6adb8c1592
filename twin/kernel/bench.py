"""``park-twin bench``: a full-year run against one pvlib ModelChain year, and scaling."""

from __future__ import annotations

import statistics
import time
from importlib import resources
from pathlib import Path

import pvlib

from twin.kernel.simulation import simulate
from twin.network.inputs import site_weather
from twin.scenario.load import load_scenario, validate
from twin.schema.scenario import Scenario

REFERENCE = "reference_baseline.yaml"


def default_scenario() -> Path:
    """The shipped reference scenario (repository checkout)."""
    here = Path(str(resources.files("twin"))).parent / "scenarios" / REFERENCE
    return here if here.exists() else Path("scenarios") / REFERENCE


def median_time(fn, repeat: int) -> float:
    """Median wall time of ``fn()`` over ``repeat`` calls [s]."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def modelchain_year(sc: Scenario):
    """A callable running one pvlib ModelChain year (PVWatts) for one array at the site."""
    wx = site_weather(sc).rename(columns={"ghi_w_m2": "ghi", "dni_w_m2": "dni", "dhi_w_m2": "dhi",
                                          "temp_air_c": "temp_air", "wind_speed_m_s": "wind_speed"})
    s = sc.site
    loc = pvlib.location.Location(s.latitude_deg, s.longitude_deg, s.timezone, s.altitude_m)
    params = pvlib.temperature.TEMPERATURE_MODEL_PARAMETERS["sapm"]["open_rack_glass_polymer"]
    system = pvlib.pvsystem.PVSystem(surface_tilt=20, surface_azimuth=180,
                                     module_parameters={"pdc0": 1e6, "gamma_pdc": -0.0035},
                                     inverter_parameters={"pdc0": 1e6 / 1.2},
                                     temperature_model_parameters=params)
    chain = pvlib.modelchain.ModelChain(system, loc, aoi_model="physical", spectral_model="no_loss")
    return lambda: chain.run_model(wx)


def scaled(sc: Scenario, factor: int) -> Scenario:
    """The park replicated ``factor`` times on the same buses (ids suffixed)."""
    if factor == 1:
        return sc
    data = sc.model_dump(mode="json")
    for key in ("enterprises", "assets", "fleets"):
        items = data[key]
        data[key] = [_copy(item, k) for k in range(factor) for item in items]
    for bus in data["buses"]:  # offtakes grow with the park
        if bus.get("offtake"):
            bus["offtake"]["max_per_h"] *= factor
    data["grid"]["import_max_mw"] *= factor
    data["grid"]["export_max_mw"] *= factor
    return validate(data, source=f"{sc._source} x{factor}", base_dir=sc._base_dir)


def _copy(item: dict, k: int) -> dict:
    if k == 0:
        return item
    out = {**item, "id": f"{item['id']}_x{k}"}
    if out.get("owner", "park") != "park":
        out["owner"] = f"{item['owner']}_x{k}"
    return out


def bench(path: str | None, repeat: int, scales: list[int]) -> str:
    """Time runs and return a report (text)."""
    sc = load_scenario(path or default_scenario())
    t0 = time.perf_counter()
    simulate(sc)
    cold = time.perf_counter() - t0
    t_run = median_time(lambda: simulate(sc), repeat)
    t_mc = median_time(modelchain_year(sc), repeat)
    ports = len(simulate(sc).port_names)
    trucks = sum(f.count for f in sc.fleets)
    lines = [f"scenario: {sc.name} ({len(sc.enterprises)} enterprises, {len(sc.assets)} assets, "
             f"{ports} ports, {trucks} trucks)",
             f"first run (weather, PV and demand built and cached): {cold:.3f} s",
             f"full-year run, median of {repeat}:        {t_run:.3f} s",
             f"pvlib ModelChain year, median of {repeat}:  {t_mc:.3f} s",
             f"ratio run / ModelChain:                  {t_run / t_mc:.2f}"]
    for factor in scales:
        big = scaled(sc, factor)
        simulate(big)
        t = median_time(lambda b=big: simulate(b), max(1, repeat // 2))
        lines.append(f"scale x{factor:<3d} ({len(big.enterprises)} enterprises, {len(big.assets)} assets, "
                     f"{sum(f.count for f in big.fleets)} trucks): {t:.3f} s")
    return "\n".join(lines)
