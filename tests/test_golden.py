"""Golden one-week run: the mini scenario reproduces its reviewed results.

Regression only: the snapshot is made by the code under test (docs/testing.md lists which
of its figures are also checked independently). Regenerate on purpose:
``python scripts/regenerate_golden.py`` shows the diff, ``--write`` writes it.
"""

from __future__ import annotations

import importlib.util
import json

import pandas as pd
import pytest
from conftest import ROOT, SCENARIOS

import twin

GOLDEN = ROOT / "tests" / "golden"


def _regen_module():
    spec = importlib.util.spec_from_file_location("regen", ROOT / "scripts" / "regenerate_golden.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_mini_matches_golden_files():
    kpis, daily = _regen_module().golden_tables(twin.run(twin.load_scenario(SCENARIOS / "mini.yaml")))
    want_kpis = json.loads((GOLDEN / "mini_kpis.json").read_text())
    assert kpis.keys() == want_kpis.keys()
    for key, value in want_kpis.items():
        assert kpis[key] == pytest.approx(value, rel=1e-6, abs=1e-6), key
    want = pd.read_csv(GOLDEN / "mini_daily.csv", index_col="date")
    pd.testing.assert_frame_equal(daily, want, check_exact=False, check_dtype=False, rtol=1e-6, atol=1e-6, check_names=False)


def test_regenerating_shows_a_diff_and_writes_only_when_asked(tmp_path, monkeypatch, capsys):
    regen = _regen_module()
    monkeypatch.setattr(regen, "GOLDEN", tmp_path)
    (tmp_path / "mini_kpis.json").write_text(json.dumps({"hours": 1.0, "gone": 2.0}))
    assert regen.main([]) == 0
    out = capsys.readouterr().out
    assert "~ hours: 1 -> 168" in out and "- gone" in out and "nothing written" in out
    assert json.loads((tmp_path / "mini_kpis.json").read_text()) == {"hours": 1.0, "gone": 2.0}
    assert regen.main(["--write"]) == 0
    assert json.loads((tmp_path / "mini_kpis.json").read_text())["hours"] == 168
    assert regen.main([]) == 0 and "up to date" in capsys.readouterr().out
