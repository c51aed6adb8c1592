"""Turn the PV plant's 15-min power (MW) into 15-min energy (MWh) for ``park-twin calibrate``.

The meter reader takes energy per interval; the State Grid file gives the mean power of
each 15 minutes. This writes ``timestamp, energy_mwh`` (power x 0.25 h) to a file outside
the repository::

    python calibration/examples/pv/prepare.py \
        ../shared/data/pv/sgcc_site1_50mw_15min_2019.csv.gz out/pv_energy_15min.csv
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

HOURS_PER_READING = 0.25


def prepare(source: str | Path, target: str | Path) -> Path:
    """Write the energy file; returns its path."""
    table = pd.read_csv(source, usecols=["time", "power_mw"])
    out = pd.DataFrame({"timestamp": table["time"],
                        "energy_mwh": table["power_mw"] * HOURS_PER_READING})
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    out.to_csv(target, index=False)
    return target


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    print(prepare(sys.argv[1], sys.argv[2]))
