"""The registry of storage dispatch strategies: a scenario's ``strategy`` names one.

Each strategy maps a :class:`~twin.physics.storage.DayContext` to the block's
power requests; add one by writing the function and naming it here (and in the
schema's ``strategy`` literal).
"""

from __future__ import annotations

from twin.physics.lookahead import lookahead
from twin.physics.storage import Strategy, self_consumption, tou_arbitrage

STRATEGIES: dict[str, Strategy] = {
    "self_consumption": self_consumption,  # the fast rules: the default
    "tou_arbitrage": tou_arbitrage,
    "lookahead": lookahead,  # a 48-hour LP each day (opt-in)
}
