"""The anonymous results lookup's input: the form (document number + date of birth), the
registration it finds, and its rate limits.

Rate limits are two fixed-window counters in the cache (atomic INCR in Redis), as
participants.ratelimit counts logins: per address (generous, a school shares one address)
and per document number (tight: a date of birth has ~25,000 plausible values, so guessing it
for a known number must be slow). Not django-ratelimit: its system check refuses the demo's
local-memory cache, and the counter is a dozen lines.

Never telling whether a number is registered: an unknown number and a wrong date of birth
run the same single query (number *and* date of birth) and get the same message; the per-
number counter counts every well-formed number, registered or not.

Its explanation of a place (why the person above is above, why the person below is below)
is `ranking.explain` over the published rows, by the chain the snapshot was ranked by."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from contests.models import Contest
from participants.forms import DATE_FORMATS
from participants.identity import strip_separators
from participants.models import DocumentType, Registration
from participants.ratelimit import fixed_window_hit
from scoring.rules import ranking
from scoring.selectors.results import rank_row

# scope: (requests, seconds). Settings may override: SCORING_LOOKUP_RATE_LIMITS.
DEFAULT_LIMITS = {
    "address": (30, 60),
    "number": (5, 600),
}
NOT_FOUND = _(
    "Không tìm thấy kết quả với số giấy tờ và ngày sinh này. Hãy kiểm tra lại cả hai "
    "(số giấy tờ đã dùng khi đăng ký dự thi, ngày sinh dạng ngày/tháng/năm)."
)


class LookupForm(forms.Form):
    document_number = forms.CharField(
        label=_("Số CCCD (hoặc số hộ chiếu)"),
        max_length=40,
        error_messages={
            "required": _("Vui lòng nhập số giấy tờ đã dùng khi đăng ký dự thi."),
            "max_length": _("Số giấy tờ quá dài."),
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    date_of_birth = forms.DateField(
        label=_("Ngày sinh"),
        input_formats=DATE_FORMATS,
        error_messages={
            "required": _("Vui lòng nhập ngày sinh."),
            "invalid": _("Ngày sinh không hợp lệ (ví dụ 17/05/1990)."),
        },
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}, format="%Y-%m-%d"),
    )

    def clean_document_number(self) -> str:
        number = strip_separators(self.cleaned_data["document_number"]).upper()
        if not (number.isascii() and number.isalnum() and 5 <= len(number) <= 20):
            raise forms.ValidationError(
                _("Số giấy tờ chỉ gồm chữ cái và chữ số, từ 5 đến 20 ký tự."), code="invalid"
            )
        return number


def registration_by_identity(
    *, contest: Contest, number: str, date_of_birth
) -> Registration | None:
    """The registration of `contest` with this document number and date of birth: one query
    whether the number is unknown or the date wrong (document_type__in lets PostgreSQL use
    the (contest, type, number) unique index)."""
    return (
        Registration.objects.select_related("contest", "participant", "unit")
        .filter(
            contest=contest,
            document_type__in=DocumentType.values,
            document_number=number,
            participant__date_of_birth=date_of_birth,
        )
        .first()
    )


def _limits(scope: str) -> tuple[int, int]:
    configured = getattr(settings, "SCORING_LOOKUP_RATE_LIMITS", {}) or {}
    return configured.get(scope, DEFAULT_LIMITS[scope])


def lookup_limit_hit(*, scope: str, value: str) -> int | None:
    """Count one lookup for `value` in `scope`; the seconds to wait when over the limit."""
    limit, window = _limits(scope)
    return fixed_window_hit(key=f"scoring:lookup:rl:{scope}:{value}", limit=limit, window=window)


def published_chain(rank_totals: dict | None) -> tuple[str, ...]:
    """The chain a snapshot's ranks were published by (kept in its `rank_totals`); snapshots
    published before chains were configurable were ranked by the default chain."""
    chain = (rank_totals or {}).get("chain")
    known = ranking.KEYS.keys() | ranking.CUMULATIVE_KEYS.keys()
    if not isinstance(chain, list) or not all(name in known for name in chain):
        return ranking.DEFAULT_CHAIN
    return tuple(chain)


def neighbours_explained(*, me, above, below, rank: int, chain: tuple[str, ...]):
    """(why the person above ranks above, why the person below ranks below), each "" without
    such a neighbour: `me`, `above`, `below` are PublishedRank rows (or None), `rank` my
    published overall rank. I am "bạn", they "người dự thi hạng N"."""
    labels = {me.registration_id: _("bạn")}
    why_above = why_below = ""
    if above is not None:
        labels[above.registration_id] = _("người dự thi hạng %(n)s") % {"n": rank - 1}
        why_above = ranking.explain(rank_row(above), rank_row(me), chain, labels=labels)
    if below is not None:
        labels[below.registration_id] = _("người dự thi hạng %(n)s") % {"n": rank + 1}
        why_below = ranking.explain(rank_row(me), rank_row(below), chain, labels=labels)
    return why_above, why_below
