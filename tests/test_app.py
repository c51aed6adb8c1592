"""The Streamlit page runs without exceptions (AppTest)."""

from __future__ import annotations

from conftest import ROOT
from streamlit.testing.v1 import AppTest


def test_app_runs_the_first_scenario():
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    assert not app.exception
    assert len(app.metric) == 4
