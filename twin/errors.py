"""User-facing input errors.

Every problem with a file the user gave us (scenario, weather, profile, meters)
is reported as one line naming the file, the field path and the id of the
asset or enterprise concerned. The command line prints them and exits with
code 2; nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One problem in one input file.

    Parameters
    ----------
    file : str
        Path of the file as the user gave it.
    field : str
        Dotted path of the field (``assets.pv_roof.tilt_deg``) or column name.
    message : str
        What is wrong and what is expected.
    id : str, optional
        Id of the asset, enterprise or meter concerned.
    """

    file: str
    field: str
    message: str
    id: str | None = None

    def __str__(self) -> str:
        where = f"{self.field} (id {self.id})" if self.id else self.field
        return _one_line(f"{self.file}: {where}: {self.message}")


def _one_line(text: str) -> str:
    """A problem is one line, whatever its parts hold (a key with a line break, a library's
    message ending in one)."""
    return " ".join(text.split("\n")).replace("\r", " ").strip()


class InputError(Exception):
    """One or more problems with user input (exit code 2, no traceback)."""

    def __init__(self, problems: list[Problem] | Problem):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
