"""The optimal-dispatch yardstick: how far the twin's dispatch rules are from the optimum.

Holds: ``problem`` (a run read as the dispatch LP's arrays: what is fixed, what the LP
chooses, at what price), ``lp`` (the perfect-foresight LP on HiGHS and its flows),
``cost`` (one cost function for every dispatch's flows), ``yardstick`` (rules, the
``lookahead`` strategy and the optimum side by side, with their times).
May import: economics, the kernel and everything below. The kernel never imports it.
A package of its own rather than a module of ``twin.explore``: it needs no Dask, reads
one run, and sits just above the bill, so explore (a layer up) may sweep it.
"""
