"""Build the app's CJK web font: Noto Sans CJK SC cut to the characters the app needs.

Classroom machines often lack CJK fonts and show boxes for Chinese text; the app ships a
subset of Noto Sans CJK SC (SIL Open Font License 1.1, Google/Adobe) that Streamlit serves
from ``static/`` (``.streamlit/config.toml``: ``[[theme.fontFaces]]``). The subset holds
ASCII, Latin-1, CJK punctuation, the 3,755 level-1 characters of GB 2312 (the common
Chinese characters) and every character of the app's texts and shipped scenarios, so
names a planner types are covered too in almost all cases.

    python scripts/build_cjk_font.py [--source /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc]

The source is Debian's ``fonts-noto-cjk`` package (installed by ``.ci/run``); run this again
after adding Chinese text to ``twin/data/i18n.yaml`` or the shipped scenarios.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection

ROOT = Path(__file__).resolve().parents[1]
SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
OUT = ROOT / "static" / "NotoSansSC-ParkTwin.woff2"
TEXTS = [ROOT / "twin" / "data" / "i18n.yaml", *sorted((ROOT / "scenarios").glob("*.yaml")),
         *sorted((ROOT / "twin" / "data").glob("*.csv"))]


def gb2312_level1() -> str:
    """The 3,755 level-1 (most common) characters of GB 2312, rows 16-55."""
    chars = []
    for row in range(0xB0, 0xD8):
        for col in range(0xA1, 0xFF):
            try:
                chars.append(bytes([row, col]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return "".join(chars)


def wanted_text() -> str:
    """Every character the subset keeps."""
    basic = "".join(chr(c) for c in range(0x20, 0x100))
    punctuation = "".join(chr(c) for c in range(0x3000, 0x3040)) + "".join(chr(c) for c in range(0xFF00, 0xFFF0))
    own = "".join(p.read_text(encoding="utf-8") for p in TEXTS)
    return basic + punctuation + gb2312_level1() + own


def sc_font(source: Path):
    """The Simplified Chinese face of the Noto Sans CJK collection."""
    for font in TTCollection(str(source)).fonts:
        if "SC" in font["name"].getDebugName(1):
            return font
    raise SystemExit(f"{source}: no Noto Sans CJK SC face found")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=SOURCE)
    args = parser.parse_args()
    font = sc_font(args.source)
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    sub = subset.Subsetter(options)
    sub.populate(text=wanted_text())
    sub.subset(font)
    OUT.parent.mkdir(exist_ok=True)
    font.flavor = "woff2"
    font.save(str(OUT))
    print(f"{OUT.relative_to(ROOT)}: {OUT.stat().st_size / 1024:.0f} KB, {len(font.getGlyphOrder())} glyphs")


if __name__ == "__main__":
    main()
