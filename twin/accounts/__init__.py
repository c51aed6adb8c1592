"""Carbon accounts and indicators of a run.

Holds: ``inputs`` (accounting options and the park's activity), ``bridge`` (activity read
from a run), ``methods`` (the three accounts: national park method, GHG Protocol location-
and market-based), ``allocation`` (per enterprise and product footprints), ``indicators``
(the core and guiding indicators of 发改环资〔2025〕910号, R-ACES), ``grid_path`` (grid
factors year by year).
May import: the kernel's results and everything below it. Not economics or above.
"""
