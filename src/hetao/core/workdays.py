"""Working days on both sides of the river: Mainland (Shenzhen) and Hong Kong public holidays.

Limit: Mainland "adjusted working days" (weekend days worked in exchange for a longer holiday) are not
modelled by the `holidays` package, so such a Saturday counts as a day off here.
"""

import datetime
from functools import lru_cache

import holidays

CALENDARS = ("mainland", "hong_kong", "both")


@lru_cache(maxsize=64)
def _holidays(calendar: str, year: int) -> frozenset[datetime.date]:
    days: set[datetime.date] = set()
    if calendar in ("mainland", "both"):
        days |= set(holidays.China(years=year))
    if calendar in ("hong_kong", "both"):
        days |= set(holidays.HongKong(years=year))
    return frozenset(days)


def is_working_day(day: datetime.date, calendar: str = "mainland") -> bool:
    return day.weekday() < 5 and day not in _holidays(calendar, day.year)


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
