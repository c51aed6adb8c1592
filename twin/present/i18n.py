"""Labels in Simplified Chinese (default) and English, from ``twin/data/i18n.yaml``.

The catalogue holds page labels, help texts, every KPI key and assessment figure,
display units, scenario field labels, option values, chart categories, indicator
names and inputs, accounting methods and account lines.
Lookups never fail: a missing entry falls back to English, then to the key,
so a KPI or field added to the kernel shows up (untranslated) at once; the
tests list what is missing.

>>> t("ui.page_results", "en")
'Results'
>>> kpi_label("grid_import_mwh", "zh")
'外购电量 [MWh]'
"""

from __future__ import annotations

import math
import re
from functools import cache
from importlib import resources
from typing import Any

import yaml

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"
LANG_NAMES = {"zh": "中文", "en": "English"}

# KPI key suffix -> display unit code (longest suffix first).
_UNIT_SUFFIXES = [
    ("_t_co2_per_tce", "tco2_per_tce"), ("_t_per_tce", "tco2_per_tce"), ("_cny_per_yr", "cny_per_yr"),
    ("_cny_per_mwh", "cny_per_mwh"), ("_cny_per_t", "cny_per_t"), ("_t_per_yr", "tco2_per_yr"),
    ("_co2_t", "tco2"), ("_mwh", "mwh"), ("_tce", "tce"), ("_cny", "cny"), ("_frac", "frac"), ("_yr", "yr"),
    ("_mw", "mw"), ("_m3", "m3"), ("_km", "km"), ("_t", "t"), ("_failures", "count"),
]


@cache
def catalogue() -> dict[str, dict[str, Any]]:
    """The whole label catalogue (sections ui, kpi, units, fields, options, ...)."""
    text = resources.files("twin.data").joinpath("i18n.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def check_lang(lang: str) -> str:
    """``lang`` when supported, otherwise the default language."""
    return lang if lang in LANGS else DEFAULT_LANG


def entry(section: str, key: str) -> dict[str, Any] | None:
    """Raw catalogue entry ``section.key`` (None when absent)."""
    value = catalogue().get(section, {}).get(key)
    return value if isinstance(value, dict) else None


def t(key: str, lang: str = DEFAULT_LANG, **values: Any) -> str:
    """Label ``section.name`` in ``lang`` with ``{placeholders}`` filled.

    Falls back to English, then to the last part of the key.
    """
    section, _, name = key.partition(".")
    found = entry(section, name) or {}
    text = found.get(check_lang(lang)) or found.get("en") or name
    return str(text).format(**values) if values else str(text)


def has(key: str, lang: str) -> bool:
    """True when ``section.name`` has a label in ``lang``."""
    section, _, name = key.partition(".")
    return bool((entry(section, name) or {}).get(lang))


def option(field: str, value: Any, lang: str = DEFAULT_LANG) -> str:
    """Label of a choice value (``option('fuel', 'coal', 'zh') == '煤'``)."""
    if value is None:
        return ""
    found = catalogue().get("options", {}).get(field, {}).get(str(value))
    if not isinstance(found, dict):
        return str(value)
    return str(found.get(check_lang(lang)) or found.get("en") or value)


def kpi_unit_code(key: str) -> str:
    """Display unit code of a KPI or assessment key from its suffix (``co2_net_t`` -> ``tco2``)."""
    if key == "hours":
        return "h"
    for suffix, code in _UNIT_SUFFIXES:
        if key.endswith(suffix):
            return "tco2" if code == "t" and key.startswith("co2") else code
    return "none"


def unit(code: str, lang: str = DEFAULT_LANG) -> tuple[str, float]:
    """Display label and scale factor from the canonical unit of ``code``."""
    found = catalogue()["units"].get(code) or catalogue()["units"]["none"]
    label, scale = found[check_lang(lang)]
    return str(label), float(scale)


def kpi_name(key: str, lang: str = DEFAULT_LANG) -> str:
    """Name of a KPI without its unit."""
    return t(f"kpi.{key}", lang)


def kpi_unit(key: str, lang: str = DEFAULT_LANG) -> str:
    """Display unit of a KPI (``万元`` for costs in Chinese)."""
    return unit(kpi_unit_code(key), lang)[0]


def kpi_label(key: str, lang: str = DEFAULT_LANG) -> str:
    """Name of a KPI with its display unit in brackets."""
    label = kpi_unit(key, lang)
    return f"{kpi_name(key, lang)} [{label}]" if label else kpi_name(key, lang)


def kpi_short_label(key: str, lang: str = DEFAULT_LANG) -> str:
    """Short name of a headline KPI with its unit (cards); the full label when none is given."""
    if not has(f"kpi_short.{key}", lang):
        return kpi_label(key, lang)
    label = kpi_unit(key, lang)
    short = t(f"kpi_short.{key}", lang)
    return f"{short} [{label}]" if label else short


def kpi_display(key: str, value: float, lang: str = DEFAULT_LANG) -> float:
    """A KPI value in its display unit (percent, 万元, ...)."""
    return value * unit(kpi_unit_code(key), lang)[1]


def format_number(value: float) -> str:
    """Three significant figures for small values, thousands separators for large ones; never
    scientific notation (``0.0000123``, ``999``, ``1,000``, ``12,345``)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    if abs(value) < 1e-12:
        return "0"
    if abs(value) >= 999.5:  # rounds to four digits or more: whole numbers with separators
        return f"{value:,.0f}"
    decimals = max(0, 2 - math.floor(math.log10(abs(value))))  # three significant figures, never 1e-05
    text = f"{round(value, decimals):,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def format_kpi_value(key: str, value: float, lang: str = DEFAULT_LANG) -> str:
    """A KPI value in its display unit, without the unit (``'36.1'`` for 0.361 as %)."""
    return format_number(kpi_display(key, value, lang))


def format_kpi(key: str, value: float, lang: str = DEFAULT_LANG) -> str:
    """A KPI value formatted with its display unit (``'36.1 %'``)."""
    label = kpi_unit(key, lang)
    text = format_number(kpi_display(key, value, lang))
    return f"{text} {label}".strip()


def unit_in(description: str) -> str:
    """Unit written in brackets at the end of a field description (``'[MW]'`` -> ``'MW'``)."""
    found = re.search(r"\[([^\]]+)\]\s*(\(.*\))?$", description or "")
    return found.group(1).replace("degC", "°C").replace("deg", "°") if found else ""


def field_text(model: str, name: str, lang: str, description: str = "") -> tuple[str, str]:
    """Label (with unit) and help of scenario field ``name`` of pydantic model ``model``.

    Looks up ``Model.field`` first, then ``field``; English help is the schema
    description, Chinese help the catalogue's ``help``.
    """
    found = entry("fields", f"{model}.{name}") or entry("fields", name) or {}
    lang = check_lang(lang)
    label = found.get(lang) or found.get("en") or name.replace("_", " ")
    help_text = found.get("help") if lang == "zh" and found.get("help") else description
    unit_label = unit_in(description)
    if unit_label and unit_label not in ("-", "0-1") and f"[{unit_label}]" not in label:
        label = f"{label} [{unit_label}]"
    elif unit_label == "0-1":
        label = f"{label} [0–1]"
    return str(label), str(help_text or "")


def missing(section: str, keys: list[str]) -> list[str]:
    """Keys of ``section`` without a label in every language (for the tests)."""
    return [k for k in keys if not all(has(f"{section}.{k}", lang) for lang in LANGS)]


def local_name(item: Any, lang: str) -> str:
    """Name of a scenario, enterprise or measure (model or mapping) in ``lang``.

    ``name_zh`` in Chinese when given, else ``name``, else the id.
    """
    get = item.get if isinstance(item, dict) else lambda k, d=None: getattr(item, k, d)
    zh = get("name_zh", "") if lang == "zh" else ""
    return str(zh or get("name", "") or get("id", "") or "")
