"""Load scenario files: YAML, ``extends`` with a deep merge, validation, checks, measures.

Every problem becomes a :class:`twin.errors.Problem` naming the file, the field
path with ids (``assets[bess_1].p_max_mw``) and what is expected.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from twin.errors import InputError, Problem
from twin.scenario.measures import measure_problems
from twin.scenario.merge import deep_merge
from twin.scenario.parse import parse
from twin.schema.scenario import Scenario

# The scenarios shipped with Park Twin (a source checkout or editable install): a file may
# ``extends:`` one of them by its bare name, in the CLI as in the app.
SHIPPED = Path(__file__).resolve().parents[2] / "scenarios"


def shipped_names() -> list[str]:
    """File names of the shipped scenarios (``reference_*`` first)."""
    names = sorted(p.name for p in SHIPPED.glob("*.yaml"))
    return sorted(names, key=lambda n: not n.startswith("reference"))


def load_scenario(path: str | Path, overrides: dict | None = None,
                  allow_outside: bool = False) -> Scenario:
    """Load, merge, validate and check a scenario file.

    Parameters
    ----------
    path : str or Path
        Scenario YAML file.
    overrides : dict, optional
        Extra changes deep-merged on top (as if from a variant file).
    allow_outside : bool
        Let referenced files (weather, profiles, extends) lie outside the
        scenario's folder. Only for paths the user gave on the command line.

    Raises
    ------
    InputError
        One problem per line (file, field path and id, expectation).
    """
    path = Path(path)
    raw = _resolve(path, root=path.resolve().parent, chain=(), allow_outside=allow_outside)
    if overrides:
        raw = deep_merge(raw, overrides)
    return validate(raw, source=str(path), base_dir=path.resolve().parent, allow_outside=allow_outside)


def validate(raw: dict, source: str, base_dir: Path, allow_outside: bool = False) -> Scenario:
    """Validate merged scenario data: pydantic, cross-references, and every measure applying in turn."""
    scenario = parse(raw, source, base_dir, allow_outside)
    problems = measure_problems(scenario)
    if problems:
        raise InputError(problems)
    return scenario


def read_yaml(path: Path) -> dict:
    """Read one YAML mapping with ``yaml.safe_load``; problems as InputError."""
    try:
        text = path.read_text(encoding="utf-8")
    except (FileNotFoundError, IsADirectoryError, PermissionError, UnicodeDecodeError) as exc:
        raise InputError(Problem(str(path), "file", f"cannot read: {exc.__class__.__name__}")) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "file"
        reason = getattr(exc, "problem", None) or "malformed YAML"
        raise InputError(Problem(str(path), where, f"malformed YAML: {reason}")) from None
    if not isinstance(data, dict):
        raise InputError(Problem(str(path), "file", "expected a mapping of sections (site, grid, ...)"))
    return data


def inside(path: Path, root: Path) -> bool:
    """True when ``path`` (resolved) lies in folder ``root``."""
    return path.resolve().is_relative_to(root.resolve())


def _resolve(path: Path, root: Path, chain: tuple[Path, ...], allow_outside: bool) -> dict:
    """Read ``path`` and merge it over the file it ``extends`` (recursively)."""
    key = path.resolve()
    if key in chain:
        names = " -> ".join(p.name for p in (*chain, key))
        raise InputError(Problem(str(path), "extends", f"extends cycle: {names}"))
    data = read_yaml(path)
    parent = data.pop("extends", None)
    if parent is None:
        return data
    if not isinstance(parent, str):
        raise InputError(Problem(str(path), "extends", "expected the path of one scenario file"))
    base = path.parent / parent
    if not base.exists() and parent in shipped_names():
        base, root = SHIPPED / parent, SHIPPED  # a shipped scenario by name; its own files stay in its folder
    if not allow_outside and not inside(base, root):
        raise InputError(Problem(str(path), "extends", f"{parent} lies outside the scenario folder"))
    if not base.exists():
        raise InputError(Problem(str(path), "extends", f"file {parent} not found beside the scenario, "
                                 f"nor a shipped scenario ({', '.join(shipped_names())})"))
    return deep_merge(_resolve(base, root, (*chain, key), allow_outside), data)


