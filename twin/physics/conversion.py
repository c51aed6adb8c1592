"""Converter coefficients: heat pump COP, boiler fuel use (pure functions)."""

from __future__ import annotations

import numpy as np

KELVIN = 273.15


def heat_pump_cop(source_temp_c: np.ndarray | float, sink_temp_c: float, carnot_frac: float,
                  cop_max: float) -> np.ndarray:
    """Heat pump COP as a fraction of the Carnot COP, bounded to [1, cop_max].

    COP = carnot_frac * T_sink / (T_sink - T_source), temperatures in K.
    """
    t_sink = sink_temp_c + KELVIN
    lift = t_sink - (np.asarray(source_temp_c, dtype=float) + KELVIN)
    carnot = np.divide(t_sink, lift, out=np.full_like(lift, np.inf), where=lift > 0)
    return np.clip(carnot_frac * carnot, 1.0, cop_max)


def input_per_output(efficiency_frac: float, units_per_mwh: float = 1.0) -> float:
    """Fuel drawn per MWh of output [carrier unit/MWh] for an efficiency on NCV.

    ``units_per_mwh`` converts fuel energy to the fuel carrier's unit
    (1 / NCV [MWh per m3 or t]); 1 for electricity.
    """
    return units_per_mwh / efficiency_frac
