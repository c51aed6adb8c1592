"""`park-twin bench`: its default scales stay within what a scenario may hold."""

from __future__ import annotations

from conftest import SCENARIOS

import twin
from twin.cli import _parser
from twin.kernel.bench import REFERENCE, scaled


def test_default_bench_scales_are_scenarios_the_limits_accept():
    """The largest default copy of the reference park validates (x16, 656 enterprises, was
    refused by the 500-enterprise limit and made `make bench` fail)."""
    args = _parser().parse_args(["bench"])
    largest = max(int(s) for s in args.scales.split(","))
    sc = twin.load_scenario(SCENARIOS / REFERENCE)
    big = scaled(sc, largest)
    assert len(big.enterprises) == largest * len(sc.enterprises)
