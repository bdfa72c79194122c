"""Plausible ranges for every date and time a person types: one rule, used by forms (with a
Vietnamese message), by database CHECK constraints, and by the migration that reports rows
out of range.

Why: a contest saved with 01/01/0001 became a BC timestamp on PostgreSQL (a time zone shift
below year 1), and from then on every page that listed it answered 500. A range that no real
contest or person falls outside of stops that at the door and in the database."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from contest_site.untrusted import YEAR_MAX, YEAR_MIN

# Contests, rounds, milestones, reference dates and report filters.
CONTEST_MIN = datetime.date(2000, 1, 1)
CONTEST_MAX = datetime.date(YEAR_MAX, 12, 31)
# Dates of birth (the upper bound in forms is "today"; the database can only hold a constant).
BIRTH_MIN = datetime.date(YEAR_MIN, 1, 1)
BIRTH_MAX = CONTEST_MAX


def _as_date(value: datetime.date | datetime.datetime) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


def contest_date_problem(value: datetime.date | datetime.datetime | None) -> str | None:
    """None when `value` is a plausible contest date or time, else the Vietnamese message."""
    if value is None:
        return None
    if not CONTEST_MIN <= _as_date(value) <= CONTEST_MAX:
        return _("Ngày phải nằm trong khoảng từ %(low)s đến %(high)s.") % {
            "low": CONTEST_MIN.strftime("%d/%m/%Y"),
            "high": CONTEST_MAX.strftime("%d/%m/%Y"),
        }
    return None


def validate_contest_date(value: datetime.date | datetime.datetime | None) -> None:
    """`contest_date_problem` as a model field validator (ModelForms and admin inlines run it)."""
    problem = contest_date_problem(value)
    if problem:
        raise ValidationError(problem, code="date_out_of_range")


def birth_date_problem(
    value: datetime.date | None, *, today: datetime.date | None = None
) -> str | None:
    """None when `value` is a plausible date of birth (not before 1900, not in the future)."""
    if value is None:
        return None
    today = today or datetime.date.today()  # noqa: DTZ011  (a date, compared with a date)
    if value < BIRTH_MIN:
        return _("Ngày sinh không thể trước %(low)s.") % {"low": BIRTH_MIN.strftime("%d/%m/%Y")}
    if value > min(today, BIRTH_MAX):
        return _("Ngày sinh không thể ở tương lai.")
    return None


def date_range_q(field: str, *, low: datetime.date, high: datetime.date, null: bool) -> Q:
    """The CHECK condition for a DateField `field` between `low` and `high` inclusive."""
    condition = Q(**{f"{field}__gte": low, f"{field}__lte": high})
    return condition | Q(**{f"{field}__isnull": True}) if null else condition


def datetime_range_q(field: str, *, low: datetime.date, high: datetime.date, null: bool) -> Q:
    """The CHECK condition for a DateTimeField `field`: from the day before `low` 00:00 UTC to
    before two days after `high` 00:00 UTC. The margin is there because forms check the
    *local* date (01/01/2000 00:00 in Hà Nội is 31/12/1999 17:00 UTC, and "24:00 on 31/12/2099"
    is 01/01/2100 00:00): a time zone or the 24:00 rule never moves a value the form accepted
    out of the database's range."""
    utc = datetime.UTC
    start = datetime.datetime.combine(
        low - datetime.timedelta(days=1), datetime.time.min, tzinfo=utc
    )
    end = datetime.datetime.combine(
        high + datetime.timedelta(days=2), datetime.time.min, tzinfo=utc
    )
    condition = Q(**{f"{field}__gte": start, f"{field}__lt": end})
    return condition | Q(**{f"{field}__isnull": True}) if null else condition
