"""Pure physics on numpy arrays: weather, PV (pvlib), wind (windpowerlib), demand, calendar, storage.

Holds: ``weather`` and ``synthetic_weather`` (weather files and the synthetic typical year),
``sites`` (Chinese sites and their station means), ``pv``, ``wind``, ``demand`` (hourly
demand shapes), ``calendar`` (holidays, Spring Festival), ``storage`` (store rules for a
day), ``conversion`` (heat-pump COP and the like).
May import: the ground floor (``twin.units``, ``twin.errors``) and numerical libraries
(numpy, pandas, scipy, pvlib, windpowerlib). Never mesa, simpy, pydantic or streamlit, and
nothing else of twin.
"""
