"""Working days: the Mainland's adjusted working days (调休) from chinese_calendar, Hong Kong's general holidays,
staff overrides, and the fallback for a year the package does not know.

Expected dates are the State Council schedules as chinesecalendar 1.11 carries them (read from its data).
"""

import datetime
import logging

import pytest
from chinese_calendar import constants as package_data
from django.core.cache import cache
from django.core.exceptions import PermissionDenied

from hetao.audit.models import AuditEvent
from hetao.core import workdays
from hetao.core.workdays import add_working_days, is_working_day, working_days_between
from hetao.workdays import services
from hetao.workdays.models import WorkdayOverride
from tests.conftest import staff_in

pytestmark = pytest.mark.django_db

D = datetime.date


def days(start: D, end: D) -> list[D]:
    return [start + datetime.timedelta(n) for n in range((end - start).days + 1)]


@pytest.fixture(autouse=True)
def forget_overrides():
    """Overrides made in a test are rolled back with it; so must be the calendars computed from them."""
    workdays.clear_cache()
    yield
    workdays.clear_cache()


def test_spring_festival_2025_on_the_mainland():
    assert D(2025, 1, 26).weekday() == 6 and is_working_day(D(2025, 1, 26))  # a Sunday worked (调休)
    assert D(2025, 2, 8).weekday() == 5 and is_working_day(D(2025, 2, 8))  # a Saturday worked
    assert not any(is_working_day(day) for day in days(D(2025, 1, 28), D(2025, 2, 4)))
    assert is_working_day(D(2025, 1, 27)) and is_working_day(D(2025, 2, 5))
    # Friday 24 January + 5 working days: Sun 26, Mon 27, (holiday), Wed 5, Thu 6, Fri 7 February.
    assert add_working_days(D(2025, 1, 24), 5) == D(2025, 2, 7)
    assert working_days_between(D(2025, 1, 24), D(2025, 2, 9)) == 6  # … and Sat 8 February


def test_national_day_2025_on_the_mainland():
    assert is_working_day(D(2025, 9, 28)) and is_working_day(D(2025, 10, 11))  # Sunday and Saturday worked
    assert not any(is_working_day(day) for day in days(D(2025, 10, 1), D(2025, 10, 8)))
    assert add_working_days(D(2025, 9, 26), 2) == D(2025, 9, 29)  # Sat 27 off, Sun 28 worked, Mon 29
    assert add_working_days(D(2025, 9, 30), 1) == D(2025, 10, 9)
    assert add_working_days(D(2025, 10, 10), 1) == D(2025, 10, 11)  # the Saturday after is worked


def test_2026_schedule_from_the_package():
    assert not any(is_working_day(day) for day in days(D(2026, 2, 15), D(2026, 2, 23)))  # Spring Festival
    assert is_working_day(D(2026, 2, 14)) and is_working_day(D(2026, 2, 28))  # Saturdays worked
    assert not any(is_working_day(day) for day in days(D(2026, 10, 1), D(2026, 10, 7)))  # National Day
    assert is_working_day(D(2026, 9, 20)) and is_working_day(D(2026, 10, 10))  # Sunday and Saturday worked
    assert is_working_day(D(2026, 1, 4)) and not is_working_day(D(2026, 1, 2))  # New Year
    # Every day the package lists for 2026 agrees.
    assert all(is_working_day(day) for day in package_data.workdays if day.year == 2026)
    assert not any(is_working_day(day) for day in package_data.holidays if day.year == 2026)


def test_hong_kong_has_no_adjusted_working_days():
    assert not is_working_day(D(2025, 1, 26), "hong_kong") and not is_working_day(D(2025, 2, 8), "hong_kong")
    assert is_working_day(D(2025, 1, 28), "hong_kong")  # Lunar New Year's Eve: a working day in Hong Kong
    assert not is_working_day(D(2025, 1, 29), "hong_kong")
    assert not is_working_day(D(2026, 2, 14), "hong_kong")
    # Both sides: a day worked on only one side is not a working day of both.
    assert not is_working_day(D(2025, 1, 26), "both") and not is_working_day(D(2025, 1, 28), "both")
    assert is_working_day(D(2025, 2, 5), "both")


def test_an_override_changes_the_result_and_is_audited(django_capture_on_commit_callbacks):
    officer = staff_in("calendar", "data")
    assert is_working_day(D(2025, 1, 26))
    with django_capture_on_commit_callbacks(execute=True):
        override = services.override_save(actor=officer, override=WorkdayOverride(
            day=D(2025, 1, 26), calendar="mainland", working=False, note="Test correction"))
    assert not is_working_day(D(2025, 1, 26))
    assert not is_working_day(D(2025, 1, 26), "hong_kong")  # was already a day off there: unaffected
    assert AuditEvent.objects.filter(action="workdays.override.create", target_id=str(override.pk)).exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.override_save(actor=officer, override=WorkdayOverride(
            day=D(2025, 3, 3), calendar="hong_kong", working=False))
    assert not is_working_day(D(2025, 3, 3), "hong_kong") and is_working_day(D(2025, 3, 3))
    with django_capture_on_commit_callbacks(execute=True):
        services.override_delete(actor=officer, override=override)
    assert is_working_day(D(2025, 1, 26))
    assert AuditEvent.objects.filter(action="workdays.override.delete").exists()


def test_only_the_data_office_changes_calendars():
    with pytest.raises(PermissionDenied):
        services.override_save(actor=staff_in("talent", "talent_services"),
                               override=WorkdayOverride(day=D(2025, 1, 26), working=False))
    assert not WorkdayOverride.objects.exists()


def test_a_year_the_package_does_not_know_falls_back_and_warns(caplog, django_capture_on_commit_callbacks):
    year = workdays.MAINLAND_SCHEDULE_YEARS.stop + 3
    national_day = D(year, 10, 1)
    saturday = next(day for day in days(D(year, 10, 8), D(year, 10, 14)) if day.weekday() == 5)
    with caplog.at_level(logging.WARNING, logger="hetao.core.workdays"):
        assert not is_working_day(national_day)  # statutory holiday from the holidays package
        assert not is_working_day(saturday)
    assert any(str(year) in record.getMessage() for record in caplog.records)
    # Staff enter the year's schedule: the override wins and the warning stops.
    caplog.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.override_save(actor=staff_in("calendar", "data"),
                               override=WorkdayOverride(day=saturday, calendar="mainland", working=True))
    with caplog.at_level(logging.WARNING, logger="hetao.core.workdays"):
        assert is_working_day(saturday) and not is_working_day(national_day)
    assert not caplog.records


def test_another_process_change_is_seen_within_the_recheck_interval(monkeypatch):
    assert is_working_day(D(2025, 2, 8))
    # Another process saved an override: the row and a new token in the shared cache.
    WorkdayOverride.objects.create(day=D(2025, 2, 8), calendar="mainland", working=False)
    cache.set(services.TOKEN_KEY, "changed-elsewhere")
    assert is_working_day(D(2025, 2, 8))  # still cached here…
    monkeypatch.setitem(workdays._source, "checked", 0.0)  # … until the next check
    assert not is_working_day(D(2025, 2, 8))


def test_staff_edit_overrides_in_the_back_office(client, django_capture_on_commit_callbacks):
    client.force_login(staff_in("talent", "talent_services"))
    assert client.get("/en/admin/workdays/workdayoverride/").status_code == 403
    officer = staff_in("calendar", "data")
    client.force_login(officer)
    assert client.get("/en/admin/workdays/workdayoverride/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/en/admin/workdays/workdayoverride/add/", {
            "day": "2025-02-08", "calendar": "mainland", "note": "Test: not worked after all"})  # working unticked
    assert response.status_code == 302
    override = WorkdayOverride.objects.get(day=D(2025, 2, 8))
    assert override.updated_by == officer and not override.working
    assert not is_working_day(D(2025, 2, 8))
    assert AuditEvent.objects.filter(action="workdays.override.create", actor=officer).exists()
