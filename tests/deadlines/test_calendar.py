"""Working days across the 2026 holidays and their make-up workdays."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from hgq.deadlines.calendar import WorkCalendar, due_after, load_calendar, seed_from_package
from hgq.deadlines.models import CalendarYear
from hgq.extensions import db

SHANGHAI = ZoneInfo("Asia/Shanghai")
CUTOFF = time(17, 30)


@pytest.fixture
def calendar(app) -> WorkCalendar:
    with app.app_context():
        seed_from_package()
        db.session.commit()
        return load_calendar()


def at(y, m, d, hh=10, mm=0):
    """A local Asia/Shanghai time."""
    return datetime(y, m, d, hh, mm, tzinfo=SHANGHAI)


def test_seeded_years_and_make_up_days(app, calendar):
    assert 2026 in calendar.known_years and 2027 not in calendar.known_years
    assert calendar.is_workday(date(2026, 10, 10))  # Saturday, 调休上班
    assert calendar.is_workday(date(2026, 2, 14))  # Saturday before Spring Festival
    assert not calendar.is_workday(date(2026, 10, 1))  # National Day
    assert not calendar.is_workday(date(2026, 9, 25))  # Mid-autumn (a Friday)
    assert not calendar.is_workday(date(2026, 2, 17))  # Spring Festival
    assert calendar.is_workday(date(2026, 11, 27))  # an ordinary Friday
    assert not calendar.is_workday(date(2026, 11, 28))  # an ordinary Saturday


def test_seeding_twice_adds_nothing(app, calendar):
    with app.app_context():
        assert seed_from_package() == []
        assert db.session.get(CalendarYear, 2026).source.startswith("chinesecalendar")


def test_five_working_days_across_national_day(calendar):
    due, certain = due_after(at(2026, 9, 24), 5, calendar, SHANGHAI, CUTOFF)
    assert due.astimezone(SHANGHAI) == at(2026, 10, 9, 17, 30)
    assert certain


def test_spring_festival_and_its_make_up_saturday(calendar):
    # Friday 2026-02-13: the next working day is Saturday 02-14 (调休), then the
    # holiday runs to 02-23 (Monday) and 02-24 is a working day again.
    due, _ = due_after(at(2026, 2, 13), 1, calendar, SHANGHAI, CUTOFF)
    assert due.astimezone(SHANGHAI).date() == date(2026, 2, 14)
    due, _ = due_after(at(2026, 2, 13), 2, calendar, SHANGHAI, CUTOFF)
    assert due.astimezone(SHANGHAI).date() == date(2026, 2, 24)


def test_cut_off_hour_moves_the_start_to_the_next_working_day(calendar):
    before, _ = due_after(at(2026, 11, 23, 17, 29), 1, calendar, SHANGHAI, CUTOFF)
    after, _ = due_after(at(2026, 11, 23, 17, 31), 1, calendar, SHANGHAI, CUTOFF)
    assert before.astimezone(SHANGHAI).date() == date(2026, 11, 24)
    assert after.astimezone(SHANGHAI).date() == date(2026, 11, 25)


def test_weekend_arrival_counts_from_monday(calendar):
    due, _ = due_after(at(2026, 11, 28, 9), 1, calendar, SHANGHAI, CUTOFF)  # Saturday
    assert due.astimezone(SHANGHAI).date() == date(2026, 12, 1)  # Monday start → Tuesday


def test_server_time_zone_does_not_matter(calendar):
    # 2026-11-23 18:00 in Shanghai is 10:00 UTC the same day: after the cut-off.
    utc_start = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    due, _ = due_after(utc_start, 1, calendar, SHANGHAI, CUTOFF)
    assert due.astimezone(SHANGHAI).date() == date(2026, 11, 25)


def test_a_deadline_in_an_unknown_year_is_provisional(calendar):
    due, certain = due_after(at(2026, 12, 28), 5, calendar, SHANGHAI, CUTOFF)
    assert not certain
    # weekdays only in 2027: Mon 12-28 → Tue 29, Wed 30, Thu 31, Fri 1-1, Mon 1-4
    assert due.astimezone(SHANGHAI).date() == date(2027, 1, 4)
    _, certain = due_after(at(2026, 12, 1), 5, calendar, SHANGHAI, CUTOFF)
    assert certain
