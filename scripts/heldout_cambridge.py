"""The held-out Cambridge buildings b27 and b31, judged once with the default settings.

::

    .venv/bin/python scripts/heldout_cambridge.py            # twin and, if installed, OpenDSM
    .venv/bin/python scripts/heldout_cambridge.py --no-opendsm

The demand-model method (calibration.selection, calibration.learn) was tuned on Cambridge
b0, b2 and b19 (2019) and Yangzhong's first ten firms only. b27 and b31 were not looked at
while tuning; this script sets them up as a new user would (the shipped template with ids,
file names and starting totals changed: scripts/cambridge_cases.py), runs ``park-twin
calibrate`` with no spec beyond periods and weather, and prints, per meter, the Guideline
14 verdicts:

- ``within``: 2019 January-September fitted, October-December predicted;
- ``ahead``: all of 2019 fitted, 2022 predicted with the 2022 Bedford weather.

OpenDSM's hourly and daily models are fitted on the same readings and periods beside it
(``pip install -e ".[bench]"``). Not a test: ~2-5 min.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_opendsm import main  # noqa: E402

HELD_OUT = "b27,b31"

if __name__ == "__main__":
    sys.exit(main(["--buildings", HELD_OUT, "--cases", "within,ahead", *sys.argv[1:]]))
