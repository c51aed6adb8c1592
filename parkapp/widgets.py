"""Streamlit widgets generated from the scenario schema (labels, units, bounds, help)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

from parkapp.schema_ui import FieldSpec
from twin.errors import Problem
from twin.present.i18n import field_text, option, t


def label_help(spec: FieldSpec, lang: str) -> tuple[str, str]:
    """Label with unit and help text of a field, with its bounds appended to the help."""
    label, help_text = field_text(spec.model, spec.path if "." in spec.path else spec.name, lang, spec.description)
    bounds = []
    if spec.kind in ("float", "int") and spec.lo is not None:
        bounds.append(f"{'>' if spec.lo_open else '≥'} {spec.lo:g}")
    if spec.kind in ("float", "int") and spec.hi is not None:
        bounds.append(f"{'<' if spec.hi_open else '≤'} {spec.hi:g}")
    if bounds:
        help_text = f"{help_text} ({', '.join(bounds)})".strip()
    return label, help_text


def number_field(spec: FieldSpec, value: Any, lang: str, key: str) -> float | int | None:
    """A number input bounded by the schema; ``None`` allowed for optional fields."""
    label, help_text = label_help(spec, lang)
    is_int = spec.kind == "int"
    lo, hi = spec.min_value(), spec.max_value()
    cast = int if is_int else float
    return st.number_input(
        label, value=None if value is None else cast(value), help=help_text, key=key,
        min_value=None if lo is None else cast(lo), max_value=None if hi is None else cast(hi),
        step=1 if is_int else None, format=None if is_int else "%g",
        placeholder="–" if spec.nullable else None)


def choice_field(spec: FieldSpec, value: Any, lang: str, key: str,
                 options: Sequence[Any] | None = None) -> Any:
    """A select box of the field's choices (or ``options``), labels translated."""
    label, help_text = label_help(spec, lang)
    choices = list(options if options is not None else spec.options)
    if value not in choices:
        choices.append(value)
    name = spec.name
    return st.selectbox(label, choices, index=choices.index(value), help=help_text, key=key,
                        format_func=lambda v: option(name, v, lang))


def column_config(spec: FieldSpec, lang: str, options: Sequence[Any] | None = None) -> Any:
    """A data-editor column configured from the schema field."""
    label, help_text = label_help(spec, lang)
    required = spec.required and spec.default is None
    if spec.kind in ("float", "int"):
        return st.column_config.NumberColumn(
            label, help=help_text, required=required, min_value=spec.min_value(), max_value=spec.max_value(),
            step=1 if spec.kind == "int" else None, format="%d" if spec.kind == "int" else "%g")
    choices = options if options is not None else spec.options
    if choices:
        name = spec.name
        return st.column_config.SelectboxColumn(label, help=help_text, required=required, options=list(choices),
                                                format_func=lambda v: option(name, v, lang))
    if spec.kind == "bool":
        return st.column_config.CheckboxColumn(label, help=help_text)
    return st.column_config.TextColumn(label, help=help_text, required=required)


def lang_key(key: str, lang: str) -> str:
    """Widget key of a choice widget whose option labels depend on the language."""
    return f"{key}@{lang}"


def sticky_choice(widget: Callable[..., Any], label: str, options: Sequence[Any], key: str, lang: str,
                  default: Any = None, **kwargs: Any) -> Any:
    """A radio or select box that keeps its value across language switches and page visits.

    The browser matches a choice widget's value by its label, so a widget whose labels
    change with the language gets a key per language; the value itself is kept in
    ``st.session_state[key]`` (set it there, and call :func:`set_sticky` in callbacks).
    """
    options = list(options)
    value = st.session_state.get(key, default)
    index = options.index(value) if value in options else 0
    choice = widget(label, options, index=index, key=lang_key(key, lang), **kwargs)
    st.session_state[key] = choice
    return choice


def set_sticky(key: str, value: Any, lang: str) -> None:
    """Set a sticky choice from a callback (before its widget is drawn)."""
    st.session_state[key] = value
    st.session_state[lang_key(key, lang)] = value


def show_problems(container: Any, problems: Sequence[Problem]) -> None:
    """Problems as one error box (field, id and message per line), if any."""
    if problems:
        container.error("\n\n".join(f"**{p.field}**{f' (id {p.id})' if p.id else ''}: {p.message}"
                                    for p in problems), icon=":material/error:")


def streamlit_strings(lang: str) -> None:
    """Streamlit's own texts in ``lang`` where it offers no setting (the file uploader's).

    Streamlit ships English only; in Chinese the drop zone's instructions and its button are
    replaced by CSS (``ui.st_*`` in twin/data/i18n.yaml). Select boxes take their placeholder
    from :func:`t` where they are created.
    """
    if lang == "en":
        return
    drop, limit, browse = (t(f"ui.st_{k}", lang) for k in ("drop", "limit", "browse"))
    st.html(f"""<style>
[data-testid="stFileUploaderDropzoneInstructions"] span {{font-size:0}}
[data-testid="stFileUploaderDropzoneInstructions"] span::after {{content:"{drop}";font-size:1rem}}
[data-testid="stFileUploaderDropzoneInstructions"] small {{font-size:0}}
[data-testid="stFileUploaderDropzoneInstructions"] small::after {{content:"{limit}";font-size:0.8rem}}
[data-testid="stFileUploaderDropzone"] button {{font-size:0}}
[data-testid="stFileUploaderDropzone"] button::after {{content:"{browse}";font-size:0.9rem}}
</style>""")
