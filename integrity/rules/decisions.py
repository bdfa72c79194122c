"""What a decision on a flag needs: the disqualification reason each kind of flag stands for,
and the organiser's reason checked."""

from __future__ import annotations

from django.utils.translation import gettext as _

REASON_MAX = 300

# A flag about a test taken is about how it was taken (cheating); one about sign-ups is about
# accounts that are not who they say (farms of registrations with others' identities).
_DISQUALIFICATION_REASONS = {
    "too_fast": "cheating",
    "same_answers": "cheating",
    "regular_intervals": "cheating",
    "registration_burst": "duplicate",
    "phone_sequence": "duplicate",
}


def disqualification_reason(kind: str) -> str:
    """scoring.Disqualification's reason code for a flag of `kind` ("other" if unknown)."""
    return _DISQUALIFICATION_REASONS.get(kind, "other")


def reason_error(reason: str) -> str | None:
    """The Vietnamese message for an unusable reason, else None."""
    text = (reason or "").strip()
    if not text:
        return _("Vui lòng ghi lý do quyết định.")
    if len(text) > REASON_MAX:
        return _("Lý do dài tối đa %(max)s ký tự.") % {"max": REASON_MAX}
    return None
