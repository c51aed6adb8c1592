"""Spread between a site's long-term station means, its synthetic year and its typical-year file.

For every named site of ``twin/data/sites_cn.csv`` that has a CSWD typical-year file in
``../shared/data/weather/epw`` (Beijing, Shanghai, Chengdu), computes the annual GHI
[kWh/m2] of

- the CSWD typical year (the EPW file),
- the long-term means of the site table's CDSRD station (1991-2017,
  ``../shared/data/weather/cdsrd_monthly_ghi_dhi_1991_2017.csv``),
- the twin's synthetic year for the site (seed 0),

and the AC yield [kWh/kWp] of a 1 MWp fixed south-facing array (tilt 30 deg, the twin's PV
model) under the synthetic year and under the EPW. Writes
``calibration/typical_year_spread.csv`` (read by ``calibration.weather_spread``)::

    .venv/bin/python scripts/typical_year_spread.py [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import calendar
import sys
import tempfile
from pathlib import Path

import pandas as pd
import pvlib
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from twin.economics.run import run  # noqa: E402
from twin.scenario.load import load_scenario  # noqa: E402

FILES = {"beijing": "CHN_Beijing.Beijing.545110_CSWD.epw",
         "shanghai": "CHN_Shanghai.Shanghai.583620_CSWD.epw",
         "chengdu": "CHN_Sichuan.Chengdu.562940_CSWD.epw"}
DAYS = [calendar.monthrange(2019, m)[1] for m in range(1, 13)]
OUT = ROOT / "calibration" / "typical_year_spread.csv"


def pv_yield(site: pd.Series, weather: dict, folder: Path) -> float:
    """AC energy [kWh/kWp] of 1 MWp over a year under the given weather."""
    doc = {"name": "spread", "period": {"year": 2019},
           "site": {"name": site["id"], "latitude_deg": float(site["latitude_deg"]),
                    "longitude_deg": float(site["longitude_deg"]),
                    "altitude_m": float(site["altitude_m"]), "timezone": "Asia/Shanghai",
                    "weather": weather},
           "grid": {"import_max_mw": 10, "export_max_mw": 10},
           "buses": [{"id": "el", "carrier": "electricity"}],
           "assets": [{"id": "pv", "type": "pv", "p_dc_mw": 1.0, "tilt_deg": 30,
                       "azimuth_deg": 180, "bus": "el"}]}
    path = folder / f"{site['id']}.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return float(run(load_scenario(path, allow_outside=True)).flows_frame()["pv@el"].sum())  # MWh per MWp = kWh/kWp


def main(data: Path) -> pd.DataFrame:
    sites = pd.read_csv(ROOT / "twin" / "data" / "sites_cn.csv").set_index("id", drop=False)
    stations = pd.read_csv(data / "weather" / "cdsrd_monthly_ghi_dhi_1991_2017.csv")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, file in FILES.items():
            site, epw = sites.loc[name], data / "weather" / "epw" / file
            typical = pvlib.iotools.read_epw(epw)[0]["ghi"].sum() / 1000
            station = stations[stations.iloc[:, 0] == site["cdsrd_station_id"]].iloc[0]
            longterm = sum(station[f"ghi_{m:02d}"] * d for m, d in enumerate(DAYS, start=1))
            synthetic_ghi = sum(site[f"ghi_kwh_m2_day_{m:02d}"] * d for m, d in
                                enumerate(DAYS, start=1))
            pv_syn = pv_yield(site, {"source": "synthetic", "site": name}, Path(tmp))
            pv_epw = pv_yield(site, {"source": "epw", "path": str(epw.resolve())}, Path(tmp))
            rows.append({"site": name, "cswd_file": file, "cdsrd_station_id": site["cdsrd_station_id"],
                         "ghi_typical_kwh_m2": round(typical, 1),
                         "ghi_station_kwh_m2": round(longterm, 1),
                         "ghi_synthetic_kwh_m2": round(synthetic_ghi, 1),
                         "pv_yield_synthetic_kwh_kwp": round(pv_syn, 1),
                         "pv_yield_typical_kwh_kwp": round(pv_epw, 1),
                         "ghi_station_vs_typical_frac": round(longterm / typical - 1, 4),
                         "pv_synthetic_vs_typical_frac": round(pv_syn / pv_epw - 1, 4)})
    table = pd.DataFrame(rows)
    table["source"] = ("scripts/typical_year_spread.py: CSWD EPW (CMA/Tsinghua), CDSRD 1991-2017 "
                       "station means, twin synthetic year seed 0, twin PV model 1 MWp 30 deg south")
    table.to_csv(OUT, index=False)
    return table


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    print(main(parser.parse_args().data).drop(columns=["source", "cswd_file"]).to_string(index=False))
