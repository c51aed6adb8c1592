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

KINDS = ("scenario", "meters", "mapping", "spec")


def safe_name(name: str) -> str:
    """The file name of an upload, reduced to safe characters (the mapping may name it)."""
    return re.sub(r"[^A-Za-z0-9_.\-]", "_", Path(name).name)[:80].lstrip(".") or "upload"


def calibrate_uploads(files: dict[str, tuple[str, bytes]], progress=None) -> CalibrationResult:
    """Calibrate uploaded files: ``{kind: (name as uploaded, content)}`` for :data:`KINDS`.

    Raises
    ------
    InputError
        As the calibration raises it, with every server path replaced by the upload's name.
    """
    with tempfile.TemporaryDirectory(prefix="calibration-") as tmp:
        folder = Path(tmp)
        paths, shown = {}, {}
        for kind, (name, data) in files.items():
            fixed = f"{kind}{Path(name).suffix.lower()}" if kind != "meters" else safe_name(name)
            paths[kind] = folder / fixed
            paths[kind].write_bytes(data)
            shown[str(paths[kind])] = Path(name).name or kind
        clean = _cleaner(shown, folder)
        try:
            result = calibrate(paths["scenario"], paths["meters"], paths["mapping"], paths.get("spec"),
                               progress=progress)
        except InputError as exc:
            raise InputError([dataclasses.replace(p, file=clean(p.file), field=clean(p.field),
                                                  message=clean(p.message))
                              for p in exc.problems]) from None
    result.scenario_path = clean(result.scenario_path)
    result.metrics = json.loads(clean(json.dumps(result.metrics)))
    return result


def _cleaner(shown: dict[str, str], folder: Path) -> Callable[[str], str]:
    """A text function naming the written files as uploaded, with no trace of ``folder``."""
    def clean(text: str) -> str:
        for path, name in shown.items():
            text = text.replace(path, name)
        return text.replace(str(folder.resolve()), "").replace(str(folder), "")

    return clean
