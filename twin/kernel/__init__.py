"""The simulation: ledger, dispatch, the Mesa model and its agents, SimPy processes, results.

Holds: ``ledger`` (flows per hour and port), ``dispatch`` (vectorised settlement of a day),
``model`` (:class:`ParkModel`, Mesa), ``agents/`` (enterprises, storage, CCUS, fleets),
``processes`` (SimPy: the daily cycle, failures, maintenance, truck trips), ``simulation``
(:func:`simulate`), ``results`` (:class:`Results`), ``kpis`` and ``materials`` (physical
KPIs), ``bench``.
May import: everything below (ground, physics, schema, catalog, scenario, network). The only
package that imports mesa and simpy; ``ledger`` and ``dispatch`` import neither.
Never imports accounts, economics or anything above.
"""
