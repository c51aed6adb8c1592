"""Plant the issue-15 bugs one at a time in a scratch copy and run the tests that should catch them.

    .venv/bin/python scripts/plant_bugs.py                      # all of them (several minutes)
    .venv/bin/python scripts/plant_bugs.py export_limit_x10     # one

Each bug is a one-line edit of a copy of the tree (in a temporary folder); the copy is
imported first (PYTHONPATH), the named tests run, and the script prints RED (caught) or
GREEN (missed) with the failing tests. The tree itself is never touched. docs/testing.md
lists the last results.
"""
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

WT = Path(__file__).resolve().parents[1]
SCR = Path(tempfile.mkdtemp(prefix="plant-")) / "tree"
BUGS = {  # name: (file, line as it is, line with the bug, tests that should catch it)
    "export_limit_x10": (
        "twin/network/ports.py", "sc.grid.export_max_mw\n", "sc.grid.export_max_mw * 10\n",
        ["tests/test_invariants.py", "tests/test_reference.py"]),
    "storage_no_netting": (
        "twin/physics/storage.py",
        "need_mwh = request.sum() / p.eta_discharge_frac - max(ctx.soc_mwh - p.e_min_mwh, 0.0)",
        "need_mwh = request.sum() / p.eta_discharge_frac",
        ["tests/test_hand_computed.py", "tests/test_reference.py"]),
    "pv_mounting_dropped": (
        "twin/network/inputs.py", ", mounting=asset.mounting))", "))", ["tests/test_pv.py"]),
    "certificates_not_netted": (
        "twin/accounts/methods.py", "certs = min(cert_mwh, max(grid_mwh - trade, 0.0))",
        "certs = min(cert_mwh, max(grid_mwh, 0.0))", ["tests/test_accounts.py"]),
    "core_indicator_net": (
        "twin/appraisal/assessment.py",
        'co2 = indicator_co2_t(accounts["national_park"], tuple(s.core_deductions))',
        'co2 = accounts["national_park"].net_co2_t', ["tests/test_assessment.py", "tests/test_indicators.py"]),
    "core_indicator_net_in_accounts": (
        "twin/accounts/indicators.py",
        "return account.gross_co2_t - sum(ln.co2_t for ln in account.lines if ln.item in names)",
        "return account.net_co2_t", ["tests/test_assessment.py", "tests/test_indicators.py"]),
    "writer_not_atomic": (
        "twin/files.py", '    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))\n',
        "    out.mkdir(exist_ok=True)\n    tmp = out\n", ["tests/test_determinism.py", "tests/test_cli.py"]),
    "pairing_keeps_nan": (
        "calibration/metrics.py", "keep = np.isfinite(m) & np.isfinite(s)", "keep = np.isfinite(m)",
        ["tests/test_calibration_metrics.py"]),
}


def plant(name: str) -> bool:
    """Plant one bug in a fresh copy, run its tests; True when a test went red."""
    path, old, new, tests = BUGS[name]
    if SCR.exists():
        shutil.rmtree(SCR)
    shutil.copytree(WT, SCR, ignore=shutil.ignore_patterns(".venv", "mutants", ".git", "__pycache__", "out"))
    target = SCR / path
    text = target.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{name}: the line to change is not unique in {path}"
    target.write_text(text.replace(old, new), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(SCR)}
    res = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *tests],
                         cwd=SCR, env=env, capture_output=True, text=True)
    lines = res.stdout.strip().splitlines()
    failed = [ln.split(" - ")[0].split(" ", 1)[1] for ln in lines if ln.startswith(("FAILED", "ERROR"))]
    print(f"## {name}: {'RED' if res.returncode else 'GREEN (missed)'}; {lines[-1] if lines else res.stderr[-300:]}")
    for test in failed:
        print("   ", test)
    sys.stdout.flush()
    return res.returncode != 0


def main(names: list[str]) -> int:
    caught = [plant(name) for name in names or list(BUGS)]
    shutil.rmtree(SCR.parent, ignore_errors=True)
    return 0 if all(caught) else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
