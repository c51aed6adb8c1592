"""SimPy processes: when things happen. Settlement runs one day block at a time."""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING

from twin.dispatch import BlockPlan, settle_block

if TYPE_CHECKING:
    from twin.model import ParkModel

HOURS_PER_DAY = 24


def daily_settlement(model: ParkModel) -> Generator:
    """Each day: the agents plan (one Mesa step), then the day's 24 hours settle."""
    ledger = model.ledger
    for day in range(model.net.axis.hours // HOURS_PER_DAY):
        model.day = day
        model.step()
        block = slice(day * HOURS_PER_DAY, (day + 1) * HOURS_PER_DAY)
        plan = BlockPlan(model.level, model.conv_avail, model.plan_storage, model.soc_mwh)
        settle_block(model.net, ledger.flows, ledger.soc_mwh, block, plan)
        yield model.env.timeout(HOURS_PER_DAY)
