"""SimPy processes: when things happen.

The daily cycle lets the agents plan a day (one Mesa step), lets that day's events
happen (failures, maintenance, truck trips write hourly availability and loads),
and then settles the day's 24 hours, so every event takes effect from the next
settled hour.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Generator
from typing import Any, Protocol

import numpy as np
import simpy

from twin.kernel.dispatch import BlockPlan, settle_block
from twin.kernel.ledger import Ledger
from twin.network.compile import Network
from twin.units import HOURS_PER_DAY


class ParkModel(Protocol):
    """What the processes read and write of the park model (:class:`twin.kernel.model.ParkModel`).

    A protocol, so that the model imports its processes and not the reverse.
    """

    env: simpy.Environment
    seed: int
    net: Network
    ledger: Ledger
    day: int
    day_of_year: int
    fleet_agents: list[Any]
    level: np.ndarray
    flex: np.ndarray
    conv_avail: np.ndarray
    source_avail: np.ndarray
    store_avail: np.ndarray
    fleet_load: np.ndarray
    fleet_cargo: np.ndarray
    plan_storage: Any
    soc: np.ndarray

    def step(self) -> None: ...

    def record_day(self) -> None: ...


def stream(seed: int, key: str) -> np.random.Generator:
    """The random stream of one asset or process, keyed by its id."""
    return np.random.default_rng([seed, zlib.crc32(key.encode("utf-8"))])


def daily_cycle(model: ParkModel) -> Generator:
    """Plan a day, let it happen, settle it."""
    for day in range(model.net.axis.hours // HOURS_PER_DAY):
        model.day = day
        model.day_of_year = model.net.axis.start_h // HOURS_PER_DAY + day
        model.step()
        model.record_day()
        yield model.env.timeout(HOURS_PER_DAY)
        block = slice(day * HOURS_PER_DAY, (day + 1) * HOURS_PER_DAY)
        settle_block(model.net, model.ledger.flows, model.ledger.soc_mwh, block, _plan(model, block))


def _plan(model: ParkModel, block: slice) -> BlockPlan:
    return BlockPlan(model.level, model.flex, model.conv_avail[block], model.source_avail[block],
                     model.store_avail[block], model.fleet_load[block], model.fleet_cargo[block],
                     model.plan_storage, model.soc)


def failures(model: ParkModel, avail: np.ndarray, col: int, asset: str, mtbf_h: float,
             mttr_h: float) -> Generator:
    """Random failures: exponential times to failure and to repair (per-asset stream)."""
    rng = stream(model.seed, asset)
    hours = avail.shape[0]
    while True:
        yield model.env.timeout(rng.exponential(mtbf_h))
        down = math.ceil(model.env.now)
        repair = rng.exponential(mttr_h)
        up = math.ceil(model.env.now + repair)
        if down >= hours:
            return
        avail[down:min(up, hours), col] = 0.0
        model.ledger.log(down, asset, "park", "failure", f"out of service for {repair:.1f} h")
        yield model.env.timeout(repair)
        if up < hours:
            model.ledger.log(up, asset, "park", "repaired", "back in service")


def maintenance(model: ParkModel, avail: np.ndarray, col: int, asset: str, start_h: int,
                days: int) -> Generator:
    """A planned outage: out of service from its first day for ``days`` days.

    Only the part inside the simulated period counts: a window that ends before the
    period starts, or starts after it ends, takes nothing out and logs nothing; the
    return to service is logged only when it falls inside the period (as repairs are).
    """
    hours = avail.shape[0]
    start, end = max(start_h, 0), min(start_h + days * HOURS_PER_DAY, hours)
    if end <= start:
        return
    yield model.env.timeout(start)
    avail[start:end, col] = 0.0
    model.ledger.log(start, asset, "park", "maintenance_start", f"{days} days planned")
    yield model.env.timeout(end - start)
    if end < hours:
        model.ledger.log(end, asset, "park", "maintenance_end", "back in service")


def fleet_days(model: ParkModel, fleet: int, depart_h: float) -> Generator:
    """A fleet's working days: each day its trucks leave in waves of at most ``count``
    trucks from ``depart_h``; the day's cargo is loaded at departure and the arrival
    of its last wave is logged with the day's trips, tonnes and kilometres.
    """
    agent = model.fleet_agents[fleet]
    spec = model.net.fleets[fleet]
    for day in range(model.net.axis.hours // HOURS_PER_DAY):
        yield model.env.timeout(day * HOURS_PER_DAY + depart_h - model.env.now)
        trips = agent.trips_today
        if trips:
            agent.departed(trips)
            waves = math.ceil(trips / spec.count)
            yield model.env.timeout(waves * spec.trip_h)
            agent.arrived(trips, waves)
