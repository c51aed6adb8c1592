"""The app ships a CJK web font that covers every Chinese character it shows (issue 14, item 11)."""

from __future__ import annotations

import tomllib

import pytest
from conftest import ROOT, SCENARIOS

CONFIG = ROOT / ".streamlit" / "config.toml"


def _face() -> dict:
    config = tomllib.loads(CONFIG.read_text(encoding="utf-8"))
    faces = config["theme"]["fontFaces"]
    assert config["server"]["enableStaticServing"] is True
    face = next(f for f in faces if f["family"] in config["theme"]["font"])
    return face


def _cjk(text: str) -> set[str]:
    return {c for c in text if "\u3400" <= c <= "\u9fff" or "\u3000" <= c <= "\u303f" or "\uff00" <= c <= "\uffef"}


def test_the_theme_font_is_a_shipped_file_with_its_licence():
    face = _face()
    path = ROOT / face["url"].removeprefix("app/")
    assert path.is_file() and path.stat().st_size < 3_000_000
    assert "SIL OPEN FONT LICENSE" in (path.parent / "OFL.txt").read_text(encoding="utf-8")


def test_the_font_has_a_glyph_for_every_chinese_character_the_app_shows():
    ttlib = pytest.importorskip("fontTools.ttLib")
    pytest.importorskip("brotli")
    font = ttlib.TTFont(str(ROOT / _face()["url"].removeprefix("app/")))
    cmap = font.getBestCmap()
    texts = [ROOT / "twin" / "data" / "i18n.yaml", *SCENARIOS.glob("*.yaml")]
    wanted = set().union(*(_cjk(p.read_text(encoding="utf-8")) for p in texts))
    missing = sorted(c for c in wanted if ord(c) not in cmap)
    assert not missing, f"rebuild with scripts/build_cjk_font.py: {''.join(missing)}"
