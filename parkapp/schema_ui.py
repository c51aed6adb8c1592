"""What the forms need to know about a scenario field, read from the pydantic schema.

Kinds, bounds, defaults, choices and descriptions come from ``twin.schema.scenario`` and
its sub-models, so a field added there appears in the app's tables at once
(with an English label until twin/data/i18n.yaml names it). No streamlit here.
"""

from __future__ import annotations

import math
import types
import typing
from dataclasses import dataclass
from typing import Any, Literal

import annotated_types as at
from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from twin.schema.assets import Asset
from twin.schema.enterprise import Enterprise

SCALAR_KINDS = ("float", "int", "text", "choice", "bool")


@dataclass(frozen=True)
class FieldSpec:
    """A scalar scenario field as a form sees it."""

    model: str  # pydantic model name (PV, Grid, ...)
    path: str  # dotted path inside the model (``demand.electricity_mwh``)
    kind: str  # one of SCALAR_KINDS
    description: str = ""
    default: Any = None
    required: bool = False
    nullable: bool = False
    options: tuple = ()
    lo: float | None = None  # lower bound
    hi: float | None = None  # upper bound
    lo_open: bool = False  # lower bound excluded (gt)
    hi_open: bool = False  # upper bound excluded (lt)

    @property
    def name(self) -> str:
        """Last part of the path (the catalogue key of its label)."""
        return self.path.rsplit(".", 1)[-1]

    def min_value(self) -> float | None:
        """Smallest value a number input may take (open bounds nudged inwards)."""
        if self.lo is None:
            return None
        return self.lo + (1 if self.kind == "int" else 1e-6) * self.lo_open

    def max_value(self) -> float | None:
        """Largest value a number input may take (open bounds nudged inwards)."""
        if self.hi is None:
            return None
        return self.hi - (1 if self.kind == "int" else 1e-6) * self.hi_open


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """Annotation without ``None`` and whether ``None`` is allowed.

    A union of text and a model (a tariff by name or inline) is edited as its text.
    """
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        nullable = len(args) < len(typing.get_args(annotation))
        if len(args) > 1 and str in args:
            return str, nullable
        return (args[0] if len(args) == 1 else annotation), nullable
    return annotation, False


def _kind(annotation: Any) -> tuple[str | None, tuple]:
    """Form kind and choices of a (non-None) annotation; None for non-scalars."""
    if typing.get_origin(annotation) is Literal:
        return "choice", typing.get_args(annotation)
    simple = {float: "float", int: "int", str: "text", bool: "bool"}
    return simple.get(annotation), ()


def _bounds(metadata: list) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for m in metadata:
        if isinstance(m, at.Ge):
            out.update(lo=m.ge)
        elif isinstance(m, at.Gt):
            out.update(lo=m.gt, lo_open=True)
        elif isinstance(m, at.Le):
            out.update(hi=m.le)
        elif isinstance(m, at.Lt):
            out.update(hi=m.lt, hi_open=True)
    return out


def field_spec(model: type[BaseModel], path: str) -> FieldSpec | None:
    """Spec of the scalar field at dotted ``path`` of ``model`` (None if not scalar)."""
    head, _, rest = path.partition(".")
    info = model.model_fields[head]
    annotation, nullable = _unwrap(info.annotation)
    if rest:
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            nested = field_spec(annotation, rest)
            return None if nested is None else _rename(nested, model.__name__, path)
        return None
    kind, options = _kind(annotation)
    if kind is None:
        return None
    default = None if info.default is PydanticUndefined else info.default
    return FieldSpec(model=model.__name__, path=path, kind=kind, description=info.description or "",
                     default=default, required=info.is_required(), nullable=nullable,
                     options=options, **_bounds(info.metadata))


def _rename(spec: FieldSpec, model: str, path: str) -> FieldSpec:
    return FieldSpec(**{**spec.__dict__, "model": model, "path": path})


def scalar_paths(model: type[BaseModel], nested: tuple[str, ...] = ()) -> list[str]:
    """Scalar fields of ``model`` plus the scalar fields of the named nested models."""
    out = []
    for name, info in model.model_fields.items():
        annotation, _ = _unwrap(info.annotation)
        if name in nested:
            out += [f"{name}.{sub}" for sub in scalar_paths(annotation)]
        elif _kind(annotation)[0] is not None:
            out.append(name)
    return out


def asset_models() -> dict[str, type[BaseModel]]:
    """Asset models of the scenario schema by their ``type`` tag, in schema order."""
    union = typing.get_args(Asset)[0]
    models = typing.get_args(union) or (union,)
    return {typing.get_args(m.model_fields["type"].annotation)[0]: m for m in models}


def asset_columns(model: type[BaseModel]) -> list[FieldSpec]:
    """Table columns of an asset type: its scalar fields except the ``type`` tag."""
    specs = [field_spec(model, p) for p in scalar_paths(model) if p != "type"]
    return [s for s in specs if s is not None]


def list_item_model(model: type[BaseModel], name: str) -> type[BaseModel] | None:
    """Item model of a list field (``Scenario.fleets`` -> ``Fleet``), None if absent."""
    info = model.model_fields.get(name)
    if info is None or typing.get_origin(info.annotation) is not list:
        return None
    item = typing.get_args(info.annotation)[0]
    return item if isinstance(item, type) and issubclass(item, BaseModel) else None


def item_columns(model: type[BaseModel]) -> list[FieldSpec]:
    """Table columns of a list item model: all its scalar fields."""
    specs = [field_spec(model, p) for p in scalar_paths(model)]
    return [s for s in specs if s is not None]


# Enterprise columns planners edit most; calendars and profiles stay as in the file.
ENTERPRISE_PATHS = ["id", "name", "sector", "shift", "demand.electricity_mwh", "demand.heat_mwh",
                    "base_load_frac", "el_bus", "heat_bus"]


def enterprise_columns() -> list[FieldSpec]:
    """Table columns of the enterprise table."""
    specs = [field_spec(Enterprise, p) for p in ENTERPRISE_PATHS if p.split(".")[0] in Enterprise.model_fields]
    return [s for s in specs if s is not None]


def is_blank(value: Any) -> bool:
    """True for None, NaN and empty text (a cleared table cell)."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and value.strip() == ""


def coerce(spec: FieldSpec, value: Any) -> Any:
    """A table cell as the schema type (numpy numbers to int/float); blanks to None."""
    if is_blank(value):
        return None
    if spec.kind == "int":
        return int(value) if float(value).is_integer() else float(value)
    if spec.kind == "float":
        return float(value)
    if spec.kind == "bool":
        return bool(value)
    return value if not isinstance(value, str) else value.strip()
