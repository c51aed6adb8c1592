"""Reference data and presets, read from ``twin/data`` (every figure with its source and year).

Holds: ``technologies`` (presets of coefficients), ``converters`` (a scenario's equipment as
ports with coefficients), ``fleets`` (truck specs), ``sectors``, ``motors``, ``tariffs``
(time-of-use periods and hourly prices), ``factors`` (emission factors by year and
region), ``costs`` (capital and O&M cost tables), ``thresholds`` (indicator thresholds).
May import: ground, ``twin.physics``, ``twin.schema``. Not the scenario loader, the network
or anything above.
"""
