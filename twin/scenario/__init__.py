"""Scenario files: loading, ``extends``, cross-reference checks, measures.

Holds: ``load`` (:func:`load_scenario`, ``extends``, full validation), ``yaml_reader`` (the
one bounded reader of user YAML), ``merge``
(the deep merge), ``bounds`` (the schema's limits, checked first), ``parse`` (pydantic, then
``checks`` and ``plan_checks``), ``measures``
(retrofit measures applied by year, with their investments).
May import: ground, ``twin.physics``, ``twin.schema``, ``twin.catalog``.
"""
