"""Run warnings (``twin.kernel.warnings``) as sentences in the user's language.

One wording for every face: the CLI (``run``, ``assess``, ``compare``), the HTML report and
the app's Results and Compare pages call these.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from twin.kernel.warnings import RunWarning
from twin.present.i18n import DEFAULT_LANG, t


def warning_lines(warnings: Sequence[RunWarning], lang: str = DEFAULT_LANG) -> list[str]:
    """One sentence per warning."""
    return [t(w.key, lang, **w.values()) for w in warnings]


def demand_flags(names: Sequence[str], warnings: Sequence[Sequence[RunWarning]],
                 lang: str = DEFAULT_LANG) -> list[str]:
    """Per compared scenario that has warnings: a flag when it misses demand, then its warnings."""
    lines = []
    for name, ws in zip(names, warnings, strict=True):
        if any(w.kind == "unmet" for w in ws):
            lines.append(f"{t('warnings.not_met', lang)}: {Path(name).name}")
        lines += [f"  {Path(name).name}: {line}" for line in warning_lines(ws, lang)]
    return lines
