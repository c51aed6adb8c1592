"""Cross-reference checks of the accounting, green power, indicator, economics and measure
sections: factor years and provinces in the data, ids that exist, measure ids."""

from __future__ import annotations

from collections import Counter

from twin.catalog.factors import FactorBook, provinces
from twin.catalog.thresholds import thresholds_table
from twin.errors import InputError, Problem


def plan_problems(sc, source: str) -> list[Problem]:
    """Every problem of the plan sections (empty when consistent)."""
    out = [*_accounting(sc, source), *_ids(sc, source), *_measures(sc, source)]
    return out


def _accounting(sc, source: str) -> list[Problem]:
    a = sc.accounting
    out = []
    if a.province is not None and not _known_province(a.province):
        out.append(Problem(source, "accounting.province", f"unknown province {a.province!r}; known: "
                           f"{', '.join(provinces()['province'])}", a.province))
        return out
    book = FactorBook(a.year, a.factor_overrides, source)
    default = a.province or "national"
    for name in ("national_grid", "location", "residual", "footprint"):
        basis, area = getattr(a, f"{name}_basis"), getattr(a, f"{name}_area") or default
        try:
            book.grid(basis, area)
        except InputError as exc:
            out += [Problem(p.file, f"accounting.{name}_basis", p.message, p.id) for p in exc.problems]
    try:
        book.heat(a.heat_basis)
    except InputError as exc:
        out += exc.problems
    return _unique(out)


def _known_province(name: str) -> bool:
    p = provinces()
    return bool(((p["province"] == name.lower()) | (p["name_zh"] == name)).any())


def _unique(problems: list[Problem]) -> list[Problem]:
    seen, out = set(), []
    for p in problems:
        if (p.field, p.message) not in seen:
            seen.add((p.field, p.message))
            out.append(p)
    return out


def _ids(sc, source: str) -> list[Problem]:
    """Asset, enterprise and indicator names the plan sections refer to."""
    kinds = {a.id: a.type for a in sc.assets}
    ents = {e.id for e in sc.enterprises}
    equipment = set(kinds) | {f.id for f in sc.fleets}
    out = [Problem(source, "green_power.direct_assets", f"unknown asset {i!r} (a PV or wind asset id)", i)
           for i in sc.green_power.direct_assets if kinds.get(i) not in ("pv", "wind")]
    for name in ("trade_mwh", "certificates_mwh"):
        out += [Problem(source, f"green_power.{name}.{k}", f"unknown enterprise {k!r} (an enterprise id or 'park')", k)
                for k in getattr(sc.green_power, name) if k not in ents | {"park"}]
    known = set(thresholds_table()["key"])
    out += [Problem(source, f"indicators.thresholds.{k}", f"unknown indicator {k!r}; known: "
                    f"{', '.join(sorted(known))}", k) for k in sc.indicators.thresholds if k not in known]
    out += [Problem(source, f"indicators.grade2_limits_tce_per_t.{k}", f"unknown enterprise {k!r}", k)
            for k in sc.indicators.grade2_limits_tce_per_t if k not in ents]
    e = sc.economics
    listed = [] if e.existing_assets == "all" else e.existing_assets
    declared = {m_asset for m in sc.measures for key in ("assets", "fleets")
                for m_asset in _item_ids(m.change.get(key))}
    out += [Problem(source, "economics.existing_assets", f"unknown asset or fleet {i!r}", i)
            for i in listed if i not in equipment]
    out += [Problem(source, f"economics.capex_overrides_cny.{i}", f"unknown asset or fleet {i!r}", i)
            for i in e.capex_overrides_cny if i not in equipment | declared]
    return out


def _item_ids(items) -> list[str]:
    return [i["id"] for i in items or [] if isinstance(i, dict) and "id" in i]


def _measures(sc, source: str) -> list[Problem]:
    """Unique ids and known requirements (that each applies is checked on load)."""
    ids = [m.id for m in sc.measures]
    out = [Problem(source, "measures", f"duplicate measure id {i!r}", i) for i, n in Counter(ids).items() if n > 1]
    out += [Problem(source, f"measures[{m.id}].requires", f"unknown measure {r!r}", m.id)
            for m in sc.measures for r in m.requires if r not in ids]
    return out
