"""China's working calendar for enterprise demand, any year 2000–2060.

The State Council publishes each year's holiday schedule only in the November
before, so future years need rules. This module applies rules distilled from
the published schedules (国务院办公厅关于部分节假日安排的通知, 2008–2026)
and the statutory day counts of 《全国年节及纪念日放假办法》 (1999, 2007,
2013 and 2024 revisions). Its agreement with the published schedules (through
the ``chinesecalendar`` package, 2019–2025) is measured in
``tests/test_calendar.py``.

Rules
-----
- One-day festivals (New Year's Day, Qingming, Dragon Boat, Mid-Autumn) form a
  three-day block with the nearest weekend, by the weekday of the festival:
  Mon → Sat–Mon, Tue → Sun–Tue, Wed → Wed alone, Thu → Thu–Sat,
  Fri → Fri–Sun, Sat → Sat–Mon, Sun → Sat–Mon.
- Spring Festival (春节, lunar 1/1): from 2025 eve (除夕) through day 7
  (初七), 8 days (the 2024 revision made the eve statutory, 4 statutory
  days); 2008–2024 eve through day 6, 7 days (3 statutory); before 2008
  day 1 through day 7.
- Labour Day: from 2019 five days May 1–5, starting on the Saturday before
  when May 1 is a Sunday or Monday (1 statutory day; 2 from 2025);
  2008–2018 the three-day rule; before 2008 May 1–7.
- National Day: Oct 1–7 (3 statutory days). When Mid-Autumn falls between
  Sep 29 and Oct 7 the two merge into 8 days (from Mid-Autumn if it is in
  September, else Oct 1–8).
- Qingming, Dragon Boat (lunar 5/5) and Mid-Autumn (lunar 8/15) are
  holidays from 2008. Qingming is the day of the solar term (sun at 15°
  ecliptic longitude, Beijing time), by the standard 21st-century formula
  ``day = ⌊0.2422·Y + 4.81⌋ − ⌊Y/4⌋`` with Y the year within the century.
- Make-up working days (调休): a block that takes more weekdays off than it
  has statutory days is paid back on weekend days: on the whole weekend that
  touches the block if there is one (a Monday–Sunday block works the
  Saturday and Sunday before), else on the nearest weekend day on each side,
  the nearer side first (a Thursday–Saturday block works the Sunday after).
  The State Council's choice of side varies from year to year, so these are
  right in count and mostly right in date; ``day_types(..., makeup=False)``
  drops them.

Not modelled: one-off changes (2015-09-03 Victory Day, the 2020 Spring
Festival extension for COVID-19, 2026's 9-day Spring Festival).
"""

from __future__ import annotations

import datetime as dt
from functools import cache

import pandas as pd
from lunardate import LunarDate

FIRST_YEAR, LAST_YEAR = 2000, 2060
DAY = dt.timedelta(days=1)
STATE_WEEKEND = (5, 6)  # Saturday, Sunday (Monday = 0)

# weekday of a one-day festival -> (first, last) day of its block relative to it
THREE_DAY_BLOCK_D = {0: (-2, 0), 1: (-2, 0), 2: (0, 0), 3: (0, 2), 4: (0, 2), 5: (0, 2), 6: (-1, 1)}

Block = tuple[str, dt.date, dt.date, int]  # name, first day, last day, statutory days


def _check_year(year: int) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(f"year must be within {FIRST_YEAR}–{LAST_YEAR}, got {year}")


def _lunar(year: int, month: int, day: int) -> dt.date:
    return LunarDate(year, month, day).to_solar_date()


def spring_festival(year: int) -> dt.date:
    """Date of the Spring Festival (春节, lunar new year's day).

    Parameters
    ----------
    year : int
        Gregorian year, 2000–2060.

    Returns
    -------
    datetime.date
        Lunar 1/1 of the lunar year starting in ``year``.
    """
    _check_year(year)
    return _lunar(year, 1, 1)


def qingming(year: int) -> dt.date:
    """Date of the Qingming solar term (清明, sun at 15° ecliptic longitude).

    Standard formula for the 21st century (寿星通用公式, C = 4.81,
    D = 0.2422); checked against an astronomical solar longitude for
    2000–2060 in the tests.

    Parameters
    ----------
    year : int
        Gregorian year, 2000–2099.

    Returns
    -------
    datetime.date
        April 4 or 5 (Beijing time).
    """
    y = year % 100
    return dt.date(year, 4, int(y * 0.2422 + 4.81) - y // 4)


def _three_day(name: str, day: dt.date, statutory_d: int = 1) -> Block:
    before_d, after_d = THREE_DAY_BLOCK_D[day.weekday()]
    return name, day + before_d * DAY, day + after_d * DAY, statutory_d


def _spring_festival_block(year: int) -> Block:
    new_year = _lunar(year, 1, 1)
    if year >= 2025:
        return "spring_festival", new_year - DAY, new_year + 6 * DAY, 4
    if year >= 2008:
        return "spring_festival", new_year - DAY, new_year + 5 * DAY, 3
    return "spring_festival", new_year, new_year + 6 * DAY, 3


def _labour_day_block(year: int) -> Block:
    may_1 = dt.date(year, 5, 1)
    if year < 2008:
        return "labour_day", may_1, may_1 + 6 * DAY, 3
    if year < 2019:
        return _three_day("labour_day", may_1)
    start = may_1 - {6: 1, 0: 2}.get(may_1.weekday(), 0) * DAY
    return "labour_day", start, start + 4 * DAY, 2 if year >= 2025 else 1


def _autumn_blocks(year: int) -> list[Block]:
    """Mid-Autumn and National Day, merged when they meet."""
    mid_autumn = _lunar(year, 8, 15)
    oct_1 = dt.date(year, 10, 1)
    if year < 2008:
        return [("national_day", oct_1, oct_1 + 6 * DAY, 3)]
    if dt.date(year, 9, 29) <= mid_autumn <= dt.date(year, 10, 7):
        start = min(mid_autumn, oct_1)
        return [("national_day", start, start + 7 * DAY, 4)]
    return [_three_day("mid_autumn", mid_autumn), ("national_day", oct_1, oct_1 + 6 * DAY, 3)]


@cache
def _blocks(year: int) -> tuple[Block, ...]:
    """Holiday blocks of one year's schedule, in date order (may start in Dec of year - 1)."""
    blocks = [_three_day("new_year", dt.date(year, 1, 1)), _spring_festival_block(year)]
    if year >= 2008:
        blocks.append(_three_day("qingming", qingming(year)))
    blocks.append(_labour_day_block(year))
    if year >= 2008:
        blocks.append(_three_day("dragon_boat", _lunar(year, 5, 5)))
    blocks.extend(_autumn_blocks(year))
    return tuple(sorted(blocks, key=lambda block: block[1]))


def _dates(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + i * DAY for i in range((last - first).days + 1)]


def _holiday_names(year: int) -> dict[dt.date, str]:
    """Holiday dates of one year's schedule with their names."""
    names: dict[dt.date, str] = {}
    for name, first, last, _ in _blocks(year):
        names.update({day: name for day in _dates(first, last)})
    mid_autumn = _lunar(year, 8, 15)
    if names.get(mid_autumn) == "national_day":
        names[mid_autumn] = "mid_autumn"
    return names


def _nearest_weekend_day(start: dt.date, step: dt.timedelta, taken: set[dt.date]) -> dt.date:
    day = start + step
    while day.weekday() not in STATE_WEEKEND or day in taken:
        day += step
    return day


def _block_makeup(first: dt.date, last: dt.date, count: int, taken: set[dt.date]) -> list[dt.date]:
    """Make-up days of one block: a whole weekend touching it, else nearest per side."""
    for edge, step in ((first, -DAY), (last, DAY)):
        pair = [edge + step, edge + 2 * step]
        if count == 2 and all(d.weekday() in STATE_WEEKEND and d not in taken for d in pair):
            return pair
    before = _nearest_weekend_day(first, -DAY, taken)
    after = _nearest_weekend_day(last, DAY, taken)
    sides = [[before, -DAY], [after, DAY]]
    if after - last < first - before:
        sides.reverse()
    days: list[dt.date] = []
    for i in range(count):
        side = sides[i % 2]
        days.append(side[0])
        side[0] = _nearest_weekend_day(side[0], side[1], taken)
    return days


@cache
def _makeup_days(year: int) -> tuple[dt.date, ...]:
    """Make-up working days of one year's schedule (may fall in Dec of year - 1)."""
    taken = set(_holiday_names(year)) | set(_holiday_names(year + 1))
    makeup: list[dt.date] = []
    for _, first, last, statutory_d in _blocks(year):
        weekdays_off = sum(day.weekday() not in STATE_WEEKEND for day in _dates(first, last))
        days = _block_makeup(first, last, max(weekdays_off - statutory_d, 0), taken)
        taken.update(days)
        makeup.extend(days)
    return tuple(sorted(makeup))


def _in_year(days: dict[dt.date, str] | tuple[dt.date, ...], year: int) -> list[dt.date]:
    return sorted(day for day in days if day.year == year)


def public_holidays(year: int) -> dict[dt.date, str]:
    """Public holiday dates falling within one calendar year.

    Parameters
    ----------
    year : int
        Gregorian year, 2000–2060.

    Returns
    -------
    dict of datetime.date to str
        Every day off of the holiday blocks (including the weekend days they
        take in), in date order, named ``'new_year'``, ``'spring_festival'``,
        ``'qingming'``, ``'labour_day'``, ``'dragon_boat'``, ``'mid_autumn'``
        or ``'national_day'``. A New Year block of ``year + 1`` that starts on
        Dec 30 or 31 is included.
    """
    _check_year(year)
    names = _holiday_names(year + 1) | _holiday_names(year)
    return {day: names[day] for day in _in_year(names, year)}


def makeup_workdays(year: int) -> list[dt.date]:
    """Weekend days worked to pay back holiday bridging days (调休), approximate.

    Parameters
    ----------
    year : int
        Gregorian year, 2000–2060.

    Returns
    -------
    list of datetime.date
        Saturdays and Sundays within ``year`` that are working days.
    """
    _check_year(year)
    return _in_year(_makeup_days(year) + _makeup_days(year + 1), year)


def day_types(
    year: int, weekend_days: tuple[int, ...] = (5, 6), *, makeup: bool = True
) -> pd.Series:
    """Type of every day of a year for an enterprise's working pattern.

    Parameters
    ----------
    year : int
        Gregorian year, 2000–2060.
    weekend_days : tuple of int, default (5, 6)
        The enterprise's weekly rest days, Monday = 0 (``(6,)`` for a six-day
        week, ``()`` for continuous operation, which still stops on holidays).
    makeup : bool, default True
        Count the State Council's make-up weekend days as working days.

    Returns
    -------
    pandas.Series
        Named ``'day_type'``. Index: the days of ``year`` (DatetimeIndex, daily, name ``'date'``);
        values ``'workday'``, ``'weekend'`` or ``'holiday'``. Holiday blocks
        are ``'holiday'`` even on a weekend day; make-up days are ``'workday'``.
    """
    _check_year(year)
    if any(day not in range(7) for day in weekend_days):
        raise ValueError(f"weekend_days must be weekdays 0 (Monday) to 6, got {weekend_days}")
    index = pd.date_range(f"{year}-01-01", f"{year}-12-31", freq="D", name="date")
    types = pd.Series("workday", index=index, name="day_type")
    types[index.day_of_week.isin(weekend_days)] = "weekend"
    if makeup:
        types[pd.DatetimeIndex(makeup_workdays(year))] = "workday"
    types[pd.DatetimeIndex(list(public_holidays(year)))] = "holiday"
    return types


def spring_festival_window(year: int, days_before: int, days_after: int) -> tuple[dt.date, dt.date]:
    """Shutdown window of a factory around the Spring Festival.

    Parameters
    ----------
    year : int
        Gregorian year, 2000–2060.
    days_before : int
        Days stopped before the Spring Festival [d], ≥ 0.
    days_after : int
        Days stopped after it [d], ≥ 0.

    Returns
    -------
    tuple of datetime.date
        First and last day of the window, both inclusive.
    """
    if days_before < 0 or days_after < 0:
        raise ValueError(f"days_before and days_after must be ≥ 0, got {days_before}, {days_after}")
    day = spring_festival(year)
    return day - days_before * DAY, day + days_after * DAY
