"""Hostile values stop here, before any view, form or query sees them.

One place rather than a check in every view: a NUL byte in any query parameter reached
PostgreSQL (which refuses NUL in a string literal: 500) through the dashboard's `?unit=`, the
summary, the export form and every admin list filter; a tampered admin action id, a date
hierarchy year of 10^30 and an id beyond bigint each raised in Django's own admin code. What
is refused here is what no person types and no page of ours sends, so it is a 400 with the
project's Vietnamese page, and nothing is read or written."""

from __future__ import annotations

from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import BadRequest
from django.http import Http404
from django.views.defaults import bad_request

from contest_site.untrusted import (
    YEAR_MAX,
    YEAR_MIN,
    foreign_number,
    parse_id,
    unsafe_path,
    unsafe_text,
)

# Django admin's date hierarchy sends `<field>__year`, `__month`, `__day` and builds a
# datetime from them outside its own error handling (10^30 raised OverflowError, 9999 a
# ValueError for the following year). The range is the plausible one of contests/dates.py.
_DATE_PARTS = {
    "__year": (YEAR_MIN, YEAR_MAX),
    "__month": (1, 12),
    "__day": (1, 31),
}

# URL keyword arguments that carry a row id: Django admin's `<path:object_id>` is a string
# (int("١") is 1: an Arabic-Indic digit opened contest 1), and `<int:...>` takes any number of
# digits (20 of them overflowed SQLite's integer).
_ID_KWARGS = ("object_id", "pk")


def _value_problem(value: str) -> bool:
    return unsafe_text(value) or foreign_number(value)


def _form_problem(request) -> bool:
    try:
        post = request.POST
    except OSError:
        return False  # an unreadable body: the CSRF check answers it as before
    for key, values in post.lists():
        if unsafe_text(key) or any(_value_problem(v) for v in values):
            return True
    return any(parse_id(v) is None for v in post.getlist(ACTION_CHECKBOX_NAME))


def _query_problem(query) -> bool:
    for key, values in query.lists():
        if unsafe_text(key) or any(_value_problem(v) for v in values):
            return True
        for suffix, (low, high) in _DATE_PARTS.items():
            if key.endswith(suffix):
                numbers = [parse_id(v) for v in values]
                if any(n is None or not low <= n <= high for n in numbers):
                    return True
    return False


def hostile_request(request) -> bool:
    """True when the path, a query parameter or a form field holds a value no person types."""
    return (
        unsafe_path(request.path_info)
        or _query_problem(request.GET)
        or (request.method == "POST" and _form_problem(request))
    )


class HostileInputMiddleware:
    """Answers 400 to a hostile request (see `hostile_request`), and 404 to a URL whose id is
    not an id (`contest_site.untrusted.parse_id`): the same as a row that does not exist."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if hostile_request(request):
            return bad_request(request, BadRequest())
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        for name, value in view_kwargs.items():
            is_id = type(value) is int or name in _ID_KWARGS or name.endswith("_id")
            if is_id and parse_id(value) is None:
                raise Http404
        return None
