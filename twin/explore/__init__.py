"""Exploring many runs: sweeps, Monte Carlo, sensitivity and least-cost sizing on Dask.

Holds: ``fields`` (field paths with ids, value lists, ranges, distributions), ``pool`` (this
process, a Dask LocalCluster or a scheduler), ``sweep`` (cases, one table row per run),
``stats`` (P10/P50/P90, probability of meeting, convergence), ``sensitivity`` (SALib Morris and
Sobol, tornado), ``optimise`` (least-cost sizing by differential evolution), ``output``
(result folders and terminal text).
May import: appraisal, economics, accounts, the kernel's public results and everything below
(through ``run``, ``assess`` and ``load_scenario``). Never presentation.
"""
