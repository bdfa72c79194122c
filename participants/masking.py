"""Masking of identity numbers for roles that do not need them in full.

Only accounts with the permission `participants.view_full_identity` see numbers in full, and
every full view or export is written to PersonalDataAccess (`personal_data_access_log`)."""

from __future__ import annotations

FULL_IDENTITY_PERMISSION = "participants.view_full_identity"


def mask_document(number: str | None) -> str:
    """001087123456 -> 001*****3456. Shorter numbers (passports) show less: 2 + 2 characters
    from 8 to 11 characters, 1 + 1 below, nothing under 5."""
    number = str(number or "")
    n = len(number)
    if n >= 12:
        head, tail = 3, 4
    elif n >= 8:
        head, tail = 2, 2
    elif n >= 5:
        head, tail = 1, 1
    else:
        return "*" * n
    return number[:head] + "*" * (n - head - tail) + number[-tail:]


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


def can_view_full_identity(user) -> bool:
    return bool(user is not None and user.is_active and user.has_perm(FULL_IDENTITY_PERMISSION))


def personal_data_access_log(*, user, action: str, target: str):
    """Re-exported from services so that exports can import it from here too."""
    from participants.services import personal_data_access_log as log

    return log(user=user, action=action, target=target)
