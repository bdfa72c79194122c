"""Masking of identity numbers for roles that do not need them in full.

Only accounts with the permission `participants.view_full_identity` see numbers in full, and
every full view or export is written to PersonalDataAccess (`personal_data_access_log`)."""

from __future__ import annotations

# The document rule and the permission live in contests (the lowest app), so that contests
# masks excluded people's numbers with the same rule.
from contests.masking import (  # noqa: F401  re-exported
    FULL_IDENTITY_PERMISSION,
    can_view_full_identity,
    mask_document,
)


def mask_phone(phone: str | None) -> str:
    """+84912345678 -> 091****678 (national form, as people read it)."""
    phone = str(phone or "")
    if phone.startswith("+84"):
        phone = "0" + phone[3:]
    n = len(phone)
    if n == 0:
        return ""
    if n >= 7:
        return phone[:3] + "*" * (n - 6) + phone[-3:]
    return "*" * n


def personal_data_access_log(*, user, action: str, target: str):
    """Re-exported from services so that exports can import it from here too."""
    from participants.services import personal_data_access_log as log

    return log(user=user, action=action, target=target)
