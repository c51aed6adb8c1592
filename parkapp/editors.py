"""The Scenario page's editors: grid form, equipment tables, enterprise table.

Each editor reads the current edited scenario, draws widgets generated from the
schema, returns the edited part and registers an error slot beside itself, so
validation problems appear next to the field or table that caused them.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import pandas as pd
import streamlit as st
import yaml

from parkapp import schema_ui, tables, widgets
from twin.catalog.tariffs import tariff_names
from twin.errors import Problem
from twin.present.i18n import option, t
from twin.schema.scenario import Grid, Scenario

GRID_PATHS = ["import_max_mw", "export_max_mw", "tariff", "emission_factor.basis",
              "emission_factor.region", "emission_factor.year", "emission_factor.t_co2_per_mwh"]
BUS_FIELDS = {"bus", "el_bus", "heat_bus", "fuel_bus", "flue_bus", "from_bus", "to_bus", "cargo_bus", "depot_bus"}
# Columns whose choices are the names of a section of the technology library.
LIBRARY_CHOICES = {("converter", "preset"): "converters", ("storage", "preset"): "stores",
                   ("fleet", "vehicle"): "vehicles"}
HIDDEN = {"mtbf_h", "mttr_h"}  # reliability stays as in the file (defaults from the library)


@dataclass
class Router:
    """Error slots beside the editors; each problem goes to the best-matching slot."""

    slots: list[tuple[Any, tuple[str, ...], set[str]]] = field(default_factory=list)

    def add(self, container: Any, prefixes: tuple[str, ...], ids: set[str] | None = None) -> None:
        """Register ``container`` for problems whose field starts with a prefix or whose id is in ``ids``."""
        self.slots.append((container, prefixes, ids or set()))

    def _score(self, problem: Problem, prefixes: tuple[str, ...], ids: set[str]) -> int:
        best = max((len(p) for p in prefixes if problem.field == p or problem.field.startswith((f"{p}.", f"{p}["))),
                   default=-1)
        return max(best, 0 if problem.id in ids else -1)

    def show(self, problems: list[Problem], fallback: Any) -> None:
        """Show every problem in its slot; unmatched ones in ``fallback``."""
        placed: dict[int, list[Problem]] = {}
        for problem in problems:
            scores = [self._score(problem, p, i) for _, p, i in self.slots]
            best = max(range(len(scores)), key=scores.__getitem__, default=None)
            placed.setdefault(best if best is not None and scores[best] >= 0 else -1, []).append(problem)
        for index, found in placed.items():
            widgets.show_problems(self.slots[index][0] if index >= 0 else fallback, found)


@cache
def _data_csv(name: str) -> pd.DataFrame:
    with resources.files("twin.data").joinpath(name).open("rb") as fh:
        return pd.read_csv(fh)


def factor_choices(column: str) -> list:
    """Values of a column of the shipped grid-factor table (regions, years)."""
    return sorted(_data_csv("grid_factors.csv")[column].dropna().unique().tolist())


def sector_choices() -> list[str]:
    """Shipped sector names."""
    return _data_csv("sectors.csv")["sector"].tolist()


@cache
def library_names(section: str) -> tuple[str, ...]:
    """Preset names of a section of the technology library (converters, stores, vehicles)."""
    try:
        text = resources.files("twin.data").joinpath("technologies.yaml").read_text(encoding="utf-8")
    except FileNotFoundError:
        return ()
    return tuple((yaml.safe_load(text) or {}).get(section, {}) or ())


def grid_form(edited: dict, lang: str, key: str, router: Router) -> dict:
    """Grid section: import/export limits, tariff, emission-factor basis, region, year."""
    grid = copy.deepcopy(edited.get("grid", {}))
    choices = {"tariff": list(tariff_names()), "emission_factor.region": factor_choices("region"),
               "emission_factor.year": [int(y) for y in factor_choices("year")]}
    columns = st.columns(4)
    for i, path in enumerate(GRID_PATHS):
        spec = schema_ui.field_spec(Grid, path)
        with columns[i % 4]:
            value = tables.get_path(grid, path, spec.default if spec else None)
            if isinstance(value, dict):  # an inline tariff from a file: kept as it is
                st.text_input(widgets.label_help(spec, lang)[0], value=str(value.get("name", "inline")), disabled=True)
                continue
            if spec.kind in ("float", "int") and path not in choices:
                new = widgets.number_field(spec, value, lang, key=f"{key}-grid-{path}")
            else:
                new = widgets.choice_field(spec, value, lang, widgets.lang_key(f"{key}-grid-{path}", lang),
                                           choices.get(path))
            prefixes = (f"grid.{path}", "grid.emission_factor") if path == "emission_factor.year" else (f"grid.{path}",)
            router.add(st.container(), prefixes)
            if new != value or tables.get_path(grid, path, None) is not None:
                tables.set_path(grid, path, new)
    router.add(st.container(), ("grid",))
    return grid


def _choices(name: str, edited: dict, table: str = "") -> list | None:
    """Choices of a table column that refers to other parts of the scenario or the library."""
    if (table, name) in LIBRARY_CHOICES:
        return list(library_names(LIBRARY_CHOICES[(table, name)])) or None
    if name in BUS_FIELDS:
        return [b.get("id") for b in edited.get("buses", [{"id": "el"}, {"id": "heat"}])]
    if name == "owner":
        return ["park", *[e.get("id") for e in edited.get("enterprises", [])]]
    if name == "sector":
        return sector_choices()
    return None


def _origin(key: str, items: list[dict], lang: str) -> list[dict]:
    """Items an editor was mounted with; refreshed when the editor is new or the language changed.

    A data editor applies its edits to the data it was first given, so that data
    must not change while it lives (see st.data_editor's widget identity).
    """
    store = st.session_state.setdefault("_editor_origin", {})
    held = store.get(key)
    if held is None or held[0] != lang or key not in st.session_state:
        store[key] = (lang, copy.deepcopy(items))
    return store[key][1]


def items_editor(items: list[dict], specs: list[schema_ui.FieldSpec], edited: dict, *,
                 lang: str, key: str, table: str = "", new_item: dict | None = None) -> list[dict]:
    """An editable table of scenario items (rows can be added and removed)."""
    origin = _origin(key, items, lang)
    config = {s.path: widgets.column_config(s, lang, _choices(s.name, edited, table)) for s in specs}
    config[tables.ROW] = None  # hidden
    frame = st.data_editor(tables.items_frame(origin, specs), key=key, num_rows="dynamic", hide_index=True,
                           column_config=config, width="stretch")
    return tables.frame_items(frame, specs, origin, new_item)


def asset_tables(edited: dict, lang: str, key: str, router: Router) -> list[dict]:
    """One table per asset type of the schema (PV, wind, storage, boilers, heat pumps, ...)."""
    assets = edited.get("assets", [])
    out: list[dict] = []
    for tag, model in schema_ui.asset_models().items():
        items = [a for a in assets if a.get("type") == tag]
        specs = [s for s in schema_ui.asset_columns(model) if s.name not in HIDDEN]
        with st.expander(f"{option('asset_type', tag, lang)} · {len(items)}", expanded=bool(items)):
            new = items_editor(items, specs, edited, lang=lang, key=f"{key}-assets-{tag}", table=tag,
                               new_item={"type": tag})
            ids = {i.get("id") for i in [*items, *new] if i.get("id")}
            positions = {f"assets[{len(out) + n}]" for n in range(len(new))}
            router.add(st.container(), tuple(f"assets[{i}]" for i in ids) + tuple(positions), ids)
        out += new
    known = set(schema_ui.asset_models())
    return out + [a for a in assets if a.get("type") not in known]


def enterprise_table(edited: dict, lang: str, key: str, router: Router) -> list[dict]:
    """The enterprise table: sector, shift, annual electricity and heat demand, buses."""
    items = edited.get("enterprises", [])
    st.caption(t("ui.enterprises_help", lang))
    new = items_editor(items, schema_ui.enterprise_columns(), edited, lang=lang, key=f"{key}-enterprises")
    ids = {i.get("id") for i in [*items, *new] if i.get("id")}
    router.add(st.container(), ("enterprises",), ids)
    return new


def fleet_table(edited: dict, lang: str, key: str, router: Router) -> list[dict] | None:
    """The truck fleets (vehicle type, count, trips); None when the schema has no fleets."""
    model = schema_ui.list_item_model(Scenario, "fleets")
    if model is None:
        return None
    items = edited.get("fleets", [])
    specs = [s for s in schema_ui.item_columns(model) if s.name not in HIDDEN]
    with st.expander(f"{option('asset_type', 'fleet', lang)} · {len(items)}", expanded=bool(items)):
        new = items_editor(items, specs, edited, lang=lang, key=f"{key}-fleets", table="fleet")
        ids = {i.get("id") for i in [*items, *new] if i.get("id")}
        router.add(st.container(), ("fleets",), ids)
    return new
