"""Appraising plans: assessment, comparison, pathways, MAC curves.

Holds: ``assessment`` (:func:`assess`, accounts + indicators + economics of a run),
``compare`` (scenarios side by side), ``pathway`` (year by year as measures come into
service; the marginal abatement cost curve).
May import: economics, accounts, the kernel and everything below. Never presentation.
"""
