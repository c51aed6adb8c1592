"""Report sections on data quality: what the screens excluded, and changes of regime."""

from __future__ import annotations

import html

from calibration.screening import SCREENS

MAX_DAYS = 12  # screened dates listed per meter and screen before "... and N more"


def screening_section(metrics: dict) -> str:
    """Readings each screen excluded (or flagged and kept), per meter; '' if none."""
    meters = metrics.get("cleaning", {}).get("meters", {})
    rows = []
    for meter, counts in meters.items():
        screened, kept = counts.get("screened", {}), counts.get("kept_screened", {})
        if not (screened or kept):
            continue
        cells = [f"{screened.get(s, 0)}" + (f" (+{kept[s]} kept)" if s in kept else "")
                 for s in SCREENS]
        days = "; ".join(_days(name, dates) for name, dates in
                         counts.get("screened_days", {}).items())
        dup = counts.get("duplicate_of")
        note = (f"repeats {dup}. " if dup else "") + days
        rows.append(f"<tr><td class='l'>{html.escape(meter)}</td>"
                    + "".join(f"<td>{c}</td>" for c in cells)
                    + f"<td class='l'>{html.escape(note)}</td></tr>")
    if not rows:
        return "<h2>Data-quality screens</h2><p>No reading was screened.</p>"
    head = "".join(f"<th>{s}</th>" for s in SCREENS)
    return ("<h2>Data-quality screens</h2><p>Readings excluded from fitting and from the "
            "metrics (kept ones are counted but used; see calibration.screening).</p>"
            f"<table><tr><th class='l'>meter</th>{head}<th class='l'>notes</th></tr>"
            f"{''.join(rows)}</table>")


def _days(name: str, dates: list[str]) -> str:
    more = f" ... and {len(dates) - MAX_DAYS} more" if len(dates) > MAX_DAYS else ""
    return f"{name} on {len(dates)} days: {', '.join(dates[:MAX_DAYS])}{more}"


def regime_section(metrics: dict) -> str:
    """One line per meter: level, schedule, temperature response changed or not."""
    found = metrics.get("regime")
    if not found:
        return ""
    rows = "".join(f"<tr><td class='l'>{html.escape(m)}</td><td class='l'>"
                   f"{html.escape(r['verdict'])}</td></tr>" for m, r in found.items())
    return ("<h2>Change of regime (fitted vs predicted readings)</h2><p>From the data alone: "
            "daily change-point regressions and week profiles of both periods "
            "(calibration.regime).</p><table><tr><th class='l'>meter</th>"
            f"<th class='l'>finding</th></tr>{rows}</table>")


def weather_section(metrics: dict) -> str:
    """The weather used; for a synthetic year, its spread and the PV-yield uncertainty."""
    weather = metrics.get("weather")
    if not weather:
        return ""
    text = f"Weather: {html.escape(str(weather.get('path') or weather['source']))}"
    spread = weather.get("spread")
    if spread:
        u = spread["pv_yield_uncertainty_frac"]
        text += (f" (synthetic year of {html.escape(str(spread['site']))}; PV yield "
                 + (f"uncertain by &plusmn;{100 * u:.1f} %: synthetic against typical year "
                    f"{100 * spread['pv_synthetic_vs_typical_frac']:+.1f} %, station means "
                    f"against typical year {100 * spread['ghi_station_vs_typical_frac']:+.1f} % GHI)"
                    if u is not None else f"uncertainty unknown: {html.escape(spread['note'])})"))
    return f"<p>{text}.</p>"
