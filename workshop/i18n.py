"""Workshop labels: ``workshop/data/i18n.yaml``, looked up like the app's (``twin.present.i18n``).

Languages, the default and the fallback (English, then the key) are the app's.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml

from twin.present.i18n import DEFAULT_LANG, LANG_NAMES, LANGS, check_lang

__all__ = ["DEFAULT_LANG", "LANGS", "LANG_NAMES", "check_lang", "t"]


@cache
def catalogue() -> dict[str, dict[str, Any]]:
    """The workshop label catalogue (sections ui, err)."""
    text = (resources.files("workshop") / "data" / "i18n.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def t(key: str, lang: str = DEFAULT_LANG, **values: Any) -> str:
    """Label ``section.name`` in ``lang`` with placeholders filled; English, then the key, as fallback."""
    section, _, name = key.partition(".")
    item = catalogue().get(section, {}).get(name) or {}
    text = item.get(check_lang(lang)) or item.get("en") or name
    return text.format(**values) if values else text
