"""The one reader of user YAML (scenarios, meter mappings, calibration specs), bounded.

``yaml.safe_load`` builds no Python objects from tags (``!!python/object`` is refused),
but it expands aliases: a few hundred bytes of nested anchors (the "billion laughs")
compose into a document of billions of nodes once anything walks it (the canonical JSON
of a run's cache key, Streamlit's hashing). So the document is composed first and its
size *with every alias expanded* is counted before anything is constructed; a document
over the limits below is refused with one line. The shipped scenarios use anchors and
merge keys (``<<: *P``) and stay far below the limits (each limit's reason is beside it;
``docs/security.md`` lists them all).
"""

from __future__ import annotations

from pathlib import Path

import yaml

from twin.errors import InputError, Problem

MAX_FILE_BYTES = 4 * 2**20
"""Bytes of one YAML file: the reference park's scenario is ~20 kB; a mapping of a thousand
meters is well under 1 MB."""
MAX_NODES = 200_000
"""Nodes of the document with aliases expanded: the reference park expands to ~2,300, and the
enterprise and asset counts the schema allows (``twin.schema.limits``) stay well below."""
MAX_SCALAR_BYTES = 8 * 2**20
"""Characters of all scalars with aliases expanded (a bound on the expanded text)."""
MAX_DEPTH = 64
"""Nesting depth (a scenario nests about 6 deep); also stops a self-referencing alias."""


class _TooBig(Exception):
    """The composed document passes a limit (message: which one)."""


class BoundedLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that refuses documents whose alias-expanded size passes the limits."""

    def compose_document(self):  # noqa: D102 (PyYAML hook)
        node = super().compose_document()
        _measure(node)
        return node


def _measure(root: yaml.Node) -> None:
    """Walk the node graph as construction plus a JSON dump would (aliases expanded)."""
    nodes, chars = 0, 0
    stack: list[tuple[yaml.Node, int]] = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        nodes += 1
        if nodes > MAX_NODES:
            raise _TooBig(f"more than {MAX_NODES:,} values once aliases are expanded")
        if depth > MAX_DEPTH:
            raise _TooBig(f"nested deeper than {MAX_DEPTH} levels")
        if isinstance(node, yaml.ScalarNode):
            chars += len(node.value)
            if chars > MAX_SCALAR_BYTES:
                raise _TooBig(f"more than {MAX_SCALAR_BYTES // 2**20} MB of text once aliases are expanded")
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((child, depth + 1) for child in node.value)
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.extend(((key, depth + 1), (value, depth + 1)))


def parse_yaml(text: str, source: str, empty_ok: bool = False) -> dict:
    """Parse one YAML mapping from ``text`` (bounded; see the module's limits).

    Parameters
    ----------
    text : str
        The document.
    source : str
        File name shown in problems (the name the user knows, never a server path).
    empty_ok : bool
        An empty document is an empty mapping (else a problem).

    Raises
    ------
    InputError
        Malformed YAML, a tag that is not plain data, a document over the limits, or a
        document that is not a mapping; one line, no text of the document echoed.
    """
    try:
        data = yaml.load(text, Loader=BoundedLoader)  # noqa: S506 (a SafeLoader subclass)
    except _TooBig as exc:
        raise InputError(Problem(source, "file", f"document too large: {exc}")) from None
    except RecursionError:
        raise InputError(Problem(source, "file", f"nested deeper than {MAX_DEPTH} levels")) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "file"
        raise InputError(Problem(source, where, f"malformed YAML: {_reason(exc)}")) from None
    if data is None and empty_ok:
        return {}
    if not isinstance(data, dict):
        raise InputError(Problem(source, "file", "expected a mapping of sections (key: value lines)"))
    return data


def _reason(exc: yaml.YAMLError) -> str:
    """PyYAML's reason without the document's text (a tag is named, nothing else)."""
    reason = getattr(exc, "problem", None) or "malformed YAML"
    if "could not determine a constructor" in reason:
        return "tags such as !!python/object are not allowed (plain data only)"
    return reason.split("'", 1)[0].strip() or "malformed YAML"


def read_yaml(path: str | Path, shown: str | None = None, empty_ok: bool = False) -> dict:
    """Read one YAML mapping from a file (size-checked first, then :func:`parse_yaml`).

    ``shown`` is the file's name in problems (default: the path as given).
    """
    path, shown = Path(path), shown or str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputError(Problem(shown, "file", f"{size // 1024} kB is over the "
                                     f"{MAX_FILE_BYTES // 2**20} MB limit of a YAML file"))
        text = path.read_text(encoding="utf-8")
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError, PermissionError,
            UnicodeDecodeError) as exc:
        raise InputError(Problem(shown, "file", f"cannot read: {exc.__class__.__name__}")) from None
    return parse_yaml(text, shown, empty_ok)
