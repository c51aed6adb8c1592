"""Explore many runs: sweeps, Monte Carlo, sensitivity and least-cost sizing on Dask.

Builds on the public twin API (load, run, assess); nothing below this layer imports it.
"""

from twin.explore.pool import Pool
from twin.explore.sweep import Sweep, plan, sweep

__all__ = ["Pool", "Sweep", "plan", "sweep"]
