"""Results of a run: hourly flows per port, storage state, events, KPIs; writing them."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from twin.files import write_folder
from twin.schema.scenario import Scenario

EVENT_COLUMNS = ["time", "asset", "agent", "event", "detail"]


@dataclass
class Results:
    """Everything a run produced.

    ``flows[h, p]`` is the flow of port ``port_names[p]`` (``asset@bus``) in hour
    ``h`` in the unit of the bus carrier (MWh, m3, t per hour), + into the bus.
    """

    scenario: Scenario
    index: pd.DatetimeIndex  # hour-beginning local time of each simulated hour
    port_names: list[str]
    port_bus: np.ndarray  # [ports] bus id of each port
    port_role: np.ndarray  # [ports] demand, pv, wind, storage, converter_in/out, grid_import, ...
    port_carrier: np.ndarray  # [ports]
    flows: np.ndarray  # [hours, ports]
    store_ids: list[str]
    soc_mwh: np.ndarray  # [hours, stores] at the end of each hour
    soc0_mwh: np.ndarray  # [stores] at the start
    events: pd.DataFrame
    import_price: np.ndarray  # [hours] CNY/MWh
    fuel_price: dict[str, float]
    fleet_energy_per_km: np.ndarray = field(default_factory=lambda: np.zeros(0))  # [F] carrier unit per km
    fleet_ids: list[str] = field(default_factory=list)
    kpis: dict[str, float] = field(default_factory=dict)
    daily: pd.DataFrame | None = None  # the agents' daily decisions (production levels, trips)

    def flows_frame(self) -> pd.DataFrame:
        """Hourly flows, one column per port ``asset@bus``."""
        return pd.DataFrame(self.flows, index=self.index, columns=self.port_names)

    def storage_frame(self) -> pd.DataFrame:
        """Stored energy at the end of each hour [MWh], one column per store."""
        return pd.DataFrame(self.soc_mwh, index=self.index, columns=self.store_ids)

    def balance(self, bus: str, freq: str | None = None) -> pd.DataFrame:
        """Flows of the ports on ``bus`` plus their sum (``imbalance``), optionally resampled."""
        cols = [n for n, b in zip(self.port_names, self.port_bus, strict=True) if b == bus]
        frame = self.flows_frame()[cols]
        if freq:
            frame = frame.resample(freq).sum()
        return frame.assign(imbalance=frame.sum(axis=1))

    def tidy(self) -> pd.DataFrame:
        """Long table for plotting: time, port, asset, bus, role, carrier, value."""
        frame = self.flows_frame().rename_axis("time").reset_index()
        long = frame.melt(id_vars="time", var_name="port", value_name="value")
        meta = pd.DataFrame({"port": self.port_names, "bus": self.port_bus,
                             "role": self.port_role, "carrier": self.port_carrier})
        long = long.merge(meta, on="port")
        long["asset"] = long["port"].str.split("@").str[0]
        return long

    def write(self, out_dir: str | Path) -> Path:
        """Write the files of :data:`OUTPUT_FILES` into ``out_dir``.

        Files go to a temporary folder beside ``out_dir`` that is renamed at the
        end, so a failed write leaves no half-written results.
        """
        return write_folder(out_dir, self._write_files)

    def _write_files(self, folder: Path) -> None:
        (folder / "kpis.json").write_text(json.dumps(self.kpis, indent=2) + "\n", encoding="utf-8")
        flows = self.flows_frame().rename_axis("time").reset_index()
        flows.to_parquet(folder / "flows.parquet", index=False)
        self.storage_frame().rename_axis("time").reset_index().to_parquet(folder / "storage.parquet", index=False)
        self.events.to_csv(folder / "events.csv", index=False)
        if self.daily is not None:
            self.daily.to_csv(folder / "daily.csv")
        resolved = self.scenario.model_dump(mode="json")
        text = yaml.safe_dump(resolved, sort_keys=False, allow_unicode=True)
        (folder / "scenario.yaml").write_text(text, encoding="utf-8")
