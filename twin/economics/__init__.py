"""Money: bills, cash flows, and the priced run.

Holds: ``bills`` (TOU energy, demand and capacity charges; a run's cost KPIs), ``finance``
(market prices, annual operation, NPV, LCOE, payback, abatement), ``run_economics``
(capex, O&M and fuel of a run), ``run`` (:func:`run`, the public ``twin.run``: the kernel's
simulation plus its cost KPIs).
May import: accounts, the kernel and everything below.
"""
