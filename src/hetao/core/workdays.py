"""Working days on both sides of the river: the Mainland (Shenzhen) and Hong Kong calendars.

Mainland: the State Council's schedule as the `chinese_calendar` package carries it (public holidays *and*
the adjusted working days, 调休 — e.g. the Saturday or Sunday worked around Spring Festival and National Day).
For a year the package does not know yet, the statutory holidays of the `holidays` package (no 调休) are
used and a warning is logged until staff enter the schedule as overrides.
Hong Kong: general holidays from the `holidays` package; no adjusted working days.
"both": a day is a working day only when it is one on both sides.

Overrides (a day declared a working day or a day off, per calendar) win over both sources. They are kept in
the database by the `hetao.workdays` app, which registers a loader here with `register_override_source`
(core stays model-free) and calls `clear_cache()` when one changes.
"""

import datetime
import logging
import time
from collections.abc import Callable, Iterator, Mapping
from functools import lru_cache

import chinese_calendar
import holidays
from chinese_calendar import constants as chinese_calendar_data

logger = logging.getLogger(__name__)

CALENDARS = ("mainland", "hong_kong", "both")
# The years the installed chinese_calendar knows (it is updated when the State Council publishes a schedule).
MAINLAND_SCHEDULE_YEARS = range(min(chinese_calendar_data.holidays).year, max(chinese_calendar_data.holidays).year + 1)

# (calendar, day) → True (working day) / False (day off), for "mainland" and "hong_kong".
OverrideSource = Callable[[], Mapping[tuple[str, datetime.date], bool]]
# Another process may change an override: its token (None when unknown) is compared at most this often.
RECHECK_SECONDS = 10.0
_source: dict = {"overrides": None, "token": None, "seen": None, "checked": 0.0}


def register_override_source(overrides: OverrideSource | None, token: Callable[[], object] | None = None) -> None:
    """Set the function that returns every override (read once, then cached until `clear_cache()`), and
    optionally one that returns a token that changes whenever any process changes an override."""
    _source.update(overrides=overrides, token=token, seen=None, checked=0.0)
    clear_cache()


def clear_cache() -> None:
    _overrides.cache_clear()
    _working_days.cache_clear()


def _check_freshness() -> None:
    now = time.monotonic()
    if _source["token"] is None or now - _source["checked"] < RECHECK_SECONDS:
        return
    _source["checked"] = now
    token = _source["token"]()
    if token is not None and token != _source["seen"]:
        _source["seen"] = token
        clear_cache()


@lru_cache(maxsize=1)
def _overrides() -> dict[tuple[str, datetime.date], bool]:
    return dict(_source["overrides"]()) if _source["overrides"] is not None else {}


def _days_of(year: int) -> Iterator[datetime.date]:
    day = datetime.date(year, 1, 1)
    while day.year == year:
        yield day
        day += datetime.timedelta(days=1)


def _mainland_source(year: int, overridden: bool) -> Callable[[datetime.date], bool]:
    if year in MAINLAND_SCHEDULE_YEARS:
        return chinese_calendar.is_workday
    if not overridden:
        logger.warning("No Mainland working-day schedule for %s (chinese_calendar knows %s–%s and no override "
                       "exists): adjusted working days are not counted. Update chinesecalendar or add overrides.",
                       year, MAINLAND_SCHEDULE_YEARS.start, MAINLAND_SCHEDULE_YEARS.stop - 1)
    statutory = holidays.China(years=year)
    return lambda day: day.weekday() < 5 and day not in statutory


@lru_cache(maxsize=128)
def _working_days(calendar: str, year: int) -> frozenset[datetime.date]:
    if calendar == "both":
        return _working_days("mainland", year) & _working_days("hong_kong", year)
    if calendar not in CALENDARS:
        raise ValueError(f"Unknown working-day calendar {calendar!r}.")
    overrides = {day: working for (cal, day), working in _overrides().items() if cal == calendar and day.year == year}
    if calendar == "mainland":
        source = _mainland_source(year, overridden=bool(overrides))
    else:
        general = holidays.HongKong(years=year)

        def source(day: datetime.date) -> bool:
            return day.weekday() < 5 and day not in general
    return frozenset(day for day in _days_of(year) if overrides.get(day, source(day)))


def is_working_day(day: datetime.date, calendar: str = "mainland") -> bool:
    _check_freshness()
    return day in _working_days(calendar, day.year)


def add_working_days(start: datetime.date, days: int, calendar: str = "mainland") -> datetime.date:
    """The date `days` working days after `start` (the day of submission itself does not count)."""
    day, left = start, days
    while left > 0:
        day += datetime.timedelta(days=1)
        if is_working_day(day, calendar):
            left -= 1
    return day


def working_days_between(start: datetime.date, end: datetime.date, calendar: str = "mainland") -> int:
    """Working days after `start` up to and including `end` (negative when `end` is before `start`)."""
    if end < start:
        return -working_days_between(end, start, calendar)
    return sum(1 for n in range(1, (end - start).days + 1)
               if is_working_day(start + datetime.timedelta(days=n), calendar))
