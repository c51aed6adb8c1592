"""The scenario file's shape: pydantic models, one per section, units in field names.

Holds: ``scenario`` (the root model :class:`Scenario` and its sections), ``assets``,
``enterprise`` (enterprises, demand, calendar, temperature, fleets), ``plan`` (accounting,
green power, indicators, economics, measures, pathway).
May import: the ground floor (``twin.units``, ``twin.errors``) and pydantic. Nothing else of
twin: the models describe the file; lookups against data live in ``twin.catalog``.
"""
