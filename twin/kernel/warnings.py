"""Warnings of a run: what a KPI table would make look like an improvement.

A park that cannot meet its demand imports less and emits less, so its CO2 and cost KPIs
improve: 15,155 MWh unserved once showed as green savings. Every run is therefore checked
for two things, and the CLI (``run``, ``assess``, ``compare``), the HTML report and the app
(Results and Compare pages) all show what :func:`run_warnings` returns:

- **unmet**: energy or material a bus needed and nobody supplied (the ``unserved`` slack
  of any bus: electricity, heat, steam, hydrogen ...). The scenario does not meet its
  demand; comparisons flag it.
- **wasted**: CO2 vented, or energy or waste dumped, from a bus where the scenario built a
  way to use or keep it (a capture plant or other converter taking from the bus, a store or
  tank, an offtake, trucks): that path was too small or down. Venting to the atmosphere bus
  (a plant's emissions), and landfill and discharge (disposal routes with KPIs of their
  own) are the scenario's design, not warnings.

Each warning carries an i18n key (``warnings.unmet``, ``warnings.vent``, ``warnings.dump`` in
``twin/data/i18n.yaml``) and the
values its sentence needs, so every face words it in the user's language.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from twin.catalog.converters import ATMOSPHERE
from twin.kernel.results import Results
from twin.units import carriers

WASTED_ROLES = ("vent", "dump")  # surplus slack that no KPI routes anywhere useful
# Roles that use or keep what arrives on a bus (converters taking from it, stores, offtakes).
RECOVERY_ROLES = ("converter_in", "converter_absorb", "storage", "co2_storage", "co2_utilisation",
                  "recycling", "sales", "export")
TOLERANCE = 1e-6  # per hour, in the bus unit: below it a flow is rounding, not a shortfall


@dataclass(frozen=True)
class RunWarning:
    """One warning: its kind, the bus, and how much over how many hours."""

    kind: str  # "unmet" or "wasted"
    bus: str
    carrier: str
    amount: float  # in ``unit`` over the run
    unit: str
    hours: int  # hours with a flow above TOLERANCE
    role: str  # the port role: unserved, vent or dump

    @property
    def key(self) -> str:
        """The i18n key of its sentence."""
        return f"warnings.{self.kind if self.kind == 'unmet' else self.role}"

    def values(self) -> dict:
        """The placeholders of its sentence."""
        return {**asdict(self), "amount": f"{self.amount:,.0f}" if self.amount >= 10 else f"{self.amount:.3g}"}


def run_warnings(r: Results) -> list[RunWarning]:
    """Unmet demand and wasted recovery of a run, biggest first within each kind."""
    units = carriers()
    totals = -r.flows.sum(axis=0) if r.flows.size else np.zeros(len(r.port_names))
    hours = (np.abs(r.flows) > TOLERANCE).sum(axis=0) if r.flows.size else totals * 0
    recovery = _buses_with(r, RECOVERY_ROLES)
    out = []
    for p, role in enumerate(r.port_role):
        bus, carrier = str(r.port_bus[p]), str(r.port_carrier[p])
        if role == "unserved":
            kind, amount = "unmet", -float(totals[p])  # + into the bus: supplies the shortfall
        elif role in WASTED_ROLES and bus in recovery and bus != ATMOSPHERE:
            kind, amount = "wasted", float(totals[p])
        else:
            continue
        if hours[p] and amount > TOLERANCE:
            out.append(RunWarning(kind, bus, carrier, amount, units.get(carrier, ""), int(hours[p]), str(role)))
    return sorted(out, key=lambda w: (w.kind != "unmet", -w.amount))


def _buses_with(r: Results, roles: tuple[str, ...]) -> set[str]:
    """Buses that have a port of one of ``roles`` (trucks loading from a bus count too)."""
    found = np.isin(r.port_role, roles) | np.char.startswith(r.port_role.astype(str), "truck_")
    return {str(b) for b in r.port_bus[found]}
