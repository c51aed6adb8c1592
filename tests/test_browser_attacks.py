"""Issue 14: the attacks of the security review, in a real browser against ``streamlit run``.

Path escapes in every upload field (scenario weather, meter mapping, fit spec), an alias
bomb, an oversized range, a binary file and a python tag are each refused with one clear
line that echoes no server file; two sessions at once stay apart; and afterwards the server
still answers, within its memory budget. Same machinery as ``test_browser.py`` (system
Chromium, loopback only); skips where Chromium or playwright is absent.
"""

from __future__ import annotations

import subprocess
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from conftest import ROOT
from test_browser import _missing, _no_traceback, chromium_context, serve_app
from test_security_uploads import BOMB, SPEC, WEATHER, mapping, meters_csv, scenario

pytestmark = pytest.mark.skipif(_missing() is not None, reason=_missing() or "")

SERVER_RSS_MB = 1500  # the app's own process; runs go to budgeted children (parkapp.budget)
SERVER_FILES = ("/etc/os-release", "/etc/passwd")
LEAKS = ("PRETTY_NAME", "root:x:", "VERSION_ID", "calibration-", "/tmp/")


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[str, subprocess.Popen]]:
    """The app on a free loopback port, and its process (to read its memory)."""
    with serve_app() as served_app:
        yield served_app


@pytest.fixture(scope="module")
def context(served):
    with chromium_context("parktwin-attacks-") as ctx:
        yield ctx


def _open(context, url: str, page_label: str):
    """A fresh session (a new tab) in English on the page ``page_label``."""
    page = context.new_page()
    page.goto(url)
    page.get_by_text("零碳园区数字孪生").first.wait_for(timeout=120_000)
    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_text("English", exact=True).click()
    sidebar.get_by_text(page_label, exact=True).wait_for(timeout=120_000)
    sidebar.get_by_text(page_label, exact=True).click()
    return page


def _file(name: str, data: bytes) -> dict:
    return {"name": name, "mimeType": "application/octet-stream", "buffer": data}


def _alerts(page, expected: str) -> str:
    """Wait for ``expected`` on the page; the text of every alert, checked for leaks."""
    try:
        page.get_by_text(expected).first.wait_for(timeout=120_000)
    except Exception:
        page.screenshot(path=str(ROOT / "tests" / "artifacts" / "attack_failed.png"), full_page=True)
        raise
    text = " ".join(page.get_by_test_id("stAlert").all_inner_texts())
    assert not [leak for leak in LEAKS if leak in text], text
    _no_traceback(page)
    return text


SCENARIO_ATTACKS = {
    "alias bomb": (BOMB.encode(), "document too large"),
    "python tag": (b"name: !!python/object/apply:os.system ['id']\n", "tags such as !!python/object"),
    "binary": (bytes(range(256)) * 8, "UTF-8"),
    "oversized range": (yaml.safe_dump({"extends": "mini.yaml", "grid": {"tariff": {
        "name": "x", "source": "s", "year": 2024, "energy_cny_per_mwh": {"flat": 500},
        "seasons": [{"months": list(range(1, 13)), "hours": {"flat": [[0, 10**9]]}}]}}}).encode(),
        "less than or equal to 24"),
    "huge PV": (b"extends: mini.yaml\nassets:\n  - {id: pv_roof, p_dc_mw: 1.0e+12}\n",
                "beyond what any park reaches"),
}


def test_scenario_upload_attacks_are_refused(served, context):
    page = _open(context, served[0], "Scenario")
    page.get_by_text("Upload YAML", exact=True).click()
    uploader = page.get_by_test_id("stFileUploader").first.locator("input[type=file]")
    for name, (data, expected) in SCENARIO_ATTACKS.items():
        uploader.set_input_files(_file(f"{name.replace(' ', '_')}.yaml", data))
        _alerts(page, expected)
    page.close()


def _idle(page) -> None:
    """Wait until the app has finished its rerun (Streamlit's running indicator is gone)."""
    page.wait_for_timeout(1000)
    page.get_by_test_id("stStatusWidget").wait_for(state="hidden", timeout=120_000)


def _calibrate(page, files: dict[str, tuple[str, bytes]], expected: str) -> str:
    uploaders = page.get_by_test_id("stFileUploader")
    for i, kind in enumerate(("scenario", "meters", "mapping", "spec")):
        if kind in files:
            uploaders.nth(i).locator("input[type=file]").set_input_files(_file(*files[kind]))
            uploaders.nth(i).get_by_text(files[kind][0]).first.wait_for(timeout=120_000)  # meters: several files
            _idle(page)
    page.get_by_role("button", name="Calibrate").click()
    _idle(page)
    return _alerts(page, expected)


@pytest.mark.parametrize("target", SERVER_FILES)
def test_calibration_path_escapes_read_no_server_file(served, context, target):
    page = _open(context, served[0], "Calibration")
    base = {"scenario": ("park.yaml", yaml.safe_dump(scenario()).encode()),
            "meters": ("meters.csv", meters_csv()),
            "mapping": ("map.yaml", yaml.safe_dump(mapping()).encode())}
    escape = "../../../../../.." + target
    attacks = [
        ({"mapping": ("map.yaml", yaml.safe_dump(mapping(target)).encode())}, "must name a file in the data folder"),
        ({"mapping": ("map.yaml", yaml.safe_dump(mapping(escape)).encode())}, "must name a file in the data folder"),
        ({"mapping": base["mapping"],
          "spec": ("spec.yaml", yaml.safe_dump({**SPEC, "weather": {**WEATHER, "path": escape}}).encode())},
         "must name a file in the spec"),
        ({"scenario": ("park.yaml", yaml.safe_dump(scenario({"source": "csv", "path": target})).encode()),
          "spec": ("spec.yaml", yaml.safe_dump(SPEC).encode())}, "outside the scenario folder"),
    ]
    for files, expected in attacks:
        _calibrate(page, {**base, **files}, expected)
    page.close()


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def test_two_sessions_stay_apart_and_the_server_still_answers(served, context):
    url, proc = served
    first = _open(context, url, "Scenario")
    second = _open(context, url, "Scenario")
    first.get_by_text("Upload YAML", exact=True).click()
    first.get_by_test_id("stFileUploader").first.locator("input[type=file]").set_input_files(
        _file("mine.yaml", b"extends: mini.yaml\nname: Session A park\n"))
    first.get_by_text("Uploaded file loaded: mine.yaml").wait_for(timeout=120_000)
    for page in (first, second):  # both run at once
        page.get_by_test_id("stSidebar").get_by_text("Results", exact=True).click()
    first.get_by_text("Session A park").first.wait_for(timeout=120_000)
    second.get_by_text("Reference baseline").first.wait_for(timeout=120_000)
    assert second.get_by_text("Session A park").count() == 0
    for page in (first, second):
        page.get_by_test_id("stMetric").first.wait_for(timeout=120_000)
        _no_traceback(page)
        page.close()
    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=5) as response:
        assert response.status == 200
    assert proc.poll() is None and _rss_mb(proc.pid) < SERVER_RSS_MB
