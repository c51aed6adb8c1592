"""Issue 14: fuzzing the readers of user files (hypothesis): the scenario loader, the meter CSV
parser, the meter mapping and the calibration spec.

Whatever the input, a reader returns its result or raises ``InputError``: never another
exception, never a traceback for the user. Each input is handled within a deadline, and
the whole run stays within a memory bound. Inputs that once broke a reader are kept as
explicit examples.
"""

from __future__ import annotations

import copy
import resource
from pathlib import Path

import pytest
import yaml
from conftest import mini_dict
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from calibration.mapping import METER_KEYS, TOP_KEYS, load_mapping
from calibration.meters import load_meters
from calibration.spec import TOP_KEYS as SPEC_KEYS
from calibration.spec import spec_from_dict
from twin.errors import InputError
from twin.scenario.load import validate
from twin.scenario.yaml_reader import parse_yaml, read_yaml

PHASES = [Phase.explicit, Phase.generate]  # no shrinking: a failure shows its raw example, fast
FUZZ = settings(max_examples=60, deadline=2000, derandomize=True, database=None, phases=PHASES,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
MEMORY_GROWTH_KB = 400_000  # the fuzzing of one reader grows the process by far less

scalars = (st.none() | st.booleans() | st.integers(-10**12, 10**12) | st.floats(allow_nan=True)
           | st.text(max_size=12) | st.sampled_from(["el", "heat", "1e309", "2025-13-01", "../x", "/etc/passwd"]))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=12)


@pytest.fixture(autouse=True, scope="module")
def memory_bound():
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    yield
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown < MEMORY_GROWTH_KB, f"fuzzing grew the process by {grown} kB"


def clean(call, *args):
    """Run a reader: its result, or None when it refused with an InputError (one line each)."""
    try:
        return call(*args)
    except InputError as exc:
        assert exc.problems and all("\n" not in str(p) for p in exc.problems)
        return None


# ---------------------------------------------------------------- scenario loader

@FUZZ
@given(st.text(max_size=400))
@example("a: &a [1, 2]\nb: [*a, *a, *a]\n")
@example("!!python/object/apply:os.system ['x']")
@example("a: " + "[" * 100)
def test_yaml_text_never_crashes(text):
    clean(parse_yaml, text, "fuzz.yaml")


@FUZZ
@given(st.binary(max_size=300))
@example(b"\xff\xfe\x00\x00")
def test_yaml_bytes_never_crash(tmp_path, data):
    path = tmp_path / "fuzz.yaml"
    path.write_bytes(data)
    clean(read_yaml, path)


def _paths(node, prefix=()):
    """Every (path) into a nested mapping/list, for mutation."""
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, (*prefix, i))


MINI_PATHS = [p for p in _paths(mini_dict()) if p]


def _mutate(raw: dict, path: tuple, value) -> dict:
    out = copy.deepcopy(raw)
    node = out
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return out


@FUZZ
@given(st.lists(st.tuples(st.sampled_from(MINI_PATHS), values), min_size=1, max_size=3))
@example([(("grid", "tariff"), {"seasons": [{"months": [1], "hours": {"x": [[0, 10**9]]}}]})])
@example([(("assets", 0, "p_th_max_mw"), float("inf"))])
@example([(("period", "days"), 10**9)])
def test_mutated_scenarios_are_valid_or_refused(changes):
    raw = mini_dict()
    for path, value in changes:
        try:
            raw = _mutate(raw, path, value)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change removed the path
    clean(validate, raw, "fuzz.yaml", Path("."))


# ---------------------------------------------------------------- calibration readers

MAPPING = {"timezone": "Asia/Shanghai", "meters": {"m1": {"target": "grid.import", "unit": "kWh"}}}
stamps = st.sampled_from(["2025-01-01 00:00", "2025-01-01 01:00", "2025-03-30 02:30", "2025-13-01",
                          "", "x", "2025-01-01T00:00+08:00", "1/2/2025"])
cells = st.sampled_from(["m1", "m2", "", "1.5", "-3", "nan", "1e400", "kWh", "\"", ",", "𝛼"])
rows = st.lists(st.tuples(stamps, cells, cells), max_size=30)


@FUZZ
@given(st.sampled_from(["timestamp,meter,value", "timestamp,m1", "a,b,c", "", "timestamp,meter,value,unit"]),
       rows)
@example("timestamp,meter,value", [("2025-01-01 01:00", ",", "m1")])  # found: pandas' message ends in a line break
def test_meter_csv_never_crashes(tmp_path, header, lines):
    (tmp_path / "map.yaml").write_text(yaml.safe_dump(MAPPING), encoding="utf-8")
    text = "\n".join([header, *(",".join(r) for r in lines)]) + "\n"
    (tmp_path / "meters.csv").write_text(text, encoding="utf-8")
    clean(load_meters, tmp_path / "meters.csv", tmp_path / "map.yaml", "Asia/Shanghai")


@FUZZ
@given(st.binary(max_size=400))
def test_meter_bytes_never_crash(tmp_path, data):
    (tmp_path / "map.yaml").write_text(yaml.safe_dump(MAPPING), encoding="utf-8")
    (tmp_path / "meters.csv").write_bytes(data)
    clean(load_meters, tmp_path / "meters.csv", tmp_path / "map.yaml", "Asia/Shanghai")


meter = st.dictionaries(st.sampled_from(sorted(METER_KEYS)), values, max_size=4)
mapping_docs = st.fixed_dictionaries(
    {}, optional={**{k: values for k in sorted(TOP_KEYS - {"meters"})},
                  "meters": st.dictionaries(st.text(max_size=6), meter | values, max_size=3)})


@FUZZ
@given(mapping_docs)
@example({"timezone": "UTC", "meters": {"m": {"target": "enterprise.x.electricity", "unit": "kWh",
                                             "file": "/etc/passwd"}}})
@example({"columns": None, "meters": {"\n": {}}})  # found: a line break in a meter id split the line
def test_mappings_are_valid_or_refused(tmp_path, doc):
    path = tmp_path / "map.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    clean(load_mapping, path)


spec_docs = st.fixed_dictionaries({}, optional={k: values for k in sorted(SPEC_KEYS)})


@FUZZ
@given(spec_docs)
@example({"weather": {"timezone": "UTC", "columns": {"timestamp": "t"}, "path": "../../etc/passwd"}})
@example({"periods": {"calibration": ["2025-01-01", "2024-01-01"]}})
@example({"free": [[]]})  # found: a list inside the list of free fields raised TypeError
def test_specs_are_valid_or_refused(tmp_path, doc):
    spec = clean(spec_from_dict, doc, "spec.yaml", tmp_path)
    if spec is not None and spec.weather is not None and spec.weather.path is not None:
        assert spec.weather.path.is_relative_to(tmp_path)  # a spec file names no file elsewhere
