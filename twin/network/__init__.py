"""A scenario compiled into what the kernel settles: buses, ports, converters, stores, fleets.

Holds: ``compile`` (:func:`compile_network`, :class:`Network`), ``types``, ``ports``
(port tables), ``arrays`` (converter and store arrays), ``inputs`` (the cached full-year
exogenous arrays: weather, PV, wind, tariff prices), ``enterprises`` (demand parts).
May import: ground, physics, schema, catalog, scenario. Never mesa or simpy.
"""
