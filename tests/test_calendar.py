"""China's working calendar: known dates, astronomy, and the published schedules."""

from __future__ import annotations

import datetime as dt
import math
import warnings

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
    with pytest.raises(ValueError, match="days_before and days_after must be ≥ 0, got -1, 3"):
        cal.spring_festival_window(2026, -1, 3)


# Hand cases of the module's stated rules, one era at a time. Every date below is the
# published State Council schedule (as the ``chinese_calendar`` package has it, 2004 on)
# unless a comment says the rules knowingly differ from it.


def _block(year: int, name: str) -> list[dt.date]:
    return [d for d, n in cal.public_holidays(year).items() if n == name]


def _days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


def _makeup_between(year: int, first: dt.date, last: dt.date) -> list[dt.date]:
    return [d for d in cal.makeup_workdays(year) if first <= d <= last]


def test_spring_festival_block_by_era():
    # before 2008: day 1 (2005-02-09, Wednesday) through day 7; 5 weekdays off, 3 statutory,
    # so 2 make-up days (published Feb 5 and 6; the rule takes the nearest per side: count only)
    assert _block(2005, "spring_festival") == _days(dt.date(2005, 2, 9), dt.date(2005, 2, 15))
    assert len(_makeup_between(2005, dt.date(2005, 1, 20), dt.date(2005, 2, 28))) == 2
    # 2008 is the first year of eve through day 6 (Spring Festival 2008-02-07)
    assert _block(2008, "spring_festival") == _days(dt.date(2008, 2, 6), dt.date(2008, 2, 12))
    # 2019: eve on Monday, a Monday-Sunday block works the whole weekend before
    assert _block(2019, "spring_festival") == _days(dt.date(2019, 2, 4), dt.date(2019, 2, 10))
    assert _makeup_between(2019, dt.date(2019, 1, 20), dt.date(2019, 2, 28)) == [
        dt.date(2019, 2, 2), dt.date(2019, 2, 3)]
    # 2025: 8 days, 6 weekdays off and 4 statutory days -> 2 make-up days, one each side
    assert _makeup_between(2025, dt.date(2025, 1, 10), dt.date(2025, 2, 28)) == [
        dt.date(2025, 1, 26), dt.date(2025, 2, 8)]


def test_labour_day_block_by_era():
    # before 2008: May 1-7 (3 statutory days); 2005 worked Sat Apr 30 and Sun May 8
    assert _block(2005, "labour_day") == _days(dt.date(2005, 5, 1), dt.date(2005, 5, 7))
    assert _makeup_between(2005, dt.date(2005, 4, 15), dt.date(2005, 5, 31)) == [
        dt.date(2005, 4, 30), dt.date(2005, 5, 8)]
    # 2008-2018: the three-day rule; 2008-05-01 is a Thursday -> Thu-Sat, works the Sunday after
    assert _block(2008, "labour_day") == _days(dt.date(2008, 5, 1), dt.date(2008, 5, 3))
    assert _makeup_between(2008, dt.date(2008, 4, 15), dt.date(2008, 5, 31)) == [dt.date(2008, 5, 4)]
    # from 2019, five days; May 1 on Sunday (2022) or Monday (2023) starts on the Saturday before
    assert _block(2022, "labour_day") == _days(dt.date(2022, 4, 30), dt.date(2022, 5, 4))
    assert _block(2023, "labour_day") == _days(dt.date(2023, 4, 29), dt.date(2023, 5, 3))
    assert _makeup_between(2023, dt.date(2023, 4, 15), dt.date(2023, 5, 31)) == [
        dt.date(2023, 4, 23), dt.date(2023, 5, 6)]
    # ... and on any other weekday starts on May 1 (2029-05-01 is a Tuesday; no published year)
    assert _block(2029, "labour_day") == _days(dt.date(2029, 5, 1), dt.date(2029, 5, 5))
    # 2025: 2 statutory days, so Thu-Mon (3 weekdays off) is paid back by one day, Sun Apr 27
    assert _block(2025, "labour_day") == _days(dt.date(2025, 5, 1), dt.date(2025, 5, 5))
    assert _makeup_between(2025, dt.date(2025, 4, 15), dt.date(2025, 5, 31)) == [dt.date(2025, 4, 27)]


def test_autumn_blocks_by_era():
    # before 2008: National Day Oct 1-7 alone; 2005 worked the weekend after (Oct 8 and 9)
    h2005 = cal.public_holidays(2005)
    assert [d for d in h2005 if d.month in (9, 10)] == _days(dt.date(2005, 10, 1), dt.date(2005, 10, 7))
    assert set(h2005[d] for d in _days(dt.date(2005, 10, 1), dt.date(2005, 10, 7))) == {"national_day"}
    assert _makeup_between(2005, dt.date(2005, 9, 15), dt.date(2005, 10, 31)) == [
        dt.date(2005, 10, 8), dt.date(2005, 10, 9)]
    # from 2008 Mid-Autumn is a holiday: 2008-09-14 is a Sunday -> Sat-Mon (published Sep 13-15).
    # (2008's National Day was published as Sep 29-Oct 5; the rule keeps Oct 1-7.)
    assert _block(2008, "mid_autumn") == _days(dt.date(2008, 9, 13), dt.date(2008, 9, 15))
    # 2019: Mid-Autumn (Friday Sep 13) apart from National Day, each with its own name
    assert _block(2019, "mid_autumn") == _days(dt.date(2019, 9, 13), dt.date(2019, 9, 15))
    assert _block(2019, "national_day") == _days(dt.date(2019, 10, 1), dt.date(2019, 10, 7))
    # 2023: Mid-Autumn on Sep 29, the first day of the merging range: 8 days from it
    h2023 = cal.public_holidays(2023)
    assert [d for d in h2023 if d.month in (9, 10)] == _days(dt.date(2023, 9, 29), dt.date(2023, 10, 6))
    assert h2023[dt.date(2023, 9, 29)] == "mid_autumn" and h2023[dt.date(2023, 9, 30)] == "national_day"
    assert _makeup_between(2023, dt.date(2023, 9, 15), dt.date(2023, 10, 31)) == [
        dt.date(2023, 10, 7), dt.date(2023, 10, 8)]


def test_new_year_makeup_day_in_the_december_before():
    # 2019-01-01 is a Tuesday: Sun Dec 30 - Tue Jan 1 off, paid back on Saturday 2018-12-29,
    # a day of 2018 that belongs to 2019's schedule
    assert dt.date(2018, 12, 29) in cal.makeup_workdays(2018)
    assert cal.day_types(2018)["2018-12-29"] == "workday"
    assert cal.public_holidays(2018)[dt.date(2018, 12, 30)] == "new_year"


def test_makeup_days_alternate_sides_nearest_first():
    # The rules give at most 2 make-up days per block in 2000-2060; the stated rule ("the
    # nearest weekend day on each side, the nearer side first") is general, so check it on a
    # Tuesday-Saturday block owing 4 days: Sun May 6 (1 day after) is nearer than Sun Apr 29
    # (2 days before); then the next free weekend day on each side, Sat May 12 and Sat Apr 28.
    first, last = dt.date(2029, 5, 1), dt.date(2029, 5, 5)
    taken = set(_days(first, last))
    assert cal._block_makeup(first, last, 4, taken) == [
        dt.date(2029, 5, 6), dt.date(2029, 4, 29), dt.date(2029, 5, 12), dt.date(2029, 4, 28)]
    # taken days are skipped: with Apr 28-29 taken by another block, the before side moves a week
    taken |= {dt.date(2029, 4, 28), dt.date(2029, 4, 29)}
    assert cal._block_makeup(first, last, 3, taken) == [
        dt.date(2029, 5, 6), dt.date(2029, 4, 22), dt.date(2029, 5, 12)]


def test_day_types_names_and_no_warnings():
    # the names a user sees in a frame or a CSV made from the series
    types = cal.day_types(2024)
    assert types.index.name == "date" and types.name == "day_type"
    # no deprecated pandas aliases: a warning today is an error in the next pandas
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cal.day_types(2023)
