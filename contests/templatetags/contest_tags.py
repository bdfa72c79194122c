"""Vietnamese display of contest times and money, and sanitised rich text.

A close time "đến 24 giờ ngày 1/9/2023" is stored as 2023-09-02 00:00 (+07:00) and shown as
the organiser wrote it: any time that falls on midnight is displayed as "24 giờ" of the day
before (`vn_deadline`). Opening times use `vn_time` ("0 giờ ngày 01/07/2023")."""

import datetime

from django import template
from django.template.defaultfilters import linebreaks_filter
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from contests.rich_text import rich_text_clean

register = template.Library()


def _clock(hour: int, minute: int) -> str:
    if minute:
        return _("%(hour)d giờ %(minute)02d") % {"hour": hour, "minute": minute}
    return _("%(hour)d giờ") % {"hour": hour}


@register.filter
def vn_time(value: datetime.datetime | None) -> str:
    """ "8 giờ 30 ngày 01/07/2023" in Asia/Ho_Chi_Minh; midnight is "0 giờ"."""
    if not value:
        return ""
    local = timezone.localtime(value)
    return _("%(clock)s ngày %(date)s") % {
        "clock": _clock(local.hour, local.minute),
        "date": local.strftime("%d/%m/%Y"),
    }


@register.filter
def vn_deadline(value: datetime.datetime | None) -> str:
    """A close time: midnight is shown as "24 giờ ngày <the day before>", the way official
    plans write it; any other time as `vn_time`."""
    if not value:
        return ""
    local = timezone.localtime(value)
    if local.hour == 0 and local.minute == 0 and local.second == 0:
        previous = (local - datetime.timedelta(days=1)).strftime("%d/%m/%Y")
        return _("24 giờ ngày %(date)s") % {"date": previous}
    return vn_time(value)


def deadline_day(value: datetime.datetime) -> datetime.date:
    """The last day a close time covers: a round closing at midnight (stored as the next day's
    0 giờ) ends on the day before, as official plans write it ("24 giờ ngày 07/11")."""
    local = timezone.localtime(value)
    if local.hour == 0 and local.minute == 0 and local.second == 0:
        return local.date() - datetime.timedelta(days=1)
    return local.date()


@register.filter
def vn_window(value) -> str:
    """A round's (or anything with opens_at/closes_at) window, the one way people read it on
    every page: "từ 0 giờ ngày 02/11/2026 đến 24 giờ ngày 07/11/2026"."""
    opens, closes = getattr(value, "opens_at", None), getattr(value, "closes_at", None)
    if not opens or not closes:
        return ""
    return _("từ %(start)s đến %(end)s") % {"start": vn_time(opens), "end": vn_deadline(closes)}


@register.filter
def dong(value: int | None) -> str:
    """3000000 → "3.000.000 đồng"."""
    if value is None:
        return ""
    return _("%(amount)s đồng") % {"amount": f"{int(value):,}".replace(",", ".")}


@register.filter
def vn_number(value: int | None) -> str:
    """1512991 → "1.512.991" (independent of the active locale's separators)."""
    if value is None:
        return ""
    return f"{int(value):,}".replace(",", ".")


@register.filter
def rich_text(value: str | None) -> SafeString:
    """Organiser-written text, sanitised again with nh3 and only then marked safe. Plain text
    (no tag at all) keeps its line breaks as paragraphs."""
    if not value:
        return mark_safe("")  # noqa: S308  empty
    if "<" not in value:
        return linebreaks_filter(escape(value), autoescape=False)
    return mark_safe(rich_text_clean(value))  # noqa: S308  sanitised by nh3 just above
