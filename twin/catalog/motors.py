"""Motor and compressed-air systems: efficiency classes as data (``motor_systems.csv``)."""

from __future__ import annotations

from functools import cache

from twin.schema.enterprise import MotorSystems
from twin.units import data_table


@cache
def classes() -> dict[tuple[str, str], float]:
    """(system, class) -> efficiency [0-1] (relative for compressors)."""
    t = data_table("motor_systems.csv")
    return {(r.system, r["class"]): float(r.efficiency_frac) for _, r in t.iterrows()}


def electricity_factor(m: MotorSystems | None) -> float:
    """Electricity in service / electricity as measured, after class changes [-].

    A motor share s moving from efficiency e0 to e1 uses s * e0 / e1 of the measured
    electricity; the rest is unchanged.
    """
    if m is None:
        return 1.0
    c = classes()
    motors = m.motor_share_frac * (c[("motor", m.motor_class_before)] / c[("motor", m.motor_class)] - 1.0)
    air = m.compressor_share_frac * (c[("compressor", m.compressor_grade_before)]
                                     / c[("compressor", m.compressor_grade)] - 1.0)
    return 1.0 + motors + air


def unknown_classes(m: MotorSystems) -> list[tuple[str, str]]:
    """(field, value) of classes not in the table."""
    c = classes()
    pairs = [("motor_class_before", "motor"), ("motor_class", "motor"),
             ("compressor_grade_before", "compressor"), ("compressor_grade", "compressor")]
    return [(f, getattr(m, f)) for f, system in pairs if (system, getattr(m, f)) not in c]
