"""The files a run writes (``Results.write``, ``park-twin run --out``).

Its own module, free of heavy imports, so that ``park-twin --help`` can list them fast.
"""

# What Results.write puts in a folder (``park-twin run --out``), with what each holds.
OUTPUT_FILES = {
    "kpis.json": "every KPI, keyed with its unit",
    "flows.parquet": "hourly flow of every port asset@bus, + into the bus",
    "storage.parquet": "stored energy of every store at the end of each hour [MWh]",
    "events.csv": "failures, repairs, maintenance, truck trips, agents' decisions",
    "daily.csv": "the agents' daily decisions: production levels, trips",
    "scenario.yaml": "the fully resolved scenario that ran",
}
