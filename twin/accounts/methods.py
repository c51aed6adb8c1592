"""Carbon accounts side by side, each with its own factors, never mixed.

- :func:`national_account`: 《零碳园区碳排放核算方法（试行）》 for the park: fossil fuel
  burned, industrial processes, net inflow of grid electricity (fossil-power factor by
  default), heat bought from outside the park (heat exports are not netted); in-park
  renewables and direct green power at zero; green trades and certificates at zero or
  not recognised (an option).
- :func:`ghg_accounts` / :func:`ghg_park_accounts`: GHG Protocol scope 1 and scope 2,
  location-based (grid average) and market-based (contracts at zero, rest at the residual
  mix), per enterprise and consolidated for the park (in-park transfers cancel).
- :func:`product_footprints`: CBAM-style direct + indirect CO2 per tonne of product:
  only physically delivered green power (in-park, direct connection) is zero;
  certificates and green trades over the grid do not count.

CCUS, sinks and offsets are separate ``deduction`` lines; the options choose which
lines the net subtracts, and the gross is always shown. In the GHG Protocol accounts, CO2
transferred to geological storage is not emitted (EU MRR 2018/2066, Art. 49): it is a
scope 1 line ``ccs:stored`` that subtracts it, so scope 1 is what reaches the air, and the
stored tonnes are reported beside it (``Account.ccs_stored_co2_t``), not deducted again. Inputs are the typed activity
records of :mod:`twin.accounts.inputs`; quantities are annual: fuels in their carrier
unit (t, m3), energy MWh, CO2 t.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field

import pandas as pd

from twin.accounts.inputs import (
    AccountingOptions,
    EnterpriseActivity,
    ParkActivity,
    validate_options,
    validate_park,
)
from twin.catalog.factors import FactorBook

DEFAULT_OPTIONS = AccountingOptions()
CCS_STORED = "ccs:stored"

__all__ = ["AccountLine", "Account", "ProductFootprint", "national_account", "ghg_accounts",
           "ghg_park_accounts", "product_footprints", "park_accounts", "compare_frame",
           "AccountingOptions", "EnterpriseActivity", "ParkActivity"]


@dataclass(frozen=True)
class AccountLine:
    """One line of an account.

    ``kind``: ``emission`` (counted in gross), ``zero`` (activity at a zero factor, shown),
    ``deduction`` (CCUS, sinks, offsets; subtracted from net when ``deducted``) or
    ``memo`` (shown, never counted). ``scope`` is 1 or 2 for GHG Protocol lines.
    """

    item: str
    kind: str
    activity: float
    activity_unit: str
    factor: float
    factor_unit: str
    co2_t: float
    scope: int | None = None
    deducted: bool = False
    note: str = ""


@dataclass(frozen=True)
class Account:
    """An account of one entity under one method: lines, gross, deductions and net."""

    method: str
    entity: str
    lines: tuple[AccountLine, ...]

    @property
    def gross_co2_t(self) -> float:
        """Sum of emission lines [tCO2]."""
        return sum(ln.co2_t for ln in self.lines if ln.kind == "emission")

    @property
    def deductions_co2_t(self) -> float:
        """Sum of deduction lines the options subtract [tCO2]."""
        return sum(ln.co2_t for ln in self.lines if ln.kind == "deduction" and ln.deducted)

    @property
    def net_co2_t(self) -> float:
        """Gross minus the subtracted deductions [tCO2]."""
        return self.gross_co2_t - self.deductions_co2_t

    @property
    def ccs_stored_co2_t(self) -> float:
        """CO2 transferred to geological storage, outside scope 1 (GHG accounts) [tCO2]."""
        return -sum(ln.co2_t for ln in self.lines if ln.item == CCS_STORED)

    def scope_co2_t(self, scope: int) -> float:
        """Emissions of one GHG Protocol scope [tCO2]."""
        return sum(ln.co2_t for ln in self.lines if ln.kind == "emission" and ln.scope == scope)

    def line(self, item: str) -> AccountLine:
        """The line named ``item`` (KeyError if absent)."""
        for ln in self.lines:
            if ln.item == item:
                return ln
        raise KeyError(f"{self.method}/{self.entity} has no line {item!r}")

    def totals(self) -> dict[str, float]:
        """Gross, deductions, net and scope totals [tCO2]."""
        return {"gross_co2_t": self.gross_co2_t, "deductions_co2_t": self.deductions_co2_t,
                "net_co2_t": self.net_co2_t, "scope1_co2_t": self.scope_co2_t(1),
                "scope2_co2_t": self.scope_co2_t(2)}

    def to_dict(self) -> dict:
        """Plain mapping (JSON-ready) with lines and totals."""
        return {"method": self.method, "entity": self.entity,
                "lines": [asdict(ln) for ln in self.lines], **self.totals()}


@dataclass(frozen=True)
class ProductFootprint:
    """Embedded CO2 of one product of one enterprise (CBAM-style, no precursors)."""

    enterprise: str
    product: str
    output_t: float
    share_frac: float
    direct_co2_t: float
    indirect_co2_t: float
    lines: tuple[AccountLine, ...] = field(default=())

    @property
    def t_co2_per_t(self) -> float:
        """(direct + indirect) per tonne of product [tCO2/t]; NaN without output."""
        if self.output_t <= 0:
            return float("nan")
        return (self.direct_co2_t + self.indirect_co2_t) / self.output_t

    def to_dict(self) -> dict:
        """Plain mapping without the lines."""
        return {"enterprise": self.enterprise, "product": self.product, "output_t": self.output_t,
                "share_frac": self.share_frac, "direct_co2_t": self.direct_co2_t,
                "indirect_co2_t": self.indirect_co2_t, "t_co2_per_t": self.t_co2_per_t}


def _validate(park: ParkActivity, book: FactorBook, opt: AccountingOptions) -> None:
    validate_options(opt, book.file)
    validate_park(park, book.file)


def _ln(item: str, kind: str, qty: float, unit: str, factor: float, **kw) -> AccountLine:
    unit_f = f"t_co2_per_{unit.lower()}"
    return AccountLine(item, kind, qty, unit, factor, unit_f, qty * factor, **kw)


def _scope1(e: EnterpriseActivity, book: FactorBook) -> list[AccountLine]:
    """Fuel combustion per fuel and process CO2 (measured and per product tonne)."""
    out = [_ln(f"fuel:{c}", "emission", q, book.fuel_unit(c), book.fuel_co2(c), scope=1)
           for c, q in sorted(e.fuel_use.items())]
    if e.process_co2_t:
        out.append(AccountLine("process:measured", "emission", e.process_co2_t, "t_co2", 1.0,
                               "t_co2_per_t_co2", e.process_co2_t, scope=1))
    out += [_ln(f"process:{p}", "emission", t, "t", book.process(p), scope=1)
            for p, t in sorted(e.process_output_t.items())]
    return out


def _heat_and_internal(e: EnterpriseActivity, book: FactorBook, opt: AccountingOptions,
                       carriers: Iterable[str] = ("electricity", "heat")) -> list[AccountLine]:
    """Bought heat and in-park transfers (scope 2 of the buyer)."""
    out = []
    if e.heat_bought_mwh and "heat" in carriers:
        f = e.heat_factor_t_per_mwh
        f = book.heat(opt.heat_basis) if f is None else f
        out.append(_ln("heat:bought", "emission", e.heat_bought_mwh, "MWh", f, scope=2))
    out += [_ln(f"internal:{s.carrier}:{s.supplier_id}", "emission", s.mwh, "MWh", s.t_co2_per_mwh,
                scope=2, note="in-park transfer: cancels in the park account")
            for s in e.internal if s.carrier in carriers]
    return out


def _zero_lines(grid_free: Mapping[str, float], scope: int | None = 2) -> list[AccountLine]:
    return [_ln(item, "zero", q, "MWh", 0.0, scope=scope) for item, q in grid_free.items() if q]


def _green_cover(grid_mwh: float, trade_mwh: float, cert_mwh: float) -> tuple[float, float, float]:
    """Contract MWh applied to grid electricity: trades first, then certificates; excess unused."""
    trade = min(trade_mwh, max(grid_mwh, 0.0))
    certs = min(cert_mwh, max(grid_mwh - trade, 0.0))
    return trade, certs, trade_mwh + cert_mwh - trade - certs


def _deductions(stored: float, utilised: float, sinks: float, offsets: float,
                opt: AccountingOptions) -> list[AccountLine]:
    items = {"ccus_stored": stored, "ccus_utilised": utilised, "sinks": sinks, "offsets": offsets}
    return [AccountLine(f"deduction:{k}", "deduction", v, "t_co2", 1.0, "t_co2_per_t_co2", v,
                        deducted=k in opt.deductions) for k, v in items.items() if v]


def _ccs_stored(stored_t: float) -> list[AccountLine]:
    """Scope 1 line taking out the CO2 transferred to geological storage (not emitted)."""
    if not stored_t:
        return []
    return [AccountLine(CCS_STORED, "emission", stored_t, "t_co2", -1.0, "t_co2_per_t_co2", -stored_t,
                        scope=1, note="transferred to geological storage: not emitted (EU MRR 2018/2066 "
                        "Art. 49); reported separately, as the GHG Protocol asks")]


def national_account(park: ParkActivity, book: FactorBook,
                     opt: AccountingOptions = DEFAULT_OPTIONS) -> Account:
    """The park under 《零碳园区碳排放核算方法（试行）》 [tCO2, one calendar year]."""
    _validate(park, book, opt)
    ents = park.enterprises
    lines = _merge([ln for e in ents for ln in _scope1(e, book)], scope=None)
    lines += _national_electricity(park, book, opt)
    lines += _merge([ln for e in ents for ln in _heat_and_internal(e, book, opt, ("heat",))
                     if not ln.item.startswith("internal:")], scope=None)
    lines += _deductions(park.ccus_stored_total_t, park.ccus_utilised_total_t, park.sinks_t,
                         park.offsets_t, opt)
    if park.bunker_co2_t:
        lines.append(AccountLine("memo:international_bunkers", "memo", park.bunker_co2_t, "t_co2",
                                 1.0, "t_co2_per_t_co2", park.bunker_co2_t,
                                 note="listed separately, not deducted"))
    return Account("national_park", "park", tuple(lines))


def _national_electricity(park: ParkActivity, book: FactorBook,
                          opt: AccountingOptions) -> list[AccountLine]:
    """Net grid inflow at the method's factor; recognised contracts and green supply at zero."""
    ents = park.enterprises
    inflow = sum(e.grid_electricity_mwh for e in ents) - park.exported_mwh
    note = "net inflow = grid import - export"
    if inflow < 0 and not opt.credit_net_export:
        inflow, note = 0.0, "net exporter: inflow floored at 0 (credit_net_export=False)"
    trade_in = sum(e.green_trade_mwh for e in ents) if opt.green_trade == "zero" else 0.0
    cert_in = sum(e.certificates_mwh for e in ents) if opt.certificates == "zero" else 0.0
    trade, certs, unused = _green_cover(inflow, trade_in, cert_in)
    ef = book.grid(opt.national_grid_basis, opt.national_grid_area)
    lines = [_ln("electricity:grid_net_inflow", "emission", inflow - trade - certs, "MWh", ef,
                 note=note)]
    lines += _zero_lines({"electricity:green_trade": trade, "electricity:certificates": certs,
                          "electricity:inpark_renewable": sum(e.inpark_renewable_mwh for e in ents),
                          "electricity:direct_green": sum(e.direct_green_mwh for e in ents)}, None)
    return lines + _not_recognised(park, opt, unused)


def _not_recognised(park: ParkActivity, opt: AccountingOptions, unused: float) -> list[AccountLine]:
    """Memo lines for contracts the options do not recognise, or that exceed the inflow."""
    out = []
    for name, treat in (("green_trade", opt.green_trade), ("certificates", opt.certificates)):
        q = sum(getattr(e, f"{name}_mwh") for e in park.enterprises)
        if q and treat == "not_recognised":
            out.append(_ln(f"memo:{name}_not_recognised", "memo", q, "MWh", 0.0))
    if unused > 1e-12:
        out.append(_ln("memo:contracts_exceeding_grid", "memo", unused, "MWh", 0.0))
    return out


def ghg_accounts(e: EnterpriseActivity, book: FactorBook,
                 opt: AccountingOptions = DEFAULT_OPTIONS) -> tuple[Account, Account]:
    """GHG Protocol (location-based, market-based) accounts of one enterprise."""
    _validate(ParkActivity((e,)), book, opt)
    s1 = _scope1(e, book)
    free = {"electricity:inpark_renewable": e.inpark_renewable_mwh,
            "electricity:direct_green": e.direct_green_mwh}
    common = _zero_lines(free) + _heat_and_internal(e, book, opt)
    common += _deductions(0.0, e.ccus_utilised_t, 0.0, 0.0, opt)
    s1 = s1 + _ccs_stored(e.ccus_stored_t)
    ef_loc = book.grid(opt.location_basis, opt.location_area)
    loc = [*s1, _ln("electricity:grid", "emission", e.grid_electricity_mwh, "MWh", ef_loc, scope=2)]
    grid = e.grid_electricity_mwh
    trade, certs, unused = _green_cover(grid, e.green_trade_mwh, e.certificates_mwh)
    ef_res = book.grid(opt.residual_basis, opt.residual_area)
    mkt = [*s1, _ln("electricity:residual", "emission", e.grid_electricity_mwh - trade - certs,
                    "MWh", ef_res, scope=2)]
    mkt += _zero_lines({"electricity:green_trade": trade, "electricity:certificates": certs})
    if unused > 1e-12:
        mkt.append(_ln("memo:contracts_exceeding_grid", "memo", unused, "MWh", 0.0))
    return (Account("ghg_location", e.id, tuple(loc + common)),
            Account("ghg_market", e.id, tuple(mkt + common)))


def ghg_park_accounts(park: ParkActivity, book: FactorBook,
                      opt: AccountingOptions = DEFAULT_OPTIONS) -> tuple[Account, Account]:
    """Consolidated park GHG accounts: enterprise lines summed, in-park transfers removed."""
    _validate(park, book, opt)
    pairs = [ghg_accounts(e, book, opt) for e in park.enterprises]
    extra = _ccs_stored(park.ccus_stored_t) + _deductions(0.0, park.ccus_utilised_t, park.sinks_t,
                                                          park.offsets_t, opt)
    out = []
    for i, method in enumerate(("ghg_location", "ghg_market")):
        lines = [ln for pair in pairs for ln in pair[i].lines
                 if not ln.item.startswith("internal:")]
        out.append(Account(method, "park", tuple(_merge(lines + extra))))
    return out[0], out[1]


def _merge(lines: Sequence[AccountLine], scope: int | None | str = "keep") -> list[AccountLine]:
    """Sum lines with the same item (factor = co2 / activity); order of first appearance."""
    merged: dict[str, AccountLine] = {}
    for ln in lines:
        s = ln.scope if scope == "keep" else scope
        act, co2, f = ln.activity, ln.co2_t, ln.factor
        if ln.item in merged:
            m = merged[ln.item]
            act, co2 = m.activity + act, m.co2_t + co2
            f = co2 / act if act else m.factor
        merged[ln.item] = AccountLine(ln.item, ln.kind, act, ln.activity_unit, f, ln.factor_unit,
                                      co2, s, ln.deducted, ln.note)
    return list(merged.values())


def product_footprints(e: EnterpriseActivity, book: FactorBook,
                       opt: AccountingOptions = DEFAULT_OPTIONS) -> list[ProductFootprint]:
    """CBAM-style footprint of each product of ``e``, allocated by tonnes or by given shares.

    Direct: fuels, processes and heat (bought or in-park) minus CO2 captured here and
    geologically stored. Indirect: grid electricity at ``opt.footprint_basis`` whatever
    certificates or green trades cover it, in-park electricity transfers at their factor;
    in-park renewables and direct green connection at zero.
    """
    _validate(ParkActivity((e,)), book, opt)
    direct = _scope1(e, book) + _heat_and_internal(e, book, opt, ("heat",))
    if e.ccus_stored_t:
        direct.append(AccountLine("deduction:ccus_stored", "emission", -e.ccus_stored_t, "t_co2",
                                  1.0, "t_co2_per_t_co2", -e.ccus_stored_t,
                                  note="CO2 transferred for geological storage is subtracted"))
    ef = book.grid(opt.footprint_basis, opt.footprint_area)
    indirect = [_ln("electricity:grid", "emission", e.grid_electricity_mwh, "MWh", ef)]
    indirect += _heat_and_internal(e, book, opt, ("electricity",))
    indirect += _zero_lines({"electricity:inpark_renewable": e.inpark_renewable_mwh,
                             "electricity:direct_green": e.direct_green_mwh}, None)
    d_t = sum(ln.co2_t for ln in direct)
    i_t = sum(ln.co2_t for ln in indirect if ln.kind == "emission")
    shares = e.allocation_shares()
    lines = tuple(direct + indirect)
    return [ProductFootprint(e.id, p, e.products_t[p], s, d_t * s, i_t * s, lines)
            for p, s in shares.items()]


def park_accounts(park: ParkActivity, book: FactorBook,
                  opt: AccountingOptions = DEFAULT_OPTIONS) -> dict[str, Account]:
    """The park under every method: ``national_park``, ``ghg_location``, ``ghg_market``."""
    loc, mkt = ghg_park_accounts(park, book, opt)
    return {"national_park": national_account(park, book, opt), "ghg_location": loc,
            "ghg_market": mkt}


def compare_frame(accounts: Iterable[Account]) -> pd.DataFrame:
    """CO2 [t] by line (rows) and method/entity (columns), with gross, deductions and net rows."""
    cols = {}
    for a in accounts:
        col = {ln.item: ln.co2_t for ln in a.lines}
        col.update({"total:gross": a.gross_co2_t, "total:deductions": a.deductions_co2_t,
                    "total:net": a.net_co2_t})
        cols[f"{a.method}/{a.entity}"] = col
    frame = pd.DataFrame(cols).fillna(0.0)
    order = [i for i in frame.index if not i.startswith("total:")] + [
        "total:gross", "total:deductions", "total:net"]
    return frame.loc[order] if cols else frame
