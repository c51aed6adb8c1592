"""China's working calendar: known dates, astronomy, and the published schedules."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from twin.physics import calendar as cal

YEARS_PUBLISHED = range(2019, 2026)  # schedules checked against chinesecalendar


@pytest.mark.parametrize(
    "year, expected",
    [
        (2015, dt.date(2015, 2, 19)),
        (2020, dt.date(2020, 1, 25)),
        (2024, dt.date(2024, 2, 10)),
        (2025, dt.date(2025, 1, 29)),
        (2026, dt.date(2026, 2, 17)),
        (2030, dt.date(2030, 2, 3)),
    ],
)
def test_spring_festival_known_dates(year, expected):
    assert cal.spring_festival(year) == expected


def test_spring_festival_range_and_year_bounds():
    for year in range(cal.FIRST_YEAR, cal.LAST_YEAR + 1):
        day = cal.spring_festival(year)
        assert dt.date(year, 1, 21) <= day <= dt.date(year, 2, 20)
    with pytest.raises(ValueError, match="2000"):
        cal.spring_festival(1999)
    with pytest.raises(ValueError, match="2060"):
        cal.day_types(2061)


def _sun_longitude_deg(jd: float) -> float:
    """Apparent ecliptic longitude of the sun, Meeus 'Astronomical Algorithms' ch. 25 (±0.01°)."""
    t = (jd - 2451545.0) / 36525.0
    mean_long = 280.46646 + 36000.76983 * t + 0.0003032 * t * t
    anomaly = math.radians(357.52911 + 35999.05029 * t - 0.0001537 * t * t)
    centre = (
        (1.914602 - 0.004817 * t - 0.000014 * t * t) * math.sin(anomaly)
        + (0.019993 - 0.000101 * t) * math.sin(2 * anomaly)
        + 0.000289 * math.sin(3 * anomaly)
    )
    omega = math.radians(125.04 - 1934.136 * t)
    return (mean_long + centre - 0.00569 - 0.00478 * math.sin(omega)) % 360.0


def _qingming_beijing(year: int) -> dt.datetime:
    """Moment the sun reaches 15° longitude, Beijing time (UTC+8), by bisection."""
    epoch = dt.datetime(2000, 1, 1, 12)
    low = (dt.datetime(year, 4, 2) - epoch).total_seconds() / 86400 + 2451545.0
    high = low + 5.0
    for _ in range(40):
        mid = (low + high) / 2
        low, high = (mid, high) if _sun_longitude_deg(mid) < 15.0 else (low, mid)
    return epoch + dt.timedelta(days=low - 2451545.0, hours=8)


def test_qingming_formula_matches_astronomy():
    for year in range(cal.FIRST_YEAR, cal.LAST_YEAR + 1):
        moment = _qingming_beijing(year)
        minutes_from_midnight = min(
            moment.hour * 60 + moment.minute, 1440 - moment.hour * 60 - moment.minute
        )
        if (
            minutes_from_midnight > 20
        ):  # beyond the ±15 min of the low-precision sun (none in 2000-2060)
            assert cal.qingming(year) == moment.date(), year
    assert cal.qingming(2019) == dt.date(2019, 4, 5)
    assert cal.qingming(2024) == dt.date(2024, 4, 4)


def test_holiday_rules_hand_cases():
    h2025 = cal.public_holidays(2025)
    assert [d for d, n in h2025.items() if n == "spring_festival"] == [
        dt.date(2025, 1, 28) + dt.timedelta(days=i) for i in range(8)
    ]  # eve to day 7
    assert [d for d, n in h2025.items() if n in ("national_day", "mid_autumn")] == [
        dt.date(2025, 10, 1) + dt.timedelta(days=i) for i in range(8)
    ]  # merged, 8 days
    assert h2025[dt.date(2025, 10, 6)] == "mid_autumn"
    assert cal.public_holidays(2022)[dt.date(2022, 12, 31)] == "new_year"  # 2023's block
    assert dt.date(2023, 1, 2) in cal.public_holidays(2023)
    assert cal.public_holidays(2023)[dt.date(2023, 4, 5)] == "qingming"  # Wednesday: one day
    assert dt.date(2023, 4, 6) not in cal.public_holidays(2023)
    assert cal.makeup_workdays(2024)[-1] == dt.date(2024, 10, 12)


def _published(year: int):
    cc = pytest.importorskip("chinese_calendar")  # test-only dependency
    days = [
        dt.date(year, 1, 1) + dt.timedelta(days=i) for i in range(366 if year % 4 == 0 else 365)
    ]
    statutory = {
        d for d in days if d.weekday() < 5 and cc.is_holiday(d) and cc.get_holiday_detail(d)[1]
    }
    makeup = {d for d in days if d.weekday() >= 5 and cc.is_workday(d)}
    return days, statutory, makeup, {d: cc.is_workday(d) for d in days}


def test_against_published_schedules_2019_2025():
    """Weekdays off (statutory and bridging), make-up days and workday flags.

    Measured: weekdays off 125/127 published found (98.4 %; misses 2020-01-31,
    the COVID-19 extension, and 2024-02-16, that year's block began on day 1),
    125/126 of ours published; make-up days 44/46 (95.7 %); workday/non-workday
    agreement 2549/2557 days (99.7 %).
    """
    totals = dict(published=0, found=0, ours=0, makeup=0, makeup_found=0, days=0, agree=0)
    for year in YEARS_PUBLISHED:
        days, statutory, makeup, is_workday = _published(year)
        ours = {d for d in cal.public_holidays(year) if d.weekday() < 5}
        types = cal.day_types(year)
        assert len(statutory & ours) >= 0.9 * len(statutory), year
        totals["published"] += len(statutory)
        totals["found"] += len(statutory & ours)
        totals["ours"] += len(ours)
        totals["makeup"] += len(makeup)
        totals["makeup_found"] += len(makeup & set(cal.makeup_workdays(year)))
        totals["days"] += len(days)
        totals["agree"] += sum((types[str(d)] == "workday") == is_workday[d] for d in days)
    assert totals["found"] / totals["published"] >= 0.97
    assert totals["found"] / totals["ours"] >= 0.97
    assert totals["makeup_found"] / totals["makeup"] >= 0.9
    assert totals["agree"] / totals["days"] >= 0.99


def test_day_counts_plausible():
    for year in range(cal.FIRST_YEAR, cal.LAST_YEAR + 1):
        counts = cal.day_types(year).value_counts()
        assert 244 <= counts["workday"] <= 254, year
        assert counts.sum() == (366 if year % 4 == 0 else 365)
    six_day = cal.day_types(2030, weekend_days=(6,)).value_counts()
    assert six_day["workday"] > 290
    continuous = cal.day_types(2030, weekend_days=()).value_counts()
    assert "weekend" not in continuous and continuous["holiday"] >= 28


def test_day_types_shape_and_makeup_switch():
    types = cal.day_types(2024)
    assert types.index[0] == dt.datetime(2024, 1, 1) and len(types) == 366
    assert set(types.unique()) == {"workday", "weekend", "holiday"}
    assert types["2024-02-12"] == "holiday"
    assert types["2024-10-12"] == "workday"  # Saturday make-up day of National Day
    assert cal.day_types(2024, makeup=False)["2024-10-12"] == "weekend"
    with pytest.raises(ValueError, match="weekend_days"):
        cal.day_types(2024, weekend_days=(7,))


def test_spring_festival_window():
    first, last = cal.spring_festival_window(2026, 10, 15)
    assert first == dt.date(2026, 2, 7) and last == dt.date(2026, 3, 4)
    assert cal.spring_festival_window(2026, 0, 0) == (dt.date(2026, 2, 17),) * 2
    with pytest.raises(ValueError):
        cal.spring_festival_window(2026, -1, 3)
