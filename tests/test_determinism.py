"""Determinism across processes, the CLI's --seed, and atomic result folders under failure.

Two fresh interpreters (different hash seeds) run the same scenario and seed: their flows
must be identical bit for bit, and equal to an in-process run. A writer that raises, or a
process killed with SIGKILL in the middle of writing, leaves no partial output folder.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import ROOT, SCENARIOS

import twin
from twin.files import write_folder

MINI = str(SCENARIOS / "mini.yaml")


def cli(*args: str, hash_seed: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    code = "import sys; from twin.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.Popen([sys.executable, "-c", code, *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def bits(frame: pd.DataFrame) -> np.ndarray:
    return frame.drop(columns="time").to_numpy(dtype=np.float64).view(np.uint64)


def test_two_processes_give_identical_flows_and_seed_is_applied(tmp_path):
    outs = [tmp_path / "a", tmp_path / "b"]
    procs = [cli("run", MINI, "--seed", "11", "--out", str(out), hash_seed=h) for out, h in zip(outs, "12", strict=True)]
    for p in procs:
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
    a, b = (pd.read_parquet(out / "flows.parquet") for out in outs)
    np.testing.assert_array_equal(bits(a), bits(b))
    assert (outs[0] / "kpis.json").read_text() == (outs[1] / "kpis.json").read_text()
    # --seed reaches the run: the written scenario carries it, and the flows are the
    # in-process run's with seed 11, not the file's seed 7
    assert yaml.safe_load((outs[0] / "scenario.yaml").read_text())["seed"] == 11
    sc = twin.load_scenario(MINI)
    here = twin.run(sc, seed=11).flows
    np.testing.assert_array_equal(bits(a), here.view(np.uint64))
    assert not np.array_equal(twin.run(sc).flows, here)
    assert json.loads((outs[0] / "kpis.json").read_text())["pv_generation_mwh"] != twin.run(sc).kpis["pv_generation_mwh"]


def test_writer_error_leaves_no_partial_folder(tmp_path):
    out = tmp_path / "res"

    def fill(folder):
        (folder / "kpis.json").write_text("{}")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_folder(out, fill)
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []  # the temporary folder is gone too


def test_writer_error_keeps_the_previous_results(tmp_path):
    out = tmp_path / "res"
    out.mkdir()
    (out / "kpis.json").write_text('{"old": 1}')

    def fill(folder):
        (folder / "flows.parquet").write_text("half")
        raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError):
        write_folder(out, fill)
    assert [p.name for p in out.iterdir()] == ["kpis.json"]
    assert (out / "kpis.json").read_text() == '{"old": 1}'


def test_results_write_failing_midway_leaves_nothing(tmp_path, monkeypatch):
    r = twin.run(twin.load_scenario(MINI))

    def broken(*args, **kwargs):
        raise OSError("parquet writer failed")

    monkeypatch.setattr(pd.DataFrame, "to_parquet", broken)
    with pytest.raises(OSError):
        r.write(tmp_path / "res")
    assert list(tmp_path.iterdir()) == []


KILLED_WRITER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from twin.files import write_folder

    def fill(folder):
        (folder / "kpis.json").write_text("{}")
        Path(sys.argv[2]).write_text("writing")  # tell the parent we are half way
        time.sleep(60)
        (folder / "flows.parquet").write_text("never")

    write_folder(sys.argv[1], fill)
""")


@pytest.mark.parametrize("previous", [False, True])
def test_sigkill_mid_write_leaves_no_partial_folder(tmp_path, previous):
    out, marker = tmp_path / "out" / "res", tmp_path / "marker"
    if previous:
        out.mkdir(parents=True)
        (out / "kpis.json").write_text('{"old": 1}')
    proc = subprocess.Popen([sys.executable, "-c", KILLED_WRITER, str(out), str(marker)], cwd=ROOT)
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert proc.poll() is None and time.monotonic() < deadline, "writer did not start"
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    if previous:  # the old results are whole and alone
        assert [p.name for p in out.iterdir()] == ["kpis.json"]
        assert (out / "kpis.json").read_text() == '{"old": 1}'
    else:
        assert not out.exists()
    # what a kill leaves is a hidden temporary folder beside it, never the output name
    assert all(p.name.startswith(".res-") for p in out.parent.iterdir() if p.name != "res")
