"""Converter coefficients: heat pump COP (a pure function)."""

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
