"""Calibration uploads: a private folder per run, removed afterwards; problems name the uploads.

The scenario, meter file, mapping and spec a planner uploads are written to a fresh
temporary folder and calibrated there. Every file they name must lie in that folder (the
calibration refuses absolute and ``../`` paths), so an upload reads no other file on the
server. The folder is removed when the run ends, however it ends, and no problem shown in
the app carries its path: each file is named as it was uploaded. No streamlit here.
"""

from __future__ import annotations

import dataclasses
import json
import re
import tempfile
from collections.abc import Callable
from pathlib import Path

from calibration.fit import CalibrationResult, calibrate
from twin.errors import InputError

KINDS = ("scenario", "meters", "mapping", "spec", "weather")
Upload = tuple[str, bytes]  # (file name as uploaded, content)


def safe_name(name: str) -> str:
    """The file name of an upload, reduced to safe characters (the mapping may name it)."""
    return re.sub(r"[^A-Za-z0-9_.\-]", "_", Path(name).name)[:80].lstrip(".") or "upload"


def calibrate_uploads(files: dict[str, Upload | list[Upload]], progress=None) -> CalibrationResult:
    """Calibrate uploaded files: ``{kind: (name as uploaded, content)}`` for :data:`KINDS`.

    ``meters`` may be a list of files (the mapping names each ``meters.<id>.file``); a
    ``weather`` file is written beside the spec, whose ``weather.path`` names it.

    Raises
    ------
    InputError
        As the calibration raises it, with every server path replaced by the upload's name.
    """
    with tempfile.TemporaryDirectory(prefix="calibration-") as tmp:
        folder = Path(tmp)
        paths: dict[str, list[Path]] = {}
        shown = {}
        for kind, items in files.items():
            for name, data in items if isinstance(items, list) else [items]:
                target = _target(folder, kind, name)
                target.write_bytes(data)
                shown[str(target)] = Path(name).name or kind
                paths.setdefault(kind, []).append(target)
        meters = paths["meters"][0] if len(paths["meters"]) == 1 else folder / "meters"
        clean = _cleaner(shown, folder)
        try:
            result = calibrate(paths["scenario"][0], meters, paths["mapping"][0], paths.get("spec", [None])[0],
                               progress=progress)
        except InputError as exc:
            raise InputError([dataclasses.replace(p, file=clean(p.file), field=clean(p.field),
                                                  message=clean(p.message))
                              for p in exc.problems]) from None
    result.scenario_path = clean(result.scenario_path)
    result.metrics = json.loads(clean(json.dumps(result.metrics)))
    return result


def _target(folder: Path, kind: str, name: str) -> Path:
    """Where an upload is written: meter files in ``meters/`` under their (safe) names, so the
    mapping finds them; a weather file beside the spec; the rest under fixed names."""
    if kind == "meters":
        (folder / "meters").mkdir(exist_ok=True)
        return folder / "meters" / safe_name(name)
    if kind == "weather":
        return folder / safe_name(name)
    return folder / f"{kind}{Path(name).suffix.lower()}"


def _cleaner(shown: dict[str, str], folder: Path) -> Callable[[str], str]:
    """A text function naming the written files as uploaded, with no trace of ``folder``."""
    def clean(text: str) -> str:
        for path, name in shown.items():
            text = text.replace(path, name)
        return text.replace(str(folder.resolve()), "").replace(str(folder), "")

    return clean
