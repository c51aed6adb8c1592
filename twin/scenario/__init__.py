"""Scenario files: loading, ``extends``, cross-reference checks, measures.

Holds: ``load`` (:func:`load_scenario`, YAML, ``extends``, full validation), ``merge``
(the deep merge), ``parse`` (pydantic, then ``checks`` and ``plan_checks``), ``measures``
(retrofit measures applied by year, with their investments).
May import: ground, ``twin.physics``, ``twin.schema``, ``twin.catalog``.
"""
