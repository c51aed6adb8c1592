"""Writing result folders so that a failure leaves nothing half written."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path


def write_folder(out_dir: str | Path, fill: Callable[[Path], None]) -> Path:
    """Let ``fill`` write into a temporary folder beside ``out_dir``, then rename it.

    A previous ``out_dir`` is replaced only once the new one is complete; if
    ``fill`` raises, the temporary folder is removed and ``out_dir`` is untouched.
    """
    out = Path(out_dir)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        fill(tmp)
        _replace_dir(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out


def _replace_dir(new: Path, out: Path) -> None:
    """Put ``new`` in place of ``out`` with renames only."""
    if not out.exists():
        os.replace(new, out)
        return
    old = out.with_name(f".{out.name}-old")
    shutil.rmtree(old, ignore_errors=True)
    os.replace(out, old)
    os.replace(new, out)
    shutil.rmtree(old, ignore_errors=True)
